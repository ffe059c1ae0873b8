//! KEV, EPSS and CVE JSON 5 (Vulnrichment) readers over the real feeds in ../shared/fixtures.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use intel::{IntelError, cve5, epss, kev};
use model::advisory::{
    Advisory, AffectedStatement, Bound, CpeMatch, EpssScore, Exploitation, IntelRecord, KevEntry, ProductStatus,
    RansomwareUse, Source, SsvcPoints, Target, TechnicalImpact, VersionSpec,
};

use crate::support::{collect, doc, fixture};

// ---------------------------------------------------------------------------------------------
// Helpers

fn kev_entries(records: Vec<IntelRecord>) -> Vec<KevEntry> {
    records
        .into_iter()
        .map(|r| match r {
            IntelRecord::Kev(k) => k,
            other => panic!("expected a KEV entry, got {other:?}"),
        })
        .collect()
}

fn epss_scores(records: Vec<IntelRecord>) -> Vec<EpssScore> {
    records
        .into_iter()
        .map(|r| match r {
            IntelRecord::Epss(e) => e,
            other => panic!("expected an EPSS score, got {other:?}"),
        })
        .collect()
}

/// Reads a byte slice with `read`, returning the error it must give.
fn read_err<'b>(
    read: impl FnOnce(&'b [u8], &intel::DocumentInfo, &mut intel::Sink) -> Result<intel::ReadSummary, IntelError>,
    bytes: &'b [u8],
) -> IntelError {
    let mut sink = |_r: IntelRecord| Ok(());
    match read(bytes, &doc("bad-input"), &mut sink) {
        Ok(s) => panic!("expected an error, read {} records", s.records),
        Err(e) => e,
    }
}

/// Asserts an `Invalid` error names the test file and a place containing `place`.
fn assert_invalid(e: &IntelError, place: &str) {
    match e {
        IntelError::Invalid { file, place: p, message } => {
            assert_eq!(file, "bad-input", "{e}");
            assert!(p.contains(place), "place `{p}` should contain `{place}` ({message})");
        }
        other => panic!("expected Invalid at {place}, got {other:?}"),
    }
}

struct Cve5Read {
    advisories: Vec<Advisory>,
    ssvc: Vec<SsvcPoints>,
    kev: Vec<KevEntry>,
    warnings: Vec<String>,
}

fn read_cve5(path: &Path) -> Result<Cve5Read, IntelError> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = Cve5Read { advisories: Vec::new(), ssvc: Vec::new(), kev: Vec::new(), warnings: Vec::new() };
    let mut records = Vec::new();
    let summary = cve5::read(bytes.as_slice(), &doc(&path.display().to_string()), &mut |r| {
        records.push(r);
        Ok(())
    })?;
    assert_eq!(summary.records, records.len());
    out.warnings = summary.warnings;
    for r in records {
        match r {
            IntelRecord::Advisory(a) => out.advisories.push(*a),
            IntelRecord::Ssvc(s) => out.ssvc.push(s),
            IntelRecord::Kev(k) => out.kev.push(k),
            IntelRecord::Epss(_) => panic!("a CVE record gave an EPSS score"),
        }
    }
    Ok(out)
}

fn vulnrichment(rel: &str) -> Option<Cve5Read> {
    let path = fixture(&format!("vulnrichment/{rel}"))?;
    Some(read_cve5(&path).unwrap())
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn bytes_mention_cpes(path: &Path) -> bool {
    std::fs::read_to_string(path).unwrap().contains("\"cpes\"")
}

/// The product statements of an advisory for one product name.
fn product<'a>(a: &'a Advisory, name: &str) -> Vec<(&'a VersionSpec, ProductStatus)> {
    a.affected
        .iter()
        .filter_map(|s| match &s.target {
            Target::Product { product, versions } if product.product.as_deref() == Some(name) => {
                Some((versions, s.status))
            }
            _ => None,
        })
        .collect()
}

fn configurations(a: &Advisory) -> Vec<(&AffectedStatement, &Vec<CpeMatch>)> {
    a.affected
        .iter()
        .filter_map(|s| match &s.target {
            Target::Configuration { configuration } => {
                assert_eq!(configuration.nodes.len(), 1, "one OR node per ADP entry");
                Some((s, &configuration.nodes[0].matches))
            }
            Target::Product { .. } => None,
        })
        .collect()
}

fn end(version: &str, inclusive: bool) -> VersionSpec {
    VersionSpec::Range { start: None, end: Some(Bound { version: version.into(), inclusive }) }
}

// ---------------------------------------------------------------------------------------------
// KEV

fn kev_json() -> Option<(Vec<KevEntry>, intel::ReadSummary)> {
    let path = fixture("kev/known_exploited_vulnerabilities.json")?;
    let file = std::fs::File::open(path).unwrap();
    let (records, summary) = collect(|sink| kev::read_json(file, &doc("known_exploited_vulnerabilities.json"), sink));
    Some((kev_entries(records), summary))
}

fn kev_csv() -> Option<Vec<KevEntry>> {
    let path = fixture("kev/known_exploited_vulnerabilities.csv")?;
    let file = std::fs::File::open(path).unwrap();
    let (records, summary) = collect(|sink| kev::read_csv(file, &doc("known_exploited_vulnerabilities.csv"), sink));
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    Some(kev_entries(records))
}

#[test]
fn kev_json_reads_the_whole_catalog() {
    let Some((entries, summary)) = kev_json() else { return };
    assert_eq!(entries.len(), 1404);
    assert_eq!(summary.records, 1404);
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    let p = &entries[0].provenance;
    assert_eq!(p.source, Source::Kev);
    assert_eq!(p.document, "cisa-kev");
    assert_eq!(p.revision.as_deref(), Some("2025.08.25"));
    assert_eq!(p.file.as_deref(), Some("known_exploited_vulnerabilities.json"));
    assert_eq!(p.digest.as_deref(), Some("0".repeat(64).as_str()));
    assert!(entries.iter().all(|e| e.provenance == *p));

    let known = entries.iter().filter(|e| e.ransomware == RansomwareUse::Known).count();
    assert_eq!(known, 293);
    assert_eq!(entries.iter().filter(|e| e.cwes.is_empty()).count(), 152);

    let e = entries.iter().find(|e| e.cve == "CVE-2022-0028").unwrap();
    assert_eq!(e.vendor_project.as_deref(), Some("Palo Alto Networks"));
    assert_eq!(e.product.as_deref(), Some("PAN-OS"));
    assert_eq!(e.date_added, "2022-08-22");
    assert_eq!(e.due_date.as_deref(), Some("2022-09-12"));
    assert_eq!(e.ransomware, RansomwareUse::Unknown);
    assert_eq!(e.cwes, ["CWE-940"]);
    assert_eq!(e.required_action.as_deref(), Some("Apply updates per vendor instructions."));

    let wannacry = entries.iter().find(|e| e.cve == "CVE-2017-0144").unwrap();
    assert_eq!(wannacry.ransomware, RansomwareUse::Known);
    assert_eq!(wannacry.product.as_deref(), Some("SMBv1"));
    let log4shell = entries.iter().find(|e| e.cve == "CVE-2021-44228").unwrap();
    assert_eq!(log4shell.ransomware, RansomwareUse::Known);
    assert_eq!(log4shell.cwes, ["CWE-20", "CWE-400", "CWE-502"]);
    // JSON escapes (`\u2019`, `\/`) are decoded.
    assert!(entries[0].description.as_deref().unwrap().contains("Git’s"));
    assert!(entries[0].notes.as_deref().unwrap().starts_with("This vulnerability affects"));
}

#[test]
fn kev_csv_gives_the_same_entries_as_json() {
    let (Some((json, _)), Some(csv)) = (kev_json(), kev_csv()) else { return };
    assert_eq!(csv.len(), 1404);
    for (j, c) in json.iter().zip(&csv) {
        assert_eq!(c.provenance.revision, None, "the CSV has no catalog version");
        assert_eq!(c.provenance.document, "cisa-kev");
        let mut j = j.clone();
        j.provenance = c.provenance.clone();
        assert_eq!(&j, c, "{}", c.cve);
    }
}

#[test]
fn kev_json_streams_and_stops_when_the_sink_refuses() {
    let Some(path) = fixture("kev/known_exploited_vulnerabilities.json") else { return };
    let file = std::fs::File::open(path).unwrap();
    let mut seen = 0;
    let result = kev::read_json(file, &doc("kev.json"), &mut |_r| {
        seen += 1;
        if seen == 3 { Err(IntelError::Sink("disk full".into())) } else { Ok(()) }
    });
    assert!(matches!(result, Err(IntelError::Sink(m)) if m == "disk full"));
    assert_eq!(seen, 3, "entries reach the sink while the array is read");
}

#[test]
fn kev_json_with_the_version_after_the_array_still_carries_it() {
    let text = r#"{"vulnerabilities": [
        {"cveID": "CVE-2024-0001", "dateAdded": "2024-01-02", "knownRansomwareCampaignUse": "Known", "cwes": []},
        {"cveID": "CVE-2024-0002", "dateAdded": "2024-01-03", "notes": "", "cwes": ["CWE-79"]}
    ], "catalogVersion": "2024.01.03", "count": 2}"#;
    let (records, summary) = collect(|sink| kev::read_json(text.as_bytes(), &doc("kev.json"), sink));
    let entries = kev_entries(records);
    assert_eq!(summary.records, 2);
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    assert!(entries.iter().all(|e| e.provenance.revision.as_deref() == Some("2024.01.03")));
    assert_eq!(entries[0].ransomware, RansomwareUse::Known);
    assert_eq!(entries[1].ransomware, RansomwareUse::Unknown);
    assert_eq!(entries[1].notes, None, "empty text is absent");
    assert_eq!(entries[1].cwes, ["CWE-79"]);
}

#[test]
fn kev_count_mismatch_is_a_warning() {
    let text = r#"{"catalogVersion": "1", "count": 5, "vulnerabilities": [{"cveID": "CVE-2024-0001", "dateAdded": "2024-01-02"}]}"#;
    let (_, summary) = collect(|sink| kev::read_json(text.as_bytes(), &doc("kev.json"), sink));
    assert_eq!(summary.records, 1);
    assert_eq!(summary.warnings.len(), 1, "{:?}", summary.warnings);
}

#[test]
fn kev_malformed_input_is_an_error_with_its_place() {
    let entry = r#"{"cveID": "CVE-2024-0001", "dateAdded": "2024-01-02"}"#;
    // Truncated.
    let e = read_err(
        kev::read_json,
        format!(r#"{{"catalogVersion": "1", "vulnerabilities": [{entry}, {{"cveID": "CVE-"#).as_bytes(),
    );
    assert_invalid(&e, "$.vulnerabilities[1]");
    // Wrong type inside an entry.
    let e = read_err(
        kev::read_json,
        format!(r#"{{"catalogVersion": "1", "vulnerabilities": [{entry}, {{"cveID": "CVE-2024-0002", "cwes": 7}}]}}"#)
            .as_bytes(),
    );
    assert_invalid(&e, "$.vulnerabilities[1]");
    // A required field missing.
    let e = read_err(kev::read_json, br#"{"catalogVersion": "1", "vulnerabilities": [{"cveID": "CVE-2024-0002"}]}"#);
    assert_invalid(&e, "$.vulnerabilities[0].dateAdded");
    // A date that is not one.
    let e = read_err(
        kev::read_json,
        br#"{"catalogVersion": "1", "vulnerabilities": [{"cveID": "CVE-2024-0002", "dateAdded": "02/01/2024"}]}"#,
    );
    assert_invalid(&e, "$.vulnerabilities[0].dateAdded");
    // Not a catalog at all.
    assert_invalid(&read_err(kev::read_json, b"[1, 2]"), "line 1");
    assert_invalid(&read_err(kev::read_json, br#"{"title": "x"}"#), "$.vulnerabilities");
    assert_invalid(&read_err(kev::read_json, b""), "line");
    assert_invalid(&read_err(kev::read_json, br#"{"vulnerabilities": []} trailing"#), "line 1");

    // CSV: a missing required column, a ragged row, a bad date.
    assert_invalid(&read_err(kev::read_csv, b"cveID,vendorProject\nCVE-2024-0001,x\n"), "line 1");
    let e = read_err(kev::read_csv, b"cveID,dateAdded,cwes\nCVE-2024-0001,2024-01-02,\nCVE-2024-0002,2024-01-02\n");
    assert_invalid(&e, "line 3");
    let e = read_err(kev::read_csv, b"cveID,dateAdded\nCVE-2024-0001,2024-01-02\nCVE-2024-0002,soon\n");
    assert_invalid(&e, "line 3");
}

#[test]
fn kev_truncated_at_any_point_never_panics() {
    let Some(path) = fixture("kev/known_exploited_vulnerabilities.json") else { return };
    let bytes = std::fs::read(path).unwrap();
    let bytes = &bytes[..20_000];
    for cut in (0..bytes.len()).step_by(97) {
        let mut sink = |_r: IntelRecord| Ok(());
        assert!(kev::read_json(&bytes[..cut], &doc("cut"), &mut sink).is_err(), "cut at {cut}");
    }
}

// ---------------------------------------------------------------------------------------------
// EPSS

const EPSS: &str = "epss/vunnel-fixture-example-1.csv";

fn check_epss(scores: &[EpssScore]) {
    assert_eq!(scores.len(), 5);
    let cves: Vec<&str> = scores.iter().map(|s| s.cve.as_str()).collect();
    assert_eq!(cves, ["CVE-1999-0001", "CVE-1999-0002", "CVE-1999-0003", "CVE-1999-0004", "CVE-1999-0005"]);
    assert_eq!(scores[0].score, 0.00383);
    assert_eq!(scores[0].percentile, 0.73075);
    assert_eq!(scores[4].score, 0.91963);
    assert_eq!(scores[4].percentile, 0.99214);
    for s in scores {
        assert_eq!(s.date, "2025-02-20");
        assert_eq!(s.model_version.as_deref(), Some("v2023.03.01"));
        assert_eq!(s.provenance.source, Source::Epss);
        assert_eq!(s.provenance.revision.as_deref(), Some("2025-02-20T00:00:00+0000"));
    }
}

#[test]
fn epss_reads_the_sample() {
    let Some(path) = fixture(EPSS) else { return };
    let file = std::fs::File::open(path).unwrap();
    let (records, summary) = collect(|sink| epss::read(file, &doc("epss.csv"), sink));
    assert_eq!(summary.records, 5);
    check_epss(&epss_scores(records));
}

#[test]
fn epss_reads_gzip_by_its_magic() {
    let Some(path) = fixture(EPSS) else { return };
    let plain = std::fs::read(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let (records, _) = collect(|sink| epss::read(gz.as_slice(), &doc("epss.csv.gz"), sink));
    check_epss(&epss_scores(records));

    // A truncated gzip is a read error, not a panic.
    let mut sink = |_r: IntelRecord| Ok(());
    let e = epss::read(&gz[..gz.len() / 2], &doc("cut.gz"), &mut sink).unwrap_err();
    assert!(matches!(e, IntelError::Read { .. } | IntelError::Invalid { .. }), "{e:?}");
}

#[test]
fn epss_malformed_input_is_an_error_naming_the_line() {
    let meta = "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000\n";
    // No metadata line: no score date.
    let e = read_err(epss::read, b"cve,epss,percentile\nCVE-1999-0001,0.1,0.2\n");
    assert_invalid(&e, "line 1");
    assert_invalid(&read_err(epss::read, b""), "line 1");
    assert_invalid(&read_err(epss::read, b"#model_version:v1\ncve,epss,percentile\n"), "line 1");
    // No header line.
    let e = read_err(epss::read, format!("{meta}CVE-1999-0001,0.1,0.2\n").as_bytes());
    assert_invalid(&e, "line 2");
    // A bad number, a score outside [0, 1], a ragged row, a row that is not a CVE.
    let e = read_err(
        epss::read,
        format!("{meta}cve,epss,percentile\nCVE-1999-0001,0.1,0.2\nCVE-1999-0002,zero,0.2\n").as_bytes(),
    );
    assert_invalid(&e, "line 4");
    let e = read_err(epss::read, format!("{meta}cve,epss,percentile\nCVE-1999-0001,38.3,0.2\n").as_bytes());
    assert_invalid(&e, "line 3");
    let e = read_err(epss::read, format!("{meta}cve,epss,percentile\nCVE-1999-0001,0.1,NaN\n").as_bytes());
    assert_invalid(&e, "line 3");
    let e = read_err(epss::read, format!("{meta}cve,epss,percentile\nCVE-1999-0001,0.1\n").as_bytes());
    assert_invalid(&e, "line 3");
    let e = read_err(epss::read, format!("{meta}cve,epss,percentile\n1999-0001,0.1,0.2\n").as_bytes());
    assert_invalid(&e, "line 3");
}

// ---------------------------------------------------------------------------------------------
// CVE JSON 5 (Vulnrichment)

#[test]
fn cve5_reads_every_vulnrichment_record() {
    let Some(root) = fixture("vulnrichment") else { return };
    let mut files = Vec::new();
    json_files(&root, &mut files);
    files.sort();
    assert_eq!(files.len(), 4160);

    let started = Instant::now();
    let mut failures = Vec::new();
    let (mut read, mut with_ssvc, mut with_adp_cpes, mut kev, mut rejected) = (0, 0, 0, 0, Vec::new());
    let mut adp_cpes_all_unknown = 0;
    let (mut cna_vectors, mut adp_vectors) = (0, 0);
    let mut ssvc_values = std::collections::BTreeMap::new();
    let (mut advisories, mut adp_advisories, mut statements, mut warnings) = (0, 0, 0, 0);
    for path in &files {
        let r = match read_cve5(path) {
            Ok(r) => r,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        read += 1;
        with_ssvc += usize::from(!r.ssvc.is_empty());
        for p in &r.ssvc {
            *ssvc_values.entry(format!("{:?}", p.exploitation)).or_insert(0) += 1;
            *ssvc_values.entry(format!("automatable {:?}", p.automatable)).or_insert(0) += 1;
            *ssvc_values.entry(format!("{:?}", p.technical_impact)).or_insert(0) += 1;
        }
        for a in &r.advisories {
            for v in &a.cvss {
                if a.provenance.source == Source::Cve5 {
                    cna_vectors += 1;
                } else {
                    assert_eq!(v.scored_by.as_deref(), Some("CISA-ADP"));
                    adp_vectors += 1;
                }
            }
        }
        kev += r.kev.len();
        let cna = &r.advisories[0];
        assert_eq!(cna.provenance.source, Source::Cve5);
        assert!(path.ends_with(format!("{}.json", cna.id)), "{} in {}", cna.id, path.display());
        if cna.rejected {
            rejected.push(cna.id.clone());
        }
        let adp = r.advisories.iter().filter(|a| a.provenance.source == Source::Cve5Adp);
        let has_configurations = adp.clone().any(|a| !configurations(a).is_empty());
        with_adp_cpes += usize::from(has_configurations);
        let adp_unknown = r.warnings.iter().any(|w| w.contains("$.containers.adp[") && w.contains("`unknown`"));
        adp_cpes_all_unknown += usize::from(!has_configurations && adp_unknown && bytes_mention_cpes(path));
        adp_advisories += adp.count();
        advisories += r.advisories.len();
        statements += r.advisories.iter().map(|a| a.affected.len()).sum::<usize>();
        warnings += r.warnings.len();
        for a in &r.advisories {
            assert_eq!(a.id, cna.id);
            for s in &a.affected {
                assert_eq!(s.vulnerability, cna.id);
            }
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "vulnrichment: {read} records in {elapsed:?}; {advisories} advisories ({adp_advisories} ADP), \
         {statements} statements, {with_ssvc} with SSVC, {with_adp_cpes} with ADP CPEs, {kev} KEV metrics, \
         {warnings} warnings"
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(read, 4160);
    assert_eq!(with_ssvc, 4159);
    // INDEX.md counts 2,817 records with ADP `affected[].cpes`; on 8 of them every version entry
    // has status `unknown`, which is skipped (and counted in a warning), not turned into a statement.
    assert_eq!(with_adp_cpes, 2809);
    assert_eq!(adp_cpes_all_unknown, 8);
    assert_eq!(kev, 224);
    assert_eq!((cna_vectors, adp_vectors), (3744, 766));
    // Every Vulnrichment SSVC point states all three values (some in capitals: `Total`, `PoC`).
    let expected = [
        ("None", 0),
        ("Some(Active)", 212),
        ("Some(None)", 3329),
        ("Some(Partial)", 2129),
        ("Some(Poc)", 618),
        ("Some(Total)", 2030),
        ("automatable None", 0),
        ("automatable Some(false)", 3062),
        ("automatable Some(true)", 1097),
    ];
    for (k, n) in expected {
        assert_eq!(ssvc_values.get(k).copied().unwrap_or(0), n, "{k}: {ssvc_values:?}");
    }
    assert_eq!(rejected, ["CVE-2024-26624"]);
}

#[test]
fn cve5_ssvc_points_from_cisa_adp() {
    // The DOMAIN.md example, CVE-2024-3931, is not among the fixtures; CVE-2022-40691 (Moxa
    // SDS-3008) carries the same poc / yes / partial.
    let Some(r) = vulnrichment("2022/40xxx/CVE-2022-40691.json") else { return };
    assert_eq!(r.ssvc.len(), 1);
    let s = &r.ssvc[0];
    assert_eq!(s.cve, "CVE-2022-40691");
    assert_eq!(s.exploitation, Some(Exploitation::Poc));
    assert_eq!(s.automatable, Some(true));
    assert_eq!(s.technical_impact, Some(TechnicalImpact::Partial));
    assert_eq!(s.role.as_deref(), Some("CISA Coordinator"));
    assert_eq!(s.version.as_deref(), Some("2.0.3"));
    assert_eq!(s.timestamp.as_deref(), Some("2024-08-01T17:20:38.057437Z"));
    assert_eq!(s.provenance.source, Source::Cve5Adp);
    assert_eq!(s.provenance.document, "CVE-2022-40691#adp/CISA-ADP");
    assert_eq!(s.provenance.revision.as_deref(), Some("2024-08-01T17:26:12.501Z"));

    // The CNA names the version; the ADP gives CPEs with `<= 2.1`.
    let cna = &r.advisories[0];
    assert_eq!(
        product(cna, "SDS-3008 Series Industrial Ethernet Switch"),
        [(&VersionSpec::Exact { version: "2.1".into() }, ProductStatus::Affected)]
    );
    let adp = &r.advisories[1];
    assert_eq!(adp.provenance.source, Source::Cve5Adp);
    let configs = configurations(adp);
    assert_eq!(configs.len(), 2);
    let (statement, matches) = configs[0];
    assert_eq!(statement.status, ProductStatus::Affected);
    assert_eq!(
        matches,
        &[CpeMatch {
            vulnerable: true,
            criteria: "cpe:2.3:o:moxa:sds-3008_firmware:*:*:*:*:*:*:*:*".into(),
            version_start_including: None,
            version_start_excluding: None,
            version_end_including: Some("2.1".into()),
            version_end_excluding: None,
            match_criteria_id: None,
        }]
    );
}

#[test]
fn cve5_ssvc_values_are_read_whatever_their_case() {
    let Some(r) = vulnrichment("2019/7xxx/CVE-2019-7256.json") else { return };
    let s = &r.ssvc[0];
    assert_eq!(
        (s.exploitation, s.automatable, s.technical_impact),
        (Some(Exploitation::Active), Some(true), Some(TechnicalImpact::Total))
    );
    assert!(r.warnings.iter().all(|w| !w.contains("options")), "{:?}", r.warnings);
}

#[test]
fn cve5_missing_ssvc_values_are_unknown_not_none() {
    let text = r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1",
      "cveMetadata": {"cveId": "CVE-2024-0001", "state": "PUBLISHED"},
      "containers": {"cna": {"providerMetadata": {"shortName": "x"}},
        "adp": [{"providerMetadata": {"shortName": "CISA-ADP", "dateUpdated": "2024-07-01T00:00:00Z"},
          "metrics": [{"other": {"type": "ssvc", "content": {"options": [{"Automatable": "no"}, {"Exploitation": "maybe"}]}}}]}]}}"#;
    let (records, summary) = collect(|sink| cve5::read(text.as_bytes(), &doc("x.json"), sink));
    let ssvc: Vec<&SsvcPoints> =
        records.iter().filter_map(|r| if let IntelRecord::Ssvc(s) = r { Some(s) } else { None }).collect();
    assert_eq!(ssvc.len(), 1);
    assert_eq!(ssvc[0].exploitation, None);
    assert_eq!(ssvc[0].automatable, Some(false));
    assert_eq!(ssvc[0].technical_impact, None);
    assert_eq!(summary.warnings.len(), 1, "{:?}", summary.warnings);
    // The ADP container only carried SSVC: no ADP advisory.
    assert_eq!(records.iter().filter(|r| matches!(r, IntelRecord::Advisory(_))).count(), 1);
}

#[test]
fn cve5_kev_metric_and_status_changes() {
    let Some(r) = vulnrichment("2022/0xxx/CVE-2022-0028.json") else { return };
    assert_eq!(r.kev.len(), 1);
    let k = &r.kev[0];
    assert_eq!(k.cve, "CVE-2022-0028");
    assert_eq!(k.date_added, "2022-08-22");
    assert_eq!(k.ransomware, RansomwareUse::Unknown);
    assert!(k.notes.as_deref().unwrap().contains("known-exploited-vulnerabilities-catalog"));
    assert_eq!(k.provenance.source, Source::Cve5Adp);

    // `8.1 <= v < 8.1.23-h1`, changing to unaffected at 8.1.23-h1: the change adds nothing.
    let cna = &r.advisories[0];
    assert_eq!(cna.title.as_deref().map(|t| t.contains("PAN-OS")), Some(true));
    assert!(cna.cwes.iter().all(|c| c.starts_with("CWE-")));
    let ranges = product(cna, "PAN-OS");
    assert!(ranges.contains(&(
        &VersionSpec::Range {
            start: Some(Bound { version: "8.1".into(), inclusive: true }),
            end: Some(Bound { version: "8.1.23-h1".into(), inclusive: false }),
        },
        ProductStatus::Affected
    )));
    assert!(cna.warnings.iter().all(|w| !w.contains("split")), "{:?}", cna.warnings);
}

#[test]
fn cve5_siemens_cna_ranges_and_adp_cpes() {
    let Some(r) = vulnrichment("2017/2xxx/CVE-2017-2680.json") else { return };
    let cna = &r.advisories[0];
    assert_eq!(cna.id, "CVE-2017-2680");
    assert!(!cna.rejected);
    assert_eq!(cna.cwes, ["CWE-400"]);
    assert_eq!(cna.published.as_deref(), Some("2017-05-11T01:00:00"));
    assert_eq!(cna.modified.as_deref(), Some("2024-09-10T09:33:18.492Z"));
    assert!(cna.description.as_deref().unwrap().starts_with("Specially crafted PROFINET DCP"));
    assert_eq!(cna.provenance.revision.as_deref(), Some("2024-09-10T09:33:18.492Z"));
    let scored: Vec<(&str, Option<&str>, Option<&str>)> =
        cna.cvss.iter().map(|c| (c.vector.as_str(), c.scored_by.as_deref(), c.published_score.as_deref())).collect();
    assert_eq!(
        scored,
        [
            ("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Some("siemens"), Some("6.5")),
            ("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", Some("siemens"), Some("7.1")),
        ]
    );
    assert_eq!(cna.references.len(), 10);
    assert_eq!(cna.references[0].tags, ["vdb-entry", "x_refsource_SECTRACK"]);

    // Structured range with an open start.
    assert_eq!(product(cna, "SIPLUS ET 200MP IM 155-5 PN ST"), [(&end("V4.1.0", false), ProductStatus::Affected)]);
    // `0 .. < *` is every version.
    assert_eq!(
        product(cna, "SIMATIC CP 1243-1 DNP3 (incl. SIPLUS variants)"),
        [(&VersionSpec::All, ProductStatus::Affected)]
    );
    // Siemens' loose text, normalised with a warning.
    assert_eq!(product(cna, "SCALANCE X414"), [(&end("V3.10.2", false), ProductStatus::Affected)]);
    assert_eq!(
        product(cna, "Development/Evaluation Kits for PROFINET IO: DK Standard Ethernet Controller"),
        [(&end("V4.1.1 Patch04", false), ProductStatus::Affected)]
    );
    assert_eq!(product(cna, "IE/AS-i Link PN IO"), [(&VersionSpec::All, ProductStatus::Affected)]);
    assert!(cna.warnings.iter().any(|w| w.contains("SCALANCE X414") && w.contains("All versions < V3.10.2")));
    // `V4.7: All versions < V4.7 HF27` is not something to guess at.
    assert_eq!(
        product(cna, "SINAMICS G150 V4.7 w. PN"),
        [(&VersionSpec::Unparsed { text: "V4.7: All versions < V4.7 HF27".into() }, ProductStatus::Affected)]
    );
    // Every product statement is named.
    for s in &cna.affected {
        let Target::Product { product, .. } = &s.target else { panic!("CNA statements name products") };
        assert_eq!(product.vendor.as_deref(), Some("Siemens"));
    }

    // This record's ADP carries SSVC only.
    assert_eq!(r.advisories.len(), 1);
    assert_eq!(r.ssvc.len(), 1);
    assert_eq!(r.ssvc[0].exploitation, Some(Exploitation::None));

    // CVE-2019-10936: CISA-ADP CPEs with `-` versions and ranges become bounded `*` criteria.
    let Some(r) = vulnrichment("2019/10xxx/CVE-2019-10936.json") else { return };
    let adp = r.advisories.iter().find(|a| a.provenance.source == Source::Cve5Adp).unwrap();
    assert_eq!(adp.provenance.revision.as_deref(), Some("2024-07-09T15:09:40.783Z"));
    let all: Vec<&CpeMatch> = configurations(adp).into_iter().flat_map(|(_, m)| m).collect();
    let ertec = all.iter().find(|m| m.criteria.contains("ek-ertec_200p_firmware")).unwrap();
    assert_eq!(ertec.criteria, "cpe:2.3:o:siemens:ek-ertec_200p_firmware:*:*:*:*:*:*:*:*");
    assert_eq!(ertec.version_end_excluding.as_deref(), Some("4.6"));
    assert_eq!(ertec.version_start_including, None);
    let dk = all.iter().find(|m| m.criteria.contains("dk_standard_ethernet_controller_firmware")).unwrap();
    assert_eq!((dk.version_end_including.as_deref(), dk.version_end_excluding.as_deref()), (None, None));
}

#[test]
fn cve5_rejected_record() {
    let Some(r) = vulnrichment("2024/26xxx/CVE-2024-26624.json") else { return };
    assert_eq!(r.advisories.len(), 1);
    let a = &r.advisories[0];
    assert!(a.rejected);
    assert!(a.affected.is_empty());
    assert!(a.description.as_deref().unwrap().contains("rejected"));
    assert!(r.ssvc.is_empty());
}

#[test]
fn cve5_exact_versions_pick_the_cpes_that_name_them() {
    // CVE-2019-1069: Windows 10 CPEs per release, and `windows_server_2016:-` which no listed
    // version names (kept as published, with a warning).
    let Some(r) = vulnrichment("2019/1xxx/CVE-2019-1069.json") else { return };
    let adp = r.advisories.iter().find(|a| a.provenance.source == Source::Cve5Adp).unwrap();
    let all: Vec<&CpeMatch> = configurations(adp).into_iter().flat_map(|(_, m)| m).collect();
    assert!(
        all.iter().any(|m| m.criteria == "cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:*:*"
            && m.version_start_including.is_none())
    );
    assert!(all.iter().any(|m| m.criteria == "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*"));
    assert!(adp.warnings.iter().any(|w| w.contains("windows_server_2016:-")), "{:?}", adp.warnings);
}

#[test]
fn cve5_trustify_records_read() {
    let mut paths = Vec::new();
    for dir in ["cve", "mitre"] {
        let Some(d) = fixture(&format!("sbom-vex/trustify-testdata/etc/test-data/{dir}")) else { return };
        json_files(&d, &mut paths);
    }
    assert_eq!(paths.len(), 13);
    for p in &paths {
        let r = read_cve5(p).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.ends_with(format!("{}.json", r.advisories[0].id)));
    }
}

#[test]
fn cve5_malformed_input_is_an_error_naming_the_file() {
    let good = r#"{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2024-0001"}, "containers": {"cna": {}}}"#;
    let (records, _) = collect(|sink| cve5::read(good.as_bytes(), &doc("x.json"), sink));
    assert_eq!(records.len(), 1);

    assert_invalid(&read_err(cve5::read, &good.as_bytes()[..good.len() - 3]), "line 1");
    assert_invalid(&read_err(cve5::read, b""), "line 1");
    assert_invalid(&read_err(cve5::read, b"[]"), "line 1");
    let wrong = br#"{"cveMetadata": {"cveId": 2024}, "containers": {"cna": {}}}"#;
    assert_invalid(&read_err(cve5::read, wrong), "line 1");
    let wrong = br#"{"cveMetadata": {"cveId": "CVE-2024-0001"}, "containers": {"cna": {"affected": [{"versions": [{"version": 2}]}]}}}"#;
    assert_invalid(&read_err(cve5::read, wrong), "line 1");
    let wrong = br#"{"cveMetadata": {"cveId": "CVE-2024-0001"}, "containers": {"cna": {"affected": {"vendor": "x"}}}}"#;
    assert_invalid(&read_err(cve5::read, wrong), "line 1");
    let missing = br#"{"cveMetadata": {"state": "PUBLISHED"}, "containers": {"cna": {}}}"#;
    assert_invalid(&read_err(cve5::read, missing), "$.cveMetadata.cveId");
    let bad_id = br#"{"cveMetadata": {"cveId": "GHSA-1234"}, "containers": {"cna": {}}}"#;
    assert_invalid(&read_err(cve5::read, bad_id), "$.cveMetadata.cveId");
    assert_invalid(&read_err(cve5::read, br#"{"cveMetadata": {"cveId": "CVE-2024-0001"}}"#), "$.containers");
    // CVE JSON 4 (`data_type`, `CVE_data_meta`) is not this format.
    let v4 = br#"{"data_type": "CVE", "data_format": "MITRE", "CVE_data_meta": {"ID": "CVE-2017-0001"}}"#;
    assert_invalid(&read_err(cve5::read, v4), "$.cveMetadata");
    let kev = br#"{"cveMetadata": {"cveId": "CVE-2024-0001"}, "containers": {"cna": {},
        "adp": [{"metrics": [{"other": {"type": "kev", "content": {"reference": "x"}}}]}]}}"#;
    assert_invalid(&read_err(cve5::read, kev), "$.containers.adp[0].metrics[0].other.content.dateAdded");
    let ssvc = br#"{"cveMetadata": {"cveId": "CVE-2024-0001"}, "containers": {"cna": {},
        "adp": [{"metrics": [{"other": {"type": "ssvc", "content": {"options": "poc"}}}]}]}}"#;
    assert_invalid(&read_err(cve5::read, ssvc), "$.containers.adp[0].metrics[0].other.content");
}

#[test]
fn cve5_truncated_at_any_point_never_panics() {
    let Some(path) = fixture("vulnrichment/2019/10xxx/CVE-2019-10936.json") else { return };
    let bytes = std::fs::read(path).unwrap();
    for cut in (0..bytes.len()).step_by(53) {
        let mut sink = |_r: IntelRecord| Ok(());
        assert!(cve5::read(&bytes[..cut], &doc("cut"), &mut sink).is_err(), "cut at {cut}");
    }
}

#[test]
fn cve5_loose_versions_and_changes() {
    let text = r#"{"cveMetadata": {"cveId": "CVE-2024-0001", "state": "PUBLISHED"}, "containers": {"cna": {
      "providerMetadata": {"shortName": "acme"},
      "affected": [
        {"vendor": "Acme", "product": "A", "versions": [
          {"version": ">= 1.0, < 1.4", "status": "affected"},
          {"version": "2.0 and prior", "status": "unaffected"},
          {"version": "before 3.1", "status": "affected"},
          {"version": "n/a", "status": "affected"},
          {"version": "Snapdragon 8 Gen 1 Mobile Platform", "status": "affected"},
          {"version": "V4.7 HF27", "status": "affected"},
          {"version": "9.0", "lessThan": "9.4", "status": "affected", "changes": [{"at": "9.2", "status": "unaffected"}]},
          {"version": "5.15.50", "lessThanOrEqual": "5.15.*", "status": "unaffected"},
          {"version": "abc123", "lessThan": "def456", "versionType": "git", "status": "affected"},
          {"version": "7.0", "status": "unknown"}
        ], "defaultStatus": "unaffected"},
        {"vendor": "Acme", "product": "B", "defaultStatus": "affected"},
        {"vendor": "Acme", "product": "C", "cpes": ["cpe:2.3:a:acme:c:*:*:*:*:*:*:*:*", "cpe:2.3:a:acme:c2:*:*:*:*:*:*:*:*"],
         "versions": [{"version": "1.0", "status": "affected"}]}
      ]}}}"#;
    let (records, summary) = collect(|sink| cve5::read(text.as_bytes(), &doc("x.json"), sink));
    let IntelRecord::Advisory(a) = &records[0] else { panic!() };
    let bound = |v: &str, inclusive| Some(Bound { version: v.into(), inclusive });
    let range = |start, end| VersionSpec::Range { start, end };
    let unparsed = |t: &str| VersionSpec::Unparsed { text: t.into() };
    use ProductStatus::{Affected, NotAffected};
    assert_eq!(
        product(a, "A"),
        [
            (&range(bound("1.0", true), bound("1.4", false)), Affected),
            (&range(None, bound("2.0", true)), NotAffected),
            (&range(None, bound("3.1", false)), Affected),
            (&unparsed("n/a"), Affected),
            (&unparsed("Snapdragon 8 Gen 1 Mobile Platform"), Affected),
            (&VersionSpec::Exact { version: "V4.7 HF27".into() }, Affected),
            (&range(bound("9.0", true), bound("9.2", false)), Affected),
            (&range(bound("9.2", true), bound("9.4", false)), NotAffected),
            (&unparsed("version 5.15.50, lessThanOrEqual 5.15.*"), NotAffected),
            (&unparsed("git: version abc123, lessThan def456"), Affected),
        ]
    );
    assert_eq!(product(a, "B"), [(&VersionSpec::All, Affected)]);
    let c: Vec<Option<&str>> = a
        .affected
        .iter()
        .filter_map(|s| match &s.target {
            Target::Product { product, .. } if product.product.as_deref() == Some("C") => Some(product.cpe.as_deref()),
            _ => None,
        })
        .collect();
    assert_eq!(c, [Some("cpe:2.3:a:acme:c:*:*:*:*:*:*:*:*"), Some("cpe:2.3:a:acme:c2:*:*:*:*:*:*:*:*")]);
    assert!(a.warnings.iter().any(|w| w.contains("1 version entries")), "{:?}", a.warnings);
    assert!(a.warnings.iter().any(|w| w.contains("split")), "{:?}", a.warnings);
    assert_eq!(summary.warnings.len(), a.warnings.len());
    assert!(summary.warnings.iter().all(|w| w.starts_with("CVE-2024-0001 $.containers.cna: ")));
}
