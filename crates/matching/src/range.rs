//! Containment of a version in a range: a [`VersionSpec`] of an advisory, or NVD's
//! `versionStart…`/`versionEnd…` bounds. Every answer is a [`Decision`] that names the
//! comparator used and spells the range, so a finding can show why it was (not) made.
//!
//! What this module must never do: answer [`Containment::Outside`] when it could not compare.
//! A version or bound that does not parse, an unparsed range, a `vers:` text that is not valid —
//! each is [`Containment::Unknown`] with the reason.
//!
//! Comparator names: the profile's name ([`Profile::as_str`]) for ranges, exact versions and
//! `vers:generic`; `vers:<type>` for a `vers:` range of a supported type; `generic (vers scheme
//! gem unsupported)` for other types; `all` for [`VersionSpec::All`], which compares nothing.

use std::cmp::Ordering;

use model::advisory::{Bound, VersionSpec};
use serde::{Deserialize, Serialize};

use crate::vers::VersRange;
use crate::version::{self, Profile};

/// Is the version inside the range?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Containment {
    Inside,
    Outside,
    /// Could not be decided (a version that does not parse, an unparsed range, no version).
    Unknown {
        reason: String,
    },
}

/// A containment answer with the comparator that decided it and the range in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub containment: Containment,
    /// `siemens`, `generic`, `vers:pypi`, …
    pub comparator: String,
    /// The range as text (`>= V2.0, < V2.9.4`, `all versions`, `= 4.3`).
    pub range: String,
}

impl Decision {
    fn new(inside: bool, comparator: String, range: String) -> Decision {
        let containment = if inside { Containment::Inside } else { Containment::Outside };
        Decision { containment, comparator, range }
    }

    fn unknown(reason: impl Into<String>, comparator: String, range: String) -> Decision {
        Decision { containment: Containment::Unknown { reason: reason.into() }, comparator, range }
    }
}

const NO_VERSION: &str = "no version to compare";

/// Is `version` inside `spec`? Versions are compared under `profile` unless the spec is a `vers:`
/// range whose scheme has its own comparator.
pub fn contains(spec: &VersionSpec, version: &str, profile: Profile) -> Decision {
    let name = profile.as_str().to_string();
    match spec {
        VersionSpec::All => Decision::new(true, "all".to_string(), "all versions".to_string()),
        VersionSpec::Exact { version: exact } => {
            let range = format!("= {exact}");
            if version.trim().is_empty() {
                return Decision::unknown(NO_VERSION, name, range);
            }
            match version::compare(version, exact, profile) {
                Ok(o) => Decision::new(o == Ordering::Equal, name, range),
                Err(e) => Decision::unknown(e.to_string(), name, range),
            }
        }
        VersionSpec::Range { start, end } => {
            let range = bounds_text(&[
                start.as_ref().map(|b| (if b.inclusive { ">=" } else { ">" }, b.version.as_str())),
                end.as_ref().map(|b| (if b.inclusive { "<=" } else { "<" }, b.version.as_str())),
            ]);
            if start.is_none() && end.is_none() {
                return Decision::new(true, name, range);
            }
            if version.trim().is_empty() {
                return Decision::unknown(NO_VERSION, name, range);
            }
            match in_bounds(version, start.as_ref(), end.as_ref(), profile) {
                Ok(inside) => Decision::new(inside, name, range),
                Err(reason) => Decision::unknown(reason, name, range),
            }
        }
        VersionSpec::Vers { vers } => {
            let range = vers.clone();
            let parsed = match VersRange::parse_unsorted(vers, profile) {
                Ok(r) => r,
                Err(e) => return Decision::unknown(format!("unreadable vers range: {e}"), name, range),
            };
            let comparator = parsed.comparator_name(profile);
            let covers_all = matches!(parsed.scheme(), "all")
                || parsed.constraints().iter().any(|c| c.comparator == crate::vers::Comparator::Any);
            if !covers_all && parsed.scheme() != "none" && version.trim().is_empty() {
                return Decision::unknown(NO_VERSION, comparator, range);
            }
            match parsed.contains(version, profile) {
                Ok(inside) => Decision::new(inside, comparator, range),
                Err(e) => Decision::unknown(e.to_string(), comparator, range),
            }
        }
        VersionSpec::Unparsed { text } => Decision::unknown(
            format!("the range `{text}` could not be read; needs analyst"),
            name,
            format!("unparsed: {text}"),
        ),
    }
}

/// `>= 2.0, < V2.9.4`, or `all versions` when no bound is given.
fn bounds_text(bounds: &[Option<(&str, &str)>]) -> String {
    let parts: Vec<String> = bounds.iter().flatten().map(|(op, v)| format!("{op} {v}")).collect();
    if parts.is_empty() { "all versions".to_string() } else { parts.join(", ") }
}

fn in_bounds(version: &str, start: Option<&Bound>, end: Option<&Bound>, profile: Profile) -> Result<bool, String> {
    // Every bound is compared even when an earlier one already excludes the version: a bound
    // that does not parse makes the range unreadable, whichever side the version is on.
    let mut inside = true;
    if let Some(b) = start {
        let o = version::compare(version, &b.version, profile).map_err(|e| e.to_string())?;
        inside &= o == Ordering::Greater || (b.inclusive && o == Ordering::Equal);
    }
    if let Some(b) = end {
        let o = version::compare(version, &b.version, profile).map_err(|e| e.to_string())?;
        inside &= o == Ordering::Less || (b.inclusive && o == Ordering::Equal);
    }
    Ok(inside)
}

/// NVD-style bounds (`versionStartIncluding` …); with no bound at all, every version is inside.
/// When both an including and an excluding bound are given for one side, both apply.
pub fn within_bounds(
    version: &str,
    start_including: Option<&str>,
    start_excluding: Option<&str>,
    end_including: Option<&str>,
    end_excluding: Option<&str>,
    profile: Profile,
) -> Decision {
    let name = profile.as_str().to_string();
    let bounds = [
        start_including.map(|v| (">=", v)),
        start_excluding.map(|v| (">", v)),
        end_including.map(|v| ("<=", v)),
        end_excluding.map(|v| ("<", v)),
    ];
    let range = bounds_text(&bounds);
    if bounds.iter().all(Option::is_none) {
        return Decision::new(true, name, range);
    }
    if version.trim().is_empty() {
        return Decision::unknown(NO_VERSION, name, range);
    }
    let mut inside = true;
    for (op, bound) in bounds.into_iter().flatten() {
        let o = match version::compare(version, bound, profile) {
            Ok(o) => o,
            Err(e) => return Decision::unknown(e.to_string(), name, range),
        };
        inside &= match op {
            ">=" => o != Ordering::Less,
            ">" => o == Ordering::Greater,
            "<=" => o != Ordering::Greater,
            _ => o == Ordering::Less,
        };
    }
    Decision::new(inside, name, range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: Option<(&str, bool)>, end: Option<(&str, bool)>) -> VersionSpec {
        let b = |(v, inclusive): (&str, bool)| Bound { version: v.to_string(), inclusive };
        VersionSpec::Range { start: start.map(b), end: end.map(b) }
    }

    #[test]
    fn range_text_and_decision() {
        let spec = range(Some(("2.0", true)), Some(("V2.9.4", false)));
        let d = contains(&spec, "V2.9.3", Profile::Siemens);
        assert_eq!(d.containment, Containment::Inside);
        assert_eq!(d.range, ">= 2.0, < V2.9.4");
        assert_eq!(d.comparator, "siemens");
        assert_eq!(contains(&spec, "2.9.4", Profile::Siemens).containment, Containment::Outside);
        assert!(matches!(contains(&spec, "", Profile::Siemens).containment, Containment::Unknown { .. }));
        assert!(matches!(contains(&spec, "with Ethernet", Profile::Siemens).containment, Containment::Unknown { .. }));
    }

    #[test]
    fn unreadable_bound_is_unknown_not_outside() {
        let spec = range(Some(("5.0", true)), Some(("see vendor advisory", false)));
        assert!(matches!(contains(&spec, "1.0", Profile::Generic).containment, Containment::Unknown { .. }));
    }
}
