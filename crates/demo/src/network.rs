//! A synthetic plant network of a given size for exposure benchmarks: Purdue-layered zones,
//! conduits between neighbouring layers (and a few lateral ones), rules of every endpoint kind
//! (asset, zone, address block, single address, any), allow and deny, and entry points of every
//! kind. Deterministic for a seed. The assets carry only what exposure needs (zone, address,
//! services); findings are made up by the caller.

use std::net::{IpAddr, Ipv4Addr};

use model::{
    Action, Asset, AssetKind, Attachment, Conduit, Direction, Endpoint, Enforcement, EnforcementKind, EntryKind,
    EntryPoint, IpNet, Plant, PortRange, Protocol, Purdue, Rule, Service, Site, Zone,
};

/// splitmix64: small, fast, good enough for making up plants.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const LEVELS: [Purdue; 6] = [Purdue::L5, Purdue::L4, Purdue::L3_5, Purdue::L3, Purdue::L2, Purdue::L1];

fn ports_for(level: Purdue) -> &'static [(Protocol, u16, &'static str)] {
    match level {
        Purdue::L5 | Purdue::L4 => &[
            (Protocol::Tcp, 443, "https"),
            (Protocol::Tcp, 445, "smb"),
            (Protocol::Tcp, 3389, "rdp"),
            (Protocol::Tcp, 22, "ssh"),
        ],
        Purdue::L3_5 | Purdue::L3 => &[
            (Protocol::Tcp, 443, "https"),
            (Protocol::Tcp, 3389, "rdp"),
            (Protocol::Tcp, 1433, "mssql"),
            (Protocol::Tcp, 445, "smb"),
            (Protocol::Udp, 53, "dns"),
        ],
        Purdue::L2 => &[
            (Protocol::Tcp, 3389, "rdp"),
            (Protocol::Tcp, 4840, "opcua"),
            (Protocol::Tcp, 443, "https"),
            (Protocol::Tcp, 135, "msrpc"),
        ],
        Purdue::L1 | Purdue::L0 => &[
            (Protocol::Tcp, 102, "s7comm"),
            (Protocol::Tcp, 502, "modbus"),
            (Protocol::Tcp, 44818, "enip"),
            (Protocol::Udp, 47808, "bacnet"),
            (Protocol::Tcp, 80, "http"),
        ],
    }
}

/// A plant of `assets` assets in `zones` zones (at least 6) with `rules` conduit rules in all.
pub fn synthetic_network(assets: usize, zones: usize, rules: usize, seed: u64) -> Plant {
    let zones = zones.max(LEVELS.len());
    let mut rng = Rng(seed);
    // Zone counts per level: one Internet edge, a few enterprise, one IDMZ, then operations
    // layers growing towards the cells.
    let mut level_of = Vec::with_capacity(zones);
    level_of.push(Purdue::L5);
    let enterprise = (zones / 30).max(1);
    level_of.extend(std::iter::repeat_n(Purdue::L4, enterprise));
    level_of.push(Purdue::L3_5);
    let rest = zones - level_of.len();
    let l3 = (rest / 10).max(1);
    let l2 = (rest * 3 / 10).max(1);
    level_of.extend(std::iter::repeat_n(Purdue::L3, l3));
    level_of.extend(std::iter::repeat_n(Purdue::L2, l2));
    while level_of.len() < zones {
        level_of.push(Purdue::L1);
    }
    let mut plant = Plant {
        sites: vec![Site {
            id: "synthetic".into(),
            name: "Synthetic network".into(),
            location: None,
            timezone: None,
            description: None,
            policy: Default::default(),
        }],
        ..Plant::default()
    };
    for (i, &level) in level_of.iter().enumerate() {
        // A /20 per zone: 4,094 hosts, 4,096 zones fit in 10.0.0.0/8.
        let net = IpNet::new(IpAddr::V4(Ipv4Addr::new(10, (i >> 4) as u8, ((i & 15) << 4) as u8, 0)), 20)
            .unwrap_or_else(|_| IpNet::from(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0))));
        plant.zones.push(Zone {
            id: format!("z{i:04}"),
            site: "synthetic".into(),
            name: format!("Zone {i} (Purdue {level})"),
            purdue: level,
            subnets: vec![net],
            target_sl: None,
            safety: level == Purdue::L1 && i % 17 == 0,
            description: None,
        });
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); zones];
    for a in 0..assets {
        // The Internet edge and the IDMZ stay small; the rest share out the assets.
        let z = match a % 50 {
            0 => 0,
            1 => 1 + enterprise,
            _ => 1 + rng.below(zones - 1),
        };
        let host = members[z].len() + 2;
        let ip = match plant.zones[z].subnets[0].network() {
            IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) + host as u32)),
            v6 => v6,
        };
        members[z].push(a);
        let level = level_of[z];
        let table = ports_for(level);
        let n = 1 + rng.below(3);
        let mut services: Vec<Service> = Vec::new();
        for _ in 0..n {
            let (protocol, port, name) = table[rng.below(table.len())];
            if !services.iter().any(|s| s.port == port && s.protocol == protocol) {
                services.push(Service { protocol, port, name: Some(name.into()) });
            }
        }
        let kind = match level {
            Purdue::L1 | Purdue::L0 => AssetKind::Plc,
            Purdue::L2 => AssetKind::Hmi,
            _ => AssetKind::Server,
        };
        let mut asset = Asset::new(format!("A{a:06}"), format!("Asset {a}"), plant.zones[z].id.clone(), kind);
        asset.ips = vec![ip];
        asset.services = services;
        plant.assets.push(asset);
    }
    // Conduits: each zone below the IDMZ to one zone of the layer above; the IDMZ to every
    // enterprise zone and the edge; some lateral conduits within a layer.
    let layer = |p: Purdue| -> Vec<usize> { (0..zones).filter(|&z| level_of[z] == p).collect() };
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let idmz = 1 + enterprise;
    pairs.push((0, idmz));
    for z in layer(Purdue::L4) {
        pairs.push((0, z));
        pairs.push((z, idmz));
    }
    for (upper, lower) in [(Purdue::L3_5, Purdue::L3), (Purdue::L3, Purdue::L2), (Purdue::L2, Purdue::L1)] {
        let ups = layer(upper);
        for z in layer(lower) {
            pairs.push((ups[rng.below(ups.len())], z));
        }
    }
    for p in [Purdue::L2, Purdue::L1] {
        let l = layer(p);
        for _ in 0..l.len() / 10 {
            let (a, b) = (l[rng.below(l.len())], l[rng.below(l.len())]);
            if a != b && !pairs.contains(&(a, b)) && !pairs.contains(&(b, a)) {
                pairs.push((a, b));
            }
        }
    }
    let per = rules / pairs.len().max(1);
    let mut extra = rules - per * pairs.len().min(rules);
    for (ci, &(a, b)) in pairs.iter().enumerate() {
        let mut n = per;
        if extra > 0 {
            n += 1;
            extra -= 1;
        }
        let mut list = Vec::with_capacity(n);
        for r in 0..n {
            // Mostly downward (upper zone initiates), some upward.
            let (src, dst) = if rng.chance(80) { (a, b) } else { (b, a) };
            let end = |rng: &mut Rng, z: usize| -> Endpoint {
                let m = &members[z];
                match rng.below(10) {
                    0..=4 if !m.is_empty() => Endpoint::Asset(plant.assets[m[rng.below(m.len())]].id.clone()),
                    5 | 6 => Endpoint::Zone(plant.zones[z].id.clone()),
                    7 if !m.is_empty() => Endpoint::Net(IpNet::from(plant.assets[m[rng.below(m.len())]].ips[0])),
                    8 => {
                        let base = plant.zones[z].subnets[0];
                        IpNet::new(base.network(), 24).map_or(Endpoint::Zone(plant.zones[z].id.clone()), Endpoint::Net)
                    }
                    _ => Endpoint::Zone(plant.zones[z].id.clone()),
                }
            };
            let from = end(&mut rng, src);
            let to = end(&mut rng, dst);
            let table = ports_for(level_of[dst]);
            let (protocol, port, _) = table[rng.below(table.len())];
            let ports = if rng.chance(5) { Vec::new() } else { vec![PortRange::single(port)] };
            list.push(Rule {
                id: format!("r{r}"),
                from,
                to,
                protocol: if ports.is_empty() { Protocol::Any } else { protocol },
                ports,
                direction: if rng.chance(5) { Direction::Both } else { Direction::OneWay },
                action: if rng.chance(10) { Action::Deny } else { Action::Allow },
                application: None,
                description: None,
                source: None,
            });
        }
        plant.conduits.push(Conduit {
            id: format!("c{ci:04}"),
            name: format!("{} ↔ {}", plant.zones[a].id, plant.zones[b].id),
            zones: [plant.zones[a].id.clone(), plant.zones[b].id.clone()],
            enforcement: Enforcement { kind: EnforcementKind::Firewall, name: None },
            rules: list,
            description: None,
        });
    }
    let pick =
        |rng: &mut Rng, z: usize| members[z].get(rng.below(members[z].len())).map(|&a| plant.assets[a].id.clone());
    let mut entries = Vec::new();
    let mut internet = Vec::new();
    for _ in 0..5 {
        let z = 1 + rng.below(zones - 1);
        if let Some(asset) = pick(&mut rng, z) {
            let s = &plant.assets.iter().find(|x| x.id == asset).map(|x| x.services.clone()).unwrap_or_default();
            if let Some(s) = s.first() {
                internet.push(Attachment::PortForward {
                    public_address: None,
                    public_port: s.port,
                    asset,
                    protocol: s.protocol,
                    port: s.port,
                });
            }
        }
    }
    if let Some(gw) = pick(&mut rng, 0) {
        internet.push(Attachment::Vpn { gateway: gw, zone: plant.zones[1].id.clone(), mfa: true, ports: Vec::new() });
    }
    entries.push(("internet", EntryKind::Internet, internet));
    entries.push(("enterprise", EntryKind::Enterprise, vec![Attachment::Zone { zone: plant.zones[1].id.clone() }]));
    let mut vendor = Vec::new();
    if let Some(gw) = pick(&mut rng, 0) {
        vendor.push(Attachment::Vpn { gateway: gw, zone: plant.zones[idmz].id.clone(), mfa: false, ports: Vec::new() });
    }
    if let Some(jump) = pick(&mut rng, idmz) {
        vendor.push(Attachment::JumpHost { host: jump, mfa: true });
    }
    entries.push(("vendor", EntryKind::VendorRemoteAccess, vendor));
    let l2 = layer(Purdue::L2);
    if let Some(&w) = l2.first() {
        entries.push(("wireless", EntryKind::Wireless, vec![Attachment::Zone { zone: plant.zones[w].id.clone() }]));
    }
    if let Some(&t) = l2.last() {
        entries.push((
            "transient",
            EntryKind::TransientDevice,
            vec![Attachment::Zone { zone: plant.zones[t].id.clone() }],
        ));
    }
    for (id, kind, attachments) in entries {
        if !attachments.is_empty() {
            plant.entry_points.push(EntryPoint {
                id: id.into(),
                kind,
                name: id.into(),
                attachments,
                description: None,
            });
        }
    }
    plant
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synthetic_network_is_a_valid_plant_of_the_asked_size() {
        let p = synthetic_network(2_000, 60, 3_000, 7);
        assert_eq!(p.assets.len(), 2_000);
        assert_eq!(p.zones.len(), 60);
        assert_eq!(p.conduits.iter().map(|c| c.rules.len()).sum::<usize>(), 3_000);
        assert!(p.problems().is_empty(), "{:?}", &p.problems()[..p.problems().len().min(5)]);
        assert!(p.entry_points.len() >= 4);
    }
}
