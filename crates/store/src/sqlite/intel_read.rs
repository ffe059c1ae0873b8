//! Reading intelligence back: the per-source status from grouped counts, and everything about one
//! id from the `doc` columns. Nothing here writes; callers hold a read transaction so every query
//! sees one snapshot.

use std::collections::BTreeMap;

use model::advisory::{Advisory, EpssScore, KevEntry, Source, SsvcPoints};
use rusqlite::Connection;
use serde::de::DeserializeOwned;

use super::At;
use super::intel::parse_source;
use crate::revision::sortable;
use crate::{IntelKind, IntelSourceStatus, IntelView, StoreError};

fn corrupt(path: &str, what: String, message: impl ToString) -> StoreError {
    StoreError::Corrupt { path: path.to_string(), what, message: message.to_string() }
}

fn source(path: &str, table: &str, s: &str) -> Result<Source, StoreError> {
    parse_source(s).ok_or_else(|| corrupt(path, format!("{table} source"), format!("unknown source `{s}`")))
}

/// Per source and kind, in that order. See [`crate::Store::intel_status`].
pub(crate) fn status(conn: &Connection, path: &str) -> Result<Vec<IntelSourceStatus>, StoreError> {
    let mut out: BTreeMap<(Source, IntelKind), IntelSourceStatus> = BTreeMap::new();
    for (kind, table, sql) in [
        (
            IntelKind::Advisories,
            "advisories",
            "SELECT source, count(*), max(modified_key) FROM advisories GROUP BY source",
        ),
        (IntelKind::Kev, "kev", "SELECT source, count(*), max(date_added) FROM kev GROUP BY source"),
        (IntelKind::Epss, "epss", "SELECT source, count(*), max(date) FROM epss GROUP BY source"),
        (IntelKind::Ssvc, "ssvc", "SELECT source, count(*), max(timestamp) FROM ssvc GROUP BY source"),
    ] {
        let mut stmt = conn.prepare_cached(sql).at(path)?;
        let mut rows = stmt.query([]).at(path)?;
        while let Some(row) = rows.next().at(path)? {
            let src = source(path, table, row.get_ref(0).and_then(|v| Ok(v.as_str()?)).at(path)?)?;
            let n: i64 = row.get(1).at(path)?;
            let records = usize::try_from(n).map_err(|_| corrupt(path, format!("{table} count"), n))?;
            let newest: Option<String> = row.get(2).at(path)?;
            // Advisories store the sortable key already; the others are dates as published.
            let newest = if kind == IntelKind::Advisories { newest } else { newest.as_deref().map(sortable) };
            out.insert((src, kind), IntelSourceStatus { source: src, kind, records, newest, last_import: None });
        }
    }
    let mut stmt = conn.prepare_cached("SELECT source, kind, last_import FROM intel_source_imports").at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    while let Some(row) = rows.next().at(path)? {
        let src = source(path, "intel_source_imports", row.get_ref(0).and_then(|v| Ok(v.as_str()?)).at(path)?)?;
        let kind: String = row.get(1).at(path)?;
        let Some(kind) = IntelKind::ALL.into_iter().find(|k| k.as_str() == kind) else {
            return Err(corrupt(path, "intel_source_imports kind".into(), format!("unknown kind `{kind}`")));
        };
        if let Some(s) = out.get_mut(&(src, kind)) {
            s.last_import = Some(row.get(2).at(path)?);
        }
    }
    Ok(out.into_values().collect())
}

/// The documents a query over text parameters returns, decoded.
fn docs<T: DeserializeOwned>(
    conn: &Connection,
    path: &str,
    sql: &str,
    params: &[&str],
    what: &str,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).at(path)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params)).at(path)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().at(path)? {
        let doc = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).at(path)?;
        out.push(serde_json::from_str(doc).map_err(|e| corrupt(path, format!("{what} {}", params[0]), e))?);
    }
    Ok(out)
}

/// Everything about one id. See [`crate::Store::intel_lookup`].
pub(crate) fn lookup(conn: &Connection, path: &str, id: &str) -> Result<IntelView, StoreError> {
    let id = id.trim();
    if id.is_empty() {
        return Ok(IntelView::default());
    }
    let upper = id.to_ascii_uppercase();
    let mut advisories: Vec<Advisory> = docs(
        conn,
        path,
        "SELECT doc FROM advisories WHERE id = ?1 \
         UNION SELECT a.doc FROM advisory_aliases x \
             JOIN advisories a ON a.family = x.family AND a.id = x.id AND a.variant = x.variant \
             WHERE x.alias = ?2",
        &[id, &upper],
        "advisory",
    )?;
    advisories.sort_by(|a, b| {
        (a.provenance.source, &a.id, &a.provenance.document).cmp(&(b.provenance.source, &b.id, &b.provenance.document))
    });
    let mut kev: Vec<KevEntry> = docs(conn, path, "SELECT doc FROM kev WHERE cve = ?1", &[id], "KEV entry")?;
    kev.sort_by_key(|k| k.provenance.source);
    let epss: Vec<EpssScore> = docs(conn, path, "SELECT doc FROM epss WHERE cve = ?1", &[id], "EPSS score")?;
    let mut ssvc: Vec<SsvcPoints> = docs(conn, path, "SELECT doc FROM ssvc WHERE cve = ?1", &[id], "SSVC points")?;
    ssvc.sort_by(|a, b| (&a.role, a.provenance.source).cmp(&(&b.role, b.provenance.source)));
    Ok(IntelView { advisories, kev, epss: epss.into_iter().next(), ssvc })
}
