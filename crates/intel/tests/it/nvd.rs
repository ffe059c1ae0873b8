//! NVD 1.1 feeds and API 2.0 responses (fixtures §4a, §4b) through `intel::nvd::read`.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use intel::{IntelError, ReadSummary, nvd};
use model::advisory::{Advisory, Configuration, IntelRecord, Operator, Source, Target};

use crate::support::{collect, doc, fixture};

const FEED_2022: &str = "nvd-json-1.1/dependency-check-hb_nvd/src/site/resources/hb_nvd/nvdcve-1.1-2022.json.gz";
const FEED_MODIFIED: &str =
    "nvd-json-1.1/dependency-check-hb_nvd/src/site/resources/hb_nvd/nvdcve-1.1-modified.json.gz";
const ICS_SUBSET: &str = "nvd-json-1.1/derived/nvdcve-1.1-2022_ics_vendors_subset.json";
const RESPONSES: &str = "nvd-api-2.0/pablotron-nvd-go/nvd-api/testdata/responses";
const VUNNEL: &str = "nvd-api-2.0/anchore-vunnel/tests/unit/providers/nvd/test-fixtures";

fn advisories(records: Vec<IntelRecord>) -> Vec<Advisory> {
    records
        .into_iter()
        .map(|r| match r {
            IntelRecord::Advisory(a) => *a,
            other => panic!("not an advisory: {other:?}"),
        })
        .collect()
}

/// Reads a fixture file (named as `rel`) into advisories.
fn read_fixture(rel: &str) -> Option<(Vec<Advisory>, ReadSummary)> {
    let path = fixture(rel)?;
    let file = File::open(&path).unwrap();
    let d = doc(rel);
    let (records, summary) = collect(|sink| nvd::read(file, &d, sink));
    assert_eq!(summary.records, records.len());
    Some((advisories(records), summary))
}

/// Reads bytes; returns what was delivered and the outcome.
fn read_bytes(name: &str, bytes: &[u8]) -> (Vec<Advisory>, Result<ReadSummary, IntelError>) {
    let mut out = Vec::new();
    let result = nvd::read(bytes, &doc(name), &mut |r| {
        out.push(r);
        Ok(())
    });
    (advisories(out), result)
}

fn configurations(a: &Advisory) -> Vec<&Configuration> {
    a.affected
        .iter()
        .map(|s| match &s.target {
            Target::Configuration { configuration } => configuration,
            other => panic!("NVD yields configurations only: {other:?}"),
        })
        .collect()
}

fn with_configurations(list: &[Advisory]) -> usize {
    list.iter().filter(|a| !a.affected.is_empty()).count()
}

fn find<'a>(list: &'a [Advisory], id: &str) -> &'a Advisory {
    list.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("{id} missing"))
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(File::open(path).unwrap()).read_to_end(&mut out).unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn invalid(result: Result<ReadSummary, IntelError>) -> (String, String) {
    match result {
        Err(IntelError::Invalid { place, message, .. }) => (place, message),
        other => panic!("expected an Invalid error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// NVD 1.1 feeds

#[test]
fn feed_2022_whole() {
    let Some((list, summary)) = read_fixture(FEED_2022) else { return };
    assert_eq!(list.len(), 15_454);
    assert_eq!(with_configurations(&list), 14_976);
    let ids: BTreeSet<&str> = list.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 15_454, "one advisory per CVE");
    assert_eq!(list.iter().filter(|a| a.rejected).count(), 196);
    for a in &list {
        assert_eq!(a.provenance.source, Source::Nvd11);
        assert_eq!(a.provenance.document, "nvdcve-1.1-2022");
        assert_eq!(a.provenance.revision, a.modified);
        assert_eq!(a.provenance.file.as_deref(), Some(FEED_2022));
        assert!(a.id.starts_with("CVE-2022-"), "{}", a.id);
    }
    // 23,904 CVSS objects in the feed, each with a vector.
    assert_eq!(list.iter().map(|a| a.cvss.len()).sum::<usize>(), 23_904);
    assert_eq!(list.iter().map(|a| a.references.len()).sum::<usize>(), 28_407);
    // The only data-quality notes are NVD's empty nodes beside real ones (117 nodes in 54 CVEs).
    assert_eq!(summary.warnings.len(), 117, "{:?}", &summary.warnings[..3]);
    assert!(summary.warnings.iter().all(|w| w.ends_with("empty node dropped")), "{:?}", summary.warnings);
    assert_eq!(list.iter().filter(|a| !a.warnings.is_empty()).count(), 54);

    // Spring4Shell: CVSS 3.1 and 2 vectors, ranges with versionEndExcluding.
    let a = find(&list, "CVE-2022-22965");
    assert_eq!(a.cvss.len(), 2);
    assert_eq!(a.cvss[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(a.cvss[0].published_score.as_deref(), Some("9.8"));
    assert_eq!(a.cvss[0].scored_by.as_deref(), Some("nvd"));
    assert_eq!(a.cvss[1].vector, "AV:N/AC:L/Au:N/C:P/I:P/A:P");
    assert_eq!(a.cwes, ["CWE-94"]);
    assert_eq!(a.published.as_deref(), Some("2022-04-01T23:15Z"));
    assert_eq!(a.modified.as_deref(), Some("2022-07-25T18:20Z"));
    let configs = configurations(a);
    assert_eq!(configs.len(), 5);
    let first = &configs[0].nodes[0].matches;
    assert_eq!(first[0].criteria, "cpe:2.3:a:vmware:spring_framework:*:*:*:*:*:*:*:*");
    assert_eq!(first[0].version_start_including.as_deref(), Some("5.3.0"));
    assert_eq!(first[0].version_end_excluding.as_deref(), Some("5.3.18"));
    assert_eq!(first[1].version_start_including, None);
    assert_eq!(first[1].version_end_excluding.as_deref(), Some("5.2.20"));
    assert!(a.references.iter().any(|r| r.url.contains("packetstorm") && r.tags.contains(&"Exploit".to_owned())));

    // The NVD placeholder CWE is kept as written.
    assert_eq!(find(&list, "CVE-2022-0001").cwes, ["NVD-CWE-noinfo"]);

    // A rejected CVE: no configurations, no scores, still delivered.
    let r = find(&list, "CVE-2022-0177");
    assert!(r.rejected);
    assert!(r.affected.is_empty() && r.cvss.is_empty() && r.cwes.is_empty());
}

#[test]
fn feed_modified_and_distinct_cves() {
    let Some((modified, _)) = read_fixture(FEED_MODIFIED) else { return };
    assert_eq!(modified.len(), 1_664);
    assert_eq!(with_configurations(&modified), 1_342);
    assert!(modified.iter().all(|a| a.provenance.document == "nvdcve-1.1-modified"));
    let Some((year, _)) = read_fixture(FEED_2022) else { return };
    let distinct: BTreeSet<&str> = year.iter().chain(&modified).map(|a| a.id.as_str()).collect();
    assert_eq!(distinct.len(), 15_913);
}

#[test]
fn running_on_configuration_siemens() {
    let Some((list, summary)) = read_fixture(ICS_SUBSET) else { return };
    assert_eq!(list.len(), 516);
    assert_eq!(with_configurations(&list), 516);
    // NVD's empty top-level nodes beside real ones: dropped, with a note.
    assert_eq!(summary.warnings.len(), 6, "{:?}", summary.warnings);
    assert!(summary.warnings.iter().all(|w| w.ends_with("empty node dropped")));

    // SICAM A8000 CP-8031 / CP-8050: firmware < 4.80 running on the hardware.
    let a = find(&list, "CVE-2022-27480");
    assert_eq!(a.cvss[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
    assert_eq!(a.cvss[1].published_score.as_deref(), Some("5.0"));
    let configs = configurations(a);
    assert_eq!(configs.len(), 2, "one configuration per top-level node");
    let c = configs[0];
    assert_eq!((c.operator, c.negate, c.nodes.len()), (Operator::And, false, 2));
    let (firmware, hardware) = (&c.nodes[0], &c.nodes[1]);
    assert_eq!(firmware.operator, Operator::Or);
    assert!(firmware.children.is_empty() && hardware.children.is_empty());
    assert_eq!(firmware.matches.len(), 1);
    let fw = &firmware.matches[0];
    assert!(fw.vulnerable);
    assert_eq!(fw.criteria, "cpe:2.3:o:siemens:sicam_a8000_cp-8031_firmware:*:*:*:*:*:*:*:*");
    assert_eq!(fw.version_end_excluding.as_deref(), Some("4.80"));
    assert_eq!((fw.version_start_including.as_ref(), fw.version_end_including.as_ref()), (None, None));
    let hw = &hardware.matches[0];
    assert!(!hw.vulnerable, "the hardware is context, not vulnerable");
    assert_eq!(hw.criteria, "cpe:2.3:h:siemens:sicam_a8000_cp-8031:-:*:*:*:*:*:*:*");
    assert!(configs[1].nodes[0].matches[0].criteria.contains("cp-8050_firmware"));
    assert_eq!(a.affected[0].vulnerability, "CVE-2022-27480");
    assert_eq!(a.provenance.document, "nvdcve-1.1-2022_ics_vendors_subset");
}

// ---------------------------------------------------------------------------------------------
// NVD API 2.0

#[test]
fn api_pages() {
    let cases = [
        (format!("{RESPONSES}/cves-1999.json.gz"), 200, 191, "nvd-api-2.0 startIndex=0"),
        (format!("{RESPONSES}/cves-2023.json.gz"), 200, 199, "nvd-api-2.0 startIndex=200000"),
        (format!("{VUNNEL}/full-page.json"), 38, 25, "nvd-api-2.0 startIndex=0"),
        (format!("{VUNNEL}/single-entry.json"), 1, 1, "nvd-api-2.0 startIndex=0"),
        (format!("{RESPONSES}/cves-CVE-2023-0001.json.gz"), 1, 1, "nvd-api-2.0 startIndex=0"),
    ];
    for (rel, total, configured, document) in cases {
        let Some((list, summary)) = read_fixture(&rel) else { return };
        assert_eq!((list.len(), with_configurations(&list)), (total, configured), "{rel}");
        assert!(summary.warnings.is_empty(), "{rel}: {:?}", summary.warnings);
        for a in &list {
            assert_eq!(a.provenance.source, Source::Nvd2, "{rel}");
            assert_eq!(a.provenance.document, document, "{rel}");
            assert_eq!(a.provenance.revision, a.modified, "{rel}");
        }
    }
}

/// NVD's `matchCriteriaId` of the first criterion of CVE-2023-0001, as the fixture states it.
const MCI_AGENT: &str = "EC5B0E84-B9A5-4FE3-B2E5-A64AEF57BCF3";

#[test]
fn api_cve_2023_0001() {
    let Some((list, _)) = read_fixture(&format!("{RESPONSES}/cves-CVE-2023-0001.json.gz")) else { return };
    let a = &list[0];
    assert_eq!(a.id, "CVE-2023-0001");
    assert!(a.description.as_deref().unwrap().starts_with("An information exposure vulnerability"));
    assert_eq!(a.published.as_deref(), Some("2023-02-08T18:15:11.523"));
    assert_eq!(a.provenance.revision.as_deref(), Some("2023-02-18T20:41:02.460"));
    assert_eq!(a.cwes, ["CWE-319"], "the same CWE from two sources once");
    assert!(!a.rejected);
    let scores: Vec<_> =
        a.cvss.iter().map(|c| (c.vector.as_str(), c.scored_by.as_deref(), c.published_score.as_deref())).collect();
    assert_eq!(
        scores,
        [
            ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", Some("nvd"), Some("6.7")),
            ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:H", Some("psirt@paloaltonetworks.com"), Some("6.0")),
        ]
    );
    let configs = configurations(a);
    assert_eq!(configs.len(), 1);
    let c = configs[0];
    assert_eq!((c.operator, c.nodes.len()), (Operator::And, 2));
    let agent = &c.nodes[0].matches[0];
    assert!(agent.vulnerable);
    assert_eq!(agent.version_start_including.as_deref(), Some("7.5"));
    assert_eq!(agent.version_end_excluding.as_deref(), Some("7.5.101"));
    assert_eq!(agent.match_criteria_id.as_deref(), Some(MCI_AGENT));
    let windows = &c.nodes[1].matches[0];
    assert!(!windows.vulnerable);
    assert_eq!(windows.criteria, "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*");
    assert_eq!(a.references.len(), 1);
    assert_eq!(a.references[0].tags, ["Vendor Advisory"]);
}

#[test]
fn api_details() {
    let Some((list, _)) = read_fixture(&format!("{RESPONSES}/cves-1999.json.gz")) else { return };
    let mut rejected: Vec<&str> = list.iter().filter(|a| a.rejected).map(|a| a.id.as_str()).collect();
    rejected.sort();
    assert_eq!(rejected, ["CVE-1999-0335", "CVE-1999-1056", "CVE-1999-1310"]);
    let a = find(&list, "CVE-1999-0095");
    assert_eq!(a.cvss[0].vector, "AV:N/AC:L/Au:N/C:C/I:C/A:C");
    assert_eq!(a.cvss[0].published_score.as_deref(), Some("10.0"));
    // 213 configurations; the two with an `operator` member say AND, the absent ones mean OR.
    let all: Vec<_> = list.iter().flat_map(configurations).collect();
    assert_eq!(all.len(), 213);
    assert_eq!(all.iter().filter(|c| c.operator == Operator::And).count(), 2);
    let and = configurations(find(&list, "CVE-1999-0234"));
    assert_eq!((and[1].operator, and[1].nodes.len(), and[1].nodes[0].matches.len()), (Operator::And, 1, 3));

    let Some((list, _)) = read_fixture(&format!("{VUNNEL}/single-entry.json")) else { return };
    let a = &list[0];
    assert_eq!(a.id, "CVE-2022-1576");
    assert!(a.description.as_deref().unwrap().starts_with("The WP Maintenance Mode"), "English, not Spanish");
    assert_eq!(
        a.cvss.iter().map(|c| &c.vector[..]).collect::<Vec<_>>(),
        ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", "AV:N/AC:M/Au:N/C:N/I:P/A:N"]
    );
    let m = &configurations(a)[0].nodes[0].matches[0];
    assert_eq!(m.criteria, "cpe:2.3:a:themeisle:wp_maintenance_mode_\\&_coming_soon:*:*:*:*:*:wordpress:*:*");
    assert_eq!(m.version_end_excluding.as_deref(), Some("2.4.5"));
}

#[test]
fn api_bare_cve_item() {
    let Some((list, _)) = read_fixture("nvd-api-2.0/pablotron-nvd-go/nvd-api/testdata/cve-2022-44006.json.gz") else {
        return;
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, "CVE-2022-44006");
    assert_eq!(list[0].provenance.source, Source::Nvd2);
    assert_eq!(list[0].provenance.document, "cve-2022-44006");
}

#[test]
fn not_a_cve_document() {
    // A CPE dictionary page: same envelope, other format.
    let Some(path) = fixture(&format!("{RESPONSES}/cpes-2023.json.gz")) else { return };
    let (delivered, result) = read_bytes("cpes-2023.json.gz", &std::fs::read(path).unwrap());
    assert!(delivered.is_empty());
    let (place, message) = invalid(result);
    assert_eq!(place, "$.format");
    assert!(message.contains("NVD_CPE"), "{message}");

    let (_, result) = read_bytes("x.json", b"{\"a\": 1}");
    assert_eq!(invalid(result).0, "$");
    let (_, result) = read_bytes("x.json", b"[1, 2]");
    let (place, message) = invalid(result);
    assert_eq!(place, "$, line 1 column 1");
    assert!(message.contains("expected an NVD 1.1 feed or NVD API 2.0 response object"), "{message}");
    let (_, result) = read_bytes("x.json", b"");
    assert!(matches!(result, Err(IntelError::Invalid { .. })), "{result:?}");
    let (_, result) = read_bytes("x.json", b"{\"CVE_Items\": [], \"vulnerabilities\": []}");
    assert_eq!(invalid(result).0, "$.vulnerabilities");
}

// ---------------------------------------------------------------------------------------------
// Key order, leniency

/// The single-CVE response with its members written in the given order.
fn reordered(first: &[&str]) -> Option<Vec<u8>> {
    let path = fixture(&format!("{RESPONSES}/cves-CVE-2023-0001.json.gz"))?;
    let text = String::from_utf8(gunzip(&path)).unwrap();
    let start = text.find("\"vulnerabilities\"").unwrap();
    let array = &text[start..text.rfind('}').unwrap()];
    let mut out = String::from("{");
    for key in first {
        out.push_str(key);
        out.push(',');
    }
    out.push_str(array);
    out.push('}');
    Some(out.into_bytes())
}

#[test]
fn metadata_after_the_array() {
    let Some(before) = reordered(&["\"startIndex\": 40", "\"resultsPerPage\": 1"]) else { return };
    let (list, result) = read_bytes("page.json", &before);
    assert!(result.unwrap().warnings.is_empty());
    assert_eq!(list[0].provenance.document, "nvd-api-2.0 startIndex=40");

    // Same members after the array: still read, still checked; the document falls back to the
    // file name, fixed when the array started.
    let text = String::from_utf8(before).unwrap();
    let after = text.replacen("{\"startIndex\": 40,\"resultsPerPage\": 1,", "{", 1);
    let after =
        format!("{}, \"resultsPerPage\": 3, \"startIndex\": 40, \"format\": \"NVD_CVE\"}}", &after[..after.len() - 1]);
    let (list, result) = read_bytes("dir/page-7.json", after.as_bytes());
    let summary = result.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].provenance.document, "page-7");
    assert_eq!(summary.warnings, ["resultsPerPage says 3, the document holds 1 CVEs"]);

    // A UTF-8 byte order mark is skipped, plain or gzipped.
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), after.as_bytes()].concat();
    assert_eq!(read_bytes("bom.json", &with_bom).1.unwrap().records, 1);
    assert_eq!(read_bytes("bom.json", &gzip(&with_bom)).1.unwrap().records, 1);

    // Gzipped input is sniffed, whatever the name.
    let (list, result) = read_bytes("page.json", &gzip(after.as_bytes()));
    assert_eq!((list.len(), result.unwrap().records), (1, 1));
}

#[test]
fn nulls_and_absent_members_are_lenient() {
    let json = br#"{"CVE_data_numberOfCVEs": "2", "CVE_Items": [
      {"cve": {"CVE_data_meta": {"ID": "CVE-2022-9999"}, "problemtype": null, "references": {"reference_data": null},
               "description": {"description_data": [{"lang": "fr", "value": "texte"}]}},
       "configurations": {"nodes": [
         {"operator": "or", "children": null, "cpe_match": [
            {"cpe23Uri": "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "versionEndIncluding": "", "vulnerable": null},
            {"vulnerable": true}
         ]},
         {"operator": "AND", "children": [], "cpe_match": []}
       ]},
       "impact": {"baseMetricV3": {"cvssV3": {"baseScore": 10}}, "baseMetricV2": {"cvssV2": {"vectorString": "AV:N/AC:L/Au:N/C:C/I:C/A:C", "baseScore": "10.0"}}},
       "unknownMember": {"deeply": [1, {"x": null}]}},
      {"cve": {"CVE_data_meta": {"ID": "CVE-2022-9998"}}}
    ]}"#;
    let (list, result) = read_bytes("nvdcve-1.1-test.json", json);
    let summary = result.unwrap();
    assert_eq!(list.len(), 2);
    let a = &list[0];
    assert_eq!(a.description.as_deref(), Some("texte"), "no English text: the first one");
    let c = configurations(a);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].nodes[0].operator, Operator::Or);
    let m = &c[0].nodes[0].matches;
    assert_eq!(m.len(), 1);
    assert!(m[0].vulnerable, "missing `vulnerable` errs on the vulnerable side");
    assert_eq!(m[0].version_end_including, None);
    assert_eq!(a.cvss.len(), 1);
    assert_eq!(a.cvss[0].published_score.as_deref(), Some("10.0"));
    assert_eq!(a.warnings.len(), 4, "{:?}", a.warnings);
    assert_eq!(summary.warnings.len(), 4);
    assert!(summary.warnings.iter().all(|w| w.starts_with("CVE-2022-9999: ")));
    let b = &list[1];
    assert!(b.affected.is_empty() && b.description.is_none() && b.provenance.revision.is_none());
}

// ---------------------------------------------------------------------------------------------
// Malformed input

#[test]
fn wrong_type_names_the_member() {
    let Some(path) = fixture(ICS_SUBSET) else { return };
    let text = std::fs::read_to_string(path).unwrap();
    // Break the first `vulnerable` of the third item.
    let third = text.match_indices("\"CVE_data_meta\"").nth(2).unwrap().0;
    let at = third + text[third..].find("\"vulnerable\": true").unwrap();
    let broken = format!("{}\"vulnerable\": \"yes\"{}", &text[..at], &text[at + "\"vulnerable\": true".len()..]);
    let (delivered, result) = read_bytes("subset.json", broken.as_bytes());
    let (place, message) = invalid(result);
    assert!(
        place.starts_with("$.CVE_Items[2].configurations.nodes[0].") && place.contains(".vulnerable, line "),
        "{place}"
    );
    assert_eq!(message, "invalid type: string \"yes\", expected a boolean");
    assert_eq!(delivered.len(), 2, "the items before the bad one were delivered");

    // An item without an id.
    let broken = text.replacen("\"ID\": \"CVE-2022-0221\"", "\"ID\": null", 1);
    let (delivered, result) = read_bytes("subset.json", broken.as_bytes());
    assert_eq!(invalid(result), ("$.CVE_Items[0].cve.CVE_data_meta.ID".to_owned(), "missing CVE id".to_owned()));
    assert!(delivered.is_empty());

    // An unknown operator.
    let broken = text.replacen("\"operator\": \"OR\"", "\"operator\": \"XOR\"", 1);
    let (place, message) = invalid(read_bytes("subset.json", broken.as_bytes()).1);
    assert!(place.starts_with("$.CVE_Items[0].configurations.nodes[0].operator, line "), "{place}");
    assert!(message.contains("XOR"), "{message}");
}

#[test]
fn truncated_json_mid_array() {
    let Some(path) = fixture(ICS_SUBSET) else { return };
    let bytes = std::fs::read(path).unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let (delivered, result) = read_bytes("subset.json", cut);
    let (place, message) = invalid(result);
    let index = delivered.len();
    assert!(index > 200 && index < 516, "{index}");
    assert!(place.starts_with(&format!("$.CVE_Items[{index}]")), "{place}");
    assert!(place.contains(", line "), "{place}");
    assert!(message.starts_with("EOF while parsing"), "{message}");
}

#[test]
fn truncated_and_corrupt_gzip() {
    let Some(path) = fixture(FEED_MODIFIED) else { return };
    let bytes = std::fs::read(path).unwrap();
    let (delivered, result) = read_bytes("modified.json.gz", &bytes[..bytes.len() / 2]);
    match result {
        Err(IntelError::Read { file, source }) => {
            assert_eq!(file, "modified.json.gz");
            assert!(source.to_string().contains("(while reading $.CVE_Items["), "{source}");
        }
        other => panic!("expected a read error, got {other:?}"),
    }
    assert!(!delivered.is_empty() && delivered.len() < 1_664);

    // Cut inside the 8-byte trailer: the JSON is complete but the gzip stream is not.
    let (_, result) = read_bytes("modified.json.gz", &bytes[..bytes.len() - 3]);
    assert!(matches!(result, Err(IntelError::Read { .. })), "{result:?}");

    // A flipped byte in the compressed body.
    let mut corrupt = bytes.clone();
    corrupt[bytes.len() / 3] ^= 0xff;
    let (_, result) = read_bytes("modified.json.gz", &corrupt);
    assert!(result.is_err());

    // Just the magic.
    let (_, result) = read_bytes("x.gz", &[0x1f, 0x8b]);
    assert!(matches!(result, Err(IntelError::Read { .. })), "{result:?}");
}

#[test]
fn no_panic_on_any_prefix() {
    let Some(path) = fixture(&format!("{RESPONSES}/cves-CVE-2023-0001.json.gz")) else { return };
    let text = gunzip(&path);
    let json_end = text.iter().rposition(|b| *b == b'}').unwrap() + 1;
    for end in 0..json_end {
        let (_, result) = read_bytes("p.json", &text[..end]);
        assert!(result.is_err(), "prefix of {end} bytes accepted");
    }
    let (list, result) = read_bytes("p.json", &text);
    assert_eq!((list.len(), result.unwrap().records), (1, 1));
}

#[test]
fn sink_error_stops_reading() {
    let Some(path) = fixture(FEED_MODIFIED) else { return };
    let mut seen = 0;
    let result = nvd::read(File::open(path).unwrap(), &doc("modified.json.gz"), &mut |_| {
        seen += 1;
        if seen == 3 { Err(IntelError::Sink("store full".into())) } else { Ok(()) }
    });
    assert!(matches!(result, Err(IntelError::Sink(m)) if m == "store full"));
    assert_eq!(seen, 3);
}

// ---------------------------------------------------------------------------------------------
// Benchmark (not a timed test): `cargo test -p intel --release -- --ignored --nocapture nvd_2022_throughput`

#[test]
#[ignore = "benchmark; run in release with --nocapture"]
fn nvd_2022_throughput() {
    let Some(path) = fixture(FEED_2022) else { return };
    for run in 1..=3 {
        let start = std::time::Instant::now();
        let file = File::open(&path).unwrap();
        let (mut advisories, mut matches) = (0usize, 0usize);
        let summary = nvd::read(file, &doc(FEED_2022), &mut |r| {
            if let IntelRecord::Advisory(a) = r {
                advisories += 1;
                matches += configurations(&a).iter().flat_map(|c| &c.nodes).map(|n| n.matches.len()).sum::<usize>();
            }
            Ok(())
        })
        .unwrap();
        let elapsed = start.elapsed();
        assert_eq!(summary.records, 15_454);
        println!("run {run}: {advisories} advisories, {matches} CPE matches in {:.3} s", elapsed.as_secs_f64());
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines().filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS")) {
            println!("{line}");
        }
    }
}

#[test]
fn api_cvss_versions_in_fixed_order() {
    let json = br#"{"format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-2024-0001", "vulnStatus": "Rejected",
      "descriptions": [{"lang": "en", "value": "Rejected reason: duplicate"}],
      "metrics": {
        "cvssMetricV2": [{"source": "nvd@nist.gov", "cvssData": {"vectorString": "AV:N/AC:L/Au:N/C:N/I:N/A:P", "baseScore": 5.0}}],
        "cvssMetricV40": [{"source": "9119a7d8-5eab-497f-8521-727c672e3725", "cvssData": {"vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "baseScore": 9.3}}],
        "cvssMetricV30": [{"cvssData": {"vectorString": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "baseScore": 7.5}}]
      },
      "weaknesses": [{"description": [{"lang": "en", "value": "NVD-CWE-Other"}, {"lang": "en", "value": "CWE-20"}]}]}}]}"#;
    let (list, result) = read_bytes("page.json", json);
    assert!(result.unwrap().warnings.is_empty());
    let a = &list[0];
    assert!(a.rejected, "vulnStatus Rejected");
    assert_eq!(a.cwes, ["NVD-CWE-Other", "CWE-20"]);
    let got: Vec<_> =
        a.cvss.iter().map(|c| (&c.vector[..9], c.scored_by.as_deref(), c.published_score.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("CVSS:4.0/", Some("9119a7d8-5eab-497f-8521-727c672e3725"), Some("9.3")),
            ("CVSS:3.0/", Some("nvd"), Some("7.5")),
            ("AV:N/AC:L", Some("nvd"), Some("5.0")),
        ]
    );
    assert_eq!(a.provenance.document, "page", "no startIndex: the file name");
}
