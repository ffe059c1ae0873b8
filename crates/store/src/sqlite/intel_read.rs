//! Reading intelligence back: the per-source status from grouped counts, everything about one id
//! from the `doc` columns, and the advisories with data-quality warnings through their partial
//! index. Nothing here writes; callers hold a read transaction so every query sees one snapshot.

use std::collections::BTreeMap;

use model::advisory::{Advisory, EpssScore, KevEntry, Source, SsvcPoints};
use rusqlite::{Connection, params};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::At;
use super::intel::{SOURCES, parse_source};
use crate::revision::sortable;
use crate::{IntelKind, IntelSourceStatus, IntelView, QualityReport, StoreError};

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

/// The advisories of one source with warnings, in id then variant (provenance document) order.
/// `warnings > 0` is the partial index's condition, so this reads the index and the rows it
/// names, nothing else; `?2` is the limit (-1: none).
pub(crate) const QUALITY_SQL: &str =
    "SELECT id, doc FROM advisories WHERE source = ?1 AND warnings > 0 ORDER BY id, variant LIMIT ?2";

/// The part of a stored advisory document a quality report needs; the rest is skipped unread.
#[derive(Deserialize)]
struct QualityDoc {
    warnings: Vec<String>,
    provenance: QualityProvenance,
}

#[derive(Deserialize)]
struct QualityProvenance {
    document: String,
    file: Option<String>,
}

/// Advisories with warnings, per source in [`Source`] order. See [`crate::Store::intel_quality`].
pub(crate) fn quality(conn: &Connection, path: &str, limit: usize) -> Result<Vec<QualityReport>, StoreError> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(QUALITY_SQL).at(path)?;
    for source in SOURCES {
        let remaining = match limit {
            0 => -1,
            n if out.len() >= n => break,
            n => i64::try_from(n - out.len()).unwrap_or(i64::MAX),
        };
        let mut rows = stmt.query(params![source.as_str(), remaining]).at(path)?;
        while let Some(row) = rows.next().at(path)? {
            let id: String = row.get(0).at(path)?;
            let doc = row.get_ref(1).and_then(|v| Ok(v.as_str()?)).at(path)?;
            let doc: QualityDoc = serde_json::from_str(doc).map_err(|e| corrupt(path, format!("advisory {id}"), e))?;
            // The count and the document are written together; an empty list would be a report
            // about nothing.
            if !doc.warnings.is_empty() {
                let QualityProvenance { document, file } = doc.provenance;
                out.push(QualityReport { source, id, document, file, warnings: doc.warnings });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    #[test]
    fn the_quality_query_reads_the_partial_index_only() {
        let store = SqliteStore::open_in_memory().unwrap();
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {QUALITY_SQL}")).unwrap();
        let plan: Vec<String> =
            stmt.query_map(params!["csaf", -1], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect();
        let plan = plan.join("\n");
        assert!(plan.contains("USING INDEX advisories_warnings"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "the index gives the order: {plan}");
    }
}
