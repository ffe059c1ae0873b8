//! `patchwise decide`, `top`, `findings --decision` and `explain` on the demo plant with its real
//! findings — and the golden short list: what an OT engineer would put first, and why.

use super::*;
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

fn in_days(n: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(n)).to_string()
}

fn rank(p: &Value) -> usize {
    ["defer", "scheduled", "out-of-cycle", "immediate"].iter().position(|x| *x == p.as_str().unwrap()).unwrap()
}

/// The demo's short list, as an OT engineer would call it, with the reasons.
#[test]
fn the_demo_short_list_is_what_an_ot_engineer_would_put_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    let top = json(&db, &["top", "--limit", "10", "--json"]);
    let top = top.as_array().unwrap();
    let ids: Vec<&str> = top.iter().map(|d| d["finding"].as_str().unwrap()).collect();

    // 1–2. The Internet-facing FortiGate: both FortiOS flaws are pre-authentication, in CISA KEV
    // (CVE-2024-21762 with known ransomware use), reachable from the Internet on the SSL-VPN
    // portal without a pivot (System Exposure open), automatable, and the firewall is the site's
    // only perimeter (mission failure if taken): SSVC immediate, act within two days. The fastest
    // risk reduction is the vendor's own workaround: switch the SSL-VPN off.
    assert_eq!(ids[..2], ["FW-EDGE-01:CVE-2024-21762", "FW-EDGE-01:CVE-2024-23113"], "{ids:?}");
    for d in &top[..2] {
        assert_eq!(d["decision"], "immediate", "{d}");
        assert_eq!(d["deadline"], in_days(2), "{d}");
        assert_eq!(d["inputs"]["exploitation"]["value"], "active");
        assert!(d["inputs"]["exploitation"]["source"].as_str().unwrap().starts_with("CISA KEV (added 2024-"));
        assert_eq!(d["inputs"]["system_exposure"]["value"], "open");
        assert!(d["inputs"]["system_exposure"]["source"].as_str().unwrap().contains("from internet"), "{d}");
        assert_eq!(d["inputs"]["automatable"]["value"], "yes");
        assert_eq!(d["inputs"]["human_impact"]["value"], "very-high");
        assert_eq!(d["cisa_level"], "act");
        let advice = d["advice"].as_str().unwrap();
        assert!(advice.contains("switch off the VPN on FW-EDGE-01") && advice.contains("internet#2"), "{advice}");
    }
    assert!(top[0]["inputs"]["exploitation"]["source"].as_str().unwrap().contains("known ransomware use"));

    // 3–4. Its HA partner has the same flaws but is reached only through the first one
    // (controlled): out-of-cycle, the next opportunity.
    assert_eq!(ids[2..4], ["FW-EDGE-02:CVE-2024-21762", "FW-EDGE-02:CVE-2024-23113"], "{ids:?}");
    assert!(
        top[2..4]
            .iter()
            .all(|d| d["decision"] == "out-of-cycle" && d["inputs"]["system_exposure"]["value"] == "controlled")
    );

    // 5–10. The FactoryTalk clients on the reactor line (safety critical): Windows privilege
    // escalations in KEV with ransomware use, reachable from the vendors' remote access:
    // out-of-cycle, before anything whose exploitation no source states.
    for d in &top[4..] {
        assert_eq!(d["decision"], "out-of-cycle", "{d}");
        assert_eq!(d["inputs"]["exploitation"]["value"], "active", "{d}");
        assert!(d["inputs"]["system_exposure"]["source"].as_str().unwrap().contains("vendor-remote"), "{d}");
        assert!(["high", "very-high"].contains(&d["inputs"]["human_impact"]["value"].as_str().unwrap()), "{d}");
    }
    assert!(ids[4..].iter().any(|f| f.starts_with("FT-CLI-")), "{ids:?}");

    // The whole list: most urgent first, every KEV-listed flaw on a reachable asset is not deferred,
    // every known-active finding of an outcome comes before the assumed ones of that outcome.
    let all = json(&db, &["decide", "--dry-run", "--json"]);
    let list = all["decisions"].as_array().unwrap();
    assert!(list.windows(2).all(|w| rank(&w[0]["decision"]) >= rank(&w[1]["decision"])));
    for w in list.windows(2) {
        if w[0]["decision"] == w[1]["decision"] && w[1]["inputs"]["exploitation"]["value"] == "active" {
            assert_eq!(w[1]["inputs"]["exploitation"]["assumed"], false);
            assert!(
                w[0]["inputs"]["exploitation"]["value"] == "active",
                "{} (active) after {} (not)",
                w[1]["finding"],
                w[0]["finding"]
            );
        }
    }
    for d in list {
        if d["kev"] == true && d["inputs"]["system_exposure"]["value"] != "small" {
            assert_ne!(d["decision"], "defer", "{d}");
        }
        if d["inputs"]["exploitation"]["assumed"] == true {
            assert!(d["narrative"].as_str().unwrap().contains("no known exploitation status"), "{d}");
        }
    }
    // Manager view of one site; an unknown site is an error naming the sites.
    assert_eq!(json(&db, &["top", "--site", "mst", "--limit", "2", "--json"])[0]["finding"], ids[0]);
    let bad = run(&db, &["top", "--site", "nowhere"]);
    assert!(!bad.status.success() && stderr(&bad).contains("mst"), "{}", stderr(&bad));
    let text = ok(&db, &["top", "--limit", "1"]);
    assert!(text.starts_with("1. [immediate] CVE-2024-21762 on FW-EDGE-01 is actively exploited"), "{text}");
}

#[test]
fn findings_carry_their_decision_and_explain_shows_its_inputs_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    // `demo` recorded the first decisions; deciding again changes nothing.
    let again = json(&db, &["decide", "--json"]);
    let recorded = &again["recorded"];
    assert_eq!((recorded["new"].as_u64(), recorded["changed"].as_u64()), (Some(0), Some(0)), "{recorded}");
    let decided = again["decisions"].as_array().unwrap().len();
    assert_eq!(recorded["unchanged"].as_u64(), Some(decided as u64));

    let open = json(&db, &["findings", "--json"]);
    let open = open.as_array().unwrap();
    assert!(open.iter().all(|f| f["decision"].is_string() && f["inputs"].is_object() && f["narrative"].is_string()));
    assert!(open.iter().all(|f| f["deadline"].as_str().is_some_and(|d| *d >= *today())));
    let immediate = json(&db, &["findings", "--decision", "immediate", "--json"]);
    let immediate = immediate.as_array().unwrap();
    assert_eq!(immediate.len(), open.iter().filter(|f| f["decision"] == "immediate").count());
    assert!(!immediate.is_empty() && immediate.iter().all(|f| f["decision"] == "immediate"));
    let text = ok(&db, &["findings", "--decision", "scheduled", "--limit", "3"]);
    assert!(text.contains("DECISION") && text.contains("scheduled by"), "{text}");
    assert_eq!(run(&db, &["findings", "--decision", "soon"]).status.code(), Some(2));

    let e = ok(&db, &["explain", "FW-EDGE-01:CVE-2024-21762"]);
    for want in [
        "Decision (ssvc-deployer 1.0.0)",
        "immediate — act by",
        "CISA KEV (added 2024-02-09",
        "asset FW-EDGE-01 mission impact",
        "Decision history",
        "new finding, decided immediate",
    ] {
        assert!(e.contains(want), "explain lacks {want:?}:\n{e}");
    }
    let e = json(&db, &["explain", "FW-EDGE-01:CVE-2024-21762", "--json"]);
    assert_eq!(e["decision"], "immediate");
    assert_eq!(e["history"][0]["after"], "immediate");

    // Filters, and a bad decision name is a usage error.
    let defer = json(&db, &["decide", "--decision", "defer", "--dry-run", "--json"]);
    assert!(defer["decisions"].as_array().unwrap().iter().all(|d| d["decision"] == "defer"));
    assert_eq!(run(&db, &["decide", "--decision", "soon"]).status.code(), Some(2));
    let bod = json(&db, &["decide", "--bod", "--limit", "1", "--json"]);
    assert_eq!(bod["decisions"][0]["deadline"], in_days(3), "{bod}");
    assert!(bod["recorded"].is_null(), "--bod shows another scheme; it records nothing");
}

#[test]
fn a_change_of_the_network_is_recorded_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    // The SSL-VPN on the edge firewall is switched off: the plant file loses that attachment.
    let plant = dir.path().join("plant.toml");
    ok(&db, &["plant", "export", "--output", plant.to_str().unwrap()]);
    let text = std::fs::read_to_string(&plant).unwrap();
    let vpn = "[[entry_point.attach]]\nvia = \"vpn\"\ngateway = \"FW-EDGE-01\"";
    let at = text.find(vpn).expect("the SSL-VPN attachment in the export");
    let end = text[at + vpn.len()..].find("\n\n").map_or(text.len(), |e| at + vpn.len() + e);
    std::fs::write(&plant, format!("{}{}", &text[..at], &text[end..])).unwrap();
    ok(&db, &["plant", "import", plant.to_str().unwrap()]);
    let r = json(&db, &["decide", "--json"]);
    assert!(r["recorded"]["changed"].as_u64().unwrap() > 0, "{}", r["recorded"]);
    let h = json(&db, &["decide", "--history", "--finding", "FW-EDGE-01:CVE-2024-21762", "--json"]);
    let latest = &h[0];
    assert_eq!(latest["before"], "immediate", "{h}");
    let reasons = latest["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r.as_str().unwrap().starts_with("exposure change: open → ")), "{h}");
    assert_eq!(h.as_array().unwrap().len(), 2, "new, then the change: {h}");
    let text = ok(&db, &["decide", "--history", "--limit", "5"]);
    assert!(text.contains("exposure change"), "{text}");
}

#[test]
fn controls_lower_decisions_while_they_count_and_their_lapse_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    ok(&db, &["demo"]);
    let decision = |f: &str| {
        let all = json(&db, &["decide", "--dry-run", "--asset", f.split(':').next().unwrap(), "--json"]);
        all["decisions"].as_array().unwrap().iter().find(|d| d["finding"] == f).cloned().unwrap()
    };
    // Refused: unknown asset, monitoring that claims to neutralise, a change the plant does not have.
    for (args, want) in [
        (
            vec!["CC-9", "--kind", "service-disabled", "--owner", "OT", "--asset", "NOPE", "--cve", "CVE-2024-21762"],
            "no asset `NOPE`",
        ),
        (
            vec!["CC-9", "--kind", "monitoring", "--owner", "OT", "--asset", "FW-EDGE-01", "--cve", "CVE-2024-21762"],
            "does not neutralise",
        ),
        (vec!["CC-9", "--kind", "network", "--owner", "OT", "--change", "disable-rule nope/1"], "nope/1"),
        (vec!["CC-9", "--kind", "network", "--owner", "OT"], "names its changes"),
    ] {
        let mut a = vec!["control", "add"];
        a.extend(args);
        let r = run(&db, &a);
        assert_eq!(r.status.code(), Some(1), "{a:?}");
        assert!(stderr(&r).contains(want), "{a:?}: {}", stderr(&r));
    }
    assert!(json(&db, &["control", "list", "--json"]).as_array().unwrap().is_empty(), "nothing stored");

    // An expired control changes nothing.
    ok(
        &db,
        &[
            "control",
            "add",
            "CC-0",
            "--kind",
            "service-disabled",
            "--owner",
            "OT",
            "--asset",
            "FW-EDGE-01",
            "--cve",
            "CVE-2024-21762",
            "--expires",
            "2020-01-01",
        ],
    );
    assert_eq!(decision("FW-EDGE-01:CVE-2024-21762")["decision"], "immediate");
    // The SSL-VPN switched off on the FortiGate: the flaw is neutralised until the control expires.
    let out = ok(
        &db,
        &[
            "control",
            "add",
            "CC-1",
            "--kind",
            "service-disabled",
            "--owner",
            "IT Network Operations",
            "--asset",
            "FW-EDGE-01",
            "--cve",
            "CVE-2024-21762",
            "--evidence",
            "CHG-2026-1120",
            "--verified-on",
            "2026-11-20",
            "--expires",
            "2099-01-01",
        ],
    );
    assert!(out.contains("control applied: exposure open → small (neutralised by control CC-1"), "{out}");
    let d = decision("FW-EDGE-01:CVE-2024-21762");
    assert_eq!(d["inputs"]["system_exposure"]["value"], "small");
    assert_eq!(d["decision"], "out-of-cycle", "still actively exploited: the next opportunity, not never");
    assert_eq!(decision("FW-EDGE-01:CVE-2024-23113")["decision"], "immediate", "only the CVE it names");
    // A network control: the boiler panel's port forward deleted.
    ok(
        &db,
        &[
            "control",
            "add",
            "CC-2",
            "--kind",
            "network",
            "--owner",
            "OT security",
            "--change",
            "close-entry internet#1",
        ],
    );
    let d = decision("HMI-BOIL-01:CVE-2020-15786");
    assert_ne!(d["inputs"]["system_exposure"]["value"], "open");
    assert!(
        d["inputs"]["system_exposure"]["source"]
            .as_str()
            .unwrap()
            .contains("lowered from open by network control(s) CC-2"),
        "{d}"
    );
    let list = json(&db, &["control", "list", "--json"]);
    assert_eq!(list[0]["id"], "CC-0", "expiring soonest first");
    assert_eq!(list[0]["active"], false);
    // The control goes away: the history says so.
    ok(&db, &["control", "remove", "CC-1"]);
    let h = json(&db, &["decide", "--history", "--finding", "FW-EDGE-01:CVE-2024-21762", "--json"]);
    assert!(h[0]["reasons"][0].as_str().unwrap().starts_with("control no longer applies"), "{h}");
    assert_eq!(h[0]["after"], "immediate");
    assert_eq!(run(&db, &["control", "remove", "CC-1"]).status.code(), Some(1));
}
