//! Imports: plan (diff and reference checks) and apply, in one transaction.
//!
//! The plan is computed from the stored plant with the model's own diff, so a preview and an
//! import can never disagree. Applying it writes only added and changed records (upserts, never
//! delete-and-reinsert), and only those child lists of a changed record that differ, then
//! deletes removed records; child rows of removed records go by `ON DELETE CASCADE`.
//!
//! Every check that can refuse an import runs before the first write, and the caller's
//! transaction rolls back on any error, so a refused or failed import leaves the file untouched.

use std::collections::{HashMap, HashSet};

use model::{Asset, Change, Conduit, EntryPoint, Origin, Plant, PlantDiff, RecordKind, Site, Zone};
use model::{asset_upsert_diff, plant_diff};
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use super::{At, read};
use crate::{ImportSource, StoreError};

pub(crate) fn refused(path: &str, message: String) -> StoreError {
    StoreError::Refused(format!("database {path}: import refused: {message}; nothing was changed"))
}

/// The model value as the compact JSON of a `doc` column.
fn encode<T: Serialize>(path: &str, what: &str, id: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| refused(path, format!("{what} `{id}` cannot be encoded: {e}")))
}

/// Refuses a list with two records of the same id: which one to store would be a guess.
fn check_unique<'a>(path: &str, what: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(refused(path, format!("two {what} records have the id `{id}`")));
        }
    }
    Ok(())
}

/// Ids of one kind of record, before and after the import.
struct Ids<'a> {
    old: HashSet<&'a str>,
    new: HashSet<&'a str>,
    what: &'static str,
}

impl<'a> Ids<'a> {
    fn new<T>(what: &'static str, old: &'a [T], new: &'a [T], id: impl Fn(&'a T) -> &'a str) -> Self {
        Ids { old: old.iter().map(&id).collect(), new: new.iter().map(&id).collect(), what }
    }

    /// `referrer` names a record that will exist after the import; `target` must exist too.
    fn require(&self, path: &str, target: &str, referrer: impl FnOnce() -> String) -> Result<(), StoreError> {
        if self.new.contains(target) {
            return Ok(());
        }
        let what = self.what;
        let message = if self.old.contains(target) {
            format!("{what} `{target}` would be removed, but {} still refers to it", referrer())
        } else {
            format!("{} refers to unknown {what} `{target}`", referrer())
        };
        Err(refused(path, message))
    }
}

/// The diff of importing `new` over `old`, or why the import is refused: duplicate ids, or a
/// record that would refer to a site or zone that does not exist after the import (the schema's
/// foreign keys would reject it, with a far less helpful message).
pub(crate) fn plan_plant(path: &str, old: &Plant, new: &Plant) -> Result<PlantDiff, StoreError> {
    check_unique(path, "site", new.sites.iter().map(|r| r.id.as_str()))?;
    check_unique(path, "zone", new.zones.iter().map(|r| r.id.as_str()))?;
    check_unique(path, "conduit", new.conduits.iter().map(|r| r.id.as_str()))?;
    check_unique(path, "entry point", new.entry_points.iter().map(|r| r.id.as_str()))?;
    check_unique(path, "asset", new.assets.iter().map(|r| r.id.as_str()))?;

    let sites = Ids::new("site", &old.sites, &new.sites, |s: &Site| s.id.as_str());
    let zones = Ids::new("zone", &old.zones, &new.zones, |z: &Zone| z.id.as_str());
    for z in &new.zones {
        sites.require(path, &z.site, || format!("zone `{}`", z.id))?;
    }
    for c in &new.conduits {
        for zone in &c.zones {
            zones.require(path, zone, || format!("conduit `{}`", c.id))?;
        }
    }
    for a in &new.assets {
        zones.require(path, &a.zone, || format!("asset `{}`", a.id))?;
    }
    // Assets from other sources stay unless the plant names them; they must keep their zone.
    let named: HashSet<&str> = new.assets.iter().map(|a| a.id.as_str()).collect();
    for a in old.assets.iter().filter(|a| a.origin != Origin::PlantFile && !named.contains(a.id.as_str())) {
        zones
            .require(path, &a.zone, || format!("asset `{}` (origin {}, which a plant import keeps)", a.id, a.origin))?;
    }
    Ok(plant_diff(old, new))
}

/// Imports `plant` over the stored one. See [`crate::Store::import_plant`].
pub(crate) fn import_plant(
    conn: &mut Connection,
    path: &str,
    plant: &Plant,
    source: &ImportSource,
) -> Result<PlantDiff, StoreError> {
    // IMMEDIATE: the write lock is taken before the stored plant is read, so nobody can change it
    // between the diff and the writes.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let old = read::plant(&tx, path)?;
    let diff = plan_plant(path, &old, plant)?;
    apply_plant(&tx, path, &old, plant, &diff)?;
    log_import(&tx, path, source, &diff)?;
    bump_plant_version(&tx, path, &diff)?;
    tx.commit().at(path)?;
    Ok(diff)
}

/// Adds or updates assets. See [`crate::Store::upsert_assets`].
pub(crate) fn upsert_assets(
    conn: &mut Connection,
    path: &str,
    assets: &[Asset],
    source: &ImportSource,
) -> Result<PlantDiff, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    check_unique(path, "asset", assets.iter().map(|a| a.id.as_str()))?;
    let zones = zone_ids(&tx, path)?;
    for a in assets {
        if !zones.contains(&a.zone) {
            return Err(refused(path, format!("asset `{}` refers to unknown zone `{}`", a.id, a.zone)));
        }
    }
    // Only the stored versions of the incoming assets matter to the diff: an upsert removes nothing.
    let mut old = Vec::new();
    for a in assets {
        if let Some(o) = read::asset(&tx, path, &a.id)? {
            old.push(o);
        }
    }
    let diff = asset_upsert_diff(&old, assets);
    let old_by_id = by_id(&old, |a| &a.id);
    let new_by_id = by_id(assets, |a| &a.id);
    for c in written(&diff, RecordKind::Asset) {
        if let Some(a) = new_by_id.get(c.id.as_str()) {
            put_asset(&tx, path, a, old_by_id.get(c.id.as_str()).copied())?;
        }
    }
    log_import(&tx, path, source, &diff)?;
    bump_plant_version(&tx, path, &diff)?;
    tx.commit().at(path)?;
    Ok(diff)
}

/// Counts a plant write, so matching knows its platforms are stale (see migration 0004).
pub(crate) fn bump_plant_version(conn: &Connection, path: &str, diff: &PlantDiff) -> Result<(), StoreError> {
    if diff.is_empty() {
        return Ok(());
    }
    conn.execute("UPDATE match_state SET plant_version = plant_version + 1 WHERE id = 1", []).at(path)?;
    Ok(())
}

fn zone_ids(conn: &Connection, path: &str) -> Result<HashSet<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM zones").at(path)?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0)).at(path)?;
    ids.collect::<rusqlite::Result<_>>().at(path)
}

fn by_id<'a, T>(records: &'a [T], id: impl Fn(&'a T) -> &'a String) -> HashMap<&'a str, &'a T> {
    records.iter().map(|r| (id(r).as_str(), r)).collect()
}

/// The added and changed records of one kind, in id order within each list.
fn written(diff: &PlantDiff, kind: RecordKind) -> impl Iterator<Item = &Change> {
    diff.added.iter().chain(&diff.changed).filter(move |c| c.kind == kind)
}

fn removed(diff: &PlantDiff, kind: RecordKind) -> impl Iterator<Item = &str> {
    diff.removed.iter().filter(move |c| c.kind == kind).map(|c| c.id.as_str())
}

/// Writes a planned diff. Parents are written before children and removed after them, so the
/// foreign keys hold after every statement.
fn apply_plant(tx: &Connection, path: &str, old: &Plant, new: &Plant, diff: &PlantDiff) -> Result<(), StoreError> {
    let new_sites = by_id(&new.sites, |r| &r.id);
    for c in written(diff, RecordKind::Site) {
        if let Some(s) = new_sites.get(c.id.as_str()) {
            put_site(tx, path, s)?;
        }
    }
    let (old_zones, new_zones) = (by_id(&old.zones, |r| &r.id), by_id(&new.zones, |r| &r.id));
    for c in written(diff, RecordKind::Zone) {
        if let Some(z) = new_zones.get(c.id.as_str()) {
            put_zone(tx, path, z, old_zones.get(c.id.as_str()).copied())?;
        }
    }
    let (old_assets, new_assets) = (by_id(&old.assets, |r| &r.id), by_id(&new.assets, |r| &r.id));
    for c in written(diff, RecordKind::Asset) {
        if let Some(a) = new_assets.get(c.id.as_str()) {
            put_asset(tx, path, a, old_assets.get(c.id.as_str()).copied())?;
        }
    }
    let new_conduits = by_id(&new.conduits, |r| &r.id);
    for c in written(diff, RecordKind::Conduit) {
        if let Some(r) = new_conduits.get(c.id.as_str()) {
            put_conduit(tx, path, r)?;
        }
    }
    let new_entry_points = by_id(&new.entry_points, |r| &r.id);
    for c in written(diff, RecordKind::EntryPoint) {
        if let Some(r) = new_entry_points.get(c.id.as_str()) {
            put_entry_point(tx, path, r)?;
        }
    }

    for (kind, sql) in [
        (RecordKind::EntryPoint, "DELETE FROM entry_points WHERE id = ?1"),
        (RecordKind::Conduit, "DELETE FROM conduits WHERE id = ?1"),
        (RecordKind::Asset, "DELETE FROM assets WHERE id = ?1"),
        (RecordKind::Zone, "DELETE FROM zones WHERE id = ?1"),
        (RecordKind::Site, "DELETE FROM sites WHERE id = ?1"),
    ] {
        let mut stmt = tx.prepare_cached(sql).at(path)?;
        for id in removed(diff, kind) {
            stmt.execute([id]).at(path)?;
        }
    }
    Ok(())
}

fn put_site(tx: &Connection, path: &str, s: &Site) -> Result<(), StoreError> {
    let doc = encode(path, "site", &s.id, s)?;
    tx.prepare_cached(
        "INSERT INTO sites (id, name, doc) VALUES (?1, ?2, ?3) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, doc = excluded.doc",
    )
    .at(path)?
    .execute(params![s.id, s.name, doc])
    .at(path)?;
    Ok(())
}

fn put_zone(tx: &Connection, path: &str, z: &Zone, old: Option<&Zone>) -> Result<(), StoreError> {
    let doc = encode(path, "zone", &z.id, z)?;
    tx.prepare_cached(
        "INSERT INTO zones (id, site, name, purdue, doc) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (id) DO UPDATE SET site = excluded.site, name = excluded.name, \
         purdue = excluded.purdue, doc = excluded.doc",
    )
    .at(path)?
    .execute(params![z.id, z.site, z.name, z.purdue.as_str(), doc])
    .at(path)?;
    if old.is_none_or(|o| o.subnets != z.subnets) {
        if old.is_some() {
            tx.prepare_cached("DELETE FROM zone_subnets WHERE zone_id = ?1").at(path)?.execute([&z.id]).at(path)?;
        }
        let mut stmt =
            tx.prepare_cached("INSERT INTO zone_subnets (zone_id, ord, cidr) VALUES (?1, ?2, ?3)").at(path)?;
        for (i, net) in z.subnets.iter().enumerate() {
            stmt.execute(params![z.id, i as i64, net.to_string()]).at(path)?;
        }
    }
    Ok(())
}

pub(crate) fn put_conduit(tx: &Connection, path: &str, c: &Conduit) -> Result<(), StoreError> {
    let doc = encode(path, "conduit", &c.id, c)?;
    tx.prepare_cached(
        "INSERT INTO conduits (id, zone_a, zone_b, doc) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (id) DO UPDATE SET zone_a = excluded.zone_a, zone_b = excluded.zone_b, doc = excluded.doc",
    )
    .at(path)?
    .execute(params![c.id, c.zones[0], c.zones[1], doc])
    .at(path)?;
    Ok(())
}

fn put_entry_point(tx: &Connection, path: &str, e: &EntryPoint) -> Result<(), StoreError> {
    let doc = encode(path, "entry point", &e.id, e)?;
    tx.prepare_cached(
        "INSERT INTO entry_points (id, kind, doc) VALUES (?1, ?2, ?3) \
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, doc = excluded.doc",
    )
    .at(path)?
    .execute(params![e.id, e.kind.as_str(), doc])
    .at(path)?;
    Ok(())
}

/// Writes an asset row and those of its child lists that are new or differ from `old`.
fn put_asset(tx: &Connection, path: &str, a: &Asset, old: Option<&Asset>) -> Result<(), StoreError> {
    let doc = encode(path, "asset", &a.id, a)?;
    tx.prepare_cached(
        "INSERT INTO assets (id, name, zone, kind, vendor, product, model, firmware, owner, \
                             mission_impact, safety_impact, origin, doc, redundancy_group) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, zone = excluded.zone, kind = excluded.kind, \
             vendor = excluded.vendor, product = excluded.product, model = excluded.model, \
             firmware = excluded.firmware, owner = excluded.owner, mission_impact = excluded.mission_impact, \
             safety_impact = excluded.safety_impact, origin = excluded.origin, doc = excluded.doc, \
             redundancy_group = excluded.redundancy_group",
    )
    .at(path)?
    .execute(params![
        a.id,
        a.name,
        a.zone,
        a.kind.as_str(),
        a.identity.vendor,
        a.identity.product,
        a.identity.model,
        a.identity.firmware,
        a.owner,
        a.mission_impact.map(|v| v.as_str()),
        a.safety_impact.map(|v| v.as_str()),
        a.origin.as_str(),
        doc,
        a.redundancy_group,
    ])
    .at(path)?;

    // A list is rewritten only when it differs; `old` is None for a new asset, which has no rows.
    let differs = |same: fn(&Asset, &Asset) -> bool| old.is_none_or(|o| !same(o, a));
    if differs(|o, a| o.ips == a.ips) {
        clear(tx, path, old, "DELETE FROM asset_addresses WHERE asset_id = ?1")?;
        let mut stmt =
            tx.prepare_cached("INSERT INTO asset_addresses (asset_id, ord, ip) VALUES (?1, ?2, ?3)").at(path)?;
        for (i, ip) in a.ips.iter().enumerate() {
            stmt.execute(params![a.id, i as i64, ip.to_string()]).at(path)?;
        }
    }
    if differs(|o, a| o.components == a.components) {
        clear(tx, path, old, "DELETE FROM asset_components WHERE asset_id = ?1")?;
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO asset_components (asset_id, ord, kind, vendor, name, version, cpe, purl) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .at(path)?;
        for (i, c) in a.components.iter().enumerate() {
            stmt.execute(params![a.id, i as i64, c.kind.as_str(), c.vendor, c.name, c.version, c.cpe, c.purl])
                .at(path)?;
        }
    }
    if differs(|o, a| o.services == a.services) {
        clear(tx, path, old, "DELETE FROM asset_services WHERE asset_id = ?1")?;
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO asset_services (asset_id, ord, protocol, port, name) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .at(path)?;
        for (i, s) in a.services.iter().enumerate() {
            stmt.execute(params![a.id, i as i64, s.protocol.as_str(), s.port, s.name]).at(path)?;
        }
    }
    if differs(|o, a| o.depends_on == a.depends_on) {
        clear(tx, path, old, "DELETE FROM asset_dependencies WHERE asset_id = ?1")?;
        let mut stmt = tx
            .prepare_cached("INSERT INTO asset_dependencies (asset_id, ord, depends_on) VALUES (?1, ?2, ?3)")
            .at(path)?;
        for (i, d) in a.depends_on.iter().enumerate() {
            stmt.execute(params![a.id, i as i64, d]).at(path)?;
        }
    }
    Ok(())
}

/// Deletes the child rows of an asset that had some.
fn clear(tx: &Connection, path: &str, old: Option<&Asset>, sql: &str) -> Result<(), StoreError> {
    if let Some(o) = old {
        tx.prepare_cached(sql).at(path)?.execute([&o.id]).at(path)?;
    }
    Ok(())
}

pub(crate) fn log_import(
    tx: &Connection,
    path: &str,
    source: &ImportSource,
    diff: &PlantDiff,
) -> Result<(), StoreError> {
    log_import_counts(tx, path, source, diff.added.len(), diff.changed.len(), diff.removed.len())
}

/// Logs an import that wrote other records than plant records (flows), with its counts.
pub(crate) fn log_import_counts(
    tx: &Connection,
    path: &str,
    source: &ImportSource,
    added: usize,
    changed: usize,
    removed: usize,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO imports (kind, path, digest, at, added, changed, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .at(path)?
    .execute(params![source.kind, source.path, source.digest, source.at, added as i64, changed as i64, removed as i64,])
    .at(path)?;
    Ok(())
}
