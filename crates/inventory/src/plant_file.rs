//! The plant-file reader: TOML text in the `patchwise-plant/1` format (docs/plant-file.md) to a
//! [`model::Plant`], or every problem in the file, each with file, line, column and key.
//!
//! Reading never stops at the first problem and never panics, whatever the input. Checks that
//! only need the finished plant (references, overlaps, duplicate ids) are [`Plant::problems`]'s;
//! this module maps each of them back to the place in the file that caused it. It does no IO:
//! the caller reads the file and passes its text.

mod reader;

use std::net::IpAddr;

use model::{
    Action, AssetKind, Attachment, CertifiedBaseline, Component, ComponentKind, Conduit, Direction, Endpoint,
    Enforcement, EnforcementKind, EntryKind, EntryPoint, Identity, MacAddr, MissionImpact, Origin, Plant, PortRange,
    Protocol, Purdue, Rule, RuleSource, SafetyImpact, SecurityLevels, Service, Site, SitePolicy, Support,
    SupportStatus, Zone,
};
use toml::de::{DeTable, DeValue};

use reader::{Ctx, Got, Span, Tbl, Value};
pub(crate) use reader::{make_date, parse_iso_date, quote};

/// The `format` line every plant file of this version carries.
pub const FORMAT: &str = "patchwise-plant/1";

/// One problem in a plant file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {}{message}", key_prefix(.key))]
pub struct PlantFileError {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Key path involved (`zone.subnets[1]`, `asset.zone`, `conduit.rule.to`); empty for TOML
    /// syntax errors.
    pub key: String,
    pub message: String,
}

fn key_prefix(key: &str) -> String {
    if key.is_empty() { String::new() } else { format!("{key}: ") }
}

/// Every problem found in a plant file, in file order; displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.file, .errors, *.omitted))]
pub struct PlantFileErrors {
    pub file: String,
    pub errors: Vec<PlantFileError>,
    /// Problems found beyond the first [`PlantFileErrors::LIMIT`], counted but not kept.
    pub omitted: usize,
}

impl PlantFileErrors {
    /// How many problems are kept.
    pub const LIMIT: usize = reader::MAX_ERRORS;

    /// How many problems were found, including the omitted ones.
    pub fn len(&self) -> usize {
        self.errors.len() + self.omitted
    }

    /// Never true for an error returned by [`read_plant`].
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn render(file: &str, errors: &[PlantFileError], omitted: usize) -> String {
    let mut out = errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n");
    if omitted > 0 {
        out.push_str(&format!(
            "\n{file}: {omitted} more problems not shown (stopped collecting after {})",
            errors.len()
        ));
    }
    out
}

/// Reads a plant file. `path_for_messages` names the file in error messages only.
pub fn read_plant(path_for_messages: &str, text: &str) -> Result<Plant, PlantFileErrors> {
    // Editors hide a byte-order mark, so columns are counted without it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fail = |errors, omitted| PlantFileErrors { file: path_for_messages.to_string(), errors, omitted };

    let lines = LineIndex::new(text);
    let error = |at: usize, key: String, message: String| {
        let (line, column) = lines.line_col(at);
        PlantFileError { file: path_for_messages.to_string(), line, column, key, message }
    };

    let (doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let mut found: Vec<(usize, String)> = syntax
            .iter()
            .map(|e| (e.span().map_or(0, |s| s.start), format!("TOML syntax: {}", e.message().trim())))
            .collect();
        found.sort_by_key(|(at, _)| *at);
        let omitted = found.len().saturating_sub(PlantFileErrors::LIMIT);
        found.truncate(PlantFileErrors::LIMIT);
        let errors = found.into_iter().map(|(at, message)| error(at, String::new(), message)).collect();
        return Err(fail(errors, omitted));
    }

    // First pass without places: a valid file (the common case, and the big one) is read once.
    let mut fast = Ctx::without_places();
    if let Some(plant) = read_document(&mut fast, doc.get_ref())
        && fast.errors.is_empty()
        && fast.omitted == 0
        && plant.problems().is_empty()
    {
        return Ok(plant);
    }

    // Second pass, remembering where every field was written so each problem gets its place.
    let mut cx = Ctx::default();
    if let Some(plant) = read_document(&mut cx, doc.get_ref()) {
        for p in plant.problems() {
            // Records without a usable id were already reported by the reader.
            if p.subject.ends_with("(no id)") {
                continue;
            }
            let field = attachment_field(&p);
            if cx.is_poisoned(&p.subject, &field) {
                continue;
            }
            match cx.find(&p.subject, &field).or_else(|| cx.find(&p.subject, "")) {
                Some(place) => cx.err(&place.span, place.key, p.message),
                None => cx.err(&(0..0), p.subject, p.message),
            }
        }
        if cx.errors.is_empty() && cx.omitted == 0 {
            return Ok(plant);
        }
    }

    // Stable: problems found at one place stay in the order they were found.
    cx.errors.sort_by_key(|e| e.at);
    let errors = cx.errors.into_iter().map(|e| error(e.at, e.key, e.message)).collect();
    Err(fail(errors, cx.omitted))
}

/// The model reports attachment problems as `attach[i]`; the reader placed the zone and the asset
/// of an attachment separately, so the message says which one is meant.
fn attachment_field(p: &model::Problem) -> String {
    if p.subject.starts_with("entry point ") && p.field.starts_with("attach[") {
        if p.message.starts_with("unknown zone") {
            return format!("{}.zone", p.field);
        }
        return format!("{}.asset", p.field);
    }
    p.field.clone()
}

/// Turns byte offsets into 1-based lines and columns (in characters), without rescanning the text
/// for every problem.
struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut at = offset.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let line = self.starts.partition_point(|s| *s <= at).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.text.get(start..at).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

/// How [`Plant::problems`] names a record: `asset PLC-1`, `entry point vendor-vpn`.
fn subject(kind: &str, id: &str) -> String {
    format!("{kind} {id}")
}

/// The subject of a record being read; a record without an id gets one no problem can name.
fn record_subject(kind: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => subject(kind, id),
        None => format!("{kind} \u{1}unread"),
    }
}

/// Whether zones may leave out `site`.
enum SiteDefault {
    /// Exactly one site: zones default to it.
    One(String),
    /// None, or one without a usable id: already reported.
    Unusable,
    /// Several: every zone must name one.
    Many(usize),
}

fn read_document(cx: &mut Ctx, doc: &DeTable<'_>) -> Option<Plant> {
    let mut root = Tbl::new("", doc, 0..0);
    match root.get(cx, "format", reader::string) {
        Got::Absent => {
            cx.err(&(0..0), "format", format!("missing `format = \"{FORMAT}\"`; a plant file starts with this line"))
        }
        Got::Bad => {}
        Got::Ok(f, span) if f != FORMAT => {
            // Another version has another schema: reading on would only add noise.
            cx.err(&span, "format", format!("unsupported format `{f}`; this version of Patchwise reads `{FORMAT}`"));
            return None;
        }
        Got::Ok(..) => {}
    }

    let sites = root.tables(cx, "site");
    let zones = root.tables(cx, "zone");
    let conduits = root.tables(cx, "conduit");
    let entry_points = root.tables(cx, "entry_point");
    let assets = root.tables(cx, "asset");
    for (kind, present) in [("site", root.has("site")), ("zone", root.has("zone"))] {
        if !present {
            cx.err(&(0..0), kind, format!("a plant file needs at least one [[{kind}]]"));
        }
    }
    root.finish(cx);

    let mut plant = Plant::default();
    for t in sites {
        if let Some(s) = read_site(cx, t) {
            plant.sites.push(s);
        }
    }
    let site_default = match (plant.sites.as_slice(), sites_written(doc)) {
        ([only], 1) if !only.id.is_empty() => SiteDefault::One(only.id.clone()),
        (_, n) if n > 1 => SiteDefault::Many(n),
        _ => SiteDefault::Unusable,
    };
    for t in zones {
        if let Some(z) = read_zone(cx, t, &site_default) {
            plant.zones.push(z);
        }
    }
    for t in conduits {
        if let Some(c) = read_conduit(cx, t) {
            plant.conduits.push(c);
        }
    }
    for t in entry_points {
        if let Some(e) = read_entry_point(cx, t) {
            plant.entry_points.push(e);
        }
    }
    for t in assets {
        if let Some(a) = read_asset(cx, t) {
            plant.assets.push(a);
        }
    }
    Some(plant)
}

/// How many `[[site]]` tables the file has, whether or not they could be read.
fn sites_written(doc: &DeTable<'_>) -> usize {
    doc.get("site").and_then(|v| v.get_ref().as_array()).map_or(0, |a| a.len())
}

/// Reads and checks the id of a record; `None` when there is no string to use.
fn read_id(cx: &mut Ctx, t: &mut Tbl<'_, '_>, kind: &str) -> Option<String> {
    let (id, span) = t.req(cx, "id", reader::string)?;
    check_id(cx, &span, &t.key("id"), &id);
    let subj = subject(kind, &id);
    cx.place(&subj, "id", t.key("id"), span);
    cx.place(&subj, "", t.path.clone(), t.at.clone());
    Some(id)
}

fn check_id(cx: &mut Ctx, span: &Span, key: &str, id: &str) {
    if id.is_empty() {
        cx.err(span, key, "an id must not be empty");
    } else if id.chars().any(char::is_whitespace) {
        cx.err(span, key, format!("id `{id}` contains whitespace; ids are single words such as `PLC-101`"));
    }
}

fn read_site(cx: &mut Ctx, mut t: Tbl<'_, '_>) -> Option<Site> {
    let id = read_id(cx, &mut t, "site");
    let name = t.req(cx, "name", reader::string).map(|n| n.0).unwrap_or_default();
    let location = t.opt(cx, "location", reader::string);
    let timezone = t.opt(cx, "timezone", reader::string);
    let description = t.opt(cx, "description", reader::string);
    let policy = t
        .table(cx, "policy")
        .map(|mut p| {
            let policy = read_policy(cx, &mut p);
            p.finish(cx);
            policy
        })
        .unwrap_or_default();
    t.finish(cx);
    Some(Site { id: id?, name, location, timezone, description, policy })
}

/// `[site.policy]`: days to act per decision, the deadline scheme, and the assumptions.
fn read_policy(cx: &mut Ctx, p: &mut Tbl<'_, '_>) -> SitePolicy {
    let days = |v: &Value<'_>| -> Result<u16, String> {
        let n = reader::integer(v)?;
        u16::try_from(n)
            .ok()
            .filter(|d| *d <= 3650)
            .ok_or_else(|| format!("expected a number of days (0–3650), found {n}"))
    };
    let immediate_days = p.opt(cx, "immediate_days", days);
    let out_of_cycle_days = p.opt(cx, "out_of_cycle_days", days);
    let scheduled_days = p.opt(cx, "scheduled_days", days);
    let defer_review_days = p.opt(cx, "defer_review_days", days);
    let bod_26_04_deadlines = p
        .opt(cx, "deadlines", |v| match reader::string(v)?.as_str() {
            "ssvc" => Ok(false),
            "bod-26-04" => Ok(true),
            other => Err(format!("expected `ssvc` or `bod-26-04`, found {}", reader::quote(other))),
        })
        .unwrap_or(false);
    let unknown_exploitation_active = p
        .opt(cx, "unknown_exploitation", |v| match reader::string(v)?.as_str() {
            "public-poc" => Ok(false),
            "active" => Ok(true),
            other => Err(format!(
                "expected `public-poc` or `active` (an unknown exploitation is never decided as none), found {}",
                reader::quote(other)
            )),
        })
        .unwrap_or(false);
    let assumed_safety_impact = p.opt(cx, "assumed_safety_impact", reader::value_set::<SafetyImpact>);
    let assumed_mission_impact = p.opt(cx, "assumed_mission_impact", reader::value_set::<MissionImpact>);
    SitePolicy {
        immediate_days,
        out_of_cycle_days,
        scheduled_days,
        defer_review_days,
        bod_26_04_deadlines,
        unknown_exploitation_active,
        assumed_safety_impact,
        assumed_mission_impact,
    }
}

fn purdue(v: &Value<'_>) -> Result<Purdue, String> {
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(_) => reader::integer(v)?.to_string(),
        DeValue::Float(f) => {
            let raw: String = f.as_str().chars().filter(|c| *c != '_').collect();
            match raw.parse::<f64>() {
                Ok(3.5) => "3.5".to_string(),
                Ok(x) if x.fract() == 0.0 && x.abs() < 100.0 => format!("{x:.0}"),
                _ => raw,
            }
        }
        _ => return Err(format!("expected a Purdue level (0, 1, 2, 3, 3.5, 4, 5), found {}", reader::a_type(v))),
    };
    text.parse::<Purdue>().map_err(|e| e.to_string())
}

fn target_sl(v: &Value<'_>) -> Result<SecurityLevels, String> {
    let level = |v: &Value<'_>| -> Result<u8, String> {
        let n = reader::integer(v)?;
        u8::try_from(n).ok().filter(|l| *l <= 4).ok_or_else(|| format!("security levels run from 0 to 4, found {n}"))
    };
    match v.get_ref() {
        DeValue::Integer(_) => SecurityLevels::uniform(level(v)?),
        DeValue::Array(a) => {
            let levels = a.iter().map(level).collect::<Result<Vec<u8>, String>>()?;
            SecurityLevels::try_from(levels)
        }
        _ => {
            Err(format!("expected a security level 0-4 or an array of 7 levels (FR1-FR7), found {}", reader::a_type(v)))
        }
    }
}

fn read_zone(cx: &mut Ctx, mut t: Tbl<'_, '_>, site_default: &SiteDefault) -> Option<Zone> {
    let id = read_id(cx, &mut t, "zone");
    let subj = record_subject("zone", id.as_deref());
    let site = match t.get(cx, "site", reader::string) {
        Got::Ok(s, span) => {
            cx.place(&subj, "site", t.key("site"), span);
            s
        }
        Got::Absent => match site_default {
            SiteDefault::One(s) => s.clone(),
            SiteDefault::Many(n) => {
                cx.err(
                    &t.at,
                    t.key("site"),
                    format!("missing key `site`: the plant has {n} sites, so every zone names its site"),
                );
                cx.poison(&subj, "site");
                String::new()
            }
            SiteDefault::Unusable => {
                cx.poison(&subj, "site");
                String::new()
            }
        },
        Got::Bad => {
            cx.poison(&subj, "site");
            String::new()
        }
    };
    let name = t.req(cx, "name", reader::string).map(|n| n.0).unwrap_or_default();
    let purdue = t.req(cx, "purdue", purdue).map_or(Purdue::L0, |p| p.0);
    let mut subnets = Vec::new();
    if let Got::Ok(items, _) = t.list(cx, "subnets", "CIDR strings", |v| model::parse_subnet(&reader::string(v)?)) {
        for item in items {
            cx.place(
                &subj,
                format!("subnets[{}]", subnets.len()),
                format!("{}[{}]", t.key("subnets"), item.index),
                item.span,
            );
            subnets.push(item.value);
        }
    }
    let target_sl = t.opt(cx, "target_sl", target_sl);
    let safety = t.opt(cx, "safety", reader::boolean).unwrap_or(false);
    let description = t.opt(cx, "description", reader::string);
    t.finish(cx);
    Some(Zone { id: id?, site, name, purdue, subnets, target_sl, safety, description })
}

/// The two zone ids of a conduit, each with its span.
fn conduit_zones(v: &Value<'_>) -> Result<[(String, Span); 2], String> {
    let Some(arr) = v.get_ref().as_array() else {
        return Err(format!("expected an array of 2 zone ids, found {}", reader::a_type(v)));
    };
    let ids = arr
        .iter()
        .map(|e| reader::string(e).map(|s| (s, e.span())))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| format!("expected an array of 2 zone ids: {e}"))?;
    let n = ids.len();
    <[(String, Span); 2]>::try_from(ids).map_err(|_| format!("a conduit joins exactly 2 zones, found {n}"))
}

fn read_conduit(cx: &mut Ctx, mut t: Tbl<'_, '_>) -> Option<Conduit> {
    let id = read_id(cx, &mut t, "conduit");
    let subj = record_subject("conduit", id.as_deref());
    let name = t.req(cx, "name", reader::string).map(|n| n.0).unwrap_or_default();
    let zones = match t.req(cx, "zones", conduit_zones) {
        Some(([(a, sa), (b, sb)], span)) => {
            cx.place(&subj, "zones", t.key("zones"), span);
            cx.place(&subj, "zones[0]", format!("{}[0]", t.key("zones")), sa);
            cx.place(&subj, "zones[1]", format!("{}[1]", t.key("zones")), sb);
            Some([a, b])
        }
        None => {
            for f in ["zones", "zones[0]", "zones[1]"] {
                cx.poison(&subj, f);
            }
            None
        }
    };
    let kind = t.opt(cx, "enforcement", reader::value_set::<EnforcementKind>).unwrap_or(EnforcementKind::Firewall);
    let enforced_by = t.opt(cx, "enforced_by", reader::string);
    let description = t.opt(cx, "description", reader::string);
    let mut rules = Vec::new();
    for rt in t.tables(cx, "rule") {
        let i = rules.len();
        rules.push(read_rule(cx, rt, &subj, i));
        if zones.is_none() {
            // Without the conduit's zones, "endpoint outside the conduit" means nothing.
            cx.poison(&subj, format!("rules[{i}].from"));
            cx.poison(&subj, format!("rules[{i}].to"));
        }
    }
    t.finish(cx);
    Some(Conduit {
        id: id?,
        name,
        zones: zones.unwrap_or_default(),
        enforcement: Enforcement { kind, name: enforced_by },
        rules,
        description,
    })
}

fn port_range(v: &Value<'_>) -> Result<PortRange, String> {
    match v.get_ref() {
        DeValue::Integer(_) => reader::port(v).map(PortRange::single),
        DeValue::String(s) => s.parse::<PortRange>(),
        _ => Err(format!("expected a port or a \"FIRST-LAST\" range, found {}", reader::a_type(v))),
    }
}

fn read_rule(cx: &mut Ctx, mut t: Tbl<'_, '_>, subj: &str, i: usize) -> Rule {
    let field = |f: &str| format!("rules[{i}].{f}");
    let id = match t.req(cx, "id", reader::string) {
        Some((id, span)) => {
            check_id(cx, &span, &t.key("id"), &id);
            cx.place(subj, field("id"), t.key("id"), span);
            id
        }
        None => {
            cx.poison(subj, field("id"));
            String::new()
        }
    };
    let endpoint = |cx: &mut Ctx, t: &mut Tbl<'_, '_>, k: &'static str| match t.req(cx, k, reader::parsed::<Endpoint>) {
        Some((ep, span)) => {
            cx.place(subj, field(k), t.key(k), span);
            ep
        }
        None => {
            cx.poison(subj, field(k));
            Endpoint::Any
        }
    };
    let from = endpoint(cx, &mut t, "from");
    let to = endpoint(cx, &mut t, "to");
    let protocol = t.opt(cx, "protocol", reader::value_set::<Protocol>).unwrap_or(Protocol::Tcp);
    let mut ports = Vec::new();
    if let Got::Ok(items, span) = t.list(cx, "ports", "ports", port_range) {
        cx.place(subj, field("ports"), t.key("ports"), span);
        ports = items.into_iter().map(|p| p.value).collect();
    }
    let direction = match t.get(cx, "direction", reader::value_set::<Direction>) {
        Got::Ok(d, span) => {
            cx.place(subj, field("direction"), t.key("direction"), span);
            d
        }
        _ => Direction::OneWay,
    };
    let action = t.opt(cx, "action", reader::value_set::<Action>).unwrap_or(Action::Allow);
    let application = t.opt(cx, "application", reader::string);
    let description = t.opt(cx, "description", reader::string);
    let source = t.table(cx, "source").map(|mut b| {
        let file = b.req(cx, "file", reader::string).map(|v| v.0).unwrap_or_default();
        let line = b.req(cx, "line", reader::integer).map_or(0, |v| u32::try_from(v.0).unwrap_or(u32::MAX));
        let text = b.opt(cx, "text", reader::string).unwrap_or_default();
        b.finish(cx);
        RuleSource { file, line, text }
    });
    t.finish(cx);
    Rule { id, from, to, protocol, ports, direction, action, application, description, source }
}

fn read_entry_point(cx: &mut Ctx, mut t: Tbl<'_, '_>) -> Option<EntryPoint> {
    let id = read_id(cx, &mut t, "entry point");
    let subj = record_subject("entry point", id.as_deref());
    let kind = t.req(cx, "kind", reader::value_set::<EntryKind>).map_or(EntryKind::Internet, |k| k.0);
    let name = t.req(cx, "name", reader::string).map(|n| n.0).unwrap_or_default();
    let description = t.opt(cx, "description", reader::string);
    let had_attach = t.has("attach");
    let mut attachments = Vec::new();
    for at in t.tables(cx, "attach") {
        let i = attachments.len();
        attachments.push(read_attachment(cx, at, &subj, i));
    }
    if !had_attach {
        cx.err(
            &t.at,
            t.key("attach"),
            "an entry point needs at least one [[entry_point.attach]] saying how it reaches the plant",
        );
    }
    t.finish(cx);
    Some(EntryPoint { id: id?, kind, name, attachments, description })
}

const VIA: &str = "zone, port-forward, vpn, jump-host, account";

fn read_attachment(cx: &mut Ctx, mut t: Tbl<'_, '_>, subj: &str, i: usize) -> Attachment {
    let via = t.req(cx, "via", reader::string).map(|(v, span)| (model::normalise(&v), v, span));
    // A reference to a zone or an asset, placed so that model problems find it.
    let reference = |cx: &mut Ctx, t: &mut Tbl<'_, '_>, k: &'static str, what: &str| match t.req(cx, k, reader::string)
    {
        Some((s, span)) => {
            cx.place(subj, format!("attach[{i}].{what}"), t.key(k), span);
            s
        }
        None => {
            cx.poison(subj, format!("attach[{i}].{what}"));
            String::new()
        }
    };
    let attachment = match via.as_ref().map(|v| v.0.as_str()) {
        Some("zone") => Attachment::Zone { zone: reference(cx, &mut t, "zone", "zone") },
        Some("port-forward" | "portforward" | "nat") => {
            let asset = reference(cx, &mut t, "asset", "asset");
            let port = t.req(cx, "port", reader::port).map_or(0, |p| p.0);
            let public_port = t.req(cx, "public_port", reader::port).map_or(0, |p| p.0);
            let public_address = t.opt(cx, "public_address", reader::ip);
            let protocol = t.opt(cx, "protocol", reader::value_set::<Protocol>).unwrap_or(Protocol::Tcp);
            Attachment::PortForward { public_address, public_port, asset, protocol, port }
        }
        Some("vpn") => {
            let gateway = reference(cx, &mut t, "gateway", "asset");
            let zone = reference(cx, &mut t, "zone", "zone");
            let mfa = t.opt(cx, "mfa", reader::boolean).unwrap_or(false);
            let ports = items(t.list(cx, "ports", "ports", port_range));
            Attachment::Vpn { gateway, zone, mfa, ports }
        }
        Some("jump-host" | "jumphost") => {
            let host = reference(cx, &mut t, "host", "asset");
            let mfa = t.opt(cx, "mfa", reader::boolean).unwrap_or(false);
            Attachment::JumpHost { host, mfa }
        }
        Some("account" | "vendor-account" | "remote-account") => {
            let host = reference(cx, &mut t, "host", "asset");
            let mfa = t.opt(cx, "mfa", reader::boolean).unwrap_or(false);
            let shared = t.opt(cx, "shared", reader::boolean).unwrap_or(false);
            Attachment::Account { host, mfa, shared }
        }
        other => {
            if let (Some(_), Some((_, raw, span))) = (other, &via) {
                cx.err(span, t.key("via"), format!("`{raw}` is not a way of attaching; expected one of: {VIA}"));
            }
            // The other keys cannot be judged without a valid `via`.
            t.allow(&[
                "zone",
                "asset",
                "port",
                "ports",
                "public_port",
                "public_address",
                "protocol",
                "gateway",
                "mfa",
                "host",
                "shared",
            ]);
            cx.poison(subj, format!("attach[{i}].zone"));
            cx.poison(subj, format!("attach[{i}].asset"));
            Attachment::Zone { zone: String::new() }
        }
    };
    t.finish(cx);
    attachment
}

/// Validates a CPE 2.3 formatted string: `cpe:2.3:` and 13 colon-separated fields in all.
fn cpe(v: &Value<'_>) -> Result<String, String> {
    let s = reader::string(v)?;
    let mut fields = 1;
    let mut escaped = false;
    for c in s.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, ':') => fields += 1,
            _ => {}
        }
    }
    if !s.starts_with("cpe:2.3:") || fields != 13 {
        return Err(format!(
            "`{s}` is not a CPE 2.3 formatted string (expected cpe:2.3:part:vendor:product:version:… with 13 fields)"
        ));
    }
    Ok(s)
}

/// Validates a package URL: `pkg:TYPE/…`.
fn purl(v: &Value<'_>) -> Result<String, String> {
    let s = reader::string(v)?;
    let ok = s.strip_prefix("pkg:").and_then(|rest| rest.split_once('/')).is_some_and(|(ty, name)| {
        !ty.is_empty()
            && !name.is_empty()
            && ty.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
    });
    if ok { Ok(s) } else { Err(format!("`{s}` is not a package URL (expected pkg:TYPE/NAME@VERSION)")) }
}

fn service_protocol(v: &Value<'_>) -> Result<Protocol, String> {
    match reader::value_set::<Protocol>(v)? {
        p @ (Protocol::Tcp | Protocol::Udp | Protocol::Ethernet) => Ok(p),
        p => Err(format!("a service's protocol is tcp, udp or ethernet, not {p}")),
    }
}

fn read_asset(cx: &mut Ctx, mut t: Tbl<'_, '_>) -> Option<model::Asset> {
    let id = read_id(cx, &mut t, "asset");
    let subj = record_subject("asset", id.as_deref());
    let name = t.opt(cx, "name", reader::string);
    let zone = match t.req(cx, "zone", reader::string) {
        Some((z, span)) => {
            cx.place(&subj, "zone", t.key("zone"), span);
            z
        }
        None => {
            cx.poison(&subj, "zone");
            String::new()
        }
    };
    let kind = t.req(cx, "kind", reader::value_set::<AssetKind>).map_or(AssetKind::Unknown, |k| k.0);
    let mut ips: Vec<IpAddr> = Vec::new();
    if let Got::Ok(items, _) = t.list(cx, "ips", "address strings", reader::ip) {
        for item in items {
            cx.place(&subj, format!("ips[{}]", ips.len()), format!("{}[{}]", t.key("ips"), item.index), item.span);
            ips.push(item.value);
        }
    }
    let macs: Vec<MacAddr> = items(t.list(cx, "macs", "MAC address strings", reader::parsed::<MacAddr>));
    let mut s = |cx: &mut Ctx, k: &'static str| t.opt(cx, k, reader::string);
    let identity = Identity {
        vendor: s(cx, "vendor"),
        product: s(cx, "product"),
        model: s(cx, "model"),
        hardware_version: s(cx, "hardware_version"),
        firmware: s(cx, "firmware"),
        os: s(cx, "os"),
        serial: s(cx, "serial"),
    };
    let owner = s(cx, "owner");
    let line = s(cx, "line");
    let location = s(cx, "location");
    let redundancy_group = s(cx, "redundancy_group");
    let description = s(cx, "description");
    let mission_impact = t.opt(cx, "mission_impact", reader::value_set::<MissionImpact>);
    let safety_impact = t.opt(cx, "safety_impact", reader::value_set::<SafetyImpact>);
    let status = t.opt(cx, "support", reader::value_set::<SupportStatus>);
    let end_of_life = t.opt(cx, "end_of_life", reader::date);
    let support = match (status, end_of_life) {
        (None, None) => None,
        (status, end_of_life) => Some(Support { status: status.unwrap_or(SupportStatus::Unknown), end_of_life }),
    };
    let mut depends_on = Vec::new();
    if let Got::Ok(items, _) = t.list(cx, "depends_on", "asset ids", reader::string) {
        for item in items {
            let key = format!("{}[{}]", t.key("depends_on"), item.index);
            cx.place(&subj, format!("depends_on[{}]", depends_on.len()), key, item.span);
            depends_on.push(item.value);
        }
    }
    let tags = items(t.list(cx, "tags", "strings", reader::string));
    let certified_baseline = t.table(cx, "certified_baseline").map(|mut b| {
        let source = b.req(cx, "source", reader::string).map(|v| v.0).unwrap_or_default();
        let name = b.req(cx, "name", reader::string).map(|v| v.0).unwrap_or_default();
        let date = b.opt(cx, "date", reader::date);
        let items = items(b.list(cx, "items", "strings", reader::string));
        b.finish(cx);
        CertifiedBaseline { source, name, date, items }
    });
    let components = t
        .tables(cx, "component")
        .into_iter()
        .map(|mut c| {
            let kind = c.opt(cx, "kind", reader::value_set::<ComponentKind>).unwrap_or(ComponentKind::Application);
            let vendor = c.opt(cx, "vendor", reader::string);
            let name = c.req(cx, "name", reader::string).map(|v| v.0).unwrap_or_default();
            let version = c.opt(cx, "version", reader::string);
            let cpe = c.opt(cx, "cpe", cpe);
            let purl = c.opt(cx, "purl", purl);
            c.finish(cx);
            Component { kind, vendor, name, version, cpe, purl }
        })
        .collect();
    let services = t
        .tables(cx, "service")
        .into_iter()
        .map(|mut sv| {
            let port = sv.req(cx, "port", reader::port).map_or(0, |p| p.0);
            let protocol = sv.opt(cx, "protocol", service_protocol).unwrap_or(Protocol::Tcp);
            let name = sv.opt(cx, "name", reader::string);
            sv.finish(cx);
            Service { protocol, port, name }
        })
        .collect();
    t.finish(cx);
    let id = id?;
    Some(model::Asset {
        name: name.unwrap_or_else(|| id.clone()),
        id,
        zone,
        kind,
        ips,
        macs,
        identity,
        components,
        services,
        owner,
        line,
        location,
        mission_impact,
        safety_impact,
        redundancy_group,
        support,
        certified_baseline,
        depends_on,
        tags,
        description,
        origin: Origin::PlantFile,
    })
}

fn items<T>(got: Got<Vec<reader::Item<T>>>) -> Vec<T> {
    got.ok().map(|v| v.into_iter().map(|i| i.value).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\nçd\n\nx";
        let ix = LineIndex::new(text);
        assert_eq!(ix.line_col(0), (1, 1));
        assert_eq!(ix.line_col(2), (1, 3));
        assert_eq!(ix.line_col(3), (2, 1));
        assert_eq!(ix.line_col(5), (2, 2), "ç is one character of two bytes");
        assert_eq!(ix.line_col(4), (2, 1), "inside a character counts from its start");
        assert_eq!(ix.line_col(7), (3, 1));
        assert_eq!(ix.line_col(8), (4, 1));
        assert_eq!(ix.line_col(9), (4, 2));
        assert_eq!(ix.line_col(999), (4, 2));
        assert_eq!(LineIndex::new("").line_col(5), (1, 1));
    }
}
