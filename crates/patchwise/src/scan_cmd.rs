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
