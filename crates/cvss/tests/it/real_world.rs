//! Soft check against `cvss-vectors/REAL_WORLD_VECTORS_derived.csv`: 12,439 vector / base score /
//! severity triples as published in CISA CSAF advisories and CVE records (CNA and CISA ADP):
//! 186 v2.0, 4,504 v3.0, 7,261 v3.1 and 488 v4.0.
//!
//! Publishers make mistakes, so this is not an exact test. Measured on this fixture:
//!
//! * every vector parses (0 invalid);
//! * 103 published base scores (0.83 %) differ from ours, all v3.1 CVE records: 99 of them equal
//!   the temporal or environmental score we compute for the same vector (the CNA put that score in
//!   `baseScore`), the other 4 match none of our scores (scores of a different vector);
//! * v2.0, v3.0 and v4.0 agree on every row.
//!
//! The bounds below sit just above those figures: a scoring regression moves far more than a
//! handful of the 12,439 rows, while the publishers' errors in this pinned file cannot change.

use std::collections::BTreeMap;

use crate::fixtures::{fixtures_dir, read_text};

/// Rows in the file (header excluded).
const ROWS: usize = 12_439;

/// Measured 0.83 % (103 rows).
const MAX_MISMATCH_RATE: f64 = 0.01;

/// Mismatches explained by none of our base / temporal / environmental scores. Measured 4.
const MAX_UNEXPLAINED: usize = 5;

#[derive(Default, Debug)]
struct Tally {
    rows: usize,
    invalid: usize,
    score_mismatch: usize,
    /// Published base score equals our temporal or environmental score.
    other_score_published: usize,
    severity_mismatch: usize,
}

#[test]
fn published_scores_mostly_agree() {
    let Some(dir) = fixtures_dir() else { return };
    let text = read_text(&dir.join("cvss-vectors/REAL_WORLD_VECTORS_derived.csv"));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("source,cve,vectorString,baseScore_as_published,baseSeverity_as_published"));

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unexplained: Vec<String> = Vec::new();
    let mut invalid: Vec<String> = Vec::new();
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
                invalid.push(format!("{source} {cve} {vector}: {e}"));
            }
            Ok(v) => {
                let s = v.scores();
                if s.base != published {
                    tally.score_mismatch += 1;
                    if s.temporal == Some(published) || s.environmental == Some(published) {
                        tally.other_score_published += 1;
                    } else {
                        unexplained.push(format!("{source} {cve} {vector}: published {published}, computed {s:?}"));
                    }
                }
                if !severity.is_empty() && s.severity.as_str() != severity {
                    tally.severity_mismatch += 1;
                }
            }
        }
    }

    for (version, t) in &tallies {
        eprintln!("{version}: {t:?}");
    }
    for line in unexplained.iter().chain(&invalid) {
        eprintln!("  {line}");
    }
    let rows: usize = tallies.values().map(|t| t.rows).sum();
    let parsed = rows - invalid.len();
    let mismatched: usize = tallies.values().map(|t| t.score_mismatch).sum();
    let rate = mismatched as f64 / parsed as f64;
    eprintln!(
        "{rows} rows, {} invalid, {mismatched} score mismatches ({:.2} %), {} unexplained",
        invalid.len(),
        rate * 100.0,
        unexplained.len()
    );

    assert_eq!(rows, ROWS);
    assert_eq!(parsed + invalid.len(), rows);
    assert!(invalid.is_empty(), "published vectors that do not parse:\n{}", invalid.join("\n"));
    assert!(rate <= MAX_MISMATCH_RATE, "mismatch rate {rate} above {MAX_MISMATCH_RATE}");
    assert!(unexplained.len() <= MAX_UNEXPLAINED, "{} unexplained mismatches", unexplained.len());
    for version in ["CVSS:2.0", "CVSS:3.0", "CVSS:4.0"] {
        let t = &tallies[version];
        assert_eq!(t.score_mismatch, 0, "{version}: {t:?}");
        assert!(t.rows > 0);
    }
}
