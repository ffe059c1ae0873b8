//! Exit codes, demo, listing and showing, JSON shapes, documentation drift.

use super::*;

#[test]
fn usage_errors_exit_2_and_errors_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    assert_eq!(run(&db, &["no-such-command"]).status.code(), Some(2));
    assert_eq!(run(&db, &["assets", "list", "--bogus"]).status.code(), Some(2));
    let o = run(&db, &["assets", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(!db.exists(), "a read command must not create a database");
    let o = run(&db, &["plant", "check", "/no/such/plant.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/no/such/plant.toml"), "{}", stderr(&o));
}

#[test]
fn demo_database_lists_shows_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    ok(&db, &["demo"]);

    let list: serde_json::Value = serde_json::from_str(&ok(&db, &["assets", "list", "--json"])).unwrap();
    let items = list.as_array().unwrap();
    assert!(items.len() >= 150, "demo has {} assets", items.len());
    for key in
        ["id", "name", "site", "zone", "purdue", "kind", "vendor", "product", "model", "firmware", "ips", "owner"]
    {
        assert!(items[0].get(key).is_some(), "asset summary lacks `{key}`: {}", items[0]);
    }
    let ids: Vec<&str> = items.iter().map(|a| a["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "assets list is sorted by id");

    let plcs: serde_json::Value =
        serde_json::from_str(&ok(&db, &["assets", "list", "--kind", "plc", "--json"])).unwrap();
    let plcs = plcs.as_array().unwrap();
    assert!(!plcs.is_empty() && plcs.iter().all(|a| a["kind"] == "plc"));
    assert!(plcs.len() < items.len());

    let first = ids[0];
    let shown: serde_json::Value = serde_json::from_str(&ok(&db, &["assets", "show", first, "--json"])).unwrap();
    assert_eq!(shown["id"], first);
    for key in ["identity", "components", "services", "macs", "depends_on", "origin"] {
        assert!(shown.get(key).is_some(), "asset lacks `{key}`");
    }
    let text = ok(&db, &["assets", "show", first]);
    assert!(text.starts_with(first));
    let o = run(&db, &["assets", "show", "NO-SUCH-ASSET"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("NO-SUCH-ASSET"));

    let zones: serde_json::Value = serde_json::from_str(&ok(&db, &["zones", "list", "--json"])).unwrap();
    assert!(zones.as_array().unwrap().len() >= 8);
    let conduits: serde_json::Value = serde_json::from_str(&ok(&db, &["conduits", "list", "--json"])).unwrap();
    assert!(!conduits.as_array().unwrap().is_empty());
    assert!(ok(&db, &["zones", "list"]).contains("3.5"));

    // The demo carries its own intelligence: real records for its products, with provenance,
    // available with no network and no feeds.
    let status: serde_json::Value = serde_json::from_str(&ok(&db, &["intel", "status", "--json"])).unwrap();
    let csaf = status.as_array().unwrap().iter().find(|s| s["source"] == "csaf").unwrap();
    assert!(csaf["records"].as_u64().unwrap() >= 50, "{status}");
    let fortios: serde_json::Value =
        serde_json::from_str(&ok(&db, &["intel", "show", "CVE-2024-21762", "--json"])).unwrap();
    assert!(fortios["kev"].as_array().unwrap().iter().any(|k| k["date_added"] == "2024-02-09"), "{fortios}");
    assert!(!fortios["ssvc"].as_array().unwrap().is_empty());

    // Export, then import the export: nothing changes.
    let exported = dir.path().join("export.toml");
    ok(&db, &["plant", "export", "-o", exported.to_str().unwrap()]);
    ok(&db, &["plant", "check", exported.to_str().unwrap()]);
    let before = dump(&db);
    let diff: serde_json::Value =
        serde_json::from_str(&ok(&db, &["plant", "import", exported.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(diff["added"].as_array().unwrap().len(), 0, "{diff}");
    assert_eq!(diff["changed"].as_array().unwrap().len(), 0, "{diff}");
    assert_eq!(diff["removed"].as_array().unwrap().len(), 0, "{diff}");
    let after = dump(&db);
    let plant_rows = |d: &[String]| d.iter().filter(|r| !r.starts_with("imports:")).cloned().collect::<Vec<_>>();
    assert_eq!(plant_rows(&before), plant_rows(&after), "re-importing the export rewrote plant records");

    // The demo refuses to overwrite a database holding other imports.
    let o = run(&db, &["demo"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    ok(&db, &["demo", "--force"]);
}

#[test]
fn scaled_demo_has_exactly_n_assets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("scale.db");
    ok(&db, &["demo", "--scale", "2000"]);
    let list: serde_json::Value = serde_json::from_str(&ok(&db, &["assets", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2000);
}

#[test]
fn cvss_scores_vectors_and_names_bad_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&db, &["cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", "--json"])).unwrap();
    assert_eq!((v["scores"]["base"].as_f64(), v["scores"]["environmental"].as_f64()), (Some(9.6), Some(9.7)));
    assert!(ok(&db, &["cvss", "AV:N/AC:L/Au:N/C:P/I:P/A:P"]).contains("7.5"));
    let o = run(&db, &["cvss", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`AV`"), "{}", stderr(&o));
    assert!(!db.exists());
}

/// The subcommand names a clap help text lists under `Commands:`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn every_command_is_documented() {
    let doc = std::fs::read_to_string(repo_root().join("docs/cli.md")).unwrap();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let help = ok(&db, &["--help"]);
    let commands = subcommands(&help);
    assert!(commands.len() >= 6, "{help}");
    for c in &commands {
        let subs = subcommands(&ok(&db, &[c, "--help"]));
        if subs.is_empty() {
            assert!(doc.contains(&format!("## `{c}")), "docs/cli.md has no section for `{c}`");
            assert!(readme.contains(&format!("patchwise {c}")), "README's CLI summary lacks `{c}`");
        }
        for s in subs {
            assert!(doc.contains(&format!("## `{c} {s}")), "docs/cli.md has no section for `{c} {s}`");
            assert!(readme.contains(&format!("patchwise {c} {s}")), "README's CLI summary lacks `{c} {s}`");
        }
    }
}
