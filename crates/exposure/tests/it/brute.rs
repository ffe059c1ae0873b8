//! Property test: on thousands of random small networks, the engine's reachability, attack-path
//! lengths and System Exposure equal a brute-force search over the explicit actor × service graph,
//! written from docs/exposure.md alone (every connection decided by walking the rules for that
//! exact source and destination; an attacker on a zone tried from every free address).

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr};

use exposure::{Analysis, AttackVector, Exploit};
use model::*;

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
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

const PORTS: [u16; 6] = [22, 80, 102, 443, 502, 3389];

/// A random valid plant and random findings.
fn network(seed: u64) -> (Plant, Vec<Exploit>) {
    let mut rng = Rng(seed);
    let nz = 2 + rng.below(5);
    let mut p = Plant {
        sites: vec![Site {
            id: "s".into(),
            name: "S".into(),
            location: None,
            timezone: None,
            description: None,
            policy: Default::default(),
        }],
        ..Plant::default()
    };
    for z in 0..nz {
        let mut subnets = vec![format!("10.{z}.0.0/28").parse().unwrap()];
        if rng.chance(30) {
            subnets.push(format!("10.{z}.1.0/30").parse().unwrap());
        }
        p.zones.push(Zone {
            id: format!("z{z}"),
            site: "s".into(),
            name: format!("z{z}"),
            purdue: Purdue::L2,
            subnets,
            target_sl: None,
            safety: false,
            description: None,
        });
    }
    let mut n = 0;
    for z in 0..nz {
        let hosts = rng.below(9);
        let mut free: Vec<IpAddr> = (0..16).map(|d| v4(10, z as u8, 0, d)).collect();
        if p.zones[z].subnets.len() > 1 {
            free.extend((0..4).map(|d| v4(10, z as u8, 1, d)));
        }
        for _ in 0..hosts {
            let mut a = Asset::new(format!("a{n}"), format!("a{n}"), format!("z{z}"), AssetKind::Server);
            for _ in 0..rng.below(3) {
                if free.is_empty() {
                    break;
                }
                let i = rng.below(free.len());
                a.ips.push(free.swap_remove(i));
            }
            for _ in 0..rng.below(4) {
                let svc = match rng.below(10) {
                    0 => Service { protocol: Protocol::Ethernet, port: 0, name: None },
                    1 | 2 => Service { protocol: Protocol::Udp, port: PORTS[rng.below(6)], name: None },
                    _ => Service { protocol: Protocol::Tcp, port: PORTS[rng.below(6)], name: None },
                };
                if !a.services.contains(&svc) {
                    a.services.push(svc);
                }
            }
            p.assets.push(a);
            n += 1;
        }
    }
    let zone_assets = |p: &Plant, z: usize| -> Vec<String> {
        p.assets.iter().filter(|a| a.zone == format!("z{z}")).map(|a| a.id.clone()).collect()
    };
    for c in 0..rng.below(2 * nz + 1) {
        let (a, b) = (rng.below(nz), rng.below(nz));
        if a == b {
            continue;
        }
        let kind = match rng.below(10) {
            0 => EnforcementKind::None,
            1 | 2 => EnforcementKind::DataDiode,
            _ => EnforcementKind::Firewall,
        };
        let mut rules = Vec::new();
        for r in 0..rng.below(7) {
            let end = |rng: &mut Rng| -> Endpoint {
                let z = if rng.chance(50) { a } else { b };
                match rng.below(9) {
                    0 => Endpoint::Any,
                    1 | 2 => Endpoint::Zone(format!("z{z}")),
                    3 | 4 => {
                        let list = zone_assets(&p, z);
                        if list.is_empty() {
                            Endpoint::Any
                        } else {
                            Endpoint::Asset(list[rng.below(list.len())].clone())
                        }
                    }
                    5 => Endpoint::Net(IpNet::from(v4(10, z as u8, 0, rng.below(16) as u8))),
                    6 => Endpoint::Net(format!("10.{z}.0.{}/30", 4 * rng.below(4)).parse().unwrap()),
                    7 => Endpoint::Net(
                        format!("10.{z}.0.0/{}", [28, 29, 24, 16][rng.below(4)]).parse::<IpNet>().unwrap().trunc(),
                    ),
                    _ => Endpoint::Net(if rng.chance(50) {
                        "10.0.0.0/8".parse().unwrap()
                    } else {
                        "0.0.0.0/0".parse().unwrap()
                    }),
                }
            };
            let from = end(&mut rng);
            let to = end(&mut rng);
            let protocol = [Protocol::Tcp, Protocol::Tcp, Protocol::Udp, Protocol::Any][rng.below(4)];
            let ports = match rng.below(4) {
                0 => Vec::new(),
                1 => vec![PortRange { first: 80, last: 600 }],
                _ => vec![PortRange::single(PORTS[rng.below(6)])],
            };
            let direction =
                if kind != EnforcementKind::DataDiode && rng.chance(25) { Direction::Both } else { Direction::OneWay };
            rules.push(Rule {
                id: format!("r{r}"),
                from,
                to,
                protocol,
                ports,
                direction,
                action: if rng.chance(25) { Action::Deny } else { Action::Allow },
                application: None,
                description: None,
                source: None,
            });
        }
        p.conduits.push(Conduit {
            id: format!("c{c}"),
            name: format!("c{c}"),
            zones: [format!("z{a}"), format!("z{b}")],
            enforcement: Enforcement { kind, name: None },
            rules,
            description: None,
        });
    }
    let ids: Vec<String> = p.assets.iter().map(|a| a.id.clone()).collect();
    for e in 0..1 + rng.below(4) {
        let kind = [EntryKind::Internet, EntryKind::Enterprise, EntryKind::VendorRemoteAccess, EntryKind::Wireless]
            [rng.below(4)];
        let mut attachments = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let z = format!("z{}", rng.below(nz));
            let pick = |rng: &mut Rng| ids.get(rng.below(ids.len())).cloned();
            let at = match rng.below(5) {
                0 => Some(Attachment::Zone { zone: z }),
                1 => pick(&mut rng).map(|asset| {
                    let (protocol, port) = p
                        .assets
                        .iter()
                        .find(|a| a.id == asset)
                        .and_then(|a| a.services.first())
                        .map_or((Protocol::Tcp, 443), |s| (s.protocol, s.port));
                    Attachment::PortForward { public_address: None, public_port: 8443, asset, protocol, port }
                }),
                2 => pick(&mut rng).map(|gateway| Attachment::Vpn {
                    gateway,
                    zone: z,
                    mfa: rng.chance(50),
                    ports: if rng.chance(50) { Vec::new() } else { vec![PortRange::single(PORTS[rng.below(6)])] },
                }),
                3 => pick(&mut rng).map(|host| Attachment::JumpHost { host, mfa: true }),
                _ => pick(&mut rng).map(|host| Attachment::Account { host, mfa: false, shared: true }),
            };
            attachments.extend(at);
        }
        if !attachments.is_empty() {
            p.entry_points.push(EntryPoint {
                id: format!("e{e}"),
                kind,
                name: format!("e{e}"),
                attachments,
                description: None,
            });
        }
    }
    let mut exploits = Vec::new();
    for a in &p.assets {
        if rng.chance(45) {
            let vector = [
                AttackVector::Network,
                AttackVector::Network,
                AttackVector::Adjacent,
                AttackVector::Local,
                AttackVector::Unknown,
            ][rng.below(5)];
            exploits.push(Exploit {
                asset: a.id.clone(),
                finding: format!("{}:X", a.id),
                vulnerability: "X".into(),
                vector,
                kev: false,
            });
        }
    }
    (p, exploits)
}

/// Every address of an IPv4 block, network and broadcast included.
fn every_address(n: &IpNet) -> Vec<IpAddr> {
    match (n.network(), n.broadcast()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            (u32::from(a)..=u32::from(b)).map(|x| IpAddr::V4(Ipv4Addr::from(x))).collect()
        }
        _ => Vec::new(),
    }
}

/// The brute-force reference.
struct Brute<'a> {
    p: &'a Plant,
    free: Vec<Vec<IpAddr>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Actor {
    Net(usize),
    Host(usize),
}

impl<'a> Brute<'a> {
    fn new(p: &'a Plant) -> Self {
        let held: Vec<IpAddr> = p.assets.iter().flat_map(|a| a.ips.clone()).collect();
        let free = p
            .zones
            .iter()
            .map(|z| z.subnets.iter().flat_map(every_address).filter(|ip| !held.contains(ip)).collect())
            .collect();
        Brute { p, free }
    }

    fn zone(&self, a: Actor) -> &str {
        match a {
            Actor::Net(z) => &self.p.zones[z].id,
            Actor::Host(h) => &self.p.assets[h].zone,
        }
    }

    fn src_in(&self, a: Actor, e: &Endpoint) -> bool {
        match (e, a) {
            (Endpoint::Any, _) => true,
            // `0.0.0.0/0` and `::/0` are `any` (docs/exposure.md), even for a host with no address.
            (Endpoint::Net(n), _) if n.prefix_len() == 0 => true,
            (Endpoint::Zone(z), _) => z == self.zone(a),
            (Endpoint::Asset(x), Actor::Host(h)) => *x == self.p.assets[h].id,
            (Endpoint::Asset(_), Actor::Net(_)) => false,
            (Endpoint::Net(n), Actor::Host(h)) => self.p.assets[h].ips.iter().any(|ip| n.contains(ip)),
            (Endpoint::Net(n), Actor::Net(z)) => self.free[z].iter().any(|ip| n.contains(ip)),
        }
    }

    fn dst_in(&self, h: usize, e: &Endpoint) -> bool {
        self.src_in(Actor::Host(h), e)
    }

    /// Can actor `a` open a connection to service `k` of host `h`? An attacker on a zone's
    /// network picks its address: some free address of the zone must get through (with no free
    /// address, only `any`, `0.0.0.0/0` and its zone cover it).
    fn connects(&self, a: Actor, h: usize, k: usize) -> bool {
        match a {
            Actor::Net(z) if !self.free[z].is_empty() => {
                self.free[z].iter().any(|ip| self.connects_from(a, Some(*ip), h, k))
            }
            _ => self.connects_from(a, None, h, k),
        }
    }

    /// `src_in` for the actor, or for an attacker on a zone using address `ip`.
    fn source_in(&self, a: Actor, ip: Option<IpAddr>, e: &Endpoint) -> bool {
        match (a, ip, e) {
            (Actor::Net(z), Some(ip), Endpoint::Net(n)) => {
                n.prefix_len() == 0 || (n.contains(&ip) && self.free[z].contains(&ip))
            }
            (Actor::Net(_), None, Endpoint::Net(n)) => n.prefix_len() == 0,
            _ => self.src_in(a, e),
        }
    }

    fn connects_from(&self, a: Actor, ip: Option<IpAddr>, h: usize, k: usize) -> bool {
        let svc = &self.p.assets[h].services[k];
        if self.zone(a) == self.p.assets[h].zone {
            return true;
        }
        if svc.protocol == Protocol::Ethernet {
            return false;
        }
        for c in &self.p.conduits {
            let joins = (c.zones[0] == self.zone(a) && c.zones[1] == self.p.assets[h].zone)
                || (c.zones[1] == self.zone(a) && c.zones[0] == self.p.assets[h].zone);
            if !joins {
                continue;
            }
            if c.enforcement.kind == EnforcementKind::None {
                return true;
            }
            for r in &c.rules {
                let proto = r.protocol == Protocol::Any || r.protocol == svc.protocol;
                let port = r.ports.is_empty() || r.ports.iter().any(|x| x.contains(svc.port));
                let fwd = self.source_in(a, ip, &r.from) && self.dst_in(h, &r.to);
                let rev = r.direction == Direction::Both
                    && c.enforcement.kind != EnforcementKind::DataDiode
                    && self.source_in(a, ip, &r.to)
                    && self.dst_in(h, &r.from);
                if proto && port && (fwd || rev) {
                    if r.action == Action::Allow {
                        return true;
                    }
                    break;
                }
            }
        }
        false
    }
}

/// Per entry point: hops to take each host and to reach each service; and per asset whether an
/// Internet entry reaches it unauthenticated without a pivot.
/// Per entry point and host (or service): the hops, if any.
type Hops = Vec<Vec<Option<u32>>>;

fn reference(p: &Plant, exploits: &[Exploit]) -> (Hops, Hops, Vec<SystemExposure>) {
    let b = Brute::new(p);
    let nz = p.zones.len();
    let nh = p.assets.len();
    let svcs: Vec<(usize, usize)> =
        (0..nh).flat_map(|h| (0..p.assets[h].services.len()).map(move |k| (h, k))).collect();
    let usable = |h: usize, same_zone: bool| {
        exploits.iter().any(|x| {
            x.asset == p.assets[h].id
                && match x.vector {
                    AttackVector::Network | AttackVector::Unknown => true,
                    AttackVector::Adjacent => same_zone,
                    _ => false,
                }
        })
    };
    let zone_ix = |id: &str| p.zones.iter().position(|z| z.id == id);
    let host_ix = |id: &str| p.assets.iter().position(|a| a.id == id);
    let mut takes = Vec::new();
    let mut reaches = Vec::new();
    let mut open = vec![false; nh];
    for e in &p.entry_points {
        // Actors: 0..nz zone networks, nz.. hosts. Dijkstra with 0/1 weights via a deque.
        let mut dist = vec![u32::MAX; nz + nh];
        let mut svc_dist = vec![u32::MAX; svcs.len()];
        let mut q = VecDeque::new();
        let mut outside: Vec<usize> = Vec::new();
        for at in &e.attachments {
            match at {
                Attachment::Zone { zone } => {
                    let z = zone_ix(zone).unwrap();
                    dist[z] = 0;
                    q.push_back(z);
                    if e.kind == EntryKind::Internet {
                        for (s, &(h, k)) in svcs.iter().enumerate() {
                            if b.connects(Actor::Net(z), h, k) {
                                open[h] = true;
                                let _ = s;
                            }
                        }
                    }
                }
                Attachment::PortForward { asset, protocol, port, .. } => {
                    let h = host_ix(asset).unwrap();
                    for (s, &(hh, k)) in svcs.iter().enumerate() {
                        let sv = &p.assets[hh].services[k];
                        // Layer-2 services are reachable only within their zone, never from outside.
                        if hh == h
                            && sv.protocol != Protocol::Ethernet
                            && sv.port == *port
                            && (*protocol == Protocol::Any || sv.protocol == *protocol)
                        {
                            outside.push(s);
                        }
                    }
                }
                Attachment::Vpn { gateway, zone, ports, .. } => {
                    let z = zone_ix(zone).unwrap();
                    dist[z] = 0;
                    q.push_back(z);
                    let h = host_ix(gateway).unwrap();
                    for (s, &(hh, k)) in svcs.iter().enumerate() {
                        let sv = &p.assets[hh].services[k];
                        if hh == h
                            && sv.protocol != Protocol::Ethernet
                            && (ports.is_empty() || ports.iter().any(|r| r.contains(sv.port)))
                        {
                            outside.push(s);
                        }
                    }
                }
                Attachment::JumpHost { host, .. } | Attachment::Account { host, .. } => {
                    let h = host_ix(host).unwrap();
                    dist[nz + h] = 0;
                    q.push_back(nz + h);
                }
            }
        }
        for &s in &outside {
            svc_dist[s] = 0;
            let h = svcs[s].0;
            if e.kind == EntryKind::Internet {
                open[h] = true;
            }
            if usable(h, false) && dist[nz + h] > 1 {
                dist[nz + h] = 1;
                q.push_back(nz + h);
            }
        }
        // Plain Dijkstra by repeated relaxation: small graphs, so clarity over speed.
        let mut changed = true;
        while changed {
            changed = false;
            for a in 0..nz + nh {
                if dist[a] == u32::MAX {
                    continue;
                }
                let d = dist[a];
                let actor = if a < nz { Actor::Net(a) } else { Actor::Host(a - nz) };
                for (s, &(h, k)) in svcs.iter().enumerate() {
                    if b.connects(actor, h, k) {
                        if d < svc_dist[s] {
                            svc_dist[s] = d;
                            changed = true;
                        }
                        let same = b.zone(actor) == p.assets[h].zone;
                        if Actor::Host(h) != actor && usable(h, same) && d + 1 < dist[nz + h] {
                            dist[nz + h] = d + 1;
                            changed = true;
                        }
                    }
                }
                // Hosts without services: taken from their own zone's network.
                for h in 0..nh {
                    if p.assets[h].services.is_empty()
                        && Actor::Host(h) != actor
                        && b.zone(actor) == p.assets[h].zone
                        && usable(h, true)
                        && d + 1 < dist[nz + h]
                    {
                        dist[nz + h] = d + 1;
                        changed = true;
                    }
                }
                if let Actor::Host(h) = actor {
                    for ep in &p.entry_points {
                        for at in &ep.attachments {
                            if let Attachment::Vpn { gateway, zone, .. } = at
                                && *gateway == p.assets[h].id
                            {
                                let z = zone_ix(zone).unwrap();
                                if d < dist[z] {
                                    dist[z] = d;
                                    changed = true;
                                }
                            }
                        }
                    }
                }
            }
        }
        let _ = q;
        takes.push((0..nh).map(|h| (dist[nz + h] != u32::MAX).then_some(dist[nz + h])).collect::<Vec<_>>());
        reaches.push(svc_dist.iter().map(|&d| (d != u32::MAX).then_some(d)).collect::<Vec<_>>());
    }
    let exposure = (0..nh)
        .map(|h| {
            if open[h] && !p.assets[h].services.is_empty() {
                return SystemExposure::Open;
            }
            let any_take = takes.iter().any(|t| t[h].is_some());
            let any_reach =
                reaches.iter().any(|r| svcs.iter().enumerate().any(|(s, &(hh, _))| hh == h && r[s].is_some()));
            if any_take || any_reach { SystemExposure::Controlled } else { SystemExposure::Small }
        })
        .collect();
    (takes, reaches, exposure)
}

#[test]
fn the_engine_equals_a_brute_force_search_on_random_networks() {
    let mut compared = (0usize, 0usize, 0usize);
    let mut pivots = 0usize;
    let mut kinds = [0usize; 3];
    for seed in 0..10_000u64 {
        let (plant, exploits) = network(seed);
        assert!(
            plant.problems().is_empty(),
            "seed {seed}: the generator made an invalid plant: {:?}",
            plant.problems()
        );
        let a = Analysis::run(&plant, exploits.clone());
        let (takes, reaches, exposure) = reference(&plant, &exploits);
        let show = || inventory::plant_export::write_plant(&plant);
        for (e, t) in takes.iter().enumerate() {
            for (h, want) in t.iter().enumerate() {
                assert_eq!(a.hops_to_take(e, h), *want, "seed {seed}: entry {e} takes asset {h}\n{}", show());
                compared.0 += 1;
                pivots += usize::from(want.is_some_and(|d| d >= 2));
            }
            for (s, want) in reaches[e].iter().enumerate() {
                assert_eq!(a.hops_to_reach(e, s), *want, "seed {seed}: entry {e} reaches service {s}\n{}", show());
                compared.1 += 1;
            }
        }
        for (h, want) in exposure.iter().enumerate() {
            assert_eq!(a.system_exposure(h), *want, "seed {seed}: System Exposure of asset {h}\n{}", show());
            compared.2 += 1;
            kinds[*want as usize] += 1;
        }
    }
    // The networks are not trivial: many multi-step paths, every System Exposure value.
    assert!(compared.0 > 50_000 && compared.1 > 100_000, "{compared:?}");
    assert!(pivots > 1_000, "{pivots} takes after two or more pivots");
    assert!(kinds.iter().all(|&k| k > 1_000), "small/controlled/open: {kinds:?}");
}

/// `SEED=10 E=0 S=0 cargo test -p exposure --test it brute::explain -- --ignored --nocapture`:
/// what the engine and the reference say about one fact of one network.
#[test]
#[ignore]
fn explain() {
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let (plant, exploits) = network(var("SEED"));
    let (e, s) = (var("E") as usize, var("S") as usize);
    let a = Analysis::run(&plant, exploits.clone());
    let svcs: Vec<(usize, usize)> =
        (0..plant.assets.len()).flat_map(|h| (0..plant.assets[h].services.len()).map(move |k| (h, k))).collect();
    if let Some(&(h, k)) = svcs.get(s) {
        let x = &plant.assets[h];
        println!("service {s}: {} {:?} in {} {:?}", x.id, x.services[k], x.zone, x.ips);
    }
    println!("entry {e}: {:?}", plant.entry_points.get(e));
    println!("engine path: {:#?}", a.service_path(e, s));
    println!("exploits: {:?}", exploits.iter().map(|x| (&x.asset, x.vector)).collect::<Vec<_>>());
    println!("{}", inventory::plant_export::write_plant(&plant));
}
