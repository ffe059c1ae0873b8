//! The IO edge: reads the plant and the open findings from a store and analyses them.

use model::Confidence;
use model::finding::finding_id;
use store::{ExposureFinding, Store, StoreError};

use crate::reach::{Analysis, AttackVector, Exploit};

/// What to read.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Findings below this confidence are not used to take hosts (default: medium).
    pub min_confidence: Confidence,
}

impl Default for Options {
    fn default() -> Self {
        Options { min_confidence: Confidence::Medium }
    }
}

/// The attack vector of a vulnerability from all its published vectors: the most remote one any
/// source gives (sources disagree; the analysis errs towards reachable), unknown when none.
pub fn attack_vector(vectors: &[String]) -> AttackVector {
    let found: Vec<AttackVector> = vectors.iter().map(|v| AttackVector::from_cvss(v)).collect();
    [AttackVector::Network, AttackVector::Adjacent, AttackVector::Local, AttackVector::Physical]
        .into_iter()
        .find(|v| found.contains(v))
        .unwrap_or(AttackVector::Unknown)
}

/// The exploits an analysis uses, from the store's open findings.
pub fn exploits(findings: Vec<ExposureFinding>) -> Vec<Exploit> {
    findings
        .into_iter()
        .map(|f| Exploit {
            finding: finding_id(&f.asset, &f.vulnerability),
            vector: attack_vector(&f.vectors),
            asset: f.asset,
            vulnerability: f.vulnerability,
            kev: f.kev,
        })
        .collect()
}

/// Reads the stored plant and open findings and analyses them.
pub fn load(store: &dyn Store, opts: &Options) -> Result<Analysis, StoreError> {
    let plant = store.plant()?;
    let findings = store.exposure_findings(opts.min_confidence)?;
    Ok(Analysis::of(plant, exploits(findings)))
}
