//! Findings: the JSON API (list filters, paging, bad values, one finding, the summary) and the
//! pages (the list with its summary strip and filters, one finding with its evidence and
//! remedies, the asset page's findings) over the in-memory store.
//!
//! The findings are written by hand: Siemens S7-1500 PLCs of the test plant matched by CSAF
//! advisories and NVD records, one suppressed by a VEX statement, two closed by a fixed firmware,
//! a component finding on the SCADA server and one on an asset whose id holds a `/`. The ids are
//! shaped like real ones; the facts are test data.

use axum::Router;
use axum::http::StatusCode;
use model::advisory::{ProductStatus, RemediationKind, Source};
use model::finding::{DEVICE_SLOT, Evidence, Finding, FindingRemedy, MatchBasis, Verdict, finding_id};
use model::{Confidence, FindingStatus};
use serde_json::Value;

use crate::support::{HOSTILE, JS_URL, MemFindings, MemIntel, app, get, mem_opener_full, plant};

const S7_STATEMENT: &str = "SIMATIC S7-1500 CPU 1516-3 PN/DP (6ES7516-3AN02-0AB0)";
const FIX_URL: &str = "https://cert-portal.siemens.com/productcert/html/ssa-568427.html";

fn product_status(s: FindingStatus) -> ProductStatus {
    match s {
        FindingStatus::Affected => ProductStatus::Affected,
        FindingStatus::UnderInvestigation => ProductStatus::UnderInvestigation,
        FindingStatus::NotAffected => ProductStatus::NotAffected,
        FindingStatus::Fixed => ProductStatus::Fixed,
    }
}

/// A CSAF statement about the S7-1500 CPU matched on its order number, version inside the range.
fn evidence(advisory: &str, status: ProductStatus, confidence: Confidence) -> Evidence {
    Evidence {
        advisory: advisory.into(),
        source: Source::Csaf,
        revision: Some("2".into()),
        statement: S7_STATEMENT.into(),
        status,
        basis: MatchBasis::ModelNumber,
        matched: "model 6ES7 516-3AN02-0AB0".into(),
        version: Some("V2.9.2".into()),
        range: "< V2.9.4".into(),
        comparator: "siemens".into(),
        containment: "inside".into(),
        confidence,
        platform: vec![],
        justification: None,
        detail: None,
    }
}

/// A device finding decided by one CSAF advisory.
fn finding(asset: &str, vulnerability: &str, status: FindingStatus, confidence: Confidence, advisory: &str) -> Finding {
    Finding {
        id: finding_id(asset, vulnerability),
        asset: asset.into(),
        cves: if vulnerability.starts_with("CVE-") { vec![vulnerability.into()] } else { vec![] },
        kev: None,
        verdict: Verdict {
            slot: DEVICE_SLOT.into(),
            component: None,
            vulnerability: vulnerability.into(),
            status,
            confidence,
            advisory: advisory.into(),
            advisories: vec![advisory.into()],
            fixed_version: None,
            evidence: vec![evidence(advisory, product_status(status), confidence)],
            remedies: vec![],
        },
    }
}

const F_UNDER: &str = "PLC-01:CVE-2020-15782";
const F_AFFECTED: &str = "PLC-01:CVE-2022-38465";
const F_OLD_FIXED: &str = "PLC-01:CVE-2019-10929";
const F_SUPPRESSED: &str = "PLC-02:CVE-2022-38465";
const F_FIXED: &str = "PLC-03:CVE-2022-38465";
const F_FIXED_KEV: &str = "PLC-04:CVE-2020-15782";
const F_RTU: &str = "RTU/7:ICSA-23-143-01";
const F_COMPONENT: &str = "SCADA-1:CVE-2023-28829";

/// Eight findings: four open (one under investigation and in KEV, two affected, one component
/// finding in KEV), one suppressed, three closed.
fn findings() -> Vec<Finding> {
    let mut under =
        finding("PLC-01", "CVE-2020-15782", FindingStatus::UnderInvestigation, Confidence::Medium, "ICSA-21-152-01");
    under.kev = Some("2021-11-03".into());

    let mut affected = finding("PLC-01", "CVE-2022-38465", FindingStatus::Affected, Confidence::High, "ICSA-22-286-05");
    affected.verdict.evidence[0].statement = format!("{S7_STATEMENT} {HOSTILE}");
    affected.verdict.evidence.push(Evidence {
        advisory: "CVE-2022-38465".into(),
        source: Source::Nvd2,
        revision: None,
        statement: "cpe:2.3:o:siemens:simatic_s7-1500_cpu_firmware:*:*:*:*:*:*:*:* before 2.9.4".into(),
        status: ProductStatus::Affected,
        basis: MatchBasis::DerivedCpe,
        matched: "cpe:2.3:o:siemens:simatic_s7-1500_cpu_firmware:2.9.2:*:*:*:*:*:*:*".into(),
        version: Some("2.9.2".into()),
        range: "< 2.9.4".into(),
        comparator: "generic".into(),
        containment: "inside".into(),
        confidence: Confidence::Medium,
        platform: vec!["cpe:2.3:h:siemens:simatic_s7-1500_cpu_1516-3_pn_dp:-:*:*:*:*:*:*:*".into()],
        justification: None,
        detail: None,
    });
    affected.verdict.advisories = vec!["CVE-2022-38465".into(), "ICSA-22-286-05".into()];
    affected.verdict.fixed_version = Some("V2.9.4".into());
    affected.verdict.remedies = vec![
        FindingRemedy {
            advisory: "ICSA-22-286-05".into(),
            kind: RemediationKind::VendorFix,
            details: "Update to V2.9.4 or later version".into(),
            fixed_version: Some("V2.9.4".into()),
            url: Some(FIX_URL.into()),
            restart_required: Some("machine".into()),
        },
        FindingRemedy {
            advisory: "ICSA-22-286-05".into(),
            kind: RemediationKind::Mitigation,
            details: "Restrict access to port 102/tcp with a cell firewall.".into(),
            fixed_version: None,
            url: Some(JS_URL.into()),
            restart_required: None,
        },
    ];

    let mut old_fixed = finding("PLC-01", "CVE-2019-10929", FindingStatus::Fixed, Confidence::Low, "ICSA-19-283-01");
    old_fixed.verdict.fixed_version = Some("V2.0".into());

    let mut suppressed =
        finding("PLC-02", "CVE-2022-38465", FindingStatus::NotAffected, Confidence::High, "ICSA-22-286-05");
    let e = &mut suppressed.verdict.evidence[0];
    e.justification = Some("vulnerable_code_not_in_execute_path".into());
    e.detail = Some("The CPU's web server is disabled in this configuration.".into());

    let mut fixed = finding("PLC-03", "CVE-2022-38465", FindingStatus::Fixed, Confidence::High, "ICSA-22-286-05");
    fixed.verdict.fixed_version = Some("V2.9.4".into());
    let e = &mut fixed.verdict.evidence[0];
    e.version = Some("V3.0.1".into());
    e.containment = "outside".into();

    let mut fixed_kev = finding("PLC-04", "CVE-2020-15782", FindingStatus::Fixed, Confidence::Medium, "ICSA-21-152-01");
    fixed_kev.kev = Some("2021-11-03".into());

    // An advisory without a CVE, on an asset whose id needs encoding in a URL.
    let mut rtu = finding("RTU/7", "ICSA-23-143-01", FindingStatus::Affected, Confidence::Medium, "ICSA-23-143-01");
    let e = &mut rtu.verdict.evidence[0];
    e.version = None;
    e.containment = "unknown: the asset's version is not known".into();

    // A component of the SCADA server, matched on the CPE the inventory states.
    let mut component =
        finding("SCADA-1", "CVE-2023-28829", FindingStatus::Affected, Confidence::Low, "CVE-2023-28829");
    component.kev = Some("2023-06-01".into());
    component.verdict.slot = "c:wincc".into();
    component.verdict.component = Some(format!("WinCC {HOSTILE}"));
    let e = &mut component.verdict.evidence[0];
    e.source = Source::Nvd2;
    e.revision = None;
    e.basis = MatchBasis::Cpe;
    e.matched = "cpe:2.3:a:siemens:wincc:7.5:sp2:*:*:*:*:*:*".into();

    let all = vec![component, rtu, fixed_kev, fixed, suppressed, old_fixed, affected, under];
    let ids: Vec<&str> = all.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, [F_COMPONENT, F_RTU, F_FIXED_KEV, F_FIXED, F_SUPPRESSED, F_OLD_FIXED, F_AFFECTED, F_UNDER]);
    all
}

fn matched(stale: bool, unmatched_advisories: usize) -> MemFindings {
    MemFindings {
        findings: findings(),
        last_run: Some("2025-03-02T08:00:00Z".into()),
        last_kind: Some("full".into()),
        stale,
        unmatched_advisories,
    }
}

fn findings_app_with(m: MemFindings) -> Router {
    server::router(mem_opener_full(plant(), MemIntel::default(), m))
}

fn findings_app() -> Router {
    findings_app_with(matched(false, 0))
}

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

fn ids(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle).unwrap_or_else(|| panic!("`{needle}` not found in page"))
}

/// No markup from the data: hostile text appears only escaped, no `javascript:` link.
fn assert_escaped(body: &str) {
    assert!(!body.contains("<script"), "unescaped script tag");
    assert!(body.contains("&lt;script&gt;alert(&quot;pw&quot;)&lt;/script&gt; &amp; &#39;x&#39;"));
    assert!(!body.to_ascii_lowercase().contains("href=\"javascript:"), "a javascript: link");
}

// ---------------------------------------------------------------------------------------------
// API

#[tokio::test]
async fn api_lists_open_findings_by_default() {
    let r = get(&findings_app(), "/api/v1/findings").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    let v = r.json();
    assert_eq!(ids(&v), [F_UNDER, F_AFFECTED, F_RTU, F_COMPONENT]);
    assert_eq!((v["limit"].as_u64(), v["offset"].as_u64(), v["more"].as_bool()), (Some(500), Some(0), Some(false)));

    // The finding as the model serialises it: the verdict flattened beside id, asset, cves, kev.
    let f = &v["items"][1];
    assert_eq!(f["asset"], "PLC-01");
    assert_eq!(f["vulnerability"], "CVE-2022-38465");
    assert_eq!(f["slot"], "device");
    assert_eq!(f["status"], "affected");
    assert_eq!(f["confidence"], "high");
    assert_eq!(f["advisory"], "ICSA-22-286-05");
    assert_eq!(f["fixed_version"], "V2.9.4");
    assert_eq!(f["cves"], serde_json::json!(["CVE-2022-38465"]));
    assert!(f.get("kev").is_none());
    assert_eq!(f["evidence"][0]["basis"], "model-number");
    assert_eq!(f["evidence"][1]["source"], "nvd-2.0");
    assert_eq!(f["remedies"][0]["kind"], "vendor_fix");
    assert_eq!(v["items"][0]["kev"], "2021-11-03");
    assert_eq!(v["items"][0]["status"], "under-investigation");
    assert_eq!(v["items"][3]["component"], format!("WinCC {HOSTILE}"));

    // No findings stored: an empty list, not an error.
    let v = get(&app(), "/api/v1/findings").await.json();
    assert_eq!(v["items"], serde_json::json!([]));
    assert_eq!(v["more"], false);
}

#[tokio::test]
async fn api_filters_findings() {
    let app = findings_app();
    let q = |uri: &'static str| {
        let app = app.clone();
        async move {
            let r = get(&app, uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            ids(&r.json())
        }
    };
    let all = [F_OLD_FIXED, F_UNDER, F_AFFECTED, F_SUPPRESSED, F_FIXED, F_FIXED_KEV, F_RTU, F_COMPONENT];
    assert_eq!(q("/api/v1/findings?status=all").await, all);
    assert_eq!(q("/api/v1/findings?status=ALL&status=fixed").await, all, "all wins");
    assert_eq!(q("/api/v1/findings?status=open").await, [F_UNDER, F_AFFECTED, F_RTU, F_COMPONENT]);
    let closed = [F_OLD_FIXED, F_SUPPRESSED, F_FIXED, F_FIXED_KEV];
    assert_eq!(q("/api/v1/findings?status=not-affected,fixed").await, closed);
    assert_eq!(q("/api/v1/findings?status=fixed&status=not_affected").await, closed);
    assert_eq!(q("/api/v1/findings?status=under-investigation").await, [F_UNDER]);
    // An empty value (a form's "default" choice) is the default.
    assert_eq!(q("/api/v1/findings?status=&asset=&cve=").await, [F_UNDER, F_AFFECTED, F_RTU, F_COMPONENT]);

    assert_eq!(q("/api/v1/findings?min_confidence=medium").await, [F_UNDER, F_AFFECTED, F_RTU]);
    assert_eq!(q("/api/v1/findings?min_confidence=high").await, [F_AFFECTED]);
    assert_eq!(q("/api/v1/findings?min_confidence=high&status=all").await, [F_AFFECTED, F_SUPPRESSED, F_FIXED]);
    assert_eq!(q("/api/v1/findings?min_confidence=low").await, [F_UNDER, F_AFFECTED, F_RTU, F_COMPONENT]);

    assert_eq!(q("/api/v1/findings?kev=true").await, [F_UNDER, F_COMPONENT]);
    assert_eq!(q("/api/v1/findings?kev=true&status=all").await, [F_UNDER, F_FIXED_KEV, F_COMPONENT]);
    assert_eq!(q("/api/v1/findings?kev=false").await, [F_UNDER, F_AFFECTED, F_RTU, F_COMPONENT]);

    assert_eq!(q("/api/v1/findings?asset=PLC-01").await, [F_UNDER, F_AFFECTED]);
    assert_eq!(q("/api/v1/findings?asset=PLC-01&status=all").await, [F_OLD_FIXED, F_UNDER, F_AFFECTED]);
    assert_eq!(q("/api/v1/findings?asset=RTU%2F7").await, [F_RTU]);
    assert_eq!(q("/api/v1/findings?asset=plc-01").await, Vec::<String>::new(), "asset ids are exact");

    // A CVE or an advisory with evidence, either spelling.
    assert_eq!(q("/api/v1/findings?cve=cve-2022-38465&status=all").await, [F_AFFECTED, F_SUPPRESSED, F_FIXED]);
    assert_eq!(q("/api/v1/findings?cve=icsa-22-286-05&status=all").await, [F_AFFECTED, F_SUPPRESSED, F_FIXED]);
    assert_eq!(q("/api/v1/findings?cve=ICSA-23-143-01").await, [F_RTU]);
    assert_eq!(q("/api/v1/findings?cve=CVE-2022-38465&asset=PLC-02&status=not-affected").await, [F_SUPPRESSED]);

    let v = get(&app, "/api/v1/findings?limit=2").await.json();
    assert_eq!(ids(&v), [F_UNDER, F_AFFECTED]);
    assert_eq!((v["limit"].as_u64(), v["more"].as_bool()), (Some(2), Some(true)));
    let v = get(&app, "/api/v1/findings?limit=2&offset=2").await.json();
    assert_eq!(ids(&v), [F_RTU, F_COMPONENT]);
    assert_eq!((v["offset"].as_u64(), v["more"].as_bool()), (Some(2), Some(false)));
    let v = get(&app, "/api/v1/findings?status=all&limit=3&offset=6").await.json();
    assert_eq!(ids(&v), [F_RTU, F_COMPONENT]);
    let v = get(&app, "/api/v1/findings?offset=100").await.json();
    assert_eq!(ids(&v), Vec::<String>::new());
    assert_eq!(get(&app, "/api/v1/findings?limit=5000").await.json()["limit"], 5000);
}

#[tokio::test]
async fn api_refuses_bad_finding_parameters() {
    let app = findings_app();
    for (uri, words) in [
        ("/api/v1/findings?min_confidence=certain", &["min_confidence", "certain", "low, medium, high"][..]),
        (
            "/api/v1/findings?status=open,broken",
            &["status", "broken", "affected, under-investigation, not-affected, fixed", "all"],
        ),
        ("/api/v1/findings?kev=maybe", &["kev", "true or false"]),
        ("/api/v1/findings?limit=0", &["limit", "1 to 5000"]),
        ("/api/v1/findings?limit=5001", &["limit", "5001"]),
        ("/api/v1/findings?offset=-3", &["offset"]),
        ("/api/v1/findings?severity=high", &["severity", "asset, cve, min_confidence, status, kev, limit, offset"]),
        ("/api/v1/findings?asset=PLC-01&asset=PLC-02", &["asset", "more than once"]),
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(r.content_type().starts_with("application/json"), "{uri}");
        let v = r.json();
        assert_eq!(error_code(&v), "bad_request", "{uri}");
        let message = v["error"]["message"].as_str().unwrap();
        for w in words {
            assert!(message.contains(w), "{uri}: `{w}` not in `{message}`");
        }
    }
}

#[tokio::test]
async fn api_answers_one_finding_or_404() {
    let app = findings_app();
    let v = get(&app, "/api/v1/findings/PLC-01%3ACVE-2022-38465").await.json();
    assert_eq!(v["id"], F_AFFECTED);
    assert_eq!(v["evidence"].as_array().unwrap().len(), 2);
    assert_eq!(v["remedies"].as_array().unwrap().len(), 2);
    assert_eq!(v["evidence"][1]["platform"][0], "cpe:2.3:h:siemens:simatic_s7-1500_cpu_1516-3_pn_dp:-:*:*:*:*:*:*:*");

    // Colons may come unencoded; a `/` in the asset id must be encoded.
    let v = get(&app, "/api/v1/findings/SCADA-1:CVE-2023-28829").await.json();
    assert_eq!((v["slot"].as_str(), v["kev"].as_str()), (Some("c:wincc"), Some("2023-06-01")));
    let v = get(&app, "/api/v1/findings/RTU%2F7%3AICSA-23-143-01").await.json();
    assert_eq!(v["id"], F_RTU);
    assert_eq!(v["cves"], serde_json::json!([]));

    let r = get(&app, "/api/v1/findings/PLC-01%3ACVE-1999-0001").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("application/json"));
    let v = r.json();
    assert_eq!(error_code(&v), "not_found");
    assert!(v["error"]["message"].as_str().unwrap().contains("`PLC-01:CVE-1999-0001`"));
    assert!(v["error"]["message"].as_str().unwrap().contains("patchwise match"));
}

#[tokio::test]
async fn api_summary_counts_findings() {
    let v = get(&findings_app_with(matched(true, 3)), "/api/v1/findings/summary").await.json();
    assert_eq!(v["total"], 8);
    assert_eq!(v["open"], 4);
    assert_eq!(v["open_kev"], 2);
    assert_eq!(v["assets_with_open"], 3);
    assert_eq!(v["last_run"], "2025-03-02T08:00:00Z");
    assert_eq!(v["last_kind"], "full");
    assert_eq!(v["stale"], true);
    assert_eq!(v["unmatched_advisories"], 3);
    let by = v["by_status"].as_array().unwrap();
    assert_eq!(by.len(), 8);
    assert_eq!(by[0], serde_json::json!(["affected", "low", 1]));
    assert_eq!(by[7], serde_json::json!(["fixed", "high", 1]));

    let v = get(&app(), "/api/v1/findings/summary").await.json();
    assert_eq!((v["total"].as_u64(), v["open"].as_u64()), (Some(0), Some(0)));
    assert_eq!(v["last_run"], Value::Null);
    assert_eq!(v["by_status"], serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------------
// Pages

#[tokio::test]
async fn findings_page_summarises_filters_and_links() {
    let app = findings_app();
    let r = get(&app, "/findings").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "text/html; charset=utf-8");
    let b = &r.body;
    assert_escaped(b);
    assert!(b.contains("<a href=\"/findings\" aria-current=\"page\">Findings</a>"));
    // The strip.
    assert!(b.contains("<strong>4</strong> <a href=\"/findings\">open findings</a>"));
    assert!(b.contains("<strong>1</strong> open, high confidence"));
    assert!(b.contains("<strong>2</strong> open, medium confidence"));
    assert!(b.contains("<strong>1</strong> open, low confidence"));
    assert!(b.contains("<strong>2</strong> <a href=\"/findings?kev=true\">open in CISA KEV</a>"));
    assert!(b.contains("<strong>3</strong> assets with open findings"));
    assert!(b.contains("<strong>1</strong> <a href=\"/findings?status=not-affected\">suppressed (not affected)</a>"));
    assert!(b.contains("<strong>3</strong> <a href=\"/findings?status=fixed\">closed (fixed)</a>"));
    assert!(b.contains("<strong>2025-03-02T08:00:00Z</strong> last match (full)"));
    assert!(!b.contains("Stale:"));
    // The table: open findings only, every id linked and encoded.
    assert!(b.contains("4 findings match; showing 1–4."));
    assert!(b.contains("<a href=\"/findings/PLC-01%3ACVE-2022-38465\"><code>PLC-01:CVE-2022-38465</code></a>"));
    assert!(b.contains("<a href=\"/findings/RTU%2F7%3AICSA-23-143-01\">"));
    assert!(b.contains("<a href=\"/findings/SCADA-1%3ACVE-2023-28829\">"));
    assert!(b.contains("<a href=\"/assets/RTU%2F7\"><code>RTU/7</code></a>"));
    assert!(b.contains("<a href=\"/intel/CVE-2022-38465\"><code>CVE-2022-38465</code></a>"));
    assert!(b.contains("<a href=\"/intel/ICSA-22-286-05\"><code>ICSA-22-286-05</code></a>"));
    assert!(b.contains("KEV 2021-11-03") && b.contains("KEV 2023-06-01"));
    assert!(b.contains("<code>V2.9.4</code>"));
    assert!(!b.contains(F_SUPPRESSED) && !b.contains(F_FIXED), "suppressed and closed are not listed by default");
    assert!(at(b, F_UNDER) < at(b, F_AFFECTED) && at(b, F_AFFECTED) < at(b, F_RTU));
    // The form, default choices selected.
    assert!(b.contains("<form class=\"filters\" method=\"get\" action=\"/findings\""));
    assert!(b.contains("<option value=\"\" selected=\"\">open (affected, under investigation)</option>"));
    assert!(b.contains("<input type=\"checkbox\" name=\"kev\" value=\"true\">"));

    let b = get(&app, "/findings?status=all&min_confidence=high&kev=true").await.body;
    assert!(b.contains("<option value=\"all\" selected=\"\">"));
    assert!(b.contains("<option value=\"high\" selected=\"\">"));
    assert!(b.contains("name=\"kev\" value=\"true\" checked=\"\""));
    assert!(b.contains("No finding matches this filter."));

    let b = get(&app, "/findings?status=all").await.body;
    assert!(b.contains("8 findings match; showing 1–8."));
    assert!(b.contains(F_SUPPRESSED) && b.contains("not affected (suppressed)") && b.contains("fixed (closed)"));

    let b = get(&app, "/findings?status=not-affected,fixed").await.body;
    assert!(b.contains("<option value=\"not-affected,fixed\" selected=\"\">not-affected, fixed</option>"));
    assert!(b.contains("4 findings match"));

    // The cap: a note how many more and how to narrow, and the next page.
    let b = get(&app, "/findings?limit=2").await.body;
    assert!(b.contains("4 findings match; showing 1–2. 2 more: narrow the filter"));
    assert!(b.contains("href=\"/findings?limit=2&amp;offset=2\" rel=\"next\""));
    assert!(b.contains("<input type=\"hidden\" name=\"limit\" value=\"2\">"));
    let b = get(&app, "/findings?limit=2&offset=2").await.body;
    assert!(b.contains("showing 3–4.") && b.contains("<a href=\"/findings?limit=2\">← First page</a>"));
    assert!(!b.contains("rel=\"next\""));
    // Filters the summary cannot count: no total, still paged.
    let b = get(&app, "/findings?asset=PLC-01&status=all&limit=2").await.body;
    assert!(b.contains("Showing findings 1–2. More match: narrow the filter"));
    assert!(b.contains("href=\"/findings?asset=PLC-01&amp;status=all&amp;limit=2&amp;offset=2\" rel=\"next\""));
    assert!(b.contains("value=\"PLC-01\""));

    let r = get(&app, "/findings?min_confidence=certain").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.content_type().starts_with("text/html"));
    assert!(r.body.contains("min_confidence") && r.body.contains("low, medium, high"));
}

#[tokio::test]
async fn findings_page_says_when_findings_are_stale_or_missing() {
    let b = get(&findings_app_with(matched(true, 3)), "/findings").await.body;
    assert!(b.contains("<strong>Stale:</strong> the plant changed since the last full match"));
    assert!(b.contains("<code>patchwise match</code>"));
    assert!(b.contains("3 advisories imported since the last match are not matched yet."));

    let b = get(&app(), "/findings").await.body;
    assert!(b.contains("No findings yet: matching has not run on this database."));
    assert!(b.contains("<code>patchwise match</code>"));
    assert!(!b.contains("<table"));
    assert!(get(&app(), "/").await.body.contains("<a href=\"/findings\">Findings</a>"));
}

#[tokio::test]
async fn finding_page_explains_with_evidence_and_remedies() {
    let app = findings_app();
    let r = get(&app, "/findings/PLC-01%3ACVE-2022-38465").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert_escaped(b);
    assert!(b.contains("<title>PLC-01:CVE-2022-38465 — Patchwise</title>"));
    assert!(b.contains("<a href=\"/findings\" aria-current=\"page\">Findings</a>"));
    assert!(b.contains("<h1>CVE-2022-38465 on PLC-01</h1>"));
    assert!(b.contains("<strong>Open: affected.</strong>") && b.contains("it is fixed in V2.9.4."));
    assert!(b.contains("<a href=\"/assets/PLC-01\"><code>PLC-01</code></a>"));
    assert!(b.contains("<dt>Part</dt><dd>device</dd>"));
    assert!(b.contains("<dt>CISA KEV</dt><dd><span class=\"none\">not listed</span>"));
    assert!(b.contains("href=\"/findings?asset=PLC-01&amp;status=all\""));
    // The evidence: the hostile statement escaped, the range's `<` too, how it matched.
    let ev = &b[at(b, "<h2>Evidence</h2>")..at(b, "<h2>Remedies</h2>")];
    assert!(ev.contains("SIMATIC S7-1500 CPU 1516-3 PN/DP (6ES7516-3AN02-0AB0) &lt;script&gt;"));
    assert!(ev.contains("CSAF advisory, revision 2") && ev.contains("NVD (CVE API 2.0)"));
    assert!(ev.contains("<strong>model-number</strong><br><code>model 6ES7 516-3AN02-0AB0</code>"));
    assert!(ev.contains("<strong>derived-cpe</strong>"));
    assert!(ev.contains("<code>V2.9.2</code>") && ev.contains("&lt; V2.9.4") && ev.contains("<code>siemens</code>"));
    assert!(ev.contains("<span class=\"badge badge-bad\">inside</span>"));
    assert!(ev.contains("cpe:2.3:h:siemens:simatic_s7-1500_cpu_1516-3_pn_dp"));
    assert!(ev.contains("<span class=\"badge badge-bad\">affected</span>"));
    // The remedies: an https URL is a link, a javascript: one is not.
    let rem = &b[at(b, "<h2>Remedies</h2>")..];
    assert!(rem.contains("vendor fix") && rem.contains("Update to V2.9.4 or later version"));
    assert!(rem.contains(&format!("<a href=\"{FIX_URL}\" rel=\"noreferrer noopener\">")));
    assert!(rem.contains("machine"));
    assert!(rem.contains("not a web link"));

    let b = get(&app, "/findings/PLC-01%3ACVE-2020-15782").await.body;
    assert!(b.contains("<strong>Open: under investigation.</strong>"));
    assert!(b.contains(
        "<strong>Known exploited.</strong> CVE-2020-15782 is listed in the CISA KEV catalog since 2021-11-03"
    ));
    assert!(b.contains("The advisories offer no remediation for this finding."));
}

#[tokio::test]
async fn suppressed_and_closed_findings_say_so() {
    let app = findings_app();
    let b = get(&app, "/findings/PLC-02%3ACVE-2022-38465").await.body;
    assert!(b.contains("<strong>Suppressed: not affected.</strong> Not an open finding:"));
    assert!(b.contains("<strong>the vulnerable code is not in the execute path</strong>"));
    assert!(b.contains("The CPU&#39;s web server is disabled in this configuration."));
    assert!(b.contains("<code>vulnerable_code_not_in_execute_path</code>"));
    assert!(b.contains("<span class=\"badge badge-ok\">not affected</span>"));

    let b = get(&app, "/findings/PLC-03%3ACVE-2022-38465").await.body;
    assert!(
        b.contains("<strong>Closed: fixed.</strong> The asset runs a version the advisories name as fixed (V2.9.4)")
    );
    assert!(b.contains("<span class=\"badge badge-ok\">outside</span>") && b.contains("<code>V3.0.1</code>"));

    // A component finding, and one on an asset id with a `/` and an unknown version.
    let b = get(&app, "/findings/SCADA-1%3ACVE-2023-28829").await.body;
    assert_escaped(&b);
    assert!(b.contains("<dt>Part</dt><dd>component <strong>WinCC &lt;script&gt;"));
    assert!(b.contains("<code>c:wincc</code>"));
    assert!(b.contains("<span class=\"badge badge-warn\">low</span>"));
    assert!(b.contains("<strong>cpe</strong><br><code>cpe:2.3:a:siemens:wincc:7.5:sp2:*:*:*:*:*:*</code>"));
    let b = get(&app, "/findings/RTU%2F7%3AICSA-23-143-01").await.body;
    assert!(b.contains("<a href=\"/assets/RTU%2F7\"><code>RTU/7</code></a>"));
    assert!(b.contains("<span class=\"badge badge-warn\">unknown</span>: the asset&#39;s version is not known"));
    assert!(b.contains("<span class=\"none\">not known</span>"));

    let r = get(&app, "/findings/PLC-01%3ACVE-1999-0001").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("text/html"));
    assert!(r.body.contains("there is no finding with id `PLC-01:CVE-1999-0001`"));
    let r = get(&app, "/findings/%3Cscript%3E").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("&lt;script&gt;") && !r.body.contains("<script"));
}

#[tokio::test]
async fn asset_page_lists_its_findings_open_first() {
    let app = findings_app();
    let b = get(&app, "/assets/PLC-01").await.body;
    let section = &b[at(&b, "<h2>Findings</h2>")..at(&b, "<h2>Ownership and impact</h2>")];
    assert!(section.contains("3 findings: 2 open, 1 closed (fixed)."));
    assert!(section.contains("href=\"/findings?asset=PLC-01&amp;status=all\""));
    let (under, affected, fixed) = (at(section, F_UNDER), at(section, F_AFFECTED), at(section, F_OLD_FIXED));
    assert!(under < affected && affected < fixed, "open first, then by vulnerability");
    assert!(section.contains("<a href=\"/findings/PLC-01%3ACVE-2022-38465\">"));
    assert!(!section.contains("<th scope=\"col\">Asset</th>"), "no asset column on the asset's own page");

    let b = get(&app, "/assets/PLC-02").await.body;
    assert!(b.contains("1 finding: 0 open, 1 suppressed (not affected)."));

    let b = get(&app, "/assets/SCADA-1").await.body;
    assert_escaped(&b);
    assert!(b.contains(F_COMPONENT) && b.contains("component <strong>WinCC &lt;script&gt;"));

    let b = get(&app, "/assets/HIST-1").await.body;
    assert!(b.contains("No findings on this asset."));
}
