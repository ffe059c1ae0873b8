//! Vulnerability intelligence in one neutral form, whatever the feed: advisories (CVE records,
//! NVD entries, vendor CSAF advisories, VEX documents) with affected-product statements,
//! remediations and scores, and the exploitation signals that arrive separately (KEV entries,
//! EPSS scores, Vulnrichment SSVC points). Every record carries its provenance.
//!
//! Readers in `intel` build these; matching and decisions read them. Nothing here parses a feed.

use serde::{Deserialize, Serialize};

/// The feed or document family a fact came from. Serialised as [`Source::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// NVD CVE API 2.0 responses and 2.0 feed files.
    #[serde(rename = "nvd-2.0")]
    Nvd2,
    /// NVD 1.1 JSON feeds.
    #[serde(rename = "nvd-1.1")]
    Nvd11,
    /// CVE JSON 5.x record, CNA container.
    #[serde(rename = "cve-5")]
    Cve5,
    /// CVE JSON 5.x record, an ADP container (CISA Vulnrichment is `CISA-ADP`).
    #[serde(rename = "cve-5-adp")]
    Cve5Adp,
    /// CISA Known Exploited Vulnerabilities catalog.
    Kev,
    /// FIRST EPSS scores.
    Epss,
    /// CSAF 2.0 security advisory (also `csaf_vex`).
    Csaf,
    /// CycloneDX VEX / VDR.
    #[serde(rename = "cyclonedx-vex")]
    CycloneDxVex,
    /// OpenVEX.
    #[serde(rename = "openvex")]
    OpenVex,
    /// Patchwise's own demo intelligence set.
    Demo,
}

impl Source {
    /// Every source, in declaration (and `Ord`) order.
    pub const ALL: [Source; 10] = [
        Source::Nvd2,
        Source::Nvd11,
        Source::Cve5,
        Source::Cve5Adp,
        Source::Kev,
        Source::Epss,
        Source::Csaf,
        Source::CycloneDxVex,
        Source::OpenVex,
        Source::Demo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Nvd2 => "nvd-2.0",
            Source::Nvd11 => "nvd-1.1",
            Source::Cve5 => "cve-5",
            Source::Cve5Adp => "cve-5-adp",
            Source::Kev => "kev",
            Source::Epss => "epss",
            Source::Csaf => "csaf",
            Source::CycloneDxVex => "cyclonedx-vex",
            Source::OpenVex => "openvex",
            Source::Demo => "demo",
        }
    }
}

/// Where one fact came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: Source,
    /// The document's own id: `ICSA-24-102-03`, `CVE-2022-0028`, `CVE-2022-0028#adp/CISA-ADP`
    /// for an ADP container, `cisa-kev`, `first-epss`, the NVD feed name (`nvdcve-1.1-2022`).
    pub document: String,
    /// Document revision or last-modified stamp, where the source has one
    /// (`tracking.version`, `dateUpdated`, `lastModified`).
    pub revision: Option<String>,
    /// The file it was read from, as given to the importer (path inside an archive after `!`).
    pub file: Option<String>,
    /// Hex SHA-256 of that file's bytes.
    pub digest: Option<String>,
    /// When Patchwise read it (RFC 3339), passed in by the caller.
    pub retrieved_at: Option<String>,
}

/// A CVSS vector as published, with who published it. Scores are computed by the `cvss` crate,
/// never taken from the document: publishers make mistakes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvssVector {
    /// The vector string as published (`CVSS:3.1/AV:N/…`, or a bare v2 vector).
    pub vector: String,
    /// Who scored it: `nvd`, the CNA short name, `CISA-ADP`, the CSAF publisher.
    pub scored_by: Option<String>,
    /// The score the document states, kept only to report disagreement.
    pub published_score: Option<String>,
    /// The vulnerability (CVE) the score is about, where a document covers several (a CSAF
    /// advisory scores each of its vulnerabilities); absent when the record is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<String>,
}

/// A reference link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub url: String,
    pub tags: Vec<String>,
}

/// One bound of a version range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    pub version: String,
    pub inclusive: bool,
}

/// Which versions a statement covers, in the form the source gave, normalised where that is
/// unambiguous. Matching decides containment; a range it cannot read is never "not affected".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum VersionSpec {
    /// Every version (`vers:all/*`, CPE version `*` with no bounds).
    All,
    /// Exactly this version.
    Exact { version: String },
    /// An interval; either side may be open.
    Range { start: Option<Bound>, end: Option<Bound> },
    /// A `vers:` range in canonical form (`vers:generic/>=2.0|<2.9.4`).
    Vers { vers: String },
    /// Text nobody could read unambiguously; needs an analyst.
    Unparsed { text: String },
}

/// What a statement says about the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProductStatus {
    Affected,
    NotAffected,
    Fixed,
    UnderInvestigation,
}

/// VEX justifications for "not affected" (CSAF flag labels; CycloneDX and OpenVEX map onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

/// A product named by vendor, product name, family and model numbers (CSAF product trees, CVE 5
/// CNA `affected`, KEV vendor/product).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductName {
    pub vendor: Option<String>,
    /// Product family (`SIMATIC S7-1500`), where the source separates it.
    pub family: Option<String>,
    pub product: Option<String>,
    /// Order / model numbers (`6ES7516-3AN02-0AB0`), possibly with `*` wildcards as published.
    pub model_numbers: Vec<String>,
    pub skus: Vec<String>,
    pub cpe: Option<String>,
    pub purl: Option<String>,
}

/// One CPE match criterion of an NVD-style configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpeMatch {
    pub vulnerable: bool,
    /// CPE 2.3 formatted string.
    pub criteria: String,
    pub version_start_including: Option<String>,
    pub version_start_excluding: Option<String>,
    pub version_end_including: Option<String>,
    pub version_end_excluding: Option<String>,
    /// NVD's id of the match criterion (API 2.0 `matchCriteriaId`), for the CPE match feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_criteria_id: Option<String>,
}

/// AND / OR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operator {
    And,
    Or,
}

/// A node of a configuration: CPE matches combined with one operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigNode {
    pub operator: Operator,
    pub negate: bool,
    pub matches: Vec<CpeMatch>,
    /// NVD 1.1 nests nodes; API 2.0 keeps them flat. Both fit here.
    pub children: Vec<ConfigNode>,
}

/// An NVD configuration: nodes combined with one operator (AND = running on / with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configuration {
    pub operator: Operator,
    pub negate: bool,
    pub nodes: Vec<ConfigNode>,
}

/// What an affected-product statement is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// An NVD configuration tree (NVD; CVE 5 ADP `cpes` become single-node configurations).
    Configuration { configuration: Configuration },
    /// A named product with the versions the statement covers.
    Product { product: ProductName, versions: VersionSpec },
}

/// "This product, these versions, have this status for this vulnerability."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedStatement {
    /// The vulnerability (CVE id, or the advisory's own id when it names none).
    pub vulnerability: String,
    pub target: Target,
    pub status: ProductStatus,
    pub justification: Option<Justification>,
    /// Free-text impact or detail statement (VEX), if any.
    pub detail: Option<String>,
}

/// Remediation categories (CSAF 2.0 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationKind {
    VendorFix,
    Mitigation,
    Workaround,
    NoneAvailable,
    NoFixPlanned,
}

/// What to do about a vulnerability on some products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    pub vulnerability: String,
    pub kind: RemediationKind,
    pub details: String,
    /// Products it applies to, as the affected statements name them (CSAF product ids resolved to
    /// product names).
    pub products: Vec<ProductName>,
    /// The version that fixes it, where the source states one.
    pub fixed_version: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    /// CSAF `restart_required.category` (`machine`, `system`, `none`, …): what applying it costs
    /// the plant.
    pub restart_required: Option<String>,
}

/// What kind of document an advisory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdvisoryKind {
    /// A CVE record (NVD or CVE 5).
    Cve,
    /// A vendor or coordinator advisory covering one or more CVEs (CSAF `csaf_security_advisory`).
    VendorAdvisory,
    /// A VEX document (CSAF `csaf_vex`, CycloneDX VEX, OpenVEX).
    Vex,
}

/// One advisory as one source published it. The same CVE from NVD and from CVE 5 are two
/// advisories with the same id and different provenance; views merge them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// `CVE-2022-0028`, `ICSA-24-102-03` (upper case), a VEX document id.
    pub id: String,
    pub kind: AdvisoryKind,
    /// Other ids for the same thing: the CVEs an advisory covers, GHSA ids, vendor ids.
    pub aliases: Vec<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `CWE-787`.
    pub cwes: Vec<String>,
    /// RFC 3339 or date, as published.
    pub published: Option<String>,
    pub modified: Option<String>,
    /// The CVE was rejected (REJECTED state or `** REJECT **`).
    pub rejected: bool,
    pub cvss: Vec<CvssVector>,
    pub affected: Vec<AffectedStatement>,
    pub remediations: Vec<Remediation>,
    pub references: Vec<Reference>,
    /// Data-quality notes found while reading (a loose range normalised, a range left unparsed).
    pub warnings: Vec<String>,
    pub provenance: Provenance,
}

/// Known ransomware use, as KEV states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RansomwareUse {
    Known,
    Unknown,
}

/// An entry of the CISA KEV catalog — from the catalog itself, or the `kev` metric a CVE 5 ADP
/// container repeats (which carries only the date and the reference).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    pub cve: String,
    pub vendor_project: Option<String>,
    pub product: Option<String>,
    pub name: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_added: String,
    pub due_date: Option<String>,
    pub required_action: Option<String>,
    pub ransomware: RansomwareUse,
    pub description: Option<String>,
    pub notes: Option<String>,
    pub cwes: Vec<String>,
    pub provenance: Provenance,
}

/// One EPSS score: a probability of exploitation activity in the next 30 days, not evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssScore {
    pub cve: String,
    pub score: f64,
    pub percentile: f64,
    /// `score_date` of the file, `YYYY-MM-DD`.
    pub date: String,
    pub model_version: Option<String>,
    pub provenance: Provenance,
}

/// SSVC Exploitation values as Vulnrichment writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exploitation {
    None,
    Poc,
    Active,
}

/// SSVC Technical Impact values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TechnicalImpact {
    Partial,
    Total,
}

/// SSVC decision points a coordinator (CISA ADP Vulnrichment) published for a CVE. A missing
/// value is unknown, never "none".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsvcPoints {
    pub cve: String,
    pub exploitation: Option<Exploitation>,
    pub automatable: Option<bool>,
    pub technical_impact: Option<TechnicalImpact>,
    /// `CISA Coordinator`.
    pub role: Option<String>,
    /// Decision model version (`2.0.3`).
    pub version: Option<String>,
    pub timestamp: Option<String>,
    pub provenance: Provenance,
}

/// Everything one intelligence document yields. Readers return a stream of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "kebab-case")]
pub enum IntelRecord {
    Advisory(Box<Advisory>),
    Kev(KevEntry),
    Epss(EpssScore),
    Ssvc(SsvcPoints),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_serialise_as_their_names() {
        for s in Source::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::Value::String(s.as_str().into()));
        }
    }
}
