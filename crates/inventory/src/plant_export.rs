//! The plant-file writer: a [`model::Plant`] as a `patchwise-plant/1` TOML document.
//!
//! Output is canonical and deterministic: records in the order the plant holds them (sites, zones,
//! conduits, entry points, assets), keys in the order of docs/plant-file.md, value sets in their
//! canonical spelling, absent optional keys left out. Reading the output gives the same plant
//! back (for assets whose origin is the plant file; the file does not record origins).

use std::fmt::Write as _;

use model::{Asset, Attachment, Conduit, Date, EntryPoint, Plant, PortRange, Rule, SecurityLevels, Site, Zone};

use crate::plant_file::{FORMAT, quote};

/// Writes a plant as a plant file.
pub fn write_plant(plant: &Plant) -> String {
    let mut w = Writer::default();
    w.line(&format!("format = {}", quote(FORMAT)));
    for s in &plant.sites {
        site(&mut w, s);
    }
    for z in &plant.zones {
        zone(&mut w, z);
    }
    for c in &plant.conduits {
        conduit(&mut w, c);
    }
    for e in &plant.entry_points {
        entry_point(&mut w, e);
    }
    for a in &plant.assets {
        asset(&mut w, a);
    }
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn header(&mut self, h: &str) {
        self.out.push('\n');
        self.line(h);
    }

    fn raw(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.out, "{key} = {value}");
    }

    fn str(&mut self, key: &str, value: &str) {
        self.raw(key, &quote(value));
    }

    fn opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.str(key, v);
        }
    }

    fn strings<T: ToString>(&mut self, key: &str, values: &[T]) {
        if !values.is_empty() {
            let items: Vec<String> = values.iter().map(|v| quote(&v.to_string())).collect();
            self.raw(key, &format!("[{}]", items.join(", ")));
        }
    }

    fn date(&mut self, key: &str, d: Option<Date>) {
        if let Some(d) = d {
            self.raw(key, &date(d));
        }
    }
}

/// A TOML local date; years TOML cannot write (before 0 or after 9999) become a string, which the
/// reader rejects as it should.
fn date(d: Date) -> String {
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    if (0..=9999).contains(&y) { format!("{y:04}-{m:02}-{day:02}") } else { quote(&d.to_string()) }
}

fn site(w: &mut Writer, s: &Site) {
    w.header("[[site]]");
    w.str("id", &s.id);
    w.str("name", &s.name);
    w.opt("location", s.location.as_deref());
    w.opt("timezone", s.timezone.as_deref());
    w.opt("description", s.description.as_deref());
    let p = &s.policy;
    if !p.is_default() {
        w.header("[site.policy]");
        for (key, days) in [
            ("immediate_days", p.immediate_days),
            ("out_of_cycle_days", p.out_of_cycle_days),
            ("scheduled_days", p.scheduled_days),
            ("defer_review_days", p.defer_review_days),
        ] {
            if let Some(d) = days {
                w.raw(key, &d.to_string());
            }
        }
        if p.bod_26_04_deadlines {
            w.str("deadlines", "bod-26-04");
        }
        if p.unknown_exploitation_active {
            w.str("unknown_exploitation", "active");
        }
        w.opt("assumed_safety_impact", p.assumed_safety_impact.map(|v| v.as_str()));
        w.opt("assumed_mission_impact", p.assumed_mission_impact.map(|v| v.as_str()));
    }
}

fn target_sl(sl: &SecurityLevels) -> String {
    let [first, rest @ ..] = sl.0;
    if rest.iter().all(|l| *l == first) {
        first.to_string()
    } else {
        format!("[{}]", sl.0.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
    }
}

fn zone(w: &mut Writer, z: &Zone) {
    w.header("[[zone]]");
    w.str("id", &z.id);
    w.str("site", &z.site);
    w.str("name", &z.name);
    // A bare number (`2`, `3.5`): the canonical spellings are valid TOML numbers.
    w.raw("purdue", z.purdue.as_str());
    w.strings("subnets", &z.subnets);
    if let Some(sl) = &z.target_sl {
        w.raw("target_sl", &target_sl(sl));
    }
    if z.safety {
        w.raw("safety", "true");
    }
    w.opt("description", z.description.as_deref());
}

fn ports(ports: &[PortRange]) -> String {
    let items: Vec<String> =
        ports.iter().map(|p| if p.first == p.last { p.first.to_string() } else { quote(&p.to_string()) }).collect();
    format!("[{}]", items.join(", "))
}

fn conduit(w: &mut Writer, c: &Conduit) {
    w.header("[[conduit]]");
    w.str("id", &c.id);
    w.str("name", &c.name);
    w.strings("zones", &c.zones);
    w.str("enforcement", c.enforcement.kind.as_str());
    w.opt("enforced_by", c.enforcement.name.as_deref());
    w.opt("description", c.description.as_deref());
    for r in &c.rules {
        rule(w, r);
    }
}

fn rule(w: &mut Writer, r: &Rule) {
    w.header("[[conduit.rule]]");
    w.str("id", &r.id);
    w.str("from", &r.from.to_string());
    w.str("to", &r.to.to_string());
    // Written even at their defaults: a firewall rule is read by people who should not have to
    // remember them.
    w.str("protocol", r.protocol.as_str());
    if !r.ports.is_empty() {
        w.raw("ports", &ports(&r.ports));
    }
    w.str("direction", r.direction.as_str());
    w.str("action", r.action.as_str());
    w.opt("application", r.application.as_deref());
    w.opt("description", r.description.as_deref());
    if let Some(src) = &r.source {
        w.raw(
            "source",
            &format!("{{ file = {}, line = {}, text = {} }}", quote(&src.file), src.line, quote(&src.text)),
        );
    }
}

fn entry_point(w: &mut Writer, e: &EntryPoint) {
    w.header("[[entry_point]]");
    w.str("id", &e.id);
    w.str("kind", e.kind.as_str());
    w.str("name", &e.name);
    w.opt("description", e.description.as_deref());
    for a in &e.attachments {
        w.header("[[entry_point.attach]]");
        match a {
            Attachment::Zone { zone } => {
                w.str("via", "zone");
                w.str("zone", zone);
            }
            Attachment::PortForward { public_address, public_port, asset, protocol, port } => {
                w.str("via", "port-forward");
                if let Some(addr) = public_address {
                    w.str("public_address", &addr.to_string());
                }
                w.raw("public_port", &public_port.to_string());
                w.str("asset", asset);
                w.raw("port", &port.to_string());
                w.str("protocol", protocol.as_str());
            }
            Attachment::Vpn { gateway, zone, mfa, ports: p } => {
                w.str("via", "vpn");
                w.str("gateway", gateway);
                w.str("zone", zone);
                w.raw("mfa", &mfa.to_string());
                if !p.is_empty() {
                    w.raw("ports", &ports(p));
                }
            }
            Attachment::JumpHost { host, mfa } => {
                w.str("via", "jump-host");
                w.str("host", host);
                w.raw("mfa", &mfa.to_string());
            }
            Attachment::Account { host, mfa, shared } => {
                w.str("via", "account");
                w.str("host", host);
                w.raw("mfa", &mfa.to_string());
                w.raw("shared", &shared.to_string());
            }
        }
    }
}

fn asset(w: &mut Writer, a: &Asset) {
    w.header("[[asset]]");
    w.str("id", &a.id);
    w.str("name", &a.name);
    w.str("zone", &a.zone);
    w.str("kind", a.kind.as_str());
    w.strings("ips", &a.ips);
    w.strings("macs", &a.macs);
    let i = &a.identity;
    w.opt("vendor", i.vendor.as_deref());
    w.opt("product", i.product.as_deref());
    w.opt("model", i.model.as_deref());
    w.opt("hardware_version", i.hardware_version.as_deref());
    w.opt("firmware", i.firmware.as_deref());
    w.opt("os", i.os.as_deref());
    w.opt("serial", i.serial.as_deref());
    w.opt("owner", a.owner.as_deref());
    w.opt("line", a.line.as_deref());
    w.opt("location", a.location.as_deref());
    w.opt("mission_impact", a.mission_impact.map(|m| m.as_str()));
    w.opt("safety_impact", a.safety_impact.map(|s| s.as_str()));
    w.opt("redundancy_group", a.redundancy_group.as_deref());
    if let Some(s) = &a.support {
        // `support` is written even when unknown so that a bare end-of-life date reads back the same.
        w.str("support", s.status.as_str());
        w.date("end_of_life", s.end_of_life);
    }
    w.strings("depends_on", &a.depends_on);
    w.strings("tags", &a.tags);
    w.opt("description", a.description.as_deref());
    if let Some(b) = &a.certified_baseline {
        w.header("[asset.certified_baseline]");
        w.str("source", &b.source);
        w.str("name", &b.name);
        w.date("date", b.date);
        w.strings("items", &b.items);
    }
    for c in &a.components {
        w.header("[[asset.component]]");
        w.str("kind", c.kind.as_str());
        w.opt("vendor", c.vendor.as_deref());
        w.str("name", &c.name);
        w.opt("version", c.version.as_deref());
        w.opt("cpe", c.cpe.as_deref());
        w.opt("purl", c.purl.as_deref());
    }
    for s in &a.services {
        w.header("[[asset.service]]");
        w.raw("port", &s.port.to_string());
        w.str("protocol", s.protocol.as_str());
        w.opt("name", s.name.as_deref());
    }
}
