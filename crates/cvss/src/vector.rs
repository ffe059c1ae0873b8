//! The version-independent half of the crate: metric tables, the strict parser and the normalised
//! printed form of a [`Vector`].
//!
//! Each version module (`v2`, `v3`, `v4`) declares its metrics as a table of [`MetricDef`] in
//! specification order; parsing, equality and printing work off that table, and scoring reads the
//! parsed values back by table index. This module knows no weights and computes no score.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{CvssError, Scores, Version, v2, v3, v4};

/// Room for the largest metric table (CVSS v4.0 has 32 metrics).
pub(crate) const MAX_METRICS: usize = 32;

/// The metric groups of the specifications. CVSS v4.0's "threat" group is [`Group::Temporal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Base,
    Temporal,
    Environmental,
    Supplemental,
}

/// One metric of a version: its abbreviation, its group and the values it allows.
pub(crate) struct MetricDef {
    pub(crate) key: &'static str,
    pub(crate) group: Group,
    /// Allowed values as written in vectors. For an optional metric the first value is the
    /// "not defined" spelling (`ND` in v2.0, `X` in v3.x and v4.0), which is also its default.
    pub(crate) values: &'static [&'static str],
}

impl MetricDef {
    /// A mandatory base metric.
    pub(crate) const fn base(key: &'static str, values: &'static [&'static str]) -> MetricDef {
        MetricDef { key, group: Group::Base, values }
    }

    /// An optional metric; `values[0]` must be its "not defined" spelling.
    pub(crate) const fn optional(key: &'static str, group: Group, values: &'static [&'static str]) -> MetricDef {
        MetricDef { key, group, values }
    }
}

/// The metric table of a version, in specification order.
pub(crate) fn metrics_of(version: Version) -> &'static [MetricDef] {
    match version {
        Version::V2_0 => v2::METRICS,
        Version::V3_0 | Version::V3_1 => v3::METRICS,
        Version::V4_0 => v4::METRICS,
    }
}

/// A parsed, valid CVSS vector of any supported version.
///
/// Equality ignores metric order and treats an optional metric written as "not defined" (`X`, `ND`)
/// the same as an absent one; [`Display`](fmt::Display) prints the normalised form: the version
/// prefix (none for v2.0), then the defined metrics in specification order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Vector {
    version: Version,
    /// Per metric of the version's table, the index of its value in [`MetricDef::values`]; 0 for an
    /// optional metric means "not defined". Base metrics are always set by the parser.
    values: [u8; MAX_METRICS],
}

impl Vector {
    /// The CVSS version of the vector.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The value of a metric by its abbreviation (`"AV"`, `"MSI"`, `"Au"`…), or `None` when the
    /// metric is not defined in this vector (absent or written as `X` / `ND`) or unknown to the
    /// version.
    pub fn get(&self, metric: &str) -> Option<&'static str> {
        let idx = metrics_of(self.version).iter().position(|d| d.key == metric)?;
        self.is_defined(idx).then(|| self.value(idx))
    }

    /// The defined metrics as `(abbreviation, value)` pairs, in specification order.
    pub fn metrics(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        metrics_of(self.version)
            .iter()
            .enumerate()
            .filter(|(idx, _)| self.is_defined(*idx))
            .map(|(idx, def)| (def.key, self.value(idx)))
    }

    /// Scores the vector with the formulas of its version (see the crate documentation).
    pub fn scores(&self) -> Scores {
        match self.version {
            Version::V2_0 => v2::scores(self),
            Version::V3_0 | Version::V3_1 => v3::scores(self),
            Version::V4_0 => v4::scores(self),
        }
    }

    /// CVSS v4.0 only: the macrovector, the six equivalence-set levels (EQ1..EQ6, `0` = most severe)
    /// the score is interpolated from, e.g. `"001100"`.
    pub fn macrovector(&self) -> Option<String> {
        (self.version == Version::V4_0).then(|| v4::macrovector(self).iter().map(|d| char::from(b'0' + d)).collect())
    }

    /// The value of the metric at `idx` of the version's table as written, the "not defined"
    /// spelling for an undefined optional metric.
    pub(crate) fn value(&self, idx: usize) -> &'static str {
        let def = metrics_of(self.version).get(idx);
        let value = self.values.get(idx).copied().unwrap_or(0);
        def.and_then(|d| d.values.get(usize::from(value))).copied().unwrap_or("")
    }

    /// Whether the metric at `idx` is defined: always for base metrics, otherwise when its value
    /// is not the "not defined" one.
    pub(crate) fn is_defined(&self, idx: usize) -> bool {
        match metrics_of(self.version).get(idx) {
            Some(def) if def.group == Group::Base => true,
            Some(_) => self.values.get(idx).is_some_and(|v| *v != 0),
            None => false,
        }
    }

    /// Whether any metric of `group` is defined.
    pub(crate) fn any_defined(&self, group: Group) -> bool {
        metrics_of(self.version).iter().enumerate().any(|(idx, d)| d.group == group && self.is_defined(idx))
    }
}

impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        if self.version != Version::V2_0 {
            write!(f, "CVSS:{}", self.version)?;
            first = false;
        }
        for (key, value) in self.metrics() {
            if !first {
                f.write_str("/")?;
            }
            write!(f, "{key}:{value}")?;
            first = false;
        }
        Ok(())
    }
}

impl FromStr for Vector {
    type Err = CvssError;

    fn from_str(s: &str) -> Result<Vector, CvssError> {
        parse(s)
    }
}

impl Serialize for Vector {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Vector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Vector, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).map_err(serde::de::Error::custom)
    }
}

/// See [`crate::parse`].
pub(crate) fn parse(input: &str) -> Result<Vector, CvssError> {
    let lead = input.len() - input.trim_start().len();
    let text = input.trim();
    if text.is_empty() {
        return Err(CvssError::Empty);
    }
    let (version, body, body_offset, prefixed) = split_prefix(text, lead)?;
    let defs = metrics_of(version);
    let mut values = [0u8; MAX_METRICS];
    let mut seen = [false; MAX_METRICS];

    if let Some(body) = body {
        let mut offset = body_offset;
        for field in body.split('/') {
            let here = offset;
            offset += field.len() + 1;
            let Some((key, value)) = field.split_once(':') else {
                return Err(CvssError::MalformedField { field: field.to_string(), offset: here });
            };
            let Some(idx) = defs.iter().position(|d| d.key == key) else {
                if !prefixed && is_newer_metric(key) {
                    return Err(CvssError::MissingPrefix { metric: key.to_string(), offset: here });
                }
                return Err(CvssError::UnknownMetric { version, metric: key.to_string(), offset: here });
            };
            let (Some(def), Some(seen_slot), Some(value_slot)) =
                (defs.get(idx), seen.get_mut(idx), values.get_mut(idx))
            else {
                // Unreachable: every table fits MAX_METRICS (checked by a unit test).
                return Err(CvssError::UnknownMetric { version, metric: key.to_string(), offset: here });
            };
            if *seen_slot {
                return Err(CvssError::DuplicateMetric { version, metric: def.key, offset: here });
            }
            let Some(value_idx) = def.values.iter().position(|v| *v == value) else {
                return Err(CvssError::InvalidValue {
                    version,
                    metric: def.key,
                    value: value.to_string(),
                    offset: here,
                    expected: def.values,
                });
            };
            *seen_slot = true;
            // Value lists have at most six entries.
            *value_slot = value_idx as u8;
        }
    }

    let missing: Vec<&'static str> =
        defs.iter().zip(seen).filter(|(def, seen)| def.group == Group::Base && !seen).map(|(def, _)| def.key).collect();
    if !missing.is_empty() {
        return Err(CvssError::MissingMetrics { version, missing });
    }
    Ok(Vector { version, values })
}

/// Splits off the version prefix. Returns the version, the metric part (`None` when the vector is
/// a bare prefix), the byte offset of the metric part in the input, and whether a prefix was given.
fn split_prefix(text: &str, lead: usize) -> Result<(Version, Option<&str>, usize, bool), CvssError> {
    let (first, rest) = match text.split_once('/') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    };
    if first.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("CVSS:")) {
        let version = match first {
            "CVSS:2.0" => Version::V2_0,
            "CVSS:3.0" => Version::V3_0,
            "CVSS:3.1" => Version::V3_1,
            "CVSS:4.0" => Version::V4_0,
            _ => return Err(CvssError::UnsupportedVersion { prefix: first.to_string() }),
        };
        return Ok((version, rest, lead + first.len() + 1, true));
    }
    // v2.0 vectors are sometimes published in parentheses: "(AV:N/AC:L/Au:N/C:P/I:P/A:P)".
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return Ok((Version::V2_0, Some(inner), lead + 1, false));
    }
    Ok((Version::V2_0, Some(text), lead, false))
}

/// Whether `key` is a base metric of v3.x or v4.0 but no metric of v2.0: a sign of a forgotten
/// prefix. (Optional metrics are left out: a v2 typo such as `AU` should not read as v4's `AU`.)
fn is_newer_metric(key: &str) -> bool {
    v3::METRICS.iter().chain(v4::METRICS).any(|d| d.group == Group::Base && d.key == key)
        && !v2::METRICS.iter().any(|d| d.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_fit_and_optional_metrics_start_with_not_defined() {
        for version in [Version::V2_0, Version::V3_1, Version::V4_0] {
            let defs = metrics_of(version);
            assert!(defs.len() <= MAX_METRICS);
            let not_defined = if version == Version::V2_0 { "ND" } else { "X" };
            for def in defs {
                assert!(def.values.len() <= usize::from(u8::MAX));
                if def.group == Group::Base {
                    assert!(!def.values.contains(&not_defined), "{version} {}", def.key);
                } else {
                    assert_eq!(def.values.first(), Some(&not_defined), "{version} {}", def.key);
                }
                let dupes = defs.iter().filter(|d| d.key == def.key).count();
                assert_eq!(dupes, 1, "{version} {}", def.key);
            }
        }
    }
}
