//! Intelligence: the JSON API (status, lookup with our scores, quality listing, 404s) and the
//! pages (status, lookup, quality) over the in-memory store, then the same over a real SQLite
//! database file filled through an intelligence import.

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use serde_json::Value;
use server::StoreOpener;
use store::{SqliteStore, Store};

use crate::support::{CSAF_ID, CVE, CVE2, HOSTILE, JS_URL, UNPARSED_WARNING, app, get, intel_app, intel_records};

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// The text between `from` and the next `to` after it.
fn section<'a>(body: &'a str, from: &str, to: &str) -> &'a str {
    let start = body.find(from).unwrap_or_else(|| panic!("`{from}` not in page"));
    let rest = &body[start..];
    let end = rest[from.len()..].find(to).map_or(rest.len(), |e| e + from.len());
    &rest[..end]
}

fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle).unwrap_or_else(|| panic!("`{needle}` not found in page"))
}

/// No markup from the database: hostile text appears only escaped, and no document URL that is
/// not http(s) became a link.
fn assert_safe(body: &str) {
    assert!(!body.contains("<script"), "unescaped script tag");
    assert!(!body.contains("<b>bold"), "unescaped markup from a version range");
    assert!(body.contains("&lt;script&gt;alert(&quot;pw&quot;)&lt;/script&gt; &amp; &#39;x&#39;"));
    assert!(!body.to_ascii_lowercase().contains("href=\"javascript:"), "a javascript: link");
    assert!(!body.contains("href=\" javascript"), "a javascript: link");
}

// ---------------------------------------------------------------------------------------------
// API

#[tokio::test]
async fn api_status_is_an_array_per_source_and_kind() {
    let v = get(&intel_app(), "/api/v1/intel/status").await.json();
    let lines = v.as_array().unwrap();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["source"], "nvd-2.0");
    assert_eq!(lines[0]["kind"], "advisories");
    assert_eq!(lines[0]["records"], 1);
    assert_eq!(lines[0]["newest"], "2024-02-01T00:00:00Z");
    assert_eq!(lines[0]["last_import"], "2025-03-01T10:00:00Z");
    assert_eq!(lines[1]["kind"], "ssvc");

    let r = get(&app(), "/api/v1/intel/status").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), serde_json::json!([]));
}

#[tokio::test]
async fn api_lookup_adds_our_scores_beside_each_advisory() {
    let r = get(&intel_app(), "/api/v1/intel/cve-2024-0001").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    let v = r.json();
    let advisories = v["advisories"].as_array().unwrap();
    assert_eq!(advisories.len(), 2, "the NVD record and the CSAF advisory naming it");
    let nvd = &advisories[0];
    assert_eq!(nvd["id"], CVE);
    assert_eq!(nvd["provenance"]["source"], "nvd-2.0");
    // The stored record as it is, published score included …
    assert_eq!(nvd["cvss"][0]["published_score"], "9.1");
    assert!(nvd["description"].as_str().unwrap().contains(HOSTILE), "JSON carries text as it is");
    // … and beside it our score of every vector, in the same order.
    let scores = nvd["scores"].as_array().unwrap();
    assert_eq!(scores.len(), 2);
    assert_eq!(scores[0]["vector"], "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(scores[0]["version"], "3.1");
    assert_eq!(scores[0]["base"], 9.8);
    assert_eq!(scores[0]["severity"], "CRITICAL");
    assert_eq!(scores[0]["error"], Value::Null);
    assert_eq!(scores[0]["published_differs"], true);
    assert_eq!(scores[1]["base"], Value::Null);
    assert_eq!(scores[1]["severity"], Value::Null);
    assert!(scores[1]["error"].as_str().unwrap().contains("AV"), "{}", scores[1]);
    let csaf = &advisories[1];
    assert_eq!(csaf["id"], CSAF_ID);
    assert_eq!(csaf["scores"], serde_json::json!([]));
    assert_eq!(csaf["affected"][1]["target"]["versions"]["kind"], "unparsed");

    assert_eq!(v["kev"][0]["ransomware"], "known");
    assert_eq!(v["kev"][0]["due_date"], "2024-02-22");
    assert_eq!(v["epss"]["score"], 0.94312);
    assert_eq!(v["ssvc"][0]["exploitation"], Value::Null, "unknown stays unknown");
    assert_eq!(v["ssvc"][0]["technical_impact"], "total");

    let v = get(&intel_app(), &format!("/api/v1/intel/{CSAF_ID}")).await.json();
    assert_eq!(v["advisories"].as_array().unwrap().len(), 1);
    assert_eq!(v["kev"], serde_json::json!([]));
    assert_eq!(v["epss"], Value::Null);
}

#[tokio::test]
async fn api_lookup_of_an_unknown_id_is_a_json_404() {
    for app in [intel_app(), app()] {
        let r = get(&app, "/api/v1/intel/CVE-1999-0001").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.content_type().starts_with("application/json"));
        let v = r.json();
        assert_eq!(error_code(&v), "not_found");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("CVE-1999-0001") && msg.contains("patchwise intel import"), "{msg}");
    }
    let r = get(&intel_app(), "/api/v1/intel/%20").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn api_quality_lists_documents_with_warnings() {
    let app = intel_app();
    let v = get(&app, "/api/v1/intel/quality").await.json();
    assert_eq!(v["limit"], 200);
    assert_eq!(v["more"], false);
    assert_eq!(
        v["items"],
        serde_json::json!([{
            "source": "csaf",
            "id": CSAF_ID,
            "document": "ICSA-24-001-01",
            "file": "feeds/ICSA-24-001-01.json",
            "warnings": [UNPARSED_WARNING],
        }])
    );
    let v = get(&app, "/api/v1/intel/quality?limit=5000").await.json();
    assert_eq!(v["limit"], 5000);

    for uri in [
        "/api/v1/intel/quality?limit=0",
        "/api/v1/intel/quality?limit=5001",
        "/api/v1/intel/quality?limit=all",
        "/api/v1/intel/quality?limt=5",
        "/api/v1/intel/quality?limit=1&limit=2",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(error_code(&r.json()), "bad_request", "{uri}");
    }

    let v = get(&crate::support::app(), "/api/v1/intel/quality").await.json();
    assert_eq!(v["items"], serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------------
// Pages

#[tokio::test]
async fn status_page_without_intelligence_says_how_to_import() {
    let r = get(&app(), "/intel").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert!(b.contains("<a href=\"/intel\" aria-current=\"page\">Intelligence</a>"));
    assert!(b.contains("No vulnerability intelligence has been imported into this database yet."));
    assert!(b.contains("<code>patchwise intel import PATH</code>"));
    assert!(b.contains("<form class=\"filters\" method=\"get\" action=\"/intel\""));
    assert!(b.contains("name=\"id\""));
    assert!(b.contains("<a href=\"/intel/quality\">"));
    assert!(!b.contains("<table"));

    // Every page has the entry in its navigation.
    assert!(get(&app(), "/").await.body.contains("<a href=\"/intel\">Intelligence</a>"));
}

#[tokio::test]
async fn status_page_lists_sources_and_kinds() {
    let b = get(&intel_app(), "/intel").await.body;
    assert!(b.contains("NVD (CVE API 2.0)") && b.contains("<code>nvd-2.0</code>"));
    assert!(b.contains("CISA Known Exploited Vulnerabilities catalog"));
    assert!(b.contains("SSVC decision points") && b.contains("EPSS scores") && b.contains("KEV entries"));
    assert!(b.contains("2024-05-01T00:00:00Z") && b.contains("2025-03-01T10:00:00Z"));
    assert!(!b.contains("No vulnerability intelligence has been imported"));
    assert!(!b.contains("Not imported yet"), "KEV, EPSS and SSVC are all there");
    assert!(b.contains("<a href=\"/intel/quality\">"));
}

#[tokio::test]
async fn the_lookup_form_redirects_to_the_id_page() {
    let app = intel_app();
    let r = get(&app, "/intel?id=+CVE-2024-0001+").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/intel/CVE-2024-0001");
    let r = get(&app, "/intel?id=a%2F..%2Fb%3Fc").await;
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/intel/a%2F..%2Fb%3Fc", "one path segment");
    assert_eq!(get(&app, "/intel?id=").await.status, StatusCode::OK);
    let r = get(&app, "/intel?q=CVE-2024-0001").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.content_type().starts_with("text/html"));
}

#[tokio::test]
async fn cve_page_shows_signals_first_then_records_with_our_scores() {
    let r = get(&intel_app(), "/intel/cve-2024-0001").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert_safe(b);
    assert!(b.contains("<a href=\"/intel\" aria-current=\"page\">Intelligence</a>"));
    assert!(b.contains("<title>CVE-2024-0001 — Patchwise</title>"), "the id as the records spell it");
    assert!(b.contains("<h1>CVE-2024-0001</h1>"));

    // KEV prominently, before SSVC, EPSS and the records.
    let kev = at(b, "Known exploited: listed in the CISA KEV catalog");
    let ssvc = at(b, "<h2>SSVC decision points</h2>");
    let epss = at(b, "<h2>EPSS probability</h2>");
    let records = at(b, "<h2>Records of ");
    assert!(kev < ssvc && ssvc < epss && epss < records, "{kev} {ssvc} {epss} {records}");
    let kev_box = section(b, "<section class=\"kev\"", "</section>");
    for s in ["2024-02-01", "2024-02-22", ">known<", "Apply mitigations per vendor instructions", "Web PLC"] {
        assert!(kev_box.contains(s), "{s}");
    }
    // KEV notes: their https sources become links, nothing else does.
    assert!(kev_box.contains(
        "<a href=\"https://vendor.example/advisories/0001\" rel=\"noreferrer noopener\">https://vendor.example/advisories/0001</a>;"
    ));
    assert_eq!(kev_box.matches("<a ").count(), 1, "{kev_box}");
    assert!(kev_box.contains(JS_URL));

    // SSVC points nobody stated are unknown, never "none".
    let ssvc = section(b, "<h2>SSVC decision points</h2>", "<h2>");
    assert_eq!(ssvc.matches("<span class=\"none\">unknown</span>").count(), 2, "{ssvc}");
    assert!(!ssvc.contains(">none") && !ssvc.contains("none —"), "{ssvc}");
    assert!(ssvc.contains("total") && ssvc.contains("CISA Coordinator") && ssvc.contains("SSVC 2.0.3"));

    // EPSS as a probability, not evidence.
    let epss = section(b, "<h2>EPSS probability</h2>", "<h2>");
    assert!(epss.contains("<strong>94.31 %</strong> estimated probability of exploitation activity"));
    assert!(epss.contains("not evidence"));
    assert!(epss.contains("99.12 %"));

    // The NVD record: provenance, our score beside the published one, flagged; the invalid vector.
    let nvd = section(b, "<section class=\"advisory\"", "</section>");
    for s in ["nvdcve-2.0-2024", "feeds/nvdcve-2.0-2024.json", "2025-03-01T10:00:00Z", "CWE-787"] {
        assert!(nvd.contains(s), "{s}");
    }
    assert!(nvd.contains("<code title=\"0123456789abcdef0123"), "short digest, full in the title");
    assert!(nvd.contains("<strong>9.8</strong> <span class=\"badge badge-bad\">critical</span> (CVSS 3.1)"));
    assert!(nvd.contains("9.1 <span class=\"badge badge-warn\">differs from ours</span>"));
    assert!(nvd.contains("invalid vector"));
    // The CPE configuration in words.
    assert!(nvd.contains("All of these together"));
    assert!(nvd.contains("<strong>acme web plc firmware (operating system / firmware)</strong> — before 4.1.1"));
    assert!(
        nvd.contains(
            "<span class=\"badge\">platform</span> <strong>acme web plc 1200 (hardware)</strong> — no version"
        )
    );
    assert!(nvd.contains("cpe:2.3:o:acme:web_plc_firmware:*:*:*:*:*:*:*:*"));
    // References: the https one is a link, the javascript: one is text.
    assert!(nvd.contains(
        "<a href=\"https://vendor.example/advisories/0001\" rel=\"noreferrer noopener\">https://vendor.example/advisories/0001</a>"
    ));
    assert!(nvd.contains(&format!("<code>{JS_URL}</code> <span class=\"badge badge-warn\">not a web link</span>")));

    // The CSAF advisory names the CVE: listed and linked, with what it says about it.
    let naming = section(b, "<h2>Advisories that name ", "</table>");
    assert!(naming.contains(&format!("<a href=\"/intel/{CSAF_ID}\">{CSAF_ID}</a>")));
    assert!(naming.contains("2 affected · 2 remediations"), "{naming}");
    assert!(naming.contains("needs analyst"));
    assert!(naming.contains("revision 3"));
}

#[tokio::test]
async fn advisory_page_shows_products_ranges_and_remediations() {
    let r = get(&intel_app(), &format!("/intel/{CSAF_ID}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert_safe(b);
    // No KEV, SSVC or EPSS for an advisory id: said plainly.
    assert!(b.contains("No CISA KEV entry is stored for this id."));
    assert!(b.contains("No SSVC decision points are stored for this id"));
    assert!(b.contains("No EPSS score is stored for this id."));
    // Covers two CVEs, each linked to its own page.
    assert!(b.contains(&format!("<a href=\"/intel/{CVE}\"><code>{CVE}</code></a>")));
    assert!(b.contains(&format!("<a href=\"/intel/{CVE2}\"><code>{CVE2}</code></a>")));
    // Affected statements per vulnerability, readable.
    assert!(b.contains("<th scope=\"col\">Vulnerability</th>"));
    assert!(b.contains("<strong>ACME · Web PLC 1200</strong>"));
    assert!(b.contains("<code>6ES7 212-1AE40-0XB0</code>"));
    assert!(b.contains("from 2.0, before 4.1.1"));
    assert!(b.contains(
        "<code>all versions before SP3 Upd 2 &lt;b&gt;bold&lt;/b&gt;</code> <strong class=\"badge badge-warn\">needs analyst</strong>"
    ));
    assert!(b.contains("<span class=\"badge badge-ok\">not affected</span>"));
    assert!(b.contains("the vulnerable code is not present"));
    // Remediations: fixed version, restart, the https URL linked and the javascript: one not.
    assert!(b.contains("<span class=\"badge badge-ok\">vendor fix</span>"));
    assert!(b.contains("<code>4.1.1</code>") && b.contains("<td>machine</td>"));
    assert!(b.contains("<a href=\"https://vendor.example/downloads/4.1.1\" rel=\"noreferrer noopener\">"));
    assert!(b.contains(&format!("<code>{JS_URL}</code>")));
    // The data-quality warning on the record itself.
    assert!(b.contains("Data-quality warnings from reading this document"));
    assert!(b.contains("left unparsed"));
    assert!(b.contains("No CVSS vector published."));
}

#[tokio::test]
async fn a_cve_only_advisories_name_shows_explicit_none_and_the_naming_advisory() {
    let b = get(&intel_app(), &format!("/intel/{CVE2}")).await.body;
    assert!(b.contains("itself is stored"));
    let ssvc = section(&b, "<h2>SSVC decision points</h2>", "<h2>");
    assert!(ssvc.contains("none — no evidence of exploitation"), "a stated none is none");
    assert!(ssvc.contains("<td>no</td>") && ssvc.contains("partial"));
    let naming = section(&b, "<h2>Advisories that name ", "</table>");
    assert!(naming.contains("1 not affected"), "{naming}");
    assert!(!naming.contains("needs analyst"), "the unreadable range is about the other CVE");
}

#[tokio::test]
async fn unknown_ids_are_a_404_page() {
    let r = get(&intel_app(), "/intel/%3Cscript%3Ex").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("text/html"));
    assert!(r.body.contains("nothing is known about `&lt;script&gt;x`"));
    assert!(r.body.contains("patchwise intel import PATH"));
    assert!(!r.body.contains("<script"));
}

#[tokio::test]
async fn quality_page_lists_documents_with_warnings() {
    let app = intel_app();
    let r = get(&app, "/intel/quality").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert!(b.contains("<a href=\"/intel\" aria-current=\"page\">Intelligence</a>"));
    assert!(b.contains("1 document with warnings."));
    assert!(b.contains(&format!("<a href=\"/intel/{CSAF_ID}\">{CSAF_ID}</a>")));
    assert!(b.contains("feeds/ICSA-24-001-01.json"));
    assert!(b.contains("version range `all versions before SP3 Upd 2` left unparsed"));

    let r = get(&app, "/intel/quality?limit=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.content_type().starts_with("text/html"));

    let b = get(&crate::support::app(), "/intel/quality").await.body;
    assert!(b.contains("No stored advisory carries data-quality warnings."));
}

#[tokio::test]
async fn the_stylesheet_prints_the_kev_box() {
    let css = get(&app(), "/static/patchwise.css").await.body;
    let print = section(&css, "@media print", "\n}\n");
    assert!(print.contains(".kev"));
}

// ---------------------------------------------------------------------------------------------
// A real database

#[tokio::test]
async fn pages_and_api_over_a_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.db");
    {
        let mut store = SqliteStore::open(&db).unwrap();
        let mut import = store.begin_intel_import("2025-03-01T10:00:00Z").unwrap();
        for r in intel_records() {
            import.put(&r).unwrap();
        }
        let summary = import.commit().unwrap();
        assert_eq!((summary.advisories_new, summary.kev_new, summary.ssvc_new), (2, 1, 2));
    }
    let path = db.clone();
    let opener: StoreOpener = Arc::new(move || Ok(Box::new(SqliteStore::open_read_only(&path)?) as Box<dyn Store>));
    let app: Router = server::router(opener);

    let b = get(&app, "/intel").await.body;
    for s in
        ["<code>nvd-2.0</code>", "<code>csaf</code>", "<code>kev</code>", "<code>epss</code>", "<code>cve-5-adp</code>"]
    {
        assert!(b.contains(s), "{s}");
    }
    assert!(b.contains("2025-03-01T10:00:00Z"), "last import");

    let r = get(&app, "/intel/cve-2024-0001").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe(&r.body);
    assert!(r.body.contains("Known exploited: listed in the CISA KEV catalog"));
    assert!(r.body.contains("<strong>9.8</strong>"));
    assert!(r.body.contains(&format!("<a href=\"/intel/{CSAF_ID}\">{CSAF_ID}</a>")));

    let r = get(&app, &format!("/intel/{}", CSAF_ID.to_lowercase())).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe(&r.body);
    assert!(r.body.contains("needs analyst"));

    let b = get(&app, "/intel/quality").await.body;
    assert!(b.contains("1 document with warnings.") && b.contains(UNPARSED_WARNING.split('`').next().unwrap()));

    let v = get(&app, "/api/v1/intel/quality?limit=1").await.json();
    assert_eq!(v["items"][0]["id"], CSAF_ID);
    assert_eq!(v["items"][0]["warnings"][0], UNPARSED_WARNING);
    assert_eq!(v["more"], false);
    let v = get(&app, &format!("/api/v1/intel/{}", CVE.to_lowercase())).await.json();
    assert_eq!(v["advisories"][0]["scores"][0]["base"], 9.8);
    assert_eq!(v["ssvc"].as_array().unwrap().len(), 1);
    assert_eq!(get(&app, "/api/v1/intel/status").await.json().as_array().unwrap().len(), 5);
    assert_eq!(get(&app, "/intel/CVE-1999-0001").await.status, StatusCode::NOT_FOUND);
}
