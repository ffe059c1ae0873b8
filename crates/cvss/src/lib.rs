//! CVSS vectors as published on advisories: strict parsing, a normalised printed form and scores
//! for CVSS v2.0, v3.0, v3.1 and v4.0, implemented from the FIRST specifications.
//!
//! ```
//! let v = cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H")?;
//! let s = v.scores();
//! assert_eq!((s.base, s.temporal, s.environmental), (9.6, Some(9.6), Some(9.7)));
//! assert_eq!(s.severity, cvss::Severity::Critical);
//! # Ok::<(), cvss::CvssError>(())
//! ```
//!
//! What the scores mean per version:
//!
//! * **v2.0** — base, temporal and environmental per the v2 guide. As NVD and the Red Hat library
//!   do, a group whose metrics are all absent or `ND` has no score (`None`).
//! * **v3.0 / v3.1** — base, temporal and environmental are always present: absent temporal and
//!   environmental metrics mean `X` ("not defined"), exactly as the FIRST calculators show them.
//!   The environmental score can differ from the base score even then (the 3.1 modified-impact
//!   formula), e.g. 9.6 → 9.7 above.
//! * **v4.0** — one score (in [`Scores::base`]) whose [`Scores::nomenclature`] says which metric
//!   groups went into it (CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE).
//!
//! Invariants: this crate does no IO, keeps no state besides compile-time tables, and never panics
//! on any input; bad input is a [`CvssError`] naming the metric and its byte offset.

mod decimal;
mod error;
mod v2;
mod v3;
mod v4;
mod v4_lookup;
mod vector;

use serde::{Deserialize, Serialize};

pub use error::CvssError;
pub use vector::Vector;

/// Parses a CVSS vector string of any supported version.
///
/// Versions are recognised by their prefix: `CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`. A vector without
/// a prefix is CVSS v2.0 (the form NVD and most advisories use); v2.0 vectors may also carry a
/// `CVSS:2.0/` prefix or be wrapped in parentheses, `(AV:N/AC:L/Au:N/C:P/I:P/A:P)`. Leading and
/// trailing whitespace is ignored. Metrics may come in any order; each may appear once, with one
/// of the values its specification allows, and every base metric must be present.
pub fn parse(vector: &str) -> Result<Vector, CvssError> {
    vector::parse(vector)
}

/// A CVSS specification version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Version {
    /// CVSS v2.0 (2007).
    #[serde(rename = "2.0")]
    V2_0,
    /// CVSS v3.0 (2015).
    #[serde(rename = "3.0")]
    V3_0,
    /// CVSS v3.1 (2019).
    #[serde(rename = "3.1")]
    V3_1,
    /// CVSS v4.0 (2023).
    #[serde(rename = "4.0")]
    V4_0,
}

impl Version {
    /// The version number as written in vector prefixes and the CVSS JSON schemas: `"3.1"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2_0 => "2.0",
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4_0 => "4.0",
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Qualitative severity rating of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// 0.0 (v3.x and v4.0 only).
    None,
    /// 0.1–3.9 (v2.0: 0.0–3.9).
    Low,
    /// 4.0–6.9.
    Medium,
    /// 7.0–8.9 (v2.0: 7.0–10.0).
    High,
    /// 9.0–10.0 (v3.x and v4.0 only).
    Critical,
}

impl Severity {
    /// Rates a score with the table of the given version: the NVD table for v2.0 (Low / Medium /
    /// High), the specification tables for v3.x and v4.0 (None … Critical). NaN rates as `None`.
    pub fn from_score(version: Version, score: f64) -> Severity {
        // Scores carry one decimal; compare in tenths so 3.9 vs 4.0 never depends on float noise.
        let tenths = (score * 10.0).round();
        match version {
            _ if tenths.is_nan() => Severity::None,
            Version::V2_0 if tenths < 40.0 => Severity::Low,
            Version::V2_0 if tenths < 70.0 => Severity::Medium,
            Version::V2_0 => Severity::High,
            _ if tenths <= 0.0 => Severity::None,
            _ if tenths < 40.0 => Severity::Low,
            _ if tenths < 70.0 => Severity::Medium,
            _ if tenths < 90.0 => Severity::High,
            _ => Severity::Critical,
        }
    }

    /// The rating as the CVSS JSON schemas spell it: `"CRITICAL"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "NONE",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which metric groups a CVSS v4.0 score covers (specification §1.3, "CVSS Nomenclature").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Nomenclature {
    /// Base metrics only.
    #[serde(rename = "CVSS-B")]
    B,
    /// Base and threat metrics.
    #[serde(rename = "CVSS-BT")]
    BT,
    /// Base and environmental metrics.
    #[serde(rename = "CVSS-BE")]
    BE,
    /// Base, threat and environmental metrics.
    #[serde(rename = "CVSS-BTE")]
    BTE,
}

impl Nomenclature {
    /// The name as the specification writes it: `"CVSS-BTE"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Nomenclature::B => "CVSS-B",
            Nomenclature::BT => "CVSS-BT",
            Nomenclature::BE => "CVSS-BE",
            Nomenclature::BTE => "CVSS-BTE",
        }
    }
}

impl std::fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scores of one vector. Every score has one decimal and lies in [0, 10].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// The version of the vector scored.
    pub version: Version,
    /// v2.0 / v3.x: the base score. v4.0: the one CVSS v4.0 score, covering the groups named by
    /// [`Scores::nomenclature`].
    pub base: f64,
    /// v2.0: present when a temporal metric is defined. v3.x: always present. v4.0: `None`.
    pub temporal: Option<f64>,
    /// v2.0: present when an environmental metric is defined. v3.x: always present. v4.0: `None`.
    pub environmental: Option<f64>,
    /// Rating of [`Scores::base`] with the version's table (see [`Severity::from_score`]).
    pub severity: Severity,
    /// v4.0 only: which groups the score covers.
    pub nomenclature: Option<Nomenclature>,
}
