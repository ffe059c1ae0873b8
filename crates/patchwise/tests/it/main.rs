//! End-to-end tests of the `patchwise` binary: exit codes, the README commands, atomic imports,
//! export round trips and the documented JSON shapes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod decide;
mod exposure;
/// The local HTTP server of the sync crate's tests (127.0.0.1 only), shared rather than copied.
#[path = "../../../sync/tests/it/server.rs"]
#[allow(dead_code)]
mod feed_server;
mod imports;
mod intel;
mod matching;
mod workflow;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary against `db` with `args`; stdin is empty.
pub fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patchwise"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PATCHWISE_DB")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run patchwise")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and asserts success, returning stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(o.status.success(), "patchwise {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// `../shared/fixtures/<rel>`; `None` with a message when absent, a failure under `CI=true`.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let p = repo_root().join("../shared/fixtures").join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "fixture {} is missing and CI=true", p.display());
    eprintln!("skipping: fixture {} is absent", p.display());
    None
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every row of every table, in a stable order: the database's content, independent of pages.
pub fn dump(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    tables.retain(|t| !t.starts_with("sqlite_"));
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).expect("prepare");
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = Vec::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(format!("{t}: {}", cells.join(" | ")))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows.sort();
        out.extend(rows);
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version");
    out.push(format!("user_version {version}"));
    out
}
