//! Reachability and attack paths.
//!
//! An attacker starts at an entry point's footholds (on a zone's network, logged in to a jump
//! host, or outside reaching a port forward or a VPN gateway's public ports). From wherever it
//! acts it reaches every service in the same zone and, across a conduit, the services the
//! conduit's first matching rule allows (default deny; several conduits between the same two
//! zones are several paths). Reaching a service of a host that has a usable finding — network
//! attack vector, or adjacent within the same zone — lets the attacker take that host and act
//! from it; taking a VPN gateway puts the attacker on the zones the gateway serves. The facts only
//! grow (monotone), so a breadth-first search per entry point finds every reachable host and
//! service with its shortest path, in time linear in what it reaches.
//!
//! Hosts whose source addresses match the same rules behave the same (a *class*); a class's
//! reach across conduits is computed once and shared by every search, and each search expands a
//! class and a zone at most once — the first time is the shortest.

use std::collections::{HashMap, HashSet, VecDeque};

use model::{EntryKind, Plant, Protocol, SystemExposure};

use crate::graph::{End, Foothold, Graph, HostIx, SvcIx, ZoneIx};

/// How a finding can be exploited, from its CVSS vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttackVector {
    Network,
    Adjacent,
    Local,
    Physical,
    /// No vector is known: treated as network, and said so.
    Unknown,
}

impl AttackVector {
    /// The `AV` metric of a CVSS v2, v3.x or v4.0 vector.
    pub fn from_cvss(vector: &str) -> AttackVector {
        for part in vector.trim().trim_start_matches('(').trim_end_matches(')').split('/') {
            if let Some(v) = part.strip_prefix("AV:") {
                return match v {
                    "N" => AttackVector::Network,
                    "A" => AttackVector::Adjacent,
                    "L" => AttackVector::Local,
                    "P" => AttackVector::Physical,
                    _ => AttackVector::Unknown,
                };
            }
        }
        AttackVector::Unknown
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AttackVector::Network => "network",
            AttackVector::Adjacent => "adjacent",
            AttackVector::Local => "local",
            AttackVector::Physical => "physical",
            AttackVector::Unknown => "unknown",
        }
    }

    /// Usable from another zone (through a conduit).
    pub fn remote(self) -> bool {
        matches!(self, AttackVector::Network | AttackVector::Unknown)
    }

    /// Usable from the same zone's network.
    pub fn adjacent(self) -> bool {
        self.remote() || self == AttackVector::Adjacent
    }
}

/// An open finding an attacker could use to take an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exploit {
    pub asset: String,
    /// The finding id (`ASSET:VULNERABILITY`).
    pub finding: String,
    pub vulnerability: String,
    pub vector: AttackVector,
    /// In CISA KEV: preferred when several findings would do.
    pub kev: bool,
}

/// One actor: an attacker on a zone's network, or in control of a host.
/// Encoded as `zone` for zones and `zones + host` for hosts.
type Actor = u32;
const NONE: u32 = u32::MAX;

/// How something was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The entry point's attachment (index into its attachments, as compiled).
    Foothold(u32),
    /// From the same zone's network.
    SameZone,
    /// A conduit's rule (`reverse`: a two-way rule used from its `to` side).
    Rule { conduit: u32, rule: u32, reverse: bool },
    /// A conduit nothing enforces.
    Unenforced { conduit: u32 },
    /// A compromised VPN gateway lands the attacker on the zone it serves.
    Gateway,
}

#[derive(Debug, Clone, Copy)]
struct ActorPred {
    /// The actor that acted (NONE for a foothold).
    prev: Actor,
    /// How `prev` reached the service (or the foothold).
    via: Via,
    /// The service exploited, for a host taken.
    svc: SvcIx,
    /// The exploit used (index into the analysis' exploits), for a host taken.
    exploit: u32,
}

#[derive(Debug, Clone, Copy)]
struct SvcPred {
    actor: Actor,
    dist: u32,
    via: Via,
}

/// One entry point's search: shortest distances (in hosts taken) and predecessors.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    dist: Vec<u32>,
    pred: Vec<ActorPred>,
    svc: Vec<SvcPred>,
}

/// The result of an analysis; holds the compiled network and one search per entry point.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub(crate) plant: Plant,
    pub(crate) g: Graph,
    pub(crate) exploits: Vec<Exploit>,
    /// Per host, its exploits sorted best first (KEV, then network before adjacent).
    host_exploits: Vec<Vec<u32>>,
    pub(crate) trees: Vec<Tree>,
    /// Services reached from an Internet entry point without authentication and without a pivot.
    open: Vec<bool>,
    /// Hosts an entry point reaches in any way (a service, or the host itself).
    reached: Vec<bool>,
    /// Class of each host and of each zone's attacker, and each class's reach across conduits.
    pub(crate) class_of: Vec<u32>,
    pub(crate) zone_class: Vec<u32>,
    pub(crate) reach: Vec<Vec<(SvcIx, Via)>>,
}

/// Where a search stands: which classes and zones it has expanded.
struct Search<'a> {
    g: &'a Graph,
    class_of: &'a [u32],
    zone_class: &'a [u32],
    reach: &'a [Vec<(SvcIx, Via)>],
    host_exploits: &'a [Vec<u32>],
    exploits: &'a [Exploit],
    tree: Tree,
    class_done: Vec<bool>,
    zone_done: Vec<bool>,
    queue: VecDeque<Actor>,
}

impl Analysis {
    /// Analyses a plant with the findings that could be exploited. Exploits naming assets the
    /// plant does not have are ignored.
    pub fn run(plant: &Plant, exploits: Vec<Exploit>) -> Analysis {
        Analysis::of(plant.clone(), exploits)
    }

    /// [`Analysis::run`] on a plant the analysis keeps (no copy).
    pub fn of(plant: Plant, exploits: Vec<Exploit>) -> Analysis {
        let g = Graph::compile(&plant);
        let host_ix: HashMap<&str, HostIx> =
            plant.assets.iter().enumerate().map(|(i, a)| (a.id.as_str(), i as HostIx)).collect();
        let mut host_exploits: Vec<Vec<u32>> = vec![Vec::new(); g.hosts.len()];
        for (i, e) in exploits.iter().enumerate() {
            if let Some(&h) = host_ix.get(e.asset.as_str()) {
                host_exploits[h as usize].push(i as u32);
            }
        }
        for list in &mut host_exploits {
            list.sort_by_key(|&i| {
                let e = &exploits[i as usize];
                (!e.kev, e.vector, e.vulnerability.clone())
            });
        }
        let (class_of, zone_class, nclasses) = classes(&g);
        // Every class's reach across conduits, computed on all cores.
        let mut reps: Vec<Src> = vec![Src::Zone(0); nclasses];
        for (h, &c) in class_of.iter().enumerate() {
            reps[c as usize] = Src::Host(h as HostIx);
        }
        for (z, &c) in zone_class.iter().enumerate() {
            reps[c as usize] = Src::Zone(z as ZoneIx);
        }
        let reach = parallel_map(&reps, |src| class_reach(&g, *src));

        let trees: Vec<Tree> = {
            let entries: Vec<usize> = (0..g.entries.len()).collect();
            parallel_map(&entries, |&e| {
                let mut s = Search::new(&g, &class_of, &zone_class, &reach, &host_exploits, &exploits);
                s.run(e);
                s.tree
            })
        };

        let mut open = vec![false; g.services.len()];
        for e in g.entries.iter().filter(|e| e.kind == EntryKind::Internet) {
            for f in e.footholds.iter().flatten() {
                match f {
                    Foothold::Services { services } => services.iter().for_each(|&s| open[s as usize] = true),
                    Foothold::Zone { zone, authenticated: false } => {
                        for &h in &g.zones[*zone as usize].hosts {
                            for s in g.hosts[h as usize].services.clone() {
                                open[s as usize] = true;
                            }
                        }
                        for &(s, _) in &reach[zone_class[*zone as usize] as usize] {
                            open[s as usize] = true;
                        }
                    }
                    _ => {}
                }
            }
        }
        let zones = g.zones.len();
        let mut reached = vec![false; g.hosts.len()];
        for t in &trees {
            for (h, r) in reached.iter_mut().enumerate() {
                if t.dist[zones + h] != NONE {
                    *r = true;
                }
            }
            for (s, p) in t.svc.iter().enumerate() {
                if p.dist != NONE {
                    reached[g.services[s].host as usize] = true;
                }
            }
        }
        Analysis { plant, g, exploits, host_exploits, trees, open, reached, class_of, zone_class, reach }
    }

    /// SSVC System Exposure of an asset (by index in the plant).
    pub fn system_exposure(&self, host: usize) -> SystemExposure {
        let Some(h) = self.g.hosts.get(host) else { return SystemExposure::Small };
        if h.services.clone().any(|s| self.open[s as usize]) {
            SystemExposure::Open
        } else if self.reached[host] {
            SystemExposure::Controlled
        } else {
            SystemExposure::Small
        }
    }

    pub fn plant(&self) -> &Plant {
        &self.plant
    }

    pub fn exploits(&self) -> &[Exploit] {
        &self.exploits
    }

    /// The exploits of an asset (by index), best first.
    pub(crate) fn host_exploit_ids(&self, host: usize) -> &[u32] {
        self.host_exploits.get(host).map_or(&[], |v| v.as_slice())
    }

    pub fn exploits_of(&self, host: usize) -> impl Iterator<Item = &Exploit> {
        self.host_exploits.get(host).into_iter().flatten().map(|&i| &self.exploits[i as usize])
    }

    /// Pivots needed by entry point `e` to take host `h`, if it can.
    pub fn hops_to_take(&self, e: usize, h: usize) -> Option<u32> {
        let d = self.trees.get(e)?.dist[self.g.zones.len() + h];
        (d != NONE).then_some(d)
    }

    /// Pivots before entry point `e` reaches service `s`, if it does.
    pub fn hops_to_reach(&self, e: usize, s: usize) -> Option<u32> {
        let d = self.trees.get(e)?.svc.get(s)?.dist;
        (d != NONE).then_some(d)
    }

    /// Whether service `s` is reached from the Internet without authentication or a pivot.
    pub fn is_open(&self, s: usize) -> bool {
        self.open.get(s).copied().unwrap_or(false)
    }

    pub(crate) fn svc_pred(&self, e: usize, s: usize) -> Option<(Actor, Via)> {
        let p = self.trees.get(e)?.svc.get(s)?;
        (p.dist != NONE).then_some((p.actor, p.via))
    }

    pub(crate) fn actor_pred(&self, e: usize, actor: Actor) -> Option<(Actor, Via, SvcIx, u32)> {
        let t = self.trees.get(e)?;
        if t.dist.get(actor as usize).copied().unwrap_or(NONE) == NONE {
            return None;
        }
        let p = t.pred[actor as usize];
        Some((p.prev, p.via, p.svc, p.exploit))
    }
}

impl<'a> Search<'a> {
    fn new(
        g: &'a Graph,
        class_of: &'a [u32],
        zone_class: &'a [u32],
        reach: &'a [Vec<(SvcIx, Via)>],
        host_exploits: &'a [Vec<u32>],
        exploits: &'a [Exploit],
    ) -> Self {
        let actors = g.zones.len() + g.hosts.len();
        let blank = ActorPred { prev: NONE, via: Via::SameZone, svc: NONE, exploit: NONE };
        Search {
            g,
            class_of,
            zone_class,
            reach,
            host_exploits,
            exploits,
            tree: Tree {
                dist: vec![NONE; actors],
                pred: vec![blank; actors],
                svc: vec![SvcPred { actor: NONE, dist: NONE, via: Via::SameZone }; g.services.len()],
            },
            class_done: vec![false; reach.len()],
            zone_done: vec![false; g.zones.len()],
            queue: VecDeque::new(),
        }
    }

    fn zones(&self) -> u32 {
        self.g.zones.len() as u32
    }

    fn run(&mut self, entry: usize) {
        let Some(e) = self.g.entries.get(entry) else { return };
        // Unauthenticated footholds first, so a zone reached both ways is recorded as the weaker.
        let mut order: Vec<(usize, &Foothold)> =
            e.footholds.iter().enumerate().filter_map(|(i, f)| f.as_ref().map(|f| (i, f))).collect();
        order.sort_by_key(|(_, f)| matches!(f, Foothold::Zone { authenticated: true, .. } | Foothold::Host { .. }));
        for (i, f) in order {
            let via = Via::Foothold(i as u32);
            match f {
                Foothold::Zone { zone, .. } => {
                    self.settle(*zone, 0, ActorPred { prev: NONE, via, svc: NONE, exploit: NONE })
                }
                Foothold::Host { host } => {
                    let a = self.zones() + host;
                    self.settle(a, 0, ActorPred { prev: NONE, via, svc: NONE, exploit: NONE })
                }
                Foothold::Services { services } => {
                    for &s in services {
                        self.reach_svc(s, NONE, 0, via, false);
                    }
                }
            }
        }
        while let Some(a) = self.queue.pop_front() {
            let d = self.tree.dist[a as usize];
            let (zone, class) = if a < self.zones() {
                (a, self.zone_class[a as usize])
            } else {
                let h = a - self.zones();
                (self.g.hosts[h as usize].zone, self.class_of[h as usize])
            };
            if (zone as usize) < self.zone_done.len() && !self.zone_done[zone as usize] {
                self.zone_done[zone as usize] = true;
                for &h in &self.g.zones[zone as usize].hosts {
                    for s in self.g.hosts[h as usize].services.clone() {
                        self.reach_svc(s, a, d, Via::SameZone, true);
                    }
                    // A host without services can still be taken from its own network (adjacent).
                    if self.g.hosts[h as usize].services.is_empty() {
                        self.take(h, a, d, Via::SameZone, NONE, true);
                    }
                }
            }
            if !self.class_done[class as usize] {
                self.class_done[class as usize] = true;
                let reach = self.reach;
                for &(s, via) in &reach[class as usize] {
                    self.reach_svc(s, a, d, via, false);
                }
            }
            if a >= self.zones()
                && let Some(zs) = self.g.gateway_zones.get(&(a - self.zones()))
            {
                for &z in zs {
                    self.settle(z, d, ActorPred { prev: a, via: Via::Gateway, svc: NONE, exploit: NONE });
                }
            }
        }
    }

    /// Records an actor at a distance if it has none; weight-0 steps go to the front.
    fn settle(&mut self, a: Actor, d: u32, pred: ActorPred) {
        let cur = self.tree.dist[a as usize];
        if cur <= d {
            return;
        }
        self.tree.dist[a as usize] = d;
        self.tree.pred[a as usize] = pred;
        // Distances only grow along the queue: the new actor goes first if it is no farther
        // than the one being processed.
        match self.queue.front() {
            Some(&f) if self.tree.dist[f as usize] >= d => self.queue.push_front(a),
            _ => self.queue.push_back(a),
        }
    }

    fn reach_svc(&mut self, s: SvcIx, actor: Actor, d: u32, via: Via, same_zone: bool) {
        let sv = self.g.services[s as usize];
        if sv.protocol == Protocol::Ethernet && !same_zone {
            return;
        }
        let p = &mut self.tree.svc[s as usize];
        if p.dist == NONE || p.dist > d {
            *p = SvcPred { actor, dist: d, via };
        }
        self.take(sv.host, actor, d, via, s, same_zone);
    }

    /// Takes a host through a reached service if one of its exploits is usable from there.
    fn take(&mut self, h: HostIx, actor: Actor, d: u32, via: Via, s: SvcIx, same_zone: bool) {
        let a = self.zones() + h;
        if self.tree.dist[a as usize] <= d + 1 {
            return;
        }
        let usable = self.host_exploits[h as usize].iter().copied().find(|&x| {
            let v = self.exploits[x as usize].vector;
            if same_zone { v.adjacent() } else { v.remote() }
        });
        if let Some(x) = usable {
            self.tree.dist[a as usize] = d + 1;
            self.tree.pred[a as usize] = ActorPred { prev: actor, via, svc: s, exploit: x };
            self.queue.push_back(a);
        }
    }
}

/// The source of traffic a class stands for.
#[derive(Debug, Clone, Copy)]
enum Src {
    Zone(ZoneIx),
    Host(HostIx),
}

/// Groups hosts by the rule endpoints their addresses match; each zone's attacker is a class of
/// its own. Returns (class per host, class per zone attacker, number of classes).
fn classes(g: &Graph) -> (Vec<u32>, Vec<u32>, usize) {
    let mut ids: HashMap<(ZoneIx, Vec<u64>), u32> = HashMap::new();
    let mut class_of = Vec::with_capacity(g.hosts.len());
    let mut sig = Vec::new();
    for (h, host) in g.hosts.iter().enumerate() {
        sig.clear();
        if let Some(z) = g.zones.get(host.zone as usize) {
            for &ci in &z.conduits {
                for r in &g.conduits[ci as usize].rules {
                    for (side, e) in [(0u64, r.from), (1, r.to)] {
                        if side == 1 && !r.both {
                            continue;
                        }
                        if matches!(e, End::Host(_) | End::Net(..)) && g.host_in(h as HostIx, e) {
                            sig.push((u64::from(ci) << 33) | (u64::from(r.index) << 1) | side);
                        }
                    }
                }
            }
        }
        let next = ids.len() as u32;
        let id = *ids.entry((host.zone, sig.clone())).or_insert(next);
        class_of.push(id);
    }
    let base = ids.len() as u32;
    let zone_class = (0..g.zones.len() as u32).map(|z| base + z).collect();
    (class_of, zone_class, base as usize + g.zones.len())
}

/// What a source reaches across the conduits of its zone: each service once per conduit, with
/// the rule that decided.
fn class_reach(g: &Graph, src: Src) -> Vec<(SvcIx, Via)> {
    let zone = match src {
        Src::Zone(z) => z,
        Src::Host(h) => g.hosts[h as usize].zone,
    };
    let Some(zc) = g.zones.get(zone as usize) else { return Vec::new() };
    let matches = |e: End| match src {
        Src::Zone(z) => g.zone_attacker_in(z, e),
        Src::Host(h) => g.host_in(h, e),
    };
    let mut out = Vec::new();
    let mut decided: HashSet<SvcIx> = HashSet::new();
    let mut hosts = Vec::new();
    for &ci in &zc.conduits {
        let c = &g.conduits[ci as usize];
        let other = if c.zones[0] == zone { c.zones[1] } else { c.zones[0] };
        let oz = &g.zones[other as usize];
        if c.unenforced {
            for &h in &oz.hosts {
                for s in g.hosts[h as usize].services.clone() {
                    out.push((s, Via::Unenforced { conduit: ci }));
                }
            }
            continue;
        }
        decided.clear();
        for r in &c.rules {
            for (reverse, from, to) in [(false, r.from, r.to), (true, r.to, r.from)] {
                if reverse && !r.both {
                    continue;
                }
                if !matches(from) {
                    continue;
                }
                hosts.clear();
                candidates(g, to, other, &mut hosts);
                for &h in &hosts {
                    for s in g.hosts[h as usize].services.clone() {
                        let sv = g.services[s as usize];
                        if !r.covers(sv.protocol, sv.port) || !decided.insert(s) {
                            continue;
                        }
                        if r.allow {
                            out.push((s, Via::Rule { conduit: ci, rule: r.index, reverse }));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Hosts of zone `zone` an endpoint covers.
fn candidates(g: &Graph, e: End, zone: ZoneIx, out: &mut Vec<HostIx>) {
    let zc = &g.zones[zone as usize];
    match e {
        End::Any => out.extend_from_slice(&zc.hosts),
        End::Zone(z) if z == zone => out.extend_from_slice(&zc.hosts),
        End::Zone(_) | End::Nothing => {}
        End::Host(h) => {
            if g.hosts[h as usize].zone == zone {
                out.push(h);
            }
        }
        End::Net(lo, hi) => {
            let start = g.addr_index.partition_point(|&(a, _)| a < lo);
            let end = g.addr_index.partition_point(|&(a, _)| a <= hi);
            if end - start <= zc.hosts.len() {
                let before = out.len();
                g.hosts_in(lo, hi, out);
                let mut keep = before;
                for i in before..out.len() {
                    if g.hosts[out[i] as usize].zone == zone {
                        out[keep] = out[i];
                        keep += 1;
                    }
                }
                out.truncate(keep);
            } else {
                out.extend(zc.hosts.iter().copied().filter(|&h| g.host_in(h, e)));
            }
        }
    }
}

/// Maps items on all cores (scoped threads, no pool), keeping order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len().max(1));
    if threads <= 1 || items.len() < 4 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(chunk).map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>())).collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
