//! Per-source fetch plans: which URLs to GET, where each body goes in the cache, and what progress
//! to record in the state.

use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

use crate::client::{Client, Fetched};
use crate::state::{NvdPending, StateFile};
use crate::{SourceReport, SyncConfig, SyncError, io_err};

/// The NVD CVE API 2.0 path under the configured host.
pub const NVD_PATH: &str = "/rest/json/cves/2.0";
/// The NVD API refuses `lastModStartDate`/`lastModEndDate` windows longer than this.
pub const NVD_MAX_WINDOW_DAYS: i64 = 120;
/// The CSAF listing under the configured root (CISA's OT advisories, TLP:WHITE).
pub const CSAF_INDEX: &str = "csaf_files/OT/white/index.txt";
/// The CSAF change list (`path,timestamp` per line) under the configured root.
pub const CSAF_CHANGES: &str = "csaf_files/OT/white/changes.csv";
/// A bound on pages per NVD window, against a server that never says it is done.
const MAX_PAGES: u64 = 10_000;

pub struct Ctx<'a> {
    pub config: &'a SyncConfig,
    pub client: &'a Client,
    pub now: OffsetDateTime,
    pub progress: &'a mut dyn FnMut(&str),
}

fn parse_url(url: &str) -> Result<Url, SyncError> {
    Url::parse(url).map_err(|e| SyncError::Url { url: url.to_string(), message: e.to_string() })
}

/// A conditional GET of `url` into `dest`: validators from the state are sent when the cached
/// file is still there; new ones are stored after a 200. Returns whether the file changed.
fn conditional_get(
    client: &Client,
    url: &str,
    dest: &Path,
    state: &mut StateFile,
    r: &mut SourceReport,
) -> Result<Option<bool>, SyncError> {
    let known = if dest.is_file() { state.state.urls.get(url).cloned() } else { None };
    match client.get_to_file(url, &[], known.as_ref(), dest, r)? {
        Fetched::NotModified if known.is_some() => {
            r.not_modified += 1;
            Ok(Some(false))
        }
        Fetched::NotModified => Err(SyncError::Invalid {
            url: url.to_string(),
            place: "status".into(),
            message: "304 Not Modified to an unconditional request".into(),
        }),
        Fetched::Saved { bytes, validators } => {
            r.downloaded_bytes += bytes;
            // Listings are kept beside the documents, not among them.
            if dest.starts_with(&r.folder) {
                r.files.push(dest.to_path_buf());
            }
            if validators.etag.is_some() || validators.last_modified.is_some() {
                state.state.urls.insert(url.to_string(), validators);
            } else {
                state.state.urls.remove(url);
            }
            state.save()?;
            Ok(Some(true))
        }
        Fetched::NotFound => Ok(None),
    }
}

fn not_found(url: &str) -> SyncError {
    SyncError::Status { url: url.to_string(), status: 404, retried: 0 }
}

/// KEV and EPSS: one file, named after the URL's last segment (or `fallback`).
pub fn single_file(
    ctx: Ctx<'_>,
    url: &str,
    fallback: &str,
    state: &mut StateFile,
    r: &mut SourceReport,
) -> Result<(), SyncError> {
    let parsed = parse_url(url)?;
    let name =
        parsed.path_segments().and_then(|mut s| s.next_back()).filter(|n| safe_name(n)).unwrap_or(fallback).to_string();
    let dest = r.folder.join(name);
    conditional_get(ctx.client, url, &dest, state, r)?.ok_or_else(|| not_found(url))?;
    Ok(())
}

/// A plain file name: letters, digits, `.`, `_`, `-`, not starting with a dot.
fn safe_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 200
        && !n.starts_with('.')
        && n.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The NVD API's date form: `2024-01-31T12:00:00.000Z` (UTC).
fn nvd_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A compact, sortable tag for page file names.
fn compact(t: Option<OffsetDateTime>) -> String {
    match t {
        None => "00000000T000000Z-full".into(),
        Some(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageHead {
    results_per_page: u64,
    start_index: u64,
    total_results: u64,
}

/// NVD CVE API 2.0: the first sync pages through everything; later ones page through
/// `lastModStartDate`..`lastModEndDate` windows (at most [`NVD_MAX_WINDOW_DAYS`]) from the last
/// successful sync up to now. An unfinished window is resumed at its next page.
pub fn nvd(ctx: Ctx<'_>, base: &str, state: &mut StateFile, r: &mut SourceReport) -> Result<(), SyncError> {
    let Ctx { config, client, now, progress } = ctx;
    let endpoint = format!("{}{NVD_PATH}", base.trim_end_matches('/'));
    parse_url(&endpoint)?;
    let delay = config.effective_nvd_delay();
    let key = config.nvd_api_key.as_deref().filter(|k| !k.is_empty());
    let mut last_request: Option<Instant> = None;
    loop {
        let pending = match state.state.nvd.pending.clone() {
            Some(p) => p,
            None => match state.state.nvd.last_sync.as_deref().and_then(parse_time) {
                None => NvdPending { start: None, end: None, next_index: 0, began: rfc3339(now) },
                Some(last) => {
                    let end = (last + time::Duration::days(NVD_MAX_WINDOW_DAYS)).min(now);
                    NvdPending {
                        start: Some(rfc3339(last)),
                        end: Some(rfc3339(end)),
                        next_index: 0,
                        began: rfc3339(now),
                    }
                }
            },
        };
        let start = pending.start.as_deref().and_then(parse_time);
        let end = pending.end.as_deref().and_then(parse_time);
        let mut index = pending.next_index;
        for page in 0..MAX_PAGES {
            let mut url = format!("{endpoint}?startIndex={index}&resultsPerPage={}", config.nvd_page_size);
            if let (Some(s), Some(e)) = (start, end) {
                url.push_str(&format!("&lastModStartDate={}&lastModEndDate={}", nvd_date(s), nvd_date(e)));
            }
            if let Some(t) = last_request {
                let waited = t.elapsed();
                if waited < delay {
                    std::thread::sleep(delay - waited);
                }
            }
            progress(&format!("fetching nvd: page {} from index {index}", page + 1));
            let dest = r.folder.join(format!("nvd-{}-{index:09}.json", compact(start)));
            let headers: Vec<(&str, &str)> = key.map(|k| vec![("apiKey", k)]).unwrap_or_default();
            last_request = Some(Instant::now());
            let bytes = match client.get_to_file(&url, &headers, None, &dest, r)? {
                Fetched::Saved { bytes, .. } => bytes,
                Fetched::NotModified | Fetched::NotFound => {
                    return Err(SyncError::Invalid {
                        url,
                        place: "status".into(),
                        message: "expected a page of results".into(),
                    });
                }
            };
            let head = match read_head(&dest) {
                Ok(h) => h,
                Err(message) => {
                    let _ = std::fs::remove_file(&dest);
                    return Err(SyncError::Invalid { url, place: "$".into(), message });
                }
            };
            r.downloaded_bytes += bytes;
            r.files.push(dest);
            let next = head.start_index.max(index).saturating_add(head.results_per_page);
            let done = next >= head.total_results || head.results_per_page == 0;
            if head.results_per_page == 0 && index < head.total_results {
                r.warnings.push(format!("{url}: an empty page before totalResults {}; stopped", head.total_results));
            }
            index = next;
            state.state.nvd.pending = Some(NvdPending { next_index: index, ..pending.clone() });
            if done {
                state.state.nvd.pending = None;
                state.state.nvd.last_sync = Some(pending.end.clone().unwrap_or_else(|| pending.began.clone()));
                state.save()?;
                break;
            }
            state.save()?;
        }
        if state.state.nvd.pending.is_some() {
            r.warnings.push(format!("{endpoint}: stopped after {MAX_PAGES} pages; the next sync continues"));
            return Ok(());
        }
        // A full download ends at its start time; a window may end before now: go on.
        match end {
            Some(e) if e < now => continue,
            _ => return Ok(()),
        }
    }
}

fn read_head(path: &Path) -> Result<PageHead, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    serde_json::from_reader(std::io::BufReader::new(f))
        .map_err(|e| format!("not an NVD CVE API 2.0 page (totalResults, startIndex, resultsPerPage): {e}"))
}

/// Checks a listing entry is a plain relative path that stays under the CSAF folder.
fn safe_entry(entry: &str) -> Result<PathBuf, &'static str> {
    if entry.len() > 512 {
        return Err("longer than 512 characters");
    }
    if !entry.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/')) {
        return Err("characters other than letters, digits, `.`, `_`, `-` and `/`");
    }
    if !entry.ends_with(".json") {
        return Err("not a .json document");
    }
    let path = Path::new(entry);
    for c in path.components() {
        match c {
            Component::Normal(s) if !s.is_empty() && !s.to_string_lossy().starts_with('.') => {}
            _ => return Err("not a plain relative path (`..`, `/`, `.` or an empty or hidden part)"),
        }
    }
    if entry.contains("//") {
        return Err("an empty path part");
    }
    Ok(path.to_path_buf())
}

/// CISA CSAF: on the first sync every document in `index.txt`; later, the documents `changes.csv`
/// lists as changed since the last sync (a day's margin), falling back to the index when the
/// provider has no change list. Every document is fetched conditionally.
pub fn csaf(ctx: Ctx<'_>, base: &str, state: &mut StateFile, r: &mut SourceReport) -> Result<(), SyncError> {
    // A URL naming a JSON file is a provider's metadata (CSAF 2.0 §7.1.20) or a ROLIE feed.
    if parse_url(base)?.path().ends_with(".json") {
        return csaf_provider(ctx, base, state, r);
    }
    let Ctx { config, client, now, progress } = ctx;
    let root = {
        let b = if base.ends_with('/') { base.to_string() } else { format!("{base}/") };
        parse_url(&b)?
    };
    let join =
        |rel: &str| root.join(rel).map_err(|e| SyncError::Url { url: format!("{root}{rel}"), message: e.to_string() });
    let meta = config.cache.join("meta");
    std::fs::create_dir_all(&meta).map_err(io_err(&meta))?;
    let since = state.state.csaf.last_sync.as_deref().and_then(parse_time);

    let mut entries: Option<Vec<(usize, String)>> = None;
    if let Some(since) = since {
        let url = join(CSAF_CHANGES)?.to_string();
        let dest = meta.join("csaf-changes.csv");
        match conditional_get(client, &url, &dest, state, r)? {
            // Unchanged list: nothing changed since it was last read.
            Some(false) => entries = Some(Vec::new()),
            Some(true) => {
                let text = std::fs::read_to_string(&dest).map_err(io_err(&dest))?;
                let cutoff = since - time::Duration::days(1);
                entries = Some(
                    text.lines()
                        .enumerate()
                        .filter_map(|(i, line)| {
                            let (path, stamp) = line.rsplit_once(',')?;
                            let path = path.trim().trim_matches('"');
                            let stamp = stamp.trim().trim_matches('"');
                            let changed = parse_time(stamp).is_none_or(|t| t >= cutoff);
                            changed.then(|| (i + 1, path.to_string()))
                        })
                        .collect(),
                );
            }
            None => r.warnings.push(format!("{url}: no change list (404); reading the index")),
        }
    }
    let (entries, listing) = match entries {
        Some(e) => (e, CSAF_CHANGES),
        None => {
            let url = join(CSAF_INDEX)?.to_string();
            let dest = meta.join("csaf-index.txt");
            conditional_get(client, &url, &dest, state, r)?.ok_or_else(|| not_found(&url))?;
            let text = std::fs::read_to_string(&dest).map_err(io_err(&dest))?;
            let lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim().to_string()));
            (lines.filter(|(_, l)| !l.is_empty() && !l.starts_with('#')).collect(), CSAF_INDEX)
        }
    };
    let total = entries.len();
    for (n, (line, entry)) in entries.into_iter().enumerate() {
        let rel = match safe_entry(&entry) {
            Ok(p) => p,
            Err(why) => {
                r.warnings.push(format!("{listing}: line {line}: `{entry}` refused: {why}"));
                continue;
            }
        };
        if n % 50 == 0 {
            progress(&format!("fetching csaf: {n} of {total} documents"));
        }
        let url = join(&entry)?.to_string();
        let dest = r.folder.join(&rel);
        if conditional_get(client, &url, &dest, state, r)?.is_none() {
            r.warnings.push(format!("{url}: listed in {listing} line {line} but not found (404)"));
        }
    }
    state.state.csaf.last_sync = Some(rfc3339(now));
    state.save()
}

/// `provider-metadata.json`: the distributions a CSAF provider publishes.
#[derive(Debug, Deserialize)]
struct ProviderMetadata {
    #[serde(default)]
    distributions: Vec<Distribution>,
}

#[derive(Debug, Deserialize)]
struct Distribution {
    directory_url: Option<String>,
    rolie: Option<Rolie>,
}

#[derive(Debug, Deserialize)]
struct Rolie {
    #[serde(default)]
    feeds: Vec<RolieFeedRef>,
}

#[derive(Debug, Deserialize)]
struct RolieFeedRef {
    url: String,
}

/// A ROLIE feed (RFC 8322, JSON): `{"feed": {"entry": [...]}}`.
#[derive(Debug, Deserialize)]
struct RolieDoc {
    feed: RolieFeed,
}

#[derive(Debug, Deserialize)]
struct RolieFeed {
    #[serde(default)]
    entry: Vec<RolieEntry>,
}

#[derive(Debug, Deserialize)]
struct RolieEntry {
    updated: Option<String>,
    #[serde(default)]
    link: Vec<RolieLink>,
    content: Option<RolieContent>,
}

#[derive(Debug, Deserialize)]
struct RolieLink {
    rel: Option<String>,
    href: String,
}

#[derive(Debug, Deserialize)]
struct RolieContent {
    src: Option<String>,
}

/// Reads a JSON listing fetched into `dest`.
fn read_json<T: serde::de::DeserializeOwned>(url: &str, dest: &Path) -> Result<T, SyncError> {
    let bytes = std::fs::read(dest).map_err(io_err(dest))?;
    serde_json::from_slice(&bytes).map_err(|e| SyncError::Invalid {
        url: url.to_string(),
        place: format!("line {}, column {}", e.line(), e.column()),
        message: format!("not the expected JSON: {e}"),
    })
}

/// A listing's file name in the cache's `meta/` folder, unique per URL.
fn meta_name(prefix: &str, url: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{prefix}-{h:016x}.json")
}

/// A CSAF provider by its metadata, or a ROLIE feed by its URL: every ROLIE feed's documents
/// updated since the last sync (a day's margin; all on the first), and directory distributions
/// through their `index.txt` / `changes.csv`. Documents must be on the metadata's host.
fn csaf_provider(ctx: Ctx<'_>, base: &str, state: &mut StateFile, r: &mut SourceReport) -> Result<(), SyncError> {
    let Ctx { config, client, now, progress } = ctx;
    let meta = config.cache.join("meta");
    std::fs::create_dir_all(&meta).map_err(io_err(&meta))?;
    let origin = parse_url(base)?;
    let since = state.state.csaf.last_sync.as_deref().and_then(parse_time).map(|t| t - time::Duration::days(1));
    let dest = meta.join(meta_name("csaf-provider", base));
    conditional_get(client, base, &dest, state, r)?.ok_or_else(|| not_found(base))?;
    let text: serde_json::Value = read_json(base, &dest)?;
    let (feeds, directories): (Vec<String>, Vec<String>) = if text.get("feed").is_some() {
        (vec![base.to_string()], Vec::new())
    } else {
        let m: ProviderMetadata = read_json(base, &dest)?;
        if m.distributions.is_empty() {
            return Err(SyncError::Invalid {
                url: base.to_string(),
                place: "distributions".into(),
                message: "neither a ROLIE feed nor provider metadata with distributions".into(),
            });
        }
        let feeds = m
            .distributions
            .iter()
            .flat_map(|d| d.rolie.iter().flat_map(|x| x.feeds.iter().map(|f| f.url.clone())))
            .collect();
        let dirs = m.distributions.iter().filter_map(|d| d.directory_url.clone()).collect();
        (feeds, dirs)
    };
    let same_host =
        |u: &Url| u.host_str() == origin.host_str() && u.port_or_known_default() == origin.port_or_known_default();
    let mut documents: Vec<(String, String)> = Vec::new(); // (url, where it was listed)
    for feed_url in &feeds {
        let feed = parse_url(feed_url)?;
        if !same_host(&feed) {
            r.warnings.push(format!("{base}: ROLIE feed {feed_url} is on another host; not fetched"));
            continue;
        }
        let fdest = meta.join(meta_name("rolie", feed_url));
        if conditional_get(client, feed_url, &fdest, state, r)?.is_none() {
            r.warnings.push(format!("{feed_url}: ROLIE feed listed in {base} not found (404)"));
            continue;
        }
        let doc: RolieDoc = read_json(feed_url, &fdest)?;
        for (i, e) in doc.feed.entry.iter().enumerate() {
            let fresh = match (since, e.updated.as_deref().and_then(parse_time)) {
                (Some(s), Some(t)) => t >= s,
                _ => true,
            };
            if !fresh {
                continue;
            }
            let href = e
                .content
                .as_ref()
                .and_then(|c| c.src.clone())
                .or_else(|| e.link.iter().find(|l| l.rel.as_deref() == Some("self")).map(|l| l.href.clone()));
            match href {
                Some(h) => documents.push((h, format!("{feed_url} entry {i}"))),
                None => r.warnings.push(format!("{feed_url}: entry {i} has no document link; skipped")),
            }
        }
    }
    for dir in &directories {
        let mut root = dir.clone();
        if !root.ends_with('/') {
            root.push('/');
        }
        let root_url = parse_url(&root)?;
        if !same_host(&root_url) {
            r.warnings.push(format!("{base}: directory {dir} is on another host; not fetched"));
            continue;
        }
        let ldest = meta.join(meta_name("csaf-dir-index", &root));
        let index = format!("{root}index.txt");
        if conditional_get(client, &index, &ldest, state, r)?.is_none() {
            r.warnings.push(format!("{index}: no index.txt in the directory distribution (404)"));
            continue;
        }
        let listing = std::fs::read_to_string(&ldest).map_err(io_err(&ldest))?;
        for (i, line) in listing.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match safe_entry(line) {
                Ok(_) => documents.push((format!("{root}{line}"), format!("{index} line {}", i + 1))),
                Err(why) => r.warnings.push(format!("{index}: line {}: `{line}` refused: {why}", i + 1)),
            }
        }
    }
    let total = documents.len();
    for (n, (url, listed)) in documents.into_iter().enumerate() {
        let Ok(u) = Url::parse(&url).or_else(|_| origin.join(&url)) else {
            r.warnings.push(format!("{listed}: `{url}` is not a URL; skipped"));
            continue;
        };
        if !same_host(&u) || !matches!(u.scheme(), "http" | "https") {
            r.warnings.push(format!("{listed}: {u} is not on {}; refused", origin.host_str().unwrap_or("?")));
            continue;
        }
        let rel = u.path().trim_start_matches('/');
        let rel = match safe_entry(rel) {
            Ok(p) if rel.ends_with(".json") => p,
            Ok(_) => {
                r.warnings.push(format!("{listed}: {u} does not name a .json document; refused"));
                continue;
            }
            Err(why) => {
                r.warnings.push(format!("{listed}: {u} refused: {why}"));
                continue;
            }
        };
        if n % 50 == 0 {
            progress(&format!("fetching csaf: {n} of {total} documents"));
        }
        let dest = r.folder.join(&rel);
        if conditional_get(client, u.as_str(), &dest, state, r)?.is_none() {
            r.warnings.push(format!("{u}: listed in {listed} but not found (404)"));
        }
    }
    state.state.csaf.last_sync = Some(rfc3339(now));
    state.save()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_entries_must_stay_inside() {
        assert!(safe_entry("csaf_files/OT/white/2024/icsa-24-102-03.json").is_ok());
        for bad in [
            "../x.json",
            "a/../../x.json",
            "/etc/x.json",
            "a//b.json",
            "./a.json",
            "a/.hidden.json",
            "a\\b.json",
            "a.txt",
            "a:b.json",
            "%2e%2e/x.json",
        ] {
            assert!(safe_entry(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nvd_dates_and_tags() {
        let t = OffsetDateTime::parse("2024-02-03T04:05:06+01:00", &Rfc3339).unwrap();
        assert_eq!(nvd_date(t), "2024-02-03T03:05:06.000Z");
        assert_eq!(compact(Some(t)), "20240203T030506Z");
        assert!(compact(None) < compact(Some(t)));
    }
}
