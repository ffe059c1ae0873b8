//! `patchwise intel …` over the real feeds in ../shared/fixtures: the acceptance import.

use super::*;

/// `../shared/fixtures/<rel>`; `None` with a message when absent, a failure under `CI=true`.
fn fixture(rel: &str) -> Option<PathBuf> {
    let p = repo_root().join("../shared/fixtures").join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "fixture {} is missing and CI=true", p.display());
    eprintln!("skipping: fixture {} is absent", p.display());
    None
}

#[test]
fn importing_the_real_feeds_brings_every_fact_together_with_provenance() {
    let (Some(kev), Some(csaf), Some(nvd), Some(vr)) =
        (fixture("kev"), fixture("csaf-cisa"), fixture("nvd-json-1.1"), fixture("vulnrichment"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.db");
    let paths = [&kev, &csaf, &nvd, &vr].map(|p| p.to_str().unwrap().to_string());
    let mut args = vec!["intel", "import", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let report: serde_json::Value = serde_json::from_str(&ok(&db, &args)).unwrap();
    // Licences, READMEs, schemas, manifests and feed indexes are listed, not read.
    let skipped: Vec<&str> =
        report["skipped"].as_array().unwrap().iter().map(|s| s["file"].as_str().unwrap()).collect();
    assert!(skipped.iter().any(|f| f.ends_with("LICENSE")), "{skipped:?}");
    assert!(skipped.iter().any(|f| f.ends_with("known_exploited_vulnerabilities_schema.json")), "{skipped:?}");

    let status: serde_json::Value = serde_json::from_str(&ok(&db, &["intel", "status", "--json"])).unwrap();
    let count = |source: &str| -> u64 {
        status
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["source"] == source)
            .map(|s| s["records"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(count("kev"), 1_404, "{status}");
    assert_eq!(count("csaf"), 2_383, "{status}");
    assert_eq!(count("nvd-1.1") + count("nvd-2.0"), 15_913, "{status}");
    assert_eq!(count("cve-5"), 4_160, "{status}");

    let view: serde_json::Value =
        serde_json::from_str(&ok(&db, &["intel", "show", "CVE-2022-0028", "--json"])).unwrap();
    let sources: Vec<&str> =
        view["advisories"].as_array().unwrap().iter().map(|a| a["provenance"]["source"].as_str().unwrap()).collect();
    assert!(sources.contains(&"nvd-1.1"), "{sources:?}");
    assert!(sources.contains(&"csaf"), "{sources:?}");
    assert!(
        view["advisories"].as_array().unwrap().iter().any(|a| a["id"] == "ICSA-24-102-03"),
        "the CISA ICS advisory covering the CVE is missing"
    );
    let nvd_adv =
        view["advisories"].as_array().unwrap().iter().find(|a| a["provenance"]["source"] == "nvd-1.1").unwrap();
    assert!(!nvd_adv["affected"].as_array().unwrap().is_empty(), "NVD configurations missing");
    assert!(!nvd_adv["cvss"].as_array().unwrap().is_empty(), "CVSS vectors missing");
    assert!(!view["kev"].as_array().unwrap().is_empty(), "KEV entry missing");
    assert!(!view["ssvc"].as_array().unwrap().is_empty(), "Vulnrichment SSVC points missing");
    for a in view["advisories"].as_array().unwrap() {
        assert!(a["provenance"]["digest"].as_str().is_some_and(|d| d.len() == 64), "{}", a["provenance"]);
    }

    // The same files again: nothing changes, every file is skipped as unchanged.
    let again: serde_json::Value = serde_json::from_str(&ok(&db, &args)).unwrap();
    assert_eq!(again["records"], 0, "{}", again["changes"]);
    assert_eq!(again["changes"]["advisories_new"], 0);
    assert_eq!(again["changes"]["advisories_updated"], 0);
}

#[test]
fn a_failed_intel_import_changes_nothing() {
    let Some(kev) = fixture("kev/known_exploited_vulnerabilities.json") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.db");
    ok(&db, &["intel", "import", kev.to_str().unwrap()]);
    let before = dump(&db);
    // A newer copy of the catalog next to a truncated one: the whole import fails.
    let bad_dir = dir.path().join("feeds");
    std::fs::create_dir(&bad_dir).unwrap();
    let text = std::fs::read_to_string(&kev).unwrap();
    std::fs::write(bad_dir.join("a-kev-copy.json"), text.replace("2025.08.25", "2099.01.01")).unwrap();
    std::fs::write(bad_dir.join("b-broken.json"), &text[..text.len() / 2]).unwrap();
    let o = run(&db, &["intel", "import", bad_dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("b-broken.json") && err.contains("nothing was imported"), "{err}");
    assert_eq!(dump(&db), before, "a failed import changed the database");
}

#[test]
fn archives_that_escape_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.db");
    // A tar with a member named ../evil.json, written by hand (ustar header).
    let mut header = [0u8; 512];
    let name = b"../evil.json";
    header[..name.len()].copy_from_slice(name);
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(b"00000000002\0");
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(b"{}");
    tar.resize(512 * 2, 0);
    tar.resize(512 * 4, 0);
    let file = dir.path().join("evil.tar");
    std::fs::write(&file, tar).unwrap();
    let o = run(&db, &["intel", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("path traversal"), "{}", stderr(&o));
}
