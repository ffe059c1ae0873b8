//! The exposure API and pages over a SQLite database holding the demo plant (no findings: the
//! network alone decides what is reached; the CLI tests cover paths through real findings).

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use server::StoreOpener;
use store::{ImportSource, SqliteStore, Store};

use super::support::{get, send};

fn demo_app() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let source =
        ImportSource { kind: "demo".into(), path: "demo".into(), digest: None, at: "2026-11-22T10:00:00Z".into() };
    SqliteStore::open(&db).unwrap().import_plant(&demo::demo_plant().unwrap(), &source).unwrap();
    let opener: StoreOpener = Arc::new(move || Ok(Box::new(SqliteStore::open_read_only(&db)?) as Box<dyn Store>));
    (dir, server::router(opener))
}

#[tokio::test]
async fn the_port_forward_is_open_and_a_what_if_removes_it() {
    let (_dir, app) = demo_app();
    let r = get(&app, "/api/v1/exposure?from=internet").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let items = v["items"].as_array().unwrap();
    let vnc = items.iter().find(|e| e["asset"] == "HMI-BOIL-01" && e["service"] == "tcp/5900").expect("VNC exposed");
    assert_eq!(vnc["system_exposure"], "open");
    assert_eq!(vnc["entry_points"][0]["entry_point"], "internet");
    assert_eq!(vnc["entry_points"][0]["hops"], 0);
    assert_eq!(v["total"].as_u64().unwrap() as usize, items.len());
    assert_eq!(v["more"], false);
    // Paging: one item at a time, same total.
    let page = get(&app, "/api/v1/exposure?from=internet&limit=1&offset=1").await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"], v["total"]);
    assert_eq!(page["items"][0], items[1]);

    // Aliases and comma-separated kinds: only those kinds' entry points answer.
    let both = get(&app, "/api/v1/exposure?from=vendor,internet&from=internet").await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.body);
    let both = both.json();
    let kinds: std::collections::BTreeSet<String> = both["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["entry_points"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap().to_string()))
        .collect();
    assert!(kinds.contains("internet") && kinds.contains("vendor-remote-access"), "{kinds:?}");
    assert!(kinds.iter().all(|k| k == "internet" || k == "vendor-remote-access"), "{kinds:?}");
    assert!(both["total"].as_u64().unwrap() >= v["total"].as_u64().unwrap());
    let jewels = get(&app, "/api/v1/exposure?crown_jewels=true").await.json();
    assert!(jewels["items"].as_array().unwrap().iter().all(|e| e["crown_jewel"] == true), "{jewels}");

    let d = get(&app, "/api/v1/whatif?isolate=HMI-BOIL-01").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let d = d.json();
    assert!(
        d["exposures_removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["asset"] == "HMI-BOIL-01" && r["service"] == "tcp/5900"),
        "{d}"
    );
    // Nothing was saved: the exposure is still there.
    let again = get(&app, "/api/v1/exposure/HMI-BOIL-01").await.json();
    assert_eq!(again["system_exposure"], "open");

    for (uri, needle) in [
        ("/api/v1/whatif?close_conduit=nope", "`nope`"),
        ("/api/v1/whatif", "at least one change"),
        ("/api/v1/whatif?add_rule=garbage", "CONDUIT"),
        ("/api/v1/exposure?from=moon", "moon"),
        ("/api/v1/exposure?colour=red", "colour"),
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.body);
        assert!(r.body.contains(needle), "{uri}: {}", r.body);
    }
    assert_eq!(get(&app, "/api/v1/exposure/NOPE").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&app, "POST", "/api/v1/whatif?isolate=HMI-BOIL-01", Some("localhost")).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let g = get(&app, "/api/v1/governance").await.json();
    assert!(g.as_array().unwrap().iter().any(|i| i["check"] == "remote-access-bypass"), "{g}");
}

#[tokio::test]
async fn exposure_pages_render_escaped() {
    let (_dir, app) = demo_app();
    let r = get(&app, "/exposure").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for s in [
        "<h1>Exposure</h1>",
        "HMI-BOIL-01",
        "Crown jewels",
        "Best outcome per entry point",
        "Governance",
        "remote-access-bypass",
    ] {
        assert!(r.body.contains(s), "{s}");
    }
    assert!(r.body.contains("aria-current=\"page\">Exposure"), "navigation marks the page");
    let a = get(&app, "/exposure/HMI-BOIL-01").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("port forward 203.0.113.24:5900 → HMI-BOIL-01 tcp/5900"), "{}", a.body);
    assert!(a.body.contains("badge-bad\">open<"));
    assert_eq!(get(&app, "/exposure/%3Cscript%3E").await.status, StatusCode::NOT_FOUND);
    assert!(!get(&app, "/exposure/%3Cscript%3E").await.body.contains("<script>"));
    assert!(get(&app, "/assets/HMI-BOIL-01").await.body.contains("href=\"/exposure/HMI-BOIL-01\""));
}
