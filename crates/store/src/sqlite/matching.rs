//! Matching's tables (migration 0004): advisory and platform keys, asset → platform, verdicts, and
//! the findings read model (verdicts joined to the assets that share a platform).

use std::collections::HashMap;
use std::str::FromStr;

use model::advisory::Advisory;
use model::finding::{Finding, Verdict, finding_id};
use model::{Component, ComponentKind, Confidence, FindingStatus, Identity};
use rusqlite::{Connection, Transaction, TransactionBehavior, params, params_from_iter};

use super::At;
use crate::{FindingFilter, FindingSummary, MatchAsset, MatchState, MatchTx, StoreError, StoredAdvisory};

fn corrupt(path: &str, what: impl Into<String>, message: impl ToString) -> StoreError {
    StoreError::Corrupt { path: path.to_string(), what: what.into(), message: message.to_string() }
}

fn refused(path: &str, message: String) -> StoreError {
    StoreError::Refused(format!("database {path}: {message}"))
}

fn count(path: &str, n: i64) -> Result<usize, StoreError> {
    usize::try_from(n).map_err(|_| corrupt(path, "count", n))
}

pub(crate) fn state(conn: &Connection, path: &str) -> Result<MatchState, StoreError> {
    let (plant_version, matched_plant_version): (i64, Option<i64>) = conn
        .query_row("SELECT plant_version, matched_plant_version FROM match_state WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .at(path)?;
    let unmatched: i64 =
        conn.query_row("SELECT count(*) FROM advisories WHERE matched = 0", [], |r| r.get(0)).at(path)?;
    Ok(MatchState { plant_version, matched_plant_version, unmatched_advisories: count(path, unmatched)? })
}

pub(crate) fn assets(conn: &Connection, path: &str) -> Result<Vec<MatchAsset>, StoreError> {
    let mut out: Vec<MatchAsset> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, vendor, product, model, firmware FROM assets ORDER BY id").at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    while let Some(r) = rows.next().at(path)? {
        let id: String = r.get(0).at(path)?;
        index.insert(id.clone(), out.len());
        out.push(MatchAsset {
            id,
            identity: Identity {
                vendor: r.get(1).at(path)?,
                product: r.get(2).at(path)?,
                model: r.get(3).at(path)?,
                firmware: r.get(4).at(path)?,
                ..Identity::default()
            },
            components: Vec::new(),
        });
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT asset_id, kind, vendor, name, version, cpe, purl FROM asset_components ORDER BY asset_id, ord",
        )
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    while let Some(r) = rows.next().at(path)? {
        let asset: String = r.get(0).at(path)?;
        let kind: String = r.get(1).at(path)?;
        let kind = ComponentKind::from_str(&kind).map_err(|e| corrupt(path, format!("component of {asset}"), e))?;
        let Some(&i) = index.get(&asset) else { continue };
        out[i].components.push(Component {
            kind,
            vendor: r.get(2).at(path)?,
            name: r.get(3).at(path)?,
            version: r.get(4).at(path)?,
            cpe: r.get(5).at(path)?,
            purl: r.get(6).at(path)?,
        });
    }
    Ok(out)
}

pub(crate) fn begin<'c>(conn: &'c mut Connection, path: &'c str) -> Result<SqliteMatchTx<'c>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    Ok(SqliteMatchTx { tx, path })
}

pub(crate) struct SqliteMatchTx<'c> {
    tx: Transaction<'c>,
    path: &'c str,
}

fn decode_advisory(path: &str, key: i64, doc: &str) -> Result<StoredAdvisory, StoreError> {
    let advisory: Advisory = serde_json::from_str(doc).map_err(|e| corrupt(path, format!("advisory row {key}"), e))?;
    Ok(StoredAdvisory { key, advisory })
}

/// Keys are looked up in chunks of this many `?` parameters, well below SQLite's limit.
const CHUNK: usize = 500;

/// `?,?,…` for `n` parameters.
fn placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 2);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('?');
    }
    s
}

impl MatchTx for SqliteMatchTx<'_> {
    fn unmatched_advisories(&self, after: i64, limit: usize) -> Result<Vec<StoredAdvisory>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT rowid, doc FROM advisories WHERE matched = 0 AND rowid > ?1 ORDER BY rowid LIMIT ?2",
            )
            .at(self.path)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = stmt.query(params![after, limit]).at(self.path)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().at(self.path)? {
            let key: i64 = r.get(0).at(self.path)?;
            let doc = r.get_ref(1).and_then(|v| Ok(v.as_str()?)).at(self.path)?;
            out.push(decode_advisory(self.path, key, doc)?);
        }
        Ok(out)
    }

    fn advisory_keys(&self, advisories: &[i64]) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt =
            self.tx.prepare_cached("SELECT key, vulnerability FROM advisory_keys WHERE advisory = ?1").at(self.path)?;
        let mut out = Vec::new();
        for &a in advisories {
            let mut rows = stmt.query([a]).at(self.path)?;
            while let Some(r) = rows.next().at(self.path)? {
                out.push((a, r.get(0).at(self.path)?, r.get(1).at(self.path)?));
            }
        }
        Ok(out)
    }

    fn set_advisory_keys(&mut self, advisory: i64, keys: &[(String, String)]) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("DELETE FROM advisory_keys WHERE advisory = ?1")
            .at(self.path)?
            .execute([advisory])
            .at(self.path)?;
        let mut ins = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO advisory_keys (key, advisory, vulnerability) VALUES (?1, ?2, ?3)")
            .at(self.path)?;
        for (k, v) in keys {
            ins.execute(params![k, advisory, v]).at(self.path)?;
        }
        self.tx
            .prepare_cached("UPDATE advisories SET matched = 1 WHERE rowid = ?1")
            .at(self.path)?
            .execute([advisory])
            .at(self.path)?;
        Ok(())
    }

    fn advisory_docs_by_keys(
        &self,
        keys: &[String],
        vulnerabilities: Option<&[String]>,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let mut rowids: Vec<i64> = Vec::new();
        for chunk in keys.chunks(CHUNK) {
            let sql = match vulnerabilities {
                None => {
                    format!("SELECT DISTINCT advisory FROM advisory_keys WHERE key IN ({})", placeholders(chunk.len()))
                }
                Some(_) => format!(
                    "SELECT DISTINCT advisory FROM advisory_keys WHERE key IN ({}) AND vulnerability IN \
                     (SELECT value FROM json_each(?))",
                    placeholders(chunk.len())
                ),
            };
            let mut stmt = self.tx.prepare(&sql).at(self.path)?;
            let vulns_json = vulnerabilities.map(|v| serde_json::to_string(v).unwrap_or_default());
            let params: Vec<&dyn rusqlite::ToSql> = chunk
                .iter()
                .map(|k| k as &dyn rusqlite::ToSql)
                .chain(vulns_json.iter().map(|v| v as &dyn rusqlite::ToSql))
                .collect();
            let mut rows = stmt.query(params_from_iter(params)).at(self.path)?;
            while let Some(r) = rows.next().at(self.path)? {
                rowids.push(r.get(0).at(self.path)?);
            }
        }
        rowids.sort_unstable();
        rowids.dedup();
        let mut stmt = self.tx.prepare_cached("SELECT doc FROM advisories WHERE rowid = ?1").at(self.path)?;
        let mut out = Vec::with_capacity(rowids.len());
        for key in rowids {
            let mut rows = stmt.query([key]).at(self.path)?;
            if let Some(r) = rows.next().at(self.path)? {
                out.push((key, r.get(0).at(self.path)?));
            }
        }
        Ok(out)
    }

    fn platforms_by_keys(&self, keys: &[String]) -> Result<Vec<(i64, String)>, StoreError> {
        let mut ids: Vec<i64> = Vec::new();
        for chunk in keys.chunks(CHUNK) {
            let sql =
                format!("SELECT DISTINCT platform FROM platform_keys WHERE key IN ({})", placeholders(chunk.len()));
            let mut stmt = self.tx.prepare(&sql).at(self.path)?;
            let mut rows = stmt.query(params_from_iter(chunk.iter())).at(self.path)?;
            while let Some(r) = rows.next().at(self.path)? {
                ids.push(r.get(0).at(self.path)?);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let mut stmt = self.tx.prepare_cached("SELECT fingerprint FROM platforms WHERE id = ?1").at(self.path)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let fp: String = stmt.query_row([id], |r| r.get(0)).at(self.path)?;
            out.push((id, fp));
        }
        Ok(out)
    }

    fn platforms(&self) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id, fingerprint, verdicts_digest FROM platforms ORDER BY id")
            .at(self.path)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).at(self.path)?;
        rows.collect::<Result<Vec<_>, _>>().at(self.path)
    }

    fn assignments(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt =
            self.tx.prepare_cached("SELECT asset_id, platform FROM asset_platforms ORDER BY asset_id").at(self.path)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).at(self.path)?;
        rows.collect::<Result<Vec<_>, _>>().at(self.path)
    }

    fn delete_platforms(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        let mut del = self.tx.prepare_cached("DELETE FROM platforms WHERE id = ?1").at(self.path)?;
        for id in ids {
            del.execute([id]).at(self.path)?;
        }
        Ok(())
    }

    fn set_platform_keys(&mut self, platform: i64, keys: &[String]) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("DELETE FROM platform_keys WHERE platform = ?1")
            .at(self.path)?
            .execute([platform])
            .at(self.path)?;
        let mut ins = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO platform_keys (key, platform) VALUES (?1, ?2)")
            .at(self.path)?;
        for k in keys {
            ins.execute(params![k, platform]).at(self.path)?;
        }
        Ok(())
    }

    fn assigned_assets(&self) -> Result<usize, StoreError> {
        let n: i64 = self.tx.query_row("SELECT count(*) FROM asset_platforms", [], |r| r.get(0)).at(self.path)?;
        count(self.path, n)
    }

    fn add_platform(&mut self, fingerprint: &str, keys: &[String]) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached("INSERT INTO platforms (fingerprint) VALUES (?1)")
            .at(self.path)?
            .execute([fingerprint])
            .at(self.path)?;
        let id = self.tx.last_insert_rowid();
        let mut ins = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO platform_keys (key, platform) VALUES (?1, ?2)")
            .at(self.path)?;
        for k in keys {
            ins.execute(params![k, id]).at(self.path)?;
        }
        Ok(id)
    }

    fn assign(&mut self, asset: &str, platform: i64) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO asset_platforms (asset_id, platform) VALUES (?1, ?2) \
                 ON CONFLICT (asset_id) DO UPDATE SET platform = excluded.platform",
            )
            .at(self.path)?
            .execute(params![asset, platform])
            .at(self.path)?;
        Ok(())
    }

    fn replace_verdicts(
        &mut self,
        platform: i64,
        vulnerabilities: Option<&[String]>,
        verdicts: &[Verdict],
        digest: Option<&str>,
    ) -> Result<(), StoreError> {
        let digest = if vulnerabilities.is_some() { None } else { digest };
        self.tx
            .prepare_cached("UPDATE platforms SET verdicts_digest = ?2 WHERE id = ?1")
            .at(self.path)?
            .execute(params![platform, digest])
            .at(self.path)?;
        match vulnerabilities {
            None => {
                self.tx
                    .prepare_cached("DELETE FROM verdicts WHERE platform = ?1")
                    .at(self.path)?
                    .execute([platform])
                    .at(self.path)?;
            }
            Some(vulns) => {
                let mut del = self
                    .tx
                    .prepare_cached("DELETE FROM verdicts WHERE platform = ?1 AND vulnerability = ?2")
                    .at(self.path)?;
                for v in vulns {
                    del.execute(params![platform, v]).at(self.path)?;
                }
            }
        }
        let mut ins = self
            .tx
            .prepare_cached(
                "INSERT INTO verdicts (platform, slot, vulnerability, status, confidence, confidence_rank, advisory, doc) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (platform, slot, vulnerability) DO UPDATE SET status = excluded.status, \
                     confidence = excluded.confidence, confidence_rank = excluded.confidence_rank, \
                     advisory = excluded.advisory, doc = excluded.doc",
            )
            .at(self.path)?;
        for v in verdicts {
            let doc = serde_json::to_string(v)
                .map_err(|e| refused(self.path, format!("verdict {} cannot be stored: {e}", v.vulnerability)))?;
            ins.execute(params![
                platform,
                v.slot,
                v.vulnerability,
                v.status.as_str(),
                v.confidence.as_str(),
                confidence_rank(v.confidence),
                v.advisory,
                doc
            ])
            .at(self.path)?;
        }
        Ok(())
    }

    fn commit(
        self: Box<Self>,
        at: &str,
        kind: &str,
        plant_version: Option<i64>,
        summary: &str,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE match_state SET last_run = ?1, last_kind = ?2, last_summary = ?3, \
                     matched_plant_version = coalesce(?4, matched_plant_version) WHERE id = 1",
                params![at, kind, summary, plant_version],
            )
            .at(self.path)?;
        self.tx.commit().at(self.path)
    }
}

fn confidence_rank(c: Confidence) -> i64 {
    match c {
        Confidence::Low => 1,
        Confidence::Medium => 2,
        Confidence::High => 3,
    }
}

const FINDING_SELECT: &str = "SELECT ap.asset_id, v.doc, (SELECT min(k.date_added) FROM kev k WHERE k.cve = v.vulnerability) \
     FROM verdicts v JOIN asset_platforms ap ON ap.platform = v.platform";

fn finding_row(path: &str, r: &rusqlite::Row<'_>) -> Result<Finding, StoreError> {
    let asset: String = r.get(0).at(path)?;
    let doc = r.get_ref(1).and_then(|v| Ok(v.as_str()?)).at(path)?;
    let verdict: Verdict = serde_json::from_str(doc).map_err(|e| corrupt(path, format!("verdict of {asset}"), e))?;
    let kev: Option<String> = r.get(2).at(path)?;
    Ok(finding(asset, verdict, kev))
}

fn finding(asset: String, verdict: Verdict, kev: Option<String>) -> Finding {
    let cves = if verdict.vulnerability.to_ascii_uppercase().starts_with("CVE-") {
        vec![verdict.vulnerability.clone()]
    } else {
        Vec::new()
    };
    Finding { id: finding_id(&asset, &verdict.vulnerability), asset, cves, kev, verdict }
}

pub(crate) fn findings(conn: &Connection, path: &str, f: &FindingFilter) -> Result<Vec<Finding>, StoreError> {
    let statuses: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
    let statuses_json = if statuses.is_empty() { None } else { serde_json::to_string(&statuses).ok() };
    let sql = format!(
        "{FINDING_SELECT} WHERE (?1 IS NULL OR ap.asset_id = ?1) \
         AND (?2 IS NULL OR v.vulnerability = ?2 OR v.advisory = ?2 COLLATE NOCASE \
              OR EXISTS (SELECT 1 FROM json_each(v.doc, '$.advisories') j WHERE j.value = ?2 COLLATE NOCASE)) \
         AND v.confidence_rank >= ?3 \
         AND (?4 IS NULL OR v.status IN (SELECT value FROM json_each(?4))) \
         AND (?5 = 0 OR EXISTS (SELECT 1 FROM kev k WHERE k.cve = v.vulnerability)) \
         ORDER BY ap.asset_id, v.vulnerability, v.slot LIMIT ?6 OFFSET ?7"
    );
    let limit: i64 = if f.limit == 0 { -1 } else { i64::try_from(f.limit).unwrap_or(i64::MAX) };
    let offset = i64::try_from(f.offset).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&sql).at(path)?;
    let mut rows = stmt
        .query(params![
            f.asset,
            f.vulnerability,
            f.min_confidence.map_or(0, confidence_rank),
            statuses_json,
            f.kev_only,
            limit,
            offset
        ])
        .at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        out.push(finding_row(path, r)?);
    }
    Ok(out)
}

/// A finding by id: `<asset>:<vulnerability>`. Asset ids may hold `:` themselves, so every split
/// is tried.
pub(crate) fn finding_by_id(conn: &Connection, path: &str, id: &str) -> Result<Option<Finding>, StoreError> {
    let sql = format!("{FINDING_SELECT} WHERE ap.asset_id = ?1 AND v.vulnerability = ?2 ORDER BY v.slot LIMIT 1");
    let mut stmt = conn.prepare_cached(&sql).at(path)?;
    for (i, _) in id.match_indices(':') {
        let mut rows = stmt.query(params![&id[..i], &id[i + 1..]]).at(path)?;
        if let Some(r) = rows.next().at(path)? {
            return finding_row(path, r).map(Some);
        }
    }
    Ok(None)
}

pub(crate) fn summary(conn: &Connection, path: &str) -> Result<FindingSummary, StoreError> {
    let mut s = FindingSummary::default();
    let mut stmt = conn
        .prepare_cached(
            "WITH n AS (SELECT platform, count(*) AS assets FROM asset_platforms GROUP BY platform) \
             SELECT v.status, v.confidence, sum(n.assets) FROM verdicts v JOIN n ON n.platform = v.platform \
             GROUP BY v.status, v.confidence",
        )
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    while let Some(r) = rows.next().at(path)? {
        let st: String = r.get(0).at(path)?;
        let c: String = r.get(1).at(path)?;
        let n: i64 = r.get(2).at(path)?;
        let st = FindingStatus::from_str(&st).map_err(|e| corrupt(path, "verdict status", e))?;
        let c = Confidence::from_str(&c).map_err(|e| corrupt(path, "verdict confidence", e))?;
        s.by_status.push((st, c, count(path, n)?));
    }
    s.by_status.sort();
    let open_kev: i64 = conn
        .query_row(
            "WITH n AS (SELECT platform, count(*) AS assets FROM asset_platforms GROUP BY platform) \
             SELECT coalesce(sum(n.assets), 0) FROM verdicts v JOIN n ON n.platform = v.platform \
             WHERE v.status IN ('affected', 'under-investigation') AND EXISTS (SELECT 1 FROM kev k WHERE k.cve = v.vulnerability)",
            [],
            |r| r.get(0),
        )
        .at(path)?;
    s.open_kev = count(path, open_kev)?;
    let assets: i64 = conn
        .query_row(
            "SELECT count(*) FROM asset_platforms ap WHERE ap.platform IN \
             (SELECT platform FROM verdicts WHERE status IN ('affected', 'under-investigation'))",
            [],
            |r| r.get(0),
        )
        .at(path)?;
    s.assets_with_open = count(path, assets)?;
    let (last_run, last_kind): (Option<String>, Option<String>) = conn
        .query_row("SELECT last_run, last_kind FROM match_state WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .at(path)?;
    s.last_run = last_run;
    s.last_kind = last_kind;
    let st = state(conn, path)?;
    s.stale = st.matched_plant_version != Some(st.plant_version);
    s.unmatched_advisories = st.unmatched_advisories;
    Ok(s)
}
