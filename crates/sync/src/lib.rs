//! Fetches vulnerability intelligence feeds over HTTP(S) into a local cache folder, so that
//! `intel import` can read them: the CISA KEV catalog, the daily EPSS scores, the NVD CVE API 2.0
//! (paged, incremental by last-modified windows) and CSAF advisories (CISA's `index.txt`, or its
//! `changes.csv` on later runs; or any provider through its `provider-metadata.json`, ROLIE feeds
//! and directory distributions).
//!
//! This is the **only** crate of the workspace that opens network connections, and it does so
//! only when [`sync`] is called (`patchwise intel sync`). It never parses intelligence beyond what
//! paging needs and never touches the store: importing what was fetched is the caller's job.
//!
//! Downloads are resumable and never half-written: each body goes to `NAME.part` and is renamed
//! when complete; per-URL validators (ETag, Last-Modified) and NVD/CSAF progress are kept in
//! `sync-state.json` in the cache folder, saved after every completed file, so an interrupted sync
//! keeps what it finished and the next run continues. Redirects are followed only to the same host
//! (and the same scheme, or http→https); anything else is refused with an error naming both URLs.
//! Response bodies are capped ([`SyncConfig::max_bytes`]) and every request has timeouts.

mod client;
mod sources;
mod state;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

pub use sources::{CSAF_CHANGES, CSAF_INDEX, NVD_MAX_WINDOW_DAYS, NVD_PATH};

/// The name of the state file in the cache folder.
pub const STATE_FILE: &str = "sync-state.json";

/// A feed this crate knows how to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// CISA Known Exploited Vulnerabilities catalog (one JSON file).
    Kev,
    /// FIRST/Empirical Security EPSS scores (one daily CSV.gz).
    Epss,
    /// NVD CVE API 2.0 (paged JSON).
    Nvd,
    /// CISA CSAF advisories (a directory listing and one JSON file per advisory).
    Csaf,
}

impl SourceKind {
    /// Every source, in the order a sync fetches them.
    pub const ALL: [SourceKind; 4] = [SourceKind::Kev, SourceKind::Epss, SourceKind::Nvd, SourceKind::Csaf];

    /// The name used on the command line, in reports and as the cache sub-folder.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Kev => "kev",
            SourceKind::Epss => "epss",
            SourceKind::Nvd => "nvd",
            SourceKind::Csaf => "csaf",
        }
    }

    /// The public default location: a file URL for KEV and EPSS, the API host for NVD, the
    /// repository root holding `csaf_files/OT/white/index.txt` for CSAF.
    pub fn default_url(self) -> &'static str {
        match self {
            SourceKind::Kev => "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
            SourceKind::Epss => "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
            SourceKind::Nvd => "https://services.nvd.nist.gov",
            SourceKind::Csaf => "https://raw.githubusercontent.com/cisagov/CSAF/develop/",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SourceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SourceKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown feed source `{s}`; expected one of kev, epss, nvd, csaf"))
    }
}

/// One feed to fetch and where from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSource {
    pub kind: SourceKind,
    /// See [`SourceKind::default_url`] for what the URL names per source.
    pub url: String,
}

impl FeedSource {
    /// The source at its public default location.
    pub fn new(kind: SourceKind) -> Self {
        FeedSource { kind, url: kind.default_url().to_string() }
    }
}

/// What to fetch, where to keep it, and how politely.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// The cache folder (created when missing). Each source writes under `CACHE/<source>/`.
    pub cache: PathBuf,
    pub sources: Vec<FeedSource>,
    /// Sent as the `apiKey` header to the NVD API.
    pub nvd_api_key: Option<String>,
    /// Pause between NVD requests; `None` means NVD's published rate limits: 6 s without a key,
    /// 0.6 s with one.
    pub nvd_delay: Option<Duration>,
    /// `resultsPerPage` asked of the NVD API (its maximum is 2,000).
    pub nvd_page_size: u32,
    /// Retries after HTTP 429 or 503 before giving up.
    pub retries: u32,
    /// First retry pause, doubled each retry; a server's `Retry-After` is honoured instead when
    /// given. Both are capped by `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Largest response body accepted.
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    /// Longest wait for any single read from the socket.
    pub read_timeout: Duration,
    /// Longest a whole request (redirects and body included) may take.
    pub request_timeout: Duration,
    pub user_agent: String,
}

impl SyncConfig {
    /// Production defaults for `sources`, cached under `cache`.
    pub fn new(cache: impl Into<PathBuf>, sources: Vec<FeedSource>) -> Self {
        SyncConfig {
            cache: cache.into(),
            sources,
            nvd_api_key: None,
            nvd_delay: None,
            nvd_page_size: 2000,
            retries: 4,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            max_bytes: 2 << 30,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(120),
            request_timeout: Duration::from_secs(3600),
            user_agent: format!("patchwise-sync/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The pause between NVD requests in force.
    pub fn effective_nvd_delay(&self) -> Duration {
        self.nvd_delay.unwrap_or(if self.nvd_api_key.is_some() {
            Duration::from_millis(600)
        } else {
            Duration::from_secs(6)
        })
    }
}

/// What one source's sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    pub source: SourceKind,
    /// The folder its documents are kept in (what to import).
    pub folder: PathBuf,
    /// HTTP requests sent (retries and redirects included).
    pub requests: u32,
    /// Conditional requests answered 304 Not Modified.
    pub not_modified: u32,
    /// Body bytes received into completed files.
    pub downloaded_bytes: u64,
    /// Files written by this run (new or changed).
    pub files: Vec<PathBuf>,
    /// Things refused or worth knowing (a refused CSAF index entry, an NVD page that ended early).
    pub warnings: Vec<String>,
}

impl SourceReport {
    fn new(source: SourceKind, folder: PathBuf) -> Self {
        SourceReport {
            source,
            folder,
            requests: 0,
            not_modified: 0,
            downloaded_bytes: 0,
            files: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// What a whole sync did, per source in the order fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub sources: Vec<SourceReport>,
}

/// A sync failure: the URL or file, and what went wrong. Files completed before it stay in the
/// cache with their state; the failed download leaves nothing behind.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A URL in the configuration (or built from a listing) is not usable.
    #[error("{url}: not a usable URL: {message}")]
    Url { url: String, message: String },
    /// Connecting, sending or receiving failed.
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
    /// The server answered with an error status (after retries for 429 and 503).
    #[error("{url}: HTTP status {status}{}", if *.retried > 0 { format!(" after {} retries", .retried) } else { String::new() })]
    Status { url: String, status: u16, retried: u32 },
    /// The body was larger than [`SyncConfig::max_bytes`].
    #[error("{url}: response body exceeds the limit of {limit} bytes; refused")]
    TooLarge { url: String, limit: u64 },
    /// The connection closed before the announced length arrived.
    #[error("{url}: response body ended after {received} of {expected} bytes")]
    Truncated { url: String, received: u64, expected: u64 },
    /// A redirect that is not to the same host (and scheme, or http→https).
    #[error("{url}: refused redirect to `{location}`: {reason}")]
    Redirect { url: String, location: String, reason: String },
    /// A response is not what the protocol promises; `place` is a JSON path or line.
    #[error("{url}: {place}: {message}")]
    Invalid { url: String, place: String, message: String },
    /// A file in the cache could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The state file is damaged.
    #[error("{path}: damaged sync state ({message}); delete it to fetch everything again")]
    State { path: String, message: String },
}

pub(crate) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SyncError + '_ {
    move |source| SyncError::Io { path: path.display().to_string(), source }
}

/// Fetches every configured source into `config.cache`, in order, stopping at the first failure.
/// `now` is the time the sync counts as (NVD windows end there; the next sync starts from it).
/// `progress` hears a line per step (for a spinner).
pub fn sync(config: &SyncConfig, now: OffsetDateTime, progress: &mut dyn FnMut(&str)) -> Result<SyncReport, SyncError> {
    std::fs::create_dir_all(&config.cache).map_err(io_err(&config.cache))?;
    let mut state = state::StateFile::load(&config.cache.join(STATE_FILE))?;
    let client = client::Client::new(config);
    let mut report = SyncReport::default();
    for source in &config.sources {
        let folder = config.cache.join(source.kind.as_str());
        std::fs::create_dir_all(&folder).map_err(io_err(&folder))?;
        state::remove_stale_parts(&folder)?;
        let mut r = SourceReport::new(source.kind, folder);
        progress(&format!("fetching {}", source.kind));
        let ctx = sources::Ctx { config, client: &client, now, progress: &mut *progress };
        match source.kind {
            SourceKind::Kev => {
                sources::single_file(ctx, &source.url, "known_exploited_vulnerabilities.json", &mut state, &mut r)?
            }
            SourceKind::Epss => {
                sources::single_file(ctx, &source.url, "epss_scores-current.csv.gz", &mut state, &mut r)?
            }
            SourceKind::Nvd => sources::nvd(ctx, &source.url, &mut state, &mut r)?,
            SourceKind::Csaf => sources::csaf(ctx, &source.url, &mut state, &mut r)?,
        }
        report.sources.push(r);
    }
    Ok(report)
}
