//! The workflow records, users and the hash-chained audit trail; every change is written with its
//! audit entry in one transaction.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use workflow::audit::{self, Entry, What};

use super::At;
use crate::{AuditWho, Audited, ImportSource, StoreError, User};

fn corrupt(path: &str, what: &str, message: String) -> StoreError {
    StoreError::Corrupt { path: path.to_string(), what: what.into(), message }
}

fn last_entry(tx: &Transaction<'_>, path: &str) -> Result<Option<Entry>, StoreError> {
    tx.query_row(
        "SELECT seq, at, actor, action, object, reason, detail, prev, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        [],
        row,
    )
    .optional()
    .at(path)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        seq: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        object: r.get(4)?,
        reason: r.get(5)?,
        detail: r.get(6)?,
        prev: r.get(7)?,
        hash: r.get(8)?,
    })
}

pub(crate) fn record(conn: &mut Connection, path: &str, change: &Audited, who: &AuditWho) -> Result<Entry, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let object = match change {
        Audited::Workflow { record } => {
            let doc = serde_json::to_string(record).map_err(|e| corrupt(path, "workflow", e.to_string()))?;
            let state = record.state.map_or("new", |s| s.as_str());
            tx.execute(
                "INSERT INTO workflow (id, state, updated_at, doc) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, doc = excluded.doc",
                params![record.id, state, record.updated_at, doc],
            )
            .at(path)?;
            record.id.clone()
        }
        Audited::User { user } => {
            tx.execute(
                "INSERT INTO users (name, role, password, created_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role, password = coalesce(excluded.password, users.password)",
                params![user.name, user.role.as_str(), user.password, user.created_at],
            )
            .at(path)?;
            format!("user:{}", user.name)
        }
        Audited::Control { control } => {
            let problems = control.problems();
            if !problems.is_empty() {
                return Err(StoreError::Refused(problems.join("; ")));
            }
            let doc = serde_json::to_string(control).map_err(|e| corrupt(path, "controls", e.to_string()))?;
            tx.execute(
                "INSERT INTO controls (id, kind, owner, expires, doc) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, owner = excluded.owner, \
                 expires = excluded.expires, doc = excluded.doc",
                params![control.id, control.kind.as_str(), control.owner, control.expires.map(|d| d.to_string()), doc],
            )
            .at(path)?;
            format!("control:{}", control.id)
        }
        Audited::RemoveControl { id } => {
            if tx.execute("DELETE FROM controls WHERE id = ?1", [id]).at(path)? == 0 {
                return Err(StoreError::Refused(format!("no control `{id}`")));
            }
            format!("control:{id}")
        }
        Audited::Window { window } => {
            let problems = window.problems();
            if !problems.is_empty() {
                return Err(StoreError::Refused(problems.join("; ")));
            }
            let doc = serde_json::to_string(window).map_err(|e| corrupt(path, "windows", e.to_string()))?;
            tx.execute(
                "INSERT INTO windows (id, site, start, doc) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO UPDATE SET site = excluded.site, start = excluded.start, doc = excluded.doc",
                params![window.id, window.site, window.start.to_string(), doc],
            )
            .at(path)?;
            format!("window:{}", window.id)
        }
        Audited::RemoveWindow { id } => {
            if tx.execute("DELETE FROM windows WHERE id = ?1", [id]).at(path)? == 0 {
                return Err(StoreError::Refused(format!("no window `{id}`")));
            }
            format!("window:{id}")
        }
    };
    // The detail never carries a password hash (`User` does not serialise it).
    let detail = serde_json::to_string(change).map_err(|e| corrupt(path, "audit_log", e.to_string()))?;
    let last = last_entry(&tx, path)?;
    let entry = audit::next(
        last.as_ref(),
        &What {
            at: &who.at,
            actor: &who.actor,
            action: &who.action,
            object: &object,
            reason: &who.reason,
            detail: &detail,
        },
    );
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, object, reason, detail, prev, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            i64::try_from(entry.seq).unwrap_or(i64::MAX),
            entry.at,
            entry.actor,
            entry.action,
            entry.object,
            entry.reason,
            entry.detail,
            entry.prev,
            entry.hash
        ],
    )
    .at(path)?;
    tx.commit().at(path)?;
    Ok(entry)
}

pub(crate) fn records(conn: &Connection, path: &str) -> Result<Vec<workflow::Record>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, doc FROM workflow ORDER BY id").at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let id: String = r.get(0).at(path)?;
        let doc: String = r.get(1).at(path)?;
        out.push(serde_json::from_str(&doc).map_err(|e| corrupt(path, "workflow", format!("{id}: {e}")))?);
    }
    Ok(out)
}

pub(crate) fn users(conn: &Connection, path: &str) -> Result<Vec<User>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT name, role, password, created_at FROM users ORDER BY name").at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let name: String = r.get(0).at(path)?;
        let role: String = r.get(1).at(path)?;
        out.push(User {
            role: workflow::Role::parse(&role)
                .ok_or_else(|| corrupt(path, "users", format!("{name}: role `{role}`")))?,
            password: r.get(2).at(path)?,
            created_at: r.get(3).at(path)?,
            name,
        });
    }
    Ok(out)
}

pub(crate) fn log(conn: &Connection, path: &str, object: Option<&str>) -> Result<Vec<Entry>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, at, actor, action, object, reason, detail, prev, hash FROM audit_log \
             WHERE ?1 IS NULL OR object = ?1 ORDER BY seq",
        )
        .at(path)?;
    let rows = stmt.query_map([object], row).at(path)?;
    rows.collect::<Result<Vec<_>, _>>().at(path)
}

pub(crate) fn windows(conn: &Connection, path: &str) -> Result<Vec<model::MaintenanceWindow>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, doc FROM windows ORDER BY start, id").at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let id: String = r.get(0).at(path)?;
        let doc: String = r.get(1).at(path)?;
        out.push(serde_json::from_str(&doc).map_err(|e| corrupt(path, "windows", format!("{id}: {e}")))?);
    }
    Ok(out)
}

pub(crate) fn certifications(conn: &Connection, path: &str) -> Result<Vec<model::Certification>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT vendor, product, patch, status, date, source FROM certifications ORDER BY vendor, product, patch, source",
        )
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let date: Option<String> = r.get(4).at(path)?;
        let date = match date {
            Some(d) => Some(
                model::Date::parse(&d, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| corrupt(path, "certifications", format!("date `{d}`")))?,
            ),
            None => None,
        };
        out.push(model::Certification {
            vendor: r.get(0).at(path)?,
            product: r.get(1).at(path)?,
            patch: r.get(2).at(path)?,
            status: r.get(3).at(path)?,
            date,
            source: r.get(5).at(path)?,
        });
    }
    Ok(out)
}

pub(crate) fn import_certifications(
    conn: &mut Connection,
    path: &str,
    rows: &[model::Certification],
    source: &ImportSource,
) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let mut changed = 0;
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO certifications (vendor, product, patch, source, status, date) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (vendor, product, patch, source) DO UPDATE SET status = excluded.status, date = excluded.date \
                 WHERE status IS NOT excluded.status OR date IS NOT excluded.date",
            )
            .at(path)?;
        for c in rows {
            changed += stmt
                .execute(params![c.vendor, c.product, c.patch, c.source, c.status, c.date.map(|d| d.to_string())])
                .at(path)?;
        }
    }
    super::write::log_import_counts(&tx, path, source, changed, 0, 0)?;
    tx.commit().at(path)?;
    Ok(changed)
}
