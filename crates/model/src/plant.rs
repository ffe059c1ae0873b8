//! The plant: sites, zones, conduits with their rules, entry points and assets.
//!
//! These are plain data. Validation that needs to point into a file (line and column) lives with
//! the reader of that file (`inventory`); what is true of any plant, however it was read, is
//! checked by [`Plant::problems`].

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::net::{Endpoint, MacAddr, PortRange};
use crate::values::*;

/// One plant or facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    /// IANA time zone name used to interpret maintenance windows (`Europe/Berlin`).
    pub timezone: Option<String>,
    pub description: Option<String>,
    /// How this site turns decisions into deadlines; unset fields take Patchwise's defaults.
    #[serde(default, skip_serializing_if = "SitePolicy::is_default")]
    pub policy: SitePolicy,
}

/// A site's decision policy (`[site.policy]` in the plant file): days to act per SSVC outcome,
/// counted from the day a finding got it, or the CISA BOD 26-04 day counts instead; how an
/// exploitation status no source states is decided; the impacts assumed for assets that have
/// none recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SitePolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immediate_days: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_cycle_days: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_days: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defer_review_days: Option<u16>,
    /// Deadlines from the BOD 26-04 timelines (`deadlines = "bod-26-04"`) rather than the days
    /// above (`"ssvc"`, the default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bod_26_04_deadlines: bool,
    /// An exploitation no source states is decided as active rather than as a public PoC. (It is
    /// never decided as none.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unknown_exploitation_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed_safety_impact: Option<SafetyImpact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed_mission_impact: Option<MissionImpact>,
}

impl SitePolicy {
    pub fn is_default(&self) -> bool {
        *self == SitePolicy::default()
    }
}

/// An IEC 62443 zone: assets sharing security requirements, at one Purdue level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    pub id: String,
    pub site: String,
    pub name: String,
    pub purdue: Purdue,
    /// Address blocks that belong to this zone. No two zones of a plant overlap.
    pub subnets: Vec<IpNet>,
    /// IEC 62443-3-2 target security level, SL-T, per foundational requirement.
    pub target_sl: Option<SecurityLevels>,
    /// Marks zones whose assets are crown jewels (safety systems, critical lines).
    pub safety: bool,
    pub description: Option<String>,
}

/// How a conduit is enforced: a named firewall, a data diode, an ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enforcement {
    pub kind: EnforcementKind,
    /// The device that enforces it (an asset id where the firewall is inventoried).
    pub name: Option<String>,
}

/// An allowed communication path between two zones, made of rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conduit {
    pub id: String,
    pub name: String,
    /// The two zones this conduit joins.
    pub zones: [String; 2],
    pub enforcement: Enforcement,
    /// Evaluated in order; the first matching rule decides; what no rule allows is denied.
    pub rules: Vec<Rule>,
    pub description: Option<String>,
}

/// One rule of a conduit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub from: Endpoint,
    pub to: Endpoint,
    pub protocol: Protocol,
    /// Destination ports; empty means every port.
    pub ports: Vec<PortRange>,
    pub direction: Direction,
    pub action: Action,
    /// Application protocol carried (`s7comm`, `opcua`, `rdp`, …), for people and for governance checks.
    pub application: Option<String>,
    pub description: Option<String>,
    /// Where the rule was read from when it came from a firewall configuration, so a user can
    /// find it in the device's own configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RuleSource>,
}

/// The place of an imported firewall rule in its configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSource {
    /// The file as the importer named it (`fw-ot-01.iptables`).
    pub file: String,
    /// 1-based line number.
    pub line: u32,
    /// The line as written (trimmed), or the chain of lines that produced the rule (`-A FORWARD -j CELLS` → `-A CELLS …`).
    pub text: String,
}

/// Where an attacker can start, and how that place attaches to the plant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPoint {
    pub id: String,
    pub kind: EntryKind,
    pub name: String,
    pub attachments: Vec<Attachment>,
    pub description: Option<String>,
}

/// How an entry point reaches into the plant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "kebab-case")]
pub enum Attachment {
    /// The attacker sits on this zone's network (the enterprise LAN, a wireless segment).
    Zone { zone: String },
    /// A NAT rule or port forward from a public address to an asset's service.
    PortForward { public_address: Option<IpAddr>, public_port: u16, asset: String, protocol: Protocol, port: u16 },
    /// A VPN gateway (an asset) that lands sessions in a zone. Before logging in, the entry
    /// point reaches the gateway's services on `ports` (all of its services when empty).
    Vpn {
        gateway: String,
        zone: String,
        mfa: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ports: Vec<PortRange>,
    },
    /// A jump host (an asset) that remote users log in to before going further.
    JumpHost { host: String, mfa: bool },
    /// A remote-access account on an asset (a vendor's TeamViewer or remote-desktop login, a
    /// shared service account): whoever holds it works on that asset.
    Account { host: String, mfa: bool, shared: bool },
}

/// Software, firmware or hardware on an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub kind: ComponentKind,
    pub vendor: Option<String>,
    pub name: String,
    pub version: Option<String>,
    /// CPE 2.3 formatted string, where known.
    pub cpe: Option<String>,
    /// Package URL, where known.
    pub purl: Option<String>,
}

/// A network service an asset offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub protocol: Protocol,
    pub port: u16,
    /// Application protocol (`s7comm`, `modbus`, `https`, …).
    pub name: Option<String>,
}

/// Vendor support of the asset, with the end-of-life date where one is announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Support {
    pub status: SupportStatus,
    pub end_of_life: Option<Date>,
}

/// The baseline (patch level, software set) the vendor has certified for this asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedBaseline {
    /// Where the certification comes from (a vendor compatibility list, a qualification letter).
    pub source: String,
    pub name: String,
    pub date: Option<Date>,
    /// What the baseline consists of (`Windows 10 22H2 2024-01 CU`, `WinCC V8.0 Update 4`).
    pub items: Vec<String>,
}

/// Who and what an asset is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub vendor: Option<String>,
    pub product: Option<String>,
    /// Order number, catalogue number or model number (`6ES7 516-3AN02-0AB0`, `1756-L83E`).
    pub model: Option<String>,
    pub hardware_version: Option<String>,
    pub firmware: Option<String>,
    pub os: Option<String>,
    pub serial: Option<String>,
}

/// A device or host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    pub id: String,
    pub name: String,
    pub zone: String,
    pub kind: AssetKind,
    pub ips: Vec<IpAddr>,
    pub macs: Vec<MacAddr>,
    pub identity: Identity,
    pub components: Vec<Component>,
    pub services: Vec<Service>,
    pub owner: Option<String>,
    /// Production line or process unit the asset serves.
    pub line: Option<String>,
    pub location: Option<String>,
    pub mission_impact: Option<MissionImpact>,
    pub safety_impact: Option<SafetyImpact>,
    /// Assets in the same group back each other up (one can be patched while the other runs).
    pub redundancy_group: Option<String>,
    pub support: Option<Support>,
    pub certified_baseline: Option<CertifiedBaseline>,
    /// Ids of assets this one needs to do its job.
    pub depends_on: Vec<String>,
    pub tags: Vec<String>,
    pub description: Option<String>,
    pub origin: Origin,
}

impl Asset {
    /// A new asset with only the required fields set.
    pub fn new(id: impl Into<String>, name: impl Into<String>, zone: impl Into<String>, kind: AssetKind) -> Self {
        Asset {
            id: id.into(),
            name: name.into(),
            zone: zone.into(),
            kind,
            ips: Vec::new(),
            macs: Vec::new(),
            identity: Identity::default(),
            components: Vec::new(),
            services: Vec::new(),
            owner: None,
            line: None,
            location: None,
            mission_impact: None,
            safety_impact: None,
            redundancy_group: None,
            support: None,
            certified_baseline: None,
            depends_on: Vec::new(),
            tags: Vec::new(),
            description: None,
            origin: Origin::PlantFile,
        }
    }
}

/// A whole plant model: what a plant file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plant {
    pub sites: Vec<Site>,
    pub zones: Vec<Zone>,
    pub conduits: Vec<Conduit>,
    pub entry_points: Vec<EntryPoint>,
    pub assets: Vec<Asset>,
}

/// A problem with a plant that does not depend on how it was written down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which record: `zone cell1`, `asset PLC-1`, `conduit c1 rule r2`.
    pub subject: String,
    /// The field involved (`zone`, `subnets[1]`, `rules[0].to`).
    pub field: String,
    pub message: String,
}

impl Plant {
    /// Every referential and uniqueness problem in the plant, in a stable order.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut p = |subject: String, field: &str, message: String| {
            out.push(Problem { subject, field: field.to_string(), message })
        };

        let sites: BTreeSet<&str> = self.sites.iter().map(|s| s.id.as_str()).collect();
        let zones: BTreeMap<&str, &Zone> = self.zones.iter().map(|z| (z.id.as_str(), z)).collect();
        let assets: BTreeMap<&str, &Asset> = self.assets.iter().map(|a| (a.id.as_str(), a)).collect();

        for (kind, ids) in [
            ("site", self.sites.iter().map(|s| &s.id).collect::<Vec<_>>()),
            ("zone", self.zones.iter().map(|z| &z.id).collect()),
            ("conduit", self.conduits.iter().map(|c| &c.id).collect()),
            ("entry point", self.entry_points.iter().map(|e| &e.id).collect()),
            ("asset", self.assets.iter().map(|a| &a.id).collect()),
        ] {
            let mut seen = BTreeSet::new();
            for id in ids {
                if id.trim().is_empty() {
                    p(format!("{kind} (no id)"), "id", "an id must not be empty".into());
                } else if !seen.insert(id) {
                    p(format!("{kind} {id}"), "id", format!("duplicate {kind} id `{id}`"));
                }
            }
        }

        for z in &self.zones {
            if !sites.contains(z.site.as_str()) {
                p(format!("zone {}", z.id), "site", format!("unknown site `{}`", z.site));
            }
        }
        // Overlapping subnets. Two CIDR blocks overlap only when one contains the other, so after
        // sorting by (network, prefix) each block needs comparing only with the innermost block
        // still enclosing it: O(n log n) at any plant size, and at most one report per subnet.
        // A report goes on the block written later in the file and names the earlier one.
        let mut blocks: Vec<(IpNet, usize, &str, usize)> = Vec::new(); // (net, file order, zone, index)
        for z in &self.zones {
            for (i, net) in z.subnets.iter().enumerate() {
                blocks.push((net.trunc(), blocks.len(), &z.id, i));
            }
        }
        blocks.sort_by_key(|a| (a.0.network(), a.0.prefix_len(), a.1));
        let mut reported: BTreeMap<usize, (String, String, String)> = BTreeMap::new();
        let mut enclosing: Vec<&(IpNet, usize, &str, usize)> = Vec::new();
        for b in &blocks {
            while enclosing.last().is_some_and(|top| !top.0.contains(&b.0)) {
                enclosing.pop();
            }
            if let Some(outer) = enclosing.iter().rev().find(|o| o.2 != b.2) {
                let (later, earlier) = if b.1 > outer.1 { (b, *outer) } else { (*outer, b) };
                reported.entry(later.1).or_insert_with(|| {
                    (
                        format!("zone {}", later.2),
                        format!("subnets[{}]", later.3),
                        format!("subnet {} overlaps {}, claimed by zone `{}`", later.0, earlier.0, earlier.2),
                    )
                });
            }
            enclosing.push(b);
        }
        for (_, (subject, field, message)) in reported {
            p(subject, &field, message);
        }

        for c in &self.conduits {
            let subject = format!("conduit {}", c.id);
            for (i, z) in c.zones.iter().enumerate() {
                if !zones.contains_key(z.as_str()) {
                    p(subject.clone(), &format!("zones[{i}]"), format!("unknown zone `{z}`"));
                }
            }
            if c.zones[0] == c.zones[1] {
                p(subject.clone(), "zones", "a conduit joins two different zones".into());
            }
            let mut rule_ids = BTreeSet::new();
            for (i, r) in c.rules.iter().enumerate() {
                if !rule_ids.insert(&r.id) {
                    p(subject.clone(), &format!("rules[{i}].id"), format!("duplicate rule id `{}`", r.id));
                }
                for (field, ep) in [("from", &r.from), ("to", &r.to)] {
                    let field = format!("rules[{i}].{field}");
                    match ep {
                        Endpoint::Zone(z) if !zones.contains_key(z.as_str()) => {
                            p(subject.clone(), &field, format!("unknown zone `{z}`"))
                        }
                        Endpoint::Zone(z) if !c.zones.contains(z) => p(
                            subject.clone(),
                            &field,
                            format!("zone `{z}` is not one of the conduit's zones ({} and {})", c.zones[0], c.zones[1]),
                        ),
                        Endpoint::Asset(a) => match assets.get(a.as_str()) {
                            None => p(subject.clone(), &field, format!("unknown asset `{a}`")),
                            Some(asset) if !c.zones.contains(&asset.zone) => p(
                                subject.clone(),
                                &field,
                                format!(
                                    "asset `{a}` is in zone `{}`, not in the conduit's zones ({} and {})",
                                    asset.zone, c.zones[0], c.zones[1]
                                ),
                            ),
                            Some(_) => {}
                        },
                        _ => {}
                    }
                }
                if c.enforcement.kind == EnforcementKind::DataDiode && r.direction == Direction::Both {
                    p(
                        subject.clone(),
                        &format!("rules[{i}].direction"),
                        "a data diode carries traffic one way only; `both` is impossible here".into(),
                    );
                }
                if !r.ports.is_empty() && matches!(r.protocol, Protocol::Icmp | Protocol::Ethernet) {
                    p(subject.clone(), &format!("rules[{i}].ports"), format!("protocol {} has no ports", r.protocol));
                }
            }
        }

        for e in &self.entry_points {
            let subject = format!("entry point {}", e.id);
            for (i, a) in e.attachments.iter().enumerate() {
                let field = format!("attach[{i}]");
                let mut need_asset = |id: &str| {
                    if !assets.contains_key(id) {
                        p(subject.clone(), &field, format!("unknown asset `{id}`"));
                    }
                };
                match a {
                    Attachment::Zone { zone } => {
                        if !zones.contains_key(zone.as_str()) {
                            p(subject.clone(), &field, format!("unknown zone `{zone}`"));
                        }
                    }
                    Attachment::PortForward { asset, .. } => need_asset(asset),
                    Attachment::Vpn { gateway, zone, .. } => {
                        need_asset(gateway);
                        if !zones.contains_key(zone.as_str()) {
                            p(subject.clone(), &field, format!("unknown zone `{zone}`"));
                        }
                    }
                    Attachment::JumpHost { host, .. } | Attachment::Account { host, .. } => need_asset(host),
                }
            }
        }

        let mut ip_owner: BTreeMap<IpAddr, &str> = BTreeMap::new();
        for a in &self.assets {
            let subject = format!("asset {}", a.id);
            match zones.get(a.zone.as_str()) {
                None => p(subject.clone(), "zone", format!("unknown zone `{}`", a.zone)),
                Some(z) => {
                    for (i, ip) in a.ips.iter().enumerate() {
                        if !z.subnets.is_empty() && !z.subnets.iter().any(|n| n.contains(ip)) {
                            let home = self.zones.iter().find(|o| o.subnets.iter().any(|n| n.contains(ip)));
                            let msg = match home {
                                Some(h) => format!("address {ip} lies in zone `{}`, not in zone `{}`", h.id, z.id),
                                None => format!("address {ip} is outside every subnet of zone `{}`", z.id),
                            };
                            p(subject.clone(), &format!("ips[{i}]"), msg);
                        }
                    }
                }
            }
            for (i, ip) in a.ips.iter().enumerate() {
                if let Some(other) = ip_owner.insert(*ip, &a.id)
                    && other != a.id
                {
                    p(
                        subject.clone(),
                        &format!("ips[{i}]"),
                        format!("address {ip} is also assigned to asset `{other}`"),
                    );
                }
            }
            for (i, d) in a.depends_on.iter().enumerate() {
                if !assets.contains_key(d.as_str()) {
                    p(subject.clone(), &format!("depends_on[{i}]"), format!("unknown asset `{d}`"));
                } else if d == &a.id {
                    p(subject.clone(), &format!("depends_on[{i}]"), "an asset cannot depend on itself".into());
                }
            }
        }
        out
    }

    /// The zone that holds an address, by subnet.
    pub fn zone_of_ip(&self, ip: &IpAddr) -> Option<&Zone> {
        self.zones.iter().find(|z| z.subnets.iter().any(|n| n.contains(ip)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(id: &str, nets: &[&str]) -> Zone {
        Zone {
            id: id.into(),
            site: "s".into(),
            name: id.into(),
            purdue: Purdue::L1,
            subnets: nets.iter().map(|n| n.parse().unwrap()).collect(),
            target_sl: None,
            safety: false,
            description: None,
        }
    }

    fn plant(zones: Vec<Zone>) -> Plant {
        Plant {
            sites: vec![Site {
                id: "s".into(),
                name: "S".into(),
                location: None,
                timezone: None,
                description: None,
                policy: Default::default(),
            }],
            zones,
            ..Plant::default()
        }
    }

    #[test]
    fn overlapping_subnets_are_reported_on_the_later_zone() {
        let p = plant(vec![
            zone("a", &["10.0.0.0/16"]),
            zone("b", &["10.1.0.0/16", "10.0.5.0/24"]),
            zone("c", &["10.0.5.128/25", "10.2.0.0/16"]),
            zone("d", &["10.0.6.0/24"]),
        ]);
        let msgs: Vec<String> =
            p.problems().iter().map(|p| format!("{} {}: {}", p.subject, p.field, p.message)).collect();
        assert_eq!(
            msgs,
            [
                "zone b subnets[1]: subnet 10.0.5.0/24 overlaps 10.0.0.0/16, claimed by zone `a`",
                "zone c subnets[0]: subnet 10.0.5.128/25 overlaps 10.0.5.0/24, claimed by zone `b`",
                "zone d subnets[0]: subnet 10.0.6.0/24 overlaps 10.0.0.0/16, claimed by zone `a`",
            ]
        );
    }

    #[test]
    fn a_zone_may_repeat_its_own_blocks_and_duplicate_ids_do_not_panic() {
        let p = plant(vec![zone("a", &["10.0.0.0/16", "10.0.1.0/24"]), zone("a", &["10.9.0.0/16"])]);
        let problems = p.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("duplicate zone id"));
    }
}
