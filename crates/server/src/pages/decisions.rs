//! `GET /decisions`: every open finding's SSVC decision, most urgent first, with the inputs and
//! where each came from; filters `decision`, `site`, `asset`, paging `limit`/`offset`.

use axum::extract::State;
use axum::response::Response;
use decide::{Decision, Priority};

use super::respond;
use crate::AppState;
use crate::api::{Pairs, pairs};
use crate::decisions::DecisionQuery;
use crate::html::{self, Html};

const PARAMS: &[&str] = &["decision", "site", "asset", "limit", "offset"];

pub(crate) async fn handler(State(state): State<AppState>, q: Pairs) -> Response {
    let q = match pairs(q).and_then(|p| DecisionQuery::parse(&p, PARAMS)) {
        Ok(q) => q,
        Err(f) => return crate::error::page(state.database(), f),
    };
    let data = match crate::decisions::decided(&state).await {
        Ok(d) => {
            let counts: Vec<(Priority, usize)> = Priority::ALL
                .iter()
                .rev()
                .map(|p| {
                    let keep = DecisionQuery { decision: Some(*p), ..q.clone() };
                    (*p, d.decisions.iter().filter(|x| keep.keeps(x)).count())
                })
                .collect();
            let all: Vec<&Decision> = d.decisions.iter().filter(|x| q.keeps(x)).collect();
            let total = all.len();
            let items: Vec<Decision> = all.into_iter().skip(q.offset).take(q.limit).cloned().collect();
            Ok((counts, items, total))
        }
        Err(f) => Err(f),
    };
    respond(&state, "Decisions", Some("/decisions"), data.map(|(c, items, total)| render(&q, &c, &items, total)))
}

fn mark(i: &decide::Input) -> String {
    if i.assumed { format!("{} (assumed)", i.value) } else { i.value.to_string() }
}

pub(crate) fn render(q: &DecisionQuery, counts: &[(Priority, usize)], items: &[Decision], total: usize) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Decisions");
    h.open("p", &[("class", "sub")])
        .text(format!(
            "SSVC ({}) for every open finding: exploitation from CISA KEV and Vulnrichment, System Exposure from \
             the plant's reachability, automatable and technical impact from Vulnrichment or the CVSS vector, human \
             impact from the asset's safety and mission impact. Deadlines count from the day a finding got its \
             outcome. ",
            decide::DEPLOYER_NAME
        ))
        .el("code", &[], "patchwise decide")
        .text(" records changes in the history.")
        .close("p");
    let site = q.site.clone().unwrap_or_default();
    let asset = q.asset.clone().unwrap_or_default();
    h.open("p", &[]);
    h.link(&with(&[("site", &site), ("asset", &asset)]), "all");
    for (p, n) in counts {
        h.text(" · ");
        let label = format!("{n} {p}");
        if q.decision == Some(*p) {
            h.el("strong", &[], label);
        } else {
            h.link(&with(&[("decision", p.as_str()), ("site", &site), ("asset", &asset)]), label);
        }
    }
    h.close("p");
    if items.is_empty() {
        h.el("p", &[("class", "none")], "No open finding matches.");
        return h;
    }
    h.open("table", &[]);
    h.el("caption", &[], format!("{total} decision(s), most urgent first; \"assumed\": no source said it"));
    h.raw("<thead><tr><th>Finding</th><th>Decision</th><th>By</th><th>Exploitation</th><th>System Exposure</th>")
        .raw("<th>Automatable</th><th>Human impact</th><th>BOD 26-04</th><th>Why</th></tr></thead><tbody>");
    for d in items {
        h.raw("<tr><td>");
        h.link(&html::finding_href(&d.finding), &d.finding);
        h.raw("</td><td>");
        h.el("span", &[("class", &format!("badge badge-{}", d.priority.as_str()))], d.priority.as_str());
        h.raw("</td><td>").text(d.deadline).raw("</td><td>");
        h.el("span", &[("title", &d.inputs.exploitation.source)], mark(&d.inputs.exploitation));
        h.raw("</td><td>");
        h.el("span", &[("title", &d.inputs.system_exposure.source)], d.inputs.system_exposure.value);
        h.raw("</td><td>");
        h.el("span", &[("title", &d.inputs.automatable.source)], mark(&d.inputs.automatable));
        h.raw("</td><td>");
        h.el("span", &[("title", &d.inputs.human_impact.source)], mark(&d.inputs.human_impact));
        h.raw("</td><td>").text(d.bod_26_04).raw("</td><td>");
        h.text(d.narrative());
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    if q.offset + items.len() < total {
        let next = (q.offset + items.len()).to_string();
        let limit = q.limit.to_string();
        let decision = q.decision.map(|p| p.as_str()).unwrap_or("");
        h.open("p", &[]).link(
            &with(&[("decision", decision), ("site", &site), ("asset", &asset), ("limit", &limit), ("offset", &next)]),
            "next page",
        );
        h.close("p");
    }
    h
}

fn with(params: &[(&str, &str)]) -> String {
    let mut out = String::from("/decisions");
    let mut sep = '?';
    for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(sep);
        out.push_str(&html::url_part(k));
        out.push('=');
        out.push_str(&html::url_part(v));
        sep = '&';
    }
    out
}
