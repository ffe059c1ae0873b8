//! The JSON API: shapes, paging, filters and error codes.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{HOSTILE, app, get, plant, send};

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[test]
fn the_test_plant_is_valid() {
    assert_eq!(plant().problems(), vec![]);
}

#[tokio::test]
async fn health_counts_the_plant() {
    let r = get(&app(), "/api/v1/health").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    let v = r.json();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["assets"], 16);
    assert_eq!(v["zones"], 5);
    assert_eq!(v["sites"], 1);
}

#[tokio::test]
async fn assets_page_through_with_a_cursor() {
    let app = app();
    let mut seen = Vec::new();
    let mut uri = "/api/v1/assets?limit=5".to_string();
    let mut pages = 0;
    loop {
        let v = get(&app, &uri).await.json();
        assert_eq!(v["total"], 16);
        assert_eq!(v["limit"], 5);
        let items = v["items"].as_array().unwrap();
        assert!(items.len() <= 5);
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        pages += 1;
        match &v["next"] {
            Value::Null => break,
            Value::String(next) => {
                assert_eq!(next, seen.last().unwrap(), "next is the last id of the page");
                uri = format!("/api/v1/assets?limit=5&after={next}");
            }
            other => panic!("next is {other}"),
        }
    }
    assert_eq!(pages, 4);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "ids come sorted, each once");
    assert_eq!(seen.len(), 16);

    // A page that ends exactly at the last asset says so.
    let v = get(&app, "/api/v1/assets?limit=16").await.json();
    assert_eq!(v["items"].as_array().unwrap().len(), 16);
    assert_eq!(v["next"], Value::Null);
    // The default page holds everything here.
    let v = get(&app, "/api/v1/assets").await.json();
    assert_eq!(v["limit"], 1000);
    assert_eq!(v["items"].as_array().unwrap().len(), 16);
}

#[tokio::test]
async fn assets_filter_by_zone_kind_site_and_text() {
    let app = app();
    let v = get(&app, "/api/v1/assets?zone=cell1&kind=plc").await.json();
    assert_eq!(v["total"], 12);
    assert!(v["items"].as_array().unwrap().iter().all(|i| i["zone"] == "cell1" && i["kind"] == "plc"));

    let v = get(&app, "/api/v1/assets?kind=historian").await.json();
    assert_eq!(v["items"][0]["id"], "HIST-1");
    assert_eq!(v["items"][0]["purdue"], "3.5");
    assert_eq!(v["items"][0]["site"], "north");

    let v = get(&app, "/api/v1/assets?q=wincc").await.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["name"], HOSTILE, "JSON carries the name as it is");

    let v = get(&app, "/api/v1/assets?site=south").await.json();
    assert_eq!(v["total"], 0);
    assert_eq!(v["items"], serde_json::json!([]));

    // Empty values do not filter.
    let v = get(&app, "/api/v1/assets?kind=&zone=").await.json();
    assert_eq!(v["total"], 16);
}

#[tokio::test]
async fn bad_parameters_are_bad_requests() {
    let app = app();
    for uri in [
        "/api/v1/assets?kind=toaster",
        "/api/v1/assets?limit=0",
        "/api/v1/assets?limit=10001",
        "/api/v1/assets?limit=many",
        "/api/v1/assets?zon=cell1",
        "/api/v1/assets?zone=a&zone=b",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(error_code(&r.json()), "bad_request", "{uri}");
    }
    let r = get(&app, "/api/v1/assets?kind=toaster").await.json();
    let msg = r["error"]["message"].as_str().unwrap();
    assert!(msg.contains("toaster") && msg.contains("plc"), "{msg}");
}

#[tokio::test]
async fn one_asset_and_a_missing_one() {
    let app = app();
    let r = get(&app, "/api/v1/assets/SCADA-1").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["identity"]["serial"], "SN-000123");
    assert_eq!(v["components"][0]["cpe"], "cpe:2.3:a:siemens:wincc:7.5:sp2:*:*:*:*:*:*");
    assert_eq!(v["owner"], Value::Null);

    let r = get(&app, "/api/v1/assets/NOPE%2F1").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let v = r.json();
    assert_eq!(error_code(&v), "not_found");
    assert!(v["error"]["message"].as_str().unwrap().contains("NOPE/1"));
}

#[tokio::test]
async fn zones_carry_asset_counts() {
    let v = get(&app(), "/api/v1/zones").await.json();
    let zones = v.as_array().unwrap();
    assert_eq!(zones.len(), 5);
    let cell = zones.iter().find(|z| z["id"] == "cell1").unwrap();
    assert_eq!(cell["assets"], 12);
    assert_eq!(cell["purdue"], "1");
    assert_eq!(cell["safety"], true);
    assert_eq!(cell["subnets"][0], "10.1.1.0/24");
    let ent = zones.iter().find(|z| z["id"] == "ent").unwrap();
    assert_eq!(ent["assets"], 1);
}

#[tokio::test]
async fn sites_conduits_and_entry_points() {
    let app = app();
    let v = get(&app, "/api/v1/sites").await.json();
    assert_eq!(v[0]["id"], "north");

    let v = get(&app, "/api/v1/conduits").await.json();
    assert_eq!(v.as_array().unwrap().len(), 3);
    let c = &v[1];
    assert_eq!(c["id"], "c-dmz-sup");
    assert_eq!(c["zones"], serde_json::json!(["dmz", "sup"]));
    assert_eq!(c["enforcement"]["kind"], "firewall");
    assert_eq!(c["rules"][0]["from"], "asset:SCADA-1");
    assert_eq!(c["rules"][0]["ports"][0], "5450-5460");

    let v = get(&app, "/api/v1/entry-points").await.json();
    assert_eq!(v[0]["kind"], "internet");
    assert_eq!(v[0]["attachments"][0]["via"], "port-forward");
    assert_eq!(v[0]["attachments"][0]["asset"], "HIST-1");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_under_api() {
    let app = app();
    let r = get(&app, "/api/v1/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r.json()), "not_found");

    let r = send(&app, "POST", "/api/v1/assets", Some("localhost")).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&r.json()), "method_not_allowed");
}

#[tokio::test]
async fn foreign_host_names_are_refused() {
    let app = app();
    // A page on another site that rebinds its name to 127.0.0.1 still sends its own Host.
    let r = send(&app, "GET", "/api/v1/assets", Some("attacker.example:8080")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&r.json()), "forbidden");
    let r = send(&app, "GET", "/", Some("attacker.example")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.content_type().starts_with("text/html"));

    for host in ["127.0.0.1:3000", "[::1]:3000", "localhost"] {
        assert_eq!(send(&app, "GET", "/api/v1/health", Some(host)).await.status, StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn a_failing_store_is_an_internal_error() {
    let opener: server::StoreOpener =
        std::sync::Arc::new(|| Err(store::StoreError::Refused("database /nowhere.db does not exist".into())));
    let app = server::router(opener);
    let r = get(&app, "/api/v1/health").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v = r.json();
    assert_eq!(error_code(&v), "internal");
    assert!(v["error"]["message"].as_str().unwrap().contains("/nowhere.db"));
    let r = get(&app, "/").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("/nowhere.db"));
}
