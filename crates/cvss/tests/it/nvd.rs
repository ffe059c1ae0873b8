//! NVD's published v3.0 and v3.1 base scores and severities (NVD API responses condensed by
//! pablotron/nvd-go into `cvss/v3{0,1}/testdata/v3{0,1}-scores.json.gz`: a JSON array of
//! `{"vector", "score", "severity"}`) must match exactly.

use std::io::Read;

use serde_json::Value;

use crate::fixtures::fixtures_dir;

fn check(relative: &str, count: usize) {
    let Some(dir) = fixtures_dir() else { return };
    let path = dir.join("nvd-api-2.0/pablotron-nvd-go/cvss").join(relative);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file).read_to_string(&mut text).unwrap();
    let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
    let mut failures = Vec::new();
    for row in &rows {
        let vector = row["vector"].as_str().unwrap();
        let score = row["score"].as_f64().unwrap();
        let severity = row["severity"].as_str().unwrap();
        match cvss::parse(vector) {
            Ok(v) => {
                let s = v.scores();
                if s.base != score || s.severity.as_str() != severity {
                    failures.push(format!("{vector}: NVD {score} {severity}, got {} {}", s.base, s.severity));
                }
            }
            Err(e) => failures.push(format!("{vector}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{relative}:\n{}", failures.join("\n"));
    assert_eq!(rows.len(), count, "{relative}: number of vectors checked");
}

#[test]
fn nvd_v30_scores() {
    check("v30/testdata/v30-scores.json.gz", 3);
}

#[test]
fn nvd_v31_scores() {
    check("v31/testdata/v31-scores.json.gz", 79);
}
