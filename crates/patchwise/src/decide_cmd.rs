//! `patchwise decide` and `top`: SSVC decisions for every open finding, from the stored plant,
//! findings, intelligence and the exposure analysis.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use decide::{Context, Decision, Policy, Priority, Signals, SsvcSignal};
use exposure::Query;
use exposure::run::exploits;
use model::Confidence;
use model::advisory::{Exploitation, TechnicalImpact};
use store::Store;

use crate::output;

/// Decisions for every open finding (any confidence), most urgent first: priority, then active
/// exploitation, System Exposure, the BOD 26-04 timeline, EPSS, and the finding id.
pub fn decisions(store: &dyn Store, policy: &Policy) -> Result<Vec<Decision>> {
    let plant = store.plant()?;
    if plant.zones.is_empty() {
        bail!("no plant is stored; import one with `patchwise plant import FILE` (or run `patchwise demo`)");
    }
    // Hosts are taken (pivots) only through findings of medium or high confidence; every open
    // finding gets a decision.
    let pivots = store.exposure_findings(Confidence::Medium)?;
    let all = store.exposure_findings(Confidence::Low)?;
    let analysis = exposure::Analysis::of(plant, exploits(pivots));
    let signals: HashMap<String, store::VulnSignals> =
        store.decision_signals()?.into_iter().map(|s| (s.vulnerability.clone(), s)).collect();
    let today = time::OffsetDateTime::now_utc().date();
    let index: HashMap<&str, usize> =
        analysis.plant().assets.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let mut reasons: HashMap<usize, String> = HashMap::new();
    let mut out = Vec::with_capacity(all.len());
    for f in &all {
        let Some(&h) = index.get(f.asset.as_str()) else { continue };
        let asset = &analysis.plant().assets[h];
        let reason = reasons
            .entry(h)
            .or_insert_with(|| {
                let Some(x) = analysis.asset_exposure(&asset.id, &Query::default()) else { return String::new() };
                match x.paths.iter().find(|p| p.outcome != "none") {
                    Some(p) if p.outcome == "take" => {
                        format!("can be taken from {} ({}) after {} hop(s)", p.entry_point, p.kind, p.hops.unwrap_or(0))
                    }
                    Some(p) => {
                        format!("reachable from {} ({}) after {} hop(s)", p.entry_point, p.kind, p.hops.unwrap_or(0))
                    }
                    None => "no entry point reaches it".to_string(),
                }
            })
            .clone();
        let s = signals.get(&f.vulnerability.to_ascii_uppercase());
        let sig = Signals {
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
            vectors: f.vectors.clone(),
        };
        let ctx = Context {
            asset: asset.id.clone(),
            system_exposure: analysis.system_exposure(h),
            exposure_reason: reason,
            safety: asset.safety_impact,
            mission: asset.mission_impact,
        };
        let id = model::finding::finding_id(&f.asset, &f.vulnerability);
        out.push(decide::decide(&id, &f.vulnerability, &sig, &ctx, policy, today));
    }
    let epss = |d: &Decision| d.inputs.epss.as_ref().and_then(|e| e.value.parse::<f64>().ok()).unwrap_or(0.0);
    let exposure = |d: &Decision| decide::table::rank("system-exposure", &d.inputs.system_exposure.value).unwrap_or(0);
    let bod = |d: &Decision| decide::table::rank("timeline", &d.bod_26_04).unwrap_or(0);
    out.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then_with(|| (b.inputs.exploitation.value == "active").cmp(&(a.inputs.exploitation.value == "active")))
            .then_with(|| exposure(b).cmp(&exposure(a)))
            .then_with(|| bod(b).cmp(&bod(a)))
            .then_with(|| epss(b).total_cmp(&epss(a)))
            .then_with(|| a.finding.cmp(&b.finding))
    });
    Ok(out)
}

pub fn decide_cmd(
    store: &dyn Store,
    priority: Option<Priority>,
    asset: Option<&str>,
    bod: bool,
    limit: usize,
    json: bool,
) -> Result<ExitCode> {
    let policy = Policy { bod_deadlines: bod, ..Policy::default() };
    let mut list = decisions(store, &policy)?;
    list.retain(|d| priority.is_none_or(|p| d.priority == p) && asset.is_none_or(|a| d.asset == a));
    if limit > 0 {
        list.truncate(limit);
    }
    if json {
        output::print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            let mark = |i: &decide::Input| if i.assumed { format!("{}?", i.value) } else { i.value.clone() };
            vec![
                d.finding.clone(),
                d.priority.to_string(),
                d.deadline.to_string(),
                mark(&d.inputs.exploitation),
                d.inputs.system_exposure.value.clone(),
                mark(&d.inputs.automatable),
                mark(&d.inputs.human_impact),
                d.bod_26_04.clone(),
            ]
        })
        .collect();
    let mut out = output::table(
        &["FINDING", "DECISION", "BY", "EXPLOITATION", "EXPOSURE", "AUTOMATABLE", "HUMAN IMPACT", "BOD 26-04"],
        &rows,
    );
    let count = |p: Priority| list.iter().filter(|d| d.priority == p).count();
    let _ = writeln!(
        out,
        "{} decision(s): {} immediate, {} out-of-cycle, {} scheduled, {} defer ({}). `?`: assumed, no source said it.",
        list.len(),
        count(Priority::Immediate),
        count(Priority::OutOfCycle),
        count(Priority::Scheduled),
        count(Priority::Defer),
        decide::table::DEPLOYER.name()
    );
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The short list for a manager: the most urgent decisions, one paragraph each.
pub fn top(store: &dyn Store, limit: usize, json: bool) -> Result<ExitCode> {
    let mut list = decisions(store, &Policy::default())?;
    list.truncate(limit.max(1));
    if json {
        output::print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for (i, d) in list.iter().enumerate() {
        let _ = writeln!(out, "{}. [{}] {}", i + 1, d.priority, d.narrative);
    }
    if list.is_empty() {
        out.push_str("no open findings: nothing to decide\n");
    }
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
