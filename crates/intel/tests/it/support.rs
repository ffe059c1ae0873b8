//! Shared test helpers: where the fixtures are, and collecting a reader's records.

use std::path::PathBuf;

use intel::{DocumentInfo, IntelError};
use model::advisory::IntelRecord;

/// `../shared/fixtures/<rel>` beside the checkout. `None` (with a message) when the fixtures are
/// absent on a developer machine; a panic under `CI=true`, where a missing fixture folder must
/// fail the run rather than skip silently.
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

pub fn doc(file: &str) -> DocumentInfo {
    DocumentInfo {
        file: file.to_string(),
        digest: Some("0".repeat(64)),
        retrieved_at: Some("2026-11-22T00:00:00Z".into()),
    }
}

/// Runs a reader with a sink that collects every record.
pub fn collect(
    read: impl FnOnce(&mut dyn FnMut(IntelRecord) -> Result<(), IntelError>) -> Result<intel::ReadSummary, IntelError>,
) -> (Vec<IntelRecord>, intel::ReadSummary) {
    let mut out = Vec::new();
    let summary = read(&mut |r| {
        out.push(r);
        Ok(())
    })
    .unwrap();
    (out, summary)
}
