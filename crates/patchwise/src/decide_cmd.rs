//! `patchwise decide` and `top`: SSVC decisions for every open finding, from the stored plant,
//! findings, intelligence and the exposure analysis (the work is in `decide::run`).

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use decide::run::{Decided, Refreshed, decide_store, record};
use decide::{Decision, Policy, Priority};
use store::{DecisionChange, Store};

use crate::output;

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Every open finding decided with the default policy under each site's settings.
pub fn decisions(store: &dyn Store, bod: bool) -> Result<Decided> {
    let policy = Policy { bod_deadlines: bod, ..Policy::default() };
    Ok(decide_store(store, &policy, today())?)
}

/// Decides and records (what changed goes into the history); `None` when no plant is stored.
pub fn refresh(store: &mut dyn Store) -> Result<Option<Refreshed>> {
    if store.plant()?.zones.is_empty() {
        return Ok(None);
    }
    let d = decisions(store, false)?;
    Ok(Some(record(store, &d.decisions, &crate::now_rfc3339())?))
}

/// One line: what a refresh recorded.
pub fn refreshed_line(r: &Refreshed) -> String {
    format!(
        "decisions: {} ({} new, {} changed, {} closed, {} unchanged); history entries written: {}",
        r.decided,
        r.new,
        r.changed,
        r.closed,
        r.unchanged,
        r.changes.len()
    )
}

fn mark(i: &decide::Input) -> String {
    if i.assumed { format!("{}?", i.value) } else { i.value.to_string() }
}

pub struct DecideOpts<'a> {
    pub priority: Option<Priority>,
    pub asset: Option<&'a str>,
    pub bod: bool,
    pub limit: usize,
    pub dry_run: bool,
    pub json: bool,
}

pub fn decide_cmd(store: &mut store::SqliteStore, o: &DecideOpts<'_>) -> Result<ExitCode> {
    let all = decisions(store, o.bod)?.decisions;
    // The record is of the site policies' decisions; `--bod` only shows another deadline scheme.
    let recorded = if o.dry_run || o.bod { None } else { Some(record(store, &all, &crate::now_rfc3339())?) };
    let mut list = all;
    list.retain(|d| o.priority.is_none_or(|p| d.priority == p) && o.asset.is_none_or(|a| &*d.asset == a));
    if o.limit > 0 {
        list.truncate(o.limit);
    }
    if o.json {
        output::print_json(&serde_json::json!({ "decisions": list, "recorded": recorded }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            vec![
                d.finding.clone(),
                d.priority.to_string(),
                d.deadline.to_string(),
                mark(&d.inputs.exploitation),
                d.inputs.system_exposure.value.to_string(),
                mark(&d.inputs.automatable),
                mark(&d.inputs.human_impact),
                d.bod_26_04.to_string(),
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
        decide::DEPLOYER_NAME
    );
    if let Some(r) = &recorded {
        let _ = writeln!(out, "{}", refreshed_line(r));
    }
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `patchwise decide --history`: the latest changes, newest first.
pub fn history(store: &dyn Store, finding: Option<&str>, limit: usize, json: bool) -> Result<ExitCode> {
    let list = store.decision_history(finding, limit)?;
    if json {
        output::print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = history_text(&list);
    if list.is_empty() {
        out.push_str("no decision history yet: `patchwise decide` records it\n");
    }
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn history_text(list: &[DecisionChange]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            vec![
                c.at.clone(),
                c.finding.clone(),
                c.before.clone().unwrap_or_else(|| "-".into()),
                c.after.clone().unwrap_or_else(|| "closed".into()),
                c.reasons.join("; "),
            ]
        })
        .collect();
    output::table(&["AT", "FINDING", "BEFORE", "AFTER", "WHY"], &rows)
}

/// The short list for a manager: the most urgent decisions (of one site), one paragraph each,
/// each with the fastest risk reduction the network offers.
pub fn top(store: &dyn Store, site: Option<&str>, limit: usize, json: bool) -> Result<ExitCode> {
    let Decided { mut decisions, analysis } = decisions(store, false)?;
    if let Some(s) = site
        && !analysis.plant().sites.iter().any(|x| x.id == s)
    {
        anyhow::bail!(
            "no site `{s}`; sites: {}",
            analysis.plant().sites.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    decisions.retain(|d| site.is_none_or(|s| &*d.site == s));
    decisions.truncate(limit.max(1));
    decide::run::advise(&analysis, &mut decisions, limit.max(1));
    if json {
        output::print_json(&decisions)?;
        return Ok(ExitCode::SUCCESS);
    }
    output::write_stdout(top_text(&decisions).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn top_text(list: &[Decision]) -> String {
    let mut out = String::new();
    for (i, d) in list.iter().enumerate() {
        let _ = writeln!(out, "{}. [{}] {}", i + 1, d.priority, d.narrative());
    }
    if list.is_empty() {
        out.push_str("no open findings: nothing to decide\n");
    }
    out
}
