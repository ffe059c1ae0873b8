//! The explicit graph behind an analysis, for an independent computation (networkx in
//! `bench/exposure-networkx.py`): every actor, every service, every connection an actor can open
//! and every host it can take, as JSON Lines.
//!
//! Node names: `e:<entry point>`, `z:<zone>` (an attacker on the zone's network), `h:<asset>`
//! (the attacker controls the asset), `s:<asset>/<protocol>/<port>`. Edges carry a weight: 1 for
//! taking a host, 0 otherwise; the shortest weighted distance from `e:X` to `h:A` is the number
//! of hosts taken to take A, to `s:…` the number taken before reaching the service.

use std::io::Write;

use model::Protocol;

use crate::graph::Foothold;
use crate::reach::Analysis;

struct Out<'a> {
    a: &'a Analysis,
    out: &'a mut dyn Write,
    nodes: u64,
    edges: u64,
}

impl Out<'_> {
    fn node(&mut self, name: &str) -> std::io::Result<()> {
        self.nodes += 1;
        writeln!(self.out, "[\"node\",{}]", serde_json::Value::from(name))
    }

    fn edge(&mut self, from: &str, to: &str, w: u32) -> std::io::Result<()> {
        self.edges += 1;
        writeln!(self.out, "[\"edge\",{},{},{w}]", serde_json::Value::from(from), serde_json::Value::from(to))
    }

    fn svc_name(&self, s: u32) -> String {
        let sv = self.a.g.services[s as usize];
        format!("s:{}/{}/{}", self.a.plant().assets[sv.host as usize].id, sv.protocol, sv.port)
    }

    /// A connection from an actor to a service, and the take it allows.
    fn reach(&mut self, from: &str, from_host: Option<u32>, s: u32, same_zone: bool) -> std::io::Result<()> {
        let sv = self.a.g.services[s as usize];
        if sv.protocol == Protocol::Ethernet && !same_zone {
            return Ok(());
        }
        let name = self.svc_name(s);
        self.edge(from, &name, 0)?;
        if from_host != Some(sv.host) && self.usable(sv.host, same_zone) {
            let to = format!("h:{}", self.a.plant().assets[sv.host as usize].id);
            self.edge(from, &to, 1)?;
        }
        Ok(())
    }

    fn usable(&self, host: u32, same_zone: bool) -> bool {
        self.a.host_exploit_ids(host as usize).iter().any(|&x| {
            let v = self.a.exploits()[x as usize].vector;
            if same_zone { v.adjacent() } else { v.remote() }
        })
    }
}

/// Writes the graph: one JSON array per line, `["node", name]` or `["edge", from, to, weight]`.
/// Returns (nodes, edges).
pub fn write_graph(a: &Analysis, out: &mut dyn Write) -> std::io::Result<(u64, u64)> {
    let p = a.plant();
    let g = &a.g;
    let mut w = Out { a, out, nodes: 0, edges: 0 };
    for e in &p.entry_points {
        w.node(&format!("e:{}", e.id))?;
    }
    for z in &p.zones {
        w.node(&format!("z:{}", z.id))?;
    }
    for asset in &p.assets {
        w.node(&format!("h:{}", asset.id))?;
    }
    for s in 0..g.services.len() as u32 {
        let name = w.svc_name(s);
        w.node(&name)?;
    }
    for (e, ep) in p.entry_points.iter().enumerate() {
        let from = format!("e:{}", ep.id);
        for f in g.entries[e].footholds.iter().flatten() {
            match f {
                Foothold::Zone { zone, .. } => w.edge(&from, &format!("z:{}", p.zones[*zone as usize].id), 0)?,
                Foothold::Host { host } => w.edge(&from, &format!("h:{}", p.assets[*host as usize].id), 0)?,
                Foothold::Services { services } => {
                    for &s in services {
                        w.reach(&from, None, s, false)?;
                    }
                }
            }
        }
    }
    let actors = (0..p.zones.len())
        .map(|z| (format!("z:{}", p.zones[z].id), z as u32, None, a.units.of_zone(z as u32)))
        .chain(
            (0..p.assets.len())
                .map(|h| (format!("h:{}", p.assets[h].id), g.hosts[h].zone, Some(h as u32), a.units.of_host(h as u32))),
        );
    for (name, zone, host, units) in actors {
        if let Some(zc) = g.zones.get(zone as usize) {
            for &h in &zc.hosts {
                for s in g.hosts[h as usize].services.clone() {
                    w.reach(&name, host, s, true)?;
                }
                if g.hosts[h as usize].services.is_empty() && host != Some(h) && w.usable(h, true) {
                    w.edge(&name, &format!("h:{}", p.assets[h as usize].id), 1)?;
                }
            }
        }
        for &u in units {
            for &(s, _) in a.unit_reach(u) {
                w.reach(&name, host, s, false)?;
            }
        }
        if let Some(h) = host
            && let Some(zs) = g.gateway_zones.get(&h)
        {
            for &z in zs {
                w.edge(&name, &format!("z:{}", p.zones[z as usize].id), 0)?;
            }
        }
    }
    Ok((w.nodes, w.edges))
}
