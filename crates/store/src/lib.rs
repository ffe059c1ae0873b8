//! Persistence of the plant model: SQLite by default, behind the [`Store`] trait so another
//! backend (PostgreSQL for multi-site scale) can be added without touching the engines.
//!
//! Nothing outside this crate knows SQL. Every import runs in one transaction: it commits whole or
//! changes nothing. Schema changes are versioned migrations embedded in the binary.
//!
//! Intelligence (advisories, KEV entries, EPSS scores, SSVC points) is stored beside the plant by
//! an [`IntelImport`]; which of two versions of one record is kept is decided by the rules in
//! [`revision`], the same for every backend.

use model::advisory::{Advisory, EpssScore, IntelRecord, KevEntry, Source, SsvcPoints};
use model::finding::{Finding, Verdict};
use model::{
    Asset, AssetKind, AssetSummary, Component, Conduit, Confidence, EntryPoint, FindingStatus, Flow, Identity, Plant,
    PlantDiff, Site, Zone,
};
use serde::Serialize;

pub mod revision;
mod sqlite;

pub use sqlite::SqliteStore;

/// Errors of the store. Messages name the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than this build of patchwise understands ({known}); upgrade patchwise"
    )]
    SchemaTooNew { path: String, found: i64, known: i64 },
    #[error("database {path}: stored record {what} is unreadable: {message}")]
    Corrupt { path: String, what: String, message: String },
    #[error("{0}")]
    Refused(String),
    /// Raised by a caller's visitor to stop a listing early (for example a closed pipe).
    #[error("{0}")]
    Visitor(String),
}

/// Where an import came from; kept in the database's import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSource {
    /// `plant-file`, `asset-csv`, `demo`, …
    pub kind: String,
    /// The file as the user named it.
    pub path: String,
    /// Hex SHA-256 or another content digest of the file, where the caller computed one.
    pub digest: Option<String>,
    /// When the import ran, RFC 3339; passed in so the store reads no clock.
    pub at: String,
}

/// One entry of the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub source: ImportSource,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// Narrows an asset listing. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    pub site: Option<String>,
    pub zone: Option<String>,
    pub kind: Option<AssetKind>,
    /// Case-insensitive substring of id, name, vendor, product, model or an address.
    pub text: Option<String>,
}

/// One intelligence file as the import saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntelFile {
    /// The file as the user named it (`dir/file.json.gz`, `bundle.zip!member.json`).
    pub file: String,
    /// Hex SHA-256 of its bytes (after nothing: of the file as stored on disk or in the archive).
    pub digest: String,
    /// The format detected (`CSAF 2.0 document`).
    pub format: String,
    /// Records read from it.
    pub records: usize,
}

/// What an intelligence import changed, counted per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntelImportSummary {
    pub files: usize,
    /// Files whose digest was already imported; the caller skipped reading them.
    pub files_unchanged: usize,
    pub advisories_new: usize,
    pub advisories_updated: usize,
    pub advisories_unchanged: usize,
    /// Incoming advisories older than the stored revision; the stored one was kept.
    pub advisories_older: usize,
    pub kev_new: usize,
    pub kev_updated: usize,
    pub epss_new: usize,
    pub epss_updated: usize,
    pub ssvc_new: usize,
    pub ssvc_updated: usize,
    /// Records identical to what was stored (KEV, EPSS, SSVC).
    pub signals_unchanged: usize,
    /// Incoming KEV, EPSS and SSVC records older than the stored one, which was kept.
    pub signals_older: usize,
}

/// An intelligence import in progress: one transaction. Dropping it without `commit` changes
/// nothing.
pub trait IntelImport {
    /// Whether a file with this digest was imported before (by an earlier import, or by this one
    /// through [`IntelImport::file_done`]). Every `true` answer counts one file in
    /// [`IntelImportSummary::files_unchanged`]: ask once per file, and skip it when it was seen.
    fn seen(&self, digest: &str) -> Result<bool, StoreError>;
    /// Stores one record. The same record arriving twice, or in two formats (the KEV catalog as
    /// JSON and as CSV), is stored once; a newer revision replaces an older one; an older one
    /// never replaces a newer one. The rules are in [`revision`]. A record without an id, or an
    /// EPSS score that is not a finite number, is refused.
    fn put(&mut self, record: &IntelRecord) -> Result<(), StoreError>;
    /// Records that a file was read completely (its digest, so a re-import can skip it). Counts
    /// one file in [`IntelImportSummary::files`].
    fn file_done(&mut self, file: &IntelFile) -> Result<(), StoreError>;
    /// Counts so far (the summary `commit` returns).
    fn summary(&self) -> IntelImportSummary;
    /// Commits everything put since `begin_intel_import`.
    fn commit(self: Box<Self>) -> Result<IntelImportSummary, StoreError>;
}

/// The kinds of stored intelligence record, in the order [`Store::intel_status`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntelKind {
    Advisories,
    Kev,
    Epss,
    Ssvc,
}

impl IntelKind {
    pub const ALL: [IntelKind; 4] = [IntelKind::Advisories, IntelKind::Kev, IntelKind::Epss, IntelKind::Ssvc];

    pub fn as_str(self) -> &'static str {
        match self {
            IntelKind::Advisories => "advisories",
            IntelKind::Kev => "kev",
            IntelKind::Epss => "epss",
            IntelKind::Ssvc => "ssvc",
        }
    }
}

impl std::fmt::Display for IntelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per source and kind of record: how many records, the newest record date, the last import.
/// A source that delivered several kinds (a CVE 5 ADP container: advisories, KEV echoes, SSVC
/// points) has one line per kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntelSourceStatus {
    /// The source of the stored records. NVD 1.1 and 2.0 store one record per CVE, under the
    /// source of the version that was kept, so the `Nvd11` and `Nvd2` lines add up to the
    /// distinct NVD CVEs.
    pub source: Source,
    pub kind: IntelKind,
    /// Distinct records: advisories, KEV entries, EPSS scores, SSVC point sets.
    pub records: usize,
    /// Newest advisory `modified` (as UTC `YYYY-MM-DDTHH:MM:SSZ` where it is a timestamp), KEV
    /// `date_added`, EPSS score date or SSVC timestamp (likewise) among them.
    pub newest: Option<String>,
    /// When an import last delivered records of this source and kind, changed or not (RFC 3339,
    /// the `at` of [`Store::begin_intel_import`]). Files skipped by digest do not count.
    pub last_import: Option<String>,
}

/// Everything stored about one id (a CVE or an advisory id), each record with its provenance.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IntelView {
    /// Advisories whose id is the id, or that name it among their aliases (the CSAF advisories
    /// covering a CVE), sorted by source, then id, then provenance document.
    pub advisories: Vec<Advisory>,
    /// The catalog entry (`Kev`) and its echoes (`Cve5Adp`), sorted by source.
    pub kev: Vec<KevEntry>,
    pub epss: Option<EpssScore>,
    /// Sorted by role (none first), then source.
    pub ssvc: Vec<SsvcPoints>,
}

impl IntelView {
    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty() && self.kev.is_empty() && self.epss.is_none() && self.ssvc.is_empty()
    }
}

/// One stored advisory that carries data-quality warnings (a loose version range normalised, a
/// range left unparsed): what an analyst should look at before trusting matches against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityReport {
    /// The source of the stored version.
    pub source: Source,
    /// The advisory id.
    pub id: String,
    /// The provenance document (`ICSA-24-102-03`, `CVE-2024-3400#adp/CISA-ADP`).
    pub document: String,
    /// The file it was read from, as the importer named it.
    pub file: Option<String>,
    /// The warnings, as the reader wrote them; never empty.
    pub warnings: Vec<String>,
}

/// The persistence interface every backend implements. A conformance suite in the tests runs
/// against every backend.
pub trait Store: Send {
    /// The whole stored plant, records sorted by id.
    fn plant(&self) -> Result<Plant, StoreError>;

    /// What [`Store::import_plant`] would change, without changing anything.
    fn preview_plant(&self, plant: &Plant) -> Result<PlantDiff, StoreError>;

    /// Replaces the stored plant with `plant` in one transaction: records are added, updated in
    /// place or removed; assets from other sources are kept unless the plant names them.
    /// Records that did not change are not written.
    fn import_plant(&mut self, plant: &Plant, source: &ImportSource) -> Result<PlantDiff, StoreError>;

    /// Adds or updates assets (from a CSV inventory) in one transaction; removes nothing.
    /// Every asset's zone must exist, else nothing is written.
    fn upsert_assets(&mut self, assets: &[Asset], source: &ImportSource) -> Result<PlantDiff, StoreError>;

    fn sites(&self) -> Result<Vec<Site>, StoreError>;
    fn zones(&self) -> Result<Vec<Zone>, StoreError>;
    fn conduits(&self) -> Result<Vec<Conduit>, StoreError>;
    fn entry_points(&self) -> Result<Vec<EntryPoint>, StoreError>;

    /// One asset with everything recorded about it.
    fn asset(&self, id: &str) -> Result<Option<Asset>, StoreError>;

    /// Streams asset summaries sorted by id to `visit`; returns how many were visited.
    fn asset_summaries(
        &self,
        filter: &AssetFilter,
        visit: &mut dyn FnMut(AssetSummary) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError>;

    /// Number of assets per zone id: every zone, with 0 where it has none, sorted by zone id.
    fn asset_counts_by_zone(&self) -> Result<Vec<(String, usize)>, StoreError>;

    /// Ids of the assets that list `id` in their `depends_on`, sorted.
    fn dependents(&self, id: &str) -> Result<Vec<String>, StoreError>;

    /// Ids of the assets in a redundancy group, sorted.
    fn redundancy_peers(&self, group: &str) -> Result<Vec<String>, StoreError>;

    /// The import log, newest first. Every successful import is logged, including one that
    /// changed nothing; a refused import is not. Intelligence imports are not in this log; their
    /// trace is the list of files they read (see [`IntelImport::seen`]).
    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError>;

    /// Starts an intelligence import: one write transaction, held until the import is committed
    /// or dropped. `at` (RFC 3339) is when it runs, passed in so the store reads no clock.
    fn begin_intel_import(&mut self, at: &str) -> Result<Box<dyn IntelImport + '_>, StoreError>;

    /// Per source and kind of record, in [`Source`] then [`IntelKind`] order; sources with no
    /// records are left out.
    fn intel_status(&self) -> Result<Vec<IntelSourceStatus>, StoreError>;

    /// Everything stored about a CVE or advisory id, or an alias of one (case-insensitive).
    /// Empty when nothing is known.
    fn intel_lookup(&self, id: &str) -> Result<IntelView, StoreError>;

    /// Streams every stored intelligence record to `visit`, as stored (provenance included), in
    /// one snapshot and a deterministic order: advisories by id (ASCII case-insensitive), then
    /// family (`nvd` for both NVD feeds, else the source) and ADP container; then KEV entries by
    /// CVE and source, EPSS scores by CVE, SSVC points by CVE and role. Returns how many were
    /// visited. With `filter`, only records about those ids (case-insensitive): advisories whose
    /// id is one of them or that name one among their aliases (the vendor advisories covering a
    /// CVE), and the KEV, EPSS and SSVC records of those CVEs. A visitor error stops the export and
    /// is returned.
    ///
    /// Every backend meant to hold intelligence implements it (the conformance suite checks it);
    /// the default, for stores that only serve reads of a fixed set (test doubles), refuses.
    fn intel_export(
        &self,
        filter: Option<&[String]>,
        visit: &mut dyn FnMut(IntelRecord) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let _ = (filter, visit);
        Err(StoreError::Refused("this store cannot export intelligence".into()))
    }

    /// The stored advisories whose kept version carries data-quality warnings, sorted by source
    /// (in [`Source`] order), then id (ASCII case-insensitive), then provenance document; at most
    /// `limit` of them, every one when `limit` is 0. Reads only the advisories with warnings.
    fn intel_quality(&self, limit: usize) -> Result<Vec<QualityReport>, StoreError>;

    /// Findings (verdicts on assets), sorted by asset id, then vulnerability, then slot; at most
    /// `filter.limit` of them (all when 0) after skipping `filter.offset`.
    fn findings(&self, filter: &FindingFilter) -> Result<Vec<Finding>, StoreError>;

    /// One finding by its id (`<asset>:<vulnerability>[:<slot>]`).
    fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError>;

    /// Counts of findings and when matching last ran.
    fn finding_summary(&self) -> Result<FindingSummary, StoreError>;

    /// Open findings (affected, under investigation) at `min` confidence or more, one per asset
    /// and vulnerability, with every stored CVSS vector of the vulnerability: what the exposure
    /// stage needs to know which assets an attacker can take.
    fn exposure_findings(&self, min: Confidence) -> Result<Vec<ExposureFinding>, StoreError> {
        let _ = min;
        Ok(Vec::new())
    }

    /// What intelligence says about the vulnerabilities of open findings: KEV, SSVC points,
    /// EPSS — the signals of a decision. One entry per vulnerability that has any.
    fn decision_signals(&self) -> Result<Vec<VulnSignals>, StoreError> {
        Ok(Vec::new())
    }

    /// Every stored decision (what each open finding was last decided), by finding id.
    fn stored_decisions(&self) -> Result<Vec<StoredDecision>, StoreError> {
        Ok(Vec::new())
    }

    /// Records decisions in one transaction: `upserts` replace the stored rows of their
    /// findings, `removed` findings leave the list, `changes` are appended to the history.
    fn save_decisions(
        &mut self,
        upserts: &[StoredDecision],
        removed: &[String],
        changes: &[DecisionChange],
    ) -> Result<(), StoreError> {
        let _ = (upserts, removed, changes);
        Err(StoreError::Refused("this store does not keep decisions".into()))
    }

    /// The decision history, newest first: of one finding, or of all (at most `limit`; 0: all).
    fn decision_history(&self, finding: Option<&str>, limit: usize) -> Result<Vec<DecisionChange>, StoreError> {
        let _ = (finding, limit);
        Ok(Vec::new())
    }

    /// Every compensating control, by id.
    fn controls(&self) -> Result<Vec<model::Control>, StoreError> {
        Ok(Vec::new())
    }

    /// Writes a change and its audit entry in one transaction (the entry chained to the last
    /// one); returns the entry. A control with problems, a removal of something that does not
    /// exist, are refused and change nothing.
    fn record_audited(&mut self, change: &Audited, who: &AuditWho) -> Result<workflow::audit::Entry, StoreError> {
        let _ = (change, who);
        Err(StoreError::Refused("this store does not keep the workflow".into()))
    }

    /// Every workflow record, by id.
    fn workflow_records(&self) -> Result<Vec<workflow::Record>, StoreError> {
        Ok(Vec::new())
    }

    /// Local users, by name.
    fn users(&self) -> Result<Vec<User>, StoreError> {
        Ok(Vec::new())
    }

    /// The audit trail in order (of one object when given).
    fn audit_log(&self, object: Option<&str>) -> Result<Vec<workflow::audit::Entry>, StoreError> {
        let _ = object;
        Ok(Vec::new())
    }

    /// Maintenance windows, by start.
    fn windows(&self) -> Result<Vec<model::MaintenanceWindow>, StoreError> {
        Ok(Vec::new())
    }

    /// Vendor qualification statements, by vendor, product, patch.
    fn certifications(&self) -> Result<Vec<model::Certification>, StoreError> {
        Ok(Vec::new())
    }

    /// Stores vendor qualification statements in one transaction (a statement from the same
    /// source about the same patch replaces the older one); returns the rows new or changed.
    fn import_certifications(
        &mut self,
        rows: &[model::Certification],
        source: &ImportSource,
    ) -> Result<usize, StoreError> {
        let _ = (rows, source);
        Err(StoreError::Refused("this store does not keep vendor statements".into()))
    }

    /// Starts importing one scan file: one write transaction, held until `commit` (dropped: nothing
    /// is written). `None` when a file with this digest was imported before.
    fn begin_scan_import(&mut self, meta: &ScanMeta) -> Result<Option<Box<dyn ScanImportTx + '_>>, StoreError> {
        let _ = meta;
        Err(StoreError::Refused("this store does not keep scans".into()))
    }

    /// Imported scan files, newest first.
    fn scan_imports(&self) -> Result<Vec<ScanImportRow>, StoreError> {
        Ok(Vec::new())
    }

    /// The hosts of one import: key, asset tied to (or none) and by what, the host as JSON.
    fn scan_hosts(&self, import: i64) -> Result<Vec<ScanHostRow>, StoreError> {
        let _ = import;
        Ok(Vec::new())
    }

    /// The scanner claims (asset, CVE) of one import, or of all.
    fn scan_claims(&self, import: Option<i64>) -> Result<Vec<ScanClaim>, StoreError> {
        let _ = import;
        Ok(Vec::new())
    }

    /// A text that changes whenever the plant, the findings or the flows change, for caches of
    /// derived answers (the server's exposure analysis); `None` when the store cannot tell.
    fn data_version(&self) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    /// Observed flows, sorted by source, destination, protocol, port and file.
    fn flows(&self) -> Result<Vec<Flow>, StoreError> {
        Ok(Vec::new())
    }

    /// Stores observed flows in one transaction (a flow seen again in the same file replaces
    /// its row); returns the rows that were new or changed.
    fn import_flows(&mut self, flows: &[Flow], source: &ImportSource) -> Result<usize, StoreError> {
        let _ = (flows, source);
        Err(StoreError::Refused("this store does not keep flows".into()))
    }

    /// Replaces the rules (and other fields) of stored conduits in one transaction, as a
    /// firewall import does; every conduit must exist and keep its zones.
    fn replace_conduits(&mut self, conduits: &[Conduit], source: &ImportSource) -> Result<PlantDiff, StoreError> {
        let _ = (conduits, source);
        Err(StoreError::Refused("this store cannot replace conduits".into()))
    }
}

/// One scan file being imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanMeta {
    pub file: String,
    pub digest: String,
    pub format: String,
    /// RFC 3339.
    pub at: String,
}

/// One host of a scan, tied to an asset or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanHostRow {
    /// The host's address or name in the file.
    pub key: String,
    pub asset: Option<String>,
    /// `ip 10.0.0.5`, `mac 00:1b:…`, `hostname plc-7`, `serial S C-…`.
    pub tied_by: Option<String>,
    /// The host as the reader gave it (JSON).
    pub doc: String,
}

/// A scanner's vulnerability claim on a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanClaim {
    pub import: i64,
    pub asset: Option<String>,
    pub vulnerability: String,
    pub scanner_id: String,
    pub title: String,
    pub severity: Option<String>,
}

/// An imported scan file with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanImportRow {
    pub id: i64,
    pub file: String,
    pub digest: String,
    pub format: String,
    pub at: String,
    pub hosts: u64,
    pub services: u64,
    pub claims: u64,
    pub components: u64,
    pub unmatched: u64,
}

/// The write side of a scan import.
pub trait ScanImportTx {
    /// Stores one host with its claims (CVE, scanner id, title, severity).
    fn put_host(
        &mut self,
        host: &ScanHostRow,
        claims: &[(String, String, String, Option<String>)],
    ) -> Result<(), StoreError>;
    /// Commits with the file's counts; returns the import's id.
    fn commit(self: Box<Self>, services: u64, components: u64) -> Result<i64, StoreError>;
}

/// A change that is written together with its audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "write", rename_all = "kebab-case")]
pub enum Audited {
    Workflow { record: workflow::Record },
    User { user: User },
    Control { control: model::Control },
    RemoveControl { id: String },
    Window { window: model::MaintenanceWindow },
    RemoveWindow { id: String },
}

/// Who made a change, when, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditWho {
    pub actor: String,
    /// `workflow.accept`, `user.add`, `control.add`, …
    pub action: String,
    /// RFC 3339.
    pub at: String,
    pub reason: String,
}

/// A local user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub name: String,
    pub role: workflow::Role,
    /// Argon2 PHC string; never serialised.
    #[serde(skip)]
    pub password: Option<String>,
    pub created_at: String,
}

/// A finding's decision as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredDecision {
    pub finding: String,
    pub asset: String,
    pub site: String,
    pub vulnerability: String,
    /// `ssvc-deployer 1.0.0`.
    pub table: String,
    /// `immediate`, `out-of-cycle`, `scheduled`, `defer`.
    pub priority: String,
    /// The day the finding got this priority.
    pub since: model::Date,
    pub deadline: model::Date,
    pub inputs: Vec<StoredInput>,
    pub cisa_level: String,
    pub bod_26_04: String,
    /// RFC 3339.
    pub decided_at: String,
}

/// One input of a stored decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StoredInput {
    pub name: String,
    pub value: String,
    pub source: String,
    #[serde(default)]
    pub assumed: bool,
}

/// One change of a finding's decision, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionChange {
    pub finding: String,
    pub asset: String,
    pub vulnerability: String,
    /// RFC 3339.
    pub at: String,
    /// The priority before; `None` for a new finding.
    pub before: Option<String>,
    /// The priority after; `None` when the finding left the list.
    pub after: Option<String>,
    pub deadline: Option<model::Date>,
    pub reasons: Vec<String>,
}

/// SSVC points as stored: exploitation (`none`, `poc`, `active`), automatable, technical impact
/// (`partial`, `total`), and who stated them when. `None`: not stated.
pub type SsvcSignals = (Option<String>, Option<bool>, Option<String>, String);

/// The decision signals of one vulnerability.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VulnSignals {
    pub vulnerability: String,
    /// CISA KEV: the earliest date added, and whether ransomware use is known.
    pub kev: Option<(String, bool)>,
    /// SSVC points (the CISA coordinator's when several roles stated them): exploitation
    /// (`none`, `poc`, `active`), automatable, technical impact (`partial`, `total`), and the
    /// source with its timestamp.
    pub ssvc: Option<SsvcSignals>,
    /// EPSS score, percentile, date.
    pub epss: Option<(f64, f64, String)>,
}

/// An open finding as the exposure stage reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExposureFinding {
    pub asset: String,
    pub vulnerability: String,
    pub confidence: Confidence,
    /// The vulnerability is in CISA KEV.
    pub kev: bool,
    /// Every CVSS vector stored for the vulnerability (any source, any version).
    pub vectors: Vec<String>,
}

/// Narrows a findings listing. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    pub asset: Option<String>,
    /// A vulnerability id (CVE) or an advisory id with evidence in the finding (case-insensitive).
    pub vulnerability: Option<String>,
    pub min_confidence: Option<Confidence>,
    /// Only these statuses (all when empty).
    pub statuses: Vec<FindingStatus>,
    /// Only findings whose vulnerability is in the KEV catalog.
    pub kev_only: bool,
    pub limit: usize,
    pub offset: usize,
}

/// Findings counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingSummary {
    /// Findings per status and confidence: (status, confidence, count), in value-set order.
    pub by_status: Vec<(FindingStatus, Confidence, usize)>,
    /// Open findings (affected, under investigation) whose vulnerability is in KEV.
    pub open_kev: usize,
    /// Assets with at least one open finding.
    pub assets_with_open: usize,
    /// When matching last ran (RFC 3339) and how (`full`, `incremental`).
    pub last_run: Option<String>,
    pub last_kind: Option<String>,
    /// The plant changed since the last full match: findings are stale until `patchwise match`.
    pub stale: bool,
    /// Advisories imported since the last match.
    pub unmatched_advisories: usize,
}

impl FindingSummary {
    pub fn total(&self) -> usize {
        self.by_status.iter().map(|(_, _, n)| n).sum()
    }
    pub fn count(&self, status: FindingStatus) -> usize {
        self.by_status.iter().filter(|(s, _, _)| *s == status).map(|(_, _, n)| n).sum()
    }
}

/// An asset as matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchAsset {
    pub id: String,
    pub identity: Identity,
    pub components: Vec<Component>,
}

/// A stored advisory with its row key (stable across updates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAdvisory {
    pub key: i64,
    pub advisory: Advisory,
}

/// Decodes a stored advisory document as returned by [`MatchTx::advisory_docs_by_keys`].
pub fn decode_advisory(key: i64, doc: &str) -> Result<StoredAdvisory, StoreError> {
    let advisory: Advisory = serde_json::from_str(doc).map_err(|e| StoreError::Corrupt {
        path: String::from("(database)"),
        what: format!("advisory row {key}"),
        message: e.to_string(),
    })?;
    Ok(StoredAdvisory { key, advisory })
}

/// Where matching stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchState {
    /// Counts plant writes.
    pub plant_version: i64,
    /// The plant version the last full match saw; `None` before the first.
    pub matched_plant_version: Option<i64>,
    pub unmatched_advisories: usize,
}

/// The persistence matching needs, beside [`Store`]: the advisories and platforms indexed by key,
/// and the verdicts. Implemented by backends that run matching (not by read-only test doubles).
pub trait MatchStore {
    fn match_state(&self) -> Result<MatchState, StoreError>;
    /// Every asset's identity and components, sorted by id.
    fn match_assets(&self) -> Result<Vec<MatchAsset>, StoreError>;
    /// Starts a match: one write transaction (IMMEDIATE), committed by [`MatchTx::commit`].
    fn begin_match(&mut self) -> Result<Box<dyn MatchTx + '_>, StoreError>;
}

/// A match in progress. Dropping it without `commit` changes nothing.
pub trait MatchTx {
    /// Advisories imported or changed since they were last matched, with a row key above
    /// `after`, in key order, at most `limit` of them (page through them; keying one marks it
    /// matched).
    fn unmatched_advisories(&self, after: i64, limit: usize) -> Result<Vec<StoredAdvisory>, StoreError>;
    /// The stored keys of these advisories: (key, vulnerability) per advisory key.
    fn advisory_keys(&self, advisories: &[i64]) -> Result<Vec<(i64, String, String)>, StoreError>;
    /// Replaces an advisory's keys and marks it matched.
    fn set_advisory_keys(&mut self, advisory: i64, keys: &[(String, String)]) -> Result<(), StoreError>;
    /// The advisories with a statement under one of `keys` (and, with `vulnerabilities`, about
    /// one of those), sorted by row key, as stored JSON documents (the caller decodes them, in
    /// parallel if it likes; [`decode_advisory`] does it with the store's error).
    fn advisory_docs_by_keys(
        &self,
        keys: &[String],
        vulnerabilities: Option<&[String]>,
    ) -> Result<Vec<(i64, String)>, StoreError>;
    /// Platforms with one of `keys`: (platform id, fingerprint), sorted by id.
    fn platforms_by_keys(&self, keys: &[String]) -> Result<Vec<(i64, String)>, StoreError>;
    /// Every stored platform: (id, fingerprint, digest of its verdicts as last written whole),
    /// sorted by id.
    fn platforms(&self) -> Result<Vec<(i64, String, Option<String>)>, StoreError>;
    /// Every asset's platform: (asset id, platform id), sorted by asset id.
    fn assignments(&self) -> Result<Vec<(String, i64)>, StoreError>;
    /// Removes platforms (with their keys, verdicts and assignments).
    fn delete_platforms(&mut self, ids: &[i64]) -> Result<(), StoreError>;
    /// Replaces a platform's index keys (they follow the vendor and model tables, which may
    /// change with the binary).
    fn set_platform_keys(&mut self, platform: i64, keys: &[String]) -> Result<(), StoreError>;
    /// How many assets are assigned a platform.
    fn assigned_assets(&self) -> Result<usize, StoreError>;
    /// Adds a platform with its keys; returns its id.
    fn add_platform(&mut self, fingerprint: &str, keys: &[String]) -> Result<i64, StoreError>;
    /// Says which platform an asset is.
    fn assign(&mut self, asset: &str, platform: i64) -> Result<(), StoreError>;
    /// Replaces a platform's verdicts: all of them (then `digest` is recorded as the digest of
    /// the new set), or with `vulnerabilities` only those about one of them (then the recorded
    /// digest is cleared).
    fn replace_verdicts(
        &mut self,
        platform: i64,
        vulnerabilities: Option<&[String]>,
        verdicts: &[Verdict],
        digest: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Commits. A full match records the plant version it saw (`plant_version`); `summary` is
    /// kept as the last run's summary (JSON).
    fn commit(
        self: Box<Self>,
        at: &str,
        kind: &str,
        plant_version: Option<i64>,
        summary: &str,
    ) -> Result<(), StoreError>;
}
