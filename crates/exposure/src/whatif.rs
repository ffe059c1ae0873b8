//! What-if: apply changes to a copy of the plant's network, analyse again, report the delta.
//! Nothing is saved.

use std::collections::BTreeSet;

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
    AddRule { conduit: String, rule: Box<Rule> },
}

impl Change {
    /// Parses a change in its one-line text form, as controls store them: `close-conduit C`,
    /// `disable-rule C/R`, `isolate ASSET`, `close-entry ENTRY[#N]`, `add-rule C: FROM -> TO
    /// [PROTOCOL/]PORTS [allow|deny] [both]`.
    pub fn parse_spec(text: &str) -> Result<Change, String> {
        let text = text.trim();
        let (verb, arg) = text.split_once(char::is_whitespace).map_or((text, ""), |(v, a)| (v, a.trim()));
        if arg.is_empty() {
            return Err(format!(
                "`{text}`: expected `close-conduit C`, `disable-rule C/R`, `isolate ASSET`, `close-entry ENTRY[#N]` or `add-rule C: FROM -> TO PORTS deny`"
            ));
        }
        let one = |what: &str| -> Result<String, String> {
            if arg.contains(char::is_whitespace) {
                Err(format!("`{text}`: {what} is one word"))
            } else {
                Ok(arg.to_string())
            }
        };
        match verb {
            "close-conduit" => Ok(Change::CloseConduit { conduit: one("a conduit id")? }),
            "disable-rule" => Ok(Change::DisableRule { rule: one("a rule (CONDUIT/RULE)")? }),
            "isolate" => Ok(Change::Isolate { asset: one("an asset id")? }),
            "close-entry" => Ok(Change::CloseEntry { entry: one("an entry point (ENTRY or ENTRY#N)")? }),
            "add-rule" => Change::parse_add_rule(arg),
            other => Err(format!(
                "`{text}`: unknown change `{other}`; expected close-conduit, disable-rule, isolate, close-entry or add-rule"
            )),
        }
    }

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
        Ok(Change::AddRule { conduit: conduit.to_string(), rule: Box::new(rule) })
    }
}

/// A copy of the plant with the changes applied; an unknown conduit, rule or asset is an error.
/// Records keep their order (a closed conduit stays, with no rules and enforced), so analyses of
/// the two plants can be compared index by index.
pub fn apply(plant: &Plant, changes: &[Change]) -> Result<Plant, String> {
    apply_marking(plant, changes).map(|(p, _)| p)
}

/// Analyses the changed plant, reusing from `before` what the changes cannot touch, and the delta.
pub fn run(before: &Analysis, changes: &[Change]) -> Result<(Analysis, Delta), String> {
    let (plant, dirty) = apply_marking(before.plant(), changes)?;
    let after = before.changed(plant, &dirty);
    let d = delta(before, &after, changes);
    Ok((after, d))
}

/// [`apply`], also returning the indices of the conduits whose evaluation can have changed.
fn apply_marking(plant: &Plant, changes: &[Change]) -> Result<(Plant, Vec<usize>), String> {
    let mut p = plant.clone();
    let mut dirty = Vec::new();
    for c in changes {
        match c {
            Change::CloseConduit { conduit } => {
                let Some(i) = p.conduits.iter().position(|x| &x.id == conduit) else {
                    return Err(format!("no conduit `{conduit}`"));
                };
                // Default deny: a conduit with no rules, enforced, carries nothing.
                p.conduits[i].rules.clear();
                p.conduits[i].enforcement.kind = model::EnforcementKind::Firewall;
                dirty.push(i);
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
                    [i] => {
                        p.conduits[*i].rules.retain(|r| r.id != id);
                        dirty.push(*i);
                    }
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
                let old_zone = a.zone.clone();
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
                // Rules naming the asset can no longer apply (it sits in no conduit's zone); every
                // conduit of its old zone is evaluated again.
                dirty
                    .extend(p.conduits.iter().enumerate().filter(|(_, c)| c.zones.contains(&old_zone)).map(|(i, _)| i));
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
                let Some(i) = p.conduits.iter().position(|c| &c.id == conduit) else {
                    return Err(format!("no conduit `{conduit}`"));
                };
                dirty.push(i);
                let c = &mut p.conduits[i];
                let mut r = Rule::clone(rule);
                let mut n = 1;
                while c.rules.iter().any(|x| x.id == r.id) {
                    n += 1;
                    r.id = format!("what-if-{n}");
                }
                c.rules.insert(0, r);
            }
        }
    }
    dirty.sort_unstable();
    dirty.dedup();
    Ok((p, dirty))
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

/// Compares two analyses of the same plant (before and after changes). Assets and services are
/// compared by position (`apply` keeps them in order), entry points by id.
pub fn delta(before: &Analysis, after: &Analysis, changes: &[Change]) -> Delta {
    let mut d = Delta { changes: changes.to_vec(), ..Delta::default() };
    let (p0, p1) = (before.plant(), after.plant());
    let same_assets = p0.assets.len() == p1.assets.len() && p0.assets.iter().zip(&p1.assets).all(|(a, b)| a.id == b.id);
    // Service index → (asset index, service text), built once.
    let mut svc_owner: Vec<(usize, usize)> = Vec::new();
    for (h, a) in p0.assets.iter().enumerate() {
        for k in 0..a.services.len() {
            svc_owner.push((h, k));
        }
    }
    let svc_text = |s: usize| {
        let (h, k) = svc_owner[s];
        let sv = &p0.assets[h].services[k];
        (p0.assets[h].id.clone(), format!("{}/{}", sv.protocol, sv.port))
    };
    for (e0, ep) in p0.entry_points.iter().enumerate() {
        let e1 = p1.entry_points.iter().position(|x| x.id == ep.id);
        for s in 0..svc_owner.len() {
            let h0 = before.hops_to_reach(e0, s);
            let h1 = if same_assets { e1.and_then(|e| after.hops_to_reach(e, s)) } else { None };
            match (h0, h1) {
                (Some(a), None) => {
                    let (asset, service) = svc_text(s);
                    d.exposures_removed.push(Reached {
                        entry_point: ep.id.clone(),
                        asset,
                        service: Some(service),
                        hops: a,
                    });
                }
                (None, Some(b)) => {
                    let (asset, service) = svc_text(s);
                    d.exposures_added.push(Reached {
                        entry_point: ep.id.clone(),
                        asset,
                        service: Some(service),
                        hops: b,
                    });
                }
                (Some(a), Some(b)) if a != b => {
                    let (asset, service) = svc_text(s);
                    d.exposures_changed.push(HopChange {
                        entry_point: ep.id.clone(),
                        asset,
                        service,
                        before: a,
                        after: b,
                    });
                }
                _ => {}
            }
        }
        for h in 0..p0.assets.len() {
            let t0 = before.hops_to_take(e0, h);
            let t1 = if same_assets { e1.and_then(|e| after.hops_to_take(e, h)) } else { None };
            let took =
                |hops| Reached { entry_point: ep.id.clone(), asset: p0.assets[h].id.clone(), service: None, hops };
            match (t0, t1) {
                (Some(a), None) => d.paths_removed.push(took(a)),
                (None, Some(b)) => d.paths_added.push(took(b)),
                _ => {}
            }
        }
    }
    let sort = |v: &mut Vec<Reached>| v.sort();
    sort(&mut d.exposures_removed);
    sort(&mut d.exposures_added);
    sort(&mut d.paths_removed);
    sort(&mut d.paths_added);
    d.exposures_changed.sort();
    if same_assets {
        for (h, asset) in p0.assets.iter().enumerate() {
            let (x0, x1) = (before.system_exposure(h), after.system_exposure(h));
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
    }
    d
}
