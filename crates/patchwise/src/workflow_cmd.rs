//! `patchwise user`, `workflow`, `accept`, `verify` and `audit`: the remediation workflow from
//! the command line, acting as a named user (`--user` / `PATCHWISE_USER`). The rules are the
//! `workflow` crate's; every change is written with its audit entry.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use store::{AuditWho, Audited, Store, User};
use workflow::{Action, Certification, Qualification, Record, Role, State, TestRecord};

use crate::output;

/// Who acts: the named user and role. Before any user exists, the command line is `local`
/// with the engineer's rights for controls, and the workflow refuses to move until the first
/// admin is created.
pub fn acting(store: &dyn Store, user: Option<&str>) -> Result<(String, Role)> {
    let users = store.users()?;
    match (user, users.is_empty()) {
        (_, true) => Ok(("local".into(), Role::Engineer)),
        (None, false) => bail!("name the acting user with --user NAME (or PATCHWISE_USER)"),
        (Some(u), false) => match users.iter().find(|x| x.name == u) {
            Some(x) => Ok((x.name.clone(), x.role)),
            None => bail!("no user `{u}`; `patchwise user list` shows them"),
        },
    }
}

fn who(actor: &str, action: &str, reason: &str) -> AuditWho {
    AuditWho { actor: actor.into(), action: action.into(), at: crate::now_rfc3339(), reason: reason.into() }
}

fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::rand_core::OsRng;
    use argon2::password_hash::{PasswordHasher, SaltString};
    if password.chars().count() < 12 {
        bail!("a password has at least 12 characters");
    }
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// `user add NAME --role R`: the first user must be an admin and creates itself; later ones are
/// created by an admin. The password comes from `PATCHWISE_PASSWORD` or the first line of stdin
/// with `--password-stdin`; without one the user can act on the command line but not log in.
pub fn user_add(
    store: &mut store::SqliteStore,
    acting_user: Option<&str>,
    name: &str,
    role: Role,
    password_stdin: bool,
) -> Result<ExitCode> {
    if name.trim().is_empty() || name.chars().any(|c| c.is_whitespace() || c == ':') {
        bail!("user name `{name}` must be one word without `:`");
    }
    let users = store.users()?;
    let actor = if users.is_empty() {
        if role != Role::Admin {
            bail!("the first user is the admin: `patchwise user add {name} --role admin`");
        }
        name.to_string()
    } else {
        let (actor, r) = acting(store, acting_user)?;
        if r < Role::Admin {
            bail!("{actor} is {r}; adding users needs admin");
        }
        actor
    };
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("cannot read the password from stdin")?;
        Some(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        std::env::var("PATCHWISE_PASSWORD").ok()
    };
    let password = password.map(|p| hash_password(&p)).transpose()?;
    let user = User { name: name.into(), role, password, created_at: crate::now_rfc3339() };
    let existed = users.iter().any(|u| u.name == name);
    let e = store.record_audited(&Audited::User { user }, &who(&actor, "user.add", "user added"))?;
    println!("user {name} {} as {role} (audit entry {})", if existed { "updated" } else { "added" }, e.seq);
    Ok(ExitCode::SUCCESS)
}

pub fn user_list(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let users = store.users()?;
    if json {
        output::print_json(&users)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|u| {
            vec![
                u.name.clone(),
                u.role.to_string(),
                if u.password.is_some() { "yes" } else { "no" }.into(),
                u.created_at.clone(),
            ]
        })
        .collect();
    let mut out = output::table(&["USER", "ROLE", "CAN LOG IN", "CREATED"], &rows);
    let _ = writeln!(out, "{} user(s)", users.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The options a workflow action may take.
#[derive(Debug, Default)]
pub struct ActionArgs {
    pub reason: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub date: Option<time::Date>,
    pub passed: bool,
    pub failed: bool,
    pub evidence: Option<String>,
    pub window: Option<String>,
    pub override_reason: Option<String>,
    pub control: Option<String>,
    pub justification: Option<String>,
    pub rationale: Option<String>,
    pub expires: Option<time::Date>,
}

fn action(name: &str, a: ActionArgs, who: &str) -> Result<Action> {
    let need = |v: Option<String>, flag: &str| v.ok_or_else(|| anyhow::anyhow!("`{name}` needs {flag}"));
    Ok(match name {
        "triage" => Action::Triage,
        "plan-patch" => Action::PlanPatch,
        "mitigate" => Action::Mitigate { control: need(a.control, "--control ID")? },
        "accept" => Action::Accept {
            rationale: need(a.rationale, "--rationale TEXT")?,
            expires: a.expires.ok_or_else(|| anyhow::anyhow!("`accept` needs --expires DATE"))?,
        },
        "not-affected" => Action::NotAffected { justification: need(a.justification, "--justification J")? },
        "false-positive" => Action::FalsePositive,
        "certify" => {
            let status = need(a.status, "--status qualified|partially-qualified|not-qualified|not-tested")?;
            Action::Certify(Certification {
                status: Qualification::parse(&status).ok_or_else(|| {
                    anyhow::anyhow!("`{status}`: expected qualified, partially-qualified, not-qualified or not-tested")
                })?,
                source: need(a.source, "--source TEXT (the vendor's statement)")?,
                date: a.date,
            })
        }
        "test" => {
            if a.passed == a.failed {
                bail!("`test` needs --passed or --failed");
            }
            Action::Test(TestRecord { passed: a.passed, by: who.into(), evidence: a.evidence })
        }
        "schedule" => Action::Schedule { window: need(a.window, "--window ID")?, override_reason: a.override_reason },
        "deploy" => Action::Deploy,
        "verify-security" => Action::VerifySecurity,
        "verify-operations" => Action::VerifyOperations,
        "close" => Action::Close,
        "reopen" => Action::Reopen,
        other => bail!(
            "unknown action `{other}`; expected triage, plan-patch, mitigate, accept, not-affected, false-positive, certify, test, schedule, deploy, verify-security, verify-operations, close, reopen"
        ),
    })
}

/// Moves a finding (or a group) one step; refused steps change nothing.
pub fn set(
    store: &mut store::SqliteStore,
    acting_user: Option<&str>,
    id: &str,
    name: &str,
    args: ActionArgs,
    json: bool,
) -> Result<ExitCode> {
    let users = store.users()?;
    if users.is_empty() {
        bail!("no users yet: create the admin first with `patchwise user add NAME --role admin`");
    }
    let (actor, role) = acting(store, acting_user)?;
    let records = store.workflow_records()?;
    let record = match records.into_iter().find(|r| r.id == id) {
        Some(r) => r,
        None => {
            if store.finding(id)?.is_none() {
                bail!("no finding `{id}`; `patchwise findings` lists them (ids are ASSET:VULNERABILITY)");
            }
            Record { id: id.into(), findings: vec![id.into()], ..Record::default() }
        }
    };
    // Security verification is a fact, not a claim: the finding must no longer be open.
    if name == "verify-security" {
        for f in record.findings.iter().chain(std::iter::once(&record.id)) {
            if let Some(found) = store.finding(f)?
                && found.verdict.status.is_open()
            {
                bail!(
                    "{f} still matches ({} by {}): import a later scan, capture or inventory showing the fixed version, run `patchwise match`, then verify",
                    found.verdict.status,
                    found.verdict.advisory
                );
            }
        }
    }
    let reason = args.reason.clone().or_else(|| args.rationale.clone()).unwrap_or_default();
    let a = action(name, args, &actor)?;
    let today = time::OffsetDateTime::now_utc().date();
    let next = workflow::step(&record, a, &actor, role, &crate::now_rfc3339(), today)?;
    let e = store.record_audited(
        &Audited::Workflow { record: next.clone() },
        &who(&actor, &format!("workflow.{name}"), &reason),
    )?;
    if json {
        output::print_json(&serde_json::json!({ "record": next, "audit": e }))?;
    } else {
        println!(
            "{id}: {} → {} by {actor} (audit entry {})",
            record.state.unwrap_or(State::New),
            next.state.unwrap_or(State::New),
            e.seq
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(store: &dyn Store, state: Option<State>, json: bool) -> Result<ExitCode> {
    let mut list = store.workflow_records()?;
    list.retain(|r| state.is_none_or(|s| r.state == Some(s)));
    if json {
        output::print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let today = time::OffsetDateTime::now_utc().date();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|r| {
            let note = match (&r.acceptance, &r.window, &r.control) {
                (Some(a), _, _) if r.state == Some(State::Accepted) => {
                    format!(
                        "accepted by {} until {}{}",
                        a.approver,
                        a.expires,
                        if a.expires <= today { " (expired)" } else { "" }
                    )
                }
                (_, Some(w), _) => format!("window {w}"),
                (_, _, Some(c)) => format!("control {c}"),
                _ => String::new(),
            };
            vec![
                r.id.clone(),
                r.state.unwrap_or(State::New).to_string(),
                r.updated_by.clone(),
                r.updated_at.clone(),
                note,
            ]
        })
        .collect();
    let mut out = output::table(&["ID", "STATE", "BY", "AT", "NOTE"], &rows);
    let _ = writeln!(out, "{} record(s)", list.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(store: &dyn Store, id: &str, json: bool) -> Result<ExitCode> {
    let Some(r) = store.workflow_records()?.into_iter().find(|r| r.id == id) else {
        bail!("no workflow record `{id}`; `patchwise workflow list` shows them");
    };
    let log = store.audit_log(Some(id))?;
    if json {
        output::print_json(&serde_json::json!({ "record": r, "audit": log }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!("{}: {}\n", r.id, r.state.unwrap_or(State::New));
    let rows: Vec<Vec<String>> = log
        .iter()
        .map(|e| vec![e.seq.to_string(), e.at.clone(), e.actor.clone(), e.action.clone(), e.reason.clone()])
        .collect();
    out.push_str(&output::table(&["SEQ", "AT", "WHO", "WHAT", "WHY"], &rows));
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `audit verify`: recomputes the chain; exits 1 when anything was edited or removed.
pub fn audit_verify(store: &dyn Store, head: Option<&str>, json: bool) -> Result<ExitCode> {
    let log = store.audit_log(None)?;
    let v = workflow::audit::verify(&log, head);
    if json {
        output::print_json(&v)?;
    } else if v.ok() {
        println!("audit trail intact: {} entries; head {}", v.entries, v.head);
    } else {
        for p in &v.problems {
            eprintln!("{p}");
        }
        eprintln!("audit trail BROKEN: {} problem(s) in {} entries", v.problems.len(), v.entries);
    }
    Ok(if v.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

pub fn audit_list(store: &dyn Store, object: Option<&str>, json: bool) -> Result<ExitCode> {
    let log = store.audit_log(object)?;
    if json {
        output::print_json(&log)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = log
        .iter()
        .map(|e| {
            vec![e.seq.to_string(), e.at.clone(), e.actor.clone(), e.action.clone(), e.object.clone(), e.reason.clone()]
        })
        .collect();
    output::write_stdout(output::table(&["SEQ", "AT", "WHO", "WHAT", "OBJECT", "WHY"], &rows).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// After decisions were recorded: accepted risks whose acceptance expired, whose CVE entered
/// KEV or whose exposure rose, and mitigations whose control no longer applies, go back to
/// triage — by `patchwise`, with the reason, in the audit trail.
pub fn reopen_after(store: &mut dyn Store, changes: &[store::DecisionChange]) -> Result<usize> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut n = 0;
    for r in store.workflow_records()? {
        let covers = |f: &str| r.id == f || r.findings.iter().any(|x| x == f);
        let why = workflow::lapsed(&r, today).or_else(|| {
            let c = changes.iter().find(|c| covers(&c.finding))?;
            let reason = c.reasons.iter().find(|x| match r.state {
                Some(State::Accepted) => {
                    x.starts_with("new KEV entry") || (x.starts_with("exposure change") && rose(x))
                }
                Some(State::Mitigated) => x.starts_with("control no longer applies"),
                _ => false,
            })?;
            Some(reason.clone())
        });
        let Some(why) = why else { continue };
        let next = workflow::step(&r, Action::Reopen, "patchwise", Role::Admin, &crate::now_rfc3339(), today)?;
        store.record_audited(&Audited::Workflow { record: next }, &who("patchwise", "workflow.reopen", &why))?;
        n += 1;
    }
    Ok(n)
}

/// Whether an "exposure change: A → B" raised the exposure.
fn rose(reason: &str) -> bool {
    let rank = |s: &str| ["small", "controlled", "open"].iter().position(|x| s.starts_with(x));
    let Some(rest) = reason.strip_prefix("exposure change: ") else { return false };
    let Some((a, b)) = rest.split_once(" → ") else { return false };
    matches!((rank(a), rank(b)), (Some(x), Some(y)) if y > x)
}

/// `window add`: checks the window against the stored plant (its site, zones and assets must
/// exist) and writes it with its audit entry.
pub fn window_add(store: &mut store::SqliteStore, user: Option<&str>, a: crate::cli::WindowArgs) -> Result<ExitCode> {
    let (actor, role) = acting(store, user)?;
    if role < Role::Engineer {
        bail!("{actor} is {role}; windows need engineer");
    }
    let w = model::MaintenanceWindow {
        id: a.id,
        site: a.site,
        kind: a.kind,
        start: a.start,
        end: a.end,
        zones: a.zone,
        lines: a.line,
        assets: a.asset,
        capacity_hours: a.capacity_hours,
        proof_test: a.proof_test,
        description: a.description,
    };
    let plant = store.plant()?;
    let mut problems = w.problems();
    if !plant.sites.iter().any(|s| s.id == w.site) {
        problems.push(format!("window {}: no site `{}`", w.id, w.site));
    }
    for z in &w.zones {
        if !plant.zones.iter().any(|x| &x.id == z && x.site == w.site) {
            problems.push(format!("window {}: no zone `{z}` on site {}", w.id, w.site));
        }
    }
    for x in &w.assets {
        if !plant.assets.iter().any(|p| &p.id == x) {
            problems.push(format!("window {}: no asset `{x}`", w.id));
        }
    }
    for l in &w.lines {
        if !plant.assets.iter().any(|p| p.line.as_deref() == Some(l)) {
            problems.push(format!("window {}: no asset is on line `{l}`", w.id));
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    let e = store.record_audited(
        &Audited::Window { window: w.clone() },
        &who(&actor, "window.add", w.description.as_deref().unwrap_or("window added")),
    )?;
    if a.json {
        output::print_json(&serde_json::json!({ "window": w, "audit": e }))?;
    } else {
        println!(
            "window {} {} – {} ({}, {} person-hours) stored (audit entry {})",
            w.id, w.start, w.end, w.kind, w.capacity_hours, e.seq
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn window_remove(store: &mut store::SqliteStore, user: Option<&str>, id: &str, reason: &str) -> Result<ExitCode> {
    let (actor, role) = acting(store, user)?;
    if role < Role::Engineer {
        bail!("{actor} is {role}; windows need engineer");
    }
    let e = store.record_audited(&Audited::RemoveWindow { id: id.into() }, &who(&actor, "window.remove", reason))?;
    println!("window {id} removed (audit entry {})", e.seq);
    Ok(ExitCode::SUCCESS)
}

pub fn window_list(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let list = store.windows()?;
    if json {
        output::print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|w| {
            let scope: Vec<String> = w.zones.iter().chain(&w.lines).chain(&w.assets).cloned().collect();
            vec![
                w.id.clone(),
                w.site.clone(),
                w.kind.to_string(),
                w.start.to_string(),
                w.end.to_string(),
                if scope.is_empty() { "whole site".into() } else { scope.join(" ") },
                w.capacity_hours.to_string(),
                if w.proof_test { "yes" } else { "" }.into(),
            ]
        })
        .collect();
    let mut out =
        output::table(&["WINDOW", "SITE", "KIND", "START", "END", "COVERS", "PERSON-HOURS", "PROOF TEST"], &rows);
    let _ = writeln!(out, "{} window(s)", list.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn certification_import(store: &mut store::SqliteStore, file: &std::path::Path, json: bool) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = workflow::certification::read(bytes.as_slice(), &file.display().to_string())?;
    let digest = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let source = store::ImportSource {
        kind: "certifications".into(),
        path: file.display().to_string(),
        digest: Some(digest),
        at: crate::now_rfc3339(),
    };
    let changed = store.import_certifications(&rows, &source)?;
    if json {
        output::print_json(&serde_json::json!({ "read": rows.len(), "changed": changed }))?;
    } else {
        println!("{}: {} statement(s) read, {changed} new or changed", file.display(), rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn certification_list(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let list = store.certifications()?;
    if json {
        output::print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            vec![
                c.vendor.clone(),
                c.product.clone(),
                c.patch.clone(),
                c.status.clone(),
                c.date.map_or_else(String::new, |d| d.to_string()),
                c.source.clone(),
            ]
        })
        .collect();
    let mut out = output::table(&["VENDOR", "PRODUCT", "PATCH", "STATUS", "DATE", "SOURCE"], &rows);
    let _ = writeln!(out, "{} statement(s)", list.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
