//! `patchwise decide` and `top` on the demo plant with its real findings.

use super::*;
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

#[test]
fn every_open_finding_gets_a_decision_with_sourced_inputs_and_the_edge_firewall_leads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    let open = json(&db, &["findings", "--json"]).as_array().unwrap().len();
    let all = json(&db, &["decide", "--json"]);
    let list = all.as_array().unwrap();
    // One decision per open finding (findings list one row per part; decisions one per asset
    // and vulnerability).
    assert!(!list.is_empty() && list.len() <= open, "{} decisions for {open} findings", list.len());
    for d in list {
        assert_eq!(d["table"], "ssvc-deployer 1.0.0");
        for k in ["exploitation", "system_exposure", "automatable", "human_impact", "technical_impact"] {
            assert!(d["inputs"][k]["source"].as_str().is_some_and(|s| !s.is_empty()), "{k} without a source: {d}");
        }
        if d["inputs"]["exploitation"]["assumed"] == true {
            assert!(d["narrative"].as_str().unwrap().contains("no known exploitation status"), "{d}");
        }
    }
    for d in list.iter().take(5) {
        ok(&db, &["explain", d["finding"].as_str().unwrap()]);
    }
    // Most urgent first: never a lower priority before a higher one.
    let rank = |p: &str| ["defer", "scheduled", "out-of-cycle", "immediate"].iter().position(|x| *x == p).unwrap();
    assert!(
        list.windows(2).all(|w| rank(w[0]["priority"].as_str().unwrap()) >= rank(w[1]["priority"].as_str().unwrap()))
    );

    // The top of the list: the Internet-facing FortiGate with a KEV-listed, ransomware-used flaw.
    let top = json(&db, &["top", "--limit", "3", "--json"]);
    let first = &top[0];
    assert_eq!(first["finding"], "FW-EDGE-01:CVE-2024-21762", "{top}");
    assert_eq!(first["inputs"]["exploitation"]["value"], "active");
    assert!(first["inputs"]["exploitation"]["source"].as_str().unwrap().contains("CISA KEV (added 2024-02-09"));
    assert_eq!(first["inputs"]["system_exposure"]["value"], "open");
    assert_eq!(first["bod_26_04"], "3-days-and-forensic-investigation");
    let text = ok(&db, &["top", "--limit", "1"]);
    assert!(text.starts_with("1. [") && text.contains("CVE-2024-21762 on FW-EDGE-01 is actively exploited"), "{text}");

    // Filters, and a bad decision name is a usage error.
    let defer = json(&db, &["decide", "--decision", "defer", "--json"]);
    assert!(defer.as_array().unwrap().iter().all(|d| d["priority"] == "defer"));
    let on = json(&db, &["decide", "--asset", "PLC-R104", "--json"]);
    assert!(on.as_array().unwrap().iter().all(|d| d["asset"] == "PLC-R104") && !on.as_array().unwrap().is_empty());
    assert_eq!(run(&db, &["decide", "--decision", "soon"]).status.code(), Some(2));
    let bod = json(&db, &["decide", "--bod", "--limit", "1", "--json"]);
    assert!(bod[0]["deadline"].is_string());
}
