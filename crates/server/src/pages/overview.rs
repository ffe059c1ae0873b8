//! `GET /`: the site overview. Per site, zones drawn as cards in Purdue bands from level 5 at
//! the top to level 0 at the bottom, then the conduits between them with every rule; after the
//! sites, the entry points and how they attach, with Internet port forwards called out.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use model::{AssetKind, AssetSummary, Attachment, Conduit, EntryKind, EntryPoint, Purdue, Site, Zone};
use store::AssetFilter;

use super::{count, respond, rules_table};
use crate::AppState;
use crate::html::{self, Html};

/// How many assets a zone card lists before linking to the filtered asset list.
pub(crate) const CARD_ASSETS: usize = 8;

/// Everything the overview shows.
pub(crate) struct Overview {
    pub(crate) sites: Vec<Site>,
    pub(crate) zones: Vec<Zone>,
    pub(crate) conduits: Vec<Conduit>,
    pub(crate) entry_points: Vec<EntryPoint>,
    pub(crate) assets: Vec<AssetSummary>,
    /// The short list (most urgent decisions, with the fastest risk reduction) and how many
    /// open findings have each outcome; empty when nothing is decided.
    pub(crate) top: Vec<decide::Decision>,
    pub(crate) counts: Vec<(decide::Priority, usize)>,
}

/// How many decisions the overview leads with.
pub(crate) const TOP: usize = 5;

pub(crate) async fn handler(State(state): State<AppState>) -> Response {
    let data = state
        .with_store(|s| {
            let mut assets = Vec::new();
            s.asset_summaries(&AssetFilter::default(), &mut |a| {
                assets.push(a);
                Ok(())
            })?;
            Ok(Overview {
                sites: s.sites()?,
                zones: s.zones()?,
                conduits: s.conduits()?,
                entry_points: s.entry_points()?,
                assets,
                top: Vec::new(),
                counts: Vec::new(),
            })
        })
        .await;
    // The short list when there is something to decide; the plant overview either way.
    let data = match data {
        Ok(mut o) if !o.zones.is_empty() => {
            if let Ok(d) = crate::decisions::decided(&state).await {
                o.counts = decide::Priority::ALL
                    .iter()
                    .rev()
                    .map(|p| (*p, d.decisions.iter().filter(|x| x.priority == *p).count()))
                    .collect();
            }
            o.top = crate::decisions::top(&state, None, TOP).await.unwrap_or_default();
            Ok(o)
        }
        other => other,
    };
    respond(&state, "Overview", Some("/"), data.map(|d| render(&d)))
}

/// The CSS class of a Purdue band (`level-3-5`).
fn level_class(p: Purdue) -> String {
    format!("level level-{}", p.as_str().replace('.', "-"))
}

pub(crate) fn render(o: &Overview) -> Html {
    let mut h = Html::new();
    h.el("h1", &[], "Plant overview");
    h.el(
        "p",
        &[("class", "sub")],
        [
            count(o.sites.len(), "site", "sites"),
            count(o.zones.len(), "zone", "zones"),
            count(o.conduits.len(), "conduit", "conduits"),
            count(o.entry_points.len(), "entry point", "entry points"),
            count(o.assets.len(), "asset", "assets"),
        ]
        .join(" · "),
    );
    if o.sites.is_empty() && o.zones.is_empty() && o.assets.is_empty() {
        h.el(
            "p",
            &[("class", "notice")],
            "No plant has been imported into this database yet. Import a plant file or an asset inventory \
             with the patchwise command line, then reload this page.",
        );
    }

    short_list(&mut h, o);

    let unowned = o.assets.iter().filter(|a| a.owner.as_deref().is_none_or(|s| s.trim().is_empty())).count();
    if unowned > 0 {
        h.open("p", &[("class", "notice")])
            .el(
                "strong",
                &[],
                format!(
                    "{unowned} of {} {} no owner.",
                    count(o.assets.len(), "asset", "assets"),
                    if unowned == 1 { "has" } else { "have" }
                ),
            )
            .text(" Nobody is accountable for patching or shielding them.")
            .close("p");
    }

    let mut by_zone: BTreeMap<&str, Vec<&AssetSummary>> = BTreeMap::new();
    for a in &o.assets {
        by_zone.entry(a.zone.as_str()).or_default().push(a);
    }

    for site in &o.sites {
        let zones: Vec<&Zone> = o.zones.iter().filter(|z| z.site == site.id).collect();
        let heading_id = html::anchor("site", &site.id);
        h.open("section", &[("aria-labelledby", &heading_id)]);
        h.open("h2", &[("id", &heading_id)]).text(&site.name).text(" ").el("code", &[], &site.id).close("h2");
        let place: Vec<&str> = [site.location.as_deref(), site.timezone.as_deref()].into_iter().flatten().collect();
        if !place.is_empty() {
            h.el("p", &[("class", "sub")], place.join(" · "));
        }
        if let Some(d) = &site.description {
            h.el("p", &[], d);
        }
        site_body(&mut h, &zones, &o.conduits, &by_zone);
        h.close("section");
    }

    let orphans: Vec<&Zone> = o.zones.iter().filter(|z| !o.sites.iter().any(|s| s.id == z.site)).collect();
    if !orphans.is_empty() {
        h.open("section", &[("aria-labelledby", "site-unknown")]);
        h.el("h2", &[("id", "site-unknown")], "Zones of no recorded site");
        site_body(&mut h, &orphans, &o.conduits, &by_zone);
        h.close("section");
    }

    entry_points(&mut h, &o.entry_points, &o.assets);
    h
}

/// Zone cards drawn per Purdue level; further zones of the level are listed as links.
const MAX_ZONE_CARDS: usize = 24;
/// Conduits drawn in the overview's rules table.
const MAX_CONDUITS: usize = 60;

/// Purdue bands of zone cards, then the conduits that touch these zones.
fn site_body(h: &mut Html, zones: &[&Zone], conduits: &[Conduit], by_zone: &BTreeMap<&str, Vec<&AssetSummary>>) {
    if zones.is_empty() {
        h.el("p", &[("class", "none")], "No zones recorded for this site.");
        return;
    }
    h.el(
        "p",
        &[("class", "sub")],
        "Zones by Purdue level, enterprise at the top and the process at the bottom, as in the reference model.",
    );
    for level in Purdue::ALL.iter().rev() {
        let here: Vec<&&Zone> = zones.iter().filter(|z| z.purdue == *level).collect();
        if here.is_empty() {
            continue;
        }
        h.open("section", &[("class", &level_class(*level)), ("aria-label", level.label())]);
        h.el("h3", &[], level.label());
        h.raw("<div class=\"cards\">");
        for z in here.iter().take(MAX_ZONE_CARDS) {
            zone_card(h, z, by_zone.get(z.id.as_str()).map(Vec::as_slice).unwrap_or(&[]));
        }
        h.raw("</div>");
        if here.len() > MAX_ZONE_CARDS {
            // Large plants: the rest of the level as one compact line of links, not thousands of cards.
            h.open("p", &[("class", "sub")])
                .text(format!("{} more zones at this level: ", here.len() - MAX_ZONE_CARDS));
            for (i, z) in here.iter().skip(MAX_ZONE_CARDS).enumerate() {
                if i > 0 {
                    h.raw(", ");
                }
                let n = by_zone.get(z.id.as_str()).map(Vec::len).unwrap_or(0);
                h.link(&html::assets_href(&[("zone", &z.id)]), &z.id).text(format!(" ({n})"));
            }
            h.close("p");
        }
        h.raw("</section>");
    }

    let touching: Vec<(&Conduit, Vec<&model::Rule>)> = conduits
        .iter()
        .filter(|c| c.zones.iter().any(|cz| zones.iter().any(|z| &z.id == cz)))
        .map(|c| (c, c.rules.iter().collect()))
        .collect();
    h.el("h3", &[], "Conduits");
    if touching.is_empty() {
        h.el("p", &[("class", "none")], "No conduits recorded: these zones exchange nothing that is governed.");
    } else {
        let shown = &touching[..touching.len().min(MAX_CONDUITS)];
        rules_table(h, "Conduits between zones, rules in evaluation order (first match decides)", shown);
        if touching.len() > MAX_CONDUITS {
            h.el(
                "p",
                &[("class", "sub")],
                format!(
                    "Showing {MAX_CONDUITS} of {} conduits. All of them: /api/v1/conduits or `patchwise conduits list`.",
                    touching.len()
                ),
            );
        }
    }
}

fn zone_card(h: &mut Html, z: &Zone, assets: &[&AssetSummary]) {
    h.open("article", &[("class", "card"), ("id", &html::anchor("zone", &z.id))]);
    h.open("h4", &[]).text(&z.name).close("h4");
    h.open("p", &[("class", "sub")]).el("code", &[], &z.id);
    if z.safety {
        h.raw(" ").el("span", &[("class", "badge badge-safety")], "safety zone");
    }
    h.close("p");
    h.raw("<dl class=\"facts\"><dt>Subnets</dt><dd>");
    if z.subnets.is_empty() {
        h.el("span", &[("class", "none")], "none recorded");
    }
    for (i, n) in z.subnets.iter().enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        h.el("code", &[], n);
    }
    h.raw("</dd><dt>Target SL</dt><dd>");
    match &z.target_sl {
        Some(sl) => {
            h.open("abbr", &[("title", &sl_title(sl))]).text(sl).close("abbr");
        }
        None => {
            h.el("span", &[("class", "none")], "not set");
        }
    }
    h.raw("</dd><dt>Assets</dt><dd>");
    let mut kinds: BTreeMap<AssetKind, usize> = BTreeMap::new();
    for a in assets {
        *kinds.entry(a.kind).or_default() += 1;
    }
    h.text(count(assets.len(), "asset", "assets"));
    if !kinds.is_empty() {
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        h.text(": ").text(parts.join(", "));
    }
    h.raw("</dd></dl>");
    if !assets.is_empty() {
        h.open("ul", &[("aria-label", &format!("Assets in zone {}", z.name))]);
        for a in assets.iter().take(CARD_ASSETS) {
            h.raw("<li>")
                .link(&html::asset_href(&a.id), &a.name)
                .raw(" ")
                .el("span", &[("class", "sub")], a.kind)
                .raw("</li>");
        }
        if assets.len() > CARD_ASSETS {
            h.raw("<li>")
                .link(&html::assets_href(&[("zone", &z.id)]), format!("{} more…", assets.len() - CARD_ASSETS))
                .raw("</li>");
        }
        h.close("ul");
    }
    h.close("article");
}

/// The seven levels spelled out, for the tooltip of the compact `SL-T(…)` form.
fn sl_title(sl: &model::SecurityLevels) -> String {
    model::SecurityLevels::FR_NAMES.iter().zip(sl.0).map(|(fr, l)| format!("{fr}: {l}")).collect::<Vec<_>>().join("; ")
}

fn entry_kind(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Internet => "Internet",
        EntryKind::Enterprise => "enterprise network",
        EntryKind::VendorRemoteAccess => "vendor remote access",
        EntryKind::Wireless => "wireless",
        EntryKind::TransientDevice => "transient device",
    }
}

fn entry_points(h: &mut Html, eps: &[EntryPoint], assets: &[AssetSummary]) {
    let name_of = |id: &str| assets.iter().find(|a| a.id == id).map(|a| a.name.clone());
    h.open("section", &[("aria-labelledby", "entry-points")]);
    h.el("h2", &[("id", "entry-points")], "Entry points");
    if eps.is_empty() {
        h.el(
            "p",
            &[("class", "none")],
            "No entry points recorded. Without them, nothing can be said about what an attacker can reach.",
        );
        h.close("section");
        return;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>Where an attacker can start and how that place reaches the plant</caption>")
        .raw("<thead><tr><th scope=\"col\">Entry point</th><th scope=\"col\">Kind</th><th scope=\"col\">Attaches through</th></tr></thead><tbody>");
    for ep in eps {
        let internet_forward = ep.kind == EntryKind::Internet
            && ep.attachments.iter().any(|a| matches!(a, Attachment::PortForward { .. }));
        if internet_forward {
            h.raw("<tr class=\"warn\">");
        } else {
            h.raw("<tr>");
        }
        h.open("th", &[("scope", "row"), ("id", &html::anchor("entry", &ep.id))]);
        h.text(&ep.name).raw("<br>").el("code", &[], &ep.id).close("th");
        h.el("td", &[], entry_kind(ep.kind));
        h.raw("<td>");
        if ep.attachments.is_empty() {
            h.el("span", &[("class", "none")], "no attachments recorded");
        } else {
            h.raw("<ul class=\"plain\">");
            for a in &ep.attachments {
                h.raw("<li>");
                attachment(h, ep.kind, a, &name_of);
                h.raw("</li>");
            }
            h.raw("</ul>");
        }
        if let Some(d) = &ep.description {
            h.el("p", &[("class", "sub")], d);
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    h.close("section");
}

/// One attachment in words. Shared with the asset page.
pub(crate) fn attachment(h: &mut Html, kind: EntryKind, a: &Attachment, name_of: &dyn Fn(&str) -> Option<String>) {
    let asset_link = |h: &mut Html, id: &str| {
        let label = name_of(id).unwrap_or_else(|| id.to_string());
        h.link(&html::asset_href(id), label);
    };
    let zone_link = |h: &mut Html, id: &str| {
        h.text("zone ").open("a", &[("href", &html::zone_href(id))]).el("code", &[], id).close("a");
    };
    let mfa = |h: &mut Html, mfa: bool| {
        if mfa {
            h.raw(" ").el("span", &[("class", "badge badge-ok")], "MFA");
        } else {
            h.raw(" ").el("span", &[("class", "badge badge-warn")], "no MFA");
        }
    };
    match a {
        Attachment::Zone { zone } => {
            h.text("sits on the network of ");
            zone_link(h, zone);
        }
        Attachment::PortForward { public_address, public_port, asset, protocol, port } => {
            if kind == EntryKind::Internet {
                h.el("span", &[("class", "badge badge-bad")], "Warning: Internet port forward").raw(" ");
            }
            h.text("port forward ");
            let public = match public_address {
                Some(ip) if ip.is_ipv6() => format!("[{ip}]:{public_port}"),
                Some(ip) => format!("{ip}:{public_port}"),
                None => format!("public port {public_port}"),
            };
            h.el("code", &[], public).text(" → ");
            asset_link(h, asset);
            h.text(" ").el("code", &[], format!("{protocol}/{port}"));
        }
        Attachment::Vpn { gateway, zone, mfa: m, ports } => {
            h.text("VPN through ");
            asset_link(h, gateway);
            if !ports.is_empty() {
                let list: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
                h.text(" (port ").el("code", &[], list.join(", ")).text(")");
            }
            h.text(" into ");
            zone_link(h, zone);
            mfa(h, *m);
        }
        Attachment::JumpHost { host, mfa: m } => {
            h.text("jump host ");
            asset_link(h, host);
            mfa(h, *m);
        }
        Attachment::Account { host, mfa: m, shared } => {
            h.text(if *shared { "shared account on " } else { "account on " });
            asset_link(h, host);
            mfa(h, *m);
        }
    }
}

/// What to do first: the outcome counts and the most urgent decisions in plain words.
fn short_list(h: &mut Html, o: &Overview) {
    let total: usize = o.counts.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return;
    }
    h.open("section", &[("aria-labelledby", "decide-first"), ("class", "short-list")]);
    h.el("h2", &[("id", "decide-first")], "Decide first");
    h.open("p", &[("class", "sub")]);
    for (i, (p, n)) in o.counts.iter().enumerate() {
        if i > 0 {
            h.text(" · ");
        }
        h.link(&format!("/decisions?decision={}", p.as_str()), format!("{n} {p}"));
    }
    h.text(format!(" — SSVC decisions ({}) for {total} open findings", decide::DEPLOYER_NAME)).close("p");
    if o.top.is_empty() {
        h.close("section");
        return;
    }
    h.open("ol", &[("class", "decisions")]);
    for d in &o.top {
        h.open("li", &[]);
        h.el("span", &[("class", &format!("badge badge-{}", d.priority.as_str()))], d.priority.as_str());
        h.text(" ").link(&html::finding_href(&d.finding), &d.finding);
        h.text(format!(" — by {} ", d.deadline));
        h.el("p", &[], d.narrative());
        h.close("li");
    }
    h.close("ol");
    h.close("section");
}
