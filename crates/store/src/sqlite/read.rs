//! Reading the stored plant back: whole records from their JSON `doc` column, the asset list from
//! plain columns.
//!
//! Nothing here writes. Listings are sorted by id with SQLite's binary collation, which orders
//! UTF-8 strings exactly as Rust's `str` ordering does.

use std::str::FromStr;

use model::{AssetKind, AssetSummary, MissionImpact, Plant, Purdue, SafetyImpact};
use rusqlite::{Connection, Row, Rows};
use serde::de::DeserializeOwned;

use super::At;
use crate::{AssetFilter, ImportRecord, ImportSource, StoreError};

/// The tables holding one model record per row in `doc`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    Sites,
    Zones,
    Conduits,
    EntryPoints,
    Assets,
}

impl Table {
    fn select_all(self) -> &'static str {
        match self {
            Table::Sites => "SELECT id, doc FROM sites ORDER BY id",
            Table::Zones => "SELECT id, doc FROM zones ORDER BY id",
            Table::Conduits => "SELECT id, doc FROM conduits ORDER BY id",
            Table::EntryPoints => "SELECT id, doc FROM entry_points ORDER BY id",
            Table::Assets => "SELECT id, doc FROM assets ORDER BY id",
        }
    }

    /// The record kind, as error messages name it.
    fn what(self) -> &'static str {
        match self {
            Table::Sites => "site",
            Table::Zones => "zone",
            Table::Conduits => "conduit",
            Table::EntryPoints => "entry point",
            Table::Assets => "asset",
        }
    }
}

fn corrupt(path: &str, what: String, message: impl ToString) -> StoreError {
    StoreError::Corrupt { path: path.to_string(), what, message: message.to_string() }
}

/// Decodes one `doc` column.
fn decode<T: DeserializeOwned>(path: &str, what: &str, id: &str, doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| corrupt(path, format!("{what} {id}"), e))
}

/// Every record of one table, sorted by id.
pub(crate) fn docs<T: DeserializeOwned>(conn: &Connection, path: &str, table: Table) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(table.select_all()).at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().at(path)? {
        let id = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).at(path)?;
        let doc = row.get_ref(1).and_then(|v| Ok(v.as_str()?)).at(path)?;
        out.push(decode(path, table.what(), id, doc)?);
    }
    Ok(out)
}

/// The whole stored plant. Callers run it inside a transaction for a consistent snapshot.
pub(crate) fn plant(conn: &Connection, path: &str) -> Result<Plant, StoreError> {
    Ok(Plant {
        sites: docs(conn, path, Table::Sites)?,
        zones: docs(conn, path, Table::Zones)?,
        conduits: docs(conn, path, Table::Conduits)?,
        entry_points: docs(conn, path, Table::EntryPoints)?,
        assets: docs(conn, path, Table::Assets)?,
    })
}

pub(crate) fn asset(conn: &Connection, path: &str, id: &str) -> Result<Option<model::Asset>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT doc FROM assets WHERE id = ?1").at(path)?;
    let mut rows = stmt.query([id]).at(path)?;
    match rows.next().at(path)? {
        None => Ok(None),
        Some(row) => {
            let doc = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).at(path)?;
            decode(path, "asset", id, doc).map(Some)
        }
    }
}

/// The `WHERE` clause of the asset list. Parameters: ?1 site, ?2 zone, ?3 kind, ?4 LIKE pattern;
/// NULL disables a condition. Tables: `a` assets, `z` zones.
macro_rules! filter_sql {
    () => {
        "(?1 IS NULL OR z.site = ?1) AND (?2 IS NULL OR a.zone = ?2) AND (?3 IS NULL OR a.kind = ?3) \
         AND (?4 IS NULL OR a.id LIKE ?4 ESCAPE '\\' OR a.name LIKE ?4 ESCAPE '\\' \
              OR a.vendor LIKE ?4 ESCAPE '\\' OR a.product LIKE ?4 ESCAPE '\\' OR a.model LIKE ?4 ESCAPE '\\' \
              OR EXISTS (SELECT 1 FROM asset_addresses d WHERE d.asset_id = a.id AND d.ip LIKE ?4 ESCAPE '\\'))"
    };
}

const SUMMARY_SQL: &str = concat!(
    "SELECT a.id, a.name, z.site, a.zone, z.purdue, a.kind, a.vendor, a.product, a.model, a.firmware, \
            a.owner, a.mission_impact, a.safety_impact \
     FROM assets a JOIN zones z ON z.id = a.zone WHERE ",
    filter_sql!(),
    " ORDER BY a.id"
);

/// Every address, in asset then list order: the unfiltered listing merges this one scan.
const ALL_ADDRESSES_SQL: &str = "SELECT asset_id, ip FROM asset_addresses ORDER BY asset_id, ord";

/// The addresses of the listed assets only, for filtered listings.
const FILTERED_ADDRESSES_SQL: &str = concat!(
    "SELECT a.id, d.ip FROM assets a JOIN zones z ON z.id = a.zone \
     JOIN asset_addresses d ON d.asset_id = a.id WHERE ",
    filter_sql!(),
    " ORDER BY a.id, d.ord"
);

/// `%text%` for LIKE, with LIKE's own wildcards in `text` taken literally.
fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

/// Parses a value-set column.
fn value<T: FromStr>(path: &str, id: &str, column: &str, row: &Row<'_>, i: usize) -> Result<T, StoreError>
where
    T::Err: ToString,
{
    let s = row.get_ref(i).and_then(|v| Ok(v.as_str()?)).at(path)?;
    s.parse().map_err(|e| corrupt(path, format!("asset {id} column {column}"), e))
}

fn opt_value<T: FromStr>(path: &str, id: &str, column: &str, row: &Row<'_>, i: usize) -> Result<Option<T>, StoreError>
where
    T::Err: ToString,
{
    let s = row.get_ref(i).and_then(|v| Ok(v.as_str_or_null()?)).at(path)?;
    s.map(|s| s.parse().map_err(|e| corrupt(path, format!("asset {id} column {column}"), e))).transpose()
}

/// A non-negative integer column.
fn count(path: &str, what: &str, row: &Row<'_>, i: usize) -> Result<usize, StoreError> {
    let n: i64 = row.get(i).at(path)?;
    usize::try_from(n).map_err(|_| corrupt(path, what.to_string(), format!("negative count {n}")))
}

/// Reads the next `(asset_id, ip)` row of the address scan.
fn next_address(rows: &mut Rows<'_>, path: &str) -> Result<Option<(String, String)>, StoreError> {
    match rows.next().at(path)? {
        None => Ok(None),
        Some(r) => Ok(Some((r.get(0).at(path)?, r.get(1).at(path)?))),
    }
}

/// Streams the asset list: one ordered scan of the assets (joined with their zones) merged with
/// one ordered scan of the addresses, so the cost is two index walks whatever the size.
pub(crate) fn asset_summaries(
    conn: &Connection,
    path: &str,
    filter: &AssetFilter,
    visit: &mut dyn FnMut(AssetSummary) -> Result<(), StoreError>,
) -> Result<usize, StoreError> {
    let site = non_empty(&filter.site);
    let zone = non_empty(&filter.zone);
    let kind = filter.kind.map(AssetKind::as_str);
    let pattern = non_empty(&filter.text).map(like_pattern);
    let unfiltered = site.is_none() && zone.is_none() && kind.is_none() && pattern.is_none();
    let params = rusqlite::params![site, zone, kind, pattern];

    let mut assets_stmt = conn.prepare_cached(SUMMARY_SQL).at(path)?;
    let mut addr_stmt = if unfiltered {
        conn.prepare_cached(ALL_ADDRESSES_SQL).at(path)?
    } else {
        conn.prepare_cached(FILTERED_ADDRESSES_SQL).at(path)?
    };
    let mut assets = assets_stmt.query(params).at(path)?;
    let addresses = if unfiltered { addr_stmt.query([]) } else { addr_stmt.query(params) };
    let mut addresses = addresses.at(path)?;

    let mut pending = next_address(&mut addresses, path)?;
    let mut n = 0;
    while let Some(row) = assets.next().at(path)? {
        let id: String = row.get(0).at(path)?;
        let mut ips = Vec::new();
        while let Some((owner, ip)) = pending.take() {
            match owner.as_str().cmp(id.as_str()) {
                // Only possible if an address row has no asset, which the foreign key forbids.
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => ips.push(ip),
                std::cmp::Ordering::Greater => {
                    pending = Some((owner, ip));
                    break;
                }
            }
            pending = next_address(&mut addresses, path)?;
        }
        let summary = AssetSummary {
            name: row.get(1).at(path)?,
            site: row.get(2).at(path)?,
            zone: row.get(3).at(path)?,
            purdue: value::<Purdue>(path, &id, "purdue", row, 4)?,
            kind: value::<AssetKind>(path, &id, "kind", row, 5)?,
            vendor: row.get(6).at(path)?,
            product: row.get(7).at(path)?,
            model: row.get(8).at(path)?,
            firmware: row.get(9).at(path)?,
            ips,
            owner: row.get(10).at(path)?,
            mission_impact: opt_value::<MissionImpact>(path, &id, "mission_impact", row, 11)?,
            safety_impact: opt_value::<SafetyImpact>(path, &id, "safety_impact", row, 12)?,
            id,
        };
        visit(summary)?;
        n += 1;
    }
    Ok(n)
}

/// Assets per zone, every zone listed (with 0 where it has none), sorted by zone id.
pub(crate) fn asset_counts_by_zone(conn: &Connection, path: &str) -> Result<Vec<(String, usize)>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT z.id, count(a.id) FROM zones z LEFT JOIN assets a ON a.zone = z.id GROUP BY z.id ORDER BY z.id",
        )
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().at(path)? {
        let zone: String = row.get(0).at(path)?;
        let n = count(path, &format!("asset count of zone {zone}"), row, 1)?;
        out.push((zone, n));
    }
    Ok(out)
}

/// Ids of the assets a query over one text parameter returns, in order.
pub(crate) fn ids(conn: &Connection, path: &str, sql: &str, param: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).at(path)?;
    let mut rows = stmt.query([param]).at(path)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().at(path)? {
        out.push(row.get(0).at(path)?);
    }
    Ok(out)
}

/// The import log, newest first.
pub(crate) fn imports(conn: &Connection, path: &str) -> Result<Vec<ImportRecord>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, kind, path, digest, at, added, changed, removed FROM imports ORDER BY id DESC")
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().at(path)? {
        let id: i64 = row.get(0).at(path)?;
        let what = format!("import {id}");
        out.push(ImportRecord {
            id,
            source: ImportSource {
                kind: row.get(1).at(path)?,
                path: row.get(2).at(path)?,
                digest: row.get(3).at(path)?,
                at: row.get(4).at(path)?,
            },
            added: count(path, &what, row, 5)?,
            changed: count(path, &what, row, 6)?,
            removed: count(path, &what, row, 7)?,
        });
    }
    Ok(out)
}
