//! The remediation workflow from the command line on the demo plant: users and roles, refused
//! steps, the dual verification, acceptances that reopen, and the audit trail that shows edits.

use super::*;
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

fn fails(db: &Path, args: &[&str], want: &str) {
    let r = run(db, args);
    assert_eq!(r.status.code(), Some(1), "{args:?}: {}", stdout(&r));
    assert!(stderr(&r).contains(want), "{args:?}: {}", stderr(&r));
}

#[test]
fn a_patch_is_planned_certified_tested_scheduled_and_verified_twice_by_named_users() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    let f = "PLC-R104:CVE-2022-30694";
    fails(&db, &["workflow", "set", f, "triage"], "create the admin first");
    fails(&db, &["user", "add", "bob", "--role", "engineer"], "the first user is the admin");
    ok(&db, &["user", "add", "alice", "--role", "admin"]);
    fails(&db, &["user", "add", "bob", "--role", "engineer"], "--user");
    ok(&db, &["--user", "alice", "user", "add", "bob", "--role", "engineer"]);
    ok(&db, &["--user", "alice", "user", "add", "vera", "--role", "viewer"]);
    fails(&db, &["--user", "vera", "workflow", "set", f, "triage"], "vera is viewer");
    fails(&db, &["--user", "nobody", "workflow", "set", f, "triage"], "no user `nobody`");
    fails(&db, &["--user", "bob", "workflow", "set", "NOPE:CVE-1", "triage"], "no finding");

    let bob = |args: &[&str]| {
        let mut a = vec!["--user", "bob", "workflow", "set", f];
        a.extend_from_slice(args);
        ok(&db, &a)
    };
    bob(&["triage", "--reason", "weekly review"]);
    fails(&db, &["--user", "bob", "workflow", "set", f, "deploy"], "not possible from `triaged`");
    bob(&["plan-patch"]);
    bob(&["certify", "--status", "not-qualified", "--source", "Siemens compatibility tool", "--date", "2026-11-01"]);
    // The vendor has not qualified it: an engineer cannot schedule it, an approver can with a reason.
    fails(&db, &["--user", "bob", "workflow", "set", f, "schedule", "--window", "MW-2026-12-05"], "override");
    fails(
        &db,
        &[
            "--user",
            "bob",
            "workflow",
            "set",
            f,
            "schedule",
            "--window",
            "MW-2026-12-05",
            "--override",
            "actively exploited, vendor silent",
        ],
        "needs approver",
    );
    bob(&["certify", "--status", "qualified", "--source", "Siemens compatibility tool", "--date", "2026-11-15"]);
    bob(&["test", "--passed", "--evidence", "test rig TR-2, 72 h soak"]);
    bob(&["schedule", "--window", "MW-2026-12-05"]);
    bob(&["deploy"]);
    // Security verification needs the finding to be gone, not a claim.
    fails(&db, &["--user", "bob", "verify", "security", f], "still matches");

    let show = json(&db, &["workflow", "show", f, "--json"]);
    assert_eq!(show["record"]["state"], "deployed");
    assert_eq!(show["record"]["window"], "MW-2026-12-05");
    let actions: Vec<&str> = show["audit"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "workflow.triage",
            "workflow.plan-patch",
            "workflow.certify",
            "workflow.certify",
            "workflow.test",
            "workflow.schedule",
            "workflow.deploy"
        ]
    );
    assert!(show["audit"].as_array().unwrap().iter().all(|e| e["actor"] == "bob"));
    let v = json(&db, &["audit", "verify", "--json"]);
    assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn an_acceptance_needs_an_approver_and_reopens_when_it_expires_or_the_cve_enters_kev() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    ok(&db, &["user", "add", "alice", "--role", "admin"]);
    ok(&db, &["--user", "alice", "user", "add", "bob", "--role", "engineer"]);
    let f = "FW-EDGE-01:CVE-2024-21762";
    ok(&db, &["--user", "bob", "workflow", "set", f, "triage"]);
    fails(
        &db,
        &[
            "--user",
            "bob",
            "accept",
            f,
            "--rationale",
            "SSL-VPN disabled until the December window",
            "--expires",
            "2099-01-01",
        ],
        "needs approver",
    );
    fails(&db, &["--user", "alice", "accept", f, "--rationale", "short", "--expires", "2099-01-01"], "rationale");
    ok(
        &db,
        &[
            "--user",
            "alice",
            "accept",
            f,
            "--rationale",
            "SSL-VPN disabled until the December window",
            "--expires",
            "2099-01-01",
        ],
    );
    let list = json(&db, &["workflow", "list", "--state", "accepted", "--json"]);
    assert_eq!(list[0]["acceptance"]["approver"], "alice");
    // A refresh finds nothing to reopen.
    ok(&db, &["decide"]);
    assert_eq!(json(&db, &["workflow", "list", "--state", "accepted", "--json"]).as_array().unwrap().len(), 1);

    // The acceptance has run out (its record edited through the store as time would): decide
    // reopens it, and the trail says why.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let doc: String = conn.query_row("SELECT doc FROM workflow WHERE id = ?1", [f], |r| r.get(0)).unwrap();
    let doc = doc.replace("2099-01-01", "2020-01-01");
    conn.execute("UPDATE workflow SET doc = ?1 WHERE id = ?2", [&doc, f]).unwrap();
    drop(conn);
    ok(&db, &["decide"]);
    let r = json(&db, &["workflow", "show", f, "--json"]);
    assert_eq!(r["record"]["state"], "triaged");
    let last = r["audit"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["actor"].as_str(), last["action"].as_str()), (Some("patchwise"), Some("workflow.reopen")));
    assert!(last["reason"].as_str().unwrap().contains("expired on 2020-01-01"), "{last}");
    // The trail itself was not touched: it verifies.
    let v = json(&db, &["audit", "verify", "--json"]);
    assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn audit_verify_detects_an_edit_and_a_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    ok(&db, &["user", "add", "alice", "--role", "admin"]);
    for u in ["bob", "carol", "dave"] {
        ok(&db, &["--user", "alice", "user", "add", u, "--role", "engineer"]);
    }
    ok(
        &db,
        &[
            "--user",
            "bob",
            "control",
            "add",
            "CC-1",
            "--kind",
            "network",
            "--owner",
            "OT",
            "--change",
            "close-entry internet#1",
        ],
    );
    let head = json(&db, &["audit", "verify", "--json"])["head"].as_str().unwrap().to_string();
    ok(&db, &["audit", "verify", "--head", &head]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", []).unwrap();
    let r = run(&db, &["audit", "verify"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains("entry 2: its content does not match its hash"), "{}", stderr(&r));
    conn.execute("UPDATE audit_log SET actor = 'alice' WHERE seq = 2", []).unwrap();
    conn.execute("DELETE FROM audit_log WHERE seq = 5", []).unwrap();
    let r = run(&db, &["audit", "verify", "--head", &head]);
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains("cut off or rewritten"), "{}", stderr(&r));
    conn.execute("DELETE FROM audit_log WHERE seq = 3", []).unwrap();
    let r = run(&db, &["audit", "verify"]);
    assert!(stderr(&r).contains("entry 4: expected sequence number 3"), "{}", stderr(&r));
}

#[test]
fn windows_and_vendor_statements_are_stored_checked_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    ok(&db, &["user", "add", "alice", "--role", "admin"]);
    let add = |extra: &[&str]| {
        let mut a = vec!["--user", "alice", "window", "add"];
        a.extend_from_slice(extra);
        run(&db, &a)
    };
    let r = add(&[
        "MW-2026-12",
        "--site",
        "mst",
        "--kind",
        "planned-shutdown",
        "--start",
        "2026-12-05 06:00",
        "--end",
        "2026-12-06 18:00",
        "--line",
        "Batch reactors R-101…R-104",
        "--zone",
        "sis",
        "--capacity-hours",
        "48",
        "--proof-test",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    // Refused, nothing stored: backwards, unknown zone, unknown line, no capacity, bad time.
    for (args, want) in [
        (
            vec![
                "MW-X",
                "--site",
                "mst",
                "--kind",
                "hot-swap",
                "--start",
                "2026-12-05 06:00",
                "--end",
                "2026-12-05 05:00",
                "--capacity-hours",
                "4",
            ],
            "ends",
        ),
        (
            vec![
                "MW-X",
                "--site",
                "mst",
                "--kind",
                "hot-swap",
                "--start",
                "2026-12-05 06:00",
                "--end",
                "2026-12-05 08:00",
                "--zone",
                "moon",
                "--capacity-hours",
                "4",
            ],
            "no zone `moon`",
        ),
        (
            vec![
                "MW-X",
                "--site",
                "mst",
                "--kind",
                "hot-swap",
                "--start",
                "2026-12-05 06:00",
                "--end",
                "2026-12-05 08:00",
                "--line",
                "L9",
                "--capacity-hours",
                "4",
            ],
            "line `L9`",
        ),
        (
            vec![
                "MW-X",
                "--site",
                "mst",
                "--kind",
                "hot-swap",
                "--start",
                "2026-12-05 06:00",
                "--end",
                "2026-12-05 08:00",
                "--capacity-hours",
                "0",
            ],
            "capacity",
        ),
    ] {
        let r = add(&args);
        assert_eq!(r.status.code(), Some(1), "{args:?}");
        assert!(stderr(&r).contains(want), "{args:?}: {}", stderr(&r));
    }
    assert_eq!(
        add(&[
            "MW-X",
            "--site",
            "mst",
            "--kind",
            "hot-swap",
            "--start",
            "tomorrow",
            "--end",
            "x",
            "--capacity-hours",
            "1"
        ])
        .status
        .code(),
        Some(2)
    );
    let w = json(&db, &["window", "list", "--json"]);
    assert_eq!(w.as_array().unwrap().len(), 1);
    assert_eq!((w[0]["kind"].as_str(), w[0]["proof_test"].as_bool()), (Some("planned-shutdown"), Some(true)));
    assert_eq!(json(&db, &["audit", "list", "--object", "window:MW-2026-12", "--json"])[0]["actor"], "alice");

    // Vendor statements: our own test file in the form OEMs publish (columns in another order).
    let csv = dir.path().join("qual.csv");
    std::fs::write(
        &csv,
        "Vendor,Product,Patch or version,Qualification,Date,Source URL\n\
         Microsoft,Windows 10 IoT Enterprise LTSC 2021,KB5044273,qualified,2026-10-20,https://example.invalid/rockwell-matrix\n\
         Microsoft,Windows Server 2019,KB5044277,not-tested,2026-10-20,https://example.invalid/rockwell-matrix\n",
    )
    .unwrap();
    let out = ok(&db, &["certification", "import", csv.to_str().unwrap()]);
    assert!(out.contains("2 statement(s) read, 2 new or changed"), "{out}");
    let out = ok(&db, &["certification", "import", csv.to_str().unwrap()]);
    assert!(out.contains("0 new or changed"), "re-import changes nothing: {out}");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "vendor,product,patch,status,date,source\nSiemens,S7-1500,V3.1,approved,2026-01-01,x\n")
        .unwrap();
    let r = run(&db, &["certification", "import", bad.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains("bad.csv:2") && stderr(&r).contains("approved"), "{}", stderr(&r));
    assert_eq!(
        json(&db, &["certification", "list", "--json"]).as_array().unwrap().len(),
        2,
        "a failed import changes nothing"
    );
}
