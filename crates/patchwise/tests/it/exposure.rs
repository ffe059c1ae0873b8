//! `patchwise exposure`, `paths`, `whatif`, `governance` and `flows` on the demo plant with its
//! real findings: the golden stories of the demo (the forgotten port forward, the vendor path)
//! and the observed-flow check on real Zeek logs.

use super::*;
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    (dir, db)
}

fn steps(path: &Value) -> Vec<(String, Option<String>)> {
    path.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let rule = s.get("conduit").map(|c| format!("{}/{}", c.as_str().unwrap(), s["rule"].as_str().unwrap()));
            (s["action"].as_str().unwrap().to_string(), rule)
        })
        .collect()
}

#[test]
fn the_forgotten_port_forward_is_open_and_goes_away_with_it() {
    let (_dir, db) = demo_db();
    let list = json(&db, &["exposure", "--from", "internet", "--json"]);
    let vnc = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["asset"] == "HMI-BOIL-01" && e["service"] == "tcp/5900")
        .expect("HMI-BOIL-01 VNC reachable from the Internet");
    assert_eq!(vnc["system_exposure"], "open", "{vnc}");
    assert_eq!(vnc["entry_points"][0]["entry_point"], "internet");
    assert_eq!(vnc["entry_points"][0]["hops"], 0);
    assert_eq!(vnc["entry_points"][0]["authenticated"], false);
    let via = vnc["path"][0]["via"].as_str().unwrap();
    assert!(via.contains("port forward 203.0.113.24:5900"), "{via}");
    // Only the boiler panel and the two perimeter VPN portals face the Internet unauthenticated.
    let mut open: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["system_exposure"] == "open")
        .map(|e| e["asset"].as_str().unwrap())
        .collect();
    open.dedup();
    assert!(open.contains(&"HMI-BOIL-01"), "{open:?}");
    assert!(open.iter().all(|a| ["HMI-BOIL-01", "FW-EDGE-01"].contains(a)), "{open:?}");

    let paths = json(&db, &["paths", "HMI-BOIL-01", "--json"]);
    assert_eq!(paths["system_exposure"], "open");
    let internet = paths["paths"].as_array().unwrap().iter().find(|p| p["entry_point"] == "internet").unwrap();
    assert_eq!(internet["outcome"], "take", "{internet}");
    assert_eq!(internet["hops"], 1);
    assert_eq!(internet["path"][0]["finding"].as_str().unwrap().split(':').next(), Some("HMI-BOIL-01"));

    // Deleting the port forward (the internet entry point's first attachment) removes the exposure.
    let d = json(&db, &["whatif", "--close-entry", "internet#1", "--json"]);
    let removed = d["exposures_removed"].as_array().unwrap();
    assert!(
        removed
            .iter()
            .any(|r| r["entry_point"] == "internet" && r["asset"] == "HMI-BOIL-01" && r["service"] == "tcp/5900"),
        "{d}"
    );
    let change = d["system_exposure"].as_array().unwrap().iter().find(|c| c["asset"] == "HMI-BOIL-01").unwrap();
    assert_eq!(change["before"], "open");
    assert_ne!(change["after"], "open");
    assert!(!change["findings"].as_array().unwrap().is_empty());
    // Nothing was saved.
    assert_eq!(json(&db, &["paths", "HMI-BOIL-01", "--json"])["system_exposure"], "open");
}

#[test]
fn the_vendor_path_runs_through_the_jump_host_and_closing_the_idmz_conduits_removes_it() {
    let (_dir, db) = demo_db();
    let p = json(&db, &["paths", "PLC-R104", "--from", "vendor", "--json"]);
    assert_eq!(p["crown_jewel"], true, "the reactor controller is a crown jewel: {p}");
    let vendor = p["paths"].as_array().unwrap().iter().find(|x| x["entry_point"] == "vendor-remote").unwrap();
    assert_eq!(vendor["outcome"], "take", "{vendor}");
    assert_eq!(vendor["hops"], 2);
    let s = steps(&vendor["path"]);
    assert_eq!(s[0].0, "enter");
    assert_eq!(vendor["path"][0]["to"], "asset:JUMP-01");
    assert_eq!(s[1], ("exploit".to_string(), Some("idmz-control/rdp-jump".to_string())), "{vendor}");
    assert_eq!(s[2].0, "exploit");
    assert_eq!(vendor["path"][2]["to"], "asset:PLC-R104");
    // Every step names a finding that exists.
    for step in vendor["path"].as_array().unwrap().iter().skip(1) {
        let id = step["finding"].as_str().unwrap();
        ok(&db, &["explain", id]);
    }

    // Closing one conduit only lengthens the path; closing every conduit out of the IDMZ into
    // operations removes the vendor's paths into the plant.
    let one = json(&db, &["whatif", "--close-conduit", "idmz-control", "--json"]);
    assert!(
        one["paths_removed"].as_array().unwrap().is_empty() || !one["exposures_changed"].as_array().unwrap().is_empty()
    );
    let all = json(
        &db,
        &[
            "whatif",
            "--close-conduit",
            "idmz-control",
            "--close-conduit",
            "idmz-engineering",
            "--close-conduit",
            "idmz-site-ops",
            "--json",
        ],
    );
    let removed = all["paths_removed"].as_array().unwrap();
    assert!(removed.iter().any(|r| r["entry_point"] == "vendor-remote" && r["asset"] == "PLC-R104"), "{all}");
    assert!(removed.iter().all(|r| r["entry_point"] != "internet" || r["asset"] != "HMI-BOIL-01"));

    // Bad changes are refused with the name.
    let o = run(&db, &["whatif", "--close-conduit", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no conduit `nope`"), "{}", stderr(&o));
    let o = run(&db, &["whatif", "--disable-rule", "rdp-jump"]);
    assert!(stderr(&o).contains("several conduits"), "{}", stderr(&o));
    let o = run(&db, &["whatif", "--add-rule", "idmz-control asset:JUMP-01 zone:control-centre"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_rule_added_by_whatif_takes_effect_before_the_existing_ones() {
    let (_dir, db) = demo_db();
    let before = json(&db, &["paths", "PLC-R104", "--from", "transient", "--json"]);
    let laptops =
        before["paths"].as_array().unwrap().iter().find(|x| x["entry_point"] == "contractor-laptops").unwrap();
    assert_eq!(laptops["hops"], 1, "{laptops}");
    // Deny S7 from the engineering zone into cell A: the zone-wide commissioning rule no longer helps.
    let d = json(
        &db,
        &[
            "whatif",
            "--add-rule",
            "engineering-cell-a: zone:engineering -> zone:cell-a tcp/102,443,4840 deny",
            "--json",
        ],
    );
    let changed = d["exposures_changed"].as_array().unwrap();
    let removed = d["exposures_removed"].as_array().unwrap();
    assert!(
        changed.iter().chain(removed).any(|c| c["entry_point"] == "contractor-laptops" && c["asset"] == "PLC-R104"),
        "{d}"
    );
}

#[test]
fn observed_flows_no_conduit_allows_are_listed_with_the_nearest_rule() {
    let (dir, db) = demo_db();
    let csv = dir.path().join("flows.csv");
    std::fs::write(
        &csv,
        "src,dst,protocol,port,first_seen,last_seen,count\n\
         10.10.1.40,10.130.11.14,tcp,102,2024-05-01T08:00:00Z,2024-05-02T08:00:00Z,12\n\
         10.130.4.11,10.130.11.14,tcp,102,2024-05-01T08:00:00Z,2024-05-01T09:00:00Z,3\n\
         10.130.11.14,10.130.11.15,tcp,102,,,1\n",
    )
    .unwrap();
    let first = json(&db, &["flows", "import", csv.to_str().unwrap(), "--json"]);
    assert_eq!(first["flows"], 3);
    assert_eq!(first["changed"], 3);
    let again = json(&db, &["flows", "import", csv.to_str().unwrap(), "--json"]);
    assert_eq!(again["changed"], 0, "re-importing the same file changes nothing");
    let issues = json(&db, &["governance", "--json"]);
    let flows: Vec<&Value> = issues.as_array().unwrap().iter().filter(|i| i["check"] == "ungoverned-flow").collect();
    assert_eq!(flows.len(), 1, "{issues}");
    assert_eq!(flows[0]["flow"]["src"], "10.10.1.40");
    assert!(
        flows[0]["message"].as_str().unwrap().contains("no conduit joins zone enterprise and zone cell-a"),
        "{}",
        flows[0]
    );
    assert!(flows[0]["nearest_rule"].is_string(), "{}", flows[0]);

    // A malformed file is refused whole, naming the line; nothing stored changes.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "src,dst,protocol,port\n10.0.0.1,10.0.0.2,tcp,80\n10.0.0.1,nonsense,tcp,80\n").unwrap();
    let o = run(&db, &["flows", "import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.csv:3"), "{}", stderr(&o));
    assert_eq!(json(&db, &["flows", "list", "--json"]).as_array().unwrap().len(), 3);
}

#[test]
fn real_zeek_conn_logs_are_read_record_for_record() {
    let Some(root) = fixture("pcaps") else { return };
    let mut logs = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "conn.log") {
                logs.push(p);
            }
        }
    }
    logs.sort();
    assert!(logs.len() >= 10, "{} conn.log files", logs.len());
    let (_dir, db) = demo_db();
    // Some test baselines are `zeek-cut` output without the `#fields` header: refused, with the line.
    let (logs, cut): (Vec<PathBuf>, Vec<PathBuf>) =
        logs.into_iter().partition(|p| std::fs::read_to_string(p).unwrap().contains("#fields"));
    assert!(logs.len() >= 5, "{} conn.log files with a header", logs.len());
    for p in &cut {
        let o = run(&db, &["flows", "import", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("before the `#fields` header"), "{}", stderr(&o));
    }
    let args: Vec<String> = logs.iter().map(|p| p.display().to_string()).collect();
    let mut cmd = vec!["flows", "import", "--json"];
    cmd.extend(args.iter().map(String::as_str));
    let out = json(&db, &cmd);
    for (f, log) in out["files"].as_array().unwrap().iter().zip(&logs) {
        // An independent count: data lines are the lines that are neither empty nor `#` headers.
        let text = std::fs::read_to_string(log).unwrap();
        let records = text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).count() as u64;
        assert_eq!(f["format"], "zeek-conn-tsv");
        assert_eq!(f["records"].as_u64().unwrap(), records, "{}", log.display());
        assert!(f["flows"].as_u64().unwrap() <= records);
    }
    let total: u64 = out["files"].as_array().unwrap().iter().map(|f| f["flows"].as_u64().unwrap()).sum();
    assert_eq!(out["flows"].as_u64().unwrap(), total);
    // These lab captures use addresses outside every zone of the demo plant: not its traffic.
    let issues = json(&db, &["governance", "--json"]);
    assert!(issues.as_array().unwrap().iter().all(|i| i["check"] != "ungoverned-flow"), "{issues}");
}

#[test]
fn a_firewall_import_replaces_the_documented_rules_and_paths_name_its_lines() {
    let (_dir, db) = demo_db();
    let rules = repo_root().join("crates/exposure/tests/data/firewall/fw-ot-01.rules");
    let rules = rules.to_str().unwrap();
    let dry = json(&db, &["firewall", "import", rules, "--firewall", "FW-OT-01", "--dry-run", "--json"]);
    assert_eq!(dry["stored"], false);
    assert_eq!(dry["unassigned"].as_array().unwrap().len(), 1, "{dry}");
    assert_eq!(dry["port_forwards"][0]["public_port"], 5900);
    let before = json(&db, &["conduits", "list", "--json"]);
    let out = json(&db, &["firewall", "import", rules, "--firewall", "FW-OT-01", "--json"]);
    assert_eq!(out["stored"], true);
    assert!(out["changed"].as_u64().unwrap() >= 5, "{out}");
    assert_ne!(json(&db, &["conduits", "list", "--json"]), before);
    let again = json(&db, &["firewall", "import", rules, "--firewall", "FW-OT-01", "--json"]);
    assert_eq!(again["changed"], 0, "the same configuration again changes nothing");

    // The vendor path into the control room now runs through the imported rule, with its line.
    let p = json(&db, &["paths", "WINCC-SRV-01", "--from", "vendor", "--json"]);
    let vendor = p["paths"].as_array().unwrap().iter().find(|x| x["entry_point"] == "vendor-remote").unwrap();
    let step = vendor["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["conduit"] == "idmz-control")
        .unwrap_or_else(|| panic!("{vendor}"));
    assert_eq!(step["rule"], "L29");
    assert_eq!(step["rule_source"]["line"], 29);
    assert!(step["rule_source"]["file"].as_str().unwrap().ends_with("fw-ot-01.rules"));
    assert!(ok(&db, &["paths", "WINCC-SRV-01", "--from", "vendor"]).contains("fw-ot-01.rules:29"));

    // A firewall that enforces nothing is refused and changes nothing.
    let o = run(&db, &["firewall", "import", rules, "--firewall", "FW-NOPE"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("FW-NOPE"), "{}", stderr(&o));
    let bad = repo_root().join("crates/exposure/tests/data/firewall/bad-cidr.rules");
    let o = run(&db, &["firewall", "import", bad.to_str().unwrap(), "--firewall", "FW-OT-01"]);
    assert!(stderr(&o).contains("bad-cidr.rules:3"), "{}", stderr(&o));
}
