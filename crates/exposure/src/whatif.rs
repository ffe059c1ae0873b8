//! What-if: apply changes to a copy of the plant's network, analyse again, report the delta.
//! Nothing is saved.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use model::{Action, Attachment, Direction, Endpoint, Plant, PortRange, Protocol, Rule, SystemExposure, Zone};

use crate::reach::Analysis;

/// One change to try.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// Remove a conduit (and its rules).
    CloseConduit { conduit: String },
    /// Remove one rule: `CONDUIT/RULE`, or `RULE` when only one conduit has a rule of that id.
    DisableRule { rule: String },
    /// Cut an asset off the network: no address, a zone of its own with no conduit, and no entry
    /// point attachment through it.
    Isolate { asset: String },
    /// Remove an entry point (`ENTRY`), or one of its attachments (`ENTRY#N`, 1-based): a port
    /// forward deleted, a VPN realm or an LTE router switched off.
    CloseEntry { entry: String },
    /// Add a rule to a conduit (at the top, so it decides before the existing rules).
    AddRule { conduit: String, rule: Rule },
}

impl Change {
    /// Parses `--add-rule` text: `CONDUIT: FROM -> TO [PROTOCOL/]PORTS[,PORTS…] [allow|deny] [both]`,
    /// e.g. `idmz-engineering: asset:JUMP-01 -> zone:engineering tcp/3389 deny`. Ports may be
    /// `any`.
    pub fn parse_add_rule(text: &str) -> Result<Change, String> {
        let usage = "expected `CONDUIT: FROM -> TO [PROTOCOL/]PORTS [allow|deny] [both]`, e.g. \
                     `idmz-engineering: asset:JUMP-01 -> zone:engineering tcp/3389 deny`";
        let (conduit, rest) =
            text.split_once(':').ok_or_else(|| format!("`{text}`: no conduit before `:`; {usage}"))?;
        // `zone:`/`asset:` also contain colons: the conduit is the text before the first `: `.
        let (conduit, rest) = match text.split_once(": ") {
            Some((c, r)) => (c.trim(), r),
            None => (conduit.trim(), rest),
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let arrow = words.iter().position(|w| *w == "->").ok_or_else(|| format!("`{text}`: no `->`; {usage}"))?;
        if arrow != 1 || words.len() < 3 {
            return Err(format!("`{text}`: {usage}"));
        }
        let from: Endpoint = words[0].parse()?;
        let to: Endpoint = words[2].parse()?;
        let mut protocol = Protocol::Tcp;
        let mut ports = Vec::new();
        let mut action = Action::Allow;
        let mut direction = Direction::OneWay;
        for w in &words[3..] {
            match *w {
                "allow" | "accept" | "permit" => action = Action::Allow,
                "deny" | "drop" | "reject" => action = Action::Deny,
                "both" => direction = Direction::Both,
                spec => {
                    let (p, list) = match spec.split_once('/') {
                        Some((p, l)) => (Some(p), l),
                        None => (None, spec),
                    };
                    if let Some(p) = p {
                        protocol = p.parse().map_err(|e: model::BadValue| e.to_string())?;
                    }
                    if list != "any" && !list.is_empty() {
                        for part in list.split(',') {
                            ports.push(part.parse::<PortRange>()?);
                        }
                    }
                }
            }
        }
        if conduit.is_empty() {
            return Err(format!("`{text}`: no conduit; {usage}"));
        }
        let rule = Rule {
            id: "what-if".into(),
            from,
            to,
            protocol,
            ports,
            direction,
            action,
            application: None,
            description: Some("added by what-if".into()),
            source: None,
        };
        Ok(Change::AddRule { conduit: conduit.to_string(), rule })
    }
}

/// A copy of the plant with the changes applied; an unknown conduit, rule or asset is an error.
pub fn apply(plant: &Plant, changes: &[Change]) -> Result<Plant, String> {
    let mut p = plant.clone();
    for c in changes {
        match c {
            Change::CloseConduit { conduit } => {
                let before = p.conduits.len();
                p.conduits.retain(|x| &x.id != conduit);
                if p.conduits.len() == before {
                    return Err(format!("no conduit `{conduit}`"));
                }
            }
            Change::DisableRule { rule } => {
                let (conduit, id) = match rule.split_once('/') {
                    Some((c, r)) => (Some(c), r),
                    None => (None, rule.as_str()),
                };
                let holders: Vec<usize> = p
                    .conduits
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| conduit.is_none_or(|want| c.id == want) && c.rules.iter().any(|r| r.id == id))
                    .map(|(i, _)| i)
                    .collect();
                match holders.as_slice() {
                    [] => return Err(format!("no rule `{rule}`")),
                    [i] => p.conduits[*i].rules.retain(|r| r.id != id),
                    many => {
                        let names: Vec<String> = many.iter().map(|&i| format!("{}/{id}", p.conduits[i].id)).collect();
                        return Err(format!("rule `{id}` is in several conduits; name one: {}", names.join(", ")));
                    }
                }
            }
            Change::Isolate { asset } => {
                let Some(a) = p.assets.iter_mut().find(|a| &a.id == asset) else {
                    return Err(format!("no asset `{asset}`"));
                };
                let site = p.zones.iter().find(|z| z.id == a.zone).map(|z| z.site.clone()).unwrap_or_default();
                let zone = format!("isolated:{asset}");
                a.zone = zone.clone();
                a.ips.clear();
                p.zones.push(Zone {
                    id: zone.clone(),
                    site,
                    name: format!("{asset} (isolated)"),
                    purdue: model::Purdue::L1,
                    subnets: Vec::new(),
                    target_sl: None,
                    safety: false,
                    description: None,
                });
                for e in &mut p.entry_points {
                    e.attachments.retain(|at| match at {
                        Attachment::PortForward { asset: x, .. } => x != asset,
                        Attachment::Vpn { gateway, .. } => gateway != asset,
                        Attachment::JumpHost { host, .. } | Attachment::Account { host, .. } => host != asset,
                        Attachment::Zone { .. } => true,
                    });
                }
                // Rules naming the asset can no longer apply (it sits in no conduit's zone).
            }
            Change::CloseEntry { entry } => {
                let (id, n) = match entry.split_once('#') {
                    Some((id, n)) => {
                        let n: usize = n
                            .parse()
                            .ok()
                            .filter(|&n| n >= 1)
                            .ok_or_else(|| format!("`{entry}`: the attachment number after `#` counts from 1"))?;
                        (id, Some(n))
                    }
                    None => (entry.as_str(), None),
                };
                let Some(i) = p.entry_points.iter().position(|e| e.id == id) else {
                    return Err(format!("no entry point `{id}`"));
                };
                match n {
                    None => {
                        p.entry_points.remove(i);
                    }
                    Some(n) if n <= p.entry_points[i].attachments.len() => {
                        p.entry_points[i].attachments.remove(n - 1);
                    }
                    Some(n) => {
                        return Err(format!(
                            "entry point `{id}` has {} attachment(s), not {n}",
                            p.entry_points[i].attachments.len()
                        ));
                    }
                }
            }
            Change::AddRule { conduit, rule } => {
                let Some(c) = p.conduits.iter_mut().find(|c| &c.id == conduit) else {
                    return Err(format!("no conduit `{conduit}`"));
                };
                let mut r = rule.clone();
                let mut n = 1;
                while c.rules.iter().any(|x| x.id == r.id) {
                    n += 1;
                    r.id = format!("what-if-{n}");
                }
                c.rules.insert(0, r);
            }
        }
    }
    Ok(p)
}

/// One (entry point, asset, service) reach, or (entry point, asset) take, and its hops.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reached {
    pub entry_point: String,
    pub asset: String,
    /// `tcp/502`; absent for a host taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub hops: u32,
}

/// A service still reached, in another number of hops.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HopChange {
    pub entry_point: String,
    pub asset: String,
    pub service: String,
    pub before: u32,
    pub after: u32,
}

/// An asset whose System Exposure changes, with its open findings that inherit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExposureChange {
    pub asset: String,
    pub before: SystemExposure,
    pub after: SystemExposure,
    pub findings: Vec<String>,
}

/// What the changes do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Delta {
    pub changes: Vec<Change>,
    /// Services an entry point reached before and does not any more.
    pub exposures_removed: Vec<Reached>,
    pub exposures_added: Vec<Reached>,
    /// Services reached either way, with a different number of hops.
    pub exposures_changed: Vec<HopChange>,
    /// Hosts an entry point could take before and cannot now (attack paths removed).
    pub paths_removed: Vec<Reached>,
    pub paths_added: Vec<Reached>,
    pub system_exposure: Vec<ExposureChange>,
    /// Open findings whose System Exposure changes.
    pub findings_changed: usize,
}

fn reaches(a: &Analysis) -> (BTreeMap<(String, String, Option<String>), u32>, BTreeMap<(String, String), u32>) {
    let p = a.plant();
    let mut svc = BTreeMap::new();
    let mut take = BTreeMap::new();
    for (e, ep) in p.entry_points.iter().enumerate() {
        let mut s = 0usize;
        for (h, asset) in p.assets.iter().enumerate() {
            if let Some(d) = a.hops_to_take(e, h) {
                take.insert((ep.id.clone(), asset.id.clone()), d);
            }
            for sv in &asset.services {
                if let Some(d) = a.hops_to_reach(e, s) {
                    svc.insert((ep.id.clone(), asset.id.clone(), Some(format!("{}/{}", sv.protocol, sv.port))), d);
                }
                s += 1;
            }
        }
    }
    (svc, take)
}

/// Compares two analyses of the same plant (before and after changes).
pub fn delta(before: &Analysis, after: &Analysis, changes: &[Change]) -> Delta {
    let (s0, t0) = reaches(before);
    let (s1, t1) = reaches(after);
    let mut d = Delta { changes: changes.to_vec(), ..Delta::default() };
    let reached = |k: &(String, String, Option<String>), hops: u32| Reached {
        entry_point: k.0.clone(),
        asset: k.1.clone(),
        service: k.2.clone(),
        hops,
    };
    for (k, &h) in &s0 {
        match s1.get(k) {
            None => d.exposures_removed.push(reached(k, h)),
            Some(&h1) if h1 != h => d.exposures_changed.push(HopChange {
                entry_point: k.0.clone(),
                asset: k.1.clone(),
                service: k.2.clone().unwrap_or_default(),
                before: h,
                after: h1,
            }),
            _ => {}
        }
    }
    for (k, &h) in &s1 {
        if !s0.contains_key(k) {
            d.exposures_added.push(reached(k, h));
        }
    }
    let took =
        |k: &(String, String), hops: u32| Reached { entry_point: k.0.clone(), asset: k.1.clone(), service: None, hops };
    for (k, &h) in &t0 {
        if !t1.contains_key(k) {
            d.paths_removed.push(took(k, h));
        }
    }
    for (k, &h) in &t1 {
        if !t0.contains_key(k) {
            d.paths_added.push(took(k, h));
        }
    }
    let after_ix: BTreeMap<&str, usize> =
        after.plant().assets.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    for (h, asset) in before.plant().assets.iter().enumerate() {
        let Some(&h1) = after_ix.get(asset.id.as_str()) else { continue };
        let (x0, x1) = (before.system_exposure(h), after.system_exposure(h1));
        if x0 != x1 {
            let findings: BTreeSet<String> = before.exploits_of(h).map(|e| e.finding.clone()).collect();
            d.findings_changed += findings.len();
            d.system_exposure.push(ExposureChange {
                asset: asset.id.clone(),
                before: x0,
                after: x1,
                findings: findings.into_iter().collect(),
            });
        }
    }
    d
}
