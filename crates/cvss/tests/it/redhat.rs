//! Every vector with expected scores in the Red Hat `cvss` library's test files
//! (`cvss-vectors/redhat-cvss/tests/`, RedHatProductSecurity/cvss @ 2f149099) must score exactly
//! as listed, and print as a vector that parses back to itself.
//!
//! Line formats: `VECTOR - (base, temporal, environmental)` for v2 and v3, where v2 writes `None`
//! for a group without defined metrics; `VECTOR - (score,)` or `VECTOR - score` for v4.

use std::path::Path;

use crate::fixtures::{fixtures_dir, read_text};

/// One expected line: the vector and its expected scores (`None` for a v2 group without score).
struct Expected {
    line_no: usize,
    vector: String,
    scores: Vec<Option<f64>>,
}

fn read_expected(path: &Path) -> Vec<Expected> {
    read_text(path)
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(idx, line)| {
            let (vector, rest) =
                line.split_once(" - ").unwrap_or_else(|| panic!("{}:{}: no ` - `", path.display(), idx + 1));
            let rest = rest.trim().trim_start_matches('(').trim_end_matches(')');
            let scores = rest
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| match s {
                    "None" => None,
                    _ => Some(s.parse::<f64>().unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), idx + 1))),
                })
                .collect();
            Expected { line_no: idx + 1, vector: vector.to_string(), scores }
        })
        .collect()
}

/// Scores every vector of `file`, asserting `count` vectors were checked and none mismatched.
fn check_file(file: &str, count: usize) {
    let Some(dir) = fixtures_dir() else { return };
    let path = dir.join("cvss-vectors/redhat-cvss/tests").join(file);
    let expected = read_expected(&path);
    let mut failures = Vec::new();
    for case in &expected {
        let vector = match cvss::parse(&case.vector) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{file}:{}: {}: {e}", case.line_no, case.vector));
                continue;
            }
        };
        let s = vector.scores();
        let got: Vec<Option<f64>> = match case.scores.len() {
            1 => vec![Some(s.base)],
            _ => vec![Some(s.base), s.temporal, s.environmental],
        };
        if got != case.scores {
            failures.push(format!("{file}:{}: {}: expected {:?}, got {got:?}", case.line_no, case.vector, case.scores));
        }
        let printed = vector.to_string();
        match cvss::parse(&printed) {
            Ok(again) if again == vector && again.to_string() == printed => {}
            other => failures
                .push(format!("{file}:{}: {} printed as {printed}, reparsed as {other:?}", case.line_no, case.vector)),
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), expected.len(), failures.join("\n"));
    assert_eq!(expected.len(), count, "{file}: number of vectors checked");
    eprintln!("{file}: {count} vectors match");
}

#[test]
fn vectors_simple2() {
    check_file("vectors_simple2", 729);
}

#[test]
fn vectors_cvsslib2() {
    check_file("vectors_cvsslib2", 24);
}

#[test]
fn vectors_calculator2() {
    check_file("vectors_calculator2", 5);
}

#[test]
fn vectors_simple3() {
    check_file("vectors_simple3", 2592);
}

#[test]
fn vectors_simple31() {
    check_file("vectors_simple31", 2592);
}

#[test]
fn vectors_cvsslib3() {
    check_file("vectors_cvsslib3", 29);
}

#[test]
fn vectors_calculator3() {
    check_file("vectors_calculator3", 2);
}

#[test]
fn vectors_simple4() {
    check_file("vectors_simple4", 1058);
}

#[test]
fn vectors_security4() {
    check_file("vectors_security4", 54);
}

#[test]
fn vectors_supplemental4() {
    check_file("vectors_supplemental4", 576);
}

#[test]
fn vectors_threat4() {
    check_file("vectors_threat4", 6);
}
