//! Locating the shared fixture folder, and small readers shared by the fixture-driven modules.

use std::path::{Path, PathBuf};

/// The shared fixture folder, or `None` (with a skip message) when it is absent. Under `CI=true`
/// an absent folder fails the test instead: CI must never pass by skipping.
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but the fixture folder {} is missing", dir.display());
    }
    eprintln!("skipping: fixture folder {} not found", dir.display());
    None
}

/// Reads a fixture file as text, failing the test with the path on error.
pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
