//! Decisions over a SQLite database holding the demo plant, the demo intelligence and a full
//! match (real findings): the API (list, filters, the short list, history), the overview's short
//! list and the decisions page.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use server::StoreOpener;
use store::{ImportSource, IntelFile, SqliteStore, Store};

use super::support::get;

const AT: &str = "2026-11-22T10:00:00Z";

fn demo_app(record: bool) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let source = ImportSource { kind: "demo".into(), path: "demo".into(), digest: None, at: AT.into() };
    let mut store = SqliteStore::open(&db).unwrap();
    store.import_plant(&demo::demo_plant().unwrap(), &source).unwrap();
    let doc = intel::DocumentInfo { file: demo::DEMO_INTEL_FILE.into(), digest: None, retrieved_at: None };
    let mut import = store.begin_intel_import(AT).unwrap();
    let info = intel::bundle::read(demo::DEMO_INTEL, &doc, &intel::bundle::BundleTrust::default(), &mut |r| {
        import.put(&r).map_err(|e| intel::IntelError::Sink(e.to_string()))
    })
    .unwrap();
    import
        .file_done(&IntelFile {
            file: doc.file.clone(),
            digest: "0".repeat(64),
            format: "bundle".into(),
            records: info.records,
        })
        .unwrap();
    import.commit().unwrap();
    matching::run::run(&mut store, matching::run::Mode::Full, AT).unwrap();
    if record {
        let control = model::Control {
            id: "CC-1".into(),
            kind: model::ControlKind::Network,
            owner: "OT security".into(),
            assets: vec![],
            zones: vec![],
            vulnerabilities: vec![],
            changes: vec!["close-entry internet#1".into()],
            evidence: None,
            verified_on: None,
            reverify_days: None,
            expires: None,
            description: Some("the boiler panel's port forward deleted".into()),
        };
        let who = store::AuditWho {
            actor: "alice".into(),
            action: "control.add".into(),
            at: AT.into(),
            reason: "test".into(),
        };
        store.record_audited(&store::Audited::Control { control }, &who).unwrap();
        let meta = store::ScanMeta {
            file: "ot-scan.xml".into(),
            digest: "ab".repeat(32),
            format: "nmap-xml".into(),
            at: AT.into(),
        };
        let mut tx = store.begin_scan_import(&meta).unwrap().unwrap();
        let host = |key: &str, asset: Option<&str>| store::ScanHostRow {
            key: key.into(),
            asset: asset.map(String::from),
            tied_by: asset.map(|_| format!("ip {key}")),
            doc: "{}".into(),
        };
        let claim = |c: &str| (c.to_string(), "vulners".to_string(), c.to_string(), None);
        tx.put_host(&host("10.130.50.11", Some("HMI-BOIL-01")), &[claim("CVE-2020-15786"), claim("CVE-2099-0001")])
            .unwrap();
        tx.put_host(&host("10.99.99.99", None), &[]).unwrap();
        tx.commit(2, 0).unwrap();
        let today = time::OffsetDateTime::now_utc().date();
        let d = decide::run::decide_store(&store, &decide::Policy::default(), today).unwrap();
        decide::run::record(&mut store, &d.decisions, AT).unwrap();
    }
    let opener: StoreOpener = Arc::new(move || Ok(Box::new(SqliteStore::open_read_only(&db)?) as Box<dyn Store>));
    (dir, server::router(opener))
}

#[tokio::test]
async fn the_api_lists_decisions_most_urgent_first_with_their_inputs() {
    let (_dir, app) = demo_app(true);
    let r = get(&app, "/api/v1/decisions?limit=5").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let total = v["total"].as_u64().unwrap();
    let counts = &v["counts"];
    let sum: u64 =
        ["immediate", "out-of-cycle", "scheduled", "defer"].iter().map(|k| counts[k].as_u64().unwrap()).sum();
    assert_eq!(sum, total);
    assert!(counts["immediate"].as_u64().unwrap() >= 2 && v["more"] == true);
    let first = &v["items"][0];
    assert_eq!(first["finding"], "FW-EDGE-01:CVE-2024-21762");
    assert_eq!(first["decision"], "immediate");
    assert!(first["inputs"]["exploitation"]["source"].as_str().unwrap().starts_with("CISA KEV"));
    assert!(first["narrative"].as_str().unwrap().contains("actively exploited"));

    let only = get(&app, "/api/v1/decisions?decision=out-of-cycle&site=mst&limit=10000").await.json();
    assert!(only["items"].as_array().unwrap().iter().all(|d| d["decision"] == "out-of-cycle"));
    assert_eq!(only["total"], counts["out-of-cycle"]);
    let asset = get(&app, "/api/v1/decisions?asset=FT-CLI-01").await.json();
    assert!(asset["items"].as_array().unwrap().iter().all(|d| d["asset"] == "FT-CLI-01") && asset["total"] != 0);
    for (uri, word) in [
        ("/api/v1/decisions?decision=soon", "soon"),
        ("/api/v1/decisions?colour=red", "colour"),
        ("/api/v1/decisions?limit=0", "limit"),
        ("/api/v1/decisions/top?limit=99", "limit"),
        ("/api/v1/decisions/history?limit=x", "limit"),
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains(word), "{uri}: {}", r.body);
    }
    assert_eq!(get(&app, "/api/v1/decisions/top?site=nowhere").await.status, StatusCode::NOT_FOUND);

    let top = get(&app, "/api/v1/decisions/top?limit=3").await.json();
    assert_eq!(top.as_array().unwrap().len(), 3);
    assert!(top[0]["advice"].as_str().unwrap().starts_with("Fastest risk reduction"), "{top}");
    assert!(top[0]["narrative"].as_str().unwrap().contains("Fastest risk reduction"));

    let h = get(&app, "/api/v1/decisions/history?finding=FW-EDGE-01:CVE-2024-21762").await.json();
    assert_eq!(h[0]["after"], "immediate");
    assert_eq!(h[0]["reasons"][0], "new finding, decided immediate");
    assert_eq!(get(&app, "/api/v1/decisions/history?limit=7").await.json().as_array().unwrap().len(), 7);

    let scans = get(&app, "/api/v1/scans").await.json();
    assert_eq!(
        (scans[0]["file"].as_str(), scans[0]["unmatched"][0].as_str()),
        (Some("ot-scan.xml"), Some("10.99.99.99"))
    );
    assert_eq!(scans[0]["reconciliation"]["agreed"][0][1], "CVE-2020-15786");
    assert_eq!(scans[0]["reconciliation"]["scanner_only"][0][1], "CVE-2099-0001");
    let page = get(&app, "/imports").await;
    assert!(
        page.body.contains("ot-scan.xml")
            && page.body.contains("Only the scanner")
            && page.body.contains("10.99.99.99")
    );
    let c = get(&app, "/api/v1/controls").await.json();
    assert_eq!((c[0]["id"].as_str(), c[0]["active"].as_bool()), (Some("CC-1"), Some(true)), "{c}");
    // The network control lowered the boiler panel's exposure, and the decision says why.
    let boiler = get(&app, "/api/v1/decisions?asset=HMI-BOIL-01").await.json();
    let src = boiler["items"][0]["inputs"]["system_exposure"]["source"].as_str().unwrap().to_string();
    assert!(src.contains("by network control(s) CC-1"), "{src}");
}

#[tokio::test]
async fn the_overview_leads_with_the_short_list_and_the_decisions_page_filters() {
    let (_dir, app) = demo_app(false);
    let o = get(&app, "/").await;
    assert_eq!(o.status, StatusCode::OK);
    let lead = o.body.find("Decide first").expect("the short list");
    let plant = o.body.find("Marlstett").expect("the site");
    assert!(lead < plant, "the overview leads with the short list");
    assert!(
        o.body.contains("href=\"/findings/FW-EDGE-01%3ACVE-2024-21762\"")
            || o.body.contains("FW-EDGE-01:CVE-2024-21762")
    );
    assert!(o.body.contains("href=\"/decisions?decision=immediate\""));
    assert!(o.body.contains("Fastest risk reduction"));

    let p = get(&app, "/decisions?decision=immediate").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("FW-EDGE-01:CVE-2024-21762") && p.body.contains("badge-immediate"));
    assert!(!p.body.contains("badge-scheduled\">scheduled</span></td>"), "only immediate rows");
    let bad = get(&app, "/decisions?asset=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(!bad.body.contains("<script>"), "escaped");
    assert_eq!(get(&app, "/decisions?decision=soon").await.status, StatusCode::BAD_REQUEST);
    assert!(get(&app, "/").await.body.contains("href=\"/decisions\""), "in the navigation");
    let f = get(&app, "/findings/FW-EDGE-01:CVE-2024-21762").await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(
        f.body.contains("id=\"decision\"") && f.body.contains("CISA KEV (added 2024-02-09"),
        "the decision with its sources"
    );
}
