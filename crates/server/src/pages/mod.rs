//! The server-rendered dashboard: one module per page, each a handler that reads the store and a
//! pure `render` function from data to markup (so pages are tested without HTTP). Pieces more
//! than one page shows — rule tables, impact badges, "not recorded" — live here.
//!
//! Pages work without JavaScript and load nothing but `/static/patchwise.css`. A new page adds a
//! module, a route in [`routes`] and, if it belongs in the header, an entry in `html::NAV`.

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use model::{Action, Asset, Conduit, Direction, Endpoint, MissionImpact, Protocol, Rule, SafetyImpact};

use crate::AppState;
use crate::error::{self, Failure};
use crate::html::{self, Html};

mod asset;
mod assets;
mod decisions;
mod exposure;
mod finding;
mod findings;
pub(crate) mod imports;
mod intel_quality;
mod intel_status;
mod intel_view;
mod overview;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::handler))
        .route("/assets", get(assets::handler))
        .route("/assets/{id}", get(asset::handler))
        .route("/intel", get(intel_status::handler))
        // The fixed path wins over `{id}`: no CVE or advisory id is `quality`.
        .route("/intel/quality", get(intel_quality::handler))
        .route("/intel/{id}", get(intel_view::handler))
        .route("/decisions", get(decisions::handler))
        .route("/findings", get(findings::handler))
        .route("/findings/{id}", get(finding::handler))
        .route("/imports", get(imports::handler))
        .route("/exposure", get(exposure::handler))
        .route("/exposure/{id}", get(exposure::asset_handler))
}

/// A rendered page, or the error page for the failure.
fn respond(state: &AppState, title: &str, current: Option<&str>, body: Result<Html, Failure>) -> Response {
    match body {
        Ok(body) => html::response(StatusCode::OK, html::document(title, current, state.database(), &body)),
        Err(f) => error::page(state.database(), f),
    }
}

/// The text, or a muted "not recorded".
fn text_or_none(h: &mut Html, value: Option<&str>) {
    match value {
        Some(v) if !v.trim().is_empty() => {
            h.text(v);
        }
        _ => {
            h.el("span", &[("class", "none")], "not recorded");
        }
    }
}

/// A rule endpoint, linked to the zone card or the asset page it names.
fn endpoint(h: &mut Html, ep: &Endpoint) {
    match ep {
        Endpoint::Any => {
            h.el("em", &[], "any");
        }
        Endpoint::Zone(z) => {
            h.text("zone ").open("a", &[("href", &html::zone_href(z))]).el("code", &[], z).close("a");
        }
        Endpoint::Asset(a) => {
            h.text("asset ").open("a", &[("href", &html::asset_href(a))]).el("code", &[], a).close("a");
        }
        Endpoint::Net(n) => {
            h.el("code", &[], ep_net(n));
        }
    }
}

fn ep_net(n: &model::IpNet) -> String {
    Endpoint::Net(*n).to_string()
}

/// `tcp/102`, `tcp/102, 4840-4841`, `udp (all ports)`, `icmp`.
fn protocol_ports(rule: &Rule) -> String {
    match rule.protocol {
        Protocol::Icmp | Protocol::Ethernet => rule.protocol.as_str().to_string(),
        p if rule.ports.is_empty() => format!("{p} (all ports)"),
        p => format!("{p}/{}", rule.ports.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

fn direction(d: Direction) -> &'static str {
    match d {
        Direction::OneWay => "one-way (from → to)",
        Direction::Both => "both ways",
    }
}

/// A table of conduit rules, one `<tbody>` per conduit with the conduit's zones and enforcement
/// in its first cells.
fn rules_table(h: &mut Html, caption: &str, rows: &[(&Conduit, Vec<&Rule>)]) {
    h.raw("<div class=\"table-wrap\"><table>").el("caption", &[], caption);
    h.raw("<thead><tr><th scope=\"col\">Conduit</th><th scope=\"col\">Zones</th><th scope=\"col\">Enforced by</th>")
        .raw("<th scope=\"col\">Rule</th><th scope=\"col\">From</th><th scope=\"col\">To</th>")
        .raw("<th scope=\"col\">Protocol / ports</th><th scope=\"col\">Application</th>")
        .raw("<th scope=\"col\">Direction</th><th scope=\"col\">Action</th></tr></thead>");
    for (conduit, rules) in rows {
        let span = rules.len().max(1).to_string();
        h.raw("<tbody><tr>");
        h.open("th", &[("scope", "rowgroup"), ("rowspan", &span)]);
        h.text(&conduit.name).raw("<br>").el("code", &[], &conduit.id);
        h.close("th");
        h.open("td", &[("rowspan", &span)]);
        for (i, z) in conduit.zones.iter().enumerate() {
            if i > 0 {
                h.raw(" ↔ ");
            }
            h.open("a", &[("href", &html::zone_href(z))]).el("code", &[], z).close("a");
        }
        h.close("td");
        h.open("td", &[("rowspan", &span)]).text(conduit.enforcement.kind);
        if let Some(name) = &conduit.enforcement.name {
            h.raw("<br>").el("code", &[], name);
        }
        if conduit.enforcement.kind == model::EnforcementKind::None {
            h.raw(" ").el("span", &[("class", "badge badge-warn")], "not enforced");
        }
        h.close("td");
        if rules.is_empty() {
            h.raw("<td colspan=\"7\" class=\"none\">no rules: the conduit allows nothing</td></tr>");
        }
        for (i, rule) in rules.iter().enumerate() {
            if i > 0 {
                h.raw("<tr>");
            }
            h.open("td", &[]).el("code", &[], &rule.id).close("td");
            h.raw("<td>");
            endpoint(h, &rule.from);
            h.raw("</td><td>");
            endpoint(h, &rule.to);
            h.raw("</td>");
            h.el("td", &[], protocol_ports(rule));
            h.open("td", &[]);
            text_or_none(h, rule.application.as_deref());
            h.close("td");
            h.el("td", &[], direction(rule.direction));
            match rule.action {
                Action::Allow => h.el("td", &[], "allow"),
                Action::Deny => h.open("td", &[]).el("strong", &[], "deny").close("td"),
            };
            h.raw("</tr>");
        }
        h.raw("</tbody>");
    }
    h.raw("</table></div>");
}

/// A badge for a safety impact; critical and catastrophic stand out.
fn safety_badge(h: &mut Html, s: SafetyImpact) {
    let class = match s {
        SafetyImpact::Catastrophic | SafetyImpact::Critical => "badge badge-safety",
        SafetyImpact::Marginal => "badge badge-warn",
        SafetyImpact::Negligible => "badge badge-ok",
    };
    h.el("span", &[("class", class)], format!("safety: {s}"));
}

/// A badge for a mission impact; failure of mission-essential functions stands out.
fn mission_badge(h: &mut Html, m: MissionImpact) {
    let class = match m {
        MissionImpact::MissionFailure | MissionImpact::MefFailure => "badge badge-bad",
        MissionImpact::MefSupportCrippled => "badge badge-warn",
        MissionImpact::Degraded => "badge badge-ok",
    };
    h.el("span", &[("class", class)], format!("mission: {m}"));
}

/// Whether a rule endpoint takes in asset `a`: by id, by zone, by one of its addresses, or as
/// `any` in a conduit that joins the asset's zone (`in_conduit`).
fn endpoint_covers(ep: &Endpoint, a: &Asset, in_conduit: bool) -> bool {
    match ep {
        Endpoint::Any => in_conduit,
        Endpoint::Zone(z) => z == &a.zone,
        Endpoint::Asset(id) => id == &a.id,
        Endpoint::Net(n) => a.ips.iter().any(|ip| n.contains(ip)),
    }
}

/// `1 zone`, `3 zones`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}
