//! The IO edge: decisions for every open finding of a store, the record of what changed, and the
//! fastest risk reduction for the short list (a what-if over the attack paths).

use std::collections::{HashMap, HashSet};

use model::finding::finding_id;
use model::{Attachment, Confidence, Control, Date, SystemExposure};
use store::{DecisionChange, Store, StoreError, StoredDecision, StoredInput};

use exposure::whatif::{self, Change};
use exposure::{Analysis, Query};

use crate::history::{self, Prior};
use crate::{AssetFacts, Context, Decision, Policy, Priority, Signals, SsvcSignal, VulnFacts, decide_all};
use model::advisory::{Exploitation, TechnicalImpact};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("no plant is stored; import one with `patchwise plant import FILE` (or run `patchwise demo`)")]
    NoPlant,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every open finding decided, most urgent first, with the analysis the exposure came from.
pub struct Decided {
    pub decisions: Vec<Decision>,
    /// The analysis with the active network controls applied.
    pub analysis: Analysis,
    /// Controls that could not be applied (their rule or conduit is gone), by name.
    pub warnings: Vec<String>,
}

fn signals_of(s: Option<&store::VulnSignals>, vectors: &[String]) -> Signals {
    Signals {
        kev: s.and_then(|s| s.kev.clone()),
        ssvc: s.and_then(|s| s.ssvc.clone()).map(|(e, a, t, source)| SsvcSignal {
            exploitation: e.as_deref().and_then(|e| match e {
                "none" => Some(Exploitation::None),
                "poc" => Some(Exploitation::Poc),
                "active" => Some(Exploitation::Active),
                _ => None,
            }),
            automatable: a,
            technical_impact: t.as_deref().and_then(|t| match t {
                "total" => Some(TechnicalImpact::Total),
                "partial" => Some(TechnicalImpact::Partial),
                _ => None,
            }),
            source,
        }),
        epss: s.and_then(|s| s.epss.clone()),
        vectors: vectors.to_vec(),
    }
}

/// Why an asset (an index into the plant's assets) has its System Exposure, in words: the entry
/// point that makes it so — the Internet when it is open, else the one that takes it in the fewest
/// hops, else the one that reaches it in the fewest.
pub fn exposure_reason(analysis: &Analysis, h: usize) -> String {
    let open = analysis.system_exposure(h) == SystemExposure::Open;
    let all = analysis.entry_summary(h);
    let best = all.iter().min_by_key(|(_, kind, outcome, hops)| {
        (!(open && *kind == model::EntryKind::Internet), *outcome != "take", *hops)
    });
    match best {
        Some((entry, kind, outcome, hops)) => {
            let kind = kind.as_str();
            format!(
                "{} from {entry}{} after {hops} hop(s)",
                if *outcome == "take" { "can be taken" } else { "reachable" },
                if kind == *entry { String::new() } else { format!(" ({kind})") },
            )
        }
        None => "no entry point reaches it".to_string(),
    }
}

/// Decides every open finding (any confidence; hosts are taken as pivots only through findings
/// of medium or high confidence). Each site's policy is `policy` with the site's settings over
/// it; a finding that keeps its stored priority keeps the day it got it, so its deadline holds.
pub fn decide_store(store: &dyn Store, policy: &Policy, today: Date) -> Result<Decided, RunError> {
    let plant = store.plant()?;
    if plant.zones.is_empty() {
        return Err(RunError::NoPlant);
    }
    let mut warnings = Vec::new();
    let controls: Vec<Control> = store.controls()?.into_iter().filter(|c| c.active_on(today)).collect();
    let zone_of: HashMap<String, String> = plant.assets.iter().map(|a| (a.id.clone(), a.zone.clone())).collect();
    let host_control = |asset: &str, vulnerability: &str| -> Option<usize> {
        let zone = zone_of.get(asset).map_or("", String::as_str);
        controls.iter().position(|c| c.neutralises(asset, zone, vulnerability))
    };
    // A neutralised finding serves no pivot either.
    let pivots: Vec<store::ExposureFinding> = store
        .exposure_findings(Confidence::Medium)?
        .into_iter()
        .filter(|f| host_control(&f.asset, &f.vulnerability).is_none())
        .collect();
    let all = store.exposure_findings(Confidence::Low)?;
    // Network controls change the plant the analysis runs on, one control at a time so that a
    // control that no longer fits the plant (a rule or conduit gone) is named and left out.
    let mut controlled = plant.clone();
    let mut applied: Vec<&str> = Vec::new();
    for c in controls.iter().filter(|c| !c.changes.is_empty()) {
        let changes: Result<Vec<Change>, String> = c.changes.iter().map(|t| Change::parse_spec(t)).collect();
        match changes.and_then(|ch| whatif::apply(&controlled, &ch)) {
            Ok(p) => {
                controlled = p;
                applied.push(c.id.as_str());
            }
            Err(e) => warnings.push(format!("control {} does not apply to the plant and is left out: {e}", c.id)),
        }
    }
    let exploits = exposure::run::exploits(pivots);
    let without = (!applied.is_empty()).then(|| Analysis::of(plant, exploits.clone()));
    let analysis = Analysis::of(controlled, exploits);
    let signals: HashMap<String, store::VulnSignals> =
        store.decision_signals()?.into_iter().map(|s| (s.vulnerability.clone(), s)).collect();
    let priors: HashMap<String, (Priority, Date)> = store
        .stored_decisions()?
        .into_iter()
        .filter_map(|d| Some((d.finding, (Priority::parse(&d.priority)?, d.since))))
        .collect();
    let reason_of = |h: usize| -> String {
        let mut r = exposure_reason(&analysis, h);
        if let Some(w) = &without {
            let before = w.system_exposure(h);
            if before > analysis.system_exposure(h) {
                r.push_str(&format!("; lowered from {before} by network control(s) {}", applied.join(", ")));
            }
        }
        r
    };

    let plant = analysis.plant();
    // One policy per distinct site setting (usually one).
    let mut policies: Vec<Policy> = Vec::new();
    let mut site_policy: HashMap<&str, usize> = HashMap::new();
    for s in &plant.sites {
        let p = policy.for_site(&s.policy);
        let i = policies.iter().position(|q| *q == p).unwrap_or_else(|| {
            policies.push(p);
            policies.len() - 1
        });
        site_policy.insert(s.id.as_str(), i);
    }
    if policies.is_empty() {
        policies.push(policy.clone());
    }
    let zone_site: HashMap<&str, &str> = plant.zones.iter().map(|z| (z.id.as_str(), z.site.as_str())).collect();
    let index: HashMap<&str, usize> = plant.assets.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();

    // Facts per asset, and per (asset, host control) for the findings a control neutralises.
    let mut assets: HashMap<(usize, Option<usize>), (AssetFacts, usize)> = HashMap::new();
    let mut vulns: HashMap<(&str, usize), VulnFacts> = HashMap::new();
    let mut keys: Vec<(String, (usize, Option<usize>), usize)> = Vec::with_capacity(all.len());
    for f in &all {
        let Some(&h) = index.get(f.asset.as_str()) else { continue };
        let asset = &plant.assets[h];
        let pi = zone_site.get(asset.zone.as_str()).and_then(|s| site_policy.get(s)).copied().unwrap_or(0);
        let ctl = host_control(&f.asset, &f.vulnerability);
        assets.entry((h, ctl)).or_insert_with(|| {
            let (system_exposure, exposure_reason) = match ctl.map(|i| &controls[i]) {
                Some(c) => (
                    SystemExposure::Small,
                    format!(
                        "neutralised by control {} ({}, owner {}{})",
                        c.id,
                        c.kind,
                        c.owner,
                        c.expires.map_or_else(String::new, |e| format!(", until {e}"))
                    ),
                ),
                None => (analysis.system_exposure(h), reason_of(h)),
            };
            let ctx = Context {
                asset: asset.id.clone(),
                site: zone_site.get(asset.zone.as_str()).map_or_else(String::new, |s| s.to_string()),
                system_exposure,
                exposure_reason,
                safety: asset.safety_impact,
                mission: asset.mission_impact,
            };
            (AssetFacts::new(&ctx, &policies[pi]), pi)
        });
        vulns.entry((f.vulnerability.as_str(), pi)).or_insert_with(|| {
            let s = signals_of(signals.get(&f.vulnerability.to_ascii_uppercase()), &f.vectors);
            VulnFacts::new(&f.vulnerability, &s, &policies[pi])
        });
        keys.push((finding_id(&f.asset, &f.vulnerability), (h, ctl), pi));
    }
    // Findings grouped by policy, decided on all cores, then merged.
    let mut decisions = Vec::with_capacity(keys.len());
    for (pi, p) in policies.iter().enumerate() {
        let items: Vec<crate::Item<'_>> = keys
            .iter()
            .zip(&all)
            .filter(|((_, _, kpi), _)| *kpi == pi)
            .filter_map(|((id, h, _), f)| {
                let (a, _) = assets.get(h)?;
                let v = vulns.get(&(f.vulnerability.as_str(), pi))?;
                Some((id.as_str(), v, a, priors.get(id).copied()))
            })
            .collect();
        decisions.extend(decide_all(&items, p, today));
    }
    crate::sort_by_urgency(&mut decisions);
    Ok(Decided { decisions, analysis, warnings })
}

/// What a refresh recorded.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Refreshed {
    pub decided: usize,
    pub new: usize,
    pub changed: usize,
    pub closed: usize,
    pub unchanged: usize,
    /// The history entries written, most urgent first.
    pub changes: Vec<DecisionChange>,
}

/// A decision as the store keeps it.
pub fn stored(d: &Decision, at: &str) -> StoredDecision {
    StoredDecision {
        finding: d.finding.clone(),
        asset: d.asset.to_string(),
        site: d.site.to_string(),
        vulnerability: d.vulnerability.to_string(),
        table: d.table.to_string(),
        priority: d.priority.as_str().to_string(),
        since: d.since,
        deadline: d.deadline,
        inputs: d
            .inputs
            .named()
            .map(|(name, i)| StoredInput {
                name: name.to_string(),
                value: i.value.to_string(),
                source: i.source.to_string(),
                assumed: i.assumed,
            })
            .collect(),
        cisa_level: d.cisa_level.to_string(),
        bod_26_04: d.bod_26_04.to_string(),
        decided_at: at.to_string(),
    }
}

/// Compares fresh decisions with the stored ones and records the difference in one transaction:
/// changed rows replaced, closed findings removed, and a history entry with its reasons for
/// every new finding, every change of priority or deadline and every changed input value.
pub fn record(store: &mut dyn Store, decisions: &[Decision], at: &str) -> Result<Refreshed, RunError> {
    let old: HashMap<String, StoredDecision> =
        store.stored_decisions()?.into_iter().map(|d| (d.finding.clone(), d)).collect();
    let mut out = Refreshed { decided: decisions.len(), ..Refreshed::default() };
    let mut upserts = Vec::new();
    let mut seen: HashSet<&str> = HashSet::with_capacity(decisions.len());
    for d in decisions {
        seen.insert(d.finding.as_str());
        let row = stored(d, at);
        let before = old.get(&d.finding);
        let prior = before.and_then(|b| {
            Some(Prior {
                priority: Priority::parse(&b.priority)?,
                inputs: b.inputs.iter().map(|i| (i.name.as_str(), i.value.as_str(), i.source.as_str())).collect(),
                deadline: b.deadline,
            })
        });
        let reasons = history::reasons(prior.as_ref(), d);
        let same_row =
            before.is_some_and(|b| StoredDecision { decided_at: row.decided_at.clone(), ..b.clone() } == row);
        if !reasons.is_empty() {
            if before.is_some() {
                out.changed += 1;
            } else {
                out.new += 1;
            }
            out.changes.push(DecisionChange {
                finding: d.finding.clone(),
                asset: d.asset.to_string(),
                vulnerability: d.vulnerability.to_string(),
                at: at.to_string(),
                before: before.map(|b| b.priority.clone()),
                after: Some(d.priority.as_str().to_string()),
                deadline: Some(d.deadline),
                reasons,
            });
        } else {
            out.unchanged += 1;
        }
        if !same_row {
            upserts.push(row);
        }
    }
    let mut removed: Vec<String> = old.keys().filter(|f| !seen.contains(f.as_str())).cloned().collect();
    removed.sort();
    for f in &removed {
        let Some(b) = old.get(f) else { continue };
        out.closed += 1;
        out.changes.push(DecisionChange {
            finding: f.clone(),
            asset: b.asset.clone(),
            vulnerability: b.vulnerability.clone(),
            at: at.to_string(),
            before: Some(b.priority.clone()),
            after: None,
            deadline: None,
            reasons: vec![history::closed()],
        });
    }
    store.save_decisions(&upserts, &removed, &out.changes)?;
    Ok(out)
}

/// Works out, for each of the first `n` decisions whose asset something reaches, the single
/// change to the network (disable a rule on its attack path, close an unenforced conduit, close
/// the entry point) that lowers that asset's System Exposure and removes the most exposures; the
/// sentence goes into the decision's `advice` (and so its narrative). Nothing is saved.
pub fn advise(analysis: &Analysis, decisions: &mut [Decision], n: usize) {
    let mut tried: HashMap<String, Option<whatif::Delta>> = HashMap::new();
    let mut done: HashMap<String, Option<String>> = HashMap::new();
    for d in decisions.iter_mut().take(n) {
        if d.inputs.system_exposure.value == SystemExposure::Small.as_str() {
            continue;
        }
        let asset = d.asset.to_string();
        if let Some(advice) = done.get(&asset) {
            d.advice = advice.clone();
            continue;
        }
        let advice = advice_for(analysis, &asset, &mut tried);
        done.insert(asset, advice.clone());
        d.advice = advice;
    }
}

fn describe(analysis: &Analysis, c: &Change) -> String {
    match c {
        Change::DisableRule { rule } => match rule.split_once('/') {
            Some((conduit, r)) => format!("disable rule {r} of conduit {conduit}"),
            None => format!("disable rule {rule}"),
        },
        Change::CloseConduit { conduit } => format!("close conduit {conduit}"),
        Change::CloseEntry { entry } => {
            let Some((id, n)) = entry.split_once('#') else { return format!("close entry point {entry}") };
            let attachment = analysis
                .plant()
                .entry_points
                .iter()
                .find(|e| e.id == id)
                .and_then(|e| e.attachments.get(n.parse::<usize>().ok()?.checked_sub(1)?));
            match attachment {
                Some(Attachment::PortForward { public_address, public_port, asset, protocol, port }) => format!(
                    "delete the port forward {}:{public_port} → {asset} {protocol}/{port} (entry point {entry})",
                    public_address.map_or_else(|| "*".to_string(), |a| a.to_string())
                ),
                Some(Attachment::Vpn { gateway, zone, .. }) => {
                    format!("switch off the VPN on {gateway} into {zone} (entry point {entry})")
                }
                Some(Attachment::JumpHost { host, .. }) => format!("close the jump host {host} (entry point {entry})"),
                Some(Attachment::Account { host, .. }) => {
                    format!("disable the remote-access account on {host} (entry point {entry})")
                }
                Some(Attachment::Zone { zone }) => format!("cut entry point {id} from zone {zone} ({entry})"),
                None => format!("close {entry}"),
            }
        }
        Change::Isolate { asset } => format!("isolate {asset}"),
        Change::AddRule { conduit, .. } => format!("add a rule to conduit {conduit}"),
    }
}

fn advice_for(analysis: &Analysis, asset: &str, tried: &mut HashMap<String, Option<whatif::Delta>>) -> Option<String> {
    let x = analysis.asset_exposure(asset, &Query::default())?;
    // Candidates by class: a rule or conduit on an attack path (0), one attachment of the entry
    // point (1), the whole entry point (2). The narrowest class that works is offered.
    let mut candidates: Vec<(u8, Change)> = Vec::new();
    let mut add = |class: u8, c: Change| {
        if !candidates.iter().any(|(_, d)| *d == c) {
            candidates.push((class, c));
        }
    };
    let mut paths = 0;
    for p in x.paths.iter().filter(|p| p.outcome != "none") {
        paths += 1;
        for step in &p.path {
            match (&step.conduit, &step.rule) {
                (Some(conduit), Some(rule)) => add(0, Change::DisableRule { rule: format!("{conduit}/{rule}") }),
                (Some(conduit), None) => add(0, Change::CloseConduit { conduit: conduit.clone() }),
                _ => {}
            }
        }
        if let Some(e) = analysis.plant().entry_points.iter().find(|e| e.id == p.entry_point) {
            if e.attachments.len() > 1 {
                for n in 1..=e.attachments.len() {
                    add(1, Change::CloseEntry { entry: format!("{}#{n}", e.id) });
                }
            }
            add(2, Change::CloseEntry { entry: e.id.clone() });
        }
    }
    let before = x.system_exposure;
    // (narrowness, findings lowered, exposures removed, earliest on the paths)
    type Score = (u8, usize, usize, usize);
    let mut best: Option<(Score, &Change)> = None;
    for (order, (class, c)) in candidates.iter().enumerate().take(24) {
        let delta = tried
            .entry(format!("{c:?}"))
            .or_insert_with(|| whatif::run(analysis, std::slice::from_ref(c)).ok().map(|(_, d)| d))
            .as_ref();
        let Some(delta) = delta else { continue };
        if !delta.system_exposure.iter().any(|e| e.asset == asset && e.after < before) {
            continue;
        }
        // The narrowest class, then most findings whose System Exposure falls, then most
        // exposures removed, then the first found on the paths.
        let key = (u8::MAX - class, delta.findings_changed, delta.exposures_removed.len(), usize::MAX - order);
        if best.as_ref().is_none_or(|(k, _)| key > *k) {
            best = Some((key, c));
        }
    }
    Some(match best {
        Some(((_, findings, removed, _), c)) => format!(
            "Fastest risk reduction until the fix: {} (lowers the System Exposure of {findings} finding(s), removes {removed} exposure(s)).",
            describe(analysis, c)
        ),
        None => format!(
            "No single network change lowers its exposure ({paths} attack path(s)): patch, isolate or add a host control."
        ),
    })
}
