//! Shared test helpers.

use std::path::PathBuf;

/// A path under `../shared/fixtures`, or `None` (with a message) when the fixture is absent on a
/// developer machine; a panic under `CI=true`, where a missing fixture folder must fail the run.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    let p = root.join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("fixture {} is missing and CI=true", p.display());
    }
    eprintln!("skipping: fixture {} is absent", p.display());
    None
}
