//! The plant's network compiled into a compact form: hosts and services indexed by number,
//! addresses as `u128` (IPv4 mapped into IPv6), rule endpoints as zone / host / address
//! interval, so that evaluating a rule is a few integer comparisons.

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;
use model::{Action, Attachment, Direction, Endpoint, EnforcementKind, EntryKind, Plant, PortRange, Protocol};

/// Index of a host (an asset) in [`Graph::hosts`].
pub type HostIx = u32;
/// Index of a zone in [`Graph::zones`].
pub type ZoneIx = u32;
/// Index of a service in [`Graph::services`].
pub type SvcIx = u32;

/// An address as a number: IPv6 as is, IPv4 as its IPv4-mapped IPv6 address.
pub fn addr(ip: &IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(*v6),
    }
}

/// A CIDR block as an inclusive interval of [`addr`] numbers.
pub fn interval(net: &IpNet) -> (u128, u128) {
    let n = net.trunc();
    (addr(&n.network()), addr(&n.broadcast()))
}

/// A rule endpoint, resolved against the plant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Any,
    Zone(ZoneIx),
    Host(HostIx),
    /// An inclusive address interval.
    Net(u128, u128),
    /// A zone or asset the plant does not have: matches nothing.
    Nothing,
}

#[derive(Debug, Clone)]
pub struct RuleC {
    /// Index of the rule in its conduit.
    pub index: u32,
    pub from: End,
    pub to: End,
    pub protocol: Protocol,
    /// Empty: every port.
    pub ports: Vec<PortRange>,
    pub both: bool,
    pub allow: bool,
}

impl RuleC {
    /// Whether the rule's protocol and ports cover a service.
    pub fn covers(&self, protocol: Protocol, port: u16) -> bool {
        let proto = self.protocol == Protocol::Any || self.protocol == protocol;
        proto && (self.ports.is_empty() || self.ports.iter().any(|r| r.contains(port)))
    }
}

#[derive(Debug, Clone)]
pub struct ConduitC {
    /// Index of the conduit in the plant.
    pub plant_index: u32,
    pub zones: [ZoneIx; 2],
    /// Enforced by nothing: every connection passes, whatever the rules say.
    pub unenforced: bool,
    pub rules: Vec<RuleC>,
}

#[derive(Debug, Clone, Default)]
pub struct ZoneC {
    pub subnets: Vec<(u128, u128)>,
    pub hosts: Vec<HostIx>,
    /// Conduits with this zone on either side.
    pub conduits: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct HostC {
    pub zone: ZoneIx,
    pub addrs: Vec<u128>,
    /// The host's services: `services[first..end]`.
    pub services: std::ops::Range<SvcIx>,
}

#[derive(Debug, Clone, Copy)]
pub struct SvcC {
    pub host: HostIx,
    pub protocol: Protocol,
    pub port: u16,
}

/// How an entry point puts an attacker somewhere, compiled.
#[derive(Debug, Clone)]
pub enum Foothold {
    /// On a zone's network (a zone attachment: unauthenticated; a VPN session: authenticated).
    Zone { zone: ZoneIx, authenticated: bool },
    /// Working on a host (jump host, remote-access account): authenticated.
    Host { host: HostIx },
    /// Reaches these services of a host from outside (a port forward, a VPN gateway's public
    /// ports): unauthenticated.
    Services { services: Vec<SvcIx> },
}

#[derive(Debug, Clone)]
pub struct EntryC {
    pub kind: EntryKind,
    /// One per attachment, in the entry point's order; `None` where the attachment names
    /// something the plant does not have.
    pub footholds: Vec<Option<Foothold>>,
}

/// The compiled network.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub zones: Vec<ZoneC>,
    pub hosts: Vec<HostC>,
    pub services: Vec<SvcC>,
    pub conduits: Vec<ConduitC>,
    pub entries: Vec<EntryC>,
    /// Every host address, sorted: `(address, host)`.
    pub addr_index: Vec<(u128, HostIx)>,
    /// Compromising a VPN gateway lands the attacker in the zones it serves.
    pub gateway_zones: HashMap<HostIx, Vec<ZoneIx>>,
}

impl Graph {
    /// Compiles a plant. Records that name zones or assets the plant lacks compile to nothing
    /// (`Plant::problems` reports them; a stored plant has none).
    pub fn compile(plant: &Plant) -> Graph {
        let zone_ix: HashMap<&str, ZoneIx> =
            plant.zones.iter().enumerate().map(|(i, z)| (z.id.as_str(), i as ZoneIx)).collect();
        let host_ix: HashMap<&str, HostIx> =
            plant.assets.iter().enumerate().map(|(i, a)| (a.id.as_str(), i as HostIx)).collect();
        let mut g = Graph {
            zones: plant
                .zones
                .iter()
                .map(|z| ZoneC { subnets: z.subnets.iter().map(interval).collect(), ..ZoneC::default() })
                .collect(),
            ..Graph::default()
        };
        for (i, a) in plant.assets.iter().enumerate() {
            let zone = zone_ix.get(a.zone.as_str()).copied().unwrap_or(u32::MAX);
            let first = g.services.len() as SvcIx;
            for s in &a.services {
                g.services.push(SvcC { host: i as HostIx, protocol: s.protocol, port: s.port });
            }
            let addrs: Vec<u128> = a.ips.iter().map(addr).collect();
            for &ad in &addrs {
                g.addr_index.push((ad, i as HostIx));
            }
            g.hosts.push(HostC { zone, addrs, services: first..g.services.len() as SvcIx });
            if let Some(z) = g.zones.get_mut(zone as usize) {
                z.hosts.push(i as HostIx);
            }
        }
        g.addr_index.sort_unstable();
        let end = |e: &Endpoint| match e {
            Endpoint::Any => End::Any,
            Endpoint::Zone(z) => zone_ix.get(z.as_str()).map_or(End::Nothing, |&z| End::Zone(z)),
            Endpoint::Asset(a) => host_ix.get(a.as_str()).map_or(End::Nothing, |&h| End::Host(h)),
            Endpoint::Net(n) if n.prefix_len() == 0 => End::Any,
            Endpoint::Net(n) => {
                let (lo, hi) = interval(n);
                End::Net(lo, hi)
            }
        };
        for (ci, c) in plant.conduits.iter().enumerate() {
            let (Some(&a), Some(&b)) = (zone_ix.get(c.zones[0].as_str()), zone_ix.get(c.zones[1].as_str())) else {
                continue;
            };
            if a == b {
                continue;
            }
            let rules = c
                .rules
                .iter()
                .enumerate()
                .map(|(i, r)| RuleC {
                    index: i as u32,
                    from: end(&r.from),
                    to: end(&r.to),
                    protocol: r.protocol,
                    ports: r.ports.clone(),
                    both: r.direction == Direction::Both && c.enforcement.kind != EnforcementKind::DataDiode,
                    allow: r.action == Action::Allow,
                })
                .collect();
            let cix = g.conduits.len() as u32;
            g.conduits.push(ConduitC {
                plant_index: ci as u32,
                zones: [a, b],
                unenforced: c.enforcement.kind == EnforcementKind::None,
                rules,
            });
            g.zones[a as usize].conduits.push(cix);
            g.zones[b as usize].conduits.push(cix);
        }
        for e in &plant.entry_points {
            let mut footholds = Vec::new();
            for at in &e.attachments {
                let f = match at {
                    Attachment::Zone { zone } => {
                        zone_ix.get(zone.as_str()).map(|&zone| Foothold::Zone { zone, authenticated: false })
                    }
                    Attachment::PortForward { asset, protocol, port, .. } => host_ix.get(asset.as_str()).map(|&h| {
                        let services = g.hosts[h as usize]
                            .services
                            .clone()
                            .filter(|&s| {
                                // Layer-2 services never cross a router, let alone a NAT.
                                let sv = g.services[s as usize];
                                sv.protocol != Protocol::Ethernet
                                    && sv.port == *port
                                    && (*protocol == Protocol::Any || sv.protocol == *protocol)
                            })
                            .collect();
                        Foothold::Services { services }
                    }),
                    Attachment::Vpn { gateway, zone, .. } => {
                        if let (Some(&h), Some(&z)) = (host_ix.get(gateway.as_str()), zone_ix.get(zone.as_str())) {
                            let zones = g.gateway_zones.entry(h).or_default();
                            if !zones.contains(&z) {
                                zones.push(z);
                            }
                        }
                        zone_ix.get(zone.as_str()).map(|&zone| Foothold::Zone { zone, authenticated: true })
                    }
                    Attachment::JumpHost { host, .. } | Attachment::Account { host, .. } => {
                        host_ix.get(host.as_str()).map(|&host| Foothold::Host { host })
                    }
                };
                footholds.push(f);
                // A VPN attachment is two footholds: the session in the zone (above) and the
                // gateway's public services before anyone logs in.
                if let Attachment::Vpn { gateway, ports, .. } = at {
                    let public = host_ix.get(gateway.as_str()).map(|&h| {
                        let services = g.hosts[h as usize]
                            .services
                            .clone()
                            .filter(|&s| {
                                let sv = g.services[s as usize];
                                sv.protocol != Protocol::Ethernet
                                    && (ports.is_empty() || ports.iter().any(|r| r.contains(sv.port)))
                            })
                            .collect();
                        Foothold::Services { services }
                    });
                    footholds.push(public);
                }
            }
            g.entries.push(EntryC { kind: e.kind, footholds });
        }
        g
    }

    /// Hosts with an address in `[lo, hi]`, each once, in address order.
    pub fn hosts_in(&self, lo: u128, hi: u128, out: &mut Vec<HostIx>) {
        let start = self.addr_index.partition_point(|&(a, _)| a < lo);
        let before = out.len();
        for &(a, h) in &self.addr_index[start..] {
            if a > hi {
                break;
            }
            out.push(h);
        }
        if out.len() - before > 1 {
            out[before..].sort_unstable();
            let mut seen = before;
            for i in before..out.len() {
                if i == before || out[i] != out[seen - 1] {
                    out[seen] = out[i];
                    seen += 1;
                }
            }
            out.truncate(seen);
        }
    }

    /// Whether a host is covered by an endpoint (as a destination or a source).
    pub fn host_in(&self, h: HostIx, e: End) -> bool {
        match e {
            End::Any => true,
            End::Zone(z) => self.hosts[h as usize].zone == z,
            End::Host(x) => x == h,
            End::Net(lo, hi) => self.hosts[h as usize].addrs.iter().any(|a| (lo..=hi).contains(a)),
            End::Nothing => false,
        }
    }

    /// Whether an attacker sitting on a zone's network can send from an address the endpoint
    /// covers. Such an attacker takes any address of the zone that no inventoried asset holds:
    /// a block overlapping the zone's subnets admits it, a single address held by an asset does
    /// not, and an asset endpoint never does.
    pub fn zone_attacker_in(&self, z: ZoneIx, e: End) -> bool {
        match e {
            End::Any => true,
            End::Zone(x) => x == z,
            End::Host(_) | End::Nothing => false,
            End::Net(lo, hi) => {
                let overlaps = self.zones[z as usize].subnets.iter().any(|&(a, b)| a <= hi && lo <= b);
                if !overlaps {
                    return false;
                }
                // Some address of the block inside a subnet of the zone that no asset holds.
                self.zones[z as usize].subnets.iter().any(|&(a, b)| {
                    let (l, h) = (a.max(lo), b.min(hi));
                    if l > h {
                        return false;
                    }
                    let start = self.addr_index.partition_point(|&(x, _)| x < l);
                    let mut held: u128 = 0;
                    let mut last = None;
                    for &(x, _) in &self.addr_index[start..] {
                        if x > h {
                            break;
                        }
                        if last != Some(x) {
                            held += 1;
                            last = Some(x);
                        }
                    }
                    h - l >= held // (h - l + 1) addresses, more than `held` of them
                })
            }
        }
    }
}
