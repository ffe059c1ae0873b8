//! Format detection from content, on every fixture of a supported format (and a check that
//! the other tools' files are not taken for one of ours).

use scan::Format;

use crate::support::{DOJO, files, fixture, name};

/// What each DefectDojo tool folder holds, by content.
fn expected(rel: &str) -> Option<Format> {
    let ext = rel.rsplit('.').next().unwrap_or("");
    let tool = rel.split('/').next().unwrap_or("");
    match (tool, ext) {
        ("tenable", "xml" | "nessus") => Some(Format::NessusXml),
        // `nessus_new.csv` is a Tenable.io export with `;` separators and `asset.*` columns,
        // another format; the rest are Nessus / Tenable.sc CSVs.
        ("tenable", "csv") if rel.ends_with("nessus_new.csv") => None,
        ("tenable", "csv") => Some(Format::NessusCsv),
        ("nmap", _) => Some(Format::NmapXml),
        ("openvas", "xml") => Some(Format::OpenvasXml),
        ("openvas", "csv") => Some(Format::OpenvasCsv),
        ("qualys" | "qualys_infrascan_webgui", "xml") => Some(Format::QualysXml),
        ("nexpose", _) => Some(Format::NexposeXml),
        ("cyclonedx", "json") => Some(Format::CycloneDxJson),
        ("cyclonedx", "xml") => Some(Format::CycloneDxXml),
        _ => None,
    }
}

#[test]
fn every_dojo_fixture() {
    let Some(dir) = fixture(DOJO) else { return };
    let mut n = 0;
    for p in files(&dir) {
        let rel = name(&p);
        let rel = rel.split_once("unittests/scans/").unwrap().1.to_string();
        let bytes = std::fs::read(&p).unwrap();
        let got = scan::detect(&bytes[..bytes.len().min(scan::DETECT_BYTES)]);
        assert_eq!(got, expected(&rel), "{rel}");
        n += 1;
    }
    assert!(n > 100, "{n} files");
}

#[test]
fn every_sbom_example() {
    let Some(dir) = fixture("sbom-vex") else { return };
    for p in files(&dir) {
        let rel = name(&p);
        let bytes = std::fs::read(&p).unwrap();
        let got = scan::detect(&bytes[..bytes.len().min(scan::DETECT_BYTES)]);
        let text = String::from_utf8_lossy(&bytes);
        let want = if rel.ends_with(".json") && text.contains("\"bomFormat\"") && text.contains("\"CycloneDX\"") {
            Some(Format::CycloneDxJson)
        } else if rel.ends_with(".json") && text.contains("\"spdxVersion\"") {
            Some(Format::SpdxJson)
        } else if rel.ends_with(".xml") && text.contains("cyclonedx.org/schema/bom") {
            Some(Format::CycloneDxXml)
        } else if rel.ends_with(".spdx") && text.contains("SPDXVersion:") {
            Some(Format::SpdxTagValue)
        } else {
            None
        };
        assert_eq!(got, want, "{rel}");
    }
}
