//! CVSS v3.0 and v3.1: the metric table (shared) and the equations of the FIRST specifications,
//! §8 of v3.0 and §7 plus Appendix A of v3.1.
//!
//! The two versions differ in two places only:
//!
//! * **Roundup.** v3.1 Appendix A defines it on an integer: round the input to five decimals, then
//!   take the next tenth unless already on one, so float noise such as 4.000000000000001 stays 4.0.
//!   v3.0 defines Roundup as "the smallest number, specified to one decimal place, that is equal to
//!   or higher than its input", i.e. the ceiling of the exact value. We compute in `f64` and remove
//!   float noise by snapping to 12 decimals first: every v3 quantity whose exact value matters at a
//!   tenth boundary is a decimal with at most 11 decimals, while `f64` noise here stays below 1e-13.
//! * **Modified impact with Modified Scope Changed.** v3.0: `7.52 × (MISS − 0.029) − 3.25 ×
//!   (MISS − 0.02)^15`; v3.1: `7.52 × (MISS − 0.029) − 3.25 × (MISS × 0.9731 − 0.02)^13`.
//!
//! Absent temporal and environmental metrics are `X`, which multiplies by 1 or takes the base
//! metric's value, so temporal and environmental scores always exist.

use crate::vector::{Group, MetricDef, Vector};
use crate::{Scores, Severity, Version};

/// The v3.x metrics in the specification's vector order (v3.1 Table 15).
pub(crate) const METRICS: &[MetricDef] = &[
    MetricDef::base("AV", &["N", "A", "L", "P"]),
    MetricDef::base("AC", &["L", "H"]),
    MetricDef::base("PR", &["N", "L", "H"]),
    MetricDef::base("UI", &["N", "R"]),
    MetricDef::base("S", &["U", "C"]),
    MetricDef::base("C", &["H", "L", "N"]),
    MetricDef::base("I", &["H", "L", "N"]),
    MetricDef::base("A", &["H", "L", "N"]),
    MetricDef::optional("E", Group::Temporal, &["X", "H", "F", "P", "U"]),
    MetricDef::optional("RL", Group::Temporal, &["X", "U", "W", "T", "O"]),
    MetricDef::optional("RC", Group::Temporal, &["X", "C", "R", "U"]),
    MetricDef::optional("CR", Group::Environmental, &["X", "H", "M", "L"]),
    MetricDef::optional("IR", Group::Environmental, &["X", "H", "M", "L"]),
    MetricDef::optional("AR", Group::Environmental, &["X", "H", "M", "L"]),
    MetricDef::optional("MAV", Group::Environmental, &["X", "N", "A", "L", "P"]),
    MetricDef::optional("MAC", Group::Environmental, &["X", "L", "H"]),
    MetricDef::optional("MPR", Group::Environmental, &["X", "N", "L", "H"]),
    MetricDef::optional("MUI", Group::Environmental, &["X", "N", "R"]),
    MetricDef::optional("MS", Group::Environmental, &["X", "U", "C"]),
    MetricDef::optional("MC", Group::Environmental, &["X", "H", "L", "N"]),
    MetricDef::optional("MI", Group::Environmental, &["X", "H", "L", "N"]),
    MetricDef::optional("MA", Group::Environmental, &["X", "H", "L", "N"]),
];

// Indices into METRICS. A modified base metric sits at MODIFIED + its base index.
const AV: usize = 0;
const AC: usize = 1;
const PR: usize = 2;
const UI: usize = 3;
const S: usize = 4;
const C: usize = 5;
const I: usize = 6;
const A: usize = 7;
const E: usize = 8;
const RL: usize = 9;
const RC: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;
const MODIFIED: usize = 14;

// Weights (v3.1 §7.4, identical in v3.0). The last arm of each match is the remaining valid
// value; the parser admits no other.
fn attack_vector(v: &str) -> f64 {
    match v {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        _ => 0.2, // P
    }
}

fn attack_complexity(v: &str) -> f64 {
    match v {
        "L" => 0.77,
        _ => 0.44, // H
    }
}

fn privileges_required(v: &str, scope_changed: bool) -> f64 {
    match (v, scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        (_, false) => 0.27, // H
        (_, true) => 0.5,
    }
}

fn user_interaction(v: &str) -> f64 {
    match v {
        "N" => 0.85,
        _ => 0.62, // R
    }
}

fn cia(v: &str) -> f64 {
    match v {
        "H" => 0.56,
        "L" => 0.22,
        _ => 0.0, // N
    }
}

fn exploit_code_maturity(v: &str) -> f64 {
    match v {
        "F" => 0.97,
        "P" => 0.94,
        "U" => 0.91,
        _ => 1.0, // H, X
    }
}

fn remediation_level(v: &str) -> f64 {
    match v {
        "W" => 0.97,
        "T" => 0.96,
        "O" => 0.95,
        _ => 1.0, // U, X
    }
}

fn report_confidence(v: &str) -> f64 {
    match v {
        "R" => 0.96,
        "U" => 0.92,
        _ => 1.0, // C, X
    }
}

fn requirement(v: &str) -> f64 {
    match v {
        "H" => 1.5,
        "L" => 0.5,
        _ => 1.0, // M, X
    }
}

/// Scores a v3.0 or v3.1 vector.
pub(crate) fn scores(v: &Vector) -> Scores {
    let version = v.version();
    let roundup = |x: f64| if version == Version::V3_0 { roundup_v30(x) } else { roundup_v31(x) };

    // Base (v3.1 §7.1).
    let scope_changed = v.value(S) == "C";
    let iss = 1.0 - ((1.0 - cia(v.value(C))) * (1.0 - cia(v.value(I))) * (1.0 - cia(v.value(A))));
    let impact = if scope_changed { 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powf(15.0) } else { 6.42 * iss };
    let exploitability = 8.22
        * attack_vector(v.value(AV))
        * attack_complexity(v.value(AC))
        * privileges_required(v.value(PR), scope_changed)
        * user_interaction(v.value(UI));
    let base = if impact <= 0.0 {
        0.0
    } else if scope_changed {
        roundup(f64::min(1.08 * (impact + exploitability), 10.0))
    } else {
        roundup(f64::min(impact + exploitability, 10.0))
    };

    // Temporal (§7.2).
    let temporal_multiplier =
        exploit_code_maturity(v.value(E)) * remediation_level(v.value(RL)) * report_confidence(v.value(RC));
    let temporal = roundup(base * temporal_multiplier);

    // Environmental (§7.3): modified metrics replace their base metric unless X.
    let modified = |base_idx: usize| {
        let idx = MODIFIED + base_idx;
        if v.is_defined(idx) { v.value(idx) } else { v.value(base_idx) }
    };
    let modified_scope_changed = modified(S) == "C";
    let miss = f64::min(
        1.0 - ((1.0 - cia(modified(C)) * requirement(v.value(CR)))
            * (1.0 - cia(modified(I)) * requirement(v.value(IR)))
            * (1.0 - cia(modified(A)) * requirement(v.value(AR)))),
        0.915,
    );
    let modified_impact = match (modified_scope_changed, version) {
        (false, _) => 6.42 * miss,
        (true, Version::V3_0) => 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powf(15.0),
        (true, _) => 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powf(13.0),
    };
    let modified_exploitability = 8.22
        * attack_vector(modified(AV))
        * attack_complexity(modified(AC))
        * privileges_required(modified(PR), modified_scope_changed)
        * user_interaction(modified(UI));
    let environmental = if modified_impact <= 0.0 {
        0.0
    } else if modified_scope_changed {
        roundup(roundup(f64::min(1.08 * (modified_impact + modified_exploitability), 10.0)) * temporal_multiplier)
    } else {
        roundup(roundup(f64::min(modified_impact + modified_exploitability, 10.0)) * temporal_multiplier)
    };

    Scores {
        version,
        base,
        temporal: Some(temporal),
        environmental: Some(environmental),
        severity: Severity::from_score(version, base),
        nomenclature: None,
    }
}

/// v3.1 Appendix A Roundup, in integer arithmetic as the specification gives it.
fn roundup_v31(x: f64) -> f64 {
    // Scores lie in [0, 10.8], so the cast cannot saturate.
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 { int_input as f64 / 100_000.0 } else { ((int_input / 10_000) + 1) as f64 / 10.0 }
}

/// v3.0 Roundup: the ceiling to one decimal of the exact value, read through 12-decimal snapping
/// (see the module documentation).
fn roundup_v30(x: f64) -> f64 {
    const SNAP: f64 = 1e12;
    const TENTH: i64 = 100_000_000_000;
    let snapped = (x * SNAP).round() as i64;
    let tenths = snapped / TENTH + i64::from(snapped % TENTH > 0);
    tenths as f64 / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_constants_match_the_table() {
        let keys = [
            (AV, "AV"),
            (AC, "AC"),
            (PR, "PR"),
            (UI, "UI"),
            (S, "S"),
            (C, "C"),
            (I, "I"),
            (A, "A"),
            (E, "E"),
            (RL, "RL"),
            (RC, "RC"),
            (CR, "CR"),
            (IR, "IR"),
            (AR, "AR"),
        ];
        for (idx, key) in keys {
            assert_eq!(METRICS[idx].key, key);
        }
        for base in [AV, AC, PR, UI, S, C, I, A] {
            assert_eq!(METRICS[MODIFIED + base].key, format!("M{}", METRICS[base].key));
        }
        assert_eq!(METRICS.len(), MODIFIED + 8);
    }

    #[test]
    fn roundups() {
        // v3.1 Appendix A examples and float noise.
        assert_eq!(roundup_v31(4.02), 4.1);
        assert_eq!(roundup_v31(4.00), 4.0);
        assert_eq!(roundup_v31(4.000_000_000_000_001), 4.0);
        assert_eq!(roundup_v31(4.000_006), 4.1);
        // v3.0 takes the ceiling of the exact value: only float noise is ignored.
        assert_eq!(roundup_v30(4.02), 4.1);
        assert_eq!(roundup_v30(4.0), 4.0);
        assert_eq!(roundup_v30(4.000_000_000_000_001), 4.0);
        assert_eq!(roundup_v30(4.000_001), 4.1);
        assert_eq!(roundup_v30(0.0), 0.0);
        assert_eq!(roundup_v30(10.0), 10.0);
    }
}
