//! The HTML pages: Purdue order, escaping, the asset page, the list and its pager.

use axum::http::{StatusCode, header};

use crate::support::{app, get};

/// The position of `needle` in `hay`, failing the test when absent.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle).unwrap_or_else(|| panic!("`{needle}` not found in page"))
}

/// No markup from the database: the hostile name appears only escaped.
fn assert_escaped(body: &str) {
    assert!(!body.contains("<script"), "unescaped script tag");
    assert!(!body.contains("alert(\"pw\")"), "unescaped quotes");
    assert!(body.contains("&lt;script&gt;alert(&quot;pw&quot;)&lt;/script&gt; &amp; &#39;x&#39;"));
}

#[tokio::test]
async fn overview_draws_zones_in_purdue_order() {
    let r = get(&app(), "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "text/html; charset=utf-8");
    let b = &r.body;
    assert!(b.starts_with("<!doctype html>"));
    // Level 4 at the top, level 1 at the bottom, whatever order the store gave.
    let l4 = at(b, "<h3>Level 4");
    let l35 = at(b, "<h3>Level 3.5");
    let l3 = at(b, "<h3>Level 3 ");
    let l2 = at(b, "<h3>Level 2");
    let l1 = at(b, "<h3>Level 1");
    assert!(l4 < l35 && l35 < l3 && l3 < l2 && l2 < l1, "{l4} {l35} {l3} {l2} {l1}");
    assert!(at(b, "Enterprise LAN") < at(b, "Industrial DMZ"));
    assert!(at(b, "Industrial DMZ") < at(b, "Filling cell 1"));
    assert!(!b.contains("<h3>Level 0"), "empty levels are left out");

    // The safety cell: badge, SL-T, counts by kind, capped list with a link to the rest.
    assert!(b.contains("id=\"zone-cell1\""));
    assert!(b.contains("safety zone"));
    assert!(b.contains("SL-T(2,2,2,2,2,2,2)"));
    assert!(b.contains("12 assets: 12 plc"));
    assert!(b.contains("<a href=\"/assets?zone=cell1\">4 more…</a>"));
    assert!(b.contains("Filler PLC 1<") && !b.contains("Filler PLC 9<"));

    // Conduits with their rules.
    assert!(b.contains("FW-CELL"));
    assert!(b.contains("tcp/5450-5460"));
    assert!(b.contains("s7comm"));
    assert!(b.contains("<a href=\"/assets/HIST-1\"><code>HIST-1</code></a>"));

    // Entry points: the Internet port forward stands out, the VPN without MFA too.
    assert!(b.contains("<tr class=\"warn\">"));
    assert!(b.contains("Warning: Internet port forward"));
    assert!(b.contains("203.0.113.7:8443"));
    assert!(b.contains("no MFA"));

    // The SCADA server has no owner.
    assert!(b.contains("1 of 16 assets has no owner."));
    assert_escaped(b);
}

#[tokio::test]
async fn overview_nav_footer_and_stylesheet() {
    let app = app();
    let b = get(&app, "/").await.body;
    assert!(b.contains("<a href=\"/\" aria-current=\"page\">Overview</a>"));
    assert!(b.contains("<a href=\"/assets\">Assets</a>"));
    assert!(b.contains(&format!("Patchwise {}", env!("CARGO_PKG_VERSION"))));
    assert!(b.contains("/static/patchwise.css?v="));

    let css = get(&app, "/static/patchwise.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.content_type(), "text/css; charset=utf-8");
    assert!(css.body.contains("@media print"));

    let r = get(&app, "/").await;
    let csp = r.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("style-src 'self'"));
    assert_eq!(r.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
}

#[tokio::test]
async fn asset_page_shows_identity_owner_and_context() {
    let r = get(&app(), "/assets/SCADA-1").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert_escaped(b);
    // Identity.
    for s in ["Siemens", "WinCC", "6AV6 381-1BM06-0AV0", "HW 3", "Windows Server 2012 R2", "SN-000123"] {
        assert!(b.contains(s), "{s}");
    }
    assert!(b.contains("cpe:2.3:a:siemens:wincc:7.5:sp2:*:*:*:*:*:*"));
    assert!(b.contains("00:1b:1b:aa:bb:cc") && b.contains("10.2.0.10"));
    // No owner, said prominently and before the identity.
    assert!(at(b, "<strong>Unowned.</strong>") < at(b, "<h2>Identity</h2>"));
    assert!(b.contains(">unowned<"));
    // Placement.
    assert!(b.contains("North Works") && b.contains("Supervisory") && b.contains("Level 2 — supervisory control"));
    // Support ended in 2023.
    assert!(b.contains("Past end of life.") && b.contains("2023-10-10"));
    assert!(b.contains("WinCC V7.5 SP2 Update 5"));
    assert!(b.contains("safety: critical") && b.contains("mission: mef-failure"));
    // Depends on the historian, depended on by PLC-01.
    let deps = at(b, "Depends on");
    let by = at(b, "Depended on by");
    assert!(deps < at(b, "/assets/HIST-1") && at(b, "/assets/PLC-01") > by);
    // Rules naming the asset, its zone.
    assert!(b.contains("c-dmz-sup") && b.contains("c-sup-cell1"));
    assert!(!b.contains("c-ent-dmz"), "the enterprise conduit does not reach this asset");
    assert!(b.contains("<a href=\"/assets\" aria-current=\"page\">Assets</a>"));
}

#[tokio::test]
async fn asset_page_redundancy_and_entry_points() {
    let app = app();
    let b = get(&app, "/assets/PLC-01").await.body;
    assert!(b.contains("filler-pair"));
    assert!(b.contains("<a href=\"/assets/PLC-02\">Filler PLC 2</a>"));
    assert!(b.contains("Line 1 automation"));
    assert!(!b.contains("Unowned."));

    let b = get(&app, "/assets/HIST-1").await.body;
    assert!(b.contains("Warning: Internet port forward"));
    assert!(b.contains("Vendor remote access"), "the VPN lands in the historian's zone");
    assert!(b.contains("none: taking this asset down stops what it does"));
}

#[tokio::test]
async fn missing_asset_page_is_a_404_page() {
    let r = get(&app(), "/assets/%3Cscript%3E").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("text/html"));
    assert!(r.body.contains("Not found"));
    assert!(r.body.contains("&lt;script&gt;") && !r.body.contains("<script"));

    let r = get(&app(), "/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("text/html"));
}

#[tokio::test]
async fn asset_list_filters_and_pages() {
    let app = app();
    let r = get(&app, "/assets").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("16 assets; this page shows 16."));
    assert_escaped(&r.body);
    assert!(r.body.contains("badge badge-bad\">unowned<"));

    let b = get(&app, "/assets?zone=cell1&kind=plc&limit=5").await.body;
    assert!(b.contains("12 assets match; this page shows 5."));
    assert!(b.contains("<option value=\"cell1\" selected=\"\">"));
    assert!(b.contains("<option value=\"plc\" selected=\"\">"));
    assert!(b.contains("href=\"/assets?zone=cell1&amp;kind=plc&amp;limit=5&amp;after=PLC-05\" rel=\"next\""));

    let b = get(&app, "/assets?zone=cell1&kind=plc&limit=5&after=PLC-10").await.body;
    assert!(b.contains("Filler PLC 11") && b.contains("Filler PLC 12") && !b.contains("Filler PLC 10<"));
    assert!(b.contains("← First page") && !b.contains("rel=\"next\""));

    let r = get(&app, "/assets?kind=toaster").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.content_type().starts_with("text/html"));
    assert!(r.body.contains("toaster"));
}
