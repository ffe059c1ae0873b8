//! `patchwise match`, `findings` and `explain`: the demo's findings, incremental = full, filters,
//! stale findings after a plant change.

use super::*;
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array().expect("array").iter().map(|f| f["id"].as_str().expect("id").to_string()).collect()
}

#[test]
fn the_demo_has_real_findings_each_with_evidence_including_kev() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = ok(&db, &["demo"]);
    assert!(out.contains("full match:"), "{out}");
    let all = json(&db, &["findings", "--json"]);
    let list = all.as_array().unwrap();
    assert!(list.len() > 100, "{} findings", list.len());
    for f in list {
        for key in ["id", "asset", "advisory", "cves", "confidence", "status", "evidence"] {
            assert!(f.get(key).is_some(), "finding without {key}: {f}");
        }
        assert!(!f["evidence"].as_array().unwrap().is_empty(), "no evidence: {f}");
        assert!(f["status"] == "affected" || f["status"] == "under-investigation", "{f}");
    }
    let kev: Vec<&Value> = list.iter().filter(|f| f.get("kev").is_some()).collect();
    assert!(!kev.is_empty(), "no KEV-listed finding in the demo");
    // The demo's S7-1500 at V2.9.2 is the example: a model-number match, high confidence.
    let plc = json(&db, &["findings", "--json", "--asset", "PLC-R101", "--min-confidence", "high"]);
    assert!(!plc.as_array().unwrap().is_empty(), "PLC-R101 has no high-confidence finding");
    // Explain a KEV finding and a few others, as text and JSON.
    for f in kev.iter().take(3).chain(list.iter().take(3).collect::<Vec<_>>().iter()) {
        let id = f["id"].as_str().unwrap();
        let text = ok(&db, &["explain", id]);
        assert!(text.starts_with(id), "{text}");
        assert!(text.contains("Evidence:") && text.contains("matched "), "{text}");
        let j = json(&db, &["explain", id, "--json"]);
        assert_eq!(j["id"], f["id"]);
    }
    let kev_id = kev[0]["id"].as_str().unwrap();
    assert!(ok(&db, &["explain", kev_id]).contains("in CISA KEV since"));
    // Unknown finding: exit 1 with a clear message.
    let o = run(&db, &["explain", "NOPE:CVE-0000-0000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no finding `NOPE:CVE-0000-0000`"), "{}", stderr(&o));
}

#[test]
fn filters_narrow_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    let all = ids(&json(&db, &["findings", "--json", "--all"]));
    let open = ids(&json(&db, &["findings", "--json"]));
    assert!(open.len() <= all.len());
    let high = json(&db, &["findings", "--json", "--min-confidence", "high"]);
    assert!(high.as_array().unwrap().iter().all(|f| f["confidence"] == "high"));
    let kev = json(&db, &["findings", "--json", "--kev"]);
    assert!(kev.as_array().unwrap().iter().all(|f| f.get("kev").is_some()));
    let one = &open[0];
    let (asset, cve) = one.split_once(':').unwrap();
    let by_asset = json(&db, &["findings", "--json", "--asset", asset]);
    assert!(by_asset.as_array().unwrap().iter().all(|f| f["asset"] == asset));
    let by_cve = json(&db, &["findings", "--json", "--cve", cve]);
    assert!(ids(&by_cve).contains(one));
    let limited = json(&db, &["findings", "--json", "--limit", "2"]);
    assert_eq!(limited.as_array().unwrap().len(), 2);
    let o = run(&db, &["findings", "--min-confidence", "certain"]);
    assert_eq!(o.status.code(), Some(2), "a bad value is a usage error");
}

/// Incremental matching after an import must give exactly what a full match gives.
#[test]
fn incremental_matching_equals_a_full_match() {
    let (Some(kev), Some(csaf), Some(vr)) =
        (fixture("kev"), fixture("csaf-cisa/csaf_files/OT/white/2024"), fixture("vulnrichment"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    // The import matches the new advisories incrementally.
    let out = run(&db, &["intel", "import", kev.to_str().unwrap(), csaf.to_str().unwrap(), vr.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("incremental match:"), "{}", stderr(&out));
    let incremental = json(&db, &["findings", "--json", "--all"]);
    let summary = json(&db, &["match", "--full", "--json"]);
    assert_eq!(summary["run"]["kind"], "full");
    let full = json(&db, &["findings", "--json", "--all"]);
    assert_eq!(ids(&incremental).len(), ids(&full).len());
    assert_eq!(incremental, full, "incremental and full matching disagree");
    assert!(ids(&full).len() > ids(&json(&db, &["findings", "--json", "--all", "--cve", "NONE"])).len());
    // Nothing new: a second run changes nothing and writes no platform.
    let again = json(&db, &["match", "--full", "--json"]);
    assert_eq!(again["run"]["platforms_written"], 0, "{again}");
    assert_eq!(again["run"]["plant_read"], false, "an unchanged plant is not read again: {again}");
}

#[test]
fn a_plant_change_makes_findings_stale_until_the_next_match() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    let before = ids(&json(&db, &["findings", "--json", "--asset", "PLC-R101"]));
    assert!(!before.is_empty());
    // Upgrade PLC-R101's firmware through a CSV inventory.
    let csv = dir.path().join("upd.csv");
    std::fs::write(
        &csv,
        "id,name,zone,kind,vendor,product,model,firmware\n\
        PLC-R101,Reactor 101 PLC,cell-a,plc,Siemens,SIMATIC S7-1500 CPU 1516-3 PN/DP,6ES7 516-3AN02-0AB0,V3.1.5\n",
    )
    .unwrap();
    let imported = run(&db, &["assets", "import", csv.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let stale = ok(&db, &["findings", "--asset", "PLC-R101"]);
    assert!(stale.contains("plant changed since the last full match"), "{stale}");
    let m = json(&db, &["match", "--json"]);
    assert_eq!(m["run"]["kind"], "full", "a plant change forces a full match");
    assert_eq!(m["run"]["plant_read"], true, "{m}");
    let after = ids(&json(&db, &["findings", "--json", "--asset", "PLC-R101"]));
    assert!(after.len() < before.len(), "upgrading the firmware closed nothing: {before:?} → {after:?}");
}
