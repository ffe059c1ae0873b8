//! Schema migrations, embedded in the binary and tracked with `PRAGMA user_version`.
//!
//! Migration N brings a database from version N-1 to N. Pending migrations run in order inside
//! one transaction together with the version bump, so a database is always at some whole
//! version. A migration, once released, is never edited: changes go into a new file.

use rusqlite::{Connection, TransactionBehavior};

use super::At;
use crate::StoreError;

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "0001_plant", sql: include_str!("../../migrations/0001_plant.sql") },
    Migration { version: 2, name: "0002_intel", sql: include_str!("../../migrations/0002_intel.sql") },
    Migration { version: 3, name: "0003_quality", sql: include_str!("../../migrations/0003_quality.sql") },
    Migration { version: 4, name: "0004_matching", sql: include_str!("../../migrations/0004_matching.sql") },
    Migration { version: 5, name: "0005_exposure", sql: include_str!("../../migrations/0005_exposure.sql") },
    Migration { version: 6, name: "0006_decisions", sql: include_str!("../../migrations/0006_decisions.sql") },
    Migration { version: 7, name: "0007_controls", sql: include_str!("../../migrations/0007_controls.sql") },
    Migration { version: 8, name: "0008_workflow", sql: include_str!("../../migrations/0008_workflow.sql") },
    Migration { version: 9, name: "0009_windows", sql: include_str!("../../migrations/0009_windows.sql") },
    Migration { version: 10, name: "0010_scans", sql: include_str!("../../migrations/0010_scans.sql") },
];

/// The version the last migration leaves a database at.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

fn user_version(conn: &Connection, path: &str) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0)).at(path)
}

fn too_new(path: &str, found: i64) -> StoreError {
    StoreError::SchemaTooNew { path: path.to_string(), found, known: SCHEMA_VERSION }
}

/// Applies every migration the database has not seen.
pub(crate) fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    let found = user_version(conn, path)?;
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // IMMEDIATE takes the write lock first, so two processes opening a new file do not both
    // migrate it: the second waits, then sees the new version.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let found = user_version(&tx, path)?;
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > found) {
        tx.execute_batch(m.sql).at(&format!("{path} (migration {})", m.name))?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION).at(path)?;
    tx.commit().at(path)
}

/// For read-only connections: the schema must be exactly this build's.
pub(crate) fn check_current(conn: &Connection, path: &str) -> Result<(), StoreError> {
    let found = user_version(conn, path)?;
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    if found < SCHEMA_VERSION {
        let what = if found == 0 { "is not a patchwise database yet" } else { "has an older schema" };
        return Err(StoreError::Refused(format!(
            "database {path} {what} (version {found}, this build uses {SCHEMA_VERSION}); \
             open it for writing once (for example by importing a plant) to bring it up to date"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_run_one_to_n_and_names_match() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)), "{}", m.name);
        }
    }
}
