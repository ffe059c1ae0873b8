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
    let r = record(store, &d.decisions, &crate::now_rfc3339())?;
    let reopened = crate::workflow_cmd::reopen_after(store, &r.changes)?;
    if reopened > 0 {
        eprintln!("{reopened} workflow record(s) reopened (see `patchwise audit list`)");
    }
    Ok(Some(r))
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
    let decided = decisions(store, o.bod)?;
    for w in &decided.warnings {
        eprintln!("warning: {w}");
    }
    let all = decided.decisions;
    // The record is of the site policies' decisions; `--bod` only shows another deadline scheme.
    let recorded = if o.dry_run || o.bod { None } else { Some(record(store, &all, &crate::now_rfc3339())?) };
    if let Some(r) = &recorded {
        let reopened = crate::workflow_cmd::reopen_after(store, &r.changes)?;
        if reopened > 0 {
            eprintln!("{reopened} workflow record(s) reopened (see `patchwise audit list`)");
        }
    }
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
    let Decided { mut decisions, analysis, warnings } = decisions(store, false)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
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

/// `patchwise control add`: checks the control against the stored plant (its assets, zones and
/// network changes must exist), stores it, and records the decisions it changes.
pub fn control_add(store: &mut store::SqliteStore, user: Option<&str>, a: crate::cli::ControlArgs) -> Result<ExitCode> {
    let c = model::Control {
        id: a.id,
        kind: a.kind,
        owner: a.owner,
        assets: a.asset,
        zones: a.zone,
        vulnerabilities: a.cve.iter().map(|v| v.trim().to_ascii_uppercase()).collect(),
        changes: a.change,
        evidence: a.evidence,
        verified_on: a.verified_on,
        reverify_days: a.reverify_days,
        expires: a.expires,
        description: a.description,
    };
    let mut problems = c.problems();
    let plant = store.plant()?;
    for x in &c.assets {
        if !plant.assets.iter().any(|p| &p.id == x) {
            problems.push(format!("control {}: no asset `{x}`", c.id));
        }
    }
    for z in &c.zones {
        if !plant.zones.iter().any(|p| &p.id == z) {
            problems.push(format!("control {}: no zone `{z}`", c.id));
        }
    }
    let changes: Result<Vec<exposure::whatif::Change>, String> =
        c.changes.iter().map(|t| exposure::whatif::Change::parse_spec(t)).collect();
    match changes.and_then(|ch| exposure::whatif::apply(&plant, &ch)) {
        Ok(_) => {}
        Err(e) => problems.push(format!("control {}: {e}", c.id)),
    }
    if !problems.is_empty() {
        anyhow::bail!("{}", problems.join("\n"));
    }
    let (actor, role) = crate::workflow_cmd::acting(store, user)?;
    if role < workflow::Role::Engineer {
        anyhow::bail!("{actor} is {role}; adding controls needs engineer");
    }
    let new = !store.controls()?.iter().any(|x| x.id == c.id);
    let who = store::AuditWho {
        actor,
        action: "control.add".into(),
        at: crate::now_rfc3339(),
        reason: c.description.clone().unwrap_or_else(|| "control added".into()),
    };
    store.record_audited(&store::Audited::Control { control: c.clone() }, &who)?;
    let recorded = refresh(store)?;
    if a.json {
        output::print_json(&serde_json::json!({ "control": c, "new": new, "recorded": recorded }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!("control {} {}\n", c.id, if new { "added" } else { "replaced" });
    if let Some(r) = &recorded {
        let _ = writeln!(out, "{}", refreshed_line(r));
    }
    // What the control changed: the decisions it lowered (and those that follow from them, such
    // as a pivot it took away).
    if let Some(r) = recorded.as_ref().filter(|r| !r.changes.is_empty()) {
        out.push_str(&history_text(&r.changes));
    }
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn control_remove(store: &mut store::SqliteStore, user: Option<&str>, id: &str, reason: &str) -> Result<ExitCode> {
    if !store.controls()?.iter().any(|c| c.id == id) {
        anyhow::bail!("no control `{id}`; `patchwise control list` shows them");
    }
    let (actor, role) = crate::workflow_cmd::acting(store, user)?;
    if role < workflow::Role::Engineer {
        anyhow::bail!("{actor} is {role}; removing controls needs engineer");
    }
    let who =
        store::AuditWho { actor, action: "control.remove".into(), at: crate::now_rfc3339(), reason: reason.into() };
    store.record_audited(&store::Audited::RemoveControl { id: id.into() }, &who)?;
    let mut out = format!("control {id} removed\n");
    if let Some(r) = refresh(store)? {
        let _ = writeln!(out, "{}", refreshed_line(&r));
    }
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Where a control stands today: counts or not, expiring, due for re-verification.
pub fn control_status(c: &model::Control, today: time::Date) -> String {
    if !c.active_on(today) {
        return format!("expired {}", c.expires.map_or_else(String::new, |e| e.to_string()));
    }
    let mut s = String::from("active");
    if let Some(e) = c.expires {
        let _ = write!(s, ", expires in {} day(s)", (e - today).whole_days());
    }
    if let (Some(v), Some(n)) = (c.verified_on, c.reverify_days) {
        let due = v + time::Duration::days(i64::from(n));
        if due <= today {
            let _ = write!(s, ", re-verification overdue since {due}");
        }
    } else if c.verified_on.is_none() {
        s.push_str(", never verified");
    }
    s
}

pub fn control_list(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let mut list = store.controls()?;
    // Expiring soonest first; open-ended last.
    list.sort_by(|a, b| (a.expires.is_none(), a.expires, &a.id).cmp(&(b.expires.is_none(), b.expires, &b.id)));
    let today = today();
    if json {
        let v: Vec<serde_json::Value> = list
            .iter()
            .map(|c| {
                let mut v = serde_json::to_value(c).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("active".into(), c.active_on(today).into());
                    o.insert("status".into(), control_status(c, today).into());
                }
                v
            })
            .collect();
        output::print_json(&v)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            let mut scope: Vec<String> = c.assets.iter().chain(&c.zones).cloned().collect();
            if !c.vulnerabilities.is_empty() {
                scope.push(format!("[{}]", c.vulnerabilities.join(", ")));
            }
            scope.extend(c.changes.iter().cloned());
            vec![c.id.clone(), c.kind.to_string(), c.owner.clone(), scope.join(" "), control_status(c, today)]
        })
        .collect();
    let mut out = output::table(&["CONTROL", "KIND", "OWNER", "SCOPE / EFFECT", "STATUS"], &rows);
    let _ = writeln!(out, "{} control(s)", list.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
