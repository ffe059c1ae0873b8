use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sync::{FeedSource, SourceKind, SyncConfig, SyncError, SyncReport};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::fixture;
use crate::server::{Reply, Request, Server, static_reply};

const CSAF_DOCS: [&str; 3] = ["icsa-24-004-01.json", "icsa-24-004-02.json", "icsa-24-011-03.json"];

/// The KEV catalog, EPSS scores (gzipped) and three CSAF documents with their index, by URL path.
fn feed_files() -> Option<BTreeMap<String, Vec<u8>>> {
    let kev = fixture("kev/known_exploited_vulnerabilities.json")?;
    let epss = fixture("epss/vunnel-fixture-example-1.csv")?;
    let csaf = fixture("csaf-cisa/csaf_files/OT/white/2024")?;
    let mut files = BTreeMap::new();
    files.insert("/kev.json".to_string(), std::fs::read(kev).unwrap());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read(epss).unwrap()).unwrap();
    files.insert("/epss_scores-current.csv.gz".to_string(), gz.finish().unwrap());
    let mut index = String::new();
    for d in CSAF_DOCS {
        let rel = format!("csaf_files/OT/white/2024/{d}");
        files.insert(format!("/csaf/{rel}"), std::fs::read(csaf.join(d)).unwrap());
        index.push_str(&rel);
        index.push('\n');
    }
    files.insert("/csaf/csaf_files/OT/white/index.txt".to_string(), index.into_bytes());
    Some(files)
}

/// The NVD fixture's vulnerabilities, served as pages of what `resultsPerPage` asks; windows
/// (`lastModStartDate`) get no results.
fn nvd_reply(vulns: &[serde_json::Value], req: &Request) -> Reply {
    if req.query("lastModStartDate").is_some() {
        let page = serde_json::json!({"resultsPerPage":0,"startIndex":0,"totalResults":0,"format":"NVD_CVE","version":"2.0","timestamp":"2024-01-01T00:00:00.000","vulnerabilities":[]});
        return Reply::ok(serde_json::to_vec(&page).unwrap());
    }
    let start: usize = req.query("startIndex").unwrap().parse().unwrap();
    let per: usize = req.query("resultsPerPage").unwrap().parse().unwrap();
    let slice: Vec<_> = vulns.iter().skip(start).take(per).cloned().collect();
    let page = serde_json::json!({
        "resultsPerPage": slice.len(), "startIndex": start, "totalResults": vulns.len(),
        "format": "NVD_CVE", "version": "2.0", "timestamp": "2023-07-18T06:46:32.267",
        "vulnerabilities": slice,
    });
    Reply::ok(serde_json::to_vec(&page).unwrap())
}

fn nvd_vulns() -> Option<Vec<serde_json::Value>> {
    let p = fixture("nvd-api-2.0/pablotron-nvd-go/nvd-api/testdata/responses/cves-2023.json.gz")?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap()).read_to_string(&mut text).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    Some(v["vulnerabilities"].as_array().unwrap().clone())
}

fn config(cache: &Path, server: &Server, kinds: &[SourceKind]) -> SyncConfig {
    let sources = kinds
        .iter()
        .map(|&kind| FeedSource {
            kind,
            url: match kind {
                SourceKind::Kev => server.url("/kev.json"),
                SourceKind::Epss => server.url("/epss_scores-current.csv.gz"),
                SourceKind::Nvd => server.url("/nvd"),
                SourceKind::Csaf => server.url("/csaf/"),
            },
        })
        .collect();
    let mut c = SyncConfig::new(cache, sources);
    c.nvd_delay = Some(Duration::ZERO);
    c.backoff = Duration::ZERO;
    c.max_backoff = Duration::ZERO;
    c.retries = 2;
    c
}

fn at(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

fn run(c: &SyncConfig, now: &str) -> Result<SyncReport, SyncError> {
    sync::sync(c, at(now), &mut |_| {})
}

fn source(r: &SyncReport, kind: SourceKind) -> &sync::SourceReport {
    r.sources.iter().find(|s| s.source == kind).unwrap()
}

fn parts_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(parts_under(&p));
        } else if p.extension().is_some_and(|x| x == "part") {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn first_sync_downloads_everything_and_the_second_gets_304s() {
    let (Some(files), Some(vulns)) = (feed_files(), nvd_vulns()) else { return };
    let total_bytes: usize = files.values().map(Vec::len).sum();
    let server =
        Server::start(
            move |req| {
                if req.path().starts_with("/nvd/") { nvd_reply(&vulns, req) } else { static_reply(&files, req) }
            },
        );
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &server, &SourceKind::ALL);

    let r = run(&c, "2024-03-01T00:00:00Z").unwrap();
    let kev = source(&r, SourceKind::Kev);
    assert_eq!((kev.requests, kev.not_modified, kev.files.len()), (1, 0, 1));
    assert!(dir.path().join("kev/kev.json").is_file());
    let epss = source(&r, SourceKind::Epss);
    assert_eq!((epss.requests, epss.files.len()), (1, 1));
    assert!(dir.path().join("epss/epss_scores-current.csv.gz").is_file());
    let nvd = source(&r, SourceKind::Nvd);
    assert_eq!((nvd.requests, nvd.files.len()), (1, 1));
    let csaf = source(&r, SourceKind::Csaf);
    assert_eq!((csaf.requests, csaf.files.len(), csaf.not_modified), (4, 3, 0));
    assert!(dir.path().join("csaf/csaf_files/OT/white/2024/icsa-24-004-01.json").is_file());
    let static_bytes: u64 = [kev, epss, csaf].iter().map(|s| s.downloaded_bytes).sum();
    assert_eq!(static_bytes as usize, total_bytes);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("sync-state.json")).unwrap()).unwrap();
    assert_eq!(state["nvd"]["last_sync"], "2024-03-01T00:00:00Z");
    assert!(parts_under(dir.path()).is_empty());

    server.clear();
    let r = run(&c, "2024-03-02T00:00:00Z").unwrap();
    for kind in [SourceKind::Kev, SourceKind::Epss] {
        let s = source(&r, kind);
        assert_eq!((s.requests, s.not_modified, s.files.len(), s.downloaded_bytes), (1, 1, 0, 0), "{kind}");
    }
    // The second CSAF run reads changes.csv, which this provider lacks: back to the index, all 304.
    let csaf = source(&r, SourceKind::Csaf);
    assert_eq!((csaf.not_modified, csaf.files.len()), (4, 0));
    assert!(csaf.warnings.iter().any(|w| w.contains("no change list")), "{:?}", csaf.warnings);
    let nvd = source(&r, SourceKind::Nvd);
    assert_eq!(nvd.requests, 1);
    let reqs = server.requests();
    let nvd_req = reqs.iter().find(|q| q.path().starts_with("/nvd/")).unwrap();
    assert_eq!(nvd_req.query("lastModStartDate").as_deref(), Some("2024-03-01T00:00:00.000Z"));
    assert_eq!(nvd_req.query("lastModEndDate").as_deref(), Some("2024-03-02T00:00:00.000Z"));
    for q in reqs.iter().filter(|q| !q.path().starts_with("/nvd/") && !q.path().ends_with("changes.csv")) {
        assert!(q.headers.contains_key("if-none-match"), "{} sent no If-None-Match", q.target);
    }
}

#[test]
fn a_429_is_retried_and_too_many_fail() {
    let Some(files) = feed_files() else { return };
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let limit = Arc::new(AtomicUsize::new(1));
    let l = limit.clone();
    let server = Server::start(move |req| {
        if h.fetch_add(1, Ordering::SeqCst) < l.load(Ordering::SeqCst) {
            return Reply::status(429);
        }
        static_reply(&files, req)
    });
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &server, &[SourceKind::Kev]);
    let r = run(&c, "2024-03-01T00:00:00Z").unwrap();
    let kev = source(&r, SourceKind::Kev);
    assert_eq!((kev.requests, kev.files.len()), (2, 1));
    assert!(kev.warnings[0].contains("HTTP 429"), "{:?}", kev.warnings);

    // Bounded: with every answer a 429, the sync gives up after the configured retries.
    let dir = tempfile::tempdir().unwrap();
    hits.store(0, Ordering::SeqCst);
    limit.store(100, Ordering::SeqCst);
    let err = run(&config(dir.path(), &server, &[SourceKind::Kev]), "2024-03-01T00:00:00Z").unwrap_err();
    assert!(matches!(err, SyncError::Status { status: 429, retried: 2, .. }), "{err}");
    assert!(err.to_string().contains("/kev.json"), "{err}");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[test]
fn a_dropped_connection_is_retried_and_too_many_fail_naming_the_url() {
    let Some(files) = feed_files() else { return };
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let limit = Arc::new(AtomicUsize::new(2));
    let l = limit.clone();
    let server = Server::start(move |req| {
        if h.fetch_add(1, Ordering::SeqCst) < l.load(Ordering::SeqCst) {
            return Reply::hang_up();
        }
        static_reply(&files, req)
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(&config(dir.path(), &server, &[SourceKind::Kev]), "2024-03-01T00:00:00Z").unwrap();
    let kev = source(&r, SourceKind::Kev);
    assert_eq!((kev.requests, kev.files.len()), (3, 1), "{kev:?}");
    assert_eq!(kev.warnings.iter().filter(|w| w.contains("retrying")).count(), 2, "{:?}", kev.warnings);

    // Bounded: a server that never answers fails after the configured retries, naming the URL.
    let dir = tempfile::tempdir().unwrap();
    hits.store(0, Ordering::SeqCst);
    limit.store(100, Ordering::SeqCst);
    let err = run(&config(dir.path(), &server, &[SourceKind::Kev]), "2024-03-01T00:00:00Z").unwrap_err();
    assert!(matches!(err, SyncError::Transport { .. }), "{err}");
    assert!(err.to_string().contains("/kev.json"), "{err}");
    assert_eq!(hits.load(Ordering::SeqCst), 3);

    // Nothing listens: refused connections are retried too, then reported.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let mut c =
        SyncConfig::new(dir.path(), vec![FeedSource { kind: SourceKind::Kev, url: format!("http://{addr}/kev.json") }]);
    c.backoff = Duration::ZERO;
    c.max_backoff = Duration::ZERO;
    c.retries = 2;
    let err = run(&c, "2024-03-01T00:00:00Z").unwrap_err();
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

#[test]
fn an_interrupted_download_leaves_nothing_half_written_and_the_next_run_continues() {
    let Some(files) = feed_files() else { return };
    let cut = Arc::new(Mutex::new(true));
    let c2 = cut.clone();
    let server = Server::start(move |req| {
        let mut r = static_reply(&files, req);
        if req.path().ends_with(CSAF_DOCS[1]) && std::mem::take(&mut *c2.lock().unwrap()) {
            r.cut_at = Some(r.body.len() / 2);
        }
        r
    });
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &server, &[SourceKind::Kev, SourceKind::Csaf]);
    let err = run(&c, "2024-03-01T00:00:00Z").unwrap_err();
    assert!(err.to_string().contains(CSAF_DOCS[1]), "{err}");
    let white = dir.path().join("csaf/csaf_files/OT/white/2024");
    assert!(dir.path().join("kev/kev.json").is_file());
    assert!(white.join(CSAF_DOCS[0]).is_file());
    assert!(!white.join(CSAF_DOCS[1]).exists());
    assert!(parts_under(dir.path()).is_empty());
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("sync-state.json")).unwrap()).unwrap();
    assert!(state["csaf"]["last_sync"].is_null());
    assert!(!state["urls"].as_object().unwrap().keys().any(|u| u.ends_with(CSAF_DOCS[1])));

    let r = run(&c, "2024-03-01T01:00:00Z").unwrap();
    assert_eq!(source(&r, SourceKind::Kev).not_modified, 1);
    let csaf = source(&r, SourceKind::Csaf);
    assert_eq!(csaf.not_modified, 2, "the index and the completed document");
    assert_eq!(csaf.files.len(), 2);
    for d in CSAF_DOCS {
        assert!(white.join(d).is_file(), "{d}");
    }
}

#[test]
fn nvd_pages_by_start_index_and_sends_the_api_key() {
    let Some(vulns) = nvd_vulns() else { return };
    let n = vulns.len();
    assert!(n > 10, "the fixture has {n} vulnerabilities");
    let server = Server::start(move |req| nvd_reply(&vulns, req));
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), &server, &[SourceKind::Nvd]);
    c.nvd_api_key = Some("secret-key".into());
    c.nvd_page_size = (n / 3) as u32 + 1;
    let r = run(&c, "2024-03-01T00:00:00Z").unwrap();
    let nvd = source(&r, SourceKind::Nvd);
    assert_eq!((nvd.requests, nvd.files.len()), (3, 3));
    let reqs = server.requests();
    let starts: Vec<String> = reqs.iter().map(|q| q.query("startIndex").unwrap()).collect();
    let per = c.nvd_page_size as usize;
    assert_eq!(starts, vec!["0".to_string(), per.to_string(), (2 * per).to_string()]);
    assert!(reqs.iter().all(|q| q.path() == "/nvd/rest/json/cves/2.0"));
    assert!(reqs.iter().all(|q| q.headers.get("apikey").map(String::as_str) == Some("secret-key")));
    let mut names: Vec<String> =
        nvd.files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names[0], "nvd-00000000T000000Z-full-000000000.json");

    // 300 days later: windows of at most 120 days, back to back, ending now.
    server.clear();
    run(&c, "2024-12-26T00:00:00Z").unwrap();
    let windows: Vec<(String, String)> = server
        .requests()
        .iter()
        .map(|q| (q.query("lastModStartDate").unwrap(), q.query("lastModEndDate").unwrap()))
        .collect();
    assert_eq!(
        windows,
        vec![
            ("2024-03-01T00:00:00.000Z".into(), "2024-06-29T00:00:00.000Z".into()),
            ("2024-06-29T00:00:00.000Z".into(), "2024-10-27T00:00:00.000Z".into()),
            ("2024-10-27T00:00:00.000Z".into(), "2024-12-26T00:00:00.000Z".into()),
        ]
    );
    // Without a key, no apiKey header.
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), &server, &[SourceKind::Nvd]);
    c.nvd_page_size = 2000;
    server.clear();
    run(&c, "2024-03-01T00:00:00Z").unwrap();
    assert!(server.requests().iter().all(|q| !q.headers.contains_key("apikey")));
}

#[test]
fn a_csaf_index_entry_leaving_the_folder_is_refused() {
    let Some(mut files) = feed_files() else { return };
    let index = files.get_mut("/csaf/csaf_files/OT/white/index.txt").unwrap();
    index.extend_from_slice(b"../../evil.json\n/etc/evil.json\ncsaf_files/../../../evil.json\n");
    files.insert("/evil.json".into(), b"{}".to_vec());
    let server = Server::start(move |req| static_reply(&files, req));
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let r = run(&config(&cache, &server, &[SourceKind::Csaf]), "2024-03-01T00:00:00Z").unwrap();
    let csaf = source(&r, SourceKind::Csaf);
    assert_eq!(csaf.files.len(), 3);
    assert_eq!(csaf.warnings.iter().filter(|w| w.contains("refused")).count(), 3, "{:?}", csaf.warnings);
    assert!(csaf.warnings[0].contains("line 4"), "{:?}", csaf.warnings);
    assert!(server.requests().iter().all(|q| !q.target.contains("evil")));
    assert!(!dir.path().join("evil.json").exists());
}

#[test]
fn changes_csv_limits_later_csaf_syncs_to_changed_documents() {
    let Some(mut files) = feed_files() else { return };
    let changes = format!(
        "csaf_files/OT/white/2024/{},2024-01-01T00:00:00.000000Z\ncsaf_files/OT/white/2024/{},2024-03-05T06:00:00.000000Z\n",
        CSAF_DOCS[0], CSAF_DOCS[2]
    );
    files.insert("/csaf/csaf_files/OT/white/changes.csv".into(), changes.into_bytes());
    let server = Server::start(move |req| static_reply(&files, req));
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &server, &[SourceKind::Csaf]);
    run(&c, "2024-03-01T00:00:00Z").unwrap();
    server.clear();
    let r = run(&c, "2024-03-10T00:00:00Z").unwrap();
    let targets: Vec<String> = server.requests().iter().map(|q| q.target.clone()).collect();
    assert_eq!(
        targets,
        vec![
            "/csaf/csaf_files/OT/white/changes.csv".to_string(),
            format!("/csaf/csaf_files/OT/white/2024/{}", CSAF_DOCS[2])
        ]
    );
    assert_eq!(source(&r, SourceKind::Csaf).not_modified, 1);
}

#[test]
fn hostile_responses_are_errors_not_panics() {
    let server = Server::start(|req| match req.path() {
        "/kev.json" => {
            let mut r = Reply::status(302);
            r.headers.push(("Location".into(), "http://elsewhere.invalid/kev.json".into()));
            r
        }
        "/epss_scores-current.csv.gz" => Reply::ok(vec![b'x'; 4096]),
        _ => Reply::ok(b"not json".to_vec()),
    });
    let dir = tempfile::tempdir().unwrap();
    let err = run(&config(dir.path(), &server, &[SourceKind::Kev]), "2024-03-01T00:00:00Z").unwrap_err();
    assert!(matches!(err, SyncError::Redirect { .. }), "{err}");
    assert!(err.to_string().contains("elsewhere.invalid"), "{err}");

    let mut c = config(dir.path(), &server, &[SourceKind::Epss]);
    c.max_bytes = 1000;
    let err = run(&c, "2024-03-01T00:00:00Z").unwrap_err();
    assert!(matches!(err, SyncError::TooLarge { limit: 1000, .. }), "{err}");
    assert!(parts_under(dir.path()).is_empty());

    let err = run(&config(dir.path(), &server, &[SourceKind::Nvd]), "2024-03-01T00:00:00Z").unwrap_err();
    assert!(matches!(err, SyncError::Invalid { .. }), "{err}");
    assert!(std::fs::read_dir(dir.path().join("nvd")).unwrap().next().is_none(), "the bad page is removed");
}

/// A CSAF provider with provider metadata, a ROLIE feed and a directory distribution, serving the
/// fixture documents; the feed's `updated` dates are given per document.
fn provider_files(addr: &str, updated: &[&str; 3]) -> Option<BTreeMap<String, Vec<u8>>> {
    let csaf = fixture("csaf-cisa/csaf_files/OT/white/2024")?;
    let mut files = BTreeMap::new();
    let metadata = serde_json::json!({
        "canonical_url": format!("http://{addr}/p/provider-metadata.json"),
        "distributions": [
            { "rolie": { "feeds": [
                { "summary": "TLP:WHITE", "tlp_label": "WHITE", "url": format!("http://{addr}/p/white/feed.json") },
                { "summary": "elsewhere", "tlp_label": "WHITE", "url": "http://mirror.example/feed.json" }
            ] } },
            { "directory_url": format!("http://{addr}/p/dir") }
        ]
    });
    files.insert("/p/provider-metadata.json".into(), serde_json::to_vec(&metadata).unwrap());
    let mut entries = Vec::new();
    for (i, d) in CSAF_DOCS.iter().enumerate().take(2) {
        files.insert(format!("/p/white/2024/{d}"), std::fs::read(csaf.join(d)).unwrap());
        let url = format!("http://{addr}/p/white/2024/{d}");
        entries.push(if i == 0 {
            serde_json::json!({ "id": d, "updated": updated[i], "content": { "type": "application/json", "src": url } })
        } else {
            serde_json::json!({ "id": d, "updated": updated[i], "link": [ { "rel": "self", "href": url } ] })
        });
    }
    entries.push(serde_json::json!({ "id": "x", "updated": updated[2], "link": [ { "rel": "self", "href": "http://evil.example/x.json" } ] }));
    entries.push(serde_json::json!({ "id": "y", "updated": updated[2], "link": [ { "rel": "self", "href": format!("http://{addr}/p/../../etc/passwd.json") } ] }));
    entries.push(serde_json::json!({ "id": "z", "updated": updated[2] }));
    files.insert(
        "/p/white/feed.json".into(),
        serde_json::to_vec(&serde_json::json!({ "feed": { "id": "white", "entry": entries } })).unwrap(),
    );
    let third = CSAF_DOCS[2];
    files.insert(format!("/p/dir/2024/{third}"), std::fs::read(csaf.join(third)).unwrap());
    files.insert("/p/dir/index.txt".into(), format!("2024/{third}\n../outside.json\n").into_bytes());
    Some(files)
}

#[test]
fn a_csaf_provider_is_read_through_its_metadata_rolie_feeds_and_directories() {
    let files = Arc::new(Mutex::new(BTreeMap::new()));
    let served = files.clone();
    let server = Server::start(move |req| static_reply(&served.lock().unwrap(), req));
    let addr = server.addr.to_string();
    let Some(f) = provider_files(&addr, &["2024-01-04T12:00:00Z", "2024-01-04T12:00:00Z", "2024-01-04T12:00:00Z"])
    else {
        return;
    };
    *files.lock().unwrap() = f;
    let dir = tempfile::tempdir().unwrap();
    let mut c = SyncConfig::new(
        dir.path(),
        vec![FeedSource { kind: SourceKind::Csaf, url: server.url("/p/provider-metadata.json") }],
    );
    c.backoff = Duration::ZERO;
    c.max_backoff = Duration::ZERO;
    let r = run(&c, "2024-03-01T00:00:00Z").unwrap();
    let csaf = source(&r, SourceKind::Csaf);
    let mut got: Vec<String> =
        csaf.files.iter().map(|p| p.strip_prefix(&csaf.folder).unwrap().display().to_string()).collect();
    got.sort();
    assert_eq!(
        got,
        ["p/dir/2024/icsa-24-011-03.json", "p/white/2024/icsa-24-004-01.json", "p/white/2024/icsa-24-004-02.json"]
    );
    let warned = csaf.warnings.join("\n");
    for expected in [
        "mirror.example/feed.json is on another host",
        "evil.example/x.json is not on",
        "entry 4 has no document link",
        "`../outside.json` refused",
    ] {
        assert!(warned.contains(expected), "{expected}: {warned}");
    }
    // `..` in a feed's URL is resolved as URLs are (to `/etc/passwd.json` on the provider's own
    // host, which has no such document); nothing is written outside the cache folder.
    assert!(warned.contains("/etc/passwd.json: listed in"), "{warned}");
    assert!(server.requests().iter().all(|q| !q.target.contains("outside")));
    assert!(!dir.path().join("etc").exists());

    // Later: only the entry the feed says was updated since the last sync is asked for.
    *files.lock().unwrap() =
        provider_files(&addr, &["2024-01-04T12:00:00Z", "2024-04-10T08:00:00Z", "2024-01-04T12:00:00Z"]).unwrap();
    server.clear();
    let r = run(&c, "2024-05-01T00:00:00Z").unwrap();
    assert_eq!(source(&r, SourceKind::Csaf).files.len(), 0, "the changed document's body is the same: 304");
    let docs: Vec<String> =
        server.requests().iter().map(|q| q.target.clone()).filter(|t| t.starts_with("/p/white/2024/")).collect();
    assert_eq!(docs, ["/p/white/2024/icsa-24-004-02.json"]);

    // A URL that is neither metadata nor a feed is an error naming it.
    let mut bad = c.clone();
    bad.sources = vec![FeedSource { kind: SourceKind::Csaf, url: server.url("/p/dir/2024/icsa-24-011-03.json") }];
    let err = run(&bad, "2024-05-02T00:00:00Z").unwrap_err();
    assert!(err.to_string().contains("icsa-24-011-03.json"), "{err}");
}
