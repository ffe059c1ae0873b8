//! What an analysis says, in the plant's own names: exposed services with the entry points that
//! reach them, attack paths step by step, and per-asset answers.

use serde::Serialize;

use model::{Attachment, EntryKind, Plant, RuleSource, SafetyImpact, SystemExposure};

use crate::reach::{Analysis, Via};

/// One step of an attack path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// `enter` (a foothold), `reach` (a service), `exploit` (a host taken through a service),
    /// `gateway` (a taken VPN gateway puts the attacker on the zone it serves).
    pub action: &'static str,
    /// Where the attacker acts from: `entry:ID`, `zone:ID`, `asset:ID`.
    pub from: String,
    /// What it gets to: `zone:ID`, `asset:ID`.
    pub to: String,
    /// `tcp/3389`, for `reach` and `exploit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// In words: `conduit idmz-engineering rule rdp-jump`, `same zone engineering`,
    /// `VPN through IVANTI-ICS-01, no MFA`.
    pub via: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conduit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Where an imported rule was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_source: Option<RuleSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<String>,
    /// The step needs credentials (a VPN or jump-host login).
    pub authenticated: bool,
}

/// An entry point that reaches something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryReach {
    pub entry_point: String,
    pub kind: EntryKind,
    /// Hosts taken on the way (0: directly).
    pub hops: u32,
    /// The path needs credentials somewhere.
    pub authenticated: bool,
    /// The conduit rule of the last step (`conduit/rule`), if a rule allowed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// A service of an asset that at least one entry point reaches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceExposure {
    pub asset: String,
    pub zone: String,
    /// `tcp/5900`.
    pub service: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub system_exposure: SystemExposure,
    pub crown_jewel: bool,
    /// Closest first.
    pub entry_points: Vec<EntryReach>,
    /// The shortest path, from the first entry point.
    pub path: Vec<Step>,
}

/// One entry point's answer for one asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetPath {
    pub entry_point: String,
    pub kind: EntryKind,
    /// `take` (the attacker can take the asset), `reach` (it reaches a service, but no usable
    /// finding lets it take the asset), `none`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hops: Option<u32>,
    pub path: Vec<Step>,
}

/// Everything about one asset's exposure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetExposure {
    pub asset: String,
    pub zone: String,
    pub system_exposure: SystemExposure,
    pub crown_jewel: bool,
    /// The asset's open findings the analysis used, each with the asset's System Exposure (what
    /// an SSVC decision takes) and its attack vector (what decides whether it serves a pivot).
    pub findings: Vec<FindingExposure>,
    pub paths: Vec<AssetPath>,
}

/// SSVC System Exposure of one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingExposure {
    pub finding: String,
    pub vulnerability: String,
    pub attack_vector: crate::AttackVector,
    pub kev: bool,
    pub system_exposure: SystemExposure,
}

/// Which entry points a query is about.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only entry points of these kinds (all when empty).
    pub from: Vec<EntryKind>,
    /// Only this asset.
    pub asset: Option<String>,
}

/// Safety systems and controllers of critical lines: a safety zone, a safety controller, a
/// critical or catastrophic safety impact, or the tag `crown-jewel`. Scans the zones; with an
/// analysis at hand, [`Analysis::crown_jewel`] answers in constant time.
pub fn is_crown_jewel(plant: &Plant, host: usize) -> bool {
    let Some(a) = plant.assets.get(host) else { return false };
    a.kind == model::AssetKind::SafetyController
        || a.safety_impact.is_some_and(|s| s >= SafetyImpact::Critical)
        || a.tags.iter().any(|t| t == "crown-jewel")
        || plant.zones.iter().any(|z| z.id == a.zone && z.safety)
}

impl Analysis {
    /// [`is_crown_jewel`] without scanning the zones: the compiled network knows the asset's zone.
    pub fn crown_jewel(&self, host: usize) -> bool {
        let Some(a) = self.plant.assets.get(host) else { return false };
        let zone_safe =
            self.g.hosts.get(host).and_then(|h| self.plant.zones.get(h.zone as usize)).is_some_and(|z| z.safety);
        zone_safe
            || a.kind == model::AssetKind::SafetyController
            || a.safety_impact.is_some_and(|s| s >= SafetyImpact::Critical)
            || a.tags.iter().any(|t| t == "crown-jewel")
    }

    fn entry_selected(&self, e: usize, q: &Query) -> bool {
        q.from.is_empty() || self.plant.entry_points.get(e).is_some_and(|ep| q.from.contains(&ep.kind))
    }

    /// Every reached service (in plant order), with the entry points that reach it.
    pub fn exposures(&self, q: &Query) -> Vec<ServiceExposure> {
        self.exposures_page(q, false, 0, usize::MAX).0
    }

    /// One page of [`Analysis::exposures`] (optionally crown jewels only) and how many match in
    /// all; only the page's paths are built.
    pub fn exposures_page(
        &self,
        q: &Query,
        crown_jewels: bool,
        offset: usize,
        limit: usize,
    ) -> (Vec<ServiceExposure>, usize) {
        let mut out = Vec::new();
        let mut total = 0usize;
        let hosts: Vec<usize> = match &q.asset {
            Some(id) => self.plant.assets.iter().position(|a| &a.id == id).into_iter().collect(),
            None => (0..self.plant.assets.len()).collect(),
        };
        let entries: Vec<usize> = (0..self.trees.len()).filter(|&e| self.entry_selected(e, q)).collect();
        for h in hosts {
            if crown_jewels && !self.crown_jewel(h) {
                continue;
            }
            let asset = &self.plant.assets[h];
            for (k, s) in self.g.hosts[h].services.clone().enumerate() {
                let mut reaches: Vec<(u32, usize)> =
                    entries.iter().filter_map(|&e| self.hops_to_reach(e, s as usize).map(|d| (d, e))).collect();
                if reaches.is_empty() {
                    continue;
                }
                total += 1;
                if total <= offset || out.len() >= limit {
                    continue;
                }
                reaches.sort();
                let entry_points = reaches
                    .iter()
                    .map(|&(hops, e)| {
                        let path = self.service_path(e, s as usize);
                        let rule =
                            path.last().and_then(|st| Some(format!("{}/{}", st.conduit.as_ref()?, st.rule.as_ref()?)));
                        EntryReach {
                            entry_point: self.plant.entry_points[e].id.clone(),
                            kind: self.plant.entry_points[e].kind,
                            hops,
                            authenticated: path.iter().any(|st| st.authenticated),
                            rule,
                        }
                    })
                    .collect();
                let svc = &asset.services[k];
                out.push(ServiceExposure {
                    asset: asset.id.clone(),
                    zone: asset.zone.clone(),
                    service: format!("{}/{}", svc.protocol, svc.port),
                    name: svc.name.clone(),
                    system_exposure: self.system_exposure(h),
                    crown_jewel: self.crown_jewel(h),
                    entry_points,
                    path: self.service_path(reaches[0].1, s as usize),
                });
            }
        }
        (out, total)
    }

    /// Per entry point: can it take the asset, or reach it, and how.
    /// How each entry point gets to host `h` (an index into the plant's assets), without building
    /// the paths: (entry point id, kind, `take` or `reach`, hops), best first — taken before
    /// reached, then fewer hops. Cheap enough to ask for every asset of a large plant.
    pub fn entry_summary(&self, h: usize) -> Vec<(&str, EntryKind, &'static str, u32)> {
        let Some(host) = self.g.hosts.get(h) else { return Vec::new() };
        let mut out = Vec::new();
        for (e, ep) in self.plant.entry_points.iter().enumerate() {
            let taken = self.hops_to_take(e, h);
            let reached = host.services.clone().filter_map(|s| self.hops_to_reach(e, s as usize)).min();
            match (taken, reached) {
                (Some(d), _) => out.push((ep.id.as_str(), ep.kind, "take", d)),
                (None, Some(d)) => out.push((ep.id.as_str(), ep.kind, "reach", d)),
                (None, None) => {}
            }
        }
        out.sort_by_key(|(_, _, outcome, hops)| (*outcome == "reach", *hops));
        out
    }

    pub fn asset_exposure(&self, id: &str, q: &Query) -> Option<AssetExposure> {
        let h = self.plant.assets.iter().position(|a| a.id == id)?;
        let asset = &self.plant.assets[h];
        let mut paths = Vec::new();
        for (e, ep) in self.plant.entry_points.iter().enumerate() {
            if !self.entry_selected(e, q) {
                continue;
            }
            let taken = self.hops_to_take(e, h);
            let reached = self.g.hosts[h]
                .services
                .clone()
                .filter_map(|s| self.hops_to_reach(e, s as usize).map(|d| (d, s)))
                .min();
            let (outcome, hops, path) = match (taken, reached) {
                (Some(d), _) => ("take", Some(d), self.host_path(e, h)),
                (None, Some((d, s))) => ("reach", Some(d), self.service_path(e, s as usize)),
                (None, None) => ("none", None, Vec::new()),
            };
            paths.push(AssetPath { entry_point: ep.id.clone(), kind: ep.kind, outcome, hops, path });
        }
        paths.sort_by_key(|p| (p.outcome == "none", p.outcome == "reach", p.hops));
        let system_exposure = self.system_exposure(h);
        let findings = self
            .exploits_of(h)
            .map(|x| FindingExposure {
                finding: x.finding.clone(),
                vulnerability: x.vulnerability.clone(),
                attack_vector: x.vector,
                kev: x.kev,
                system_exposure,
            })
            .collect();
        Some(AssetExposure {
            asset: asset.id.clone(),
            zone: asset.zone.clone(),
            system_exposure,
            crown_jewel: self.crown_jewel(h),
            findings,
            paths,
        })
    }

    /// The shortest path by which entry point `e` reaches service `s`.
    pub fn service_path(&self, e: usize, s: usize) -> Vec<Step> {
        let Some((actor, via)) = self.svc_pred(e, s) else { return Vec::new() };
        let mut steps = self.actor_path(e, actor);
        let target = self.g.services[s].host as usize;
        steps.push(self.step("reach", e, actor, via, Some(s), None, target));
        steps
    }

    /// The shortest path by which entry point `e` takes host `h`.
    pub fn host_path(&self, e: usize, h: usize) -> Vec<Step> {
        self.actor_path(e, (self.g.zones.len() + h) as u32)
    }

    fn actor_path(&self, e: usize, actor: u32) -> Vec<Step> {
        let mut rev = Vec::new();
        let mut cur = actor;
        let zones = self.g.zones.len() as u32;
        // A path has at most one step per actor.
        for _ in 0..=(self.g.zones.len() + self.g.hosts.len()) {
            if cur == u32::MAX {
                break;
            }
            let Some((prev, via, svc, exploit)) = self.actor_pred(e, cur) else { break };
            if let (u32::MAX, Via::Foothold(i), u32::MAX) = (prev, via, svc) {
                rev.push(self.enter_step(e, i, cur));
                break;
            }
            if via == Via::Gateway {
                let gw = (prev - zones) as usize;
                rev.push(Step {
                    action: "gateway",
                    from: format!("asset:{}", self.plant.assets[gw].id),
                    to: format!("zone:{}", self.plant.zones[cur as usize].id),
                    service: None,
                    via: "the taken VPN gateway serves this zone".into(),
                    conduit: None,
                    rule: None,
                    rule_source: None,
                    finding: None,
                    vulnerability: None,
                    authenticated: false,
                });
            } else {
                let target = (cur - zones) as usize;
                let s = (svc != u32::MAX).then_some(svc as usize);
                rev.push(self.step("exploit", e, prev, via, s, Some(exploit), target));
            }
            cur = prev;
        }
        rev.reverse();
        rev
    }

    fn actor_name(&self, e: usize, actor: u32) -> String {
        let zones = self.g.zones.len() as u32;
        if actor == u32::MAX {
            format!("entry:{}", self.plant.entry_points[e].id)
        } else if actor < zones {
            format!("zone:{}", self.plant.zones[actor as usize].id)
        } else {
            format!("asset:{}", self.plant.assets[(actor - zones) as usize].id)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn step(
        &self,
        action: &'static str,
        e: usize,
        actor: u32,
        via: Via,
        svc: Option<usize>,
        exploit: Option<u32>,
        target: usize,
    ) -> Step {
        let asset = &self.plant.assets[target];
        let service = svc.map(|s| {
            let sv = &self.g.services[s];
            format!("{}/{}", sv.protocol, sv.port)
        });
        let (mut text, mut conduit, mut rule, mut rule_source, mut authenticated) =
            (String::new(), None, None, None, false);
        match via {
            Via::SameZone => text = format!("same zone {}", asset.zone),
            Via::Rule { conduit: c, rule: r, reverse } => {
                let cd = self.conduit_by_index(c);
                if let Some((cd, r)) = cd.and_then(|cd| cd.rules.get(r as usize).map(|r| (cd, r))) {
                    text =
                        format!("conduit {} rule {}{}", cd.id, r.id, if reverse { " (reverse direction)" } else { "" });
                    conduit = Some(cd.id.clone());
                    rule = Some(r.id.clone());
                    rule_source = r.source.clone();
                }
            }
            Via::Unenforced { conduit: c } => {
                if let Some(cd) = self.conduit_by_index(c) {
                    text = format!("conduit {} (not enforced: every connection passes)", cd.id);
                    conduit = Some(cd.id.clone());
                }
            }
            Via::Foothold(i) => {
                let (t, auth) = self.foothold_text(e, i);
                text = t;
                authenticated = auth;
            }
            Via::Gateway => text = "the taken VPN gateway".into(),
        }
        let (finding, vulnerability) = match exploit.and_then(|x| self.exploits.get(x as usize)) {
            Some(x) => {
                text.push_str(&format!(
                    "; exploit {} ({} attack vector{})",
                    x.vulnerability,
                    x.vector.as_str(),
                    if x.kev { ", in KEV" } else { "" }
                ));
                (Some(x.finding.clone()), Some(x.vulnerability.clone()))
            }
            None => (None, None),
        };
        Step {
            action,
            from: self.actor_name(e, actor),
            to: format!("asset:{}", asset.id),
            service,
            via: text,
            conduit,
            rule,
            rule_source,
            finding,
            vulnerability,
            authenticated,
        }
    }

    fn enter_step(&self, e: usize, i: u32, actor: u32) -> Step {
        let (text, authenticated) = self.foothold_text(e, i);
        Step {
            action: "enter",
            from: format!("entry:{}", self.plant.entry_points[e].id),
            to: self.actor_name(e, actor),
            service: None,
            via: text,
            conduit: None,
            rule: None,
            rule_source: None,
            finding: None,
            vulnerability: None,
            authenticated,
        }
    }

    /// The attachment behind compiled foothold `i` of entry point `e`, in words.
    fn foothold_text(&self, e: usize, i: u32) -> (String, bool) {
        let ep = &self.plant.entry_points[e];
        // Compiled footholds: one per attachment, two for a VPN (session, then public ports).
        let mut k = 0usize;
        for at in &ep.attachments {
            let n = if matches!(at, Attachment::Vpn { .. }) { 2 } else { 1 };
            if (i as usize) < k + n {
                let second = i as usize == k + 1;
                let mfa = |m: bool| if m { "MFA" } else { "no MFA" };
                return match at {
                    Attachment::Zone { zone } => (format!("on the network of zone {zone}"), false),
                    Attachment::PortForward { public_address, public_port, asset, protocol, port } => {
                        let public = match public_address {
                            Some(a) => format!("{a}:{public_port}"),
                            None => format!("public port {public_port}"),
                        };
                        (format!("port forward {public} → {asset} {protocol}/{port}"), false)
                    }
                    Attachment::Vpn { gateway, zone, mfa: m, .. } if !second => {
                        (format!("VPN session through {gateway} into zone {zone} ({})", mfa(*m)), true)
                    }
                    Attachment::Vpn { gateway, .. } => {
                        (format!("public VPN service of {gateway}, before login"), false)
                    }
                    Attachment::JumpHost { host, mfa: m } => (format!("login to jump host {host} ({})", mfa(*m)), true),
                    Attachment::Account { host, mfa: m, shared } => (
                        format!(
                            "{} account on {host} ({})",
                            if *shared { "shared remote-access" } else { "remote-access" },
                            mfa(*m)
                        ),
                        true,
                    ),
                };
            }
            k += n;
        }
        (format!("entry point {}", ep.id), false)
    }

    fn conduit_by_index(&self, c: u32) -> Option<&model::Conduit> {
        let k = self.g.conduits.get(c as usize)?.plant_index;
        self.plant.conduits.get(k as usize)
    }
}
