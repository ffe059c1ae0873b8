//! `GET /findings`: what matching found. A summary strip (open findings by confidence, how many are
//! in CISA KEV, assets affected, when matching last ran, a notice when it is stale), a GET filter
//! form taking the parameters of `GET /api/v1/findings`, and the table, capped at one page.
//!
//! Also the pieces the finding page and the asset page share: status and confidence badges and
//! the findings table.

use axum::extract::State;
use axum::response::Response;
use model::finding::{DEVICE_SLOT, Finding};
use model::{Confidence, FindingStatus};
use store::FindingSummary;

use super::{count, respond};
use crate::AppState;
use crate::api::{Pairs, pairs};
use crate::html::{self, Html};
use crate::query::{self, FINDINGS_DEFAULT_LIMIT, FindingQuery};

pub(crate) async fn handler(State(state): State<AppState>, q: Pairs) -> Response {
    let q = match pairs(q).and_then(|p| FindingQuery::parse(&p, FINDINGS_DEFAULT_LIMIT)) {
        Ok(q) => q,
        Err(f) => return crate::error::page(state.database(), f),
    };
    let data = state
        .with_store(move |s| {
            let summary = s.finding_summary()?;
            let (items, more) = query::fetch_findings(s, &q)?;
            Ok((q, summary, items, more))
        })
        .await;
    respond(
        &state,
        "Findings",
        Some("/findings"),
        data.map(|(q, summary, items, more)| render(&q, &summary, &items, more)),
    )
}

pub(crate) fn render(q: &FindingQuery, summary: &FindingSummary, items: &[Finding], more: bool) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Findings");
    h.open("p", &[("class", "sub")])
        .text("Advisories' statements matched to assets by ")
        .el("code", &[], "patchwise match")
        .text(
            ", each with the evidence that ties it to the asset. Open findings (affected, under investigation) need \
             a decision; suppressed (not affected) and closed (fixed) ones are kept with their reasons.",
        )
        .close("p");
    if summary.last_run.is_none() {
        h.open("p", &[("class", "notice")])
            .el("strong", &[], "No findings yet: matching has not run on this database.")
            .text(" Import a plant and intelligence, then run ")
            .el("code", &[], "patchwise match")
            .text(" and reload this page.")
            .close("p");
        return h;
    }
    match_notices(&mut h, summary);
    strip(&mut h, summary);
    filter_form(&mut h, q);

    let f = &q.filter;
    let first = f.offset + 1;
    let last = f.offset + items.len();
    let mut status = Html::new();
    match (items.is_empty(), q.total(summary)) {
        (true, _) if f.offset > 0 => {
            status.text("No findings on this page. ").link(&first_page(q), "Back to the first page");
        }
        (true, _) => {
            status.text("No finding matches this filter.");
        }
        (false, Some(total)) => {
            status.text(format!("{} match; showing {first}–{last}.", count(total, "finding", "findings")));
            if more {
                status.text(format!(
                    " {} more: narrow the filter (asset, CVE or advisory, confidence, KEV) or go to the next page.",
                    total.saturating_sub(last)
                ));
            }
        }
        (false, None) => {
            status.text(format!("Showing findings {first}–{last}."));
            if more {
                status.text(
                    " More match: narrow the filter (asset, CVE or advisory, confidence, KEV) or go to the next page.",
                );
            }
        }
    }
    h.open("p", &[("role", "status")]).append(&status).close("p");
    if !items.is_empty() {
        table(&mut h, items, true, "Findings by asset, then vulnerability");
    }
    pager(&mut h, q, more);
    h
}

/// Stale findings and intelligence not matched yet, each with what to run.
pub(crate) fn match_notices(h: &mut Html, summary: &FindingSummary) {
    if summary.stale {
        h.open("p", &[("class", "notice")])
            .el("strong", &[], "Stale:")
            .text(" the plant changed since the last full match, so these findings may not describe it. Run ")
            .el("code", &[], "patchwise match")
            .text(".")
            .close("p");
    }
    if summary.unmatched_advisories > 0 {
        h.open("p", &[("class", "notice")])
            .text(format!(
                "{} imported since the last match {} not matched yet. Run ",
                count(summary.unmatched_advisories, "advisory", "advisories"),
                if summary.unmatched_advisories == 1 { "is" } else { "are" }
            ))
            .el("code", &[], "patchwise match")
            .text(".")
            .close("p");
    }
}

/// The counts, each linking to the listing it counts where one filter gives it.
fn strip(h: &mut Html, s: &FindingSummary) {
    let open_with = |c: Confidence| {
        s.by_status.iter().filter(|(st, cc, _)| st.is_open() && *cc == c).map(|(_, _, n)| n).sum::<usize>()
    };
    let open: usize = query::OPEN.iter().map(|st| s.count(*st)).sum();
    h.raw("<ul class=\"strip\" aria-label=\"Summary\">");
    stat(h, open, "open findings", Some("/findings"));
    for c in [Confidence::High, Confidence::Medium, Confidence::Low] {
        h.raw("<li>").el("strong", &[], open_with(c)).raw(" ").text(format!("open, {c} confidence")).raw("</li>");
    }
    stat(h, s.open_kev, "open in CISA KEV", Some("/findings?kev=true"));
    stat(h, s.assets_with_open, "assets with open findings", None);
    stat(h, s.count(FindingStatus::NotAffected), "suppressed (not affected)", Some("/findings?status=not-affected"));
    stat(h, s.count(FindingStatus::Fixed), "closed (fixed)", Some("/findings?status=fixed"));
    h.raw("<li>").el("strong", &[], s.last_run.as_deref().unwrap_or("never")).raw(" ");
    h.text(match &s.last_kind {
        Some(k) => format!("last match ({k})"),
        None => "last match".to_string(),
    });
    h.raw("</li></ul>");
}

fn stat(h: &mut Html, n: usize, label: &str, href: Option<&'static str>) {
    h.raw("<li>").el("strong", &[], n).raw(" ");
    match href {
        Some(href) => h.link(href, label),
        None => h.text(label),
    };
    h.raw("</li>");
}

fn filter_form(h: &mut Html, q: &FindingQuery) {
    let f = &q.filter;
    h.raw("<form class=\"filters\" method=\"get\" action=\"/findings\" aria-label=\"Filter findings\">");
    h.raw("<label>Asset");
    h.open(
        "input",
        &[
            ("type", "search"),
            ("name", "asset"),
            ("value", f.asset.as_deref().unwrap_or("")),
            ("placeholder", "asset id"),
        ],
    );
    h.raw("</label><label>CVE or advisory");
    h.open(
        "input",
        &[
            ("type", "search"),
            ("name", "cve"),
            ("value", f.vulnerability.as_deref().unwrap_or("")),
            ("placeholder", "CVE-2022-0028, ICSA-24-102-03"),
        ],
    );
    h.raw("</label>");

    h.raw("<label>Confidence<select name=\"min_confidence\"><option value=\"\">any</option>");
    option(h, "medium", "medium or high", f.min_confidence == Some(Confidence::Medium));
    option(h, "high", "high", f.min_confidence == Some(Confidence::High));
    if f.min_confidence == Some(Confidence::Low) {
        option(h, "low", "low or higher", true);
    }
    h.raw("</select></label>");

    let chosen = q.status_param();
    h.raw("<label>Status<select name=\"status\">");
    option(h, "", "open (affected, under investigation)", chosen.is_none());
    option(h, "all", "all, with suppressed and closed", chosen.as_deref() == Some("all"));
    let mut listed = chosen.is_none() || chosen.as_deref() == Some("all");
    for s in FindingStatus::ALL {
        let selected = chosen.as_deref() == Some(s.as_str());
        listed |= selected;
        option(h, s.as_str(), status_label(*s), selected);
    }
    if let (false, Some(c)) = (listed, &chosen) {
        option(h, c, &c.replace(',', ", "), true);
    }
    h.raw("</select></label>");

    h.raw("<label class=\"check\">");
    if f.kev_only {
        h.open("input", &[("type", "checkbox"), ("name", "kev"), ("value", "true"), ("checked", "")]);
    } else {
        h.open("input", &[("type", "checkbox"), ("name", "kev"), ("value", "true")]);
    }
    h.raw(" in CISA KEV only</label>");
    if q.limit_given {
        h.open("input", &[("type", "hidden"), ("name", "limit"), ("value", &f.limit.to_string())]);
    }
    h.raw("<button type=\"submit\">Filter</button> <a href=\"/findings\">Clear</a></form>");
}

fn option(h: &mut Html, value: &str, label: &str, selected: bool) {
    if selected {
        h.el("option", &[("value", value), ("selected", "")], label);
    } else {
        h.el("option", &[("value", value)], label);
    }
}

fn first_page(q: &FindingQuery) -> String {
    let params = q.filter_params();
    let base: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    html::findings_href(&base)
}

fn pager(h: &mut Html, q: &FindingQuery, more: bool) {
    let f = &q.filter;
    if f.offset == 0 && !more {
        return;
    }
    let params = q.filter_params();
    let base: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    h.raw("<nav class=\"pager\" aria-label=\"Pages\">");
    if f.offset > 0 {
        h.link(&html::findings_href(&base), "← First page");
        let prev = f.offset.saturating_sub(f.limit);
        if prev > 0 {
            let prev = prev.to_string();
            let mut with_prev = base.clone();
            with_prev.push(("offset", &prev));
            h.open("a", &[("href", &html::findings_href(&with_prev)), ("rel", "prev")])
                .text("← Previous page")
                .close("a");
        }
    }
    if more {
        let next = (f.offset + f.limit).to_string();
        let mut with_next = base.clone();
        with_next.push(("offset", &next));
        h.open("a", &[("href", &html::findings_href(&with_next)), ("rel", "next")]).text("Next page →").close("a");
    }
    h.raw("</nav>");
}

/// A status in words.
pub(crate) fn status_label(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Affected => "affected",
        FindingStatus::UnderInvestigation => "under investigation",
        FindingStatus::NotAffected => "not affected (suppressed)",
        FindingStatus::Fixed => "fixed (closed)",
    }
}

pub(crate) fn status_badge(h: &mut Html, s: FindingStatus) {
    let class = match s {
        FindingStatus::Affected => "badge badge-bad",
        FindingStatus::UnderInvestigation => "badge badge-warn",
        FindingStatus::NotAffected | FindingStatus::Fixed => "badge badge-ok",
    };
    h.el("span", &[("class", class)], status_label(s));
}

/// Confidence is how sure matching is that the finding is about this asset, not how bad it is:
/// only a low one is marked, because it needs someone to check it.
pub(crate) fn confidence_badge(h: &mut Html, c: Confidence) {
    match c {
        Confidence::Low => h.el("span", &[("class", "badge badge-warn")], "low"),
        Confidence::Medium | Confidence::High => h.el("span", &[("class", "badge")], c),
    };
}

/// The part of the asset: the device itself or the component's name.
pub(crate) fn part(h: &mut Html, f: &Finding) {
    if f.verdict.slot == DEVICE_SLOT {
        h.text("device");
    } else {
        h.text("component ");
        match &f.verdict.component {
            Some(c) => h.el("strong", &[], c),
            None => h.el("code", &[], &f.verdict.slot),
        };
    }
}

/// The findings table; `with_asset` adds the asset column (the asset page leaves it out).
pub(crate) fn table(h: &mut Html, items: &[Finding], with_asset: bool, caption: &str) {
    h.raw("<div class=\"table-wrap\"><table>").el("caption", &[], caption).raw("<thead><tr>");
    h.raw("<th scope=\"col\">Finding</th>");
    if with_asset {
        h.raw("<th scope=\"col\">Asset</th>");
    }
    h.raw("<th scope=\"col\">Part</th><th scope=\"col\">Vulnerability</th><th scope=\"col\">Status</th>")
        .raw("<th scope=\"col\">Confidence</th><th scope=\"col\">CISA KEV</th><th scope=\"col\">Advisory</th>")
        .raw("<th scope=\"col\">Fixed in</th></tr></thead><tbody>");
    for f in items {
        let v = &f.verdict;
        h.raw("<tr><th scope=\"row\">")
            .open("a", &[("href", &html::finding_href(&f.id))])
            .el("code", &[], &f.id)
            .close("a")
            .raw("</th>");
        if with_asset {
            h.raw("<td>").open("a", &[("href", &html::asset_href(&f.asset))]).el("code", &[], &f.asset);
            h.raw("</a></td>");
        }
        h.raw("<td>");
        part(h, f);
        h.raw("</td><td>").open("a", &[("href", &html::intel_href(&v.vulnerability))]);
        h.el("code", &[], &v.vulnerability).raw("</a></td><td>");
        status_badge(h, v.status);
        h.raw("</td><td>");
        confidence_badge(h, v.confidence);
        h.raw("</td><td>");
        match &f.kev {
            Some(d) => h.el("strong", &[("class", "badge badge-bad")], format!("KEV {d}")),
            None => h.el("span", &[("class", "none")], "—"),
        };
        h.raw("</td><td>").open("a", &[("href", &html::intel_href(&v.advisory))]).el("code", &[], &v.advisory);
        h.raw("</a></td><td>");
        match &v.fixed_version {
            Some(x) => h.el("code", &[], x),
            None => h.el("span", &[("class", "none")], "—"),
        };
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}
