//! Conformance checks of the intelligence part of [`Store`]: imports, ordering of versions,
//! rollback, status, lookup and the data-quality listing. Hand-built records; see `fixtures::intel`.

use model::advisory::*;
use store::{IntelFile, IntelImportSummary, IntelKind, IntelSourceStatus, QualityReport, StoreError};

use super::{Harness, without_tables};
use crate::fixtures::intel::*;
use crate::fixtures::{small_plant, sorted, source};

const AT1: &str = "2025-03-01T10:00:00Z";
const AT2: &str = "2025-03-02T10:00:00Z";
const AT3: &str = "2025-03-03T10:00:00Z";

/// Runs one import of `records` and commits it.
fn import(h: &mut dyn Harness, at: &str, records: &[IntelRecord]) -> IntelImportSummary {
    let mut import = h.store().begin_intel_import(at).unwrap();
    for r in records {
        import.put(r).unwrap();
    }
    let running = import.summary();
    let done = import.commit().unwrap();
    assert_eq!(running, done, "commit returns the running summary");
    done
}

/// A summary from the non-zero counts given.
fn counts(f: impl FnOnce(&mut IntelImportSummary)) -> IntelImportSummary {
    let mut s = IntelImportSummary::default();
    f(&mut s);
    s
}

fn file(name: &str, digest: &str, records: usize) -> IntelFile {
    IntelFile { file: name.into(), digest: digest.into(), format: "CSAF 2.0 document".into(), records }
}

/// One of everything: NVD, CVE 5 CNA and two ADP containers of one CVE, a CSAF advisory covering
/// it, the KEV catalog entry and its ADP echo, an EPSS score and SSVC points.
fn one_of_everything() -> Vec<IntelRecord> {
    let cve = "CVE-2022-0028";
    vec![
        rec(advisory(cve, Source::Nvd2, Some("2022-10-20T15:15:03.187"), Some("2022-10-20T15:15:03.187"))),
        rec(advisory(cve, Source::Cve5, Some("2024-08-02T01:00:00.000Z"), Some("2024-08-02T01:00:00.000Z"))),
        rec(adp(cve, "CISA-ADP", "2024-06-01T12:00:00.000Z")),
        rec(adp(cve, "CVE", "2024-08-02T01:00:00.000Z")),
        rec(csaf("ICSA-22-228-01", "2", "2022-09-01T00:00:00Z", &[cve, "CVE-2022-9999"])),
        IntelRecord::Kev(kev(cve, Source::Kev, Some("2025.02.20"))),
        IntelRecord::Kev(kev(cve, Source::Cve5Adp, Some("2024-06-01T12:00:00.000Z"))),
        IntelRecord::Epss(epss(cve, "2025-02-20", 0.9431)),
        IntelRecord::Ssvc(ssvc(cve, Some("CISA Coordinator"), "2024-06-01T12:00:00Z", Exploitation::Active)),
    ]
}

/// The records with the provenance of another file read at another time.
fn read_elsewhere(records: &[IntelRecord]) -> Vec<IntelRecord> {
    records
        .iter()
        .cloned()
        .map(|r| match r {
            IntelRecord::Advisory(mut a) => {
                a.provenance = elsewhere(a.provenance);
                IntelRecord::Advisory(a)
            }
            IntelRecord::Kev(mut k) => {
                k.provenance = elsewhere(k.provenance);
                IntelRecord::Kev(k)
            }
            IntelRecord::Epss(mut e) => {
                e.provenance = elsewhere(e.provenance);
                IntelRecord::Epss(e)
            }
            IntelRecord::Ssvc(mut s) => {
                s.provenance = elsewhere(s.provenance);
                IntelRecord::Ssvc(s)
            }
        })
        .collect()
}

fn titles(h: &mut dyn Harness, id: &str) -> Vec<(Source, String, Option<String>)> {
    let view = h.store().intel_lookup(id).unwrap();
    view.advisories.into_iter().map(|a| (a.provenance.source, a.id, a.title)).collect()
}

pub fn intel_empty_store_knows_nothing(h: &mut dyn Harness) {
    assert!(h.store().intel_status().unwrap().is_empty());
    assert!(h.store().intel_lookup("CVE-2022-0028").unwrap().is_empty());
    assert!(h.store().intel_lookup("").unwrap().is_empty());
    let before = h.dump();
    assert_eq!(import(h, AT1, &[]), IntelImportSummary::default());
    assert_eq!(h.dump(), before, "an empty import writes nothing");
    assert!(h.store().intel_status().unwrap().is_empty());
}

pub fn intel_import_then_identical_reimport_is_unchanged(h: &mut dyn Harness) {
    let records = one_of_everything();
    let first = import(h, AT1, &records);
    assert_eq!(
        first,
        counts(|s| {
            s.advisories_new = 5;
            s.kev_new = 2;
            s.epss_new = 1;
            s.ssvc_new = 1;
        })
    );
    let view = h.store().intel_lookup("CVE-2022-0028").unwrap();
    assert_eq!(view.advisories.len(), 5, "NVD, CVE 5, two ADP containers and the CSAF advisory");
    assert_eq!(view.kev.len(), 2);
    assert_eq!(view.ssvc.len(), 1);
    assert!(view.epss.is_some());

    // The same records read from another file, later: nothing changes, the first provenance stays.
    let before = h.dump();
    let again = import(h, AT2, &read_elsewhere(&records));
    assert_eq!(
        again,
        counts(|s| {
            s.advisories_unchanged = 5;
            s.signals_unchanged = 4;
        })
    );
    // Only the "last delivered" log moves.
    assert_eq!(
        without_tables(&h.dump(), &["intel_source_imports"]),
        without_tables(&before, &["intel_source_imports"])
    );
    assert_eq!(h.store().intel_lookup("CVE-2022-0028").unwrap(), view);

    // And within one import, a record put twice is stored once.
    let twice = import(h, AT3, &[records[0].clone(), records[0].clone()]);
    assert_eq!(twice.advisories_unchanged, 2);
    assert_eq!(h.store().plant().unwrap(), model::Plant::default(), "the plant is untouched");
}

pub fn intel_newer_revision_replaces_older_is_kept(h: &mut dyn Harness) {
    // CSAF tracking.version compares numerically: 10 is newer than 9.
    let v9 = csaf("ICSA-24-001-01", "9", "2024-01-01T00:00:00Z", &["CVE-2024-0001", "CVE-2024-0002"]);
    let mut v10 = csaf("ICSA-24-001-01", "10", "2024-01-01T00:00:00Z", &["CVE-2024-0001"]);
    v10.title = Some("Update: now with a fix".into());
    assert_eq!(import(h, AT1, &[rec(v9.clone())]).advisories_new, 1);
    assert_eq!(import(h, AT2, &[rec(v10.clone())]).advisories_updated, 1);
    assert_eq!(import(h, AT3, &[rec(v9.clone())]), counts(|s| s.advisories_older = 1));
    let stored = h.store().intel_lookup("ICSA-24-001-01").unwrap().advisories;
    assert_eq!(stored, [v10.clone()]);
    // The aliases follow the stored version: v10 no longer names CVE-2024-0002.
    assert_eq!(titles(h, "CVE-2024-0001").len(), 1);
    assert!(h.store().intel_lookup("CVE-2024-0002").unwrap().is_empty());

    // A later release date decides before the version.
    let mut later = v9.clone();
    later.modified = Some("2024-03-01T00:00:00+01:00".into());
    later.title = Some("Re-released".into());
    assert_eq!(import(h, AT3, &[rec(later)]).advisories_updated, 1);
    assert_eq!(titles(h, "ICSA-24-001-01")[0].2.as_deref(), Some("Re-released"));

    // NVD 1.1 and 2.0 are one record per CVE; the newer stamp wins, whichever feed it came from.
    let cve = "CVE-2022-0028";
    let nvd11 = advisory(cve, Source::Nvd11, Some("2022-10-20T15:15Z"), Some("2022-10-20T15:15Z"));
    let mut nvd2 = advisory(cve, Source::Nvd2, Some("2022-10-21T08:00:00.000"), Some("2022-10-21T08:00:00.000"));
    nvd2.cwes.push("CWE-121".into());
    assert_eq!(import(h, AT1, &[rec(nvd11.clone())]).advisories_new, 1);
    assert_eq!(import(h, AT2, &[rec(nvd2.clone())]).advisories_updated, 1);
    assert_eq!(import(h, AT3, &[rec(nvd11.clone())]).advisories_older, 1);
    assert_eq!(h.store().intel_lookup(cve).unwrap().advisories, [nvd2.clone()]);

    // At equal stamps (1.1 writes minutes, 2.0 seconds), 1.1 never displaces 2.0 …
    let mut same_minute_11 = nvd11.clone();
    same_minute_11.modified = Some("2022-10-21T08:00Z".into());
    same_minute_11.provenance.revision = same_minute_11.modified.clone();
    assert_eq!(import(h, AT3, &[rec(same_minute_11.clone())]).advisories_older, 1);
    // … while any other version at equal stamps replaces: the later import wins.
    let mut same_stamp_2 = nvd2.clone();
    same_stamp_2.description = Some("Reworded.".into());
    assert_eq!(import(h, AT3, &[rec(same_stamp_2.clone())]).advisories_updated, 1);
    assert_eq!(h.store().intel_lookup(cve).unwrap().advisories, [same_stamp_2]);

    // Without stamps the versions are incomparable: the incoming one replaces.
    let mut demo = advisory("DEMO-1", Source::Demo, None, None);
    assert_eq!(import(h, AT1, &[rec(demo.clone())]).advisories_new, 1);
    demo.title = Some("Changed".into());
    assert_eq!(import(h, AT2, &[rec(demo.clone())]).advisories_updated, 1);
    assert_eq!(h.store().intel_lookup("demo-1").unwrap().advisories, [demo]);
}

pub fn intel_adp_containers_of_one_cve_stay_apart(h: &mut dyn Harness) {
    let cve = "CVE-2024-3400";
    let cisa = adp(cve, "CISA-ADP", "2024-05-01T00:00:00Z");
    let other = adp(cve, "CVE", "2024-05-02T00:00:00Z");
    assert_eq!(import(h, AT1, &[rec(cisa.clone()), rec(other.clone())]).advisories_new, 2);
    let mut cisa2 = adp(cve, "CISA-ADP", "2024-06-01T00:00:00Z");
    cisa2.cwes = vec!["CWE-77".into()];
    assert_eq!(import(h, AT2, &[rec(cisa2.clone())]).advisories_updated, 1);
    assert_eq!(h.store().intel_lookup(cve).unwrap().advisories, [cisa2, other]);
}

pub fn intel_kev_json_and_csv_are_one_entry(h: &mut dyn Harness) {
    let cve = "CVE-2022-0028";
    let json = kev(cve, Source::Kev, Some("2025.02.20"));
    let mut csv = kev(cve, Source::Kev, None);
    csv.provenance = elsewhere(csv.provenance);
    assert_eq!(import(h, AT1, &[IntelRecord::Kev(json.clone())]), counts(|s| s.kev_new = 1));
    assert_eq!(import(h, AT2, &[IntelRecord::Kev(csv.clone())]), counts(|s| s.signals_unchanged = 1));
    assert_eq!(h.store().intel_lookup(cve).unwrap().kev, std::slice::from_ref(&json));

    // The same the other way round: CSV first, then JSON.
    let other = "CVE-2021-44228";
    let (json2, csv2) = (kev(other, Source::Kev, Some("2025.02.20")), kev(other, Source::Kev, None));
    assert_eq!(
        import(h, AT1, &[IntelRecord::Kev(csv2.clone()), IntelRecord::Kev(json2)]),
        counts(|s| {
            s.kev_new = 1;
            s.signals_unchanged = 1;
        })
    );
    assert_eq!(h.store().intel_lookup(other).unwrap().kev, [csv2]);

    // The ADP echo is a different provenance: a second row.
    let echo = kev(cve, Source::Cve5Adp, Some("2024-06-01T12:00:00Z"));
    assert_eq!(import(h, AT2, &[IntelRecord::Kev(echo.clone())]).kev_new, 1);
    assert_eq!(h.store().intel_lookup(cve).unwrap().kev, [echo.clone(), json.clone()], "sorted by source");

    // A newer catalog with a changed entry replaces it; an older one with other content is kept out.
    let mut newer = kev(cve, Source::Kev, Some("2025.02.21"));
    newer.ransomware = RansomwareUse::Known;
    assert_eq!(import(h, AT3, &[IntelRecord::Kev(newer.clone())]), counts(|s| s.kev_updated = 1));
    let mut older = kev(cve, Source::Kev, Some("2025.02.3"));
    older.notes = Some("old notes".into());
    assert_eq!(import(h, AT3, &[IntelRecord::Kev(older)]), counts(|s| s.signals_older = 1));
    assert_eq!(h.store().intel_lookup(cve).unwrap().kev, [echo, newer]);
}

pub fn intel_epss_newer_date_replaces(h: &mut dyn Harness) {
    let cve = "CVE-2022-0028";
    assert_eq!(import(h, AT1, &[IntelRecord::Epss(epss(cve, "2025-02-20", 0.1))]), counts(|s| s.epss_new = 1));
    let newer = epss(cve, "2025-02-21", 0.2);
    assert_eq!(import(h, AT2, &[IntelRecord::Epss(newer.clone())]), counts(|s| s.epss_updated = 1));
    assert_eq!(import(h, AT3, &[IntelRecord::Epss(epss(cve, "2025-02-19", 0.3))]), counts(|s| s.signals_older = 1));
    assert_eq!(import(h, AT3, &[IntelRecord::Epss(newer.clone())]), counts(|s| s.signals_unchanged = 1));
    assert_eq!(h.store().intel_lookup("cve-2022-0028").unwrap().epss, Some(newer));

    let mut nan = epss(cve, "2025-02-22", 0.1);
    nan.score = f64::NAN;
    let mut import = h.store().begin_intel_import(AT3).unwrap();
    assert!(matches!(import.put(&IntelRecord::Epss(nan)), Err(StoreError::Refused(m)) if m.contains(cve)));
}

pub fn intel_ssvc_newer_timestamp_replaces(h: &mut dyn Harness) {
    let cve = "CVE-2024-3400";
    let role = Some("CISA Coordinator");
    let first = ssvc(cve, role, "2024-04-12T00:00:00Z", Exploitation::Poc);
    let later = ssvc(cve, role, "2024-05-01T00:00:00Z", Exploitation::Active);
    let roleless = ssvc(cve, None, "2024-04-01T00:00:00Z", Exploitation::None);
    assert_eq!(import(h, AT1, &[IntelRecord::Ssvc(first.clone()), IntelRecord::Ssvc(roleless.clone())]).ssvc_new, 2);
    assert_eq!(import(h, AT2, &[IntelRecord::Ssvc(later.clone())]), counts(|s| s.ssvc_updated = 1));
    assert_eq!(import(h, AT3, &[IntelRecord::Ssvc(first)]), counts(|s| s.signals_older = 1));
    assert_eq!(h.store().intel_lookup(cve).unwrap().ssvc, [roleless, later], "by role, none first");
}

pub fn intel_dropped_import_changes_nothing(h: &mut dyn Harness) {
    h.store().import_plant(&small_plant(), &source("plant-file")).unwrap();
    import(h, AT1, &one_of_everything()[..3]);
    let before = h.dump();
    {
        let mut import = h.store().begin_intel_import(AT2).unwrap();
        for r in one_of_everything() {
            import.put(&r).unwrap();
        }
        let mut newer = advisory("CVE-2022-0028", Source::Nvd2, Some("2030-01-01T00:00:00"), None);
        newer.title = Some("changed".into());
        import.put(&rec(newer)).unwrap();
        import.file_done(&file("feed.json", &"ef".repeat(32), 10)).unwrap();
        assert!(import.seen(&"ef".repeat(32)).unwrap());
        assert!(import.summary().advisories_new > 0);
        // Dropped here without commit.
    }
    assert_eq!(h.dump(), before);
    let import = h.store().begin_intel_import(AT3).unwrap();
    assert!(!import.seen(&"ef".repeat(32)).unwrap());
    drop(import);
    assert_eq!(h.store().plant().unwrap(), sorted(small_plant()));
    assert_eq!(h.dump(), before);
}

pub fn intel_files_are_remembered_by_digest(h: &mut dyn Harness) {
    let (a, b) = ("0a".repeat(32), "0b".repeat(32));
    let mut import = h.store().begin_intel_import(AT1).unwrap();
    assert!(!import.seen(&a).unwrap());
    import.put(&rec(csaf("ICSA-24-001-01", "1", "2024-01-01T00:00:00Z", &[]))).unwrap();
    import.file_done(&file("csaf/icsa-24-001-01.json", &a, 1)).unwrap();
    assert!(import.seen(&a).unwrap(), "a file read earlier in the same import");
    assert!(!import.seen(&b).unwrap());
    let summary = import.commit().unwrap();
    assert_eq!((summary.files, summary.files_unchanged, summary.advisories_new), (1, 1, 1));

    let mut import = h.store().begin_intel_import(AT2).unwrap();
    assert!(import.seen(&a).unwrap());
    assert!(import.seen(&a.to_uppercase()).unwrap(), "hex digests compare case-insensitively");
    assert!(!import.seen(&b).unwrap());
    // Recording a file again (read under another name) is not an error.
    import.file_done(&file("copy/icsa-24-001-01.json", &a, 1)).unwrap();
    let summary = import.commit().unwrap();
    assert_eq!((summary.files, summary.files_unchanged), (1, 2));
}

pub fn intel_lookup_finds_advisories_by_id_and_alias(h: &mut dyn Harness) {
    let csaf1 = csaf("ICSA-24-001-01", "1", "2024-01-01T00:00:00Z", &["CVE-2024-0001", "cve-2024-0002", " "]);
    let csaf2 = csaf("ICSA-24-009-02", "1", "2024-01-09T00:00:00Z", &["CVE-2024-0001"]);
    let nvd = advisory("CVE-2024-0001", Source::Nvd2, Some("2024-01-05T00:00:00.000"), None);
    import(h, AT1, &[rec(csaf2.clone()), rec(nvd.clone()), rec(csaf1.clone())]);
    let s = h.store();
    assert_eq!(s.intel_lookup("cve-2024-0001").unwrap().advisories, [nvd.clone(), csaf1.clone(), csaf2.clone()]);
    assert_eq!(s.intel_lookup(" CVE-2024-0002 ").unwrap().advisories, std::slice::from_ref(&csaf1));
    assert_eq!(s.intel_lookup("icsa-24-001-01").unwrap().advisories, [csaf1]);
    assert!(s.intel_lookup("CVE-2024-9999").unwrap().is_empty());
    assert!(s.intel_lookup("CVE-2024").unwrap().is_empty(), "no prefix matches");
}

pub fn intel_status_counts_per_source_and_kind(h: &mut dyn Harness) {
    import(h, AT1, &one_of_everything());
    let mut more = vec![
        rec(advisory("CVE-2021-0001", Source::Nvd11, Some("2021-03-01T10:00Z"), None)),
        rec(advisory("CVE-2023-0001", Source::Nvd2, Some("2023-05-01T10:00:00.000"), None)),
        IntelRecord::Epss(epss("CVE-2023-0001", "2025-02-21", 0.01)),
    ];
    // An unchanged record still counts as delivered.
    more.push(one_of_everything()[5].clone());
    import(h, AT2, &more);
    let line = |source, kind, records, newest: &str, last: &str| IntelSourceStatus {
        source,
        kind,
        records,
        newest: Some(newest.to_string()),
        last_import: Some(last.to_string()),
    };
    use IntelKind::*;
    assert_eq!(
        h.store().intel_status().unwrap(),
        [
            line(Source::Nvd2, Advisories, 2, "2023-05-01T10:00:00Z", AT2),
            line(Source::Nvd11, Advisories, 1, "2021-03-01T10:00:00Z", AT2),
            line(Source::Cve5, Advisories, 1, "2024-08-02T01:00:00Z", AT1),
            line(Source::Cve5Adp, Advisories, 2, "2024-08-02T01:00:00Z", AT1),
            line(Source::Cve5Adp, Kev, 1, "2024-02-01", AT1),
            line(Source::Cve5Adp, Ssvc, 1, "2024-06-01T12:00:00Z", AT1),
            line(Source::Kev, Kev, 1, "2024-02-01", AT2),
            line(Source::Epss, Epss, 2, "2025-02-21", AT2),
            line(Source::Csaf, Advisories, 1, "2022-09-01T00:00:00Z", AT1),
        ]
    );

    // When a 2.0 record replaces the 1.1 one, the CVE moves from one line to the other.
    let cve = "CVE-2021-0001";
    import(h, AT3, &[rec(advisory(cve, Source::Nvd2, Some("2021-04-01T10:00:00.000"), None))]);
    let status = h.store().intel_status().unwrap();
    assert_eq!(status[0], line(Source::Nvd2, Advisories, 3, "2023-05-01T10:00:00Z", AT3));
    assert!(status.iter().all(|s| s.source != Source::Nvd11), "{status:?}");
}

/// The advisory with data-quality warnings.
fn warned(mut a: Advisory, warnings: &[&str]) -> Advisory {
    a.warnings = warnings.iter().map(|w| w.to_string()).collect();
    a
}

/// What a quality listing says, without the file names.
fn reported(h: &mut dyn Harness, limit: usize) -> Vec<(Source, String, String, Vec<String>)> {
    h.store().intel_quality(limit).unwrap().into_iter().map(|r| (r.source, r.id, r.document, r.warnings)).collect()
}

fn line(source: Source, id: &str, document: &str, warnings: &[&str]) -> (Source, String, String, Vec<String>) {
    (source, id.into(), document.into(), warnings.iter().map(|w| w.to_string()).collect())
}

pub fn intel_quality_lists_advisories_with_warnings(h: &mut dyn Harness) {
    assert!(h.store().intel_quality(0).unwrap().is_empty());
    let loose = "product `PLC` version range `V2.0 and later` normalised to `vers:generic/>=2.0`";
    let unparsed = "product `HMI` version range `all before SP3 Upd 2` left unparsed";
    let cve = "CVE-2024-0001";
    import(
        h,
        AT1,
        &[
            rec(warned(csaf("ICSA-24-009-02", "1", "2024-01-09T00:00:00Z", &[cve]), &[unparsed])),
            rec(csaf("ICSA-24-005-01", "1", "2024-01-05T00:00:00Z", &[cve])),
            rec(warned(csaf("ICSA-24-001-01", "1", "2024-01-01T00:00:00Z", &[cve]), &[loose, unparsed])),
            rec(warned(adp(cve, "CVE", "2024-05-02T00:00:00Z"), &[loose])),
            rec(warned(adp(cve, "CISA-ADP", "2024-05-01T00:00:00Z"), &[loose])),
            rec(advisory(cve, Source::Nvd2, Some("2024-01-05T00:00:00.000"), None)),
            rec(warned(advisory("CVE-2023-0002", Source::Nvd2, None, None), &[unparsed])),
            IntelRecord::Kev(kev(cve, Source::Kev, Some("2025.02.20"))),
        ],
    );
    // Source order (NVD 2.0 before CVE 5 ADP before CSAF), then id, then document; advisories
    // without warnings and the other kinds of record are not listed.
    let all = vec![
        line(Source::Nvd2, "CVE-2023-0002", "nvdcve-2.0-2022", &[unparsed]),
        line(Source::Cve5Adp, cve, &format!("{cve}#adp/CISA-ADP"), &[loose]),
        line(Source::Cve5Adp, cve, &format!("{cve}#adp/CVE"), &[loose]),
        line(Source::Csaf, "ICSA-24-001-01", "icsa-24-001-01", &[loose, unparsed]),
        line(Source::Csaf, "ICSA-24-009-02", "icsa-24-009-02", &[unparsed]),
    ];
    assert_eq!(reported(h, 0), all, "0 lists every one");
    assert_eq!(reported(h, 100), all);
    assert_eq!(reported(h, 3), all[..3], "the limit cuts across sources");
    assert_eq!(reported(h, 1), all[..1]);
    let first = h.store().intel_quality(1).unwrap();
    assert_eq!(
        first,
        [QualityReport {
            source: Source::Nvd2,
            id: "CVE-2023-0002".into(),
            document: "nvdcve-2.0-2022".into(),
            file: Some("feeds/nvdcve-2.0-2022.json".into()),
            warnings: vec![unparsed.into()],
        }]
    );
}

pub fn intel_quality_follows_the_stored_version(h: &mut dyn Harness) {
    let id = "ICSA-24-001-01";
    let unparsed = "version range `see vendor` left unparsed";
    let v1 = warned(csaf(id, "1", "2024-01-01T00:00:00Z", &[]), &[unparsed]);
    import(h, AT1, &[rec(v1.clone())]);
    assert_eq!(reported(h, 0), [line(Source::Csaf, id, "icsa-24-001-01", &[unparsed])]);

    // An older version without warnings does not replace the stored one: still listed.
    let v0 = csaf(id, "0", "2023-12-01T00:00:00Z", &[]);
    assert_eq!(import(h, AT2, &[rec(v0)]).advisories_older, 1);
    assert_eq!(reported(h, 0).len(), 1);

    // A newer, clean version replaces it: no longer listed.
    let v2 = csaf(id, "2", "2024-02-01T00:00:00Z", &[]);
    assert_eq!(import(h, AT2, &[rec(v2)]).advisories_updated, 1);
    assert!(reported(h, 0).is_empty());

    // And a newer one with other warnings lists them.
    let v3 = warned(csaf(id, "3", "2024-03-01T00:00:00Z", &[]), &["a", "b"]);
    assert_eq!(import(h, AT3, &[rec(v3)]).advisories_updated, 1);
    assert_eq!(reported(h, 0), [line(Source::Csaf, id, "icsa-24-001-01", &["a", "b"])]);

    // A dropped import changes nothing, the listing included.
    {
        let mut import = h.store().begin_intel_import(AT3).unwrap();
        import.put(&rec(csaf(id, "4", "2024-04-01T00:00:00Z", &[]))).unwrap();
    }
    assert_eq!(reported(h, 0).len(), 1);
}
