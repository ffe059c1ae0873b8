//! Command-line grammar. Documented in docs/cli.md; keep the two in step.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use store::AssetFilter;

#[derive(Parser, Debug)]
#[command(
    name = "patchwise",
    version,
    about = "Offline-first exposure and patch decisions for industrial (OT) networks",
    after_help = "Exit codes: 0 success, 1 error, 2 usage."
)]
pub struct Cli {
    /// Database file (SQLite).
    #[arg(long, global = true, env = "PATCHWISE_DB", default_value = "patchwise.db")]
    pub db: PathBuf,

    /// The user the command acts as (workflow, controls, users).
    #[arg(long, global = true, env = "PATCHWISE_USER")]
    pub user: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build a fresh database holding the demo plant (or a synthetic one with --scale).
    Demo(DemoArgs),
    /// Serve the web dashboard and the JSON API (loopback only).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Plant files: check, import, export.
    #[command(subcommand)]
    Plant(PlantCmd),
    /// Assets: list, show, import a CSV inventory.
    #[command(subcommand)]
    Assets(AssetsCmd),
    /// Zones of the stored plant.
    #[command(subcommand)]
    Zones(ZonesCmd),
    /// Conduits and their rules.
    #[command(subcommand)]
    Conduits(ConduitsCmd),
    /// Vulnerability intelligence: import feeds from files, show what is known.
    #[command(subcommand)]
    Intel(IntelCmd),
    /// Match the intelligence against the plant: recompute findings (incremental unless the plant changed).
    Match {
        /// Recompute everything from scratch.
        #[arg(long)]
        full: bool,
        #[arg(long)]
        json: bool,
    },
    /// List findings (advisories matched to assets), with filters.
    Findings(FindingsArgs),
    /// Explain one finding: every statement that matched, how, and what to do.
    Explain {
        /// Finding id: ASSET:VULNERABILITY, as `findings` prints it.
        finding: String,
        #[arg(long)]
        json: bool,
    },
    /// Which services each entry point reaches, through which rules and pivots, and each asset's
    /// SSVC System Exposure.
    Exposure(ExposureArgs),
    /// Attack paths to one asset: per entry point, whether it can be taken or reached, and how.
    Paths {
        /// Asset id.
        asset: String,
        /// Only entry points of these kinds (repeatable): internet, enterprise, vendor, wireless, transient.
        #[arg(long, value_name = "KIND")]
        from: Vec<model::EntryKind>,
        /// Findings below this confidence are not used to take hosts.
        #[arg(long, value_name = "LEVEL", default_value = "medium")]
        min_confidence: model::Confidence,
        #[arg(long)]
        json: bool,
    },
    /// Try network changes without saving them: what exposures, paths and System Exposure change.
    Whatif(WhatifArgs),
    /// Governance checks: IDMZ bypasses, any-any rules, unenforced conduits, ungoverned observed flows.
    Governance {
        #[arg(long)]
        json: bool,
    },
    /// Firewall configurations: import rules into the conduits a firewall enforces.
    #[command(subcommand)]
    Firewall(FirewallCmd),
    /// Observed network flows (Zeek conn.log, CSV): import, list.
    #[command(subcommand)]
    Flows(FlowsCmd),
    /// Compensating controls: network changes or host measures that decisions take into account.
    #[command(subcommand)]
    Control(ControlCmd),
    /// Local users and their roles (viewer, engineer, approver, admin).
    #[command(subcommand)]
    User(UserCmd),
    /// The remediation workflow of findings: move one a step, list, show with its audit trail.
    #[command(subcommand)]
    Workflow(WorkflowCmd),
    /// Accept a finding's risk (approver): a rationale and an expiry, after which it reopens.
    Accept {
        finding: String,
        #[arg(long)]
        rationale: String,
        #[arg(long, value_parser = parse_date)]
        expires: time::Date,
        #[arg(long)]
        json: bool,
    },
    /// Dual verification of a deployed fix: security (the finding no longer matches) and
    /// operations (an operator's sign-off that the process is stable).
    #[command(subcommand)]
    Verify(VerifyCmd),
    /// The hash-chained audit trail: verify it, list it.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Scanner reports and SBOMs (Nessus, Nmap, OpenVAS, Qualys, CycloneDX, SPDX).
    #[command(subcommand)]
    Scan(ScanCmd),
    /// Maintenance windows: when, for which part of the plant, what they allow, how much labour.
    #[command(subcommand)]
    Window(WindowCmd),
    /// Vendor patch qualification statements (CSV: vendor, product, patch, status, date, source).
    #[command(subcommand)]
    Certification(CertificationCmd),
    /// SSVC decisions for every open finding: priority, deadline, inputs with their sources.
    Decide {
        /// Only this priority: immediate, out-of-cycle, scheduled, defer.
        #[arg(long, value_name = "PRIORITY", value_parser = parse_priority)]
        decision: Option<decide::Priority>,
        /// Only findings on this asset.
        #[arg(long)]
        asset: Option<String>,
        /// Deadlines from the CISA BOD 26-04 day counts instead of the site policy (shown, not
        /// recorded).
        #[arg(long)]
        bod: bool,
        /// Show the decisions without recording them.
        #[arg(long)]
        dry_run: bool,
        /// Print the decision history instead (newest first; of one finding with --finding).
        #[arg(long, conflicts_with_all = ["decision", "bod", "dry_run"])]
        history: bool,
        /// With --history: only this finding.
        #[arg(long, requires = "history")]
        finding: Option<String>,
        /// At most this many (0: all).
        #[arg(long, default_value_t = 0)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// The short list for a manager: the most urgent decisions, each in one plain paragraph with
    /// the fastest risk reduction the network offers.
    Top {
        /// Only this site's findings.
        #[arg(long)]
        site: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Score a CVSS v2.0, v3.0, v3.1 or v4.0 vector.
    Cvss {
        /// The vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H or a bare v2 vector.
        vector: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Serve the dashboard on the new database afterwards.
    #[arg(long)]
    pub serve: bool,
    /// Address to serve on with --serve.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Generate a synthetic plant of N assets with the demo's structure instead (for benchmarks).
    #[arg(long, value_name = "N")]
    pub scale: Option<usize>,
    /// Replace a database that holds non-demo data.
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand, Debug)]
pub enum PlantCmd {
    /// Validate a plant file and report every problem with line and column; changes nothing.
    Check { file: PathBuf },
    /// Store a plant file; a re-import updates in place and reports what was added, changed and removed.
    Import {
        file: PathBuf,
        /// Report what would change without changing anything.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write the stored plant as a plant file (to stdout unless -o is given).
    Export {
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Default)]
pub struct FilterArgs {
    #[arg(long)]
    pub site: Option<String>,
    #[arg(long)]
    pub zone: Option<String>,
    /// Asset kind (plc, hmi, engineering-workstation, …).
    #[arg(long)]
    pub kind: Option<String>,
    /// Text to find in id, name, vendor, product, model or address.
    #[arg(long, short)]
    pub query: Option<String>,
}

impl FilterArgs {
    pub fn into_filter(self) -> anyhow::Result<AssetFilter> {
        let kind = match self.kind {
            Some(k) => Some(k.parse::<model::AssetKind>()?),
            None => None,
        };
        Ok(AssetFilter { site: self.site, zone: self.zone, kind, text: self.query })
    }
}

#[derive(Subcommand, Debug)]
pub enum AssetsCmd {
    /// List assets (one line each, or a JSON array with --json).
    List {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long)]
        json: bool,
    },
    /// Show one asset with everything recorded about it.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Add or update assets from a spreadsheet inventory (CSV); rows that cannot be taken are reported.
    Import {
        file: PathBuf,
        /// Import nothing if any row is rejected.
        #[arg(long)]
        strict: bool,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ZonesCmd {
    /// List zones with their Purdue level, subnets and asset counts.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConduitsCmd {
    /// List conduits and their rules.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum IntelCmd {
    /// Import intelligence from files, folders, archives (.gz, .zip, .tar, .tar.gz) and Patchwise
    /// bundles; the format of each file is detected from its content.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Trust intelligence bundles signed by this Ed25519 public key (64 hex digits, as printed
        /// by `intel bundle keygen`); repeatable or comma-separated.
        #[arg(long = "trust", value_name = "PUBKEY_HEX", env = "PATCHWISE_TRUSTED_KEYS", value_delimiter = ',')]
        trust: Vec<String>,
        /// Refuse a bundle unless a trusted key's signature on it holds.
        #[arg(long)]
        require_signature: bool,
        /// Only import; leave the findings to the next `patchwise match` (by default the new and
        /// changed advisories are matched against the plant right away).
        #[arg(long)]
        no_match: bool,
        #[arg(long)]
        json: bool,
    },
    /// Fetch feeds (CISA KEV, EPSS, NVD CVE API 2.0, CISA CSAF) over HTTP(S) into a cache
    /// folder, then import the cache as `intel import` does. The only command that uses the network.
    Sync {
        /// Which feeds, comma-separated or repeated.
        #[arg(long, value_name = "SOURCE,...", value_delimiter = ',', default_value = "kev,epss,nvd,csaf")]
        source: Vec<sync::SourceKind>,
        /// The cache folder: downloads, listings and `sync-state.json` (ETags, NVD/CSAF progress).
        #[arg(long, value_name = "DIR", default_value = "patchwise-feeds")]
        cache: PathBuf,
        /// NVD API key, sent as the `apiKey` header (allows a shorter pause between requests).
        #[arg(long, value_name = "KEY", env = "PATCHWISE_NVD_API_KEY", hide_env_values = true)]
        nvd_api_key: Option<String>,
        /// Fetch SOURCE from URL instead of its public location (a mirror); repeatable.
        #[arg(long = "base-url", value_name = "SOURCE=URL")]
        base_url: Vec<String>,
        /// Seconds between NVD requests (default: 6, or 0.6 with an API key).
        #[arg(long, value_name = "SECONDS")]
        nvd_delay: Option<f64>,
        #[arg(long)]
        json: bool,
    },
    /// Intelligence bundles: one dated, digest-checked (optionally signed) file that carries
    /// intelligence across an air gap; `intel import` reads them.
    #[command(subcommand)]
    Bundle(BundleCmd),
    /// Per source: records, newest record date, last import.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Everything known about a CVE or advisory id, with provenance.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Data-quality problems per document: loose or unreadable version ranges and the like.
    Quality {
        /// At most this many documents (0 = all).
        #[arg(long, default_value_t = 0)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum BundleCmd {
    /// Write the stored intelligence, or the records about some ids, as one bundle file.
    Export {
        file: PathBuf,
        /// Sign with the Ed25519 secret key in KEYFILE (made by `intel bundle keygen`).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
        /// Only the records about these CVE or advisory ids, with the advisories that name them
        /// among their aliases; comma-separated or repeated.
        #[arg(long, value_name = "ID,...", value_delimiter = ',')]
        only: Option<Vec<String>>,
        /// Print the summary (file, records per source, SHA-256, signing key) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a bundle without importing it: header, record count, SHA-256 trailer and signature;
    /// prints what it holds. Exit code 1 when it does not hold up.
    Verify {
        file: PathBuf,
        /// Trust bundles signed by this Ed25519 public key (64 hex digits); repeatable.
        #[arg(long = "trust", value_name = "PUBKEY_HEX", env = "PATCHWISE_TRUSTED_KEYS", value_delimiter = ',')]
        trust: Vec<String>,
        /// Fail unless a trusted key's signature holds.
        #[arg(long)]
        require_signature: bool,
        #[arg(long)]
        json: bool,
    },
    /// Make an Ed25519 signing key: the secret goes to KEYFILE (mode 0600, never overwritten),
    /// the public key to stdout.
    Keygen {
        #[arg(long, value_name = "KEYFILE")]
        out: PathBuf,
    },
}

fn parse_priority(s: &str) -> Result<decide::Priority, String> {
    decide::Priority::parse(s)
        .ok_or_else(|| format!("`{s}` is not a decision; expected immediate, out-of-cycle, scheduled or defer"))
}

#[derive(Args, Debug)]
pub struct ExposureArgs {
    /// Only this asset's services.
    #[arg(long)]
    pub asset: Option<String>,
    /// Only entry points of these kinds (repeatable): internet, enterprise, vendor, wireless, transient.
    #[arg(long, value_name = "KIND")]
    pub from: Vec<model::EntryKind>,
    /// Only crown jewels (safety systems, controllers of critical lines).
    #[arg(long)]
    pub crown_jewels: bool,
    /// Findings below this confidence are not used to take hosts.
    #[arg(long, value_name = "LEVEL", default_value = "medium")]
    pub min_confidence: model::Confidence,
    /// Write the explicit host-to-service graph (JSON) for an independent computation (bench/exposure-networkx.py).
    #[arg(long, value_name = "FILE")]
    pub export_graph: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct WhatifArgs {
    /// Remove a conduit (repeatable).
    #[arg(long, value_name = "CONDUIT")]
    pub close_conduit: Vec<String>,
    /// Remove a rule: CONDUIT/RULE, or RULE when its id is unique (repeatable).
    #[arg(long, value_name = "RULE")]
    pub disable_rule: Vec<String>,
    /// Cut an asset off the network (repeatable).
    #[arg(long, value_name = "ASSET")]
    pub isolate: Vec<String>,
    /// Remove an entry point (ENTRY) or one of its attachments (ENTRY#N, counted from 1) (repeatable).
    #[arg(long, value_name = "ENTRY")]
    pub close_entry: Vec<String>,
    /// Add a rule at the top of a conduit: "CONDUIT: FROM -> TO [PROTO/]PORTS [allow|deny] [both]" (repeatable).
    #[arg(long, value_name = "RULE")]
    pub add_rule: Vec<String>,
    /// Findings below this confidence are not used to take hosts.
    #[arg(long, value_name = "LEVEL", default_value = "medium")]
    pub min_confidence: model::Confidence,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum FirewallCmd {
    /// Read a firewall configuration (iptables-save output or the neutral CSV) and replace the
    /// rules of the conduits it enforces; each rule keeps its file and line.
    Import {
        file: PathBuf,
        /// The firewall (its asset id, as conduits name it in `enforced_by`); required for iptables-save.
        #[arg(long)]
        firewall: Option<String>,
        /// iptables or csv (default: detected from the content).
        #[arg(long)]
        format: Option<String>,
        /// Show what would change without storing it.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum FlowsCmd {
    /// Import observed flows: Zeek conn.log (TSV or JSON lines) or CSV src,dst,protocol,port[,first_seen,last_seen,count].
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// List stored flows.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user (the first one is the admin and creates itself), or change a user's role.
    /// The password comes from PATCHWISE_PASSWORD or, with --password-stdin, the first line of
    /// stdin; without one the user acts on the command line only.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: workflow::Role,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum WorkflowCmd {
    /// Move a finding (or group) one step: triage, plan-patch, mitigate, accept, not-affected,
    /// false-positive, certify, test, schedule, deploy, verify-security, verify-operations,
    /// close, reopen. Refused steps change nothing.
    Set(Box<WorkflowSetArgs>),
    /// Workflow records (of one state).
    List {
        #[arg(long, value_parser = parse_state)]
        state: Option<workflow::State>,
        #[arg(long)]
        json: bool,
    },
    /// One record with its audit trail.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct WorkflowSetArgs {
    /// Finding id (ASSET:VULNERABILITY).
    pub id: String,
    /// The step.
    pub action: String,
    /// Why (written to the audit trail).
    #[arg(long)]
    pub reason: Option<String>,
    /// certify: qualified, partially-qualified, not-qualified, not-tested.
    #[arg(long)]
    pub status: Option<String>,
    /// certify: the vendor's statement (URL or document).
    #[arg(long)]
    pub source: Option<String>,
    /// certify: the statement's date.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<time::Date>,
    /// test: it passed.
    #[arg(long)]
    pub passed: bool,
    /// test: it failed (back to planned patch).
    #[arg(long)]
    pub failed: bool,
    #[arg(long)]
    pub evidence: Option<String>,
    /// schedule: the maintenance window.
    #[arg(long)]
    pub window: Option<String>,
    /// schedule: an approver's reason to schedule a patch the vendor has not qualified.
    #[arg(long = "override", value_name = "REASON")]
    pub override_reason: Option<String>,
    /// mitigate: the control.
    #[arg(long)]
    pub control: Option<String>,
    /// not-affected: the VEX justification.
    #[arg(long)]
    pub justification: Option<String>,
    /// accept: why the risk is tolerable.
    #[arg(long)]
    pub rationale: Option<String>,
    /// accept: the first day the acceptance no longer holds.
    #[arg(long, value_parser = parse_date)]
    pub expires: Option<time::Date>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum VerifyCmd {
    /// The fix is in: refused while the finding still matches.
    Security {
        finding: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// The process is stable after the fix: the operator's sign-off.
    Operations {
        finding: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Recompute the chain; exits 1 when an entry was edited, removed or inserted. --head: the
    /// head hash an earlier check printed (shows entries cut off the end).
    Verify {
        #[arg(long)]
        head: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The trail, oldest first (of one object).
    List {
        #[arg(long)]
        object: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ScanCmd {
    /// Import reports as evidence: hosts tied to assets (MAC, serial, IP, name), unmatched hosts
    /// listed, the scanner's CVE claims kept apart and reconciled with Patchwise's findings.
    /// Each file in one transaction; the same file again changes nothing.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// What the files hold, counted (format detected from content), without storing anything.
    Parse {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum WindowCmd {
    /// Add a window or replace the one with this id (written to the audit trail).
    Add(Box<WindowArgs>),
    /// Windows, soonest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a window (written to the audit trail).
    Remove {
        id: String,
        #[arg(long, default_value = "window removed")]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub struct WindowArgs {
    pub id: String,
    #[arg(long)]
    pub site: String,
    /// planned-shutdown, turnaround, hot-swap, redundancy-switchover.
    #[arg(long)]
    pub kind: model::WindowKind,
    /// Local start, "YYYY-MM-DD HH:MM".
    #[arg(long, value_parser = parse_datetime)]
    pub start: time::PrimitiveDateTime,
    /// Local end, "YYYY-MM-DD HH:MM".
    #[arg(long, value_parser = parse_datetime)]
    pub end: time::PrimitiveDateTime,
    /// A zone it covers (repeatable); no zone, line or asset: the whole site.
    #[arg(long)]
    pub zone: Vec<String>,
    /// A production line it covers (repeatable).
    #[arg(long)]
    pub line: Vec<String>,
    /// An asset it covers (repeatable).
    #[arg(long)]
    pub asset: Vec<String>,
    /// Labour for patching in it, person-hours.
    #[arg(long)]
    pub capacity_hours: u32,
    /// A proof-test slot is booked: safety systems may be patched in it.
    #[arg(long)]
    pub proof_test: bool,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum CertificationCmd {
    /// Import a CSV of vendor statements (one transaction; a statement from the same source
    /// about the same patch replaces the older one).
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The stored statements.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn parse_datetime(s: &str) -> Result<time::PrimitiveDateTime, String> {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let g = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::PrimitiveDateTime::parse(s.trim(), f)
        .or_else(|_| time::PrimitiveDateTime::parse(s.trim(), g))
        .map_err(|_| format!("`{s}` is not a local time \"YYYY-MM-DD HH:MM\""))
}

fn parse_role(s: &str) -> Result<workflow::Role, String> {
    workflow::Role::parse(s).ok_or_else(|| format!("`{s}`: expected viewer, engineer, approver or admin"))
}

fn parse_state(s: &str) -> Result<workflow::State, String> {
    workflow::State::parse(s).ok_or_else(|| {
        format!(
            "`{s}`: expected one of {}",
            workflow::State::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
        )
    })
}

#[derive(Subcommand, Debug)]
pub enum ControlCmd {
    /// Add a control, or replace the one with this id; decisions are recorded again.
    Add(ControlArgs),
    /// List controls, expiring soonest first, with whether each counts today.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a control; decisions are recorded again.
    Remove {
        id: String,
        /// Why (written to the audit trail).
        #[arg(long, default_value = "control removed")]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub struct ControlArgs {
    /// Control id, e.g. CC-7.
    pub id: String,
    /// network, access-restriction, allowlisting, service-disabled, monitoring, remote-access-hardening.
    #[arg(long)]
    pub kind: model::ControlKind,
    /// Who answers for it.
    #[arg(long)]
    pub owner: String,
    /// An asset whose findings it neutralises (repeatable).
    #[arg(long, value_name = "ASSET")]
    pub asset: Vec<String>,
    /// A zone whose assets' findings it neutralises (repeatable).
    #[arg(long, value_name = "ZONE")]
    pub zone: Vec<String>,
    /// A CVE it neutralises on those assets (repeatable).
    #[arg(long, value_name = "CVE")]
    pub cve: Vec<String>,
    /// A change to the network model (repeatable): "close-conduit C", "disable-rule C/R",
    /// "isolate ASSET", "close-entry ENTRY[#N]", "add-rule C: FROM -> TO PROTO/PORTS deny".
    #[arg(long, value_name = "CHANGE")]
    pub change: Vec<String>,
    /// What proves it (a change ticket, a configuration line).
    #[arg(long)]
    pub evidence: Option<String>,
    /// When it was last verified (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub verified_on: Option<time::Date>,
    /// Re-verify every this many days.
    #[arg(long)]
    pub reverify_days: Option<u16>,
    /// The first day it no longer counts (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub expires: Option<time::Date>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn parse_date(s: &str) -> Result<time::Date, String> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

#[derive(Args, Debug)]
pub struct FindingsArgs {
    /// Only findings on this asset.
    #[arg(long)]
    pub asset: Option<String>,
    /// Only findings about this CVE (or with evidence from this advisory id).
    #[arg(long)]
    pub cve: Option<String>,
    /// Only findings at least this confident: high, medium or low.
    #[arg(long, value_name = "LEVEL")]
    pub min_confidence: Option<model::Confidence>,
    /// Only these statuses (repeatable): affected, under-investigation, not-affected, fixed.
    /// Default: the open ones (affected, under-investigation).
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<model::FindingStatus>,
    /// Every status, including suppressed (not-affected) and closed (fixed) findings.
    #[arg(long, conflicts_with = "status")]
    pub all: bool,
    /// Only vulnerabilities in CISA KEV.
    #[arg(long)]
    pub kev: bool,
    /// Only findings with this decision: immediate, out-of-cycle, scheduled, defer.
    #[arg(long, value_name = "DECISION", value_parser = parse_priority)]
    pub decision: Option<decide::Priority>,
    /// At most this many (0: no limit).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

impl FindingsArgs {
    pub fn into_filter(self) -> store::FindingFilter {
        let statuses = if self.all {
            Vec::new()
        } else if self.status.is_empty() {
            vec![model::FindingStatus::Affected, model::FindingStatus::UnderInvestigation]
        } else {
            self.status
        };
        store::FindingFilter {
            asset: self.asset,
            vulnerability: self.cve,
            min_confidence: self.min_confidence,
            statuses,
            kev_only: self.kev,
            limit: self.limit,
            offset: 0,
        }
    }
}
