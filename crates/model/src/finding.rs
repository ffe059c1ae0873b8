//! Findings: "this advisory's statement is about this asset", with the evidence that says why.
//!
//! Findings are derived data: matching recomputes them from the plant and the intelligence.
//! Their ids are built from what they are about (`<asset>:<vulnerability>`), so workflow records
//! that name a finding still name it after any recompute.

use serde::{Deserialize, Serialize};

use crate::advisory::{ProductStatus, RemediationKind, Source};
use crate::{Confidence, FindingStatus};

/// The part of an asset a verdict is about: the device itself (`device`) or one component
/// (`c:<normalised component name>`).
pub const DEVICE_SLOT: &str = "device";

/// How a statement was tied to the asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchBasis {
    /// The asset's model / order number is one the statement lists.
    ModelNumber,
    /// The exact product name (directly or through the model table).
    Product,
    /// The product family.
    Family,
    /// A CPE the inventory states for the asset or component.
    Cpe,
    /// A CPE Patchwise derived from the asset's vendor and product names.
    DerivedCpe,
    /// A package URL.
    Purl,
    /// Vendor and a loosely similar product name only.
    Vendor,
}

impl MatchBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchBasis::ModelNumber => "model-number",
            MatchBasis::Product => "product",
            MatchBasis::Family => "family",
            MatchBasis::Cpe => "cpe",
            MatchBasis::DerivedCpe => "derived-cpe",
            MatchBasis::Purl => "purl",
            MatchBasis::Vendor => "vendor",
        }
    }
}

/// One statement that matched, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Advisory id (`ICSA-24-102-03`, `CVE-2022-0028`).
    pub advisory: String,
    pub source: Source,
    /// The advisory's document revision, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// What the statement says about which product, in words
    /// (`SIMATIC S7-1500 CPU 1516-3 PN/DP (6ES7516-3AN02-0AB0)`, a CPE criterion).
    pub statement: String,
    pub status: ProductStatus,
    pub basis: MatchBasis,
    /// What on the asset it matched (`model 6ES7 516-3AN02-0AB0`, `cpe:2.3:o:…`).
    pub matched: String,
    /// The asset's version that was compared, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The range in words (`< V2.9.4`, `all versions`).
    pub range: String,
    /// The comparator that decided (`siemens`, `generic`, `vers:pypi`); `none` when no version
    /// was compared.
    pub comparator: String,
    /// `inside`, `outside` or `unknown: <reason>`.
    pub containment: String,
    pub confidence: Confidence,
    /// Platform criteria of a configuration that also held (firmware *running on* this hardware).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platform: Vec<String>,
    /// VEX justification of a not-affected statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A remediation the advisories offer for this finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRemedy {
    pub advisory: String,
    pub kind: RemediationKind,
    pub details: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_required: Option<String>,
}

/// The weighed verdict for one part of one platform and one vulnerability — what matching
/// computes. Assets that are made of the same things share verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// [`DEVICE_SLOT`] or `c:<component>`.
    pub slot: String,
    /// The component's name as the inventory gives it, for a component slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// CVE id (or the advisory's own id when it names no CVE).
    pub vulnerability: String,
    pub status: FindingStatus,
    pub confidence: Confidence,
    /// The advisory that decided the status (vendor advisories before CVE records).
    pub advisory: String,
    /// Every advisory with evidence, sorted.
    pub advisories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remedies: Vec<FindingRemedy>,
}

/// A finding: a verdict on one asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `<asset>:<vulnerability>`.
    pub id: String,
    pub asset: String,
    /// The vulnerability and the CVE aliases the advisories give it.
    pub cves: Vec<String>,
    /// The date CISA added the vulnerability to KEV, when it is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<String>,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The stable id of a finding: `<asset>:<vulnerability>`. Matching keeps one finding per asset
/// and vulnerability (the part it is about is a field), so the id survives a change of which
/// part carries the best evidence.
pub fn finding_id(asset: &str, vulnerability: &str) -> String {
    format!("{asset}:{vulnerability}")
}

/// Maps a [`ProductStatus`] to the status of a finding it alone would give.
pub fn status_of(s: ProductStatus) -> FindingStatus {
    match s {
        ProductStatus::Affected => FindingStatus::Affected,
        ProductStatus::NotAffected => FindingStatus::NotAffected,
        ProductStatus::Fixed => FindingStatus::Fixed,
        ProductStatus::UnderInvestigation => FindingStatus::UnderInvestigation,
    }
}
