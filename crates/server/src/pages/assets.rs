//! `GET /assets`: the filterable, paged asset list. Takes the parameters of `GET /api/v1/assets`
//! (`site`, `zone`, `kind`, `q`, `limit`, `after`) through a plain GET form.

use axum::extract::State;
use axum::response::Response;
use model::{AssetKind, AssetSummary, Site, Zone};

use super::{mission_badge, respond, safety_badge, text_or_none};
use crate::AppState;
use crate::api::{Pairs, pairs};
use crate::html::{self, Html};
use crate::query::{self, AssetPage, AssetQuery};

/// Page size of the HTML list when the request names none.
pub(crate) const PAGE_SIZE: usize = 200;

pub(crate) async fn handler(State(state): State<AppState>, q: Pairs) -> Response {
    let q = match pairs(q).and_then(|p| AssetQuery::parse(&p, PAGE_SIZE)) {
        Ok(q) => q,
        Err(f) => return crate::error::page(state.database(), f),
    };
    let data = state
        .with_store(move |s| {
            let page = query::fetch(s, &q)?;
            Ok((q, page, s.sites()?, s.zones()?))
        })
        .await;
    respond(&state, "Assets", Some("/assets"), data.map(|(q, page, sites, zones)| render(&q, &page, &sites, &zones)))
}

pub(crate) fn render(q: &AssetQuery, page: &AssetPage, sites: &[Site], zones: &[Zone]) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Assets");
    filter_form(&mut h, q, sites, zones);

    let filtered = q.filter != store::AssetFilter::default();
    let summary = match (page.total, filtered) {
        (0, true) => "No asset matches this filter.".to_string(),
        (0, false) => "No assets recorded yet.".to_string(),
        (n, true) => format!("{n} assets match; this page shows {}.", page.items.len()),
        (n, false) => format!("{n} assets; this page shows {}.", page.items.len()),
    };
    h.open("p", &[("role", "status")]).text(summary).close("p");

    if !page.items.is_empty() {
        table(&mut h, &page.items);
    }
    pager(&mut h, q, page);
    h
}

fn filter_form(h: &mut Html, q: &AssetQuery, sites: &[Site], zones: &[Zone]) {
    h.raw("<form class=\"filters\" method=\"get\" action=\"/assets\" aria-label=\"Filter assets\">");

    h.raw("<label>Site<select name=\"site\"><option value=\"\">any site</option>");
    for s in sites {
        option(h, &s.id, &format!("{} ({})", s.name, s.id), q.filter.site.as_deref() == Some(&s.id));
    }
    h.raw("</select></label>");

    h.raw("<label>Zone<select name=\"zone\"><option value=\"\">any zone</option>");
    for z in zones {
        option(
            h,
            &z.id,
            &format!("{} ({}, level {})", z.name, z.id, z.purdue),
            q.filter.zone.as_deref() == Some(&z.id),
        );
    }
    h.raw("</select></label>");

    h.raw("<label>Kind<select name=\"kind\"><option value=\"\">any kind</option>");
    for k in AssetKind::ALL {
        option(h, k.as_str(), k.as_str(), q.filter.kind == Some(*k));
    }
    h.raw("</select></label>");

    h.raw("<label>Text");
    h.open(
        "input",
        &[
            ("type", "search"),
            ("name", "q"),
            ("value", q.filter.text.as_deref().unwrap_or("")),
            ("placeholder", "id, name, vendor, model, address"),
        ],
    );
    h.raw("</label>");
    if q.limit_given {
        h.open("input", &[("type", "hidden"), ("name", "limit"), ("value", &q.limit.to_string())]);
    }
    h.raw("<button type=\"submit\">Filter</button> <a href=\"/assets\">Clear</a></form>");
}

fn option(h: &mut Html, value: &str, label: &str, selected: bool) {
    if selected {
        h.el("option", &[("value", value), ("selected", "")], label);
    } else {
        h.el("option", &[("value", value)], label);
    }
}

fn table(h: &mut Html, items: &[AssetSummary]) {
    h.raw("<div class=\"table-wrap\"><table><caption>Assets, sorted by id</caption><thead><tr>")
        .raw("<th scope=\"col\">Asset</th><th scope=\"col\">Kind</th><th scope=\"col\">Zone</th>")
        .raw("<th scope=\"col\">Level</th><th scope=\"col\">Vendor · product · model</th>")
        .raw("<th scope=\"col\">Firmware</th><th scope=\"col\">Addresses</th><th scope=\"col\">Owner</th>")
        .raw("<th scope=\"col\">Impact</th></tr></thead><tbody>");
    for a in items {
        h.raw("<tr><th scope=\"row\">")
            .link(&html::asset_href(&a.id), &a.name)
            .raw("<br>")
            .el("code", &[], &a.id)
            .raw("</th>");
        h.el("td", &[], a.kind);
        h.open("td", &[]).open("a", &[("href", &html::zone_href(&a.zone))]).el("code", &[], &a.zone).close("a");
        h.raw("<br>").el("span", &[("class", "sub")], &a.site).close("td");
        h.el("td", &[], a.purdue);
        let identity: Vec<&str> =
            [a.vendor.as_deref(), a.product.as_deref(), a.model.as_deref()].into_iter().flatten().collect();
        h.open("td", &[]);
        let identity = identity.join(" · ");
        text_or_none(h, Some(identity.as_str()).filter(|s| !s.is_empty()));
        h.close("td").open("td", &[]);
        text_or_none(h, a.firmware.as_deref());
        h.close("td").open("td", &[]);
        for (i, ip) in a.ips.iter().enumerate() {
            if i > 0 {
                h.raw("<br>");
            }
            h.el("code", &[], ip);
        }
        h.close("td").open("td", &[]);
        match a.owner.as_deref().filter(|o| !o.trim().is_empty()) {
            Some(o) => {
                h.text(o);
            }
            None => {
                h.el("span", &[("class", "badge badge-bad")], "unowned");
            }
        }
        h.close("td").open("td", &[]);
        if let Some(m) = a.mission_impact {
            mission_badge(h, m);
            h.raw(" ");
        }
        if let Some(s) = a.safety_impact {
            safety_badge(h, s);
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}

fn pager(h: &mut Html, q: &AssetQuery, page: &AssetPage) {
    if q.after.is_none() && page.next.is_none() {
        return;
    }
    let params = q.filter_params();
    let base: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    h.raw("<nav class=\"pager\" aria-label=\"Pages\">");
    if q.after.is_some() {
        h.link(&html::assets_href(&base), "← First page");
    }
    if let Some(next) = &page.next {
        let mut with_next = base.clone();
        with_next.push(("after", next));
        h.open("a", &[("href", &html::assets_href(&with_next)), ("rel", "next")]).text("Next page →").close("a");
    }
    h.raw("</nav>");
}
