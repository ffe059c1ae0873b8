//! `GET /findings/{id}`: why Patchwise says what it says about one vulnerability on one asset.
//! The verdict first — open, suppressed with its VEX justification, or closed — and the KEV
//! listing; then the asset and the part of it, the deciding advisory, every statement that
//! matched with how it matched (basis, version against range, comparator, containment,
//! confidence, the platform it runs on), and the remedies the advisories offer.
//!
//! Only `http`/`https` remedy URLs become links.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use model::FindingStatus;
use model::advisory::{Justification, ProductStatus};
use model::finding::{DEVICE_SLOT, Evidence, Finding, FindingRemedy};

use super::findings::{confidence_badge, part, status_badge};
use super::intel_status::source_label;
use super::intel_view::{self, remediation_kind, remedy_cells};
use super::{respond, text_or_none};
use crate::AppState;
use crate::api::{path_id, unknown_finding};
use crate::html::{self, Html};

pub(crate) async fn handler(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let data = match path_id(id) {
        Ok(id) => state.with_store(move |s| s.finding(&id)?.ok_or_else(|| unknown_finding(&id))).await,
        Err(f) => Err(f),
    };
    let title = data.as_ref().map(|f| f.id.clone()).unwrap_or_default();
    // An open finding's decision, when one can be worked out (a plant is stored).
    let decision = match &data {
        Ok(f) if f.verdict.status.is_open() => crate::decisions::decided(&state)
            .await
            .ok()
            .and_then(|d| d.decisions.iter().find(|x| x.finding == f.id).cloned()),
        _ => None,
    };
    respond(
        &state,
        &title,
        Some("/findings"),
        data.map(|f| {
            let mut h = render(&f);
            if let Some(d) = &decision {
                decision_section(&mut h, d);
            }
            h
        }),
    )
}

/// The finding's SSVC decision: outcome, deadline, every input with its source.
pub(crate) fn decision_section(h: &mut Html, d: &decide::Decision) {
    h.open("section", &[("aria-labelledby", "decision")]);
    h.el("h2", &[("id", "decision")], "Decision");
    h.open("p", &[]);
    h.el("span", &[("class", &format!("badge badge-{}", d.priority.as_str()))], d.priority.as_str());
    h.text(format!(" — act by {} (since {}; {})", d.deadline, d.since, d.table)).close("p");
    h.el("p", &[], d.narrative());
    h.open("table", &[]);
    h.el("caption", &[], "Inputs and where each came from");
    h.raw("<thead><tr><th>Input</th><th>Value</th><th>Source</th></tr></thead><tbody>");
    for (name, i) in d.inputs.named() {
        h.raw("<tr><td>").text(name).raw("</td><td>");
        if name == "epss" {
            h.text(d.epss.map_or_else(String::new, |e| format!("{e:.5}")));
        } else {
            h.text(i.value);
        }
        if i.assumed {
            h.raw(" ").el("span", &[("class", "badge badge-warn")], "assumed");
        }
        h.raw("</td><td>").text(&i.source).raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    h.el("p", &[("class", "sub")], format!("CISA coordinator 2.0.3: {}; BOD 26-04: {}", d.cisa_level, d.bod_26_04));
    h.close("section");
}

pub(crate) fn render(f: &Finding) -> Html {
    let v = &f.verdict;
    let mut h = Html::new();
    h.open("p", &[("class", "crumbs")]).link("/findings", "← Findings").text(" · ");
    h.link(&html::findings_href(&[("asset", &f.asset), ("status", "all")]), "every finding on this asset");
    h.close("p");
    let on = match (&v.component, v.slot == DEVICE_SLOT) {
        (_, true) => f.asset.clone(),
        (Some(c), false) => format!("{}, component {c}", f.asset),
        (None, false) => format!("{}, {}", f.asset, v.slot),
    };
    h.el("h1", &[], format!("{} on {on}", v.vulnerability));
    h.open("p", &[("class", "sub")]).text("Finding ").el("code", &[], &f.id).close("p");

    verdict_notice(&mut h, f);
    if let Some(date) = &f.kev {
        h.open("p", &[("class", "notice notice-bad")])
            .el("strong", &[], "Known exploited.")
            .text(format!(" {} is listed in the CISA KEV catalog since {date}; see ", v.vulnerability))
            .link(&html::intel_href(&v.vulnerability), "its intelligence page")
            .text(".")
            .close("p");
    }

    h.raw("<dl class=\"facts\"><dt>Asset</dt><dd>");
    h.open("a", &[("href", &html::asset_href(&f.asset))]).el("code", &[], &f.asset).raw("</a>");
    h.raw("</dd><dt>Part</dt><dd>");
    part(&mut h, f);
    if v.slot != DEVICE_SLOT {
        h.text(" ").el("code", &[], &v.slot);
    }
    h.raw("</dd><dt>Vulnerability</dt><dd>");
    intel_links(&mut h, std::iter::once(v.vulnerability.as_str()));
    let aliases: Vec<&str> =
        f.cves.iter().map(String::as_str).filter(|c| !c.eq_ignore_ascii_case(&v.vulnerability)).collect();
    if !aliases.is_empty() {
        h.text(" also known as ");
        intel_links(&mut h, aliases.into_iter());
    }
    h.raw("</dd><dt>CISA KEV</dt><dd>");
    match &f.kev {
        Some(d) => h.el("strong", &[("class", "badge badge-bad")], format!("listed since {d}")),
        None => h.el("span", &[("class", "none")], "not listed"),
    };
    h.raw("</dd><dt>Deciding advisory</dt><dd>");
    intel_links(&mut h, std::iter::once(v.advisory.as_str()));
    h.raw("</dd><dt>Advisories with evidence</dt><dd>");
    intel_links(&mut h, v.advisories.iter().map(String::as_str));
    h.raw("</dd><dt>Status</dt><dd>");
    status_badge(&mut h, v.status);
    h.raw("</dd><dt>Confidence</dt><dd>");
    confidence_badge(&mut h, v.confidence);
    h.text(" — how sure matching is that the statements are about this asset");
    h.raw("</dd><dt>Fixed version</dt><dd>");
    match &v.fixed_version {
        Some(x) => h.el("code", &[], x),
        None => h.el("span", &[("class", "none")], "not stated"),
    };
    h.raw("</dd></dl>");

    evidence(&mut h, &v.evidence);
    remedies(&mut h, &v.remedies);
    h
}

/// What the status means for this finding, said first.
fn verdict_notice(h: &mut Html, f: &Finding) {
    let v = &f.verdict;
    match v.status {
        FindingStatus::Affected => {
            h.open("p", &[("class", "notice notice-bad")])
                .el("strong", &[], "Open: affected.")
                .text(" The deciding advisory says the version on this asset is affected");
            match &v.fixed_version {
                Some(x) => h.text(format!("; it is fixed in {x}.")),
                None => h.text("."),
            };
            h.close("p");
        }
        FindingStatus::UnderInvestigation => {
            h.open("p", &[("class", "notice")])
                .el("strong", &[], "Open: under investigation.")
                .text(
                    " The vendor has not said yet whether this asset is affected; the finding stays open until a \
                     statement settles it.",
                )
                .close("p");
        }
        FindingStatus::NotAffected => {
            // The deciding advisory's not-affected statement gives the reason; any other one will do.
            let reason = v
                .evidence
                .iter()
                .filter(|e| e.status == ProductStatus::NotAffected)
                .max_by_key(|e| e.advisory == v.advisory);
            h.open("div", &[("class", "notice notice-ok")])
                .el("strong", &[], "Suppressed: not affected.")
                .text(" Not an open finding: ");
            match reason {
                Some(e) => {
                    h.open("a", &[("href", &html::intel_href(&e.advisory))]).el("code", &[], &e.advisory).raw("</a>");
                    h.text(" says this product is not affected");
                    match &e.justification {
                        Some(j) => h.text(": ").el("strong", &[], justification_text(j)).text("."),
                        None => h.text(", without a justification."),
                    };
                    if let Some(d) = e.detail.as_deref().filter(|d| !d.trim().is_empty()) {
                        h.el("p", &[("class", "prose")], d);
                    }
                }
                None => {
                    h.text("a statement says this product is not affected.");
                }
            }
            h.close("div");
        }
        FindingStatus::Fixed => {
            h.open("p", &[("class", "notice notice-ok")])
                .el("strong", &[], "Closed: fixed.")
                .text(" The asset runs a version the advisories name as fixed");
            if let Some(x) = &v.fixed_version {
                h.text(format!(" ({x})"));
            }
            h.text("; nothing is left to decide.").close("p");
        }
    }
}

/// A VEX justification in words (`vulnerable_code_not_in_execute_path` → "the vulnerable code is
/// not in the execute path"); one Patchwise does not know is shown as given.
fn justification_text(j: &str) -> String {
    match serde_json::from_value::<Justification>(serde_json::Value::String(j.trim().to_string())) {
        Ok(known) => intel_view::justification(known).to_string(),
        Err(_) => j.to_string(),
    }
}

fn intel_links<'a>(h: &mut Html, ids: impl Iterator<Item = &'a str>) {
    for (i, id) in ids.enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        h.open("a", &[("href", &html::intel_href(id))]).el("code", &[], id).raw("</a>");
    }
}

/// `inside` the range stands out, `outside` is reassuring, `unknown: <reason>` needs someone.
fn containment(h: &mut Html, c: &str) {
    let c = c.trim();
    if c == "inside" {
        h.el("span", &[("class", "badge badge-bad")], "inside");
    } else if c == "outside" {
        h.el("span", &[("class", "badge badge-ok")], "outside");
    } else if let Some(reason) = c.strip_prefix("unknown") {
        h.el("span", &[("class", "badge badge-warn")], "unknown");
        let reason = reason.trim_start_matches(':').trim();
        if !reason.is_empty() {
            h.text(": ").text(reason);
        }
    } else {
        h.text(c);
    }
}

fn evidence(h: &mut Html, items: &[Evidence]) {
    h.el("h2", &[], "Evidence");
    if items.is_empty() {
        h.el("p", &[("class", "none")], "No evidence recorded.");
        return;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>Every statement that matched this asset, and how</caption>")
        .raw("<thead><tr><th scope=\"col\">Advisory</th><th scope=\"col\">Statement</th><th scope=\"col\">Status</th>")
        .raw("<th scope=\"col\">Matched on</th><th scope=\"col\">Version</th><th scope=\"col\">Range</th>")
        .raw("<th scope=\"col\">Comparator</th><th scope=\"col\">Containment</th><th scope=\"col\">Confidence</th>")
        .raw("<th scope=\"col\">Running on</th><th scope=\"col\">Justification / detail</th></tr></thead><tbody>");
    for e in items {
        h.raw("<tr><th scope=\"row\">");
        h.open("a", &[("href", &html::intel_href(&e.advisory))]).el("code", &[], &e.advisory).raw("</a><br>");
        h.open("span", &[("class", "sub")]).text(source_label(e.source));
        if let Some(r) = &e.revision {
            h.text(format!(", revision {r}"));
        }
        h.raw("</span></th>").el("td", &[], &e.statement).raw("<td>");
        intel_view::status_badge(h, e.status);
        h.raw("</td><td>").el("strong", &[], e.basis.as_str()).raw("<br>").el("code", &[], &e.matched);
        h.raw("</td><td>");
        match &e.version {
            Some(x) => h.el("code", &[], x),
            None => h.el("span", &[("class", "none")], "not known"),
        };
        h.raw("</td><td>");
        text_or_none(h, Some(e.range.as_str()));
        h.raw("</td><td>").el("code", &[], &e.comparator).raw("</td><td>");
        containment(h, &e.containment);
        h.raw("</td><td>");
        confidence_badge(h, e.confidence);
        h.raw("</td><td>");
        if e.platform.is_empty() {
            h.el("span", &[("class", "none")], "—");
        } else {
            h.raw("<ul class=\"plain\">");
            for p in &e.platform {
                h.raw("<li>").el("code", &[("class", "cpe")], p).raw("</li>");
            }
            h.raw("</ul>");
        }
        h.raw("</td><td>");
        match (&e.justification, e.detail.as_deref().filter(|d| !d.trim().is_empty())) {
            (None, None) => {
                h.el("span", &[("class", "none")], "—");
            }
            (j, d) => {
                if let Some(j) = j {
                    h.text(justification_text(j)).raw(" ").el("code", &[], j);
                }
                if let Some(d) = d {
                    if j.is_some() {
                        h.raw("<br>");
                    }
                    h.el("span", &[("class", "prose")], d);
                }
            }
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}

fn remedies(h: &mut Html, items: &[FindingRemedy]) {
    h.el("h2", &[], "Remedies");
    if items.is_empty() {
        h.el("p", &[("class", "none")], "The advisories offer no remediation for this finding.");
        return;
    }
    h.raw("<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Advisory</th>")
        .raw("<th scope=\"col\">Details</th><th scope=\"col\">Fixed version</th>")
        .raw("<th scope=\"col\">Restart required</th><th scope=\"col\">Link</th></tr></thead><tbody>");
    for r in items {
        h.raw("<tr><td>");
        remediation_kind(h, r.kind);
        h.raw("</td><td>").open("a", &[("href", &html::intel_href(&r.advisory))]).el("code", &[], &r.advisory);
        h.raw("</a></td>").el("td", &[("class", "prose")], &r.details).raw("<td>");
        remedy_cells(h, r.fixed_version.as_deref(), r.restart_required.as_deref(), None, r.url.as_deref());
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}
