//! `GET /intel/quality`: the stored advisories that carry data-quality warnings (a loose version
//! range normalised, a range nobody could read), with the file each came from, for an analyst to
//! check before trusting what is matched against them. Takes `limit` like
//! `GET /api/v1/intel/quality`.

use axum::extract::State;
use axum::response::Response;
use store::QualityReport;

use super::intel_status::source_label;
use super::{count, respond, text_or_none};
use crate::AppState;
use crate::api::{Pairs, pairs};
use crate::html::{self, Html};
use crate::intel::{self, QUALITY_MAX_LIMIT};

pub(crate) async fn handler(State(state): State<AppState>, q: Pairs) -> Response {
    let limit = match pairs(q).and_then(|p| intel::quality_limit(&p)) {
        Ok(limit) => limit,
        Err(f) => return crate::error::page(state.database(), f),
    };
    let data = state.with_store(move |s| intel::quality_page(s, limit)).await;
    respond(&state, "Data-quality warnings", Some("/intel"), data.map(|(items, more)| render(&items, limit, more)))
}

pub(crate) fn render(items: &[QualityReport], limit: usize, more: bool) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Documents with data-quality warnings");
    h.el(
        "p",
        &[("class", "sub")],
        "While reading, Patchwise normalises loose version ranges where that is unambiguous and keeps the ones \
         nobody can read as they are, flagged “needs analyst” — never as “not affected”. Each is listed here.",
    );
    h.open("p", &[]).link("/intel", "← Intelligence status").close("p");
    if items.is_empty() {
        h.el("p", &[("role", "status")], "No stored advisory carries data-quality warnings.");
        return h;
    }
    let shown = count(items.len(), "document", "documents");
    let summary = if more { format!("The first {shown}; more exist.") } else { format!("{shown} with warnings.") };
    h.open("p", &[("role", "status")]).text(summary);
    if more && limit < QUALITY_MAX_LIMIT {
        let href = format!("/intel/quality?limit={QUALITY_MAX_LIMIT}");
        h.text(" ").link(&href, format!("Show up to {QUALITY_MAX_LIMIT}"));
    }
    h.close("p");

    h.raw("<div class=\"table-wrap\"><table><caption>By source, then advisory id</caption><thead><tr>")
        .raw("<th scope=\"col\">Advisory</th><th scope=\"col\">Source</th><th scope=\"col\">Document and file</th>")
        .raw("<th scope=\"col\">Warnings</th></tr></thead><tbody>");
    for r in items {
        h.raw("<tr><th scope=\"row\">").link(&html::intel_href(&r.id), &r.id).raw("</th>");
        h.open("td", &[]).text(source_label(r.source)).raw("<br>").el("code", &[], r.source.as_str()).close("td");
        h.open("td", &[]).el("code", &[], &r.document).raw("<br>");
        text_or_none(&mut h, r.file.as_deref());
        h.close("td").raw("<td><ul class=\"plain\">");
        for w in &r.warnings {
            h.el("li", &[], w);
        }
        h.raw("</ul></td></tr>");
    }
    h.raw("</tbody></table></div>");
    h
}
