//! `sync` against a local HTTP server on 127.0.0.1, serving the real feeds in ../shared/fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod server;
mod sync;

use std::path::{Path, PathBuf};

/// `../shared/fixtures/<rel>`; `None` with a message when absent, a failure under `CI=true`.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures").join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "fixture {} is missing and CI=true", p.display());
    eprintln!("skipping: fixture {} is absent", p.display());
    None
}
