//! Shared test helpers.

use std::path::PathBuf;

use model::advisory::{Advisory, AdvisoryKind, AffectedStatement, Provenance, Source};

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

/// An advisory with only what matching reads: id, kind, statements and provenance.
pub fn advisory(
    id: &str,
    kind: AdvisoryKind,
    source: Source,
    document: &str,
    revision: Option<&str>,
    affected: Vec<AffectedStatement>,
) -> Advisory {
    Advisory {
        id: id.to_string(),
        kind,
        aliases: Vec::new(),
        title: None,
        description: None,
        cwes: Vec::new(),
        published: None,
        modified: None,
        rejected: false,
        cvss: Vec::new(),
        affected,
        remediations: Vec::new(),
        references: Vec::new(),
        warnings: Vec::new(),
        provenance: Provenance {
            source,
            document: document.to_string(),
            revision: revision.map(str::to_string),
            file: None,
            digest: None,
            retrieved_at: None,
        },
    }
}
