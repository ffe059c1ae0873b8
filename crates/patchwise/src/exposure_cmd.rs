//! `patchwise exposure`, `paths`, `whatif`, `governance`, `firewall import`, `flows`: reading
//! the store, running the exposure crate and printing its answers.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use exposure::run::{Options, load};
use exposure::whatif::{Change, Delta};
use exposure::{Analysis, Query, ServiceExposure, Step};
use model::{Confidence, EntryKind, SystemExposure};
use store::{SqliteStore, Store};

use crate::cli::{ExposureArgs, WhatifArgs};
use crate::output;

fn analyse(store: &dyn Store, min_confidence: Confidence) -> Result<Analysis> {
    let plant_empty = store.zones()?.is_empty();
    if plant_empty {
        bail!("no plant is stored; import one with `patchwise plant import FILE` (or run `patchwise demo`)");
    }
    Ok(load(store, &Options { min_confidence })?)
}

/// `internet → asset:JUMP-01 → asset:EWS-SIE-01`: the hops of a path in one line.
fn path_line(path: &[Step]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(first) = path.first() {
        parts.push(first.from.trim_start_matches("entry:").to_string());
    }
    for s in path {
        let to = s.to.trim_start_matches("asset:").to_string();
        match s.action {
            "enter" => parts.push(s.to.clone()),
            "exploit" => parts.push(format!("{to} [{}]", s.vulnerability.as_deref().unwrap_or("?"))),
            "gateway" => parts.push(s.to.clone()),
            _ => {}
        }
    }
    parts.join(" → ")
}

pub fn exposure(store: &dyn Store, args: &ExposureArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let a = analyse(store, args.min_confidence)?;
    if let Some(file) = &args.export_graph {
        let f = std::fs::File::create(file).with_context(|| format!("cannot create {}", file.display()))?;
        let mut w = std::io::BufWriter::new(f);
        let (nodes, edges) = exposure::export::write_graph(&a, &mut w)
            .and_then(|r| std::io::Write::flush(&mut w).map(|()| r))
            .with_context(|| format!("cannot write {}", file.display()))?;
        eprintln!("wrote {nodes} nodes and {edges} edges to {}", file.display());
    }
    if let Some(id) = &args.asset
        && !a.plant().assets.iter().any(|x| &x.id == id)
    {
        bail!("no asset `{id}`");
    }
    let q = Query { from: args.from.clone(), asset: args.asset.clone() };
    let mut list = a.exposures(&q);
    if args.crown_jewels {
        list.retain(|e| e.crown_jewel);
    }
    let elapsed = started.elapsed();
    if args.json {
        output::print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    output::write_stdout(exposure_text(&a, &list, elapsed.as_secs_f64()).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn exposure_text(a: &Analysis, list: &[ServiceExposure], secs: f64) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| {
            let entries: Vec<String> =
                e.entry_points.iter().map(|r| format!("{}({})", r.entry_point, r.hops)).collect();
            vec![
                format!("{}{}", e.asset, if e.crown_jewel { " ★" } else { "" }),
                e.zone.clone(),
                match &e.name {
                    Some(n) => format!("{} {n}", e.service),
                    None => e.service.clone(),
                },
                e.system_exposure.as_str().to_string(),
                entries.join(" "),
                path_line(&e.path),
            ]
        })
        .collect();
    let mut out =
        output::table(&["ASSET", "ZONE", "SERVICE", "EXPOSURE", "ENTRY POINTS (HOPS)", "SHORTEST PATH"], &rows);
    // Crown jewels get their own answer: who can take them, in how many hops.
    let mut jewels: Vec<Vec<String>> = Vec::new();
    let mut shown = std::collections::BTreeSet::new();
    for e in list.iter().filter(|e| e.crown_jewel) {
        if !shown.insert(e.asset.clone()) {
            continue;
        }
        let Some(x) = a.asset_exposure(&e.asset, &Query::default()) else { continue };
        let takers: Vec<String> = x
            .paths
            .iter()
            .filter(|p| p.outcome == "take")
            .map(|p| format!("{}({})", p.entry_point, p.hops.unwrap_or(0)))
            .collect();
        let best = x.paths.first().map(|p| path_line(&p.path)).unwrap_or_default();
        jewels.push(vec![
            x.asset.clone(),
            x.system_exposure.as_str().to_string(),
            if takers.is_empty() { "nobody (reachable only)".to_string() } else { takers.join(" ") },
            best,
        ]);
    }
    if !jewels.is_empty() {
        let more = jewels.len().saturating_sub(50);
        jewels.truncate(50);
        out.push_str("\nCrown jewels reachable from an entry point:\n");
        out.push_str(&output::table(&["CROWN JEWEL", "EXPOSURE", "CAN BE TAKEN BY (HOPS)", "SHORTEST PATH"], &jewels));
        if more > 0 {
            let _ = writeln!(out, "… {more} more (use --crown-jewels --json)");
        }
    }
    let count = |x: SystemExposure| (0..a.plant().assets.len()).filter(|&h| a.system_exposure(h) == x).count();
    let _ = writeln!(
        out,
        "{} reachable service(s); assets: {} open, {} controlled, {} small ({:.2} s). ★ crown jewel; hops = hosts taken on the way.",
        list.len(),
        count(SystemExposure::Open),
        count(SystemExposure::Controlled),
        count(SystemExposure::Small),
        secs
    );
    out
}

pub fn paths(
    store: &dyn Store,
    asset: &str,
    from: &[EntryKind],
    min_confidence: Confidence,
    json: bool,
) -> Result<ExitCode> {
    let a = analyse(store, min_confidence)?;
    let Some(x) = a.asset_exposure(asset, &Query { from: from.to_vec(), asset: None }) else {
        bail!("no asset `{asset}`");
    };
    if json {
        output::print_json(&x)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!(
        "{} (zone {}): System Exposure {}{}\n",
        x.asset,
        x.zone,
        x.system_exposure,
        if x.crown_jewel { ", crown jewel" } else { "" }
    );
    if !x.findings.is_empty() {
        let list: Vec<String> = x
            .findings
            .iter()
            .map(|f| format!("{} ({}{})", f.vulnerability, f.attack_vector.as_str(), if f.kev { ", KEV" } else { "" }))
            .collect();
        let _ = writeln!(out, "open findings, each with System Exposure {}: {}", x.system_exposure, list.join(", "));
    }
    for p in &x.paths {
        match p.outcome {
            "none" => {
                let _ = writeln!(out, "\n{} ({}): no path", p.entry_point, p.kind);
            }
            outcome => {
                let verb = if outcome == "take" { "can take it" } else { "reaches it (no usable finding to take it)" };
                let _ = writeln!(out, "\n{} ({}): {verb}, {} hop(s)", p.entry_point, p.kind, p.hops.unwrap_or(0));
                for (i, s) in p.path.iter().enumerate() {
                    let svc = s.service.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
                    let src = s.rule_source.as_ref().map(|r| format!(" [{}:{}]", r.file, r.line)).unwrap_or_default();
                    let _ = writeln!(out, "  {}. {} {} → {}{svc}: {}{src}", i + 1, s.action, s.from, s.to, s.via);
                }
            }
        }
    }
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The changes named on the command line.
pub fn changes(args: &WhatifArgs) -> Result<Vec<Change>> {
    let mut out = Vec::new();
    out.extend(args.close_conduit.iter().map(|c| Change::CloseConduit { conduit: c.clone() }));
    out.extend(args.disable_rule.iter().map(|r| Change::DisableRule { rule: r.clone() }));
    out.extend(args.isolate.iter().map(|a| Change::Isolate { asset: a.clone() }));
    out.extend(args.close_entry.iter().map(|e| Change::CloseEntry { entry: e.clone() }));
    for r in &args.add_rule {
        out.push(Change::parse_add_rule(r).map_err(anyhow::Error::msg)?);
    }
    if out.is_empty() {
        bail!("name at least one change: --close-conduit, --disable-rule, --isolate, --close-entry or --add-rule");
    }
    Ok(out)
}

pub fn whatif(store: &dyn Store, args: &WhatifArgs) -> Result<ExitCode> {
    let changes = changes(args)?;
    let before = analyse(store, args.min_confidence)?;
    let started = Instant::now();
    let (_, delta) = exposure::whatif::run(&before, &changes).map_err(anyhow::Error::msg)?;
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        output::print_json(&delta)?;
    } else {
        output::write_stdout(delta_text(&delta, secs).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn delta_text(d: &Delta, secs: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "what-if (nothing saved, {:.0} ms):", secs * 1000.0);
    for c in &d.changes {
        let _ = match c {
            Change::CloseConduit { conduit } => writeln!(out, "  close conduit {conduit}"),
            Change::DisableRule { rule } => writeln!(out, "  disable rule {rule}"),
            Change::Isolate { asset } => writeln!(out, "  isolate {asset}"),
            Change::CloseEntry { entry } => writeln!(out, "  close entry point {entry}"),
            Change::AddRule { conduit, rule } => writeln!(
                out,
                "  add to {conduit}: {} {} → {} {}{}",
                rule.action,
                rule.from,
                rule.to,
                rule.protocol,
                if rule.ports.is_empty() {
                    String::from("/any")
                } else {
                    format!("/{}", rule.ports.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(","))
                }
            ),
        };
    }
    let _ = writeln!(
        out,
        "exposures: {} removed, {} added, {} with other hops; attack paths (hosts an entry point can take): {} removed, {} added",
        d.exposures_removed.len(),
        d.exposures_added.len(),
        d.exposures_changed.len(),
        d.paths_removed.len(),
        d.paths_added.len()
    );
    for (label, list) in [("- path", &d.paths_removed), ("+ path", &d.paths_added)] {
        for r in list.iter().take(50) {
            let _ = writeln!(out, "  {label} {} takes {} ({} hop(s))", r.entry_point, r.asset, r.hops);
        }
    }
    for (label, list) in [("- exposure", &d.exposures_removed), ("+ exposure", &d.exposures_added)] {
        for r in list.iter().take(50) {
            let _ = writeln!(
                out,
                "  {label} {} reaches {} {} ({} hop(s))",
                r.entry_point,
                r.asset,
                r.service.as_deref().unwrap_or(""),
                r.hops
            );
        }
        if list.len() > 50 {
            let _ = writeln!(out, "  … {} more (use --json)", list.len() - 50);
        }
    }
    let _ = writeln!(
        out,
        "System Exposure changes: {} asset(s), {} open finding(s)",
        d.system_exposure.len(),
        d.findings_changed
    );
    for c in &d.system_exposure {
        let _ = writeln!(out, "  {}: {} → {} ({} finding(s))", c.asset, c.before, c.after, c.findings.len());
    }
    out
}

pub fn governance(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let plant = store.plant()?;
    if plant.zones.is_empty() {
        bail!("no plant is stored; import one with `patchwise plant import FILE` (or run `patchwise demo`)");
    }
    let flows = store.flows()?;
    let issues = exposure::governance::check(&plant, &flows);
    if json {
        output::print_json(&issues)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = issues
        .iter()
        .map(|i| {
            let mut msg = i.message.clone();
            if let Some(r) = &i.nearest_rule {
                let _ = write!(msg, "; nearest rule {r} differs in {}", i.nearest_differs.as_deref().unwrap_or("?"));
            }
            if let Some(s) = &i.rule_source {
                let _ = write!(msg, " [{}:{}]", s.file, s.line);
            }
            vec![i.severity.to_string(), i.check.to_string(), msg]
        })
        .collect();
    let mut out = output::table(&["SEVERITY", "CHECK", "PROBLEM"], &rows);
    let _ = writeln!(out, "{} problem(s); {} observed flow(s) checked", issues.len(), flows.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn flows_import(store: &mut SqliteStore, files: &[std::path::PathBuf], json: bool) -> Result<ExitCode> {
    let mut all = Vec::new();
    let mut report = Vec::new();
    let mut digest_input = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let f = std::fs::File::open(file).with_context(|| format!("cannot open {name}"))?;
        let read = exposure::flows::read(&name, std::io::BufReader::new(f))?;
        digest_input.extend_from_slice(name.as_bytes());
        report.push(serde_json::json!({
            "file": name,
            "format": read.format,
            "records": read.records,
            "skipped": read.skipped,
            "flows": read.flows.len(),
        }));
        all.extend(read.flows);
    }
    let label: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let source = crate::source("flows", &label.join(" "), &digest_input);
    let changed = store.import_flows(&all, &source)?;
    if json {
        output::print_json(&serde_json::json!({ "files": report, "flows": all.len(), "changed": changed }))?;
    } else {
        for r in &report {
            println!(
                "{}: {} ({} record(s), {} skipped, {} flow(s))",
                r["file"].as_str().unwrap_or(""),
                r["format"].as_str().unwrap_or(""),
                r["records"],
                r["skipped"],
                r["flows"]
            );
        }
        println!(
            "{} flow(s), {changed} new or changed; `patchwise governance` checks them against the conduits",
            all.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn flows_list(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let flows = store.flows()?;
    if json {
        output::print_json(&flows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = flows
        .iter()
        .map(|f| {
            vec![
                f.src.to_string(),
                f.dst.to_string(),
                format!("{}/{}", f.protocol, f.port),
                f.count.to_string(),
                f.last_seen.clone().unwrap_or_default(),
                f.source.clone(),
            ]
        })
        .collect();
    let mut out = output::table(&["SOURCE", "DESTINATION", "SERVICE", "COUNT", "LAST SEEN", "FILE"], &rows);
    let _ = writeln!(out, "{} flow(s)", flows.len());
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn firewall_import(
    store: &mut SqliteStore,
    file: &std::path::Path,
    firewall: Option<&str>,
    format: Option<&str>,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    use std::io::BufRead as _;
    let name = file.display().to_string();
    let open = || -> Result<std::io::BufReader<std::fs::File>> {
        let f = std::fs::File::open(file).with_context(|| format!("cannot open {name}"))?;
        Ok(std::io::BufReader::with_capacity(64 * 1024, f))
    };
    let digest = {
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        std::io::copy(&mut open()?, &mut h).with_context(|| format!("cannot read {name}"))?;
        h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let mut reader = open()?;
    let format = match format {
        Some("iptables" | "iptables-save") => "iptables-save",
        Some("csv") => "csv",
        Some(other) => bail!("unknown format `{other}`; expected iptables or csv"),
        None => exposure::firewall::detect(reader.fill_buf().with_context(|| format!("cannot read {name}"))?),
    };
    let set = match format {
        "iptables-save" => exposure::firewall::iptables::read(&name, reader, "FORWARD")?,
        _ => exposure::firewall::csv::read(&name, reader)?,
    };
    let plant = store.plant()?;
    if plant.zones.is_empty() {
        bail!("no plant is stored; import one with `patchwise plant import FILE` first");
    }
    let assignment = exposure::firewall::assign(&plant, firewall, &set).map_err(|m| anyhow::anyhow!("{name}: {m}"))?;
    let conduits: Vec<model::Conduit> = assignment
        .conduits
        .iter()
        .filter_map(|(id, rules)| {
            plant.conduits.iter().find(|c| &c.id == id).map(|c| model::Conduit { rules: rules.clone(), ..c.clone() })
        })
        .collect();
    let diff = if dry_run {
        None
    } else {
        let source = store::ImportSource {
            kind: "firewall".into(),
            path: name.clone(),
            digest: Some(digest),
            at: crate::now_rfc3339(),
        };
        Some(store.replace_conduits(&conduits, &source)?)
    };
    let per_conduit: Vec<serde_json::Value> = assignment
        .conduits
        .iter()
        .map(|(id, rules)| {
            let before = plant.conduits.iter().find(|c| &c.id == id).map_or(0, |c| c.rules.len());
            serde_json::json!({ "conduit": id, "rules_before": before, "rules_after": rules.len() })
        })
        .collect();
    if json {
        output::print_json(&serde_json::json!({
            "file": name,
            "format": set.format,
            "default": set.default,
            "rules": set.rules.len(),
            "skipped": set.skipped,
            "conduits": per_conduit,
            "unassigned": assignment.unassigned.iter().map(|(r, from, to)| serde_json::json!({
                "rule": r, "from_zones": from, "to_zones": to })).collect::<Vec<_>>(),
            "port_forwards": set.port_forwards,
            "warnings": set.warnings,
            "stored": diff.is_some(),
            "changed": diff.as_ref().map(|d| d.changed.len()),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!(
        "{name}: {} ({} rule(s) read, {} left out), default {}\n",
        set.format,
        set.rules.len(),
        set.skipped,
        set.default
    );
    for c in &per_conduit {
        let _ = writeln!(
            out,
            "  conduit {}: {} → {} rule(s)",
            c["conduit"].as_str().unwrap_or(""),
            c["rules_before"],
            c["rules_after"]
        );
    }
    for (r, from, to) in &assignment.unassigned {
        let src = r.source.as_ref().map(|s| format!("{}:{}", s.file, s.line)).unwrap_or_default();
        let _ = writeln!(
            out,
            "  no conduit of this firewall joins {} and {}: {} {} → {} ({src})",
            if from.is_empty() { "(no zone)".to_string() } else { from.join("/") },
            if to.is_empty() { "(no zone)".to_string() } else { to.join("/") },
            r.action,
            r.from,
            r.to
        );
    }
    for pf in &set.port_forwards {
        let _ = writeln!(
            out,
            "  port forward (line {}): {}:{} → {}:{} — add it to an entry point if it faces the Internet",
            pf.line,
            pf.public_address.map_or("*".to_string(), |a| a.to_string()),
            pf.public_port.map_or("*".to_string(), |p| p.to_string()),
            pf.address,
            pf.port.map_or("*".to_string(), |p| p.to_string())
        );
    }
    for w in &set.warnings {
        let _ = writeln!(out, "  warning: line {}: {}", w.line, w.message);
    }
    match &diff {
        Some(d) => {
            let _ = writeln!(out, "stored: {} conduit(s) changed", d.changed.len());
        }
        None => out.push_str("dry run: nothing stored\n"),
    }
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
