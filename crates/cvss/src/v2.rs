//! CVSS v2.0: the metric table and the base, temporal and environmental equations of "A Complete
//! Guide to the Common Vulnerability Scoring System Version 2.0" (FIRST, 2007), §3.2.
//!
//! All arithmetic is exact decimal ([`Dec`]), so the guide's round-to-one-decimal steps round
//! exactly as written. Rules that are easy to miss: f(Impact) = 0 when Impact = 0; the
//! environmental score recomputes the temporal score with AdjustedImpact (capped at 10) in place of
//! Impact, without the non-negative clamp of the published score; scores below zero are shown as
//! 0.0. A group with no defined metric has no score.

use crate::decimal::Dec;
use crate::vector::{Group, MetricDef, Vector};
use crate::{Scores, Severity, Version};

/// The v2.0 metrics in the guide's vector order.
pub(crate) const METRICS: &[MetricDef] = &[
    MetricDef::base("AV", &["L", "A", "N"]),
    MetricDef::base("AC", &["H", "M", "L"]),
    MetricDef::base("Au", &["M", "S", "N"]),
    MetricDef::base("C", &["N", "P", "C"]),
    MetricDef::base("I", &["N", "P", "C"]),
    MetricDef::base("A", &["N", "P", "C"]),
    MetricDef::optional("E", Group::Temporal, &["ND", "U", "POC", "F", "H"]),
    MetricDef::optional("RL", Group::Temporal, &["ND", "OF", "TF", "W", "U"]),
    MetricDef::optional("RC", Group::Temporal, &["ND", "UC", "UR", "C"]),
    MetricDef::optional("CDP", Group::Environmental, &["ND", "N", "L", "LM", "MH", "H"]),
    MetricDef::optional("TD", Group::Environmental, &["ND", "N", "L", "M", "H"]),
    MetricDef::optional("CR", Group::Environmental, &["ND", "L", "M", "H"]),
    MetricDef::optional("IR", Group::Environmental, &["ND", "L", "M", "H"]),
    MetricDef::optional("AR", Group::Environmental, &["ND", "L", "M", "H"]),
];

// Indices into METRICS.
const AV: usize = 0;
const AC: usize = 1;
const AU: usize = 2;
const C: usize = 3;
const I: usize = 4;
const A: usize = 5;
const E: usize = 6;
const RL: usize = 7;
const RC: usize = 8;
const CDP: usize = 9;
const TD: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;

// Weights (guide §3.2.1–3.2.3) in thousandths. The last arm of each match is the remaining valid
// value; the parser admits no other.
fn av(v: &str) -> Dec {
    Dec::milli(match v {
        "L" => 395,
        "A" => 646,
        _ => 1000, // N
    })
}

fn ac(v: &str) -> Dec {
    Dec::milli(match v {
        "H" => 350,
        "M" => 610,
        _ => 710, // L
    })
}

fn au(v: &str) -> Dec {
    Dec::milli(match v {
        "M" => 450,
        "S" => 560,
        _ => 704, // N
    })
}

fn impact(v: &str) -> Dec {
    Dec::milli(match v {
        "N" => 0,
        "P" => 275,
        _ => 660, // C
    })
}

fn exploitability(v: &str) -> Dec {
    Dec::milli(match v {
        "U" => 850,
        "POC" => 900,
        "F" => 950,
        _ => 1000, // H, ND
    })
}

fn remediation_level(v: &str) -> Dec {
    Dec::milli(match v {
        "OF" => 870,
        "TF" => 900,
        "W" => 950,
        _ => 1000, // U, ND
    })
}

fn report_confidence(v: &str) -> Dec {
    Dec::milli(match v {
        "UC" => 900,
        "UR" => 950,
        _ => 1000, // C, ND
    })
}

fn collateral_damage(v: &str) -> Dec {
    Dec::milli(match v {
        "L" => 100,
        "LM" => 300,
        "MH" => 400,
        "H" => 500,
        _ => 0, // N, ND
    })
}

fn target_distribution(v: &str) -> Dec {
    Dec::milli(match v {
        "N" => 0,
        "L" => 250,
        "M" => 750,
        _ => 1000, // H, ND
    })
}

fn requirement(v: &str) -> Dec {
    Dec::milli(match v {
        "L" => 500,
        "H" => 1510,
        _ => 1000, // M, ND
    })
}

/// Scores a v2.0 vector.
pub(crate) fn scores(v: &Vector) -> Scores {
    let one = Dec::int(1);
    let ten = Dec::int(10);
    let (c, i, a) = (impact(v.value(C)), impact(v.value(I)), impact(v.value(A)));

    // Impact = 10.41 × (1 − (1−C)(1−I)(1−A))
    let impact_sub = Dec::new(1041, 2).mul(one.sub(one.sub(c).mul(one.sub(i)).mul(one.sub(a))));
    // AdjustedImpact = min(10, 10.41 × (1 − (1−C·CR)(1−I·IR)(1−A·AR)))
    let (cr, ir, ar) = (requirement(v.value(CR)), requirement(v.value(IR)), requirement(v.value(AR)));
    let adjusted_impact =
        ten.min(Dec::new(1041, 2).mul(one.sub(one.sub(c.mul(cr)).mul(one.sub(i.mul(ir))).mul(one.sub(a.mul(ar))))));
    // Exploitability = 20 × AV × AC × Au
    let exploitability_sub = Dec::int(20).mul(av(v.value(AV))).mul(ac(v.value(AC))).mul(au(v.value(AU)));

    // BaseScore = round1(((0.6 × Impact) + (0.4 × Exploitability) − 1.5) × f(Impact))
    let base_equation = |impact: Dec| {
        let f_impact = if impact.is_zero() { Dec::ZERO } else { Dec::milli(1176) };
        Dec::new(6, 1)
            .mul(impact)
            .add(Dec::new(4, 1).mul(exploitability_sub))
            .sub(Dec::new(15, 1))
            .mul(f_impact)
            .round1()
    };
    // TemporalScore = round1(BaseScore × E × RL × RC)
    let temporal_multiplier =
        exploitability(v.value(E)).mul(remediation_level(v.value(RL))).mul(report_confidence(v.value(RC)));
    let temporal_equation = |base: Dec| base.mul(temporal_multiplier).round1();

    let base = base_equation(impact_sub).max(Dec::ZERO);
    let temporal = v.any_defined(Group::Temporal).then(|| temporal_equation(base).max(Dec::ZERO));
    let environmental = v.any_defined(Group::Environmental).then(|| {
        // EnvironmentalScore = round1((AdjustedTemporal + (10 − AdjustedTemporal) × CDP) × TD)
        let adjusted_temporal = temporal_equation(base_equation(adjusted_impact));
        let cdp = collateral_damage(v.value(CDP));
        adjusted_temporal
            .add(ten.sub(adjusted_temporal).mul(cdp))
            .mul(target_distribution(v.value(TD)))
            .round1()
            .max(Dec::ZERO)
    });

    let base = base.to_f64();
    Scores {
        version: Version::V2_0,
        base,
        temporal: temporal.map(Dec::to_f64),
        environmental: environmental.map(Dec::to_f64),
        severity: Severity::from_score(Version::V2_0, base),
        nomenclature: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_constants_match_the_table() {
        let keys = [
            (AV, "AV"),
            (AC, "AC"),
            (AU, "Au"),
            (C, "C"),
            (I, "I"),
            (A, "A"),
            (E, "E"),
            (RL, "RL"),
            (RC, "RC"),
            (CDP, "CDP"),
            (TD, "TD"),
            (CR, "CR"),
            (IR, "IR"),
            (AR, "AR"),
        ];
        for (idx, key) in keys {
            assert_eq!(METRICS[idx].key, key);
        }
        assert_eq!(METRICS.len(), keys.len());
    }
}
