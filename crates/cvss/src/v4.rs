//! CVSS v4.0: the metric table and the scoring algorithm of the FIRST specification (§8) as the
//! FIRST reference calculator implements it (`cvss_score.js`, commit c5b0d409).
//!
//! Scoring: the effective value of each metric is resolved (`E:X` → `A`, `CR/IR/AR:X` → `H`, a
//! modified metric other than `X` replaces its base metric); the vector falls into a macrovector
//! (six equivalence-set levels, EQ1..EQ6) whose score comes from the lookup table; the score is
//! then lowered towards the next-lower macrovector of each EQ in proportion to the vector's
//! severity distance from the macrovector's highest-severity vectors, relative to the
//! macrovector's depth, averaging over the EQs that have a lower macrovector.
//!
//! The reference calculator does this in binary floating point, with levels of 0.1 per step, and
//! rounds half up; exact ties such as 8.6 − 7.15 = 1.45 then come out as 1.4499999… and round
//! down (later calculators and the Red Hat library add 1e-6 before rounding to undo that). We
//! compute in integers (steps, tenths of a score, an exact fraction for the mean), so ties are
//! exact and round half up as the algorithm intends, with no epsilon.
//!
//! Supplemental metrics (S, AU, R, V, RE, U) are parsed and printed but never scored.

use crate::vector::{Group, MetricDef, Vector};
use crate::{Nomenclature, Scores, Severity, Version, v4_lookup};

/// The v4.0 metrics in the specification's required vector order (§7, Table 23).
pub(crate) const METRICS: &[MetricDef] = &[
    MetricDef::base("AV", &["N", "A", "L", "P"]),
    MetricDef::base("AC", &["L", "H"]),
    MetricDef::base("AT", &["N", "P"]),
    MetricDef::base("PR", &["N", "L", "H"]),
    MetricDef::base("UI", &["N", "P", "A"]),
    MetricDef::base("VC", &["H", "L", "N"]),
    MetricDef::base("VI", &["H", "L", "N"]),
    MetricDef::base("VA", &["H", "L", "N"]),
    MetricDef::base("SC", &["H", "L", "N"]),
    MetricDef::base("SI", &["H", "L", "N"]),
    MetricDef::base("SA", &["H", "L", "N"]),
    MetricDef::optional("E", Group::Temporal, &["X", "A", "P", "U"]),
    MetricDef::optional("CR", Group::Environmental, &["X", "H", "M", "L"]),
    MetricDef::optional("IR", Group::Environmental, &["X", "H", "M", "L"]),
    MetricDef::optional("AR", Group::Environmental, &["X", "H", "M", "L"]),
    MetricDef::optional("MAV", Group::Environmental, &["X", "N", "A", "L", "P"]),
    MetricDef::optional("MAC", Group::Environmental, &["X", "L", "H"]),
    MetricDef::optional("MAT", Group::Environmental, &["X", "N", "P"]),
    MetricDef::optional("MPR", Group::Environmental, &["X", "N", "L", "H"]),
    MetricDef::optional("MUI", Group::Environmental, &["X", "N", "P", "A"]),
    MetricDef::optional("MVC", Group::Environmental, &["X", "H", "L", "N"]),
    MetricDef::optional("MVI", Group::Environmental, &["X", "H", "L", "N"]),
    MetricDef::optional("MVA", Group::Environmental, &["X", "H", "L", "N"]),
    MetricDef::optional("MSC", Group::Environmental, &["X", "H", "L", "N"]),
    MetricDef::optional("MSI", Group::Environmental, &["X", "S", "H", "L", "N"]),
    MetricDef::optional("MSA", Group::Environmental, &["X", "S", "H", "L", "N"]),
    MetricDef::optional("S", Group::Supplemental, &["X", "N", "P"]),
    MetricDef::optional("AU", Group::Supplemental, &["X", "N", "Y"]),
    MetricDef::optional("R", Group::Supplemental, &["X", "A", "U", "I"]),
    MetricDef::optional("V", Group::Supplemental, &["X", "D", "C"]),
    MetricDef::optional("RE", Group::Supplemental, &["X", "L", "M", "H"]),
    MetricDef::optional("U", Group::Supplemental, &["X", "Clear", "Green", "Amber", "Red"]),
];

// Indices into METRICS. The modified form of base metric `b` sits at MODIFIED + b.
const AV: usize = 0;
const AC: usize = 1;
const AT: usize = 2;
const PR: usize = 3;
const UI: usize = 4;
const VC: usize = 5;
const VI: usize = 6;
const VA: usize = 7;
const SC: usize = 8;
const SI: usize = 9;
const SA: usize = 10;
const E: usize = 11;
const CR: usize = 12;
const IR: usize = 13;
const AR: usize = 14;
const MODIFIED: usize = 15;

/// The effective values the algorithm works on (the reference calculator's `m()`).
struct Effective {
    av: &'static str,
    ac: &'static str,
    at: &'static str,
    pr: &'static str,
    ui: &'static str,
    vc: &'static str,
    vi: &'static str,
    va: &'static str,
    sc: &'static str,
    si: &'static str,
    sa: &'static str,
    e: &'static str,
    cr: &'static str,
    ir: &'static str,
    ar: &'static str,
}

impl Effective {
    fn of(v: &Vector) -> Effective {
        let m = |base: usize| {
            let modified = MODIFIED + base;
            if v.is_defined(modified) { v.value(modified) } else { v.value(base) }
        };
        // Undefined threat and requirement metrics assume the worst case.
        let or_worst = |idx: usize, worst: &'static str| if v.is_defined(idx) { v.value(idx) } else { worst };
        Effective {
            av: m(AV),
            ac: m(AC),
            at: m(AT),
            pr: m(PR),
            ui: m(UI),
            vc: m(VC),
            vi: m(VI),
            va: m(VA),
            sc: m(SC),
            si: m(SI),
            sa: m(SA),
            e: or_worst(E, "A"),
            cr: or_worst(CR, "H"),
            ir: or_worst(IR, "H"),
            ar: or_worst(AR, "H"),
        }
    }

    /// The six EQ levels (specification §8.2, Tables 24–29).
    fn macrovector(&self) -> [u8; 6] {
        let eq1 = if self.av == "N" && self.pr == "N" && self.ui == "N" {
            0
        } else if (self.av == "N" || self.pr == "N" || self.ui == "N") && self.av != "P" {
            1
        } else {
            2
        };
        let eq2 = if self.ac == "L" && self.at == "N" { 0 } else { 1 };
        let eq3 = if self.vc == "H" && self.vi == "H" {
            0
        } else if self.vc == "H" || self.vi == "H" || self.va == "H" {
            1
        } else {
            2
        };
        // Only MSI/MSA can be S (Safety), so the effective SI/SA carry it.
        let eq4 = if self.si == "S" || self.sa == "S" {
            0
        } else if self.sc == "H" || self.si == "H" || self.sa == "H" {
            1
        } else {
            2
        };
        let eq5 = match self.e {
            "A" => 0,
            "P" => 1,
            _ => 2, // U
        };
        let eq6 = if (self.cr == "H" && self.vc == "H")
            || (self.ir == "H" && self.vi == "H")
            || (self.ar == "H" && self.va == "H")
        {
            0
        } else {
            1
        };
        [eq1, eq2, eq3, eq4, eq5, eq6]
    }

    /// The severity levels of the metrics that enter severity distances, in steps (the reference
    /// calculator's `*_levels` tables divided by 0.1), in the order of [`Levels`].
    fn levels(&self) -> Levels {
        Levels {
            av: av_level(self.av),
            pr: pr_level(self.pr),
            ui: ui_level(self.ui),
            ac: ac_level(self.ac),
            at: at_level(self.at),
            vc: cia_level(self.vc),
            vi: cia_level(self.vi),
            va: cia_level(self.va),
            sc: subsequent_level(self.sc),
            si: subsequent_level(self.si),
            sa: subsequent_level(self.sa),
            cr: requirement_level(self.cr),
            ir: requirement_level(self.ir),
            ar: requirement_level(self.ar),
        }
    }
}

/// Severity levels in steps of the metrics in severity distances; 0 is the most severe.
#[derive(Clone, Copy)]
struct Levels {
    av: i32,
    pr: i32,
    ui: i32,
    ac: i32,
    at: i32,
    vc: i32,
    vi: i32,
    va: i32,
    sc: i32,
    si: i32,
    sa: i32,
    cr: i32,
    ir: i32,
    ar: i32,
}

fn av_level(v: &str) -> i32 {
    match v {
        "N" => 0,
        "A" => 1,
        "L" => 2,
        _ => 3, // P
    }
}

fn pr_level(v: &str) -> i32 {
    match v {
        "N" => 0,
        "L" => 1,
        _ => 2, // H
    }
}

fn ui_level(v: &str) -> i32 {
    match v {
        "N" => 0,
        "P" => 1,
        _ => 2, // A
    }
}

fn ac_level(v: &str) -> i32 {
    if v == "L" { 0 } else { 1 }
}

fn at_level(v: &str) -> i32 {
    if v == "N" { 0 } else { 1 }
}

fn cia_level(v: &str) -> i32 {
    match v {
        "H" => 0,
        "L" => 1,
        _ => 2, // N
    }
}

/// SC, SI, SA: S (Safety, SI/SA only) is 0, H is 1.
fn subsequent_level(v: &str) -> i32 {
    match v {
        "S" => 0,
        "H" => 1,
        "L" => 2,
        _ => 3, // N
    }
}

fn requirement_level(v: &str) -> i32 {
    match v {
        "H" => 0,
        "M" => 1,
        _ => 2, // L
    }
}

// The highest-severity vectors of each EQ level (the reference calculator's `max_composed.js`),
// as metric values in the order given in each comment.

/// EQ1 levels 0..=2: (AV, PR, UI).
const EQ1_MAX: [&[[&str; 3]]; 3] =
    [&[["N", "N", "N"]], &[["A", "N", "N"], ["N", "L", "N"], ["N", "N", "P"]], &[["P", "N", "N"], ["A", "L", "P"]]];

/// EQ2 levels 0..=1: (AC, AT).
const EQ2_MAX: [&[[&str; 2]]; 2] = [&[["L", "N"]], &[["H", "N"], ["L", "P"]]];

/// EQ3 level × EQ6 level: (VC, VI, VA, CR, IR, AR). EQ3 = 2 with EQ6 = 0 is not a macrovector.
const EQ3_EQ6_MAX: [[&[[&str; 6]]; 2]; 3] = [
    [&[["H", "H", "H", "H", "H", "H"]], &[["H", "H", "L", "M", "M", "H"], ["H", "H", "H", "M", "M", "M"]]],
    [
        &[["L", "H", "H", "H", "H", "H"], ["H", "L", "H", "H", "H", "H"]],
        &[
            ["L", "H", "L", "H", "M", "H"],
            ["L", "H", "H", "H", "M", "M"],
            ["H", "L", "H", "M", "H", "M"],
            ["H", "L", "L", "M", "H", "H"],
            ["L", "L", "H", "H", "H", "M"],
        ],
    ],
    [&[], &[["L", "L", "L", "H", "H", "H"]]],
];

/// EQ4 levels 0..=2: (SC, SI, SA).
const EQ4_MAX: [&[[&str; 3]]; 3] = [&[["H", "S", "S"]], &[["H", "H", "H"]], &[["L", "L", "L"]]];

// Depth of each EQ level in steps (the reference calculator's `max_severity.js`): the largest
// severity distance within the level, plus one.
const EQ1_DEPTH: [i64; 3] = [1, 4, 5];
const EQ2_DEPTH: [i64; 2] = [1, 2];
/// EQ3 level × EQ6 level; 0 where there is no macrovector.
const EQ3_EQ6_DEPTH: [[i64; 2]; 3] = [[7, 6], [8, 8], [0, 10]];
const EQ4_DEPTH: [i64; 3] = [6, 5, 4];

fn level_of<const N: usize>(table: &[&'static [[&'static str; N]]], eq: u8) -> &'static [[&'static str; N]] {
    table.get(usize::from(eq)).copied().unwrap_or(&[])
}

fn depth_of(table: &[i64], eq: u8) -> i64 {
    table.get(usize::from(eq)).copied().unwrap_or(0)
}

/// The macrovector of a v4.0 vector.
pub(crate) fn macrovector(v: &Vector) -> [u8; 6] {
    Effective::of(v).macrovector()
}

/// Scores a v4.0 vector.
pub(crate) fn scores(v: &Vector) -> Scores {
    let base = f64::from(score_tenths(&Effective::of(v))) / 10.0;
    let nomenclature = match (v.any_defined(Group::Temporal), v.any_defined(Group::Environmental)) {
        (false, false) => Nomenclature::B,
        (true, false) => Nomenclature::BT,
        (false, true) => Nomenclature::BE,
        (true, true) => Nomenclature::BTE,
    };
    Scores {
        version: Version::V4_0,
        base,
        temporal: None,
        environmental: None,
        severity: Severity::from_score(Version::V4_0, base),
        nomenclature: Some(nomenclature),
    }
}

/// The score in tenths (0..=100).
fn score_tenths(eff: &Effective) -> u8 {
    // No impact on the vulnerable or any subsequent system: 0.0 whatever else holds.
    if [eff.vc, eff.vi, eff.va, eff.sc, eff.si, eff.sa].iter().all(|m| *m == "N") {
        return 0;
    }
    let mv = eff.macrovector();
    let [eq1, eq2, eq3, eq4, _, eq6] = mv;
    let Some(value) = v4_lookup::score_tenths(mv).map(i64::from) else {
        // Unreachable: every macrovector a vector can fall into has a score (unit-tested).
        return 0;
    };
    let lower = |f: fn(&mut [u8; 6])| {
        let mut next = mv;
        f(&mut next);
        v4_lookup::score_tenths(next).map(i64::from)
    };

    // The next-lower macrovector's score per EQ, if there is one. EQ3 and EQ6 move together.
    let lower_eq1 = lower(|m| m[0] += 1);
    let lower_eq2 = lower(|m| m[1] += 1);
    let lower_eq3_eq6 = match (eq3, eq6) {
        (0, 0) => {
            // Two ways down (00 → 01 or 00 → 10): take the higher score. Both always exist.
            let left = lower(|m| m[5] += 1);
            let right = lower(|m| m[2] += 1);
            match (left, right) {
                (Some(l), Some(r)) if l > r => Some(l),
                _ => right,
            }
        }
        // 10 → 11
        (1, 0) => lower(|m| m[5] += 1),
        // 01 → 11, 11 → 21
        (0 | 1, _) => lower(|m| m[2] += 1),
        // 21 → 32, which does not exist
        _ => lower(|m| {
            m[2] += 1;
            m[5] += 1;
        }),
    };
    let lower_eq4 = lower(|m| m[3] += 1);
    let lower_eq5 = lower(|m| m[4] += 1);

    // Severity distance from the first highest-severity vector (EQ1 × EQ2 × EQ3/EQ6 × EQ4, in the
    // reference calculator's order) that the vector does not exceed in any metric; if none
    // qualifies the calculator keeps the last one tried, and so do we.
    let own = eff.levels();
    let mut distance = None;
    'search: for m1 in level_of(&EQ1_MAX, eq1) {
        for m2 in level_of(&EQ2_MAX, eq2) {
            for m36 in level_of(&EQ3_EQ6_MAX.get(usize::from(eq3)).copied().unwrap_or([&[], &[]]), eq6) {
                for m4 in level_of(&EQ4_MAX, eq4) {
                    let [av, pr, ui] = *m1;
                    let [ac, at] = *m2;
                    let [vc, vi, va, cr, ir, ar] = *m36;
                    let [sc, si, sa] = *m4;
                    let max = Effective { av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e: "A", cr, ir, ar }.levels();
                    let d = Levels {
                        av: own.av - max.av,
                        pr: own.pr - max.pr,
                        ui: own.ui - max.ui,
                        ac: own.ac - max.ac,
                        at: own.at - max.at,
                        vc: own.vc - max.vc,
                        vi: own.vi - max.vi,
                        va: own.va - max.va,
                        sc: own.sc - max.sc,
                        si: own.si - max.si,
                        sa: own.sa - max.sa,
                        cr: own.cr - max.cr,
                        ir: own.ir - max.ir,
                        ar: own.ar - max.ar,
                    };
                    distance = Some(d);
                    let all = [d.av, d.pr, d.ui, d.ac, d.at, d.vc, d.vi, d.va, d.sc, d.si, d.sa, d.cr, d.ir, d.ar];
                    if all.iter().all(|x| *x >= 0) {
                        break 'search;
                    }
                }
            }
        }
    }
    let Some(d) = distance else {
        // Unreachable: every reachable EQ level has at least one highest-severity vector.
        return u8::try_from(value).unwrap_or(0);
    };

    // For each EQ with a lower macrovector: (score gap in tenths, distance in steps, depth in steps).
    // EQ5 has depth 1 and distance 0: it counts in the mean but never moves the score.
    let eq3_eq6_depth = EQ3_EQ6_DEPTH.get(usize::from(eq3)).map_or(0, |row| depth_of(row, eq6));
    let parts = [
        (lower_eq1, i64::from(d.av + d.pr + d.ui), depth_of(&EQ1_DEPTH, eq1)),
        (lower_eq2, i64::from(d.ac + d.at), depth_of(&EQ2_DEPTH, eq2)),
        (lower_eq3_eq6, i64::from(d.vc + d.vi + d.va + d.cr + d.ir + d.ar), eq3_eq6_depth),
        (lower_eq4, i64::from(d.sc + d.si + d.sa), depth_of(&EQ4_DEPTH, eq4)),
        (lower_eq5, 0, 1),
    ];

    // mean = Σ gap·distance/depth ÷ n, kept as the exact fraction numerator / denominator.
    let mut numerator: i64 = 0;
    let mut denominator: i64 = 1;
    let mut n: i64 = 0;
    for (lower, dist, depth) in parts {
        let Some(lower) = lower else { continue };
        if depth <= 0 {
            continue; // Unreachable: depths are positive for every macrovector.
        }
        n += 1;
        numerator = numerator * depth + (value - lower) * dist * denominator;
        denominator *= depth;
    }
    if n > 0 {
        denominator *= n;
    }

    // score = value − mean, clamped to [0, 10], rounded half up to a tenth.
    let exact = (value * denominator - numerator).clamp(0, 100 * denominator);
    let rounded = (2 * exact + denominator) / (2 * denominator);
    u8::try_from(rounded).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_constants_match_the_table() {
        let keys = [
            (AV, "AV"),
            (AC, "AC"),
            (AT, "AT"),
            (PR, "PR"),
            (UI, "UI"),
            (VC, "VC"),
            (VI, "VI"),
            (VA, "VA"),
            (SC, "SC"),
            (SI, "SI"),
            (SA, "SA"),
            (E, "E"),
            (CR, "CR"),
            (IR, "IR"),
            (AR, "AR"),
        ];
        for (idx, key) in keys {
            assert_eq!(METRICS[idx].key, key);
        }
        for base in AV..=SA {
            assert_eq!(METRICS[MODIFIED + base].key, format!("M{}", METRICS[base].key));
        }
        assert_eq!(METRICS.len(), MODIFIED + 11 + 6);
    }
}
