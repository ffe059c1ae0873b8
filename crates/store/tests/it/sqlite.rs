//! The SQLite backend: the conformance suite on a file and in memory, then what is particular to
//! SQLite (migrations, read-only opening, what an import actually writes, rollback, corruption).

use std::path::{Path, PathBuf};
use std::time::Instant;

use model::advisory::{IntelRecord, Source};
use model::*;
use rusqlite::Connection;
use store::{AssetFilter, IntelFile, SqliteStore, Store, StoreError};
use tempfile::TempDir;

use crate::conformance::Harness;
use crate::fixtures::intel::{advisory, csaf, epss, nvd_like, rec};
use crate::fixtures::*;

/// A store in a database file in a fresh temporary directory.
pub struct FileHarness {
    dir: TempDir,
    store: SqliteStore,
}

impl FileHarness {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("plant.db")).unwrap();
        FileHarness { dir, store }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("plant.db")
    }

    /// Closes and reopens the store, for changes made through a raw connection.
    fn reopen(&mut self) {
        self.store = SqliteStore::open(&self.path()).unwrap();
    }

    fn raw(&self) -> Connection {
        Connection::open(self.path()).unwrap()
    }
}

impl Harness for FileHarness {
    fn store(&mut self) -> &mut dyn Store {
        &mut self.store
    }
    fn dump(&self) -> String {
        self.store.logical_dump().unwrap()
    }
}

pub struct MemoryHarness(SqliteStore);

impl Harness for MemoryHarness {
    fn store(&mut self) -> &mut dyn Store {
        &mut self.0
    }
    fn dump(&self) -> String {
        self.0.logical_dump().unwrap()
    }
}

mod file {
    crate::store_conformance_suite!(super::FileHarness::new());
}

mod memory {
    crate::store_conformance_suite!(super::MemoryHarness(store::SqliteStore::open_in_memory().unwrap()));
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
}

#[test]
fn migrates_an_empty_file_and_reopens_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let dump = SqliteStore::open(&path).unwrap().logical_dump().unwrap();
    assert_eq!(user_version(&path), SqliteStore::SCHEMA_VERSION);
    assert!(dump.starts_with(&format!("user_version {}\n", SqliteStore::SCHEMA_VERSION)));
    for table in ["sites", "zones", "zone_subnets", "conduits", "entry_points", "assets", "asset_addresses"]
        .into_iter()
        .chain(["intel_files", "advisories", "advisory_aliases", "kev", "epss", "ssvc"])
    {
        assert!(dump.contains(&format!("\ntable {table} (")), "{table} missing:\n{dump}");
    }
    let mode: String = Connection::open(&path).unwrap().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(SqliteStore::open(&path).unwrap().logical_dump().unwrap(), dump);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plant.db");
    drop(SqliteStore::open(&path).unwrap());
    let newer = SqliteStore::SCHEMA_VERSION + 1;
    Connection::open(&path).unwrap().pragma_update(None, "user_version", newer).unwrap();
    let name = path.display().to_string();
    for result in [SqliteStore::open(&path), SqliteStore::open_read_only(&path)] {
        match result.unwrap_err() {
            StoreError::SchemaTooNew { path, found, known } => {
                assert_eq!((path.as_str(), found, known), (name.as_str(), newer, SqliteStore::SCHEMA_VERSION));
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
    }
    assert!(SqliteStore::open(&path).unwrap_err().to_string().contains(&name));
}

#[test]
fn read_only_open_of_a_missing_file_names_it_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.db");
    let err = SqliteStore::open_read_only(&path).unwrap_err();
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    assert!(!path.exists());
}

#[test]
fn read_only_open_of_an_uninitialised_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.db");
    std::fs::write(&path, b"").unwrap();
    let err = SqliteStore::open_read_only(&path).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()) && err.contains("not a patchwise database"), "{err}");
}

#[test]
fn read_only_store_reads_and_refuses_writes() {
    let mut h = FileHarness::new();
    let p = small_plant();
    h.store.import_plant(&p, &source("plant-file")).unwrap();
    let path = h.path();
    drop(h.store);
    // The last writer closed: the WAL is checkpointed and removed, and a reader must cope.
    let mut ro = SqliteStore::open_read_only(&path).unwrap();
    assert_eq!(ro.plant().unwrap(), sorted(p.clone()));
    let before = ro.logical_dump().unwrap();
    let err = ro.import_plant(&p, &source("plant-file")).unwrap_err().to_string();
    assert!(err.contains("read-only") && err.contains(&path.display().to_string()), "{err}");
    assert!(ro.upsert_assets(&[csv_asset("C", "cell1")], &source("asset-csv")).is_err());
    assert_eq!(ro.logical_dump().unwrap(), before);

    // A reader sees a writer's later commits.
    let mut w = SqliteStore::open(&path).unwrap();
    w.upsert_assets(&[csv_asset("C", "cell1")], &source("asset-csv")).unwrap();
    assert!(ro.asset("C").unwrap().is_some());
}

#[test]
fn a_file_that_is_not_a_database_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
}

/// Counts every row written, per table and operation, with triggers added behind the store's back.
fn install_write_log(conn: &Connection) {
    conn.execute_batch("CREATE TABLE write_log (tbl TEXT, op TEXT)").unwrap();
    let intel_tables = ["intel_files", "intel_source_imports", "advisories", "advisory_aliases", "kev", "epss", "ssvc"];
    for t in PLANT_TABLES.iter().chain(&intel_tables) {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            conn.execute_batch(&format!(
                "CREATE TRIGGER log_{t}_{op} AFTER {op} ON {t} BEGIN \
                 INSERT INTO write_log VALUES ('{t}', '{}'); END",
                op.to_lowercase()
            ))
            .unwrap();
        }
    }
}

fn take_write_log(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT tbl || ' ' || op || ' ' || count(*) FROM write_log GROUP BY tbl, op ORDER BY tbl, op")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<Vec<String>, _>>().unwrap();
    conn.execute("DELETE FROM write_log", []).unwrap();
    rows
}

#[test]
fn imports_write_only_what_changed_and_update_in_place() {
    let mut h = FileHarness::new();
    let p = small_plant();
    h.store.import_plant(&p, &source("plant-file")).unwrap();
    let raw = h.raw();
    install_write_log(&raw);
    h.reopen();

    h.store.import_plant(&p, &source("plant-file")).unwrap();
    assert_eq!(take_write_log(&raw), ["imports insert 1"]);

    let mut p2 = p.clone();
    for a in p2.assets.iter_mut() {
        match a.id.as_str() {
            // Addresses change: the asset row is updated, its address rows rewritten.
            "PLC-2" => a.ips.reverse(),
            // Only a plain field: nothing but the asset row.
            "HMI-1" => a.owner = Some("maintenance".into()),
            _ => {}
        }
    }
    for z in p2.zones.iter_mut().filter(|z| z.id == "dmz") {
        z.name = "Industrial DMZ".into();
    }
    h.store.import_plant(&p2, &source("plant-file")).unwrap();
    assert_eq!(
        take_write_log(&raw),
        [
            "asset_addresses delete 2",
            "asset_addresses insert 2",
            "assets update 2",
            "imports insert 1",
            "zones update 1"
        ]
    );

    h.store.upsert_assets(&[csv_asset("CSV-1", "cell1")], &source("asset-csv")).unwrap();
    assert_eq!(take_write_log(&raw), ["assets insert 1", "imports insert 1"]);
}

#[test]
fn a_failure_in_the_middle_of_the_writes_rolls_everything_back() {
    let mut h = FileHarness::new();
    let p = small_plant();
    h.store.import_plant(&p, &source("plant-file")).unwrap();
    h.raw()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON assets WHEN NEW.id = 'BOOM' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END",
        )
        .unwrap();
    h.reopen();
    let before = h.dump();

    let mut p2 = edited_everywhere(&p);
    p2.assets.push(asset("BOOM", "cell1", AssetKind::Plc, "X", "Y", &[]));
    let err = h.store.import_plant(&p2, &source("plant-file")).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite { .. }), "{err:?}");
    assert!(err.to_string().contains(&h.path().display().to_string()) && err.to_string().contains("boom"));
    assert_eq!(h.dump(), before);
}

/// Every record changed, and a removal, so a half-applied import would show in the dump.
fn edited_everywhere(p: &Plant) -> Plant {
    let mut p = p.clone();
    p.sites.iter_mut().for_each(|s| s.name.push('!'));
    p.zones.iter_mut().for_each(|z| z.name.push('!'));
    p.conduits.iter_mut().for_each(|c| c.name.push('!'));
    p.assets.iter_mut().for_each(|a| a.name.push('!'));
    p.assets.retain(|a| a.id != "EWS-1");
    p
}

#[test]
fn an_unreadable_record_is_reported_with_its_id() {
    let mut h = FileHarness::new();
    h.store.import_plant(&small_plant(), &source("plant-file")).unwrap();
    h.raw().execute("UPDATE assets SET doc = '{' WHERE id = 'PLC-1'", []).unwrap();
    h.raw().execute("UPDATE assets SET kind = 'toaster' WHERE id = 'PLC-2'", []).unwrap();
    for err in [h.store.asset("PLC-1").unwrap_err(), h.store.plant().unwrap_err()] {
        assert!(matches!(&err, StoreError::Corrupt { what, .. } if what == "asset PLC-1"), "{err:?}");
    }
    let err = h.store.asset_summaries(&AssetFilter::default(), &mut |_| Ok(())).unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { what, .. } if what == "asset PLC-2 column kind"), "{err:?}");
    assert!(err.to_string().contains("toaster"));
}

/// Scale: `cargo test -p store --release -- --ignored --nocapture scale`. Set `STORE_BENCH_KEEP`
/// to a path to keep the 100,000-asset database for inspection.
#[test]
#[ignore = "benchmark; run explicitly"]
fn scale_100k_assets() {
    let n = 100_000;
    let t = Instant::now();
    let plant = generated_plant(n);
    eprintln!("generate {n} assets: {:?}", t.elapsed());

    let mut h = FileHarness::new();
    let t = Instant::now();
    let diff = h.store.import_plant(&plant, &source("demo")).unwrap();
    eprintln!("import_plant into empty file: {:?} ({} records added)", t.elapsed(), diff.added.len());
    let size = std::fs::metadata(h.path()).unwrap().len();
    eprintln!("database size: {:.1} MiB", size as f64 / 1048576.0);
    if let Some(keep) = std::env::var_os("STORE_BENCH_KEEP") {
        std::fs::copy(h.path(), keep).unwrap();
    }

    let t = Instant::now();
    let listed = h.store.asset_summaries(&AssetFilter::default(), &mut |_| Ok(())).unwrap();
    eprintln!("asset_summaries, all: {:?} ({listed} assets)", t.elapsed());

    let t = Instant::now();
    let mut bytes = 0;
    let listed = h
        .store
        .asset_summaries(&AssetFilter::default(), &mut |s| {
            bytes += serde_json::to_vec(&s).unwrap().len();
            Ok(())
        })
        .unwrap();
    eprintln!("asset_summaries, all, serialised to JSON: {:?} ({listed} assets, {bytes} bytes)", t.elapsed());
    assert_eq!(listed, n);

    let t = Instant::now();
    let f = AssetFilter { text: Some("10.7.1".into()), ..AssetFilter::default() };
    let listed = h.store.asset_summaries(&f, &mut |_| Ok(())).unwrap();
    eprintln!("asset_summaries, text filter: {:?} ({listed} assets)", t.elapsed());

    let t = Instant::now();
    let f = AssetFilter { zone: Some("z042".into()), ..AssetFilter::default() };
    let listed = h.store.asset_summaries(&f, &mut |_| Ok(())).unwrap();
    eprintln!("asset_summaries, zone filter: {:?} ({listed} assets)", t.elapsed());

    let t = Instant::now();
    let diff = h.store.import_plant(&plant, &source("demo")).unwrap();
    eprintln!("identical re-import: {:?} (empty: {})", t.elapsed(), diff.is_empty());

    let mut edited = plant.clone();
    for a in edited.assets.iter_mut().step_by(100) {
        a.identity.firmware = Some("9.9".into());
    }
    edited.assets.truncate(n - 1000);
    let t = Instant::now();
    let diff = h.store.import_plant(&edited, &source("demo")).unwrap();
    eprintln!("edited re-import: {:?} ({} changed, {} removed)", t.elapsed(), diff.changed.len(), diff.removed.len());

    let t = Instant::now();
    let back = h.store.plant().unwrap();
    eprintln!("plant(): {:?}", t.elapsed());
    assert_eq!(back.assets.len(), n - 1000);
}

/// The tables of migration 0001, parents first.
const PLANT_TABLES: [&str; 11] = [
    "sites",
    "zones",
    "zone_subnets",
    "conduits",
    "entry_points",
    "assets",
    "asset_addresses",
    "asset_components",
    "asset_services",
    "asset_dependencies",
    "imports",
];

#[test]
fn migrates_a_version_1_database_and_keeps_the_plant() {
    // The reference: the plant imported into a database created at the current version.
    let mut current = FileHarness::new();
    current.store.import_plant(&small_plant(), &source("plant-file")).unwrap();
    current.store.upsert_assets(&[csv_asset("CSV-1", "cell1")], &source("asset-csv")).unwrap();

    // A version-1 file as the previous release wrote it: only migration 0001, then the same rows.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.db");
    {
        let conn = Connection::open(&old).unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_plant.sql")).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute("ATTACH DATABASE ?1 AS cur", [current.path().display().to_string()]).unwrap();
        for t in PLANT_TABLES {
            conn.execute_batch(&format!("INSERT INTO main.{t} SELECT * FROM cur.{t}")).unwrap();
        }
        conn.execute_batch("DETACH DATABASE cur").unwrap();
    }
    assert_eq!(user_version(&old), 1);
    let err = SqliteStore::open_read_only(&old).unwrap_err().to_string();
    assert!(err.contains("older schema"), "{err}");

    let mut migrated = SqliteStore::open(&old).unwrap();
    assert_eq!(user_version(&old), SqliteStore::SCHEMA_VERSION);
    assert_eq!(SqliteStore::SCHEMA_VERSION, 10);
    assert_eq!(migrated.plant().unwrap(), current.store.plant().unwrap());
    assert_eq!(migrated.imports().unwrap().len(), 2);
    // Schema and content alike: the migrated file is what a fresh database would hold.
    assert_eq!(migrated.logical_dump().unwrap(), current.dump());

    let mut import = migrated.begin_intel_import("2025-03-01T10:00:00Z").unwrap();
    import.put(&rec(advisory("CVE-2022-0028", Source::Nvd2, Some("2022-10-20T15:15:03"), None))).unwrap();
    assert_eq!(import.commit().unwrap().advisories_new, 1);
    drop(migrated);
    let reopened = SqliteStore::open_read_only(&old).unwrap();
    assert_eq!(reopened.intel_lookup("CVE-2022-0028").unwrap().advisories.len(), 1);
    assert_eq!(reopened.plant().unwrap(), current.store.plant().unwrap());
}

/// The intelligence tables of migration 0002, parents first, with the columns 0002 gave them.
const INTEL_TABLES_V2: [(&str, &str); 7] = [
    ("intel_files", "*"),
    ("intel_source_imports", "*"),
    ("advisories", "family, id, variant, source, kind, modified, modified_key, revision, rejected, doc, imported_at"),
    ("advisory_aliases", "*"),
    ("kev", "*"),
    ("epss", "*"),
    ("ssvc", "*"),
];

#[test]
fn migrates_a_version_2_database_and_counts_the_stored_warnings() {
    // The reference: plant and intelligence imported into a database created at the current version.
    let mut current = FileHarness::new();
    current.store.import_plant(&small_plant(), &source("plant-file")).unwrap();
    let mut loose = csaf("ICSA-24-001-01", "1", "2024-01-01T00:00:00Z", &["CVE-2024-0001"]);
    loose.warnings = vec!["range `V2.0 and later` normalised".into(), "range `see vendor` left unparsed".into()];
    let clean = advisory("CVE-2024-0001", Source::Nvd2, Some("2024-01-05T00:00:00.000"), None);
    let mut import = current.store.begin_intel_import("2025-03-01T10:00:00Z").unwrap();
    for r in [rec(loose), rec(clean), IntelRecord::Epss(epss("CVE-2024-0001", "2025-02-20", 0.5))] {
        import.put(&r).unwrap();
    }
    import.commit().unwrap();
    let expected = current.store.intel_quality(0).unwrap();
    assert_eq!(expected.len(), 1);
    assert_eq!(expected[0].warnings.len(), 2);

    // A version-2 file as the previous release wrote it: migrations 0001 and 0002, the same rows.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v2.db");
    {
        let conn = Connection::open(&old).unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_plant.sql")).unwrap();
        conn.execute_batch(include_str!("../../migrations/0002_intel.sql")).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute("ATTACH DATABASE ?1 AS cur", [current.path().display().to_string()]).unwrap();
        for t in PLANT_TABLES {
            conn.execute_batch(&format!("INSERT INTO main.{t} SELECT * FROM cur.{t}")).unwrap();
        }
        for (t, columns) in INTEL_TABLES_V2 {
            let into = if columns == "*" { String::new() } else { format!(" ({columns})") };
            conn.execute_batch(&format!("INSERT INTO main.{t}{into} SELECT {columns} FROM cur.{t}")).unwrap();
        }
        conn.execute_batch("DETACH DATABASE cur").unwrap();
    }
    let migrated = SqliteStore::open(&old).unwrap();
    assert_eq!(user_version(&old), SqliteStore::SCHEMA_VERSION);
    assert_eq!(migrated.intel_quality(0).unwrap(), expected, "warnings stored before 0003 are counted");
    // Schema and content alike: the migrated file is what a fresh database would hold.
    assert_eq!(migrated.logical_dump().unwrap(), current.dump());
}

#[test]
fn intel_import_into_a_read_only_store_is_refused() {
    let h = FileHarness::new();
    let path = h.path();
    drop(h.store);
    let mut ro = SqliteStore::open_read_only(&path).unwrap();
    let Err(err) = ro.begin_intel_import("2025-03-01T10:00:00Z") else { panic!("a read-only store began an import") };
    assert!(matches!(&err, StoreError::Refused(m) if m.contains("read-only")), "{err:?}");
    assert!(ro.intel_status().unwrap().is_empty());
    assert!(ro.intel_lookup("CVE-2022-0028").unwrap().is_empty());
    assert!(ro.intel_quality(0).unwrap().is_empty());
}

#[test]
fn a_second_writer_waits_for_an_open_intel_import() {
    let mut h = FileHarness::new();
    let path = h.path();
    let import = h.store.begin_intel_import("2025-03-01T10:00:00Z").unwrap();
    // The import holds the write lock: another connection cannot start writing meanwhile.
    let other = Connection::open(&path).unwrap();
    other.busy_timeout(std::time::Duration::from_millis(50)).unwrap();
    assert!(other.execute_batch("BEGIN IMMEDIATE").is_err());
    drop(import);
    other.execute_batch("BEGIN IMMEDIATE; ROLLBACK").unwrap();
}

#[test]
fn intel_imports_write_only_what_changed() {
    let mut h = FileHarness::new();
    let cve = "CVE-2024-0001";
    let v1 = csaf("ICSA-24-001-01", "1", "2024-01-01T00:00:00Z", &[cve, "CVE-2024-0002"]);
    let nvd = advisory(cve, Source::Nvd2, Some("2024-01-05T00:00:00.000"), None);
    let score = epss(cve, "2025-02-20", 0.5);
    let records = [rec(v1.clone()), rec(nvd), IntelRecord::Epss(score)];
    let at = "2025-03-01T10:00:00Z";
    let put_all = |store: &mut SqliteStore, records: &[IntelRecord]| {
        let mut import = store.begin_intel_import(at).unwrap();
        records.iter().for_each(|r| import.put(r).unwrap());
        import.commit().unwrap()
    };
    put_all(&mut h.store, &records);
    let raw = h.raw();
    install_write_log(&raw);
    h.reopen();

    put_all(&mut h.store, &records);
    assert_eq!(take_write_log(&raw), ["intel_source_imports update 3"]);

    let mut v2 = csaf("ICSA-24-001-01", "2", "2024-02-01T00:00:00Z", &[cve, "CVE-2024-0003"]);
    v2.title = Some("Update".into());
    put_all(&mut h.store, &[rec(v2)]);
    assert_eq!(
        take_write_log(&raw),
        [
            "advisories update 1",
            "advisory_aliases delete 2",
            "advisory_aliases insert 2",
            "intel_source_imports update 1"
        ]
    );

    let mut import = h.store.begin_intel_import(at).unwrap();
    let f =
        IntelFile { file: "f.json".into(), digest: "AB".repeat(32), format: "CSAF 2.0 document".into(), records: 1 };
    import.file_done(&f).unwrap();
    import.commit().unwrap();
    assert_eq!(take_write_log(&raw), ["intel_files insert 1"]);
    let stored: String = raw.query_row("SELECT digest FROM intel_files", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, "ab".repeat(32), "digests are stored in lower case");
}

#[test]
fn a_failing_put_leaves_the_import_to_be_dropped_and_changes_nothing() {
    let mut h = FileHarness::new();
    h.raw()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON epss WHEN NEW.cve = 'CVE-BOOM' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END",
        )
        .unwrap();
    h.reopen();
    let before = h.dump();
    let mut import = h.store.begin_intel_import("2025-03-01T10:00:00Z").unwrap();
    import.put(&rec(advisory("CVE-2024-0001", Source::Nvd2, None, None))).unwrap();
    let err = import.put(&IntelRecord::Epss(epss("CVE-BOOM", "2025-02-20", 0.1))).unwrap_err();
    assert!(matches!(&err, StoreError::Sqlite { .. }) && err.to_string().contains("boom"), "{err:?}");
    let empty = import.put(&rec(advisory(" ", Source::Nvd2, None, None))).err().map(|e| e.to_string());
    assert!(empty.is_some_and(|m| m.contains("empty id")));
    drop(import);
    assert_eq!(h.dump(), before);
}

/// Scale: `cargo test -p store --release -- --ignored --nocapture scale_intel`. 20,000 NVD-like
/// advisories of about 3 KB (the NVD 2022 feed holds 15,454 of 2.9 KB on average) and 2,400
/// CSAF-like ones with aliases. `STORE_BENCH_HEAVY=1` makes the NVD ones about 5 KB.
#[test]
#[ignore = "benchmark; run explicitly"]
fn scale_intel_20k_advisories() {
    let n = 20_000;
    let heavy = std::env::var_os("STORE_BENCH_HEAVY").is_some();
    let records: Vec<IntelRecord> = (0..n)
        .map(|i| rec(nvd_like(i, heavy)))
        .chain((0..2_400).map(|i| {
            let cves: Vec<String> = (0..8).map(|k| format!("CVE-2022-{:05}", (i * 8 + k) % n)).collect();
            let refs: Vec<&str> = cves.iter().map(String::as_str).collect();
            rec(csaf(&format!("ICSA-22-{i:04}-01"), "3", "2022-11-01T00:00:00Z", &refs))
        }))
        .collect();
    let t = Instant::now();
    let bytes: usize = records.iter().map(|r| serde_json::to_string(r).unwrap().len()).sum();
    eprintln!(
        "{} records, mean JSON {} bytes; serialising them all: {:?}",
        records.len(),
        bytes / records.len(),
        t.elapsed()
    );

    let mut memory = SqliteStore::open_in_memory().unwrap();
    let t = Instant::now();
    let mut import = memory.begin_intel_import("2025-03-01T10:00:00Z").unwrap();
    for r in &records {
        import.put(r).unwrap();
    }
    import.commit().unwrap();
    eprintln!("put and commit in memory (no I/O): {:?}", t.elapsed());
    drop(memory);

    let mut h = FileHarness::new();
    let t = Instant::now();
    let mut import = h.store.begin_intel_import("2025-03-01T10:00:00Z").unwrap();
    for r in &records {
        import.put(r).unwrap();
    }
    let put = t.elapsed();
    let summary = import.commit().unwrap();
    eprintln!("put into empty file: {put:?}; with commit {:?} ({} new)", t.elapsed(), summary.advisories_new);
    assert_eq!(summary.advisories_new, records.len());

    let t = Instant::now();
    let mut import = h.store.begin_intel_import("2025-03-02T10:00:00Z").unwrap();
    for r in &records {
        import.put(r).unwrap();
    }
    let summary = import.commit().unwrap();
    eprintln!("identical re-import: {:?} ({} unchanged)", t.elapsed(), summary.advisories_unchanged);

    let newer: Vec<IntelRecord> = (0..n)
        .map(|i| {
            let mut a = nvd_like(i, heavy);
            a.modified = Some("2023-01-01T00:00:00.000".into());
            a.provenance.revision = a.modified.clone();
            a.description = Some("Updated.".into());
            rec(a)
        })
        .collect();
    let t = Instant::now();
    let mut import = h.store.begin_intel_import("2025-03-03T10:00:00Z").unwrap();
    for r in &newer {
        import.put(r).unwrap();
    }
    let summary = import.commit().unwrap();
    eprintln!("newer re-import: {:?} ({} updated)", t.elapsed(), summary.advisories_updated);

    let t = Instant::now();
    for i in (0..n).step_by(20) {
        let view = h.store.intel_lookup(&format!("cve-2022-{i:05}")).unwrap();
        assert!(!view.advisories.is_empty());
    }
    eprintln!("1,000 lookups: {:?}", t.elapsed());
    let t = Instant::now();
    let quality = h.store.intel_quality(0).unwrap();
    eprintln!("quality listing ({} with warnings): {:?}", quality.len(), t.elapsed());
    let t = Instant::now();
    let status = h.store.intel_status().unwrap();
    eprintln!("status: {:?} {status:?}", t.elapsed());
    let size = std::fs::metadata(h.path()).unwrap().len();
    eprintln!("database size: {:.1} MiB", size as f64 / 1048576.0);
}
