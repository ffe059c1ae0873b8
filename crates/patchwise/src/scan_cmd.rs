//! `patchwise scan parse`: what a scanner report or SBOM holds, counted, without storing it (the
//! readers are the `scan` crate's; the file is streamed).

use std::fmt::Write as _;
use std::io::BufReader;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::output;

/// One host as the dry run lists it.
#[derive(Debug, Serialize)]
struct HostBrief {
    #[serde(skip_serializing_if = "Option::is_none")]
    ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mac: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hostnames: Vec<String>,
    services: usize,
    vulnerabilities: usize,
    components: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    identities: Vec<scan::DeviceIdentity>,
}

#[derive(Debug, Serialize)]
struct Parsed {
    file: String,
    format: &'static str,
    summary: scan::Summary,
    hosts: Vec<HostBrief>,
    /// Distinct CVE ids the file claims.
    cves: usize,
}

fn parse_one(path: &Path) -> Result<Parsed> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
    let mut hosts = Vec::new();
    let mut cves = std::collections::BTreeSet::new();
    let (format, summary) = scan::read_detected(BufReader::with_capacity(1 << 20, f), &name, &mut |item| {
        match item {
            scan::Item::Host(h) => {
                for v in &h.vulns {
                    cves.extend(v.cves.iter().cloned());
                }
                hosts.push(HostBrief {
                    ip: h.ip,
                    mac: h.mac,
                    hostnames: h.hostnames,
                    services: h.services.len(),
                    vulnerabilities: h.vulns.len(),
                    components: h.components.len(),
                    identities: h.identities,
                });
            }
            scan::Item::Vulnerability(v) => cves.extend(v.cves.iter().cloned()),
            scan::Item::Component(_) => {}
        }
        Ok(())
    })?;
    Ok(Parsed { file: name, format: format.name(), summary, hosts, cves: cves.len() })
}

pub fn parse(files: &[std::path::PathBuf], json: bool) -> Result<ExitCode> {
    let mut all = Vec::new();
    for f in files {
        all.push(parse_one(f)?);
    }
    if json {
        output::print_json(&if all.len() == 1 { serde_json::to_value(&all[0])? } else { serde_json::to_value(&all)? })?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|p| {
            let s = &p.summary;
            vec![
                p.file.clone(),
                p.format.to_string(),
                s.hosts.to_string(),
                s.services.to_string(),
                s.vulnerabilities.to_string(),
                p.cves.to_string(),
                s.components.to_string(),
                s.vex_statements.to_string(),
            ]
        })
        .collect();
    let mut out =
        output::table(&["FILE", "FORMAT", "HOSTS", "SERVICES", "VULNERABILITIES", "CVES", "COMPONENTS", "VEX"], &rows);
    let _ = writeln!(out, "nothing stored (a dry run)");
    output::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn digest_of(path: &Path) -> Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// What one file's import did.
#[derive(Debug, Serialize)]
struct Imported {
    file: String,
    format: Option<&'static str>,
    /// `imported`, or `unchanged` (a file with this digest was imported before).
    status: &'static str,
    summary: Option<scan::Summary>,
    tied: usize,
    /// Hosts no asset could be tied to: their key (address or name).
    unmatched: Vec<String>,
    reconciliation: Option<inventory::scan_tie::Reconciliation>,
}

/// `scan import`: each file in one transaction (a failure stores nothing of it); hosts tied to
/// assets by MAC, serial, IP or name; the scanner's CVE claims kept apart and reconciled with
/// Patchwise's open findings on the hosts it covered.
pub fn import(store: &mut store::SqliteStore, files: &[std::path::PathBuf], json: bool) -> Result<ExitCode> {
    use store::Store as _;
    let plant = store.plant()?;
    let index = inventory::scan_tie::AssetIndex::new(&plant.assets);
    let mut out = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let digest = digest_of(path)?;
        let f = std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
        let mut input = BufReader::with_capacity(1 << 20, f);
        let head = std::io::BufRead::fill_buf(&mut input).with_context(|| format!("cannot read {name}"))?;
        let format = scan::detect(head).ok_or_else(|| {
            anyhow::anyhow!("{name}: not a scanner report or SBOM this reader knows (detected from content)")
        })?;
        let meta =
            store::ScanMeta { file: name.clone(), digest, format: format.name().into(), at: crate::now_rfc3339() };
        let Some(mut tx) = store.begin_scan_import(&meta)? else {
            out.push(Imported {
                file: name,
                format: Some(format.name()),
                status: "unchanged",
                summary: None,
                tied: 0,
                unmatched: Vec::new(),
                reconciliation: None,
            });
            continue;
        };
        let mut tied = 0;
        let mut unmatched = Vec::new();
        let mut claims: Vec<(String, String)> = Vec::new();
        let mut covered = std::collections::BTreeSet::new();
        let summary = scan::read(format, input, &name, &mut |item| {
            let scan::Item::Host(h) = item else { return Ok(()) };
            let key =
                h.ip.clone().or_else(|| h.name.clone()).or_else(|| h.hostnames.first().cloned()).unwrap_or_default();
            let t = index.tie(&h);
            let asset = t.as_ref().map(|(i, _)| plant.assets[*i].id.clone());
            match &asset {
                Some(a) => {
                    tied += 1;
                    covered.insert(a.clone());
                }
                None => unmatched.push(key.clone()),
            }
            let mut mine = Vec::new();
            for v in &h.vulns {
                for c in &v.cves {
                    mine.push((
                        c.trim().to_ascii_uppercase(),
                        v.scanner_id.clone(),
                        v.title.clone(),
                        v.severity.clone(),
                    ));
                    if let Some(a) = &asset {
                        claims.push((a.clone(), c.clone()));
                    }
                }
            }
            let doc =
                serde_json::to_string(&h).map_err(|e| scan::Error::Sink { file: name.clone(), what: e.to_string() })?;
            let row = store::ScanHostRow { key, asset, tied_by: t.map(|(_, why)| why), doc };
            tx.put_host(&row, &mine).map_err(|e| scan::Error::Sink { file: name.clone(), what: e.to_string() })
        })?;
        tx.commit(summary.services, summary.components)?;
        let findings = store.exposure_findings(model::Confidence::Low)?.into_iter().map(|f| (f.asset, f.vulnerability));
        let reconciliation = inventory::scan_tie::reconcile(claims, findings, &covered);
        out.push(Imported {
            file: name,
            format: Some(format.name()),
            status: "imported",
            summary: Some(summary),
            tied,
            unmatched,
            reconciliation: Some(reconciliation),
        });
    }
    if json {
        output::print_json(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for i in &out {
        let Some(s) = &i.summary else {
            let _ = writeln!(text, "{}: already imported (same content), nothing changed", i.file);
            continue;
        };
        let _ = writeln!(
            text,
            "{} ({}): {} host(s), {} tied to assets, {} unmatched; {} service(s), {} vulnerability claim(s), {} component(s)",
            i.file,
            i.format.unwrap_or(""),
            s.hosts,
            i.tied,
            i.unmatched.len(),
            s.services,
            s.vulnerabilities,
            s.components
        );
        if !i.unmatched.is_empty() {
            let shown: Vec<&str> = i.unmatched.iter().take(20).map(String::as_str).collect();
            let _ = writeln!(
                text,
                "  unmatched hosts (no asset has their MAC, serial, address or name): {}{}",
                shown.join(", "),
                if i.unmatched.len() > 20 { ", …" } else { "" }
            );
        }
        if let Some(r) = &i.reconciliation {
            let _ = writeln!(
                text,
                "  reconciliation on the tied assets: {} agreed, {} only the scanner, {} only Patchwise",
                r.agreed.len(),
                r.scanner_only.len(),
                r.patchwise_only.len()
            );
        }
    }
    output::write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
