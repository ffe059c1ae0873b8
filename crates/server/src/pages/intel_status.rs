//! `GET /intel`: what vulnerability intelligence this database holds, per source and kind of
//! record (records, newest record, last import), how to import more, and a form to look up a CVE
//! or advisory id. `GET /intel?id=X` answers the form with a redirect to `/intel/X`.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use model::advisory::Source;
use store::{IntelKind, IntelSourceStatus};

use super::{respond, text_or_none};
use crate::AppState;
use crate::api::{Pairs, pairs};
use crate::error::Failure;
use crate::html::{self, Html};

pub(crate) async fn handler(State(state): State<AppState>, q: Pairs) -> Response {
    let id = match pairs(q).and_then(|p| lookup_id(&p)) {
        Ok(id) => id,
        Err(f) => return crate::error::page(state.database(), f),
    };
    if let Some(id) = id {
        return Redirect::to(&html::intel_href(&id)).into_response();
    }
    let data = state.with_store(|s| Ok(s.intel_status()?)).await;
    respond(&state, "Intelligence", Some("/intel"), data.map(|status| render(&status)))
}

/// The id the lookup form sent, if any; the form's `id` is the only parameter.
fn lookup_id(pairs: &[(String, String)]) -> Result<Option<String>, Failure> {
    let mut id = None;
    for (name, value) in pairs {
        if name != "id" {
            return Err(Failure::bad_request(format!(
                "unknown query parameter `{name}`; this page accepts: id (a CVE or advisory id to look up)"
            )));
        }
        if id.is_some() {
            return Err(Failure::bad_request("query parameter `id` is given more than once"));
        }
        id = Some(value.trim().to_string());
    }
    Ok(id.filter(|i| !i.is_empty()))
}

/// A source in words, for people who do not know the feeds by their file names.
pub(crate) fn source_label(s: Source) -> &'static str {
    match s {
        Source::Nvd2 => "NVD (CVE API 2.0)",
        Source::Nvd11 => "NVD (1.1 feeds)",
        Source::Cve5 => "CVE record (CNA)",
        Source::Cve5Adp => "CVE record, ADP container",
        Source::Kev => "CISA Known Exploited Vulnerabilities catalog",
        Source::Epss => "FIRST EPSS",
        Source::Csaf => "CSAF advisory",
        Source::CycloneDxVex => "CycloneDX VEX",
        Source::OpenVex => "OpenVEX",
        Source::Demo => "Patchwise demo intelligence",
    }
}

fn kind_label(k: IntelKind) -> &'static str {
    match k {
        IntelKind::Advisories => "advisories",
        IntelKind::Kev => "KEV entries",
        IntelKind::Epss => "EPSS scores",
        IntelKind::Ssvc => "SSVC decision points",
    }
}

/// The kinds of signal whose absence changes what a decision can rely on, with what is lost.
const SIGNALS: [(IntelKind, &str); 3] = [
    (IntelKind::Kev, "the CISA KEV catalog: known exploitation cannot be shown"),
    (IntelKind::Ssvc, "CVE records with CISA Vulnrichment: SSVC exploitation and automatable are unknown"),
    (IntelKind::Epss, "EPSS scores: no exploitation probability"),
];

pub(crate) fn render(status: &[IntelSourceStatus]) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Vulnerability intelligence");
    lookup_form(&mut h, "");

    if status.is_empty() {
        h.open("p", &[("class", "notice")])
            .el("strong", &[], "No vulnerability intelligence has been imported into this database yet.")
            .text(" Import feeds, advisories and catalogs with ")
            .el("code", &[], "patchwise intel import PATH")
            .text(
                " — files, folders or archives of NVD feeds, CVE 5 records (with CISA Vulnrichment), the CISA KEV \
                 catalog, EPSS scores, CSAF advisories or VEX documents — then reload this page.",
            )
            .close("p");
    } else {
        let missing: Vec<&str> =
            SIGNALS.iter().filter(|(k, _)| !status.iter().any(|s| s.kind == *k)).map(|(_, what)| *what).collect();
        if !missing.is_empty() {
            h.open("div", &[("class", "notice")]).el("strong", &[], "Not imported yet:").raw("<ul>");
            for m in missing {
                h.el("li", &[], m);
            }
            h.raw("</ul>").text("Import them with ").el("code", &[], "patchwise intel import PATH").text(".");
            h.close("div");
        }
        table(&mut h, status);
    }
    h.open("p", &[])
        .link("/intel/quality", "Documents with data-quality warnings")
        .text(" — advisories whose version ranges were normalised or could not be read, for an analyst to check.")
        .close("p");
    h
}

/// The GET form that looks up a CVE or advisory id.
pub(crate) fn lookup_form(h: &mut Html, value: &str) {
    h.raw("<form class=\"filters\" method=\"get\" action=\"/intel\" role=\"search\" aria-label=\"Look up an id\">")
        .raw("<label>CVE or advisory id");
    h.open(
        "input",
        &[("type", "search"), ("name", "id"), ("value", value), ("placeholder", "CVE-2024-3400, ICSA-24-102-03")],
    );
    h.raw("</label><button type=\"submit\">Look up</button></form>");
}

fn table(h: &mut Html, status: &[IntelSourceStatus]) {
    h.raw("<div class=\"table-wrap\"><table><caption>Stored intelligence per source and kind of record</caption>")
        .raw("<thead><tr><th scope=\"col\">Source</th><th scope=\"col\">Kind</th>")
        .raw("<th scope=\"col\">Records</th><th scope=\"col\">Newest record</th>")
        .raw("<th scope=\"col\">Last import</th></tr></thead><tbody>");
    for s in status {
        h.raw("<tr><th scope=\"row\">").text(source_label(s.source)).raw("<br>");
        h.el("code", &[], s.source.as_str()).raw("</th>");
        h.el("td", &[], kind_label(s.kind));
        h.el("td", &[("class", "num")], s.records);
        h.open("td", &[]);
        text_or_none(h, s.newest.as_deref());
        h.close("td").open("td", &[]);
        text_or_none(h, s.last_import.as_deref());
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    h.el(
        "p",
        &[("class", "sub")],
        "Newest record: the latest modification date of an advisory, the latest KEV addition, EPSS score date or \
         SSVC timestamp. NVD counts distinct CVEs over its 1.1 and 2.0 formats.",
    );
}
