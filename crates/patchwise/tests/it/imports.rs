//! Imports through the binary: broken files change nothing, edits are reported, CSV rows are
//! taken or rejected with reasons.

use super::*;

fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("p.db");
    ok(&db, &["demo"]);
    db
}

#[test]
fn broken_plant_files_leave_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = dump(&db);
    let broken = repo_root().join("crates/inventory/tests/broken");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&broken)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "expected at least ten broken plant files in {}", broken.display());
    for f in &files {
        let o = run(&db, &["plant", "import", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{} was accepted", f.display());
        let err = stderr(&o);
        let name = f.to_str().unwrap();
        assert!(err.contains(&format!("{name}:")), "error for {name} does not name the file and place:\n{err}");
        assert!(err.contains("nothing was changed"), "{err}");
        assert_eq!(dump(&db), before, "importing {} changed the database", f.display());
    }
}

#[test]
fn edited_plant_reimport_reports_added_changed_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let text = ok(&db, &["plant", "export"]);
    let plant: serde_json::Value = serde_json::from_str(&ok(&db, &["assets", "list", "--json"])).unwrap();
    let ids: Vec<String> = plant.as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();

    // Remove the last asset block (unless something references it), rename the first asset.
    let victim = ids.iter().rev().find(|id| text.matches(id.as_str()).count() == 1).unwrap().clone();
    let start = text.find(&format!("id = \"{victim}\"")).unwrap();
    let block_start = text[..start].rfind("[[asset]]").unwrap();
    let block_end = text[start..].find("\n[[asset]]").map(|i| start + i + 1).unwrap_or(text.len());
    let mut edited = format!("{}{}", &text[..block_start], &text[block_end..]);
    let first = &ids[0];
    let at = edited.find(&format!("id = \"{first}\"")).unwrap();
    let name_at = at + edited[at..].find("name = \"").unwrap() + "name = \"".len();
    edited.insert_str(name_at, "Renamed ");
    edited.push_str("\n[[asset]]\nid = \"NEW-SENSOR-1\"\nkind = \"iiot-sensor\"\nzone = \"");
    let shown: serde_json::Value = serde_json::from_str(&ok(&db, &["assets", "show", first, "--json"])).unwrap();
    edited.push_str(shown["zone"].as_str().unwrap());
    edited.push_str("\"\n");
    let file = dir.path().join("edited.toml");
    std::fs::write(&file, &edited).unwrap();

    let dry: serde_json::Value =
        serde_json::from_str(&ok(&db, &["plant", "import", file.to_str().unwrap(), "--dry-run", "--json"])).unwrap();
    let diff: serde_json::Value =
        serde_json::from_str(&ok(&db, &["plant", "import", file.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(dry, diff, "dry run and import disagree");
    let list = |k: &str| -> Vec<String> {
        diff[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {}", c["kind"].as_str().unwrap(), c["id"].as_str().unwrap()))
            .collect()
    };
    assert_eq!(list("added"), ["asset NEW-SENSOR-1"]);
    assert_eq!(list("changed"), [format!("asset {first}")]);
    assert_eq!(list("removed"), [format!("asset {victim}")]);
    let text_out = ok(&db, &["plant", "import", file.to_str().unwrap()]);
    assert!(text_out.contains("no changes"), "{text_out}");
}

#[test]
fn csv_inventory_rows_are_taken_or_rejected_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let zones: serde_json::Value = serde_json::from_str(&ok(&db, &["zones", "list", "--json"])).unwrap();
    let zone = zones.as_array().unwrap().iter().find(|z| !z["subnets"].as_array().unwrap().is_empty()).unwrap();
    let zone_id = zone["id"].as_str().unwrap();
    let csv = dir.path().join("inv.csv");
    std::fs::write(
        &csv,
        format!(
            "Asset Tag,Hostname,IP Address,Manufacturer,Order Number,Firmware Version,Zone\n\
             CSV-1,Spare PLC,,Siemens,6ES7 315-2EH14-0AB0,V3.2.17,{zone_id}\n\
             CSV-2,Bad address,10.999.1.1,Moxa,NPort 5150,3.9,{zone_id}\n\
             CSV-3,No zone at all,,ACME,X1,1.0,\n"
        ),
    )
    .unwrap();
    let before = dump(&db);
    let o = run(&db, &["assets", "import", csv.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(dump(&db), before, "--strict with rejected rows imported something");

    let o = run(&db, &["assets", "import", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(":3:") && err.contains("10.999.1.1"), "row 3 rejection missing:\n{err}");
    assert!(err.contains(":4:"), "row 4 rejection missing:\n{err}");
    let shown: serde_json::Value = serde_json::from_str(&ok(&db, &["assets", "show", "CSV-1", "--json"])).unwrap();
    assert_eq!(shown["identity"]["firmware"], "V3.2.17");
    assert_eq!(shown["origin"], "csv");

    // A re-import of the demo's plant file keeps the CSV asset, which the export then includes.
    let demo_file = repo_root().join("crates/demo/data/demo-plant.toml");
    let out = ok(&db, &["plant", "import", demo_file.to_str().unwrap()]);
    assert!(!out.contains("- asset CSV-1"), "{out}");
    ok(&db, &["assets", "show", "CSV-1"]);
    assert!(ok(&db, &["plant", "export"]).contains("CSV-1"));
}

#[test]
fn scan_parse_counts_a_report_without_storing_it() {
    let Some(dir) = fixture("scans/defectdojo/unittests/scans") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("p.db");
    let nmap = dir.join("nmap/nmap_multiple_port.xml");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&db, &["scan", "parse", nmap.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(v["format"], "nmap-xml");
    assert_eq!((v["summary"]["hosts"].as_u64(), v["summary"]["services"].as_u64()), (Some(1), Some(13)));
    assert!(!db.exists(), "a dry run creates no database");
    let nessus = dir.join("tenable/nessus/nessus_with_cvssv3.nessus");
    let text = ok(&db, &["scan", "parse", nessus.to_str().unwrap(), nmap.to_str().unwrap()]);
    assert!(text.contains("nessus-xml") && text.contains("nmap-xml") && text.contains("nothing stored"), "{text}");
    // Not a report: the error names the file.
    let other = tmp.path().join("notes.txt");
    std::fs::write(&other, "shopping list\n").unwrap();
    let r = run(&db, &["scan", "parse", other.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains("notes.txt") && stderr(&r).contains("not a scanner report"), "{}", stderr(&r));
}

/// A small Nmap report written for this test: the boiler panel (by its address), the edge
/// firewall (by its MAC) and a host the plant does not know, with vulners claims.
fn nmap_report() -> String {
    let host = |addr: &str, mac: Option<&str>, cves: &[&str]| {
        let mut s = format!("<host><status state=\"up\"/><address addr=\"{addr}\" addrtype=\"ipv4\"/>");
        if let Some(m) = mac {
            s.push_str(&format!("<address addr=\"{m}\" addrtype=\"mac\"/>"));
        }
        s.push_str("<ports><port protocol=\"tcp\" portid=\"5900\"><state state=\"open\"/><service name=\"vnc\"/>");
        s.push_str("<script id=\"vulners\" output=\"\"><table key=\"cpe:/a:x:y:1\">");
        for c in cves {
            s.push_str(&format!(
                "<table><elem key=\"cvss\">7.5</elem><elem key=\"id\">{c}</elem><elem key=\"is_exploit\">false</elem><elem key=\"type\">cve</elem></table>"
            ));
        }
        s.push_str("</table></script></port></ports></host>\n");
        s
    };
    format!(
        "<?xml version=\"1.0\"?>\n<nmaprun scanner=\"nmap\" version=\"7.94\" xmloutputversion=\"1.05\">\n{}{}{}<runstats><finished time=\"1\"/></runstats></nmaprun>\n",
        host("10.130.50.11", None, &["CVE-2020-15786", "CVE-2099-0001"]),
        host("203.0.113.99", Some("00:09:0F:3A:11:01"), &[]),
        host("10.99.99.99", None, &["CVE-2021-44228"]),
    )
}

#[test]
fn scan_import_ties_hosts_keeps_claims_apart_reconciles_and_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("p.db");
    ok(&db, &["demo"]);
    let file = tmp.path().join("ot-scan.xml");
    std::fs::write(&file, nmap_report()).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&ok(&db, &["scan", "import", file.to_str().unwrap(), "--json"])).unwrap();
    let i = &v[0];
    assert_eq!((i["status"].as_str(), i["format"].as_str()), (Some("imported"), Some("nmap-xml")));
    assert_eq!(i["tied"], 2, "{i}");
    assert_eq!(i["unmatched"], serde_json::json!(["10.99.99.99"]));
    let r = &i["reconciliation"];
    assert_eq!(r["agreed"], serde_json::json!([["HMI-BOIL-01", "CVE-2020-15786"]]), "{r}");
    assert_eq!(r["scanner_only"], serde_json::json!([["HMI-BOIL-01", "CVE-2099-0001"]]), "{r}");
    let only: Vec<&str> = r["patchwise_only"].as_array().unwrap().iter().map(|p| p[1].as_str().unwrap()).collect();
    assert!(only.contains(&"CVE-2020-7592") && only.contains(&"CVE-2024-21762"), "{only:?}");
    // The same file again changes nothing; a cut file is refused and stores nothing.
    let again = ok(&db, &["scan", "import", file.to_str().unwrap()]);
    assert!(again.contains("already imported"), "{again}");
    let cut = tmp.path().join("cut.xml");
    let text = nmap_report();
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let r = run(&db, &["scan", "import", cut.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1), "{}", stdout(&r));
    assert!(stderr(&r).contains("cut.xml"), "{}", stderr(&r));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM scan_imports", [], |r| r.get(0)).unwrap();
    let hosts: i64 = conn.query_row("SELECT count(*) FROM scan_hosts", [], |r| r.get(0)).unwrap();
    assert_eq!((n, hosts), (1, 3), "the failed import left nothing");
    // A real report from another network: every host unmatched, listed.
    if let Some(dir) = fixture("scans/defectdojo/unittests/scans") {
        let nessus = dir.join("tenable/nessus/nessus_with_cvssv3.nessus");
        let v: serde_json::Value =
            serde_json::from_str(&ok(&db, &["scan", "import", nessus.to_str().unwrap(), "--json"])).unwrap();
        assert_eq!((v[0]["tied"].as_u64(), v[0]["unmatched"].as_array().map(Vec::len)), (Some(0), Some(1)), "{v}");
    }
}
