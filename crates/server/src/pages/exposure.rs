//! `GET /exposure`: what an attacker can reach — assets by SSVC System Exposure, the services the
//! Internet and vendor remote access reach with their shortest paths, the crown jewels, and the
//! governance problems of the network model. `GET /exposure/{asset}`: one asset's answer per
//! entry point, step by step.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use exposure::governance::Issue;
use exposure::{Analysis, AssetExposure, Query, ServiceExposure, Step};
use model::{EntryKind, SystemExposure};

use super::{count, respond};
use crate::AppState;
use crate::api::path_id;
use crate::html::{self, Html};

/// Rows a table shows before saying how many more there are.
const ROWS: usize = 500;

pub(crate) async fn handler(State(state): State<AppState>) -> Response {
    let data = async {
        let a = crate::exposure::analysis(&state).await?;
        // The governance check and the tables take a good part of a second on a very large
        // plant: both run on the blocking pool, beside the read of the flows.
        state
            .with_store(move |s| {
                let issues = exposure::governance::check(a.plant(), &s.flows()?);
                Ok(render(&a, &issues))
            })
            .await
    }
    .await;
    respond(&state, "Exposure", Some("/exposure"), data)
}

pub(crate) async fn asset_handler(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let data = async {
        let id = path_id(id)?;
        let a = crate::exposure::analysis(&state).await?;
        crate::exposure::blocking(move || {
            let x = a
                .asset_exposure(&id, &Query::default())
                .ok_or_else(|| crate::error::Failure::not_found(format!("there is no asset with id `{id}`")))?;
            Ok((format!("Exposure of {}", x.asset), render_asset(&x)))
        })
        .await
    }
    .await;
    let title = data.as_ref().map(|(t, _)| t.clone()).unwrap_or_else(|_| "Exposure".into());
    respond(&state, &title, Some("/exposure"), data.map(|(_, h)| h))
}

fn exposure_badge(h: &mut Html, x: SystemExposure) {
    let class = match x {
        SystemExposure::Open => "badge badge-bad",
        SystemExposure::Controlled => "badge badge-warn",
        SystemExposure::Small => "badge badge-ok",
    };
    h.el("span", &[("class", class)], x);
}

fn asset_link(h: &mut Html, id: &str) {
    h.open("a", &[("href", &exposure_href(id))]).el("code", &[], id).close("a");
}

pub(crate) fn exposure_href(id: &str) -> String {
    format!("/exposure/{}", html::url_part(id))
}

/// `internet → zone:idmz → JUMP-01 [CVE-…] → …`: the hops of a path on one line.
fn path_line(h: &mut Html, path: &[Step]) {
    let Some(first) = path.first() else {
        h.el("span", &[("class", "none")], "—");
        return;
    };
    h.text(first.from.trim_start_matches("entry:"));
    for s in path {
        match s.action {
            "enter" | "gateway" => {
                h.text(" → ").el("code", &[], &s.to);
            }
            "exploit" => {
                h.text(" → ").el("code", &[], s.to.trim_start_matches("asset:"));
                if let Some(v) = &s.vulnerability {
                    h.text(" [").text(v).text("]");
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn render(a: &Analysis, issues: &[Issue]) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Exposure");
    h.open("p", &[("class", "sub")])
        .text(
            "Which entry points reach which services, through which conduit rules, and which assets an attacker can \
             take on the way with which finding — computed from the plant model and the open findings (",
        )
        .el("code", &[], "docs/exposure.md")
        .text(" says exactly how). Try changes without saving them with ")
        .el("code", &[], "patchwise whatif")
        .text(" or ")
        .el("code", &[], "/api/v1/whatif")
        .text(".")
        .close("p");
    let plant = a.plant();
    let mut counts = [0usize; 3];
    for i in 0..plant.assets.len() {
        counts[a.system_exposure(i) as usize] += 1;
    }
    h.open("p", &[("role", "status")])
        .text("SSVC System Exposure of the assets: ")
        .el("strong", &[], count(counts[2], "open", "open"))
        .text(" (reachable from the Internet without authentication), ")
        .el("strong", &[], count(counts[1], "controlled", "controlled"))
        .text(", ")
        .el("strong", &[], count(counts[0], "small", "small"))
        .text(" (no entry point reaches them).")
        .close("p");

    h.el("h2", &[], "Reachable from the Internet and vendor remote access");
    let q = Query { from: vec![EntryKind::Internet, EntryKind::VendorRemoteAccess], asset: None };
    let (items, total) = a.exposures_page(&q, false, 0, ROWS);
    exposure_table(&mut h, &items, "Services the Internet and vendor remote access reach");
    more(&mut h, total, items.len(), "/api/v1/exposure?from=internet,vendor-remote-access");

    h.el("h2", &[], "Crown jewels");
    h.open("p", &[("class", "sub")])
        .text("Safety systems, safety zones, critical or catastrophic safety impact, or tagged ")
        .el("code", &[], "crown-jewel")
        .text(": the best outcome of every entry point that reaches them, and the shortest way.")
        .close("p");
    let jewels: Vec<usize> = (0..plant.assets.len()).filter(|&i| a.crown_jewel(i)).collect();
    if jewels.is_empty() {
        h.el("p", &[("class", "none")], "No asset is marked as a crown jewel.");
    } else {
        h.raw("<div class=\"table-wrap\"><table><caption>Crown jewels</caption><thead><tr>")
            .raw("<th scope=\"col\">Asset</th><th scope=\"col\">Zone</th><th scope=\"col\">System Exposure</th>")
            .raw(
                "<th scope=\"col\">Best outcome per entry point (hops)</th><th scope=\"col\">Shortest path</th></tr>\
                 </thead><tbody>",
            );
        for &i in jewels.iter().take(ROWS) {
            let Some(x) = a.asset_exposure(&plant.assets[i].id, &Query::default()) else { continue };
            h.raw("<tr><td>");
            asset_link(&mut h, &x.asset);
            h.raw("</td>").el("td", &[], &x.zone).raw("<td>");
            exposure_badge(&mut h, x.system_exposure);
            h.raw("</td><td>");
            // Takes first, then reaches, closest first (the order `asset_exposure` gives).
            let outcomes: Vec<String> = x
                .paths
                .iter()
                .filter(|p| p.outcome != "none")
                .map(|p| format!("{}: {} ({})", p.entry_point, p.outcome, p.hops.unwrap_or(0)))
                .collect();
            if outcomes.is_empty() {
                h.el("span", &[("class", "none")], "no entry point reaches it");
            } else {
                h.text(outcomes.join(", "));
            }
            h.raw("</td><td>");
            match x.paths.iter().find(|p| p.outcome != "none") {
                Some(p) => path_line(&mut h, &p.path),
                None => {
                    h.el("span", &[("class", "none")], "no path");
                }
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table></div>");
        more(&mut h, jewels.len(), jewels.len().min(ROWS), "/api/v1/exposure?crown_jewels=true");
    }

    h.el("h2", &[], "Governance");
    if issues.is_empty() {
        h.el("p", &[("class", "none")], "No governance problem found.");
    } else {
        h.raw("<div class=\"table-wrap\"><table><caption>Governance problems</caption><thead><tr>")
            .raw("<th scope=\"col\">Severity</th><th scope=\"col\">Check</th><th scope=\"col\">Problem</th></tr></thead><tbody>");
        for i in issues.iter().take(ROWS) {
            h.raw("<tr><td>");
            let class = if i.severity == "high" { "badge badge-bad" } else { "badge badge-warn" };
            h.el("span", &[("class", class)], i.severity);
            h.raw("</td>").open("td", &[]).el("code", &[], i.check).close("td").open("td", &[]).text(&i.message);
            if let Some(r) = &i.nearest_rule {
                h.text(format!("; nearest rule {r} differs in {}", i.nearest_differs.as_deref().unwrap_or("?")));
            }
            if let Some(s) = &i.rule_source {
                h.text(" (").el("code", &[], format!("{}:{}", s.file, s.line)).text(")");
            }
            h.close("td").raw("</tr>");
        }
        h.raw("</tbody></table></div>");
        more(&mut h, issues.len(), issues.len().min(ROWS), "/api/v1/governance");
    }
    h
}

fn more(h: &mut Html, total: usize, shown: usize, api: &str) {
    if total > shown {
        h.open("p", &[])
            .text(format!("{} more: the full list is at ", total - shown))
            .link(api, api)
            .text(" or ")
            .el("code", &[], "patchwise exposure --json")
            .text(".")
            .close("p");
    }
}

fn exposure_table(h: &mut Html, items: &[ServiceExposure], caption: &str) {
    if items.is_empty() {
        h.el("p", &[("class", "none")], "Nothing is reached.");
        return;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>")
        .text(caption)
        .raw("</caption><thead><tr><th scope=\"col\">Asset</th><th scope=\"col\">Zone</th><th scope=\"col\">Service</th>")
        .raw("<th scope=\"col\">System Exposure</th><th scope=\"col\">Entry points (hops)</th>")
        .raw("<th scope=\"col\">Shortest path</th></tr></thead><tbody>");
    for e in items {
        h.raw("<tr><td>");
        asset_link(h, &e.asset);
        if e.crown_jewel {
            h.text(" ").el("span", &[("class", "badge badge-safety")], "crown jewel");
        }
        h.raw("</td>").el("td", &[], &e.zone).open("td", &[]).el("code", &[], &e.service);
        if let Some(n) = &e.name {
            h.text(" ").text(n);
        }
        h.close("td").raw("<td>");
        exposure_badge(h, e.system_exposure);
        h.raw("</td>");
        let entries: Vec<String> = e.entry_points.iter().map(|r| format!("{} ({})", r.entry_point, r.hops)).collect();
        h.el("td", &[], entries.join(", ")).raw("<td>");
        path_line(h, &e.path);
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}

pub(crate) fn render_asset(x: &AssetExposure) -> Html {
    let mut h = Html::new();
    h.open("p", &[("class", "crumbs")])
        .link("/exposure", "Exposure")
        .text(" / ")
        .link(&html::asset_href(&x.asset), &x.asset)
        .close("p");
    h.open("h1", &[]).text("Exposure of ").el("code", &[], &x.asset).close("h1");
    h.open("p", &[]).text("Zone ").el("code", &[], &x.zone).text(" · SSVC System Exposure ");
    exposure_badge(&mut h, x.system_exposure);
    if x.crown_jewel {
        h.text(" ").el("span", &[("class", "badge badge-safety")], "crown jewel");
    }
    h.close("p");
    if !x.findings.is_empty() {
        h.open("p", &[]).text(format!(
            "{} used to take hosts, each with this System Exposure: ",
            count(x.findings.len(), "open finding", "open findings")
        ));
        for (i, f) in x.findings.iter().enumerate() {
            if i > 0 {
                h.text(", ");
            }
            h.link(&html::finding_href(&f.finding), &f.vulnerability).text(format!(" ({})", f.attack_vector.as_str()));
        }
        h.close("p");
    }
    for p in &x.paths {
        h.open("h2", &[]).text(&p.entry_point).text(" (").text(p.kind).text(")").close("h2");
        let summary = match (p.outcome, p.hops) {
            ("take", Some(n)) => {
                format!("Can take this asset after taking {}.", count(n as usize, "other host", "other hosts"))
            }
            ("reach", Some(n)) => format!(
                "Reaches a service of this asset (after {}) but no usable finding lets it take the asset.",
                count(n as usize, "host taken", "hosts taken")
            ),
            _ => "No path.".to_string(),
        };
        h.el("p", &[], summary);
        if p.path.is_empty() {
            continue;
        }
        h.raw("<ol>");
        for s in &p.path {
            h.raw("<li>").el("strong", &[], s.action).text(" ").el("code", &[], &s.from).text(" → ").el(
                "code",
                &[],
                &s.to,
            );
            if let Some(svc) = &s.service {
                h.text(" ").el("code", &[], svc);
            }
            h.text(": ").text(&s.via);
            if let Some(src) = &s.rule_source {
                h.text(" (").el("code", &[], format!("{}:{}", src.file, src.line)).text(")");
            }
            if let Some(f) = &s.finding {
                h.text(" — ").link(&html::finding_href(f), f);
            }
            if s.authenticated {
                h.text(" ").el("span", &[("class", "badge")], "needs credentials");
            }
            h.raw("</li>");
        }
        h.raw("</ol>");
    }
    h
}
