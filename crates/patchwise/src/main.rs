//! The `patchwise` command: parses arguments, opens the store, wires the library crates together
//! and prints their results. No domain logic lives here.

mod cli;
mod decide_cmd;
mod exposure_cmd;
mod findings_cmd;
mod intel_cmd;
mod output;
mod scan_cmd;
mod workflow_cmd;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use store::{AssetFilter, ImportSource, SqliteStore, Store, StoreError};

use cli::{
    AssetsCmd, AuditCmd, BundleCmd, CertificationCmd, Cli, Command, ConduitsCmd, ControlCmd, FirewallCmd, FlowsCmd,
    IntelCmd, PlantCmd, ScanCmd, UserCmd, VerifyCmd, WindowCmd, WorkflowCmd, ZonesCmd,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_sentence(&e));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes joined by colons, leaving out a cause whose text the message already
/// carries (library errors often include their source in their own message).
fn one_sentence(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn run(cli: Cli) -> Result<ExitCode> {
    let db = cli.db.clone();
    let user = cli.user.as_deref();
    match cli.command {
        Command::Demo(args) => demo(&db, args),
        Command::Serve { listen } => serve(&db, listen),
        Command::Plant(PlantCmd::Check { file }) => plant_check(&file),
        Command::Plant(PlantCmd::Import { file, dry_run, json }) => plant_import(&db, &file, dry_run, json),
        Command::Plant(PlantCmd::Export { output }) => plant_export(&db, output.as_deref()),
        Command::Assets(AssetsCmd::List { filter, json }) => assets_list(&db, filter.into_filter()?, json),
        Command::Assets(AssetsCmd::Show { id, json }) => assets_show(&db, &id, json),
        Command::Assets(AssetsCmd::Import { file, strict, dry_run, json }) => {
            assets_import(&db, &file, strict, dry_run, json)
        }
        Command::Zones(ZonesCmd::List { json }) => zones_list(&db, json),
        Command::Conduits(ConduitsCmd::List { json }) => conduits_list(&db, json),
        Command::Cvss { vector, json } => cvss_score(&vector, json),
        Command::Decide { history: true, finding, limit, json, .. } => {
            decide_cmd::history(&open_existing(&db)?, finding.as_deref(), limit, json)
        }
        Command::Decide { decision, asset, bod, dry_run, limit, json, .. } => {
            let opts =
                decide_cmd::DecideOpts { priority: decision, asset: asset.as_deref(), bod, limit, dry_run, json };
            decide_cmd::decide_cmd(&mut open_existing(&db)?, &opts)
        }
        Command::Top { site, limit, json } => decide_cmd::top(&open_existing(&db)?, site.as_deref(), limit, json),
        Command::Exposure(args) => exposure_cmd::exposure(&open_existing(&db)?, &args),
        Command::Paths { asset, from, min_confidence, json } => {
            exposure_cmd::paths(&open_existing(&db)?, &asset, &from, min_confidence, json)
        }
        Command::Whatif(args) => exposure_cmd::whatif(&open_existing(&db)?, &args),
        Command::Governance { json } => exposure_cmd::governance(&open_existing(&db)?, json),
        Command::Firewall(FirewallCmd::Import { file, firewall, format, dry_run, json }) => {
            exposure_cmd::firewall_import(
                &mut open_existing(&db)?,
                &file,
                firewall.as_deref(),
                format.as_deref(),
                dry_run,
                json,
            )
        }
        Command::Flows(FlowsCmd::Import { files, json }) => {
            exposure_cmd::flows_import(&mut open_existing(&db)?, &files, json)
        }
        Command::Flows(FlowsCmd::List { json }) => exposure_cmd::flows_list(&open_existing(&db)?, json),
        Command::Control(ControlCmd::Add(args)) => decide_cmd::control_add(&mut open_existing(&db)?, user, args),
        Command::Control(ControlCmd::List { json }) => decide_cmd::control_list(&open_existing(&db)?, json),
        Command::Control(ControlCmd::Remove { id, reason }) => {
            decide_cmd::control_remove(&mut open_existing(&db)?, user, &id, &reason)
        }
        Command::User(UserCmd::Add { name, role, password_stdin }) => {
            workflow_cmd::user_add(&mut open_existing(&db)?, user, &name, role, password_stdin)
        }
        Command::User(UserCmd::List { json }) => workflow_cmd::user_list(&open_existing(&db)?, json),
        Command::Workflow(WorkflowCmd::Set(a)) => {
            let args = workflow_cmd::ActionArgs {
                reason: a.reason,
                status: a.status,
                source: a.source,
                date: a.date,
                passed: a.passed,
                failed: a.failed,
                evidence: a.evidence,
                window: a.window,
                override_reason: a.override_reason,
                control: a.control,
                justification: a.justification,
                rationale: a.rationale,
                expires: a.expires,
            };
            workflow_cmd::set(&mut open_existing(&db)?, user, &a.id, &a.action, args, a.json)
        }
        Command::Workflow(WorkflowCmd::List { state, json }) => workflow_cmd::list(&open_existing(&db)?, state, json),
        Command::Workflow(WorkflowCmd::Show { id, json }) => workflow_cmd::show(&open_existing(&db)?, &id, json),
        Command::Accept { finding, rationale, expires, json } => {
            let args = workflow_cmd::ActionArgs {
                rationale: Some(rationale),
                expires: Some(expires),
                ..workflow_cmd::ActionArgs::default()
            };
            workflow_cmd::set(&mut open_existing(&db)?, user, &finding, "accept", args, json)
        }
        Command::Verify(VerifyCmd::Security { finding, reason }) => {
            let args = workflow_cmd::ActionArgs { reason, ..workflow_cmd::ActionArgs::default() };
            workflow_cmd::set(&mut open_existing(&db)?, user, &finding, "verify-security", args, false)
        }
        Command::Verify(VerifyCmd::Operations { finding, reason }) => {
            let args = workflow_cmd::ActionArgs { reason, ..workflow_cmd::ActionArgs::default() };
            workflow_cmd::set(&mut open_existing(&db)?, user, &finding, "verify-operations", args, false)
        }
        Command::Audit(AuditCmd::Verify { head, json }) => {
            workflow_cmd::audit_verify(&open_existing(&db)?, head.as_deref(), json)
        }
        Command::Scan(ScanCmd::Parse { files, json }) => scan_cmd::parse(&files, json),
        Command::Scan(ScanCmd::Import { files, json }) => scan_cmd::import(&mut open_existing(&db)?, &files, json),
        Command::Window(WindowCmd::Add(a)) => workflow_cmd::window_add(&mut open_existing(&db)?, user, *a),
        Command::Window(WindowCmd::List { json }) => workflow_cmd::window_list(&open_existing(&db)?, json),
        Command::Window(WindowCmd::Remove { id, reason }) => {
            workflow_cmd::window_remove(&mut open_existing(&db)?, user, &id, &reason)
        }
        Command::Certification(CertificationCmd::Import { file, json }) => {
            workflow_cmd::certification_import(&mut open_existing(&db)?, &file, json)
        }
        Command::Certification(CertificationCmd::List { json }) => {
            workflow_cmd::certification_list(&open_existing(&db)?, json)
        }
        Command::Audit(AuditCmd::List { object, json }) => {
            workflow_cmd::audit_list(&open_existing(&db)?, object.as_deref(), json)
        }
        Command::Match { full, json } => {
            let mut store = open_existing(&db)?;
            findings_cmd::match_cmd(&mut store, full, json, spinner("matching"))
        }
        Command::Findings(args) => {
            let (json, decision) = (args.json, args.decision);
            findings_cmd::findings(&open_existing(&db)?, &args.into_filter(), decision, json)
        }
        Command::Explain { finding, json } => findings_cmd::explain(&open_existing(&db)?, &finding, json),
        Command::Intel(IntelCmd::Import { paths, trust, require_signature, no_match, json }) => {
            let trust = intel_cmd::trust(&trust, require_signature)?;
            let mut store = SqliteStore::open(&db)?;
            let code =
                intel_cmd::import(&mut store, &paths, &now_rfc3339(), &trust, json, spinner("importing intelligence"))?;
            if !no_match {
                findings_cmd::after_intel(&mut store, json)?;
            }
            Ok(code)
        }
        Command::Intel(IntelCmd::Sync { source, cache, nvd_api_key, base_url, nvd_delay, json }) => {
            let config = intel_cmd::sync_config(&source, cache, nvd_api_key, &base_url, nvd_delay)?;
            let mut store = SqliteStore::open(&db)?;
            let code = intel_cmd::sync(&mut store, &config, json, spinner("syncing intelligence feeds"))?;
            findings_cmd::after_intel(&mut store, json)?;
            Ok(code)
        }
        Command::Intel(IntelCmd::Bundle(BundleCmd::Export { file, sign, only, json })) => intel_cmd::bundle_export(
            &open_existing(&db)?,
            &file,
            sign.as_deref(),
            only.as_deref(),
            &now_rfc3339(),
            json,
            spinner("exporting intelligence"),
        ),
        Command::Intel(IntelCmd::Bundle(BundleCmd::Verify { file, trust, require_signature, json })) => {
            intel_cmd::bundle_verify(&file, &intel_cmd::trust(&trust, require_signature)?, json)
        }
        Command::Intel(IntelCmd::Bundle(BundleCmd::Keygen { out })) => intel_cmd::bundle_keygen(&out),
        Command::Intel(IntelCmd::Status { json }) => intel_cmd::status(&open_existing(&db)?, json),
        Command::Intel(IntelCmd::Show { id, json }) => intel_cmd::show(&open_existing(&db)?, &id, json),
        Command::Intel(IntelCmd::Quality { limit, json }) => intel_cmd::quality(&open_existing(&db)?, limit, json),
    }
}

/// Opens the database for reading; a missing file is an error rather than a new empty database.
fn open_existing(db: &Path) -> Result<SqliteStore> {
    if !db.exists() {
        bail!(
            "database {} does not exist; create it with `patchwise demo` or `patchwise plant import FILE`",
            db.display()
        );
    }
    Ok(SqliteStore::open(db)?)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| String::from("unknown"))
}

fn source(kind: &str, path: &str, bytes: &[u8]) -> ImportSource {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    ImportSource { kind: kind.to_string(), path: path.to_string(), digest: Some(digest), at: now_rfc3339() }
}

/// Reads a whole input file; `-` is standard input.
fn read_file(file: &Path) -> Result<Vec<u8>> {
    if file == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf).context("cannot read standard input")?;
        return Ok(buf);
    }
    std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    if !std::io::stderr().is_terminal() {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// Reads and validates a plant file, printing every problem; an error when it has any. Returns
/// the plant and the import source (with the file's digest).
fn load_plant_file(file: &Path) -> Result<(model::Plant, ImportSource)> {
    let bytes = read_file(file)?;
    let name = file.display().to_string();
    let source = source("plant-file", &name, &bytes);
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!("{name}: not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to())
    })?;
    match inventory::plant_file::read_plant(&name, &text) {
        Ok(plant) => Ok((plant, source)),
        Err(errors) => {
            eprintln!("{errors}");
            bail!("{name}: {} problem(s); nothing was changed", errors.len())
        }
    }
}

fn plant_check(file: &Path) -> Result<ExitCode> {
    let (plant, _) = load_plant_file(file)?;
    println!("{}: ok — {}", file.display(), output::plant_counts(&plant));
    Ok(ExitCode::SUCCESS)
}

fn plant_import(db: &Path, file: &Path, dry_run: bool, json: bool) -> Result<ExitCode> {
    let (plant, source) = load_plant_file(file)?;
    let pb = spinner("importing plant");
    let mut store = SqliteStore::open(db)?;
    let diff = if dry_run { store.preview_plant(&plant)? } else { store.import_plant(&plant, &source)? };
    pb.finish_and_clear();
    if json {
        output::print_json(&diff)?;
    } else {
        let verb = if dry_run { "would change" } else { "imported" };
        println!("{}: {verb} into {} — {}", file.display(), db.display(), output::diff_summary(&diff));
        output::print_diff(&diff)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn plant_export(db: &Path, out: Option<&Path>) -> Result<ExitCode> {
    let store = open_existing(db)?;
    let text = inventory::plant_export::write_plant(&store.plant()?);
    match out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => output::write_stdout(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn assets_list(db: &Path, filter: AssetFilter, json: bool) -> Result<ExitCode> {
    let store = open_existing(db)?;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result =
        if json { output::assets_json(&store, &filter, &mut w) } else { output::assets_table(&store, &filter, &mut w) };
    match result.and_then(|()| w.flush().map_err(|e| StoreError::Visitor(e.to_string()))) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(StoreError::Visitor(msg)) if msg.contains("Broken pipe") => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

fn assets_show(db: &Path, id: &str, json: bool) -> Result<ExitCode> {
    let store = open_existing(db)?;
    let Some(asset) = store.asset(id)? else {
        bail!("no asset with id `{id}` in {}", db.display());
    };
    if json {
        output::print_json(&asset)?;
    } else {
        let zones = store.zones()?;
        output::write_stdout(output::asset_text(&asset, &zones).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn assets_import(db: &Path, file: &Path, strict: bool, dry_run: bool, json: bool) -> Result<ExitCode> {
    let name = file.display().to_string();
    let f = std::fs::File::open(file).with_context(|| format!("cannot read {name}"))?;
    let mut store = open_existing(db)?;
    let plant = store.plant()?;
    let pb = spinner("reading asset inventory");
    let import = inventory::asset_csv::read_assets_csv(&name, f, &plant)?;
    pb.finish_and_clear();
    for col in &import.ignored_columns {
        eprintln!("{name}: column `{col}` is not used");
    }
    for r in &import.rejected {
        eprintln!("{r}");
    }
    if strict && !import.rejected.is_empty() {
        bail!("{name}: {} row(s) rejected and --strict given; nothing was imported", import.rejected.len());
    }
    let diff = if dry_run {
        model::asset_upsert_diff(&plant.assets, &import.assets)
    } else {
        let bytes = read_file(file)?;
        store.upsert_assets(&import.assets, &source("asset-csv", &name, &bytes))?
    };
    if json {
        output::print_json(&serde_json::json!({
            "diff": diff,
            "rejected": import.rejected.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        }))?;
    } else {
        let verb = if dry_run { "would change" } else { "imported" };
        println!(
            "{name}: {verb} {} asset row(s) — {}; {} row(s) rejected",
            import.assets.len(),
            output::diff_summary(&diff),
            import.rejected.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn zones_list(db: &Path, json: bool) -> Result<ExitCode> {
    let store = open_existing(db)?;
    let zones = store.zones()?;
    let counts = store.asset_counts_by_zone()?;
    if json {
        output::print_json(&zones)?;
    } else {
        output::write_stdout(output::zones_table(&zones, &counts).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn conduits_list(db: &Path, json: bool) -> Result<ExitCode> {
    let store = open_existing(db)?;
    let conduits = store.conduits()?;
    if json {
        output::print_json(&conduits)?;
    } else {
        output::write_stdout(output::conduits_table(&conduits).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cvss_score(vector: &str, json: bool) -> Result<ExitCode> {
    let v = cvss::parse(vector).with_context(|| format!("CVSS vector `{vector}`"))?;
    let scores = v.scores();
    if json {
        output::print_json(&serde_json::json!({ "vector": v.to_string(), "scores": scores }))?;
    } else {
        output::write_stdout(output::cvss_text(&v, &scores).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A database is a demo database when every import it records came from `patchwise demo`.
fn is_demo_db(db: &Path) -> Result<bool> {
    let store = SqliteStore::open_read_only(db)?;
    Ok(store.imports()?.iter().all(|i| i.source.kind == "demo"))
}

fn demo(db: &Path, args: cli::DemoArgs) -> Result<ExitCode> {
    if db.exists() && !args.force && !is_demo_db(db)? {
        bail!(
            "{} holds imported data that is not from `patchwise demo`; pass --force to replace it or choose another --db",
            db.display()
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    let pb = spinner("building demo plant");
    let (plant, label) = match args.scale {
        Some(n) => (demo::scaled_plant(n), format!("synthetic plant of {n} assets")),
        None => (demo::demo_plant()?, String::from("demo plant")),
    };
    let mut store = SqliteStore::open(db)?;
    store.import_plant(&plant, &source("demo", &label, label.as_bytes()))?;
    let intel = intel_cmd::import_demo_intel(&mut store, &now_rfc3339())?;
    let matched = matching::run::run(&mut store, matching::run::Mode::Full, &now_rfc3339())?;
    let findings = store.finding_summary()?;
    let decided = decide_cmd::refresh(&mut store)?;
    pb.finish_and_clear();
    println!("{}: {label} — {}; {intel}", db.display(), output::plant_counts(&plant));
    println!("{}", findings_cmd::summary_line(&matched, &findings));
    if let Some(r) = decided {
        println!("{}", decide_cmd::refreshed_line(&r));
    }
    if args.serve {
        return serve(db, args.listen);
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(db: &Path, listen: std::net::SocketAddr) -> Result<ExitCode> {
    if !db.exists() {
        bail!("database {} does not exist; run `patchwise demo` first or import a plant", db.display());
    }
    let db_path = db.to_path_buf();
    let opener: server::StoreOpener =
        Arc::new(move || SqliteStore::open_read_only(&db_path).map(|s| Box::new(s) as Box<dyn Store>));
    let config = server::ServerConfig { listen, db_path: db.to_path_buf() };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    rt.block_on(async move {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        let listener = server::bind(&config).await?;
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| listen.to_string());
        eprintln!("Patchwise serving {} on http://{addr}/ (Ctrl-C stops)", db.display());
        server::serve_on(listener, &config, opener, shutdown).await
    })?;
    Ok(ExitCode::SUCCESS)
}
