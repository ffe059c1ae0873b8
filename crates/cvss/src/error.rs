//! The one error type of the crate: why a vector string is not a valid CVSS vector.
//!
//! Every variant names what was wrong (the metric, the value, the prefix) and, where there is one,
//! the byte offset of the offending field in the string as given, so a caller can point at it.

use crate::Version;

/// Why a string is not a valid CVSS vector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CvssError {
    /// The string is empty or only whitespace.
    #[error("empty CVSS vector")]
    Empty,

    /// The string starts with a `CVSS:` prefix this crate does not know.
    #[error("unsupported CVSS prefix `{prefix}` (expected CVSS:2.0, CVSS:3.0, CVSS:3.1 or CVSS:4.0)")]
    UnsupportedVersion {
        /// The prefix as written, e.g. `CVSS:3.2`.
        prefix: String,
    },

    /// A vector without prefix (hence read as v2.0) uses a metric of CVSS v3.x or v4.0.
    #[error(
        "metric `{metric}` at byte {offset} is not a CVSS 2.0 metric and the vector has no version prefix; \
         CVSS v3.x and v4.0 vectors must start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/"
    )]
    MissingPrefix {
        /// The metric that gave it away, e.g. `PR`.
        metric: String,
        /// Byte offset of the field in the input.
        offset: usize,
    },

    /// A field is empty (`//`, a trailing `/`) or is not of the form `METRIC:VALUE`.
    #[error("malformed field `{field}` at byte {offset}: expected METRIC:VALUE")]
    MalformedField {
        /// The field as written (empty for `//`).
        field: String,
        /// Byte offset of the field in the input.
        offset: usize,
    },

    /// The metric abbreviation is not defined by this version of CVSS.
    #[error("unknown CVSS {version} metric `{metric}` at byte {offset}")]
    UnknownMetric {
        /// The version the vector was read as.
        version: Version,
        /// The abbreviation as written.
        metric: String,
        /// Byte offset of the field in the input.
        offset: usize,
    },

    /// The metric appears more than once.
    #[error("duplicate CVSS {version} metric `{metric}` at byte {offset}")]
    DuplicateMetric {
        /// The version the vector was read as.
        version: Version,
        /// The repeated metric.
        metric: &'static str,
        /// Byte offset of the second occurrence in the input.
        offset: usize,
    },

    /// The value is not one the metric allows.
    #[error(
        "invalid value `{value}` for CVSS {version} metric `{metric}` at byte {offset} (expected one of {})",
        .expected.join(", ")
    )]
    InvalidValue {
        /// The version the vector was read as.
        version: Version,
        /// The metric.
        metric: &'static str,
        /// The value as written.
        value: String,
        /// Byte offset of the field in the input.
        offset: usize,
        /// The values the metric allows.
        expected: &'static [&'static str],
    },

    /// Mandatory base metrics are absent.
    #[error("CVSS {version} vector lacks mandatory base metric(s) {}", .missing.join(", "))]
    MissingMetrics {
        /// The version the vector was read as.
        version: Version,
        /// The absent metrics, in specification order.
        missing: Vec<&'static str>,
    },
}
