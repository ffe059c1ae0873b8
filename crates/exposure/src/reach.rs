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
//! Across one conduit, hosts of a zone whose addresses match the same of its rules behave the
//! same (a *unit*: conduit × rule signature; most hosts share their zone's plain unit). A unit's
//! reach is computed once, when a search first needs it, and shared by every search; each search
//! expands a unit and a zone at most once — the first time is the shortest.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, OnceLock};

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

/// A unit's reach, computed once.
type ReachCell = OnceLock<Arc<Vec<(SvcIx, Via)>>>;

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
    /// The units of each host and of each zone's attacker, and each unit's reach (computed when
    /// a search first needs it).
    pub(crate) units: Units,
    reach: Vec<ReachCell>,
    dests: Vec<OnceLock<Arc<DestList>>>,
}

/// Where a search stands: which classes and zones it has expanded.
struct Search<'a> {
    g: &'a Graph,
    units: &'a Units,
    reach: Lazy<'a>,
    host_exploits: &'a [Vec<u32>],
    exploits: &'a [Exploit],
    tree: Tree,
    unit_done: Vec<bool>,
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
        Analysis::build(plant, exploits, None)
    }

    /// The analysis of a changed copy of this analysis' plant, reusing what the change cannot
    /// have touched: the reach across every conduit not in `dirty` (indices of the plant's
    /// conduits). The caller keeps conduits, assets and services in the same order.
    pub fn changed(&self, plant: Plant, dirty: &[usize]) -> Analysis {
        Analysis::build(plant, self.exploits.clone(), Some((self, dirty)))
    }

    fn build(plant: Plant, exploits: Vec<Exploit>, previous: Option<(&Analysis, &[usize])>) -> Analysis {
        let trace = std::env::var_os("PATCHWISE_TRACE").is_some();
        let t0 = std::time::Instant::now();
        let phase = |name: &str| {
            if trace {
                eprintln!("exposure: {name} at {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0);
            }
        };
        let g = Graph::compile(&plant);
        phase("compiled");
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
        let units = units(&g);
        let nunits = units.reps.len();
        phase(&format!("{nunits} units"));
        let mut reach: Vec<ReachCell> = (0..nunits).map(|_| OnceLock::new()).collect();
        let mut dests: Vec<OnceLock<Arc<DestList>>> = (0..g.conduits.len() * 2).map(|_| OnceLock::new()).collect();
        if let Some((before, dirty)) = previous {
            reuse(before, dirty, &g, &units, &mut reach, &mut dests);
            phase("reused the untouched conduits");
        }
        let lazy = Lazy { g: &g, reps: &units.reps, cells: &reach, dests: &dests };
        if std::env::var_os("PATCHWISE_EAGER").is_some() {
            let all: Vec<u32> = (0..nunits as u32).collect();
            let _ = parallel_map(&all, |&u| lazy.get(u).len());
            phase("all units computed");
        }

        let trees: Vec<Tree> = {
            let entries: Vec<usize> = (0..g.entries.len()).collect();
            parallel_map(&entries, |&e| {
                let mut s = Search::new(&g, &units, lazy, &host_exploits, &exploits);
                s.run(e);
                s.tree
            })
        };

        phase(&format!(
            "searches ({} of {nunits} units reached, {} reach entries)",
            reach.iter().filter(|c| c.get().is_some()).count(),
            reach.iter().filter_map(|c| c.get()).map(|v| v.len()).sum::<usize>()
        ));
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
                        for &u in units.of_zone(*zone) {
                            for &(s, _) in lazy.get(u) {
                                open[s as usize] = true;
                            }
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
        phase("done");
        Analysis { plant, g, exploits, host_exploits, trees, open, reached, units, reach, dests }
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
    /// What a unit reaches across its conduit (computed now if no search needed it).
    pub(crate) fn unit_reach(&self, unit: u32) -> &[(SvcIx, Via)] {
        Lazy { g: &self.g, reps: &self.units.reps, cells: &self.reach, dests: &self.dests }.get(unit)
    }

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
        units: &'a Units,
        reach: Lazy<'a>,
        host_exploits: &'a [Vec<u32>],
        exploits: &'a [Exploit],
    ) -> Self {
        let actors = g.zones.len() + g.hosts.len();
        let blank = ActorPred { prev: NONE, via: Via::SameZone, svc: NONE, exploit: NONE };
        Search {
            g,
            units,
            reach,
            host_exploits,
            exploits,
            tree: Tree {
                dist: vec![NONE; actors],
                pred: vec![blank; actors],
                svc: vec![SvcPred { actor: NONE, dist: NONE, via: Via::SameZone }; g.services.len()],
            },
            unit_done: vec![false; reach.cells.len()],
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
            let (zone, units) = if a < self.zones() {
                (a, self.units.of_zone(a))
            } else {
                let h = a - self.zones();
                (self.g.hosts[h as usize].zone, self.units.of_host(h))
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
            for &u in units {
                if !self.unit_done[u as usize] {
                    self.unit_done[u as usize] = true;
                    let reach = self.reach;
                    for &(s, via) in reach.get(u) {
                        self.reach_svc(s, a, d, via, false);
                    }
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

/// Class reach computed on first use, shared by the searches running on other threads.
#[derive(Clone, Copy)]
struct Lazy<'a> {
    g: &'a Graph,
    reps: &'a [(Src, u32)],
    cells: &'a [ReachCell],
    dests: &'a [OnceLock<Arc<DestList>>],
}

impl<'a> Lazy<'a> {
    fn get(&self, unit: u32) -> &'a [(SvcIx, Via)] {
        match (self.cells.get(unit as usize), self.reps.get(unit as usize)) {
            (Some(cell), Some(&(src, conduit))) => {
                cell.get_or_init(|| Arc::new(unit_reach(self.g, self.dests, src, conduit))).as_slice()
            }
            _ => &[],
        }
    }
}

/// Units per host and per zone attacker (flattened lists), and a representative source and the
/// conduit of each unit.
#[derive(Debug, Clone, Default)]
pub(crate) struct Units {
    host_start: Vec<u32>,
    zone_start: Vec<u32>,
    list: Vec<u32>,
    pub(crate) reps: Vec<(Src, u32)>,
    /// Each unit's key: (conduit, zone, signature as a range of `sig`).
    keys: Vec<(u32, ZoneIx, u32, u32)>,
    sig: Vec<u64>,
}

impl Units {
    pub(crate) fn of_host(&self, h: HostIx) -> &[u32] {
        let (a, b) = (self.host_start[h as usize], self.host_start[h as usize + 1]);
        &self.list[a as usize..b as usize]
    }

    pub(crate) fn of_zone(&self, z: ZoneIx) -> &[u32] {
        let (a, b) = (self.zone_start[z as usize], self.zone_start[z as usize + 1]);
        &self.list[a as usize..b as usize]
    }
}

/// Copies into a new analysis the unit reach and destination lists of every conduit the change
/// did not touch (same conduit index, same zone, same signature: same answer).
fn reuse(
    before: &Analysis,
    dirty: &[usize],
    g: &Graph,
    units: &Units,
    reach: &mut [ReachCell],
    dests: &mut [OnceLock<Arc<DestList>>],
) {
    let clean = |ci: u32| {
        let plant_index = g.conduits.get(ci as usize).map(|c| c.plant_index as usize);
        plant_index.is_some_and(|p| !dirty.contains(&p))
            && before.g.conduits.get(ci as usize).map(|c| c.plant_index)
                == g.conduits.get(ci as usize).map(|c| c.plant_index)
    };
    let old = &before.units;
    let mut index: HashMap<(u32, ZoneIx, &[u64]), u32> = HashMap::with_capacity(old.keys.len());
    for (i, &(ci, z, a, b)) in old.keys.iter().enumerate() {
        if clean(ci) {
            index.insert((ci, z, &old.sig[a as usize..b as usize]), i as u32);
        }
    }
    for (i, &(ci, z, a, b)) in units.keys.iter().enumerate() {
        if !clean(ci) {
            continue;
        }
        if let Some(&o) = index.get(&(ci, z, &units.sig[a as usize..b as usize]))
            && let Some(done) = before.reach.get(o as usize).and_then(OnceLock::get)
        {
            reach[i] = OnceLock::from(Arc::clone(done));
        }
    }
    for (i, cell) in dests.iter_mut().enumerate() {
        if clean((i / 2) as u32)
            && let Some(done) = before.dests.get(i).and_then(OnceLock::get)
        {
            *cell = OnceLock::from(Arc::clone(done));
        }
    }
}

/// The source of traffic a unit stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Src {
    Zone(ZoneIx),
    Host(HostIx),
}

/// Units: for each conduit of a zone, the hosts whose addresses match the same of its asset and
/// address rules share one unit; each zone's attacker has units of its own.
fn units(g: &Graph) -> Units {
    // Each host's signature: the (conduit, rule, side) whose asset or address endpoint covers it,
    // found rule by rule through the address index, in conduit and rule order.
    let mut sigs: Vec<Vec<u64>> = vec![Vec::new(); g.hosts.len()];
    let mut hosts = Vec::new();
    for (ci, c) in g.conduits.iter().enumerate() {
        for r in &c.rules {
            for (side, e) in [(0u64, r.from), (1, r.to)] {
                if (side == 1 && !r.both) || !matches!(e, End::Host(_) | End::Net(..)) {
                    continue;
                }
                let key = ((ci as u64) << 33) | (u64::from(r.index) << 1) | side;
                for &z in &c.zones {
                    hosts.clear();
                    candidates(g, e, z, &mut hosts);
                    for &h in &hosts {
                        if sigs[h as usize].last() != Some(&key) {
                            sigs[h as usize].push(key);
                        }
                    }
                }
            }
        }
    }
    let mut ids: HashMap<(u32, ZoneIx, &[u64]), u32> = HashMap::new();
    let mut u = Units::default();
    let zone_marker: &[u64] = &[u64::MAX];
    for (h, host) in g.hosts.iter().enumerate() {
        u.host_start.push(u.list.len() as u32);
        let Some(zc) = g.zones.get(host.zone as usize) else { continue };
        let sig = sigs[h].as_slice();
        for &ci in &zc.conduits {
            let lo = sig.partition_point(|k| (k >> 33) < u64::from(ci));
            let hi = sig.partition_point(|k| (k >> 33) <= u64::from(ci));
            let next = u.reps.len() as u32;
            let id = *ids.entry((ci, host.zone, &sig[lo..hi])).or_insert(next);
            if id == next {
                u.reps.push((Src::Host(h as HostIx), ci));
                let start = u.sig.len() as u32;
                u.sig.extend_from_slice(&sig[lo..hi]);
                u.keys.push((ci, host.zone, start, u.sig.len() as u32));
            }
            u.list.push(id);
        }
    }
    u.host_start.push(u.list.len() as u32);
    for (z, zc) in g.zones.iter().enumerate() {
        u.zone_start.push(u.list.len() as u32);
        for &ci in &zc.conduits {
            let next = u.reps.len() as u32;
            let id = *ids.entry((ci, z as ZoneIx, zone_marker)).or_insert(next);
            if id == next {
                u.reps.push((Src::Zone(z as ZoneIx), ci));
                let start = u.sig.len() as u32;
                u.sig.push(u64::MAX);
                u.keys.push((ci, z as ZoneIx, start, u.sig.len() as u32));
            }
            u.list.push(id);
        }
    }
    u.zone_start.push(u.list.len() as u32);
    u
}

/// For one conduit and one direction (from `zone` to the other side): every destination service
/// some rule covers, with the rules that cover it in first-match order (a rule's forward use
/// before its reverse use). The list stops at the first rule any source matches.
#[derive(Debug, Clone, Default)]
pub(crate) struct DestList {
    svcs: Vec<(SvcIx, u32, u32)>,
    entries: Vec<(u32, bool)>,
}

fn dest_list(g: &Graph, ci: u32, zone: ZoneIx) -> DestList {
    let mut out = DestList::default();
    let Some(c) = g.conduits.get(ci as usize) else { return out };
    let other = if c.zones[0] == zone { c.zones[1] } else { c.zones[0] };
    let mut lists: HashMap<SvcIx, (Vec<(u32, bool)>, bool)> = HashMap::new();
    let mut order: Vec<SvcIx> = Vec::new();
    let mut hosts = Vec::new();
    for r in &c.rules {
        for (reverse, from, to) in [(false, r.from, r.to), (true, r.to, r.from)] {
            if reverse && !r.both {
                continue;
            }
            // A source endpoint every source of this zone matches ends the list.
            let everyone = matches!(from, End::Any) || from == End::Zone(zone);
            hosts.clear();
            candidates(g, to, other, &mut hosts);
            for &h in &hosts {
                for s in g.hosts[h as usize].services.clone() {
                    let sv = g.services[s as usize];
                    // Layer-2 services never cross a conduit.
                    if sv.protocol == Protocol::Ethernet || !r.covers(sv.protocol, sv.port) {
                        continue;
                    }
                    let e = lists.entry(s).or_insert_with(|| {
                        order.push(s);
                        (Vec::new(), false)
                    });
                    if !e.1 {
                        e.0.push((r.index, reverse));
                        e.1 = everyone;
                    }
                }
            }
        }
    }
    order.sort_unstable();
    for s in order {
        if let Some((list, _)) = lists.remove(&s) {
            let start = out.entries.len() as u32;
            out.entries.extend(list);
            out.svcs.push((s, start, out.entries.len() as u32));
        }
    }
    out
}

/// What a source reaches across one conduit of its zone: each service once, with the rule that
/// decided.
fn unit_reach(g: &Graph, dests: &[OnceLock<Arc<DestList>>], src: Src, ci: u32) -> Vec<(SvcIx, Via)> {
    let zone = match src {
        Src::Zone(z) => z,
        Src::Host(h) => g.hosts[h as usize].zone,
    };
    let mut out = Vec::new();
    let Some(c) = g.conduits.get(ci as usize) else { return out };
    if c.unenforced {
        let other = if c.zones[0] == zone { c.zones[1] } else { c.zones[0] };
        for &h in &g.zones[other as usize].hosts {
            for s in g.hosts[h as usize].services.clone() {
                if g.services[s as usize].protocol != Protocol::Ethernet {
                    out.push((s, Via::Unenforced { conduit: ci }));
                }
            }
        }
        return out;
    }
    let side = usize::from(c.zones[0] != zone);
    let Some(cell) = dests.get(ci as usize * 2 + side) else { return out };
    let list = cell.get_or_init(|| Arc::new(dest_list(g, ci, zone)));
    match src {
        Src::Host(h) => walk(c, list, ci, &|e| g.host_in(h, e), &mut out),
        Src::Zone(z) => {
            // An attacker on the network picks its address: it reaches a service when some free
            // address of the zone gets an `allow` first. One address per class of addresses the
            // conduit's address rules treat alike is enough.
            let mut seen: std::collections::HashSet<SvcIx> = std::collections::HashSet::new();
            let mut part = Vec::new();
            for rep in zone_addresses(g, z, c) {
                part.clear();
                match rep {
                    Some(addr) => walk(c, list, ci, &|e| source_address_in(z, addr, e), &mut part),
                    None => walk(c, list, ci, &|e| g.zone_attacker_in(z, e), &mut part),
                }
                for &(s, via) in &part {
                    if seen.insert(s) {
                        out.push((s, via));
                    }
                }
            }
        }
    }
    out
}

/// Whether an attacker on zone `z` using address `addr` is covered by an endpoint.
fn source_address_in(z: ZoneIx, addr: u128, e: End) -> bool {
    match e {
        End::Any => true,
        End::Zone(x) => x == z,
        End::Host(_) | End::Nothing => false,
        End::Net(lo, hi) => (lo..=hi).contains(&addr),
    }
}

/// One free address of the zone per class of addresses the conduit's address rules cannot tell
/// apart; `[None]` when the zone has no free address (its attacker then matches no block).
fn zone_addresses(g: &Graph, z: ZoneIx, c: &crate::graph::ConduitC) -> Vec<Option<u128>> {
    let mut cuts: Vec<u128> = Vec::new();
    for r in &c.rules {
        for e in [r.from, r.to] {
            if let End::Net(lo, hi) = e {
                cuts.push(lo);
                cuts.push(hi.saturating_add(1));
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Option<u128>> = Vec::new();
    let mut signatures: Vec<Vec<bool>> = Vec::new();
    for &(a, b) in &g.zones[z as usize].subnets {
        let mut starts: Vec<u128> = vec![a];
        starts.extend(cuts.iter().copied().filter(|&x| x > a && x <= b));
        for (i, &lo) in starts.iter().enumerate() {
            let hi = starts.get(i + 1).map_or(b, |n| n - 1);
            // The first address of [lo, hi] no asset holds.
            let from = g.addr_index.partition_point(|&(x, _)| x < lo);
            let mut candidate = lo;
            for &(x, _) in &g.addr_index[from..] {
                if x > hi || x > candidate {
                    break;
                }
                if x == candidate {
                    candidate = candidate.saturating_add(1);
                }
            }
            if candidate > hi {
                continue;
            }
            let sig: Vec<bool> = c
                .rules
                .iter()
                .flat_map(|r| [r.from, r.to])
                .map(|e| matches!(e, End::Net(l, h) if (l..=h).contains(&candidate)))
                .collect();
            if !signatures.contains(&sig) {
                signatures.push(sig);
                out.push(Some(candidate));
            }
        }
    }
    if out.is_empty() {
        out.push(None);
    }
    out
}

/// The first-match walk of a conduit side's destination list for one source.
fn walk(
    c: &crate::graph::ConduitC,
    list: &DestList,
    ci: u32,
    matches: &dyn Fn(End) -> bool,
    out: &mut Vec<(SvcIx, Via)>,
) {
    // Sources match the same endpoints again and again: remember each answer.
    let mut seen: Vec<(End, bool)> = Vec::new();
    for &(s, a, b) in &list.svcs {
        for &(ri, reverse) in &list.entries[a as usize..b as usize] {
            let r = &c.rules[ri as usize];
            let from = if reverse { r.to } else { r.from };
            let hit = match seen.iter().find(|(e, _)| *e == from) {
                Some(&(_, m)) => m,
                None => {
                    let m = matches(from);
                    if seen.len() < 64 {
                        seen.push((from, m));
                    }
                    m
                }
            };
            if hit {
                if r.allow {
                    out.push((s, Via::Rule { conduit: ci, rule: r.index, reverse }));
                }
                break;
            }
        }
    }
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
