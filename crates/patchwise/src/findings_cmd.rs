//! `patchwise match`, `findings` and `explain`: running the matcher and printing findings.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use indicatif::ProgressBar;
use matching::run::{MatchRun, Mode, run};
use model::finding::{DEVICE_SLOT, Finding};
use model::{Confidence, FindingStatus};
use store::{FindingFilter, FindingSummary, SqliteStore, Store};

use crate::output;

/// One line: what the run did and where the findings stand.
pub fn summary_line(run: &MatchRun, s: &FindingSummary) -> String {
    let open = s.count(FindingStatus::Affected) + s.count(FindingStatus::UnderInvestigation);
    let by_conf = |c: Confidence| {
        s.by_status.iter().filter(|(st, cc, _)| st.is_open() && *cc == c).map(|(_, _, n)| n).sum::<usize>()
    };
    format!(
        "{} match: {} asset(s) on {} platform(s), {} advisory(ies) considered, {} newly indexed — findings: {open} open \
         ({} high, {} medium, {} low) on {} asset(s), {} in CISA KEV; {} not affected (VEX/vendor), {} fixed",
        run.kind,
        run.assets,
        run.platforms,
        run.advisories_considered,
        run.advisories_indexed,
        by_conf(Confidence::High),
        by_conf(Confidence::Medium),
        by_conf(Confidence::Low),
        s.assets_with_open,
        s.open_kev,
        s.count(FindingStatus::NotAffected),
        s.count(FindingStatus::Fixed),
    )
}

pub fn match_cmd(store: &mut SqliteStore, full: bool, json: bool, pb: ProgressBar) -> Result<ExitCode> {
    let started = Instant::now();
    let mode = if full { Mode::Full } else { Mode::Auto };
    let r = run(store, mode, &crate::now_rfc3339())?;
    let elapsed = started.elapsed();
    let s = store.finding_summary()?;
    pb.finish_and_clear();
    if json {
        output::print_json(&serde_json::json!({
            "run": r,
            "findings": s,
            "elapsed_ms": elapsed.as_millis(),
        }))?;
    } else {
        println!("{} ({:.2} s)", summary_line(&r, &s), elapsed.as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}

/// After an intelligence import or sync: bring findings up to date when a plant is stored.
pub fn after_intel(store: &mut SqliteStore, json: bool) -> Result<()> {
    let state = store::MatchStore::match_state(store)?;
    if state.plant_version == 0 {
        return Ok(());
    }
    let r = run(store, Mode::Auto, &crate::now_rfc3339())?;
    // New KEV entries, SSVC points and advisory revisions change decisions: record them.
    let decided = crate::decide_cmd::refresh(store)?;
    if !json {
        let s = store.finding_summary()?;
        eprintln!("{}", summary_line(&r, &s));
        if let Some(d) = decided {
            eprintln!("{}", crate::decide_cmd::refreshed_line(&d));
        }
    }
    Ok(())
}

/// A finding as JSON with its decision (`decision`, `deadline`, `since`, `inputs`,
/// `cisa_level`, `bod_26_04`, `narrative`) when it has one.
fn with_decision(f: &Finding, d: Option<&decide::Decision>) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(f)?;
    if let (Some(d), Some(obj)) = (d, v.as_object_mut()) {
        let dv = serde_json::to_value(d)?;
        for key in
            ["decision", "deadline", "since", "inputs", "table", "cisa_level", "bod_26_04", "epss_flag", "narrative"]
        {
            if let Some(x) = dv.get(key) {
                obj.insert(key.to_string(), x.clone());
            }
        }
    }
    Ok(v)
}

pub fn findings(
    store: &dyn Store,
    filter: &FindingFilter,
    decision: Option<decide::Priority>,
    json: bool,
) -> Result<ExitCode> {
    let summary = store.finding_summary()?;
    if summary.last_run.is_none() {
        bail!("no findings yet: run `patchwise match` first");
    }
    // Decisions are worked out when they are asked for (a filter) or printed (JSON).
    let decided: HashMap<String, decide::Decision> = if json || decision.is_some() {
        crate::decide_cmd::decisions(store, false)?.decisions.into_iter().map(|d| (d.finding.clone(), d)).collect()
    } else {
        HashMap::new()
    };
    let mut list = if decision.is_some() {
        // Filter first, then limit.
        store.findings(&FindingFilter { limit: 0, ..filter.clone() })?
    } else {
        store.findings(filter)?
    };
    if let Some(p) = decision {
        list.retain(|f| decided.get(&f.id).is_some_and(|d| d.priority == p));
        if filter.limit > 0 {
            list.truncate(filter.limit);
        }
    }
    if json {
        let values = list.iter().map(|f| with_decision(f, decided.get(&f.id))).collect::<Result<Vec<_>>>()?;
        output::print_json(&values)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    if summary.stale {
        out.push_str("note: the plant changed since the last full match; run `patchwise match`\n");
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|f| {
            vec![
                f.id.clone(),
                f.verdict.status.as_str().to_string(),
                f.verdict.confidence.as_str().to_string(),
                f.kev.clone().map_or_else(String::new, |d| format!("KEV {d}")),
                f.verdict.advisory.clone(),
                f.verdict.fixed_version.clone().unwrap_or_default(),
                decided.get(&f.id).map_or_else(String::new, |d| format!("{} by {}", d.priority, d.deadline)),
            ]
        })
        .collect();
    let mut header = vec!["FINDING", "STATUS", "CONFIDENCE", "KEV", "ADVISORY", "FIXED IN"];
    let rows = if decided.is_empty() {
        rows.into_iter()
            .map(|mut r| {
                r.pop();
                r
            })
            .collect()
    } else {
        header.push("DECISION");
        rows
    };
    out.push_str(&output::table(&header, &rows));
    let _ = writeln!(out, "{} finding(s)", rows.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn explain(store: &dyn Store, id: &str, json: bool) -> Result<ExitCode> {
    let Some(f) = store.finding(id)? else {
        bail!("no finding `{id}`; `patchwise findings` lists them (ids are ASSET:VULNERABILITY)");
    };
    // Open findings have a decision; its inputs and their sources are part of the explanation.
    let decision = if f.verdict.status.is_open() {
        crate::decide_cmd::decisions(store, false)?.decisions.into_iter().find(|d| d.finding == f.id)
    } else {
        None
    };
    let history = store.decision_history(Some(&f.id), 20)?;
    if json {
        let mut v = with_decision(&f, decision.as_ref())?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("history".into(), serde_json::to_value(&history)?);
        }
        output::print_json(&v)?;
    } else {
        let mut text = explain_text(&f);
        if let Some(d) = &decision {
            text.push_str(&decision_text(d));
        }
        if !history.is_empty() {
            text.push_str("\nDecision history (newest first)\n");
            text.push_str(&crate::decide_cmd::history_text(&history));
        }
        output::write_stdout(text.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The decision of a finding in words: the outcome, the deadline and every input with its source.
pub fn decision_text(d: &decide::Decision) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nDecision ({})", d.table);
    let _ = writeln!(out, "  {} — act by {} (since {})", d.priority, d.deadline, d.since);
    let rows: Vec<Vec<String>> = d
        .inputs
        .named()
        .map(|(name, i)| {
            vec![
                format!("  {name}"),
                if name == "epss" {
                    d.epss.map_or_else(String::new, |e| format!("{e:.5}"))
                } else {
                    i.value.to_string()
                },
                if i.assumed { "assumed".into() } else { String::new() },
                i.source.to_string(),
            ]
        })
        .collect();
    out.push_str(&output::table(&["  INPUT", "VALUE", "", "SOURCE"], &rows));
    let _ = writeln!(out, "  CISA coordinator 2.0.3: {}; BOD 26-04: {}", d.cisa_level, d.bod_26_04);
    let _ = writeln!(out, "  {}", d.narrative());
    out
}

/// The explanation of a finding in words: deterministic, built only from the stored evidence.
pub fn explain_text(f: &Finding) -> String {
    let v = &f.verdict;
    let mut s = String::new();
    let _ = writeln!(s, "{} — {}, {} confidence", f.id, v.status, v.confidence);
    let part = if v.slot == DEVICE_SLOT {
        "the device itself (identity and firmware)".to_string()
    } else {
        format!("component {}", v.component.as_deref().unwrap_or(&v.slot))
    };
    let _ = writeln!(s, "Asset:          {} — {part}", f.asset);
    let _ = write!(s, "Vulnerability:  {}", v.vulnerability);
    match &f.kev {
        Some(d) => {
            let _ = writeln!(s, " — in CISA KEV since {d}");
        }
        None => s.push('\n'),
    }
    let _ = writeln!(s, "Decided by:     {} (of {})", v.advisory, v.advisories.join(", "));
    if let Some(fx) = &v.fixed_version {
        let _ = writeln!(s, "Fixed in:       {fx}");
    }
    s.push_str("\nEvidence:\n");
    for (i, e) in v.evidence.iter().enumerate() {
        let rev = e.revision.as_deref().map(|r| format!(" rev {r}")).unwrap_or_default();
        let _ = writeln!(
            s,
            "  {}. {} [{}{rev}] says {}: {}",
            i + 1,
            e.advisory,
            e.source.as_str(),
            serde_json::to_value(e.status).ok().and_then(|x| x.as_str().map(str::to_string)).unwrap_or_default(),
            e.statement
        );
        let version = e.version.as_deref().map_or_else(|| "no version known".to_string(), |v| format!("version {v}"));
        let range = if e.range.is_empty() { String::new() } else { format!(" vs {}", e.range) };
        let _ = writeln!(
            s,
            "     matched {} ({}); {version}{range}: {} (comparator {}) → {} confidence",
            e.matched,
            e.basis.as_str(),
            e.containment,
            e.comparator,
            e.confidence
        );
        if !e.platform.is_empty() {
            let _ = writeln!(s, "     running on: {}", e.platform.join(", "));
        }
        if let Some(j) = &e.justification {
            let _ = writeln!(s, "     justification: {j}");
        }
        if let Some(d) = &e.detail {
            let _ = writeln!(s, "     detail: {}", d.chars().take(300).collect::<String>());
        }
    }
    if !v.remedies.is_empty() {
        s.push_str("\nRemediation:\n");
        for r in &v.remedies {
            let kind =
                serde_json::to_value(r.kind).ok().and_then(|x| x.as_str().map(str::to_string)).unwrap_or_default();
            let _ = write!(s, "  - {kind} ({}): {}", r.advisory, r.details.replace('\n', " "));
            if let Some(fx) = &r.fixed_version {
                let _ = write!(s, " — fixed in {fx}");
            }
            if let Some(u) = &r.url {
                let _ = write!(s, " — {u}");
            }
            if let Some(rr) = &r.restart_required {
                let _ = write!(s, " — restart: {rr}");
            }
            s.push('\n');
        }
    }
    match v.status {
        FindingStatus::NotAffected => {
            s.push_str("\nSuppressed: a vendor or VEX statement says this product is not affected.\n")
        }
        FindingStatus::Fixed => s.push_str("\nClosed: the asset runs a version a statement names as fixed.\n"),
        FindingStatus::UnderInvestigation => {
            s.push_str("\nOpen: the vendor is still investigating whether this product is affected.\n")
        }
        FindingStatus::Affected => {}
    }
    s
}
