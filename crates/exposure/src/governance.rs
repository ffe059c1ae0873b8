//! Governance checks over the network model: conduits and remote access that bypass the
//! industrial DMZ, rules that allow anything, conduits nothing enforces, and observed flows that
//! no conduit allows ("ungoverned connectivity").

use std::collections::HashMap;
use std::net::IpAddr;

use serde::Serialize;

use model::{
    Action, Asset, Attachment, Direction, Endpoint, EnforcementKind, EntryKind, Flow, Plant, Protocol, Purdue,
    RuleSource,
};

/// One governance problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// `idmz-bypass`, `remote-access-bypass`, `any-any`, `any-service`, `unenforced`,
    /// `ungoverned-flow`.
    pub check: &'static str,
    /// `high`, `medium`, `low`.
    pub severity: &'static str,
    /// `conduit C`, `conduit C rule R`, `entry point E`, `flow 10.0.0.5 → 10.1.0.7 tcp/502`.
    pub subject: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conduit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_source: Option<RuleSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<Flow>,
    /// For an ungoverned flow: the rule closest to allowing it (`conduit/rule`) and what differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_differs: Option<String>,
}

impl Issue {
    fn new(check: &'static str, severity: &'static str, subject: String, message: String) -> Issue {
        Issue {
            check,
            severity,
            subject,
            message,
            conduit: None,
            rule: None,
            rule_source: None,
            flow: None,
            nearest_rule: None,
            nearest_differs: None,
        }
    }
}

fn enterprise(p: Purdue) -> bool {
    matches!(p, Purdue::L4 | Purdue::L5)
}

fn operations(p: Purdue) -> bool {
    matches!(p, Purdue::L0 | Purdue::L1 | Purdue::L2 | Purdue::L3)
}

/// Every governance problem of the plant's model, and of the observed flows against it.
pub fn check(plant: &Plant, flows: &[Flow]) -> Vec<Issue> {
    let mut out = Vec::new();
    let purdue = |z: &str| plant.zones.iter().find(|x| x.id == z).map(|x| x.purdue);
    for c in &plant.conduits {
        let (a, b) = (purdue(&c.zones[0]), purdue(&c.zones[1]));
        let bypass = matches!((a, b), (Some(a), Some(b)) if (enterprise(a) && operations(b)) || (enterprise(b) && operations(a)));
        let allows = c.rules.iter().any(|r| r.action == Action::Allow) || c.enforcement.kind == EnforcementKind::None;
        if bypass && allows {
            let mut i = Issue::new(
                "idmz-bypass",
                "high",
                format!("conduit {}", c.id),
                format!(
                    "conduit {} joins {} (Purdue {}) and {} (Purdue {}) directly: traffic between the enterprise and \
                     operations should end in the industrial DMZ",
                    c.id,
                    c.zones[0],
                    a.map_or("?", |p| p.as_str()),
                    c.zones[1],
                    b.map_or("?", |p| p.as_str())
                ),
            );
            i.conduit = Some(c.id.clone());
            out.push(i);
        }
        if c.enforcement.kind == EnforcementKind::None {
            let mut i = Issue::new(
                "unenforced",
                "high",
                format!("conduit {}", c.id),
                format!(
                    "conduit {} is enforced by nothing: every connection between {} and {} passes",
                    c.id, c.zones[0], c.zones[1]
                ),
            );
            i.conduit = Some(c.id.clone());
            out.push(i);
        }
        for r in &c.rules {
            if r.action != Action::Allow {
                continue;
            }
            let any = |e: &Endpoint| match e {
                Endpoint::Any => true,
                Endpoint::Net(n) => n.prefix_len() == 0,
                _ => false,
            };
            let all_services = r.ports.is_empty() && r.protocol == Protocol::Any;
            let (check, severity, what) = if any(&r.from) && any(&r.to) {
                ("any-any", "high", "allows any source to any destination")
            } else if all_services && (any(&r.from) || any(&r.to)) {
                ("any-any", "high", "allows every protocol and port with `any` on one side")
            } else if all_services || (r.ports.is_empty() && matches!(r.protocol, Protocol::Tcp | Protocol::Udp)) {
                ("any-service", "medium", "allows every port")
            } else {
                continue;
            };
            let mut i = Issue::new(
                check,
                severity,
                format!("conduit {} rule {}", c.id, r.id),
                format!(
                    "rule {} of conduit {} {what} ({} → {}, {}{}{})",
                    r.id,
                    c.id,
                    r.from,
                    r.to,
                    r.protocol,
                    if r.ports.is_empty() { "/any".to_string() } else { String::new() },
                    if r.direction == Direction::Both { ", both directions" } else { "" }
                ),
            );
            i.conduit = Some(c.id.clone());
            i.rule = Some(r.id.clone());
            i.rule_source = r.source.clone();
            out.push(i);
        }
    }
    let zone_of_asset = |id: &str| plant.assets.iter().find(|a| a.id == id).map(|a| a.zone.clone());
    for e in &plant.entry_points {
        if !matches!(e.kind, EntryKind::Internet | EntryKind::Enterprise | EntryKind::VendorRemoteAccess) {
            continue;
        }
        for at in &e.attachments {
            let (landing, how) = match at {
                Attachment::Zone { zone } => (Some(zone.clone()), "sits on the network of".to_string()),
                Attachment::PortForward { asset, port, .. } => {
                    (zone_of_asset(asset), format!("forwards a public port to {asset} port {port} in"))
                }
                Attachment::Vpn { gateway, zone, .. } => {
                    (Some(zone.clone()), format!("lands VPN sessions (through {gateway}) in"))
                }
                Attachment::JumpHost { host, .. } | Attachment::Account { host, .. } => {
                    (zone_of_asset(host), format!("logs in to {host} in"))
                }
            };
            let Some(zone) = landing else { continue };
            if purdue(&zone).is_some_and(operations) {
                out.push(Issue::new(
                    "remote-access-bypass",
                    "high",
                    format!("entry point {}", e.id),
                    format!(
                        "entry point {} ({}) {how} zone {zone} (Purdue {}) without passing the industrial DMZ",
                        e.id,
                        e.kind,
                        purdue(&zone).map_or("?", |p| p.as_str())
                    ),
                ));
            }
        }
    }
    let holders: HashMap<IpAddr, &Asset> =
        plant.assets.iter().flat_map(|a| a.ips.iter().map(move |ip| (*ip, a))).collect();
    for f in flows {
        if let Some(issue) = ungoverned(plant, &holders, f) {
            out.push(issue);
        }
    }
    out
}

/// Where an address sits: the zone holding it (by subnet, or by the asset that has it) and the
/// asset, if one holds it.
fn place<'p>(
    plant: &'p Plant,
    holders: &HashMap<IpAddr, &'p Asset>,
    ip: &IpAddr,
) -> (Option<&'p str>, Option<&'p str>) {
    let asset = holders.get(ip).copied();
    let zone = asset.map(|a| a.zone.as_str()).or_else(|| plant.zone_of_ip(ip).map(|z| z.id.as_str()));
    (zone, asset.map(|a| a.id.as_str()))
}

fn covers(e: &Endpoint, ip: &IpAddr, zone: Option<&str>, asset: Option<&str>) -> bool {
    match e {
        Endpoint::Any => true,
        Endpoint::Zone(z) => zone == Some(z.as_str()),
        Endpoint::Asset(a) => asset == Some(a.as_str()),
        Endpoint::Net(n) => n.contains(ip),
    }
}

/// An observed flow no conduit allows, with the nearest rule; `None` when the model allows it.
fn ungoverned(plant: &Plant, holders: &HashMap<IpAddr, &Asset>, f: &Flow) -> Option<Issue> {
    let (sz, sa) = place(plant, holders, &f.src);
    let (dz, da) = place(plant, holders, &f.dst);
    if sz == dz {
        return None; // inside one zone, or not the plant's traffic at all
    }
    let subject = format!("flow {} → {} {}/{}", f.src, f.dst, f.protocol, f.port);
    let name = |z: Option<&str>| z.map_or("no zone".to_string(), |z| format!("zone {z}"));
    let mut best: Option<(u32, u32, String, String, String)> = None; // (score, port distance, conduit, rule, differs)
    let mut joined = false;
    for c in &plant.conduits {
        let fwd = sz == Some(c.zones[0].as_str()) && dz == Some(c.zones[1].as_str());
        let back = sz == Some(c.zones[1].as_str()) && dz == Some(c.zones[0].as_str());
        let touches = [sz, dz].iter().flatten().any(|z| c.zones.iter().any(|x| x == z));
        if !(fwd || back || touches) {
            continue;
        }
        if fwd || back {
            joined = true;
            if c.enforcement.kind == EnforcementKind::None {
                return None;
            }
        }
        let mut decided = false;
        for r in &c.rules {
            let proto = r.protocol == Protocol::Any || r.protocol == f.protocol;
            let port = r.ports.is_empty() || r.ports.iter().any(|p| p.contains(f.port));
            let forward = covers(&r.from, &f.src, sz, sa) && covers(&r.to, &f.dst, dz, da);
            let reverse = r.direction == Direction::Both
                && c.enforcement.kind != EnforcementKind::DataDiode
                && covers(&r.to, &f.src, sz, sa)
                && covers(&r.from, &f.dst, dz, da);
            if (fwd || back) && !decided && proto && port && (forward || reverse) {
                if r.action == Action::Allow {
                    return None;
                }
                decided = true; // first match denies in this conduit; another conduit may still allow
            }
            if r.action != Action::Allow {
                continue;
            }
            let mut differs = Vec::new();
            if !(covers(&r.from, &f.src, sz, sa) || (r.direction == Direction::Both && covers(&r.to, &f.src, sz, sa))) {
                differs.push(format!("source (rule: {})", r.from));
            }
            if !(covers(&r.to, &f.dst, dz, da) || (r.direction == Direction::Both && covers(&r.from, &f.dst, dz, da))) {
                differs.push(format!("destination (rule: {})", r.to));
            }
            if !proto {
                differs.push(format!("protocol (rule: {})", r.protocol));
            }
            if !port {
                let list: Vec<String> = r.ports.iter().map(|p| p.to_string()).collect();
                differs.push(format!("port (rule: {})", list.join(",")));
            }
            let distance = r
                .ports
                .iter()
                .map(|p| {
                    if p.contains(f.port) {
                        0
                    } else {
                        u32::from(p.first.abs_diff(f.port).min(p.last.abs_diff(f.port)))
                    }
                })
                .min()
                .unwrap_or(0);
            let score = differs.len() as u32 + if fwd || back { 0 } else { 1 };
            if differs.is_empty() {
                continue; // it matches, but a deny before it decided
            }
            if best.as_ref().is_none_or(|b| (score, distance) < (b.0, b.1)) {
                best = Some((score, distance, c.id.clone(), r.id.clone(), differs.join(", ")));
            }
        }
    }
    let message = if joined {
        format!("observed {subject}: no rule of the conduits between {} and {} allows it", name(sz), name(dz))
    } else {
        format!("observed {subject}: no conduit joins {} and {}", name(sz), name(dz))
    };
    let mut i = Issue::new("ungoverned-flow", "high", subject, message);
    i.flow = Some(f.clone());
    if let Some((_, _, c, r, differs)) = best {
        i.nearest_rule = Some(format!("{c}/{r}"));
        i.nearest_differs = Some(differs);
    }
    Some(i)
}
