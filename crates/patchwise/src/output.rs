//! Printing: text tables and JSON. Formatting only; no decisions.

use std::fmt::Write as _;
use std::io::Write;

use model::{Asset, AssetSummary, Conduit, Plant, PlantDiff, Zone};
use serde::Serialize;
use store::{AssetFilter, Store, StoreError};

pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    write_stdout(s.as_bytes())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn plant_counts(p: &Plant) -> String {
    format!(
        "{}, {}, {}, {}, {}",
        plural(p.sites.len(), "site", "sites"),
        plural(p.zones.len(), "zone", "zones"),
        plural(p.conduits.len(), "conduit", "conduits"),
        plural(p.entry_points.len(), "entry point", "entry points"),
        plural(p.assets.len(), "asset", "assets"),
    )
}

pub fn diff_summary(d: &PlantDiff) -> String {
    if d.is_empty() {
        return format!("no changes ({} records unchanged)", d.unchanged);
    }
    format!(
        "{} added, {} changed, {} removed, {} unchanged",
        d.added.len(),
        d.changed.len(),
        d.removed.len(),
        d.unchanged
    )
}

pub fn print_diff(d: &PlantDiff) -> anyhow::Result<()> {
    let mut s = String::new();
    for (mark, list) in [('+', &d.added), ('~', &d.changed), ('-', &d.removed)] {
        for c in list {
            let _ = writeln!(s, "  {mark} {} {}", c.kind.as_str(), c.id);
        }
    }
    write_stdout(s.as_bytes())
}

fn visitor_err(e: std::io::Error) -> StoreError {
    StoreError::Visitor(e.to_string())
}

/// Streams the asset list as one JSON array, never holding the whole list in memory.
pub fn assets_json(store: &dyn Store, filter: &AssetFilter, w: &mut dyn Write) -> Result<(), StoreError> {
    w.write_all(b"[").map_err(visitor_err)?;
    let mut first = true;
    store.asset_summaries(filter, &mut |a: AssetSummary| {
        if !first {
            w.write_all(b",\n").map_err(visitor_err)?;
        } else {
            w.write_all(b"\n").map_err(visitor_err)?;
        }
        first = false;
        serde_json::to_writer(&mut *w, &a).map_err(|e| StoreError::Visitor(e.to_string()))
    })?;
    w.write_all(b"\n]\n").map_err(visitor_err)
}

fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub fn assets_table(store: &dyn Store, filter: &AssetFilter, w: &mut dyn Write) -> Result<(), StoreError> {
    writeln!(w, "{:<20} {:<14} {:<24} {:<16} {:<34} {:<14} IP", "ID", "ZONE", "KIND", "VENDOR", "PRODUCT", "FIRMWARE")
        .map_err(visitor_err)?;
    let n = store.asset_summaries(filter, &mut |a: AssetSummary| {
        writeln!(
            w,
            "{:<20} {:<14} {:<24} {:<16} {:<34} {:<14} {}",
            cut(&a.id, 20),
            cut(&a.zone, 14),
            a.kind.as_str(),
            cut(a.vendor.as_deref().unwrap_or("-"), 16),
            cut(a.product.as_deref().unwrap_or("-"), 34),
            cut(a.firmware.as_deref().unwrap_or("-"), 14),
            a.ips.join(" ")
        )
        .map_err(visitor_err)
    })?;
    writeln!(w, "{}", plural(n, "asset", "assets")).map_err(visitor_err)
}

pub fn asset_text(a: &Asset, zones: &[Zone]) -> String {
    let mut s = String::new();
    let zone = zones.iter().find(|z| z.id == a.zone);
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| String::from("-"));
    let _ = writeln!(s, "{} — {}", a.id, a.name);
    let _ = writeln!(s, "  kind            {}", a.kind);
    match zone {
        Some(z) => {
            let _ = writeln!(s, "  zone            {} ({}, Purdue {}, site {})", z.id, z.name, z.purdue, z.site);
        }
        None => {
            let _ = writeln!(s, "  zone            {}", a.zone);
        }
    }
    let id = &a.identity;
    for (label, v) in [
        ("vendor", &id.vendor),
        ("product", &id.product),
        ("model", &id.model),
        ("hardware", &id.hardware_version),
        ("firmware", &id.firmware),
        ("os", &id.os),
        ("serial", &id.serial),
    ] {
        if v.is_some() {
            let _ = writeln!(s, "  {label:<15} {}", opt(v));
        }
    }
    let ips: Vec<String> = a.ips.iter().map(|i| i.to_string()).collect();
    let macs: Vec<String> = a.macs.iter().map(|m| m.to_string()).collect();
    let _ = writeln!(s, "  addresses       {}", if ips.is_empty() { "-".into() } else { ips.join(", ") });
    if !macs.is_empty() {
        let _ = writeln!(s, "  mac             {}", macs.join(", "));
    }
    let _ = writeln!(s, "  owner           {}", a.owner.clone().unwrap_or_else(|| String::from("UNOWNED")));
    for (label, v) in [("line", &a.line), ("location", &a.location), ("redundancy", &a.redundancy_group)] {
        if v.is_some() {
            let _ = writeln!(s, "  {label:<15} {}", opt(v));
        }
    }
    let _ = writeln!(
        s,
        "  mission impact  {}",
        a.mission_impact.map(|m| m.as_str().to_string()).unwrap_or_else(|| "-".into())
    );
    let _ = writeln!(
        s,
        "  safety impact   {}",
        a.safety_impact.map(|m| m.as_str().to_string()).unwrap_or_else(|| "-".into())
    );
    if let Some(sup) = &a.support {
        let eol = sup.end_of_life.map(|d| format!(", end of life {d}")).unwrap_or_default();
        let _ = writeln!(s, "  support         {}{eol}", sup.status);
    }
    if let Some(b) = &a.certified_baseline {
        let date = b.date.map(|d| format!(" ({d})")).unwrap_or_default();
        let _ = writeln!(s, "  certified       {} — {}{date}", b.name, b.source);
        for item in &b.items {
            let _ = writeln!(s, "                    {item}");
        }
    }
    if !a.services.is_empty() {
        let _ = writeln!(s, "  services");
        for sv in &a.services {
            let _ = writeln!(s, "    {}/{} {}", sv.port, sv.protocol, sv.name.as_deref().unwrap_or(""));
        }
    }
    if !a.components.is_empty() {
        let _ = writeln!(s, "  components");
        for c in &a.components {
            let ver = c.version.as_deref().unwrap_or("");
            let id = c.cpe.as_deref().or(c.purl.as_deref()).unwrap_or("");
            let _ = writeln!(s, "    [{}] {} {ver}  {id}", c.kind, c.name);
        }
    }
    if !a.depends_on.is_empty() {
        let _ = writeln!(s, "  depends on      {}", a.depends_on.join(", "));
    }
    if !a.tags.is_empty() {
        let _ = writeln!(s, "  tags            {}", a.tags.join(", "));
    }
    let _ = writeln!(s, "  origin          {}", a.origin);
    s
}

pub fn zones_table(zones: &[Zone], counts: &[(String, usize)]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{:<16} {:<6} {:<12} {:<32} {:>7}  SUBNETS", "ID", "PURDUE", "SITE", "NAME", "ASSETS");
    let mut sorted: Vec<&Zone> = zones.iter().collect();
    sorted.sort_by(|a, b| b.purdue.cmp(&a.purdue).then(a.id.cmp(&b.id)));
    for z in sorted {
        let n = counts.iter().find(|(id, _)| *id == z.id).map(|(_, n)| *n).unwrap_or(0);
        let nets: Vec<String> = z.subnets.iter().map(|n| n.to_string()).collect();
        let _ = writeln!(
            s,
            "{:<16} {:<6} {:<12} {:<32} {:>7}  {}",
            cut(&z.id, 16),
            z.purdue.as_str(),
            cut(&z.site, 12),
            cut(&z.name, 32),
            n,
            nets.join(" ")
        );
    }
    s
}

pub fn conduits_table(conduits: &[Conduit]) -> String {
    let mut s = String::new();
    for c in conduits {
        let by = c.enforcement.name.as_deref().map(|n| format!(" by {n}")).unwrap_or_default();
        let _ = writeln!(s, "{} — {} ({} <-> {}; {}{by})", c.id, c.name, c.zones[0], c.zones[1], c.enforcement.kind);
        for r in &c.rules {
            let ports: Vec<String> = r.ports.iter().map(|p| p.to_string()).collect();
            let ports = if ports.is_empty() { String::from("all") } else { ports.join(",") };
            let arrow = if r.direction == model::Direction::Both { "<->" } else { "->" };
            let _ = writeln!(
                s,
                "  {:<10} {:<6} {} {arrow} {}  {}/{ports} {}",
                r.id,
                r.action.as_str(),
                r.from,
                r.to,
                r.protocol,
                r.application.as_deref().unwrap_or("")
            );
        }
    }
    s
}

pub fn cvss_text(v: &cvss::Vector, s: &cvss::Scores) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "vector          {v}");
    let _ = writeln!(out, "version         {}", s.version);
    let label = match s.nomenclature {
        Some(n) => format!("score ({n})"),
        None => String::from("base"),
    };
    let _ = writeln!(out, "{label:<15} {:.1} {}", s.base, s.severity);
    if let Some(t) = s.temporal {
        let _ = writeln!(out, "temporal        {t:.1}");
    }
    if let Some(e) = s.environmental {
        let _ = writeln!(out, "environmental   {e:.1}");
    }
    out
}

/// A plain text table: columns padded to their widest cell, the last column not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        let cells: Vec<&str> = cells.collect();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                let pad = widths[i].saturating_sub(c.chars().count());
                l.push_str(c);
                l.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}
