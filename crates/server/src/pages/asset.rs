//! `GET /assets/{id}`: everything recorded about one asset and what the plant model says around
//! it — its zone and site, redundancy peers, what it depends on and what depends on it, the
//! conduit rules that reach it and the entry points that name it — and its findings, open ones
//! first.
//!
//! "Today" (for the end-of-life flag) is read from the clock in the handler and passed to the
//! pure `render`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use model::finding::Finding;
use model::{Asset, Conduit, Date, FindingStatus, Plant, Rule, SupportStatus};
use store::FindingFilter;

use super::overview::attachment;
use super::{count, endpoint_covers, findings, mission_badge, respond, rules_table, safety_badge, text_or_none};
use crate::AppState;
use crate::api::path_id;
use crate::error::Failure;
use crate::html::{self, Html};
use crate::query;

/// How far ahead an announced end of life is flagged.
const EOL_WARNING_DAYS: i64 = 365;

/// How many findings the asset page lists before linking to the findings list.
pub(crate) const ASSET_FINDINGS: usize = 200;

/// The findings the asset page lists: open ones first, at most [`ASSET_FINDINGS`].
#[derive(Debug, Default)]
pub(crate) struct AssetFindings {
    pub(crate) items: Vec<Finding>,
    /// The asset has more findings than are listed.
    pub(crate) more: bool,
}

pub(crate) async fn handler(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let today = time::OffsetDateTime::now_utc().date();
    let data = match path_id(id) {
        Ok(id) => {
            state
                .with_store(move |s| {
                    let Some(asset) = s.asset(&id)? else {
                        return Err(Failure::not_found(format!("there is no asset with id `{id}`")));
                    };
                    let plant = neighbourhood(s, asset)?;
                    let findings = asset_findings(s, &id)?;
                    Ok((id, plant, findings))
                })
                .await
        }
        Err(f) => Err(f),
    };
    let title = match &data {
        Ok((id, plant, _)) => plant.assets.iter().find(|a| &a.id == id).map(|a| a.name.clone()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    let body = data.and_then(|(id, plant, findings)| {
        render(&plant, &id, today, &findings)
            .ok_or_else(|| Failure::not_found(format!("there is no asset with id `{id}`")))
    });
    respond(&state, &title, Some("/assets"), body)
}

/// The asset's findings, open ones first: two indexed reads of at most one page each.
fn asset_findings(s: &dyn store::Store, id: &str) -> Result<AssetFindings, Failure> {
    let read = |statuses: Vec<FindingStatus>, limit: usize| {
        s.findings(&FindingFilter { asset: Some(id.to_string()), statuses, limit, ..FindingFilter::default() })
    };
    let mut items = read(query::OPEN.to_vec(), ASSET_FINDINGS + 1)?;
    if items.len() <= ASSET_FINDINGS {
        let closed: Vec<FindingStatus> = FindingStatus::ALL.iter().copied().filter(|s| !s.is_open()).collect();
        let room = ASSET_FINDINGS + 1 - items.len();
        items.extend(read(closed, room)?);
    }
    let more = items.len() > ASSET_FINDINGS;
    items.truncate(ASSET_FINDINGS);
    Ok(AssetFindings { items, more })
}

/// The part of the plant the asset page shows: the network model (small) and only the assets
/// related to this one — what it depends on, what depends on it, its redundancy peers — so the
/// page costs a few indexed reads however large the plant is.
fn neighbourhood(s: &dyn store::Store, asset: Asset) -> Result<Plant, Failure> {
    let mut related: Vec<String> = asset.depends_on.clone();
    related.extend(s.dependents(&asset.id)?);
    if let Some(group) = &asset.redundancy_group {
        related.extend(s.redundancy_peers(group)?);
    }
    related.sort();
    related.dedup();
    let mut assets = vec![asset];
    for id in related {
        if id != assets[0].id
            && let Some(a) = s.asset(&id)?
        {
            assets.push(a);
        }
    }
    Ok(Plant { sites: s.sites()?, zones: s.zones()?, conduits: s.conduits()?, entry_points: s.entry_points()?, assets })
}

/// The asset page, or `None` when the plant has no asset `id`.
pub(crate) fn render(plant: &Plant, id: &str, today: Date, found: &AssetFindings) -> Option<Html> {
    let a = plant.assets.iter().find(|a| a.id == id)?;
    let zone = plant.zones.iter().find(|z| z.id == a.zone);
    let site = zone.and_then(|z| plant.sites.iter().find(|s| s.id == z.site));
    let name_of = |id: &str| plant.assets.iter().find(|x| x.id == id).map(|x| x.name.clone());

    let mut h = Html::new();
    h.el("h1", &[], &a.name);
    h.open("p", &[("class", "sub")]).el("code", &[], &a.id).text(format!(" · {} · from {}", a.kind, a.origin));
    if let Some(m) = a.mission_impact {
        h.raw(" ");
        mission_badge(&mut h, m);
    }
    if let Some(s) = a.safety_impact {
        h.raw(" ");
        safety_badge(&mut h, s);
    }
    h.close("p");

    let owner = a.owner.as_deref().filter(|o| !o.trim().is_empty());
    if owner.is_none() {
        h.open("p", &[("class", "notice notice-bad")])
            .el("strong", &[], "Unowned.")
            .text(" Nobody is recorded as responsible for this asset, so nobody is accountable for patching or shielding it.")
            .close("p");
    }
    support_notice(&mut h, a, today);

    // Identity
    h.el("h2", &[], "Identity");
    facts(
        &mut h,
        &[
            ("Vendor", a.identity.vendor.as_deref()),
            ("Product", a.identity.product.as_deref()),
            ("Model / order number", a.identity.model.as_deref()),
            ("Hardware version", a.identity.hardware_version.as_deref()),
            ("Firmware", a.identity.firmware.as_deref()),
            ("Operating system", a.identity.os.as_deref()),
            ("Serial number", a.identity.serial.as_deref()),
        ],
    );

    // Placement
    h.el("h2", &[], "Placement");
    h.raw("<dl class=\"facts\"><dt>Site</dt><dd>");
    match (site, zone) {
        (Some(s), _) => {
            h.text(&s.name).text(" ").el("code", &[], &s.id);
        }
        (None, Some(z)) => {
            h.el("code", &[], &z.site).text(" (not a recorded site)");
        }
        (None, None) => {
            h.el("span", &[("class", "none")], "unknown");
        }
    }
    h.raw("</dd><dt>Zone</dt><dd>");
    match zone {
        Some(z) => {
            h.link(&html::zone_href(&z.id), &z.name).text(" ").el("code", &[], &z.id);
            if z.safety {
                h.raw(" ").el("span", &[("class", "badge badge-safety")], "safety zone");
            }
        }
        None => {
            h.el("code", &[], &a.zone).text(" (not a recorded zone)");
        }
    }
    h.raw("</dd><dt>Purdue level</dt><dd>");
    match zone {
        Some(z) => h.text(z.purdue.label()),
        None => h.el("span", &[("class", "none")], "unknown"),
    };
    h.raw("</dd><dt>Line</dt><dd>");
    text_or_none(&mut h, a.line.as_deref());
    h.raw("</dd><dt>Location</dt><dd>");
    text_or_none(&mut h, a.location.as_deref());
    h.raw("</dd></dl>");

    // Addresses
    h.el("h2", &[], "Addresses");
    h.raw("<dl class=\"facts\"><dt>IP</dt><dd>");
    list_codes(&mut h, a.ips.iter().map(|i| i.to_string()));
    h.raw("</dd><dt>MAC</dt><dd>");
    list_codes(&mut h, a.macs.iter().map(|m| m.to_string()));
    h.raw("</dd></dl>");

    // Services
    h.el("h2", &[], "Services");
    if a.services.is_empty() {
        h.el("p", &[("class", "none")], "No services recorded.");
    } else {
        h.raw("<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Protocol</th><th scope=\"col\">Port</th>")
            .raw("<th scope=\"col\">Application</th></tr></thead><tbody>");
        for s in &a.services {
            h.raw("<tr>").el("td", &[], s.protocol).el("td", &[], s.port).open("td", &[]);
            text_or_none(&mut h, s.name.as_deref());
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table></div>");
    }

    // Components
    h.el("h2", &[], "Components");
    if a.components.is_empty() {
        h.el(
            "p",
            &[("class", "none")],
            "No components recorded; vulnerabilities can only be matched on the identity above.",
        );
    } else {
        h.raw("<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Vendor</th>")
            .raw("<th scope=\"col\">Name</th><th scope=\"col\">Version</th><th scope=\"col\">CPE</th><th scope=\"col\">purl</th>")
            .raw("</tr></thead><tbody>");
        for c in &a.components {
            h.raw("<tr>").el("td", &[], c.kind).open("td", &[]);
            text_or_none(&mut h, c.vendor.as_deref());
            h.close("td").el("td", &[], &c.name).open("td", &[]);
            text_or_none(&mut h, c.version.as_deref());
            h.close("td").open("td", &[]);
            code_or_none(&mut h, c.cpe.as_deref());
            h.close("td").open("td", &[]);
            code_or_none(&mut h, c.purl.as_deref());
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table></div>");
    }

    asset_findings_section(&mut h, &a.id, found);

    // Ownership and impact
    h.el("h2", &[], "Ownership and impact");
    h.raw("<dl class=\"facts\"><dt>Owner</dt><dd>");
    match owner {
        Some(o) => h.text(o),
        None => h.el("strong", &[("class", "badge badge-bad")], "unowned"),
    };
    h.raw("</dd><dt>Mission impact</dt><dd>");
    text_or_none(&mut h, a.mission_impact.map(|m| m.as_str()));
    h.raw("</dd><dt>Safety impact</dt><dd>");
    text_or_none(&mut h, a.safety_impact.map(|s| s.as_str()));
    h.raw("</dd><dt>Redundancy group</dt><dd>");
    match &a.redundancy_group {
        Some(g) => {
            h.el("code", &[], g);
            let peers: Vec<&Asset> =
                plant.assets.iter().filter(|p| p.id != a.id && p.redundancy_group.as_ref() == Some(g)).collect();
            if peers.is_empty() {
                h.text(" — ").el("span", &[("class", "badge badge-warn")], "no peer recorded");
            } else {
                h.text(" with ");
                asset_links(&mut h, peers.iter().map(|p| (p.id.as_str(), Some(p.name.clone()))));
            }
        }
        None => {
            h.el("span", &[("class", "none")], "none: taking this asset down stops what it does");
        }
    }
    h.raw("</dd></dl>");

    // Support
    h.el("h2", &[], "Vendor support");
    h.raw("<dl class=\"facts\"><dt>Status</dt><dd>");
    text_or_none(&mut h, a.support.as_ref().map(|s| s.status.as_str()));
    h.raw("</dd><dt>End of life</dt><dd>");
    match a.support.as_ref().and_then(|s| s.end_of_life) {
        Some(d) => {
            h.text(d);
            if d < today {
                h.raw(" ").el("span", &[("class", "badge badge-bad")], "past end of life");
            }
        }
        None => {
            h.el("span", &[("class", "none")], "not announced or not recorded");
        }
    }
    h.raw("</dd></dl>");

    // Certified baseline
    h.el("h2", &[], "Certified baseline");
    match &a.certified_baseline {
        Some(b) => {
            h.raw("<dl class=\"facts\"><dt>Baseline</dt><dd>").text(&b.name).raw("</dd><dt>Certified by</dt><dd>");
            h.text(&b.source).raw("</dd><dt>Date</dt><dd>");
            text_or_none(&mut h, b.date.map(|d| d.to_string()).as_deref());
            h.raw("</dd><dt>Consists of</dt><dd>");
            if b.items.is_empty() {
                h.el("span", &[("class", "none")], "no items recorded");
            } else {
                h.raw("<ul class=\"plain\">");
                for i in &b.items {
                    h.el("li", &[], i);
                }
                h.raw("</ul>");
            }
            h.raw("</dd></dl>");
        }
        None => {
            h.el("p", &[("class", "none")], "No vendor-certified baseline recorded.");
        }
    }

    // Dependencies
    h.el("h2", &[], "Dependencies");
    let depended_by: Vec<&Asset> = plant.assets.iter().filter(|x| x.depends_on.iter().any(|d| d == &a.id)).collect();
    h.raw("<dl class=\"facts\"><dt>Depends on</dt><dd>");
    if a.depends_on.is_empty() {
        h.el("span", &[("class", "none")], "nothing recorded");
    } else {
        asset_links(&mut h, a.depends_on.iter().map(|d| (d.as_str(), name_of(d))));
    }
    h.raw("</dd><dt>Depended on by</dt><dd>");
    if depended_by.is_empty() {
        h.el("span", &[("class", "none")], "nothing recorded");
    } else {
        asset_links(&mut h, depended_by.iter().map(|x| (x.id.as_str(), Some(x.name.clone()))));
    }
    h.raw("</dd></dl>");

    // Entry points that name the asset or its zone
    let mut reach = Html::new();
    let mut any_entry = false;
    for ep in &plant.entry_points {
        for at in &ep.attachments {
            if attachment_names(at, a) {
                any_entry = true;
                reach.raw("<li>").el("strong", &[], &ep.name).text(format!(" ({}) — ", ep.kind));
                attachment(&mut reach, ep.kind, at, &name_of);
                reach.raw("</li>");
            }
        }
    }
    h.el("h2", &[], "Exposure");
    h.open("p", &[])
        .text("Which entry points reach or can take this asset, step by step: ")
        .link(&super::exposure::exposure_href(&a.id), "attack paths to this asset")
        .text(".")
        .close("p");
    h.el("h2", &[], "Entry points");
    if any_entry {
        h.raw("<ul>").append(&reach).raw("</ul>");
    } else {
        h.el("p", &[("class", "none")], "No entry point attaches directly to this asset or its zone.");
    }

    // Conduit rules
    h.el("h2", &[], "Conduit rules that reach this asset");
    let rows: Vec<(&Conduit, Vec<&Rule>)> = plant
        .conduits
        .iter()
        .map(|c| (c, c.rules.iter().filter(|r| rule_reaches(c, r, a)).collect::<Vec<_>>()))
        .filter(|(_, rules)| !rules.is_empty())
        .collect();
    if rows.is_empty() {
        h.el("p", &[("class", "none")], "No conduit rule names this asset, its zone or its addresses.");
    } else {
        rules_table(
            &mut h,
            "Rules naming this asset, its zone or one of its addresses, and rules from or to any in a conduit of its zone",
            &rows,
        );
    }

    if !a.tags.is_empty() || a.description.is_some() {
        h.el("h2", &[], "Notes");
        if let Some(d) = &a.description {
            h.el("p", &[], d);
        }
        if !a.tags.is_empty() {
            h.open("p", &[]).text("Tags: ");
            list_codes(&mut h, a.tags.iter().cloned());
            h.close("p");
        }
    }
    Some(h)
}

/// The asset's findings with a link to all of them in the findings list.
fn asset_findings_section(h: &mut Html, id: &str, found: &AssetFindings) {
    h.el("h2", &[], "Findings");
    let all_href = html::findings_href(&[("asset", id), ("status", "all")]);
    if found.items.is_empty() {
        h.open("p", &[("class", "none")])
            .text("No findings on this asset. Findings are computed by ")
            .el("code", &[], "patchwise match")
            .text("; if it has not run since the plant or the intelligence changed, run it.")
            .close("p");
        return;
    }
    let n = |pred: fn(FindingStatus) -> bool| found.items.iter().filter(|f| pred(f.verdict.status)).count();
    let open = n(FindingStatus::is_open);
    let suppressed = n(|s| s == FindingStatus::NotAffected);
    let closed = n(|s| s == FindingStatus::Fixed);
    let mut parts = vec![format!("{open} open")];
    if suppressed > 0 {
        parts.push(format!("{suppressed} suppressed (not affected)"));
    }
    if closed > 0 {
        parts.push(format!("{closed} closed (fixed)"));
    }
    h.open("p", &[("role", "status")]);
    if found.more {
        h.text(format!("The first {} are listed: ", count(found.items.len(), "finding", "findings")));
        h.text(parts.join(", ")).text(". ").link(&all_href, "See every finding on this asset");
    } else {
        h.text(format!("{}: ", count(found.items.len(), "finding", "findings")));
        h.text(parts.join(", ")).text(". ").link(&all_href, "Filter them in the findings list");
    }
    h.text(".").close("p");
    findings::table(h, &found.items, false, "Open findings first, then suppressed and closed ones");
}

/// End of life passed, coming, or declared without a date.
fn support_notice(h: &mut Html, a: &Asset, today: Date) {
    let Some(support) = &a.support else { return };
    match support.end_of_life {
        Some(eol) if eol < today => {
            let days = (today - eol).whole_days();
            h.open("p", &[("class", "notice notice-bad")])
                .el("strong", &[], "Past end of life.")
                .text(format!(" Vendor support ended on {eol}, {days} days ago: no further fixes should be expected."))
                .close("p");
        }
        Some(eol) if (eol - today).whole_days() <= EOL_WARNING_DAYS => {
            let days = (eol - today).whole_days();
            h.open("p", &[("class", "notice")])
                .el("strong", &[], "End of life approaching.")
                .text(format!(" Vendor support ends on {eol}, in {days} days."))
                .close("p");
        }
        None if support.status == SupportStatus::EndOfLife => {
            h.open("p", &[("class", "notice notice-bad")])
                .el("strong", &[], "End of life.")
                .text(" The vendor no longer supports this asset.")
                .close("p");
        }
        _ => {}
    }
}

fn facts(h: &mut Html, rows: &[(&str, Option<&str>)]) {
    h.raw("<dl class=\"facts\">");
    for (label, value) in rows {
        h.el("dt", &[], label).open("dd", &[]);
        text_or_none(h, *value);
        h.close("dd");
    }
    h.raw("</dl>");
}

fn list_codes(h: &mut Html, items: impl Iterator<Item = String>) {
    let mut empty = true;
    for (i, s) in items.enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        h.el("code", &[], s);
        empty = false;
    }
    if empty {
        h.el("span", &[("class", "none")], "none recorded");
    }
}

fn code_or_none(h: &mut Html, v: Option<&str>) {
    match v {
        Some(v) => h.el("code", &[], v),
        None => h.el("span", &[("class", "none")], "—"),
    };
}

/// Links to asset pages; ids not in the inventory are flagged.
fn asset_links<'a>(h: &mut Html, items: impl Iterator<Item = (&'a str, Option<String>)>) {
    h.raw("<ul class=\"plain\">");
    for (id, name) in items {
        h.raw("<li>");
        match name {
            Some(n) => {
                h.link(&html::asset_href(id), n).text(" ").el("code", &[], id);
            }
            None => {
                h.el("code", &[], id).raw(" ").el("span", &[("class", "badge badge-warn")], "not in the inventory");
            }
        }
        h.raw("</li>");
    }
    h.raw("</ul>");
}

/// Whether a rule in conduit `c` can apply to asset `a` on either side.
fn rule_reaches(c: &Conduit, r: &Rule, a: &Asset) -> bool {
    let in_conduit = c.zones.contains(&a.zone);
    endpoint_covers(&r.from, a, in_conduit) || endpoint_covers(&r.to, a, in_conduit)
}

/// Whether an entry point attachment names the asset or lands in its zone.
fn attachment_names(at: &model::Attachment, a: &Asset) -> bool {
    use model::Attachment::*;
    match at {
        Zone { zone } => zone == &a.zone,
        PortForward { asset, .. } => asset == &a.id,
        Vpn { gateway, zone, .. } => gateway == &a.id || zone == &a.zone,
        JumpHost { host, .. } | Account { host, .. } => host == &a.id,
    }
}
