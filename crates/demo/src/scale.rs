//! The synthetic plant generator: the demo's structure, scaled to any number of assets.
//!
//! A template plant (normally the demo plant) is split into *shared* zones (Purdue 3 and above:
//! site operations, IDMZ, enterprise, Internet edge) and *unit* zones (Purdue 0–2: production
//! cells, their field networks, supervisory, engineering, SIS, utilities, wireless). Asset `i` of
//! the output is a copy of template asset `i mod T` (T template assets) in *unit* `i div T`:
//!
//! - unit 0 keeps the template's ids and names; unit `r ≥ 1` gets `-u{r:03}` appended to the ids
//!   of its zones, assets, conduits and redundancy groups (`cell-a-u007`, `PLC-R101-u007`);
//! - a copy whose template sits in a unit zone lands in that unit's copy of the zone; a copy whose
//!   template sits in a shared zone lands in the shared zone itself (more servers, more PCs);
//! - every conduit that touches a unit zone is repeated per unit; conduits between shared zones
//!   exist once; rule endpoints naming an asset that has no copy fall back to the asset's zone;
//! - entry points stay the same: zone attachments reach every unit's copy of the zone, VPN
//!   gateways in unit zones attach once per unit, port forwards and jump hosts use unit 0.
//!   An entry point left without any attachment (tiny `n`) is dropped.
//!
//! Addresses are regenerated: every zone instance gets an IPv4 block big enough for its hosts
//! (at least a /24), allocated without overlap from 10.0.0.0/8, then 172.16.0.0/12,
//! 100.64.0.0/10 and 198.18.0.0/15, which is room for well over a million assets. Copies get
//! consecutive host addresses in their zone's block, MACs keep the template's vendor prefix with
//! a unique 24-bit device part, and units after the first get firmware versions nudged up or down
//! (deterministically) so that some copies are vulnerable and some are not.
//!
//! `n = 0` gives the structure (site, zones, conduits with zone endpoints, entry points that only
//! attach zones) without any asset.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;

use model::{
    Asset, AssetKind, Attachment, Conduit, Direction, Endpoint, Enforcement, EnforcementKind, EntryKind, EntryPoint,
    IpNet, MacAddr, Plant, Protocol, Purdue, Rule, Site, Zone,
};

/// A synthetic plant of exactly `n` assets with the demo plant's structure. See the module
/// documentation for the layout; the result has no [`Plant::problems`].
pub fn scaled_plant(n: usize) -> Plant {
    scaled_from(template(), n)
}

/// Like [`scaled_plant`], from any template plant. A template without assets is replaced by a
/// minimal built-in one (one server, one PLC).
pub fn scaled_from(template: &Plant, n: usize) -> Plant {
    if template.assets.is_empty() {
        return Scaler::new(&fallback_template(), n).build();
    }
    Scaler::new(template, n).build()
}

/// The demo plant, read once. A demo plant that does not read (a bug the tests catch) is replaced
/// by the built-in minimal template so that the generator still honours `n`.
fn template() -> &'static Plant {
    static TEMPLATE: OnceLock<Plant> = OnceLock::new();
    TEMPLATE.get_or_init(|| match crate::demo_plant() {
        Ok(p) if !p.assets.is_empty() => p,
        _ => fallback_template(),
    })
}

/// Zones at Purdue 0–2 are repeated per unit; the others are shared by all units.
fn is_unit_zone(level: Purdue) -> bool {
    level <= Purdue::L2
}

/// `base` in unit `r`: unchanged in unit 0, `base-u007` in unit 7.
fn unit_id(base: &str, r: usize) -> String {
    if r == 0 { base.to_string() } else { format!("{base}-u{r:03}") }
}

/// A display name in unit `r`.
fn unit_name(base: &str, r: usize) -> String {
    if r == 0 { base.to_string() } else { format!("{base} (unit {r:03})") }
}

/// IPv4 pools the generator allocates zone blocks from, in order: (first address, size in bits).
const POOLS: [(Ipv4Addr, u32); 4] = [
    (Ipv4Addr::new(10, 0, 0, 0), 24),
    (Ipv4Addr::new(172, 16, 0, 0), 20),
    (Ipv4Addr::new(100, 64, 0, 0), 22),
    (Ipv4Addr::new(198, 18, 0, 0), 17),
];

/// The smallest zone block, in address bits (a /24).
const MIN_BLOCK_BITS: u32 = 8;

/// An address block handed to one zone instance, and the next host to give out.
#[derive(Debug, Clone, Copy)]
struct Block {
    base: u32,
    bits: u32,
    next: u32,
}

impl Block {
    fn net(&self) -> Option<IpNet> {
        let prefix = u8::try_from(32 - self.bits).ok()?;
        IpNet::new(IpAddr::V4(Ipv4Addr::from(self.base)), prefix).ok()
    }

    /// The next host address; `None` when the block is full (never, when sized by the scaler).
    fn take(&mut self) -> Option<IpAddr> {
        let size = 1u64 << self.bits;
        if u64::from(self.next) + 1 >= size {
            return None;
        }
        let ip = Ipv4Addr::from(self.base + self.next);
        self.next += 1;
        Some(IpAddr::V4(ip))
    }
}

/// Hands out non-overlapping blocks, first fit over [`POOLS`]. Requests must come largest first
/// so that every pool cursor stays aligned.
struct Allocator {
    /// (next free address, end) per pool, as u64 to avoid overflow at the top of the space.
    cursors: Vec<(u64, u64)>,
}

impl Allocator {
    fn new() -> Self {
        let cursors = POOLS
            .iter()
            .map(|(start, bits)| {
                let s = u64::from(u32::from(*start));
                (s, s + (1u64 << bits))
            })
            .collect();
        Allocator { cursors }
    }

    fn alloc(&mut self, bits: u32) -> Option<Block> {
        let size = 1u64 << bits;
        for (next, end) in &mut self.cursors {
            let aligned = next.div_ceil(size) * size;
            if aligned + size <= *end {
                *next = aligned + size;
                let base = u32::try_from(aligned).ok()?;
                return Some(Block { base, bits, next: 1 });
            }
        }
        None
    }
}

/// Address bits for a block holding `hosts` hosts plus network and broadcast addresses.
fn block_bits(hosts: u64) -> u32 {
    let need = hosts + 2;
    let mut bits = MIN_BLOCK_BITS;
    while (1u64 << bits) < need && bits < 32 {
        bits += 1;
    }
    bits
}

/// A small, fast, deterministic mixer (splitmix64) for firmware variation.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `version` with its last run of digits moved by `delta` (not below zero), keeping zero padding:
/// `V2.9.4` +2 → `V2.9.6`, `33.011` −1 → `33.010`. `None` when there is nothing to change.
fn nudge_version(version: &str, delta: i64) -> Option<String> {
    if delta == 0 {
        return None;
    }
    let bytes = version.as_bytes();
    let end = bytes.iter().rposition(|b| b.is_ascii_digit())? + 1;
    let start = bytes[..end].iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |p| p + 1);
    let digits = &version[start..end];
    if digits.len() > 12 {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    let new = (value + delta).max(0);
    if new == value {
        return None;
    }
    let width = digits.len();
    Some(format!("{}{new:0width$}{}", &version[..start], &version[end..]))
}

/// The CPE with its version field (the sixth) nudged like the version itself.
fn nudge_cpe(cpe: &str, delta: i64) -> Option<String> {
    let mut fields: Vec<&str> = cpe.split(':').collect();
    let version = *fields.get(5)?;
    if version == "*" || version == "-" {
        return None;
    }
    let nudged = nudge_version(version, delta)?;
    fields[5] = &nudged;
    Some(fields.join(":"))
}

struct Scaler<'t> {
    t: &'t Plant,
    n: usize,
    /// Number of units (copies of the unit zones); at least 1.
    units: usize,
    zone_index: HashMap<&'t str, usize>,
    asset_index: HashMap<&'t str, usize>,
    /// Per template zone: is it repeated per unit?
    zone_is_unit: Vec<bool>,
    /// Per template zone: its index among the shared or among the unit zones.
    zone_slot: Vec<usize>,
    shared_zones: usize,
    unit_zones: usize,
    /// Per template asset: the index of its zone (`usize::MAX` when the zone is unknown).
    asset_zone: Vec<usize>,
    /// Per template asset: the template indices of the assets it depends on.
    deps: Vec<Vec<usize>>,
}

impl<'t> Scaler<'t> {
    fn new(t: &'t Plant, n: usize) -> Self {
        let zone_index: HashMap<&str, usize> = t.zones.iter().enumerate().map(|(i, z)| (z.id.as_str(), i)).collect();
        let asset_index: HashMap<&str, usize> = t.assets.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
        let zone_is_unit: Vec<bool> = t.zones.iter().map(|z| is_unit_zone(z.purdue)).collect();
        let (mut shared_zones, mut unit_zones) = (0, 0);
        let zone_slot = zone_is_unit
            .iter()
            .map(|unit| {
                let counter = if *unit { &mut unit_zones } else { &mut shared_zones };
                *counter += 1;
                *counter - 1
            })
            .collect();
        let asset_zone =
            t.assets.iter().map(|a| zone_index.get(a.zone.as_str()).copied().unwrap_or(usize::MAX)).collect();
        let deps = t
            .assets
            .iter()
            .map(|a| a.depends_on.iter().filter_map(|d| asset_index.get(d.as_str()).copied()).collect())
            .collect();
        let per_unit = t.assets.len().max(1);
        let units = n.div_ceil(per_unit).max(1);
        Scaler {
            t,
            n,
            units,
            zone_index,
            asset_index,
            zone_is_unit,
            zone_slot,
            shared_zones,
            unit_zones,
            asset_zone,
            deps,
        }
    }

    fn per_unit(&self) -> usize {
        self.t.assets.len()
    }

    fn is_unit(&self, zone: usize) -> bool {
        self.zone_is_unit.get(zone).copied().unwrap_or(false)
    }

    /// The id of template zone `zone` in unit `r`.
    fn zone_id(&self, zone: usize, r: usize) -> String {
        let id = &self.t.zones[zone].id;
        if self.is_unit(zone) { unit_id(id, r) } else { id.clone() }
    }

    /// Index of a zone instance: shared zones first, then the unit zones unit by unit.
    fn instance(&self, zone: usize, r: usize) -> usize {
        if self.is_unit(zone) {
            self.shared_zones + r * self.unit_zones + self.zone_slot[zone]
        } else {
            self.zone_slot[zone]
        }
    }

    fn instances(&self) -> usize {
        self.shared_zones + self.units * self.unit_zones
    }

    /// Whether template asset `a` has a copy in unit `r`.
    fn exists(&self, a: usize, r: usize) -> bool {
        r * self.per_unit() + a < self.n
    }

    /// The id of the copy of template asset `a` that unit `r` uses: its own copy when the asset
    /// sits in a unit zone, unit 0's when it sits in a shared zone. `None` when there is none.
    fn asset_for(&self, a: usize, r: usize) -> Option<String> {
        let r = if self.is_unit(self.asset_zone[a]) { r } else { 0 };
        self.exists(a, r).then(|| unit_id(&self.t.assets[a].id, r))
    }

    /// How many copies template asset `a` gets in total.
    fn copies(&self, a: usize) -> usize {
        let t = self.per_unit();
        self.n / t + usize::from(a < self.n % t)
    }

    fn v4_count(a: &Asset) -> u64 {
        a.ips.iter().filter(|ip| ip.is_ipv4()).count() as u64
    }

    /// Address blocks for every zone instance, indexed by [`Scaler::instance`].
    fn blocks(&self) -> Vec<Option<Block>> {
        let mut hosts = vec![0u64; self.instances()];
        for (a, asset) in self.t.assets.iter().enumerate() {
            let zone = self.asset_zone[a];
            if zone == usize::MAX {
                continue;
            }
            let ips = Self::v4_count(asset);
            if self.is_unit(zone) {
                // Every unit gets room for a full set, the last (partial) one included.
                for r in 0..self.units {
                    hosts[self.instance(zone, r)] += ips;
                }
            } else {
                hosts[self.instance(zone, 0)] += ips * self.copies(a) as u64;
            }
        }
        let mut order: Vec<(u32, usize)> = hosts.iter().enumerate().map(|(i, h)| (block_bits(*h), i)).collect();
        order.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        let mut alloc = Allocator::new();
        let mut blocks = vec![None; hosts.len()];
        for (bits, i) in order {
            blocks[i] = alloc.alloc(bits);
        }
        blocks
    }

    fn build(&self) -> Plant {
        let mut blocks = self.blocks();
        let zones = self.zones(&blocks);
        let assets = self.assets(&mut blocks);
        let conduits = self.conduits();
        let entry_points = self.entry_points();
        Plant { sites: self.sites(), zones, conduits, entry_points, assets }
    }

    fn sites(&self) -> Vec<Site> {
        self.t.sites.clone()
    }

    fn zones(&self, blocks: &[Option<Block>]) -> Vec<Zone> {
        let mut out: Vec<Option<Zone>> = vec![None; self.instances()];
        for (zi, z) in self.t.zones.iter().enumerate() {
            let units = if self.is_unit(zi) { self.units } else { 1 };
            for r in 0..units {
                let i = self.instance(zi, r);
                let r = if self.is_unit(zi) { r } else { 0 };
                out[i] = Some(Zone {
                    id: self.zone_id(zi, r),
                    site: z.site.clone(),
                    name: unit_name(&z.name, r),
                    purdue: z.purdue,
                    subnets: blocks[i].and_then(|b| b.net()).into_iter().collect(),
                    target_sl: z.target_sl,
                    safety: z.safety,
                    description: if r == 0 { z.description.clone() } else { None },
                });
            }
        }
        out.into_iter().flatten().collect()
    }

    fn assets(&self, blocks: &mut [Option<Block>]) -> Vec<Asset> {
        let per_unit = self.per_unit();
        let mut out = Vec::with_capacity(self.n);
        let mut mac_serial: u32 = 0;
        for i in 0..self.n {
            let (a, r) = (i % per_unit, i / per_unit);
            let tpl = &self.t.assets[a];
            let zone = self.asset_zone[a];
            let (zone_id, block) = if zone == usize::MAX {
                (tpl.zone.clone(), None)
            } else {
                let inst = self.instance(zone, if self.is_unit(zone) { r } else { 0 });
                (self.zone_id(zone, r), blocks.get_mut(inst).and_then(|b| b.as_mut()))
            };
            let ips = match block {
                Some(block) => tpl.ips.iter().filter(|ip| ip.is_ipv4()).filter_map(|_| block.take()).collect(),
                None => Vec::new(),
            };
            let macs = tpl
                .macs
                .iter()
                .filter_map(|m| {
                    mac_serial = mac_serial.saturating_add(1);
                    (mac_serial < 1 << 24).then(|| {
                        let [s0, s1, s2, _] = mac_serial.to_le_bytes();
                        MacAddr([m.0[0], m.0[1], m.0[2], s2, s1, s0])
                    })
                })
                .collect();
            let depends_on = self.deps[a].iter().filter_map(|&d| self.asset_for(d, r)).collect();
            let mut asset = Asset {
                id: unit_id(&tpl.id, r),
                name: unit_name(&tpl.name, r),
                zone: zone_id,
                kind: tpl.kind,
                ips,
                macs,
                identity: tpl.identity.clone(),
                components: tpl.components.clone(),
                services: tpl.services.clone(),
                owner: tpl.owner.clone(),
                line: tpl.line.clone(),
                location: tpl.location.clone(),
                mission_impact: tpl.mission_impact,
                safety_impact: tpl.safety_impact,
                redundancy_group: tpl.redundancy_group.as_ref().map(|g| unit_id(g, r)),
                support: tpl.support.clone(),
                certified_baseline: tpl.certified_baseline.clone(),
                depends_on,
                tags: tpl.tags.clone(),
                description: if r == 0 { tpl.description.clone() } else { None },
                origin: tpl.origin,
            };
            if r > 0 {
                vary_firmware(&mut asset, i as u64);
            }
            out.push(asset);
        }
        out
    }

    fn endpoint(&self, e: &Endpoint, r: usize) -> Endpoint {
        match e {
            Endpoint::Zone(z) => match self.zone_index.get(z.as_str()) {
                Some(&zi) => Endpoint::Zone(self.zone_id(zi, r)),
                None => e.clone(),
            },
            Endpoint::Asset(id) => match self.asset_index.get(id.as_str()) {
                Some(&a) => match self.asset_for(a, r) {
                    Some(copy) => Endpoint::Asset(copy),
                    None if self.asset_zone[a] != usize::MAX => Endpoint::Zone(self.zone_id(self.asset_zone[a], r)),
                    None => e.clone(),
                },
                None => e.clone(),
            },
            // Template addresses mean nothing after renumbering: a block inside a template zone
            // becomes that zone; anything else (outside addresses) stays.
            Endpoint::Net(net) => {
                let home = self.t.zones.iter().position(|z| z.subnets.iter().any(|s| s.contains(net)));
                match home {
                    Some(zi) => Endpoint::Zone(self.zone_id(zi, r)),
                    None => e.clone(),
                }
            }
            Endpoint::Any => Endpoint::Any,
        }
    }

    fn conduits(&self) -> Vec<Conduit> {
        let mut out = Vec::new();
        for c in &self.t.conduits {
            let (Some(&z0), Some(&z1)) =
                (self.zone_index.get(c.zones[0].as_str()), self.zone_index.get(c.zones[1].as_str()))
            else {
                continue;
            };
            let units = if self.is_unit(z0) || self.is_unit(z1) { self.units } else { 1 };
            for r in 0..units {
                let enforcer = c.enforcement.name.as_ref().map(|name| {
                    match self.asset_index.get(name.as_str()).and_then(|&a| self.asset_for(a, r)) {
                        Some(copy) => copy,
                        None => name.clone(),
                    }
                });
                let rules = c
                    .rules
                    .iter()
                    .map(|rule| Rule {
                        id: rule.id.clone(),
                        from: self.endpoint(&rule.from, r),
                        to: self.endpoint(&rule.to, r),
                        protocol: rule.protocol,
                        ports: rule.ports.clone(),
                        direction: rule.direction,
                        action: rule.action,
                        application: rule.application.clone(),
                        description: if r == 0 { rule.description.clone() } else { None },
                        source: rule.source.clone(),
                    })
                    .collect();
                out.push(Conduit {
                    id: unit_id(&c.id, r),
                    name: unit_name(&c.name, r),
                    zones: [self.zone_id(z0, r), self.zone_id(z1, r)],
                    enforcement: Enforcement { kind: c.enforcement.kind, name: enforcer },
                    rules,
                    description: if r == 0 { c.description.clone() } else { None },
                });
            }
        }
        out
    }

    fn entry_points(&self) -> Vec<EntryPoint> {
        let mut out = Vec::new();
        for e in &self.t.entry_points {
            let mut attachments = Vec::new();
            for at in &e.attachments {
                match at {
                    Attachment::Zone { zone } => match self.zone_index.get(zone.as_str()) {
                        Some(&zi) => {
                            let units = if self.is_unit(zi) { self.units } else { 1 };
                            attachments.extend((0..units).map(|r| Attachment::Zone { zone: self.zone_id(zi, r) }));
                        }
                        None => attachments.push(at.clone()),
                    },
                    Attachment::PortForward { public_address, public_port, asset, protocol, port } => {
                        if let Some(copy) = self.asset_index.get(asset.as_str()).and_then(|&a| self.asset_for(a, 0)) {
                            attachments.push(Attachment::PortForward {
                                public_address: *public_address,
                                public_port: *public_port,
                                asset: copy,
                                protocol: *protocol,
                                port: *port,
                            });
                        }
                    }
                    Attachment::Vpn { gateway, zone, mfa, ports } => {
                        let Some(&g) = self.asset_index.get(gateway.as_str()) else { continue };
                        let units = if self.is_unit(self.asset_zone[g]) { self.units } else { 1 };
                        for r in 0..units {
                            let Some(copy) = self.asset_for(g, r) else { continue };
                            let zone = match self.zone_index.get(zone.as_str()) {
                                Some(&zi) => self.zone_id(zi, r),
                                None => zone.clone(),
                            };
                            attachments.push(Attachment::Vpn { gateway: copy, zone, mfa: *mfa, ports: ports.clone() });
                        }
                    }
                    Attachment::JumpHost { host, mfa } => {
                        if let Some(copy) = self.asset_index.get(host.as_str()).and_then(|&a| self.asset_for(a, 0)) {
                            attachments.push(Attachment::JumpHost { host: copy, mfa: *mfa });
                        }
                    }
                    Attachment::Account { host, mfa, shared } => {
                        if let Some(copy) = self.asset_index.get(host.as_str()).and_then(|&a| self.asset_for(a, 0)) {
                            attachments.push(Attachment::Account { host: copy, mfa: *mfa, shared: *shared });
                        }
                    }
                }
            }
            if !attachments.is_empty() {
                out.push(EntryPoint {
                    id: e.id.clone(),
                    kind: e.kind,
                    name: e.name.clone(),
                    attachments,
                    description: e.description.clone(),
                });
            }
        }
        out
    }
}

/// Nudges the firmware of a copy: the identity's firmware, and every component whose version was
/// the same string (with its CPE), move together, by −2 … +3 in the last number (one copy in six
/// keeps the template's).
fn vary_firmware(asset: &mut Asset, seed: u64) {
    let Some(old) = asset.identity.firmware.clone() else { return };
    let delta = (mix(seed) % 6) as i64 - 2;
    let Some(new) = nudge_version(&old, delta) else { return };
    for c in &mut asset.components {
        if c.version.as_deref() == Some(old.as_str()) {
            if let Some(cpe) = c.cpe.as_deref().and_then(|cpe| nudge_cpe(cpe, delta)) {
                c.cpe = Some(cpe);
            }
            c.version = Some(new.clone());
        }
    }
    asset.identity.firmware = Some(new);
}

/// A minimal template for when the demo plant is unavailable: one site, an operations zone with
/// a server and a cell with a PLC, one conduit and one entry point.
fn fallback_template() -> Plant {
    let net = |s: &str| model::parse_subnet(s).ok().into_iter().collect::<Vec<_>>();
    let ip = |a: [u8; 4]| vec![IpAddr::V4(Ipv4Addr::from(a))];
    let zone = |id: &str, purdue: Purdue, subnet: &str| Zone {
        id: id.into(),
        site: "synthetic".into(),
        name: id.into(),
        purdue,
        subnets: net(subnet),
        target_sl: None,
        safety: false,
        description: None,
    };
    let mut server = Asset::new("SRV-1", "Server", "ops", AssetKind::Server);
    server.ips = ip([10, 0, 0, 10]);
    let mut plc = Asset::new("PLC-1", "Controller", "cell", AssetKind::Plc);
    plc.ips = ip([10, 0, 1, 10]);
    Plant {
        sites: vec![Site {
            id: "synthetic".into(),
            name: "Synthetic plant".into(),
            location: None,
            timezone: None,
            description: None,
            policy: Default::default(),
        }],
        zones: vec![zone("ops", Purdue::L3, "10.0.0.0/24"), zone("cell", Purdue::L1, "10.0.1.0/24")],
        conduits: vec![Conduit {
            id: "ops-cell".into(),
            name: "Operations to cell".into(),
            zones: ["ops".into(), "cell".into()],
            enforcement: Enforcement { kind: EnforcementKind::Firewall, name: None },
            rules: vec![Rule {
                id: "r1".into(),
                from: Endpoint::Asset("SRV-1".into()),
                to: Endpoint::Zone("cell".into()),
                protocol: Protocol::Tcp,
                ports: vec![model::PortRange::single(102)],
                direction: Direction::OneWay,
                action: model::Action::Allow,
                application: Some("s7comm".into()),
                description: None,
                source: None,
            }],
            description: None,
        }],
        entry_points: vec![EntryPoint {
            id: "enterprise".into(),
            kind: EntryKind::Enterprise,
            name: "Enterprise".into(),
            attachments: vec![Attachment::Zone { zone: "ops".into() }],
            description: None,
        }],
        assets: vec![server, plc],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_nudge_their_last_number() {
        assert_eq!(nudge_version("V2.9.4", 2).as_deref(), Some("V2.9.6"));
        assert_eq!(nudge_version("33.011", -1).as_deref(), Some("33.010"));
        assert_eq!(nudge_version("15.2(6)E0a", 2).as_deref(), Some("15.2(6)E2a"));
        assert_eq!(nudge_version("V15.1 Update 4", -2).as_deref(), Some("V15.1 Update 2"));
        assert_eq!(nudge_version("V1.0", -2).as_deref(), None, "cannot go below zero");
        assert_eq!(nudge_version("n/a", 1), None);
        assert_eq!(nudge_version("V2.9.4", 0), None);
        assert_eq!(
            nudge_cpe("cpe:2.3:o:siemens:simatic_s7-1500_cpu_1516-3_firmware:2.9.4:*:*:*:*:*:*:*", 1).as_deref(),
            Some("cpe:2.3:o:siemens:simatic_s7-1500_cpu_1516-3_firmware:2.9.5:*:*:*:*:*:*:*")
        );
        assert_eq!(nudge_cpe("cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", 1), None);
    }

    #[test]
    fn blocks_are_at_least_a_24_and_fit_their_hosts() {
        assert_eq!(block_bits(0), 8);
        assert_eq!(block_bits(254), 8);
        assert_eq!(block_bits(255), 9);
        assert_eq!(block_bits(100_000), 17);
    }

    #[test]
    fn the_allocator_never_overlaps_and_moves_on_to_the_next_pool() {
        let mut alloc = Allocator::new();
        let big = alloc.alloc(24).map(|b| b.base);
        assert_eq!(big, Some(u32::from(Ipv4Addr::new(10, 0, 0, 0))));
        let next = alloc.alloc(8).map(|b| b.base);
        assert_eq!(next, Some(u32::from(Ipv4Addr::new(172, 16, 0, 0))));
    }

    #[test]
    fn the_fallback_template_scales_cleanly() {
        let plant = scaled_from(&Plant::default(), 7);
        assert_eq!(plant.assets.len(), 7);
        assert_eq!(plant.problems(), vec![]);
    }
}
