//! `GET /imports`: every imported scan file with its counts, the hosts no asset could be tied
//! to, and the reconciliation of its claims with Patchwise's findings.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::response::Response;

use super::{count, respond};
use crate::AppState;
use crate::html::{self, Html};

#[derive(serde::Serialize)]
pub(crate) struct ImportView {
    #[serde(flatten)]
    pub(crate) row: store::ScanImportRow,
    pub(crate) unmatched: Vec<String>,
    pub(crate) reconciliation: inventory::scan_tie::Reconciliation,
}

/// The imports with their reconciliation against today's open findings.
pub(crate) fn load(s: &dyn store::Store) -> Result<Vec<ImportView>, crate::error::Failure> {
    let findings: Vec<(String, String)> =
        s.exposure_findings(model::Confidence::Low)?.into_iter().map(|f| (f.asset, f.vulnerability)).collect();
    let mut out = Vec::new();
    for row in s.scan_imports()? {
        let hosts = s.scan_hosts(row.id)?;
        let covered: BTreeSet<String> = hosts.iter().filter_map(|h| h.asset.clone()).collect();
        let unmatched = hosts.iter().filter(|h| h.asset.is_none()).map(|h| h.key.clone()).collect();
        let claims = s.scan_claims(Some(row.id))?.into_iter().filter_map(|c| Some((c.asset?, c.vulnerability)));
        let reconciliation = inventory::scan_tie::reconcile(claims, findings.iter().cloned(), &covered);
        out.push(ImportView { row, unmatched, reconciliation });
    }
    Ok(out)
}

pub(crate) async fn handler(State(state): State<AppState>) -> Response {
    let data = state.with_store(|s| load(s)).await;
    respond(&state, "Imports", Some("/imports"), data.map(|d| render(&d)))
}

pub(crate) fn render(list: &[ImportView]) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Imports");
    h.open("p", &[("class", "sub")])
        .text("Scanner reports imported with ")
        .el("code", &[], "patchwise scan import")
        .text(": hosts tied to assets by MAC, serial, address or name; the scanner's CVE claims kept apart from Patchwise's findings and compared with them on the assets the scan covered.")
        .close("p");
    if list.is_empty() {
        h.el("p", &[("class", "none")], "No scan has been imported into this database yet.");
        return h;
    }
    for v in list {
        let r = &v.row;
        let anchor = format!("import-{}", r.id);
        h.open("section", &[("aria-labelledby", &anchor)]);
        h.open("h2", &[("id", &anchor)]).text(&r.file).close("h2");
        h.el(
            "p",
            &[("class", "sub")],
            format!(
                "{} · imported {} · {} · {} tied, {} unmatched · {} · {} · {}",
                r.format,
                r.at,
                count(r.hosts as usize, "host", "hosts"),
                r.hosts - r.unmatched,
                r.unmatched,
                count(r.services as usize, "service", "services"),
                count(r.claims as usize, "CVE claim", "CVE claims"),
                count(r.components as usize, "component", "components"),
            ),
        );
        if !v.unmatched.is_empty() {
            h.open("p", &[("class", "notice")])
                .el("strong", &[], format!("{} unmatched host(s).", v.unmatched.len()))
                .text(" No asset has their MAC, serial, address or name: ")
                .text(v.unmatched.iter().take(50).cloned().collect::<Vec<_>>().join(", "))
                .text(if v.unmatched.len() > 50 { ", …" } else { "" })
                .close("p");
        }
        let rec = &v.reconciliation;
        h.open("table", &[]);
        h.el("caption", &[], "Reconciliation on the tied assets");
        h.raw("<thead><tr><th>Who says it</th><th>Count</th><th>Asset and CVE</th></tr></thead><tbody>");
        for (label, pairs) in [
            ("Both (agreed)", &rec.agreed),
            ("Only the scanner", &rec.scanner_only),
            ("Only Patchwise", &rec.patchwise_only),
        ] {
            h.raw("<tr><td>").text(label).raw("</td><td>").text(pairs.len()).raw("</td><td>");
            for (i, (a, c)) in pairs.iter().take(30).enumerate() {
                if i > 0 {
                    h.raw(", ");
                }
                h.link(&html::finding_href(&format!("{a}:{c}")), format!("{a} {c}"));
            }
            if pairs.len() > 30 {
                h.text(", …");
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
        h.close("section");
    }
    h
}
