//! Decisions: the current decision of every open finding, the append-only history of changes,
//! and the compensating controls decisions take into account.

use rusqlite::{Connection, TransactionBehavior, params};

use model::Date;

use super::At;
use crate::{DecisionChange, StoreError, StoredDecision, StoredInput};

fn corrupt(path: &str, message: String) -> StoreError {
    StoreError::Corrupt { path: path.to_string(), what: "decisions".into(), message }
}

fn date(path: &str, finding: &str, s: &str) -> Result<Date, StoreError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, format).map_err(|_| corrupt(path, format!("decision of {finding}: date `{s}`")))
}

pub(crate) fn stored(conn: &Connection, path: &str) -> Result<Vec<StoredDecision>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT finding, asset, site, vulnerability, decision_table, priority, since, deadline, inputs, \
             cisa_level, bod_26_04, decided_at FROM decisions ORDER BY finding",
        )
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let text = |i: usize| -> Result<String, StoreError> { r.get::<_, String>(i).at(path) };
        let finding = text(0)?;
        let inputs: Vec<StoredInput> = serde_json::from_str(&text(8)?)
            .map_err(|e| corrupt(path, format!("decision of {finding}: inputs: {e}")))?;
        out.push(StoredDecision {
            asset: text(1)?,
            site: text(2)?,
            vulnerability: text(3)?,
            table: text(4)?,
            priority: text(5)?,
            since: date(path, &finding, &text(6)?)?,
            deadline: date(path, &finding, &text(7)?)?,
            inputs,
            cisa_level: text(9)?,
            bod_26_04: text(10)?,
            decided_at: text(11)?,
            finding,
        });
    }
    Ok(out)
}

pub(crate) fn save(
    conn: &mut Connection,
    path: &str,
    upserts: &[StoredDecision],
    removed: &[String],
    changes: &[DecisionChange],
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    {
        let mut up = tx
            .prepare_cached(
                "INSERT INTO decisions (finding, asset, site, vulnerability, decision_table, priority, since, \
                 deadline, inputs, cisa_level, bod_26_04, decided_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
                 ON CONFLICT (finding) DO UPDATE SET asset = excluded.asset, site = excluded.site, \
                 vulnerability = excluded.vulnerability, decision_table = excluded.decision_table, \
                 priority = excluded.priority, since = excluded.since, deadline = excluded.deadline, \
                 inputs = excluded.inputs, cisa_level = excluded.cisa_level, bod_26_04 = excluded.bod_26_04, \
                 decided_at = excluded.decided_at",
            )
            .at(path)?;
        for d in upserts {
            let inputs = serde_json::to_string(&d.inputs)
                .map_err(|e| corrupt(path, format!("decision of {}: inputs: {e}", d.finding)))?;
            up.execute(params![
                d.finding,
                d.asset,
                d.site,
                d.vulnerability,
                d.table,
                d.priority,
                d.since.to_string(),
                d.deadline.to_string(),
                inputs,
                d.cisa_level,
                d.bod_26_04,
                d.decided_at,
            ])
            .at(path)?;
        }
        let mut del = tx.prepare_cached("DELETE FROM decisions WHERE finding = ?1").at(path)?;
        for f in removed {
            del.execute([f]).at(path)?;
        }
        let mut hist = tx
            .prepare_cached(
                "INSERT INTO decision_history (finding, asset, vulnerability, at, before, after, deadline, reasons) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .at(path)?;
        for c in changes {
            let reasons = serde_json::to_string(&c.reasons)
                .map_err(|e| corrupt(path, format!("history of {}: {e}", c.finding)))?;
            hist.execute(params![
                c.finding,
                c.asset,
                c.vulnerability,
                c.at,
                c.before,
                c.after,
                c.deadline.map(|d| d.to_string()),
                reasons
            ])
            .at(path)?;
        }
    }
    tx.commit().at(path)
}

pub(crate) fn history(
    conn: &Connection,
    path: &str,
    finding: Option<&str>,
    limit: usize,
) -> Result<Vec<DecisionChange>, StoreError> {
    let limit = if limit == 0 { -1 } else { i64::try_from(limit).unwrap_or(i64::MAX) };
    let mut stmt = conn
        .prepare_cached(
            "SELECT finding, asset, vulnerability, at, before, after, deadline, reasons FROM decision_history \
             WHERE ?1 IS NULL OR finding = ?1 ORDER BY seq DESC LIMIT ?2",
        )
        .at(path)?;
    let mut rows = stmt.query(params![finding, limit]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let finding: String = r.get(0).at(path)?;
        let deadline: Option<String> = r.get(6).at(path)?;
        let reasons: String = r.get(7).at(path)?;
        out.push(DecisionChange {
            asset: r.get(1).at(path)?,
            vulnerability: r.get(2).at(path)?,
            at: r.get(3).at(path)?,
            before: r.get(4).at(path)?,
            after: r.get(5).at(path)?,
            deadline: deadline.map(|d| date(path, &finding, &d)).transpose()?,
            reasons: serde_json::from_str(&reasons)
                .map_err(|e| corrupt(path, format!("history of {finding}: reasons: {e}")))?,
            finding,
        });
    }
    Ok(out)
}

pub(crate) fn controls(conn: &Connection, path: &str) -> Result<Vec<model::Control>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, doc FROM controls ORDER BY id").at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let id: String = r.get(0).at(path)?;
        let doc: String = r.get(1).at(path)?;
        out.push(serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt {
            path: path.to_string(),
            what: "controls".into(),
            message: format!("control {id}: {e}"),
        })?);
    }
    Ok(out)
}
