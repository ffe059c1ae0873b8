//! `patchwise intel …`: wires `intel::files` (reading) to the store's intelligence import, and the
//! store's export to `intel::bundle` (writing), and prints the results. Counting, file handling and
//! printing only; the bundle format and its checks live in `intel::bundle`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use indicatif::ProgressBar;
use intel::bundle::{self, BundleInfo, BundleTrust, BundleWriter, Counts, SigningKey, WriteSummary};
use intel::detect::Format;
use intel::files::{Destination, Skip};
use intel::{IntelError, ReadOptions};
use model::advisory::IntelRecord;
use serde::Serialize;
use store::{IntelFile, IntelImport, IntelImportSummary, Store, StoreError};

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
    bundles: Vec<BundleReport>,
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

    fn bundle(&mut self, file: &str, info: &BundleInfo) -> Result<(), IntelError> {
        self.bundles.push(BundleReport { file: file.to_string(), info: info.clone() });
        Ok(())
    }
}

#[derive(Serialize, Default)]
struct Report {
    documents: BTreeMap<&'static str, usize>,
    records: usize,
    warnings: usize,
    unchanged_files: usize,
    skipped: Vec<SkippedFile>,
    /// Bundles read, with their date and what was concluded about their signature.
    bundles: Vec<BundleReport>,
    changes: IntelImportSummary,
}

#[derive(Serialize)]
struct BundleReport {
    file: String,
    #[serde(flatten)]
    info: BundleInfo,
}

#[derive(Serialize)]
struct SkippedFile {
    file: String,
    reason: String,
}

/// The bundle trust of `intel import`: the `--trust` keys (or `PATCHWISE_TRUSTED_KEYS`) and
/// `--require-signature`, which needs at least one key.
pub fn trust(keys: &[String], require: bool) -> Result<BundleTrust> {
    let keys = keys
        .iter()
        .filter(|k| !k.trim().is_empty())
        .map(|k| bundle::parse_public_key(k).map_err(|e| anyhow::anyhow!("--trust: {e}")))
        .collect::<Result<Vec<_>>>()?;
    if require && keys.is_empty() {
        bail!("--require-signature needs a trusted key: give --trust PUBKEY_HEX or set PATCHWISE_TRUSTED_KEYS");
    }
    Ok(BundleTrust { keys, require })
}

pub fn import(
    store: &mut dyn Store,
    paths: &[PathBuf],
    at: &str,
    trust: &BundleTrust,
    json: bool,
    progress: ProgressBar,
) -> Result<ExitCode> {
    for p in paths {
        if !p.exists() {
            bail!("{} does not exist; nothing was imported", p.display());
        }
    }
    let report = import_report(store, paths, at, trust, progress)?;
    if json {
        output::print_json(&report)?;
    } else {
        output::write_stdout(report_text(&report).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads `paths` into one store transaction, committed only when every file was read.
fn import_report(
    store: &mut dyn Store,
    paths: &[PathBuf],
    at: &str,
    trust: &BundleTrust,
    progress: ProgressBar,
) -> Result<Report> {
    let import = store.begin_intel_import(at)?;
    let mut sink = Sink {
        import,
        progress,
        read: BTreeMap::new(),
        records: 0,
        unchanged: Vec::new(),
        not_intel: Vec::new(),
        warnings: 0,
        bundles: Vec::new(),
    };
    let options = ReadOptions { bundle_trust: trust.clone() };
    if let Err(e) = intel::files::import_paths_with(paths, at, intel::files::Limits::default(), &options, &mut sink) {
        sink.progress.finish_and_clear();
        bail!("{e}; nothing was imported");
    }
    let Sink { import, progress, read, records, unchanged, not_intel, warnings, bundles } = sink;
    let changes = import.commit()?;
    progress.finish_and_clear();
    Ok(Report {
        documents: read,
        records,
        warnings,
        unchanged_files: unchanged.len(),
        skipped: not_intel.into_iter().map(|(file, reason)| SkippedFile { file, reason }).collect(),
        bundles,
        changes,
    })
}

/// The `intel sync` configuration from its arguments: sources in the order given (duplicates
/// dropped), `--base-url SOURCE=URL` overrides, the NVD key and pause.
pub fn sync_config(
    sources: &[sync::SourceKind],
    cache: PathBuf,
    nvd_api_key: Option<String>,
    base_urls: &[String],
    nvd_delay: Option<f64>,
) -> Result<sync::SyncConfig> {
    let mut feeds: Vec<sync::FeedSource> = Vec::new();
    for kind in sources {
        if !feeds.iter().any(|f| f.kind == *kind) {
            feeds.push(sync::FeedSource::new(*kind));
        }
    }
    for b in base_urls {
        let Some((name, url)) = b.split_once('=') else {
            bail!("--base-url `{b}`: expected SOURCE=URL, e.g. kev=https://mirror.example/kev.json");
        };
        let kind: sync::SourceKind = name.parse().map_err(|e: String| anyhow::anyhow!("--base-url: {e}"))?;
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!("--base-url {name}: `{url}` is not an http:// or https:// URL");
        }
        match feeds.iter_mut().find(|f| f.kind == kind) {
            Some(f) => f.url = url.to_string(),
            None => bail!("--base-url names {kind}, which --source does not include"),
        }
    }
    let mut config = sync::SyncConfig::new(cache, feeds);
    config.nvd_api_key = nvd_api_key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    if let Some(secs) = nvd_delay {
        if !(secs.is_finite() && (0.0..=3600.0).contains(&secs)) {
            bail!("--nvd-delay {secs}: expected seconds between 0 and 3600");
        }
        config.nvd_delay = Some(std::time::Duration::from_secs_f64(secs));
    }
    Ok(config)
}

#[derive(Serialize)]
struct SyncOutput {
    sources: Vec<sync::SourceReport>,
    import: Report,
}

/// `intel sync`: fetches into the cache, then imports what this run wrote, in one transaction.
///
/// Only the files this run wrote are read, so an unchanged cache is not hashed again. A marker
/// file (`import-pending`) is written before fetching and removed after a successful import: when
/// a run finds it, an earlier run fetched files it never imported (a failed fetch or import), and
/// the whole cache folders are imported instead (files imported before are skipped by digest).
pub fn sync(store: &mut dyn Store, config: &sync::SyncConfig, json: bool, progress: ProgressBar) -> Result<ExitCode> {
    let now = time::OffsetDateTime::now_utc();
    let at = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| "unknown".into());
    let marker = config.cache.join("import-pending");
    let catch_up = marker.exists();
    std::fs::create_dir_all(&config.cache).with_context(|| format!("cannot create {}", config.cache.display()))?;
    std::fs::write(&marker, at.as_bytes()).with_context(|| format!("cannot write {}", marker.display()))?;
    let fetched = sync::sync(config, now, &mut |msg| progress.set_message(msg.to_string()));
    let report = match fetched {
        Ok(r) => r,
        Err(e) => {
            progress.finish_and_clear();
            bail!(
                "{e}; nothing was imported (files completed before the failure stay in {} and are not fetched again; the next sync imports them)",
                config.cache.display()
            );
        }
    };
    let paths: Vec<PathBuf> = if catch_up {
        report.sources.iter().map(|s| s.folder.clone()).filter(|f| f.is_dir()).collect()
    } else {
        report.sources.iter().flat_map(|s| s.files.iter().cloned()).filter(|f| f.is_file()).collect()
    };
    progress.set_message("importing intelligence");
    let import = if paths.is_empty() {
        progress.finish_and_clear();
        Report::default()
    } else {
        import_report(store, &paths, &at, &BundleTrust::default(), progress)?
    };
    std::fs::remove_file(&marker).with_context(|| format!("cannot remove {}", marker.display()))?;
    let out = SyncOutput { sources: report.sources, import };
    if json {
        output::print_json(&out)?;
    } else {
        let mut s = String::new();
        for r in &out.sources {
            let _ = writeln!(
                s,
                "{}: {} request(s), {} not modified, {} byte(s) downloaded, {} file(s) new or changed",
                r.source,
                r.requests,
                r.not_modified,
                r.downloaded_bytes,
                r.files.len()
            );
            for w in &r.warnings {
                let _ = writeln!(s, "  warning: {w}");
            }
        }
        s.push_str(&report_text(&out.import));
        output::write_stdout(s.as_bytes())?;
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
    for b in &r.bundles {
        let _ = writeln!(
            s,
            "bundle {}: created {} by {}, {} record(s), signature: {}",
            b.file, b.info.created, b.info.generator, b.info.records, b.info.signature
        );
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
            "  KEV: added {}{}, ransomware use {} [{} {}]",
            k.date_added,
            k.due_date.as_deref().map(|d| format!(", due {d}")).unwrap_or_default(),
            match k.ransomware {
                model::advisory::RansomwareUse::Known => "known",
                model::advisory::RansomwareUse::Unknown => "unknown",
            },
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

/// Reads a key file written by `intel bundle keygen`, warning when others may read it.
fn read_signing_key(path: &Path) -> Result<SigningKey> {
    let name = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read key file {name}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(path).with_context(|| format!("cannot read key file {name}"))?.permissions().mode();
        if mode & 0o077 != 0 {
            eprintln!("warning: key file {name} can be read by others (mode {:o}); `chmod 600 {name}`", mode & 0o777);
        }
    }
    bundle::parse_signing_key(&text).with_context(|| format!("key file {name}"))
}

/// `intel bundle export`: checks the arguments, writes the bundle, prints what it holds.
pub fn bundle_export(
    store: &dyn Store,
    file: &Path,
    sign: Option<&Path>,
    only: Option<&[String]>,
    created: &str,
    json: bool,
    progress: ProgressBar,
) -> Result<ExitCode> {
    let key = sign.map(read_signing_key).transpose()?;
    let only: Option<Vec<String>> = only.map(|ids| {
        let mut v: Vec<String> = ids.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        v.dedup();
        v
    });
    if let Some(ids) = &only {
        if ids.is_empty() {
            bail!("--only names no id; nothing was written");
        }
        for id in ids {
            if store.intel_lookup(id)?.is_empty() {
                bail!("--only: nothing is known about `{id}`; nothing was written");
            }
        }
    }
    let written = write_bundle(store, file, key.as_ref(), only.as_deref(), created, &progress);
    progress.finish_and_clear();
    let summary = written?;
    if json {
        output::print_json(&serde_json::json!({
            "file": file.display().to_string(),
            "created": summary.created,
            "records": summary.records,
            "sources": summary.sources,
            "sha256": summary.sha256,
            "key_id": summary.key_id,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }

    let mut s = format!("wrote {}: {} record(s), created {}\n", file.display(), summary.records, summary.created);
    for (source, n) in &summary.sources {
        let _ = writeln!(s, "  {n:>7}  {}", source.as_str());
    }
    let _ = writeln!(s, "sha256 {}", summary.sha256);
    match &summary.key_id {
        Some(id) => {
            let _ = writeln!(s, "signature: signed with key {id}");
        }
        None => s.push_str("signature: unsigned (sign with --sign KEYFILE)\n"),
    }
    output::write_stdout(s.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Reads a bundle through to its trailer without importing anything: the same checks an import
/// makes (header, every record readable, counts, SHA-256, signature against `trust`).
pub fn bundle_verify(file: &Path, trust: &BundleTrust, json: bool) -> Result<ExitCode> {
    let name = file.display().to_string();
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {name}"))?;
    let doc = intel::DocumentInfo { file: name.clone(), ..intel::DocumentInfo::default() };
    let mut records = 0usize;
    let mut sink = |_record| {
        records += 1;
        Ok(())
    };
    let checked = bundle::read(std::io::BufReader::new(f), &doc, trust, &mut sink);
    match checked {
        Ok(info) => {
            if json {
                output::print_json(&serde_json::json!({ "file": name, "valid": true, "bundle": info }))?;
            } else {
                let mut s = format!(
                    "{name}: valid bundle, {} record(s), created {} by {}\n",
                    info.records, info.created, info.generator
                );
                for (source, n) in &info.sources {
                    let _ = writeln!(s, "  {n:>7}  {}", source.as_str());
                }
                let _ = writeln!(s, "sha256 {}", info.sha256);
                let _ = writeln!(s, "signature: {}", info.signature);
                output::write_stdout(s.as_bytes())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json {
                output::print_json(&serde_json::json!({
                    "file": name,
                    "valid": false,
                    "records_read": records,
                    "error": e.to_string(),
                }))?;
                return Ok(ExitCode::from(1));
            }
            Err(anyhow::Error::new(e).context(format!("{name} does not hold up ({records} record(s) read)")))
        }
    }
}

/// Counts the records in one pass (the header states the counts) and writes them in a second,
/// into a temporary file beside `file` that replaces it only when complete.
fn write_bundle(
    store: &dyn Store,
    file: &Path,
    key: Option<&SigningKey>,
    only: Option<&[String]>,
    created: &str,
    progress: &ProgressBar,
) -> Result<WriteSummary> {
    let mut counts = Counts::default();
    store.intel_export(only, &mut |r| {
        counts.add(&r);
        Ok(())
    })?;
    if counts.records == 0 {
        bail!(
            "the database holds no intelligence; import feeds with `patchwise intel import PATH`; nothing was written"
        );
    }
    progress.set_message(format!("exporting intelligence: {} records", counts.records));

    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = file.display();
    let cannot = || format!("cannot write {name}");
    let tmp = tempfile::Builder::new().prefix(".patchwise-bundle-").tempfile_in(dir).with_context(cannot)?;
    let mut writer = BundleWriter::new(BufWriter::new(tmp), created, &counts).with_context(cannot)?;
    let mut failed = None;
    let exported = store.intel_export(only, &mut |r: IntelRecord| {
        writer.push(&r).map_err(|e| {
            let message = e.to_string();
            failed = Some(e);
            StoreError::Visitor(message)
        })
    });
    if let Some(e) = failed {
        return Err(anyhow::Error::new(e).context(format!("{name}: nothing was written")));
    }
    exported?;
    let (out, summary) = writer.finish(key).with_context(|| format!("{name}: nothing was written"))?;
    let tmp = out.into_inner().map_err(|e| e.into_error()).with_context(cannot)?;
    // A bundle holds public intelligence: readable like any export, not 0600 like a temporary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).with_context(cannot)?;
    }
    tmp.as_file().sync_all().with_context(cannot)?;
    tmp.persist(file).map_err(|e| e.error).with_context(cannot)?;
    Ok(summary)
}

/// `intel bundle keygen`: 32 random bytes from the kernel (`/dev/urandom`, Linux and other Unix)
/// as the Ed25519 seed, written as hex to a new file of mode 0600; the public key goes to stdout.
pub fn bundle_keygen(out: &Path) -> Result<ExitCode> {
    let name = out.display();
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .context("cannot read random bytes from /dev/urandom")?;
    if seed.iter().all(|b| *b == 0) {
        bail!("/dev/urandom gave zeros; no key was written");
    }
    let key = SigningKey::from_bytes(&seed);
    seed.fill(0);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(out)
        .with_context(|| format!("cannot create key file {name} (an existing file is never overwritten)"))?;
    let written = writeln!(f, "{}", bundle::hex(&key.to_bytes())).and_then(|()| f.sync_all());
    if let Err(e) = written {
        drop(f);
        let _ = std::fs::remove_file(out);
        return Err(anyhow::Error::new(e).context(format!("cannot write key file {name}")));
    }
    let public = bundle::public_key(&key);
    output::write_stdout(format!("{}\n", bundle::hex(&public)).as_bytes())?;
    eprintln!(
        "secret key written to {name} (mode 0600; keep it where bundles are made); key id {}. \
         Importers trust it with --trust followed by the public key printed above.",
        bundle::key_id(&public)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn quality(store: &dyn Store, limit: usize, json: bool) -> Result<ExitCode> {
    let reports = store.intel_quality(limit)?;
    if json {
        output::print_json(&reports)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = String::new();
    let warnings: usize = reports.iter().map(|r| r.warnings.len()).sum();
    for r in &reports {
        let _ = writeln!(s, "{} {} ({})", r.source.as_str(), r.id, r.file.as_deref().unwrap_or(&r.document));
        for w in &r.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    let _ = writeln!(s, "{} document(s) with {warnings} data-quality warning(s)", reports.len());
    output::write_stdout(s.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the demo intelligence bundle compiled into the `demo` crate; returns a one-line summary.
pub fn import_demo_intel(store: &mut dyn Store, at: &str) -> Result<String> {
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(demo::DEMO_INTEL).iter().map(|b| format!("{b:02x}")).collect();
    let doc = intel::DocumentInfo {
        file: demo::DEMO_INTEL_FILE.to_string(),
        digest: Some(digest.clone()),
        retrieved_at: Some(at.to_string()),
    };
    let mut import = store.begin_intel_import(at)?;
    let info = intel::bundle::read(demo::DEMO_INTEL, &doc, &intel::bundle::BundleTrust::default(), &mut |r| {
        import.put(&r).map_err(store_err)
    })?;
    let file = IntelFile {
        file: doc.file.clone(),
        digest,
        format: Format::Bundle.as_str().to_string(),
        records: info.records,
    };
    import.file_done(&file)?;
    let changes = import.commit()?;
    Ok(format!(
        "demo intelligence: {} advisories, {} KEV entries, {} SSVC point sets",
        changes.advisories_new + changes.advisories_updated + changes.advisories_unchanged,
        changes.kev_new + changes.kev_updated,
        changes.ssvc_new + changes.ssvc_updated
    ))
}
