//! NISTIR 7696 name matching: the attribute comparison of §6.1 (Table 6-2) and the name-level
//! relations of §6.2 (`CPE_SUPERSET`, `CPE_SUBSET`, `CPE_EQUAL`, `CPE_DISJOINT`).
//!
//! Comparison is ASCII case-insensitive, as the specification lowercases both values first.

use serde::{Deserialize, Serialize};

use super::{Attribute, Cpe, Text, Value, Wildcard};

/// How a source attribute value relates to a target value (NISTIR 7696 Table 6-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttrRelation {
    /// The source denotes every value the target denotes and more.
    Superset,
    /// The source denotes fewer values than the target.
    Subset,
    Equal,
    Disjoint,
    /// The target has unquoted wildcards: the specification leaves the relation undefined.
    Undefined,
}

/// How a source name relates to a target name, the most specific that holds.
///
/// The specification's functions map onto it: `CPE_EQUAL` is [`NameRelation::Equal`],
/// `CPE_SUPERSET` is [`NameRelation::is_superset`] (every attribute SUPERSET or EQUAL),
/// `CPE_SUBSET` is [`NameRelation::is_subset`], `CPE_DISJOINT` is [`NameRelation::Disjoint`]
/// (any attribute DISJOINT, which wins over undefined ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameRelation {
    /// Every attribute EQUAL.
    Equal,
    /// Every attribute SUPERSET or EQUAL, at least one SUPERSET.
    Superset,
    /// Every attribute SUBSET or EQUAL, at least one SUBSET.
    Subset,
    /// Some attribute DISJOINT.
    Disjoint,
    /// Some attributes SUPERSET and others SUBSET: the names share members, neither contains
    /// the other, and none of the four relations holds.
    Overlap,
    /// No attribute DISJOINT but one undefined (a wildcard in the target).
    Undefined,
}

impl NameRelation {
    /// `CPE_SUPERSET(source, target)`.
    pub fn is_superset(self) -> bool {
        matches!(self, NameRelation::Superset | NameRelation::Equal)
    }
    /// `CPE_SUBSET(source, target)`.
    pub fn is_subset(self) -> bool {
        matches!(self, NameRelation::Subset | NameRelation::Equal)
    }
    /// `CPE_EQUAL(source, target)`.
    pub fn is_equal(self) -> bool {
        self == NameRelation::Equal
    }
    /// `CPE_DISJOINT(source, target)`.
    pub fn is_disjoint(self) -> bool {
        self == NameRelation::Disjoint
    }
}

/// Compares one source attribute value with a target value (NISTIR 7696 §6.1.2, Table 6-2).
pub fn compare_values(source: &Value, target: &Value) -> AttrRelation {
    if let Value::Text(t) = target
        && t.has_wildcards()
    {
        return AttrRelation::Undefined;
    }
    match (source, target) {
        (Value::Any, Value::Any) | (Value::Na, Value::Na) => AttrRelation::Equal,
        (Value::Any, _) => AttrRelation::Superset,
        (Value::Na, Value::Any) | (Value::Text(_), Value::Any) => AttrRelation::Subset,
        (Value::Na, Value::Text(_)) | (Value::Text(_), Value::Na) => AttrRelation::Disjoint,
        (Value::Text(s), Value::Text(t)) => {
            if !s.has_wildcards() {
                if s.body.eq_ignore_ascii_case(&t.body) { AttrRelation::Equal } else { AttrRelation::Disjoint }
            } else if wildcard_match(s, t.body.as_bytes()) {
                AttrRelation::Superset
            } else {
                AttrRelation::Disjoint
            }
        }
    }
}

/// Every attribute's relation, in [`Attribute::ALL`] order.
pub fn compare_attributes(source: &Cpe, target: &Cpe) -> [AttrRelation; 11] {
    Attribute::ALL.map(|a| compare_values(source.get(a), target.get(a)))
}

/// Compares two names (NISTIR 7696 §6.2): `source` is the pattern (an NVD criterion, a
/// dictionary query), `target` the name tested (an asset's CPE).
pub fn compare_names(source: &Cpe, target: &Cpe) -> NameRelation {
    let relations = compare_attributes(source, target);
    let has = |r: AttrRelation| relations.contains(&r);
    if has(AttrRelation::Disjoint) {
        NameRelation::Disjoint
    } else if has(AttrRelation::Undefined) {
        NameRelation::Undefined
    } else if relations.iter().all(|r| *r == AttrRelation::Equal) {
        NameRelation::Equal
    } else if !has(AttrRelation::Subset) {
        NameRelation::Superset
    } else if !has(AttrRelation::Superset) {
        NameRelation::Subset
    } else {
        NameRelation::Overlap
    }
}

/// Whether the pattern `source` matches the logical string `target`: its body must occur in
/// the target with what precedes it allowed by the leading wildcard (none: nothing; `*`:
/// anything; `n` × `?`: at most `n` characters) and what follows allowed by the trailing one.
/// "At most" follows the reference algorithm of NISTIR 7696 §6.1.2 (`compare_strings`).
pub(super) fn wildcard_match(source: &Text, target: &[u8]) -> bool {
    let body = source.body.as_bytes();
    let Some(room) = target.len().checked_sub(body.len()) else { return false };
    let allows = |w: Wildcard, n: usize| match w {
        Wildcard::None => n == 0,
        Wildcard::Star => true,
        Wildcard::Questions(q) => u32::try_from(n).is_ok_and(|n| n <= q),
    };
    for start in 0..=room {
        if !allows(source.leading, start) {
            // Larger starts only lengthen the prefix.
            break;
        }
        if allows(source.trailing, room - start)
            && target.get(start..start + body.len()).is_some_and(|t| t.eq_ignore_ascii_case(body))
        {
            return true;
        }
    }
    false
}
