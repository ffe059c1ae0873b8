//! Scan files as evidence: the file, its hosts (tied to assets or not) and the scanner's claims,
//! written in one transaction per file.

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::At;
use crate::{ScanClaim, ScanHostRow, ScanImportRow, ScanImportTx, ScanMeta, StoreError};

pub(crate) struct SqliteScanImport<'c> {
    tx: Transaction<'c>,
    path: &'c str,
    id: i64,
    hosts: u64,
    claims: u64,
    unmatched: u64,
}

pub(crate) fn begin<'c>(
    conn: &'c mut Connection,
    path: &'c str,
    meta: &ScanMeta,
) -> Result<Option<SqliteScanImport<'c>>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let seen =
        tx.prepare_cached("SELECT 1 FROM scan_imports WHERE digest = ?1").at(path)?.exists([&meta.digest]).at(path)?;
    if seen {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO scan_imports (file, digest, format, at, hosts, services, claims, components, unmatched) \
         VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0)",
        params![meta.file, meta.digest, meta.format, meta.at],
    )
    .at(path)?;
    let id = tx.last_insert_rowid();
    Ok(Some(SqliteScanImport { tx, path, id, hosts: 0, claims: 0, unmatched: 0 }))
}

impl ScanImportTx for SqliteScanImport<'_> {
    fn put_host(
        &mut self,
        h: &ScanHostRow,
        claims: &[(String, String, String, Option<String>)],
    ) -> Result<(), StoreError> {
        self.hosts += 1;
        if h.asset.is_none() {
            self.unmatched += 1;
        }
        let seq = i64::try_from(self.hosts).unwrap_or(i64::MAX);
        self.tx
            .prepare_cached(
                "INSERT INTO scan_hosts (import, seq, key, asset, tied_by, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .at(self.path)?
            .execute(params![self.id, seq, h.key, h.asset, h.tied_by, h.doc])
            .at(self.path)?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO scan_claims (import, seq, asset, vulnerability, scanner_id, title, severity) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .at(self.path)?;
        for (cve, id, title, severity) in claims {
            stmt.execute(params![self.id, seq, h.asset, cve, id, title, severity]).at(self.path)?;
            self.claims += 1;
        }
        Ok(())
    }

    fn commit(self: Box<Self>, services: u64, components: u64) -> Result<i64, StoreError> {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.tx
            .execute(
                "UPDATE scan_imports SET hosts = ?2, services = ?3, claims = ?4, components = ?5, unmatched = ?6 WHERE id = ?1",
                params![self.id, n(self.hosts), n(services), n(self.claims), n(components), n(self.unmatched)],
            )
            .at(self.path)?;
        self.tx.commit().at(self.path)?;
        Ok(self.id)
    }
}

pub(crate) fn imports(conn: &Connection, path: &str) -> Result<Vec<ScanImportRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, file, digest, format, at, hosts, services, claims, components, unmatched FROM scan_imports ORDER BY id DESC",
        )
        .at(path)?;
    let rows = stmt
        .query_map([], |r| {
            let n = |i: usize| -> rusqlite::Result<u64> { Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0)) };
            Ok(ScanImportRow {
                id: r.get(0)?,
                file: r.get(1)?,
                digest: r.get(2)?,
                format: r.get(3)?,
                at: r.get(4)?,
                hosts: n(5)?,
                services: n(6)?,
                claims: n(7)?,
                components: n(8)?,
                unmatched: n(9)?,
            })
        })
        .at(path)?;
    rows.collect::<Result<Vec<_>, _>>().at(path)
}

pub(crate) fn hosts(conn: &Connection, path: &str, import: i64) -> Result<Vec<ScanHostRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT key, asset, tied_by, doc FROM scan_hosts WHERE import = ?1 ORDER BY seq")
        .at(path)?;
    let rows = stmt
        .query_map([import], |r| {
            Ok(ScanHostRow { key: r.get(0)?, asset: r.get(1)?, tied_by: r.get(2)?, doc: r.get(3)? })
        })
        .at(path)?;
    rows.collect::<Result<Vec<_>, _>>().at(path)
}

pub(crate) fn claims(conn: &Connection, path: &str, import: Option<i64>) -> Result<Vec<ScanClaim>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT import, asset, vulnerability, scanner_id, title, severity FROM scan_claims \
             WHERE ?1 IS NULL OR import = ?1 ORDER BY import, seq, vulnerability",
        )
        .at(path)?;
    let rows = stmt
        .query_map([import], |r| {
            Ok(ScanClaim {
                import: r.get(0)?,
                asset: r.get(1)?,
                vulnerability: r.get(2)?,
                scanner_id: r.get(3)?,
                title: r.get(4)?,
                severity: r.get(5)?,
            })
        })
        .at(path)?;
    rows.collect::<Result<Vec<_>, _>>().at(path)
}
