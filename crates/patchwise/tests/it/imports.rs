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
