//! `patchwise intel …`: wires `intel::files` (reading) to the store's intelligence import and
//! prints the results. Counting and printing only.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use indicatif::ProgressBar;
use intel::IntelError;
use intel::detect::Format;
use intel::files::{Destination, Skip};
use model::advisory::IntelRecord;
use serde::Serialize;
use store::{IntelFile, IntelImport, IntelImportSummary, Store};

use crate::output;

/// Feeds records into one store transaction and keeps the per-file tally for the summary.
struct Sink<'a> {
    import: Box<dyn IntelImport + 'a>,
    progress: ProgressBar,
    read: BTreeMap<&'static str, usize>,
    records: usize,
    unchanged: Vec<String>,
    not_intel: Vec<(String, String)>,
    warnings: usize,
}

fn store_err(e: store::StoreError) -> IntelError {
    IntelError::Sink(e.to_string())
}

impl Destination for Sink<'_> {
    fn seen(&mut self, digest: &str) -> Result<bool, IntelError> {
        self.import.seen(digest).map_err(store_err)
    }

    fn put(&mut self, record: IntelRecord) -> Result<(), IntelError> {
        self.records += 1;
        if self.records.is_multiple_of(2048) {
            self.progress.set_message(format!("importing intelligence: {} records", self.records));
        }
        self.import.put(&record).map_err(store_err)
    }

    fn done(
        &mut self,
        file: &str,
        digest: &str,
        format: Format,
        summary: &intel::ReadSummary,
    ) -> Result<(), IntelError> {
        *self.read.entry(format.as_str()).or_default() += 1;
        self.warnings += summary.warnings.len();
        let f = IntelFile {
            file: file.to_string(),
            digest: digest.to_string(),
            format: format.as_str().to_string(),
            records: summary.records,
        };
        self.import.file_done(&f).map_err(store_err)
    }

    fn skipped(&mut self, file: &str, reason: Skip) {
        match reason {
            Skip::Unchanged => self.unchanged.push(file.to_string()),
            Skip::NotIntel(why) => self.not_intel.push((file.to_string(), why)),
        }
    }
}

#[derive(Serialize)]
struct Report {
    documents: BTreeMap<&'static str, usize>,
    records: usize,
    warnings: usize,
    unchanged_files: usize,
    skipped: Vec<SkippedFile>,
    changes: IntelImportSummary,
}

#[derive(Serialize)]
struct SkippedFile {
    file: String,
    reason: String,
}

pub fn import(
    store: &mut dyn Store,
    paths: &[PathBuf],
    at: &str,
    json: bool,
    progress: ProgressBar,
) -> Result<ExitCode> {
    for p in paths {
        if !p.exists() {
            bail!("{} does not exist; nothing was imported", p.display());
        }
    }
    let import = store.begin_intel_import(at)?;
    let mut sink = Sink {
        import,
        progress,
        read: BTreeMap::new(),
        records: 0,
        unchanged: Vec::new(),
        not_intel: Vec::new(),
        warnings: 0,
    };
    if let Err(e) = intel::files::import_paths(paths, at, intel::files::Limits::default(), &mut sink) {
        sink.progress.finish_and_clear();
        bail!("{e}; nothing was imported");
    }
    let Sink { import, progress, read, records, unchanged, not_intel, warnings } = sink;
    let changes = import.commit()?;
    progress.finish_and_clear();
    let report = Report {
        documents: read,
        records,
        warnings,
        unchanged_files: unchanged.len(),
        skipped: not_intel.into_iter().map(|(file, reason)| SkippedFile { file, reason }).collect(),
        changes,
    };
    if json {
        output::print_json(&report)?;
    } else {
        output::write_stdout(report_text(&report).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report_text(r: &Report) -> String {
    let mut s = String::new();
    let docs: usize = r.documents.values().sum();
    let _ = writeln!(s, "read {docs} document(s), {} record(s), {} data-quality warning(s)", r.records, r.warnings);
    for (format, n) in &r.documents {
        let _ = writeln!(s, "  {n:>7}  {format}");
    }
    let c = &r.changes;
    let _ = writeln!(
        s,
        "advisories: {} new, {} updated, {} unchanged, {} older than stored (kept the stored one)",
        c.advisories_new, c.advisories_updated, c.advisories_unchanged, c.advisories_older
    );
    let _ = writeln!(
        s,
        "signals: KEV {} new, {} updated; EPSS {} new, {} updated; SSVC {} new, {} updated; {} unchanged, {} older than stored",
        c.kev_new,
        c.kev_updated,
        c.epss_new,
        c.epss_updated,
        c.ssvc_new,
        c.ssvc_updated,
        c.signals_unchanged,
        c.signals_older
    );
    if r.unchanged_files > 0 {
        let _ = writeln!(s, "{} file(s) imported before, skipped unchanged", r.unchanged_files);
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(s, "{} file(s) are not intelligence and were skipped:", r.skipped.len());
        for f in &r.skipped {
            let _ = writeln!(s, "  {} — {}", f.file, f.reason);
        }
    }
    s
}

pub fn status(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let status = store.intel_status()?;
    if json {
        output::print_json(&status)?;
        return Ok(ExitCode::SUCCESS);
    }
    if status.is_empty() {
        output::write_stdout(b"no intelligence imported; use `patchwise intel import PATH`\n")?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = format!("{:<14} {:<11} {:>9}  {:<22} LAST IMPORT\n", "SOURCE", "KIND", "RECORDS", "NEWEST");
    for st in &status {
        let _ = writeln!(
            s,
            "{:<14} {:<11} {:>9}  {:<22} {}",
            st.source.as_str(),
            st.kind.as_str(),
            st.records,
            st.newest.as_deref().unwrap_or("-"),
            st.last_import.as_deref().unwrap_or("-")
        );
    }
    output::write_stdout(s.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(store: &dyn Store, id: &str, json: bool) -> Result<ExitCode> {
    let view = store.intel_lookup(id)?;
    if view.is_empty() {
        bail!("nothing is known about `{id}`; import feeds with `patchwise intel import PATH`");
    }
    if json {
        output::print_json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = String::new();
    let _ = writeln!(s, "{id}");
    for k in &view.kev {
        let _ = writeln!(
            s,
            "  KEV: added {}{}, ransomware {:?} [{} {}]",
            k.date_added,
            k.due_date.as_deref().map(|d| format!(", due {d}")).unwrap_or_default(),
            k.ransomware,
            k.provenance.source.as_str(),
            k.provenance.revision.as_deref().unwrap_or("")
        );
    }
    if let Some(e) = &view.epss {
        let _ = writeln!(s, "  EPSS: {:.5} (percentile {:.5}) on {}", e.score, e.percentile, e.date);
    }
    for p in &view.ssvc {
        let _ = writeln!(
            s,
            "  SSVC ({}): exploitation {}, automatable {}, technical impact {}",
            p.role.as_deref().unwrap_or("?"),
            p.exploitation.map(|e| format!("{e:?}").to_lowercase()).unwrap_or_else(|| "unknown".into()),
            p.automatable.map(|a| if a { "yes" } else { "no" }).unwrap_or("unknown"),
            p.technical_impact.map(|t| format!("{t:?}").to_lowercase()).unwrap_or_else(|| "unknown".into()),
        );
    }
    for a in &view.advisories {
        let _ = writeln!(
            s,
            "  {} {} [{} {} {}]{}",
            a.provenance.source.as_str(),
            a.id,
            a.provenance.document,
            a.provenance.revision.as_deref().unwrap_or(""),
            a.provenance.file.as_deref().unwrap_or(""),
            if a.rejected { " REJECTED" } else { "" }
        );
        if let Some(t) = a.title.as_deref().or(a.description.as_deref()) {
            let t: String = t.chars().take(160).collect();
            let _ = writeln!(s, "      {t}");
        }
        for v in &a.cvss {
            let score =
                cvss::parse(&v.vector).map(|p| format!("{:.1}", p.scores().base)).unwrap_or_else(|_| "invalid".into());
            let _ = writeln!(s, "      CVSS {score} {} ({})", v.vector, v.scored_by.as_deref().unwrap_or("?"));
        }
        let _ =
            writeln!(s, "      {} affected statement(s), {} remediation(s)", a.affected.len(), a.remediations.len());
    }
    output::write_stdout(s.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
