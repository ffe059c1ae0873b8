//! The engine against a second, independent reference written from docs/exposure.md alone.
//!
//! The reference works on the explicit actor × service graph: every connection is decided by
//! walking the rule lists of every conduit joining the two zones for that exact source,
//! destination, protocol and port, address blocks checked against every free address of the
//! attacker's zone. A level-by-level breadth-first search per entry point then counts hosts
//! taken.
//!
//! Readings of the text this reference commits to (where the doc could be read two ways):
//!
//! - an attacker on a zone's network picks its address: it passes when *some* free address of
//!   the zone gets an `allow` first, so a `deny` for one free address ahead of an `allow` for the
//!   subnet does not stop it (docs/exposure.md; the engine). The literal "coverage" reading — the
//!   attacker as one source covered by any block holding a free address — is kept as
//!   `Reading::Coverage` (`PROPERTY_COVERAGE=1`) and pinned as different in a hand-written case;
//! - a host is one source, covered by a block when any of its addresses is in it;
//! - a zone without a free address (no subnets, or every address held) still has an attacker on
//!   its network, but no address block other than `0.0.0.0/0` / `::/0` covers it;
//! - every address of a subnet counts, network and broadcast addresses included;
//! - a host the attacker controls is "in its zone": it reaches every service of the zone and can
//!   take the zone's hosts with `AV:A` findings, and hosts without services;
//! - a gateway the attacker controls (taken, or a jump host / account on it) puts the attacker
//!   on the landing zone of every VPN attachment in the plant naming it, at the same distance;
//! - enforcement `none` passes every connection, but never a layer-2 (`ethernet`) service;
//! - a port forward to a (protocol, port) the asset does not list, or to an `ethernet`
//!   service, reaches nothing;
//! - hop counts: a foothold is at 0; a host taken by an actor at distance d is at d + 1; a
//!   service is at the distance of the nearest actor that reaches it;
//! - System Exposure `open`: a service reached at distance 0 by an unauthenticated foothold (a
//!   zone attachment, or the outside of a port forward / VPN gateway) of an `internet` entry
//!   point; `controlled`: any entry point reaches a service of the asset or controls it.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use exposure::{Analysis, AttackVector, Exploit};
use model::{
    Action, Asset, AssetKind, Attachment, Conduit, Direction, Endpoint, Enforcement, EnforcementKind, EntryKind,
    EntryPoint, IpNet, Plant, PortRange, Protocol, Purdue, Rule, Service, Site, SystemExposure, Zone,
};

// ---------------------------------------------------------------------------------------------
// A small deterministic PRNG (splitmix64).

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Building plants.

const PORTS: [u16; 6] = [22, 80, 102, 443, 502, 3389];
/// The port of layer-2 services (PROFINET's EtherType); port ranges in rules may cover it.
const L2_PORT: u16 = 34962;

fn site() -> Site {
    Site {
        id: "s".into(),
        name: "Site".into(),
        location: None,
        timezone: None,
        description: None,
        policy: Default::default(),
    }
}

fn zone(id: &str, subnets: &[&str]) -> Zone {
    Zone {
        id: id.into(),
        site: "s".into(),
        name: id.into(),
        purdue: Purdue::L2,
        subnets: subnets.iter().map(|s| s.parse().unwrap()).collect(),
        target_sl: None,
        safety: false,
        description: None,
    }
}

fn asset(id: &str, zone: &str, ips: &[&str], services: &[&str]) -> Asset {
    let mut a = Asset::new(id, id, zone, AssetKind::Server);
    a.ips = ips.iter().map(|s| s.parse().unwrap()).collect();
    a.services = services.iter().map(|s| service(s)).collect();
    a
}

/// `tcp/502`, `udp/161`, `ethernet/34962`.
fn service(s: &str) -> Service {
    let (proto, port) = s.split_once('/').unwrap();
    Service { protocol: proto.parse().unwrap(), port: port.parse().unwrap(), name: None }
}

/// `allow zone:a -> asset:plc tcp 502,1000-2000` (`<->` for both ways; ports optional).
fn rule(id: usize, s: &str) -> Rule {
    let w: Vec<&str> = s.split_whitespace().collect();
    let ports = w.get(5).map_or(Vec::new(), |p| p.split(',').map(|x| x.parse().unwrap()).collect());
    Rule {
        id: format!("r{id}"),
        from: w[1].parse().unwrap(),
        to: w[3].parse().unwrap(),
        protocol: w[4].parse().unwrap(),
        ports,
        direction: if w[2] == "<->" { Direction::Both } else { Direction::OneWay },
        action: w[0].parse().unwrap(),
        application: None,
        description: None,
        source: None,
    }
}

fn conduit(id: &str, a: &str, b: &str, kind: EnforcementKind, rules: &[&str]) -> Conduit {
    Conduit {
        id: id.into(),
        name: id.into(),
        zones: [a.into(), b.into()],
        enforcement: Enforcement { kind, name: None },
        rules: rules.iter().enumerate().map(|(i, r)| rule(i, r)).collect(),
        description: None,
    }
}

fn entry(id: &str, kind: EntryKind, attachments: Vec<Attachment>) -> EntryPoint {
    EntryPoint { id: id.into(), kind, name: id.into(), attachments, description: None }
}

fn on_zone(z: &str) -> Attachment {
    Attachment::Zone { zone: z.into() }
}

fn exploit(asset: &str, n: usize, vector: AttackVector) -> Exploit {
    let cve = format!("CVE-2024-{n:04}");
    Exploit {
        asset: asset.into(),
        finding: format!("{asset}:{cve}"),
        vulnerability: cve,
        vector,
        kev: n.is_multiple_of(3),
    }
}

// ---------------------------------------------------------------------------------------------
// The random network generator.

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn every_address(n: &IpNet) -> Vec<IpAddr> {
    match n {
        IpNet::V4(v) => {
            (u32::from(v.network())..=u32::from(v.broadcast())).map(|x| IpAddr::V4(Ipv4Addr::from(x))).collect()
        }
        IpNet::V6(_) => Vec::new(),
    }
}

/// An address of one of the subnets, near the start of the block (so that assets and rules meet).
fn some_address(r: &mut Rng, subnets: &[IpNet]) -> Option<IpAddr> {
    if subnets.is_empty() {
        return None;
    }
    let IpNet::V4(n) = r.pick(subnets) else { return None };
    let size = 1u64 << (32 - n.prefix_len());
    let offset = r.below(size.min(20) as usize) as u32;
    Some(IpAddr::V4(Ipv4Addr::from(u32::from(n.network()) + offset)))
}

fn generate(seed: u64) -> (Plant, Vec<Exploit>) {
    let mut r = Rng::new(seed);
    let mut p = Plant { sites: vec![site()], ..Plant::default() };
    // Sparse and dense networks, with few and many findings.
    let conduit_chance = r.pick(&[25, 45, 75]);
    let exploit_chance = r.pick(&[20, 45, 75]);

    let nz = r.range(2, 6);
    for z in 0..nz {
        let subnets: Vec<String> = match r.below(20) {
            0 => Vec::new(),
            1..=3 => vec![format!("10.{z}.0.0/{}", r.pick(&[30, 31, 32]))],
            4..=6 => {
                vec![format!("10.{z}.0.0/{}", r.pick(&[24, 27, 30])), format!("10.{z}.1.0/{}", r.pick(&[26, 30, 32]))]
            }
            _ => vec![format!("10.{z}.0.0/{}", r.pick(&[24, 25, 26, 27, 28, 29]))],
        };
        let subnets: Vec<&str> = subnets.iter().map(String::as_str).collect();
        p.zones.push(zone(&format!("z{z}"), &subnets));
    }

    let mut held: BTreeSet<IpAddr> = BTreeSet::new();
    let mut n = 0;
    for z in 0..nz {
        for _ in 0..r.range(0, 8) {
            let mut a = Asset::new(format!("h{n}"), format!("h{n}"), format!("z{z}"), AssetKind::Server);
            n += 1;
            for _ in 0..r.range(0, 2) {
                let ip = if p.zones[z].subnets.is_empty() {
                    if r.chance(40) { Some(v4(192, 168, z as u8, r.range(1, 4) as u8)) } else { None }
                } else {
                    some_address(&mut r, &p.zones[z].subnets)
                };
                if let Some(ip) = ip
                    && held.insert(ip)
                {
                    a.ips.push(ip);
                }
            }
            for _ in 0..r.range(0, 3) {
                let protocol = r.pick(&[Protocol::Tcp, Protocol::Tcp, Protocol::Udp, Protocol::Ethernet]);
                let port = if protocol == Protocol::Ethernet { L2_PORT } else { r.pick(&PORTS) };
                if !a.services.iter().any(|s| s.protocol == protocol && s.port == port) {
                    a.services.push(Service { protocol, port, name: None });
                }
            }
            p.assets.push(a);
        }
    }
    // Assets in a random order, so that nothing depends on zones' assets being adjacent.
    for i in (1..p.assets.len()).rev() {
        let j = r.below(i + 1);
        p.assets.swap(i, j);
    }
    let held: Vec<IpAddr> = held.into_iter().collect();

    let mut nc = 0;
    for i in 0..nz {
        for j in i + 1..nz {
            if !r.chance(conduit_chance) {
                continue;
            }
            let count = if r.chance(15) { 2 } else { 1 };
            for _ in 0..count {
                let (za, zb) = if r.chance(50) { (i, j) } else { (j, i) };
                let kind = match r.below(20) {
                    0..=1 => EnforcementKind::None,
                    2..=5 => EnforcementKind::DataDiode,
                    6 => EnforcementKind::RouterAcl,
                    7 => EnforcementKind::Vlan,
                    _ => EnforcementKind::Firewall,
                };
                let mut c = conduit(&format!("c{nc}"), &format!("z{za}"), &format!("z{zb}"), kind, &[]);
                nc += 1;
                for k in 0..r.range(0, 6) {
                    let (f, t) = if r.chance(70) { (za, zb) } else { (zb, za) };
                    let from = endpoint(&mut r, &p, &held, f, za, zb);
                    let to = endpoint(&mut r, &p, &held, t, za, zb);
                    let protocol =
                        r.pick(&[Protocol::Tcp, Protocol::Tcp, Protocol::Udp, Protocol::Any, Protocol::Icmp]);
                    let protocol = match protocol {
                        Protocol::Icmp if r.chance(30) => Protocol::Ethernet,
                        Protocol::Icmp if r.chance(40) => Protocol::Icmp,
                        Protocol::Icmp => Protocol::Any,
                        p => p,
                    };
                    let ports = if matches!(protocol, Protocol::Icmp | Protocol::Ethernet) {
                        Vec::new()
                    } else {
                        match r.below(10) {
                            0..=3 => Vec::new(),
                            4..=6 => vec![PortRange::single(r.pick(&PORTS))],
                            7 => vec![PortRange::single(r.pick(&PORTS)), PortRange::single(r.pick(&PORTS))],
                            _ => {
                                let (a, b) = r.pick(&[(1, 1023), (80, 443), (400, 600), (3000, 40000), (0, 65535)]);
                                vec![PortRange { first: a, last: b }]
                            }
                        }
                    };
                    let direction = if kind == EnforcementKind::DataDiode || r.chance(50) {
                        Direction::OneWay
                    } else {
                        Direction::Both
                    };
                    let action = if r.chance(65) { Action::Allow } else { Action::Deny };
                    c.rules.push(Rule {
                        id: format!("r{k}"),
                        from,
                        to,
                        protocol,
                        ports,
                        direction,
                        action,
                        application: None,
                        description: None,
                        source: None,
                    });
                }
                p.conduits.push(c);
            }
        }
    }

    let ne = r.range(1, 4);
    for e in 0..ne {
        let kind =
            r.pick(&[EntryKind::Internet, EntryKind::Enterprise, EntryKind::VendorRemoteAccess, EntryKind::Wireless]);
        let mut attachments = Vec::new();
        for _ in 0..r.range(1, 2) {
            let roll = r.below(20);
            if p.assets.is_empty() || roll < 7 {
                attachments.push(on_zone(&format!("z{}", r.below(nz))));
                continue;
            }
            let h = &p.assets[r.below(p.assets.len())];
            let host = h.id.clone();
            let mfa = r.chance(50);
            attachments.push(match roll {
                7..=10 => {
                    let routable: Vec<&Service> =
                        h.services.iter().filter(|s| s.protocol != Protocol::Ethernet).collect();
                    let (protocol, port) = if !routable.is_empty() && r.chance(80) {
                        let s = routable[r.below(routable.len())];
                        (s.protocol, s.port)
                    } else if r.chance(20) {
                        (Protocol::Ethernet, L2_PORT)
                    } else {
                        (r.pick(&[Protocol::Tcp, Protocol::Udp]), r.pick(&PORTS))
                    };
                    let public_address = if r.chance(50) { Some(v4(203, 0, 113, r.range(1, 9) as u8)) } else { None };
                    Attachment::PortForward {
                        public_address,
                        public_port: 8000 + r.below(100) as u16,
                        asset: host,
                        protocol,
                        port,
                    }
                }
                11..=14 => {
                    let ports = match r.below(10) {
                        0..=4 => Vec::new(),
                        5..=7 => vec![PortRange::single(r.pick(&PORTS))],
                        _ => vec![PortRange { first: 80, last: 443 }],
                    };
                    Attachment::Vpn { gateway: host, zone: format!("z{}", r.below(nz)), mfa, ports }
                }
                15..=17 => Attachment::JumpHost { host, mfa },
                _ => Attachment::Account { host, mfa, shared: r.chance(50) },
            });
        }
        p.entry_points.push(entry(&format!("e{e}"), kind, attachments));
    }

    let mut exploits = Vec::new();
    for a in &p.assets {
        if r.chance(exploit_chance) {
            for _ in 0..r.range(1, 2) {
                let vector = match r.below(20) {
                    0..=9 => AttackVector::Network,
                    10..=13 => AttackVector::Adjacent,
                    14..=15 => AttackVector::Local,
                    16 => AttackVector::Physical,
                    _ => AttackVector::Unknown,
                };
                exploits.push(exploit(&a.id, exploits.len(), vector));
            }
        }
    }
    (p, exploits)
}

/// A rule endpoint for a conduit joining zones `za` and `zb`, leaning towards zone `side`.
fn endpoint(r: &mut Rng, p: &Plant, held: &[IpAddr], side: usize, za: usize, zb: usize) -> Endpoint {
    let z = if r.chance(80) { side } else { r.pick(&[za, zb]) };
    let zid = format!("z{z}");
    let local: Vec<&Asset> = p.assets.iter().filter(|a| a.zone == zid).collect();
    let local_ips: Vec<IpAddr> = local.iter().flat_map(|a| a.ips.iter().copied()).collect();
    match r.below(20) {
        0..=2 => Endpoint::Any,
        3..=5 => Endpoint::Zone(zid),
        6..=8 if !local.is_empty() => Endpoint::Asset(local[r.below(local.len())].id.clone()),
        9..=10 if !local_ips.is_empty() => Endpoint::Net(IpNet::from(r.pick(&local_ips))),
        11 if !held.is_empty() => Endpoint::Net(IpNet::from(r.pick(held))),
        12..=13 => match some_address(r, &p.zones[z].subnets) {
            Some(ip) => Endpoint::Net(IpNet::from(ip)),
            None => Endpoint::Zone(zid),
        },
        14..=16 => {
            let base = some_address(r, &p.zones[z].subnets).unwrap_or(v4(10, z as u8, 0, 0));
            let len = r.pick(&[8u8, 16, 23, 24, 25, 26, 28, 29, 30, 31]);
            Endpoint::Net(IpNet::new(base, len).unwrap().trunc())
        }
        17 => Endpoint::Net(r.pick(&["0.0.0.0/0", "::/0"]).parse().unwrap()),
        18 => {
            Endpoint::Net(r.pick(&["10.0.0.0/8", "2001:db8::/32", "192.168.0.0/16", "10.99.0.0/16"]).parse().unwrap())
        }
        _ => Endpoint::Any,
    }
}

// ---------------------------------------------------------------------------------------------
// The reference.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    /// An attacker on a zone's network.
    Zone(usize),
    /// A host the attacker controls.
    Host(usize),
}

/// The source of a connection as rules see it.
#[derive(Clone, Copy)]
enum Src {
    /// An attacker on a zone's network, as one source: a block covers it when it contains a
    /// free address of the zone (the doc's "Endpoint coverage").
    Network(usize),
    /// An attacker on a zone's network holding this address (`None`: the zone has no free
    /// address) — the other reading, see [`Reading`].
    Attacker(usize, Option<IpAddr>),
    Host(usize),
}

struct Reference {
    /// `[entry][asset]`: hosts taken.
    take: Vec<Vec<Option<u32>>>,
    /// `[entry][service]`: services reached.
    reach: Vec<Vec<Option<u32>>>,
    exposure: Vec<SystemExposure>,
}

/// How rules see an attacker on a zone's network (the doc can be read both ways).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// One source, covered by a block holding *any* free address of the zone: "an address block
    /// covers […] an attacker on zone Z when the block contains an address of one of Z's subnets
    /// that no asset holds". A `deny` for one free address stops the attacker.
    Coverage,
    /// The attacker holds one free address of its choosing ("It holds an address of the zone
    /// that no inventoried asset holds"; "an attacker on a zone tried from every free address"):
    /// a connection passes when some free address gets an `allow` first.
    PickAddress,
}

struct World<'a> {
    p: &'a Plant,
    reading: Reading,
    /// Per zone: the addresses of its subnets no asset holds.
    free: Vec<Vec<IpAddr>>,
    host_zone: Vec<usize>,
    /// Every service: (host, protocol, port).
    svcs: Vec<(usize, Protocol, u16)>,
    host_svcs: Vec<Vec<usize>>,
    vectors: Vec<Vec<AttackVector>>,
    /// Per host: the landing zones of the VPN attachments naming it as gateway.
    lands: Vec<Vec<usize>>,
    /// `[conduit][0 or 1]`: the source addresses an attacker on that side of the conduit tries,
    /// one per distinct coverage by the conduit's rules.
    tries: Vec<[Vec<Option<IpAddr>>; 2]>,
    /// `[actor][service]`, actors numbered zones first, then hosts.
    connect: Vec<Vec<bool>>,
}

fn zone_ix(p: &Plant, id: &str) -> usize {
    p.zones.iter().position(|z| z.id == id).unwrap()
}

fn host_ix(p: &Plant, id: &str) -> usize {
    p.assets.iter().position(|a| a.id == id).unwrap()
}

fn covers(w: &World, ep: &Endpoint, src: Src) -> bool {
    match ep {
        Endpoint::Any => true,
        Endpoint::Zone(z) => {
            let zone = match src {
                Src::Network(z) | Src::Attacker(z, _) => z,
                Src::Host(h) => w.host_zone[h],
            };
            w.p.zones[zone].id == *z
        }
        Endpoint::Asset(a) => matches!(src, Src::Host(h) if w.p.assets[h].id == *a),
        Endpoint::Net(n) if n.prefix_len() == 0 => true,
        Endpoint::Net(n) => match src {
            Src::Network(z) => w.free[z].iter().any(|ip| n.contains(ip)),
            Src::Attacker(_, ip) => ip.is_some_and(|ip| n.contains(&ip)),
            Src::Host(h) => w.p.assets[h].ips.iter().any(|ip| n.contains(ip)),
        },
    }
}

/// The first rule of the conduit matching the connection allows it.
fn first_match_allows(w: &World, c: &Conduit, src: Src, dst: usize, protocol: Protocol, port: u16) -> bool {
    let diode = c.enforcement.kind == EnforcementKind::DataDiode;
    for r in &c.rules {
        if !(r.protocol == Protocol::Any || r.protocol == protocol) {
            continue;
        }
        if !(r.ports.is_empty() || r.ports.iter().any(|pr| pr.contains(port))) {
            continue;
        }
        let forward = covers(w, &r.from, src) && covers(w, &r.to, Src::Host(dst));
        let reverse =
            r.direction == Direction::Both && !diode && covers(w, &r.to, src) && covers(w, &r.from, Src::Host(dst));
        if forward || reverse {
            return r.action == Action::Allow;
        }
    }
    false
}

impl<'a> World<'a> {
    fn new(p: &'a Plant, exploits: &[Exploit], reading: Reading) -> Self {
        let host_zone: Vec<usize> = p.assets.iter().map(|a| zone_ix(p, &a.zone)).collect();
        let mut svcs = Vec::new();
        let mut host_svcs = vec![Vec::new(); p.assets.len()];
        for (h, a) in p.assets.iter().enumerate() {
            for s in &a.services {
                host_svcs[h].push(svcs.len());
                svcs.push((h, s.protocol, s.port));
            }
        }
        let mut vectors = vec![Vec::new(); p.assets.len()];
        for x in exploits {
            if let Some(h) = p.assets.iter().position(|a| a.id == x.asset) {
                vectors[h].push(x.vector);
            }
        }
        let mut lands = vec![Vec::new(); p.assets.len()];
        for e in &p.entry_points {
            for at in &e.attachments {
                if let Attachment::Vpn { gateway, zone, .. } = at {
                    lands[host_ix(p, gateway)].push(zone_ix(p, zone));
                }
            }
        }
        let held: BTreeSet<IpAddr> = p.assets.iter().flat_map(|a| a.ips.iter().copied()).collect();
        let free: Vec<Vec<IpAddr>> = p
            .zones
            .iter()
            .map(|z| z.subnets.iter().flat_map(every_address).filter(|ip| !held.contains(ip)).collect())
            .collect();
        let mut w = World {
            reading,
            free: Vec::new(),
            p,
            host_zone,
            svcs,
            host_svcs,
            vectors,
            lands,
            tries: Vec::new(),
            connect: Vec::new(),
        };

        // Free addresses with the same coverage by every address block of a conduit's rules
        // behave the same in that conduit: try one of each.
        for c in &p.conduits {
            let side = |zid: &String| {
                let z = zone_ix(p, zid);
                if free[z].is_empty() {
                    return vec![None];
                }
                let mut seen = BTreeSet::new();
                let mut out = Vec::new();
                for &ip in &free[z] {
                    let sig: Vec<bool> = c
                        .rules
                        .iter()
                        .flat_map(|r| [&r.from, &r.to])
                        .map(|ep| matches!(ep, Endpoint::Net(n) if n.contains(&ip)))
                        .collect();
                    if seen.insert(sig) {
                        out.push(Some(ip));
                    }
                }
                out
            };
            w.tries.push([side(&c.zones[0]), side(&c.zones[1])]);
        }
        w.free = free;

        let actors = p.zones.len() + p.assets.len();
        w.connect = (0..actors)
            .map(|a| {
                let actor = if a < p.zones.len() { Actor::Zone(a) } else { Actor::Host(a - p.zones.len()) };
                (0..w.svcs.len()).map(|s| w.can_connect(actor, s)).collect()
            })
            .collect();
        w
    }

    fn zone_of(&self, a: Actor) -> usize {
        match a {
            Actor::Zone(z) => z,
            Actor::Host(h) => self.host_zone[h],
        }
    }

    fn actor_ix(&self, a: Actor) -> usize {
        match a {
            Actor::Zone(z) => z,
            Actor::Host(h) => self.p.zones.len() + h,
        }
    }

    /// Rules 1 and 2 of "Who can send what to whom", decided from scratch.
    fn can_connect(&self, actor: Actor, s: usize) -> bool {
        let (d, protocol, port) = self.svcs[s];
        let (az, dz) = (self.zone_of(actor), self.host_zone[d]);
        if az == dz {
            return true;
        }
        if protocol == Protocol::Ethernet {
            return false;
        }
        let (a_id, d_id) = (&self.p.zones[az].id, &self.p.zones[dz].id);
        for (ci, c) in self.p.conduits.iter().enumerate() {
            let side = if c.zones[0] == *a_id && c.zones[1] == *d_id {
                0
            } else if c.zones[1] == *a_id && c.zones[0] == *d_id {
                1
            } else {
                continue;
            };
            if c.enforcement.kind == EnforcementKind::None {
                return true;
            }
            let pass = match actor {
                Actor::Host(h) => first_match_allows(self, c, Src::Host(h), d, protocol, port),
                Actor::Zone(z) if self.reading == Reading::PickAddress => self.tries[ci][side]
                    .iter()
                    .any(|&ip| first_match_allows(self, c, Src::Attacker(z, ip), d, protocol, port)),
                Actor::Zone(z) => first_match_allows(self, c, Src::Network(z), d, protocol, port),
            };
            if pass {
                return true;
            }
        }
        false
    }

    fn connects(&self, a: Actor, s: usize) -> bool {
        self.connect[self.actor_ix(a)][s]
    }

    /// Rule 3: what the outside of each attachment reaches.
    fn outside(&self, at: &Attachment) -> Vec<usize> {
        match at {
            Attachment::PortForward { asset, protocol, port, .. } => {
                let h = host_ix(self.p, asset);
                self.host_svcs[h]
                    .iter()
                    .copied()
                    .filter(|&s| {
                        let (_, pr, po) = self.svcs[s];
                        pr != Protocol::Ethernet && pr == *protocol && po == *port
                    })
                    .collect()
            }
            Attachment::Vpn { gateway, ports, .. } => {
                let h = host_ix(self.p, gateway);
                self.host_svcs[h]
                    .iter()
                    .copied()
                    .filter(|&s| {
                        let (_, pr, po) = self.svcs[s];
                        pr != Protocol::Ethernet && (ports.is_empty() || ports.iter().any(|r| r.contains(po)))
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether an actor takes host `h` (`None`: the outside, reaching `outside`).
    fn takes(&self, actor: Option<Actor>, outside: &[usize], h: usize) -> bool {
        let v = &self.vectors[h];
        let remote = v.iter().any(|v| matches!(v, AttackVector::Network | AttackVector::Unknown));
        let adjacent = remote || v.contains(&AttackVector::Adjacent);
        match actor {
            None => remote && outside.iter().any(|&s| self.svcs[s].0 == h),
            Some(a) if self.zone_of(a) == self.host_zone[h] => adjacent,
            Some(a) => remote && self.host_svcs[h].iter().any(|&s| self.connects(a, s)),
        }
    }

    fn run(&self) -> Reference {
        let (nz, nh, ns) = (self.p.zones.len(), self.p.assets.len(), self.svcs.len());
        let mut take = Vec::new();
        let mut reach = Vec::new();
        let mut open = vec![false; ns];
        for e in &self.p.entry_points {
            let mut zd: Vec<Option<u32>> = vec![None; nz];
            let mut hd: Vec<Option<u32>> = vec![None; nh];
            let mut sd: Vec<Option<u32>> = vec![None; ns];
            let mut outside = Vec::new();
            let mut current: Vec<Actor> = Vec::new();
            let mut unauthenticated_zones = Vec::new();
            for at in &e.attachments {
                outside.extend(self.outside(at));
                match at {
                    Attachment::Zone { zone } => {
                        current.push(Actor::Zone(zone_ix(self.p, zone)));
                        unauthenticated_zones.push(zone_ix(self.p, zone));
                    }
                    Attachment::Vpn { zone, .. } => current.push(Actor::Zone(zone_ix(self.p, zone))),
                    Attachment::JumpHost { host, .. } | Attachment::Account { host, .. } => {
                        current.push(Actor::Host(host_ix(self.p, host)))
                    }
                    Attachment::PortForward { .. } => {}
                }
            }
            if e.kind == EntryKind::Internet {
                for &s in &outside {
                    open[s] = true;
                }
                for &z in &unauthenticated_zones {
                    for (s, o) in open.iter_mut().enumerate() {
                        *o |= self.connects(Actor::Zone(z), s);
                    }
                }
            }
            for &s in &outside {
                sd[s] = Some(0);
            }
            let mut level = 0u32;
            loop {
                // Actors at this level, with the landing zones of the gateways among them.
                let mut i = 0;
                let mut here = Vec::new();
                while i < current.len() {
                    let a = current[i];
                    i += 1;
                    let slot = match a {
                        Actor::Zone(z) => &mut zd[z],
                        Actor::Host(h) => &mut hd[h],
                    };
                    if slot.is_some() {
                        continue;
                    }
                    *slot = Some(level);
                    here.push(a);
                    if let Actor::Host(h) = a {
                        current.extend(self.lands[h].iter().map(|&z| Actor::Zone(z)));
                    }
                }
                for &a in &here {
                    for (s, d) in sd.iter_mut().enumerate() {
                        if d.is_none() && self.connects(a, s) {
                            *d = Some(level);
                        }
                    }
                }
                let mut next = Vec::new();
                for (h, d) in hd.iter().enumerate() {
                    if d.is_some() {
                        continue;
                    }
                    let by_outside = level == 0 && self.takes(None, &outside, h);
                    if by_outside || here.iter().any(|&a| self.takes(Some(a), &outside, h)) {
                        next.push(Actor::Host(h));
                    }
                }
                if next.is_empty() {
                    break;
                }
                current = next;
                level += 1;
            }
            take.push(hd);
            reach.push(sd);
        }
        let exposure = (0..nh)
            .map(|h| {
                if self.host_svcs[h].iter().any(|&s| open[s]) {
                    SystemExposure::Open
                } else if take.iter().any(|t| t[h].is_some())
                    || reach.iter().any(|r| self.host_svcs[h].iter().any(|&s| r[s].is_some()))
                {
                    SystemExposure::Controlled
                } else {
                    SystemExposure::Small
                }
            })
            .collect();
        Reference { take, reach, exposure }
    }
}

/// What the reference found on the random networks, to show the generator's reach.
#[derive(Debug, Default)]
struct Stats {
    /// Hosts taken by hop count (0: a jump host or account; 3: three pivots or more).
    takes: [usize; 4],
    /// Services reached by hop count.
    reaches: [usize; 4],
    /// Small, controlled, open.
    exposure: [usize; 3],
    /// Networks on which the two readings of an attacker's address give different answers.
    readings_differ: usize,
}

impl Stats {
    fn add(&mut self, p: &Plant, x: &[Exploit]) {
        let a = World::new(p, x, Reading::Coverage).run();
        let b = World::new(p, x, Reading::PickAddress).run();
        for d in a.take.iter().flatten().flatten() {
            self.takes[(*d as usize).min(3)] += 1;
        }
        for d in a.reach.iter().flatten().flatten() {
            self.reaches[(*d as usize).min(3)] += 1;
        }
        for e in &a.exposure {
            self.exposure[*e as usize] += 1;
        }
        if a.take != b.take || a.reach != b.reach || a.exposure != b.exposure {
            self.readings_differ += 1;
        }
    }
}

/// `Reading::PickAddress` (what docs/exposure.md and the engine say) unless `PROPERTY_COVERAGE`
/// is set.
fn reading() -> Reading {
    if std::env::var_os("PROPERTY_COVERAGE").is_some() { Reading::Coverage } else { Reading::PickAddress }
}

// ---------------------------------------------------------------------------------------------
// Comparing, shrinking, printing.

fn service_name(p: &Plant, s: usize) -> String {
    let mut k = s;
    for a in &p.assets {
        if k < a.services.len() {
            let sv = &a.services[k];
            return format!("{}/{} of asset {}", sv.protocol, sv.port, a.id);
        }
        k -= a.services.len();
    }
    format!("service #{s}")
}

/// The first fact on which the engine and the reference differ.
fn difference(p: &Plant, exploits: &[Exploit], reading: Reading) -> Option<String> {
    let engine = Analysis::run(p, exploits.to_vec());
    let r = World::new(p, exploits, reading).run();
    for (e, ep) in p.entry_points.iter().enumerate() {
        for (h, a) in p.assets.iter().enumerate() {
            let (x, y) = (engine.hops_to_take(e, h), r.take[e][h]);
            if x != y {
                return Some(format!(
                    "entry point {} takes asset {}: engine {x:?}, reference {y:?} (hops to take)",
                    ep.id, a.id
                ));
            }
        }
        for s in 0..r.reach[e].len() {
            let (x, y) = (engine.hops_to_reach(e, s), r.reach[e][s]);
            if x != y {
                return Some(format!(
                    "entry point {} reaches {}: engine {x:?}, reference {y:?} (hops to reach)",
                    ep.id,
                    service_name(p, s)
                ));
            }
        }
    }
    for (h, a) in p.assets.iter().enumerate() {
        let (x, y) = (engine.system_exposure(h), r.exposure[h]);
        if x != y {
            return Some(format!("System Exposure of asset {}: engine {x}, reference {y}", a.id));
        }
    }
    None
}

/// Every plant one step smaller than `p` (some may be invalid: the caller checks).
fn smaller(p: &Plant, x: &[Exploit]) -> Vec<(Plant, Vec<Exploit>)> {
    let mut out = Vec::new();
    let mut push = |f: &dyn Fn(&mut Plant, &mut Vec<Exploit>)| {
        let (mut q, mut y) = (p.clone(), x.to_vec());
        f(&mut q, &mut y);
        out.push((q, y));
    };
    for i in 0..p.entry_points.len() {
        push(&|q, _| {
            q.entry_points.remove(i);
        });
        for j in 0..p.entry_points[i].attachments.len() {
            push(&|q, _| {
                q.entry_points[i].attachments.remove(j);
            });
        }
    }
    for i in 0..p.conduits.len() {
        push(&|q, _| {
            q.conduits.remove(i);
        });
        for j in 0..p.conduits[i].rules.len() {
            push(&|q, _| {
                q.conduits[i].rules.remove(j);
            });
            if !p.conduits[i].rules[j].ports.is_empty() {
                push(&|q, _| q.conduits[i].rules[j].ports.clear());
            }
        }
    }
    for i in 0..x.len() {
        push(&|_, y| {
            y.remove(i);
        });
    }
    for i in 0..p.assets.len() {
        push(&|q, y| {
            let a = q.assets.remove(i);
            y.retain(|e| e.asset != a.id);
        });
        for j in 0..p.assets[i].services.len() {
            push(&|q, _| {
                q.assets[i].services.remove(j);
            });
        }
        for j in 0..p.assets[i].ips.len() {
            push(&|q, _| {
                q.assets[i].ips.remove(j);
            });
        }
    }
    for i in 0..p.zones.len() {
        push(&|q, _| {
            q.zones.remove(i);
        });
        for j in 0..p.zones[i].subnets.len() {
            push(&|q, _| {
                q.zones[i].subnets.remove(j);
            });
        }
    }
    out
}

/// Greedily removes whatever keeps the engine and the reference apart.
fn shrink(mut p: Plant, mut x: Vec<Exploit>, reading: Reading) -> (Plant, Vec<Exploit>) {
    'outer: loop {
        for (q, y) in smaller(&p, &x) {
            if q.problems().is_empty() && difference(&q, &y, reading).is_some() {
                (p, x) = (q, y);
                continue 'outer;
            }
        }
        return (p, x);
    }
}

fn describe(p: &Plant, x: &[Exploit]) -> String {
    let mut s = inventory::plant_export::write_plant(p);
    s.push_str("\n# exploits (asset, vector):\n");
    for e in x {
        s.push_str(&format!("#   {} {}\n", e.asset, e.vector.as_str()));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The property.

#[test]
fn property_engine_equals_an_independent_reference_on_random_networks() {
    let count: u64 = std::env::var("PROPERTY_NETWORKS").ok().and_then(|v| v.parse().ok()).unwrap_or(6000);
    let start: u64 = std::env::var("PROPERTY_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let keep_going = std::env::var("PROPERTY_KEEP_GOING").is_ok();
    let reading = reading();
    let t = Instant::now();
    let (mut facts, mut failures) = (0usize, 0usize);
    let mut stats = Stats::default();
    for seed in start..start + count {
        let (p, x) = generate(seed);
        let problems = p.problems();
        assert!(problems.is_empty(), "seed {seed}: the generator made an invalid plant: {problems:?}");
        facts += p.entry_points.len() * (p.assets.len() + p.assets.iter().map(|a| a.services.len()).sum::<usize>())
            + p.assets.len();
        stats.add(&p, &x);
        if let Some(first) = difference(&p, &x, reading) {
            let (q, y) = shrink(p.clone(), x.clone(), reading);
            let why = difference(&q, &y, reading).unwrap_or_default();
            let msg = format!(
                "seed {seed}: {first}\n--- network ---\n{}\n--- shrunk: {why} ---\n{}",
                describe(&p, &x),
                describe(&q, &y)
            );
            if !keep_going {
                panic!("{msg}");
            }
            eprintln!("{msg}");
            failures += 1;
        }
    }
    eprintln!("{count} networks, {facts} facts compared in {:?} ({reading:?} reading)", t.elapsed());
    eprintln!("{stats:?}");
    // The generator must exercise what it is meant to: pivots, chains of them, every exposure
    // and networks where the two readings of an attacker's address part.
    if count >= 1000 {
        assert!(stats.takes[1] > 0 && stats.takes[2] > 0 && stats.takes[3] > 0, "{stats:?}");
        assert!(stats.exposure.iter().all(|&n| n > 0), "{stats:?}");
        assert!(stats.readings_differ > 0, "{stats:?}");
    }
    assert_eq!(failures, 0, "{failures} networks differ");
}

// ---------------------------------------------------------------------------------------------
// Hand-written cases: each pins one rule of the doc, for the engine and the reference alike.

struct Case {
    p: Plant,
    x: Vec<Exploit>,
    engine: Analysis,
    reference: Reference,
}

impl Case {
    fn new(
        zones: Vec<Zone>,
        assets: Vec<Asset>,
        conduits: Vec<Conduit>,
        entries: Vec<EntryPoint>,
        x: Vec<Exploit>,
    ) -> Case {
        let p = Plant { sites: vec![site()], zones, conduits, entry_points: entries, assets };
        assert!(p.problems().is_empty(), "{:?}", p.problems());
        let engine = Analysis::run(&p, x.clone());
        let reference = World::new(&p, &x, Reading::PickAddress).run();
        Case { p, x, engine, reference }
    }

    fn e(&self, id: &str) -> usize {
        self.p.entry_points.iter().position(|e| e.id == id).unwrap()
    }

    /// `PLC/tcp/502`.
    fn s(&self, id: &str) -> usize {
        let (a, svc) = id.split_once('/').unwrap();
        let want = service(svc);
        let mut k = 0;
        for x in &self.p.assets {
            for s in &x.services {
                if x.id == a && s.protocol == want.protocol && s.port == want.port {
                    return k;
                }
                k += 1;
            }
        }
        panic!("no service {id}")
    }

    fn take(&self, entry: &str, asset: &str, want: Option<u32>) -> &Self {
        let (e, h) = (self.e(entry), host_ix(&self.p, asset));
        assert_eq!(self.reference.take[e][h], want, "reference: {entry} takes {asset}\n{}", self.dump());
        assert_eq!(self.engine.hops_to_take(e, h), want, "engine: {entry} takes {asset}\n{}", self.dump());
        self
    }

    fn reach(&self, entry: &str, svc: &str, want: Option<u32>) -> &Self {
        let (e, s) = (self.e(entry), self.s(svc));
        assert_eq!(self.reference.reach[e][s], want, "reference: {entry} reaches {svc}\n{}", self.dump());
        assert_eq!(self.engine.hops_to_reach(e, s), want, "engine: {entry} reaches {svc}\n{}", self.dump());
        self
    }

    fn exposure(&self, asset: &str, want: SystemExposure) -> &Self {
        let h = host_ix(&self.p, asset);
        assert_eq!(self.reference.exposure[h], want, "reference: exposure of {asset}\n{}", self.dump());
        assert_eq!(self.engine.system_exposure(h), want, "engine: exposure of {asset}\n{}", self.dump());
        self
    }

    /// Everything else agrees too.
    fn agrees(&self) {
        if let Some(d) = difference(&self.p, &self.x, Reading::PickAddress) {
            panic!("{d}\n{}", self.dump());
        }
    }

    fn dump(&self) -> String {
        describe(&self.p, &self.x)
    }
}

use EnforcementKind::{DataDiode, Firewall, None as Unenforced};
use EntryKind::{Enterprise, Internet, VendorRemoteAccess};

fn abc() -> Vec<Zone> {
    vec![zone("a", &["10.0.0.0/24"]), zone("b", &["10.1.0.0/24"]), zone("c", &["10.2.0.0/24"])]
}

#[test]
fn property_case_first_match_deny_before_allow() {
    Case::new(
        abc(),
        vec![
            asset("plc", "b", &["10.1.0.10"], &["tcp/502", "tcp/80"]),
            asset("hmi", "c", &["10.2.0.10"], &["tcp/502"]),
        ],
        vec![
            conduit("ab", "a", "b", Firewall, &["deny zone:a -> asset:plc tcp 502", "allow zone:a -> zone:b tcp"]),
            conduit("ac", "a", "c", Firewall, &["allow zone:a -> zone:c tcp", "deny zone:a -> asset:hmi tcp 502"]),
        ],
        vec![entry("ent", Enterprise, vec![on_zone("a")])],
        vec![],
    )
    .reach("ent", "plc/tcp/502", None)
    .reach("ent", "plc/tcp/80", Some(0))
    .reach("ent", "hmi/tcp/502", Some(0))
    .agrees();
}

#[test]
fn property_case_two_way_rule_used_in_reverse() {
    Case::new(
        abc(),
        vec![asset("plc", "b", &["10.1.0.10"], &["tcp/502"]), asset("hmi", "c", &["10.2.0.10"], &["tcp/502"])],
        vec![
            conduit("ab", "a", "b", Firewall, &["allow zone:b <-> zone:a tcp 502"]),
            conduit("ac", "a", "c", Firewall, &["allow zone:c -> zone:a tcp 502"]),
        ],
        vec![entry("ent", Enterprise, vec![on_zone("a")])],
        vec![],
    )
    .reach("ent", "plc/tcp/502", Some(0))
    .reach("ent", "hmi/tcp/502", None)
    .agrees();
}

#[test]
fn property_case_data_diode_one_way_and_unenforced_both_ways() {
    Case::new(
        abc(),
        vec![
            asset("pa", "a", &["10.0.0.10"], &["tcp/502"]),
            asset("pb", "b", &["10.1.0.10"], &["tcp/502", "ethernet/34962"]),
            asset("pc", "c", &["10.2.0.10"], &["tcp/502"]),
        ],
        vec![
            conduit("ab", "a", "b", DataDiode, &["allow zone:a -> zone:b any"]),
            conduit("bc", "b", "c", Unenforced, &["deny any -> any any"]),
        ],
        vec![
            entry("on-a", Enterprise, vec![on_zone("a")]),
            entry("on-b", Enterprise, vec![on_zone("b")]),
            entry("on-c", Enterprise, vec![on_zone("c")]),
        ],
        vec![],
    )
    .reach("on-a", "pb/tcp/502", Some(0))
    .reach("on-b", "pa/tcp/502", None)
    .reach("on-b", "pc/tcp/502", Some(0))
    .reach("on-c", "pb/tcp/502", Some(0))
    // Layer 2 stays in its zone, whatever the conduit.
    .reach("on-c", "pb/ethernet/34962", None)
    .reach("on-a", "pb/ethernet/34962", None)
    .reach("on-b", "pb/ethernet/34962", Some(0))
    .agrees();
}

#[test]
fn property_case_no_transit_without_a_pivot() {
    let case = |x: Vec<Exploit>| {
        Case::new(
            abc(),
            vec![asset("mid", "b", &["10.1.0.10"], &["tcp/22"]), asset("far", "c", &["10.2.0.10"], &["tcp/502"])],
            vec![
                conduit("ab", "a", "b", Firewall, &["allow any -> any any"]),
                conduit("bc", "b", "c", Firewall, &["allow any -> any any"]),
            ],
            vec![entry("ent", Enterprise, vec![on_zone("a")])],
            x,
        )
    };
    case(vec![]).reach("ent", "mid/tcp/22", Some(0)).reach("ent", "far/tcp/502", None).agrees();
    case(vec![exploit("mid", 1, AttackVector::Network)])
        .take("ent", "mid", Some(1))
        .reach("ent", "far/tcp/502", Some(1))
        .agrees();
    // A local-only flaw does not make a pivot.
    case(vec![exploit("mid", 1, AttackVector::Local)])
        .take("ent", "mid", None)
        .reach("ent", "far/tcp/502", None)
        .agrees();
}

#[test]
fn property_case_an_attacker_on_the_network_is_no_asset() {
    Case::new(
        abc(),
        vec![asset("ews", "a", &["10.0.0.5"], &[]), asset("plc", "b", &["10.1.0.10"], &["tcp/502"])],
        vec![conduit("ab", "a", "b", Firewall, &["allow asset:ews -> zone:b tcp 502"])],
        vec![
            entry("ent", Enterprise, vec![on_zone("a")]),
            entry("vendor", VendorRemoteAccess, vec![Attachment::JumpHost { host: "ews".into(), mfa: true }]),
        ],
        vec![],
    )
    .reach("ent", "plc/tcp/502", None)
    .take("vendor", "ews", Some(0))
    .reach("vendor", "plc/tcp/502", Some(0))
    .exposure("ews", SystemExposure::Controlled)
    .exposure("plc", SystemExposure::Controlled)
    .agrees();
}

#[test]
fn property_case_single_addresses_held_and_free() {
    Case::new(
        vec![
            zone("a", &["10.0.0.0/24"]),
            zone("b", &["10.1.0.0/24"]),
            zone("c", &["10.2.0.0/24"]),
            zone("d", &["10.3.0.0/24"]),
            zone("full", &["10.4.0.0/31"]),
        ],
        vec![
            asset("ews", "a", &["10.0.0.5"], &[]),
            asset("pb", "b", &["10.1.0.10"], &["tcp/502"]),
            asset("pc", "c", &["10.2.0.10"], &["tcp/502"]),
            asset("pd", "d", &["10.3.0.10"], &["tcp/502"]),
            asset("f1", "full", &["10.4.0.0"], &[]),
            asset("f2", "full", &["10.4.0.1"], &[]),
        ],
        vec![
            // The held address is the asset's, not the attacker's.
            conduit("ab", "a", "b", Firewall, &["allow 10.0.0.5 -> any tcp"]),
            // A free address the attacker can take.
            conduit("ac", "a", "c", Firewall, &["allow 10.0.0.6 -> any tcp"]),
            // A block whose only free address is not usable: the zone has none.
            conduit("fb", "full", "b", Firewall, &["allow 10.4.0.0/31 -> any tcp"]),
            // A zone with no free address is still covered by `any`-like blocks.
            conduit("fd", "full", "d", Firewall, &["allow 0.0.0.0/0 -> any tcp"]),
        ],
        vec![entry("ent", Enterprise, vec![on_zone("a")]), entry("full", Enterprise, vec![on_zone("full")])],
        vec![],
    )
    .reach("ent", "pb/tcp/502", None)
    .reach("ent", "pc/tcp/502", Some(0))
    .reach("full", "pb/tcp/502", None)
    .reach("full", "pd/tcp/502", Some(0))
    .agrees();
}

#[test]
fn property_case_a_deny_for_one_free_address_does_not_stop_the_attacker() {
    // "It holds an address of the zone that no inventoried asset holds": the attacker picks one.
    // The deny covers 10.0.0.6 only; from 10.0.0.7 the subnet's allow lets it through.
    let case = Case::new(
        abc(),
        vec![asset("pb", "b", &["10.1.0.10"], &["tcp/502"])],
        vec![conduit("ab", "a", "b", Firewall, &["deny 10.0.0.6 -> any tcp", "allow 10.0.0.0/24 -> any tcp"])],
        vec![entry("ent", Enterprise, vec![on_zone("a")])],
        vec![],
    );
    case.reach("ent", "pb/tcp/502", Some(0)).agrees();
    // The literal "coverage" reading would have stopped it.
    let other = World::new(&case.p, &case.x, Reading::Coverage).run();
    assert_eq!(other.reach[0][0], None);
}

#[test]
fn property_case_adjacent_only_within_the_zone() {
    let case = |v: AttackVector| {
        Case::new(
            abc(),
            vec![asset("plc", "b", &["10.1.0.10"], &["tcp/502"]), asset("quiet", "b", &["10.1.0.11"], &[])],
            vec![conduit("ab", "a", "b", Firewall, &["allow any -> any any"])],
            vec![entry("on-a", Enterprise, vec![on_zone("a")]), entry("on-b", Enterprise, vec![on_zone("b")])],
            vec![exploit("plc", 1, v), exploit("quiet", 2, v)],
        )
    };
    case(AttackVector::Adjacent)
        .reach("on-a", "plc/tcp/502", Some(0))
        .take("on-a", "plc", None)
        .take("on-b", "plc", Some(1))
        .take("on-a", "quiet", None)
        .take("on-b", "quiet", Some(1))
        .exposure("quiet", SystemExposure::Controlled)
        .agrees();
    // A host without services is taken from its own zone only, whatever the vector.
    case(AttackVector::Network)
        .take("on-a", "plc", Some(1))
        .take("on-a", "quiet", Some(2))
        .take("on-b", "quiet", Some(1))
        .agrees();
    case(AttackVector::Physical).take("on-b", "plc", None).take("on-b", "quiet", None).agrees();
}

#[test]
fn property_case_a_taken_vpn_gateway_lands_on_its_zone() {
    Case::new(
        vec![zone("a", &["10.0.0.0/24"]), zone("dmz", &["10.1.0.0/24"]), zone("c", &["10.2.0.0/24"])],
        vec![
            asset("gw", "dmz", &["10.1.0.1"], &["tcp/443", "tcp/22"]),
            asset("hist", "c", &["10.2.0.10"], &["tcp/80"]),
        ],
        vec![conduit("ad", "a", "dmz", Firewall, &["allow zone:a -> asset:gw tcp 443"])],
        vec![
            entry(
                "inet",
                Internet,
                vec![Attachment::Vpn {
                    gateway: "gw".into(),
                    zone: "c".into(),
                    mfa: true,
                    ports: vec![PortRange::single(443)],
                }],
            ),
            entry("ent", Enterprise, vec![on_zone("a")]),
            // Controlling the gateway through an account lands on its zone too.
            entry(
                "admin",
                VendorRemoteAccess,
                vec![Attachment::Account { host: "gw".into(), mfa: false, shared: true }],
            ),
        ],
        vec![exploit("gw", 1, AttackVector::Network)],
    )
    .take("admin", "gw", Some(0))
    .reach("admin", "hist/tcp/80", Some(0))
    .reach("inet", "gw/tcp/443", Some(0))
    .reach("inet", "gw/tcp/22", Some(1))
    .reach("inet", "hist/tcp/80", Some(0))
    .take("inet", "gw", Some(1))
    .take("ent", "gw", Some(1))
    .reach("ent", "gw/tcp/22", Some(1))
    .reach("ent", "hist/tcp/80", Some(1))
    .exposure("gw", SystemExposure::Open)
    .exposure("hist", SystemExposure::Controlled)
    .agrees();
}

#[test]
fn property_case_a_port_forward_reaches_one_service() {
    let forward = |protocol: Protocol, port: u16| Attachment::PortForward {
        public_address: None,
        public_port: 8443,
        asset: "web".into(),
        protocol,
        port,
    };
    Case::new(
        abc(),
        vec![
            asset("web", "a", &["10.0.0.10"], &["tcp/80", "tcp/443", "udp/443", "ethernet/34962"]),
            asset("other", "a", &["10.0.0.11"], &["tcp/443"]),
        ],
        vec![],
        vec![
            entry("inet", Internet, vec![forward(Protocol::Tcp, 443)]),
            entry("l2", Internet, vec![forward(Protocol::Ethernet, 34962)]),
        ],
        vec![exploit("web", 1, AttackVector::Adjacent), exploit("other", 2, AttackVector::Network)],
    )
    .reach("inet", "web/tcp/443", Some(0))
    .reach("inet", "web/tcp/80", None)
    .reach("inet", "web/udp/443", None)
    .reach("inet", "web/ethernet/34962", None)
    .reach("inet", "other/tcp/443", None)
    .take("inet", "web", None)
    .reach("l2", "web/ethernet/34962", None)
    .exposure("web", SystemExposure::Open)
    .exposure("other", SystemExposure::Small)
    .agrees();
    // A forward to a port the asset does not list reaches nothing, and takes nothing.
    Case::new(
        abc(),
        vec![asset("web", "a", &["10.0.0.10"], &["tcp/80"])],
        vec![],
        vec![entry("inet", Internet, vec![forward(Protocol::Tcp, 8080)])],
        vec![exploit("web", 1, AttackVector::Network)],
    )
    .reach("inet", "web/tcp/80", None)
    .take("inet", "web", None)
    .exposure("web", SystemExposure::Small)
    .agrees();
}

#[test]
fn property_case_addresses_of_tiny_and_unaddressed_zones() {
    // In 10.4.0.0/30 the assets hold .1 and .2: the free addresses are the network and
    // broadcast addresses, which count. Zone `none` has no subnets: only `any`-like endpoints
    // and its zone cover an attacker there.
    Case::new(
        vec![
            zone("b", &["10.1.0.0/24"]),
            zone("tiny", &["10.4.0.0/30"]),
            zone("none", &[]),
            zone("c", &["10.2.0.0/24"]),
        ],
        vec![
            asset("pb", "b", &["10.1.0.10"], &["tcp/502"]),
            asset("pc", "c", &["10.2.0.10"], &["tcp/502"]),
            asset("t1", "tiny", &["10.4.0.1"], &[]),
            asset("t2", "tiny", &["10.4.0.2"], &[]),
            asset("n1", "none", &["192.168.7.1"], &["tcp/22"]),
        ],
        vec![
            conduit("tb", "tiny", "b", Firewall, &["allow 10.4.0.3 -> any tcp"]),
            conduit(
                "nb",
                "none",
                "b",
                Firewall,
                &["allow 10.0.0.0/8 -> asset:pb tcp", "allow 192.168.0.0/16 -> asset:pb udp"],
            ),
            conduit("nc", "none", "c", Firewall, &["allow ::/0 -> any tcp"]),
            conduit("bn", "b", "none", Firewall, &["allow 10.1.0.10 -> 192.168.7.1 tcp 22"]),
        ],
        vec![
            entry("tiny", Enterprise, vec![on_zone("tiny")]),
            entry("none", Enterprise, vec![on_zone("none")]),
            entry("b", Enterprise, vec![on_zone("b")]),
            entry("ews", Enterprise, vec![Attachment::JumpHost { host: "pb".into(), mfa: false }]),
        ],
        vec![],
    )
    .reach("tiny", "pb/tcp/502", Some(0))
    .reach("none", "pb/tcp/502", None)
    .reach("none", "pc/tcp/502", Some(0))
    .reach("b", "n1/tcp/22", None)
    .reach("ews", "n1/tcp/22", Some(0))
    .agrees();
}

#[test]
fn property_case_system_exposure() {
    Case::new(
        abc(),
        vec![
            asset("edge", "a", &["10.0.0.10"], &["tcp/443"]),
            asset("across", "b", &["10.1.0.10"], &["tcp/502"]),
            asset("deep", "c", &["10.2.0.10"], &["tcp/502"]),
            asset("alone", "c", &["10.2.0.11"], &["tcp/22"]),
        ],
        vec![
            conduit("ab", "a", "b", Firewall, &["allow zone:a -> zone:b tcp 502"]),
            conduit("bc", "b", "c", Firewall, &["allow asset:across -> asset:deep tcp 502"]),
        ],
        vec![entry("inet", Internet, vec![on_zone("a")])],
        vec![exploit("across", 1, AttackVector::Network)],
    )
    .exposure("edge", SystemExposure::Open)
    .exposure("across", SystemExposure::Open)
    .exposure("deep", SystemExposure::Controlled)
    .exposure("alone", SystemExposure::Small)
    .reach("inet", "deep/tcp/502", Some(1))
    .agrees();
}

#[test]
fn property_case_a_diode_ignores_a_rule_saying_both() {
    // Invalid (the plant check reports it), but the doc says what the engine does with it.
    let p = Plant {
        sites: vec![site()],
        zones: abc(),
        conduits: vec![conduit("ab", "a", "b", DataDiode, &["allow zone:a <-> zone:b tcp"])],
        entry_points: vec![
            entry("on-a", Enterprise, vec![on_zone("a")]),
            entry("on-b", Enterprise, vec![on_zone("b")]),
        ],
        assets: vec![asset("pa", "a", &["10.0.0.10"], &["tcp/502"]), asset("pb", "b", &["10.1.0.10"], &["tcp/502"])],
    };
    assert_eq!(p.problems().len(), 1);
    let a = Analysis::run(&p, Vec::new());
    assert_eq!(a.hops_to_reach(0, 1), Some(0));
    assert_eq!(a.hops_to_reach(1, 0), None);
}
