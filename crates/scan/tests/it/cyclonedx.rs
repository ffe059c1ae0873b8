//! CycloneDX JSON and XML: the DefectDojo samples and every CycloneDX example in sbom-vex.

use std::path::Path;

use scan::{Format, Import};
use serde_json::Value;

use crate::support::{DOJO, check_truncations, dojo_count, files, fixture, name, start_tags};

/// Components and vulnerabilities counted without the reader. JSON: a walk over the generic
/// value (`metadata.component` and `components`, nested at any depth). XML: `<component` tags
/// outside `<tools>`, `<vulnerability` tags (1.4+ and the 1.2/1.3 `v:` extension).
fn naive(format: Format, bytes: &[u8]) -> (u64, u64) {
    match format {
        Format::CycloneDxJson => {
            fn walk(c: &Value) -> u64 {
                1 + c.get("components").and_then(Value::as_array).map_or(0, |cs| cs.iter().map(walk).sum())
            }
            let v: Value = serde_json::from_slice(bytes).unwrap();
            let meta = v.pointer("/metadata/component").map_or(0, walk);
            let comps: u64 = v.get("components").and_then(Value::as_array).map_or(0, |cs| cs.iter().map(walk).sum());
            let vulns = v.get("vulnerabilities").and_then(Value::as_array).map_or(0, |a| a.len() as u64);
            (meta + comps, vulns)
        }
        Format::CycloneDxXml => {
            let doc = std::str::from_utf8(bytes).unwrap();
            let mut outside_tools = String::new();
            let mut rest = doc;
            while let Some(i) = rest.find("<tools>") {
                outside_tools.push_str(&rest[..i]);
                rest = rest[i..].split_once("</tools>").map_or("", |(_, r)| r);
            }
            outside_tools.push_str(rest);
            let comps = start_tags(&outside_tools, "component").len() as u64;
            let vulns = (start_tags(doc, "vulnerability").len() + start_tags(doc, "v:vulnerability").len()) as u64;
            (comps, vulns)
        }
        _ => unreachable!(),
    }
}

fn read(p: &Path) -> (Format, Vec<u8>, Result<Import, scan::Error>) {
    let bytes = std::fs::read(p).unwrap();
    let format = scan::detect(&bytes[..bytes.len().min(scan::DETECT_BYTES)]).unwrap();
    let r = scan::parse(format, &bytes[..], &name(p));
    (format, bytes, r)
}

fn check_counts(format: Format, bytes: &[u8], i: &Import, file: &str) {
    let (comps, vulns) = naive(format, bytes);
    assert_eq!((i.summary.components, i.summary.vulnerabilities), (comps, vulns), "{file}");
    assert_eq!(i.summary.vex_statements, i.vulnerabilities.iter().filter(|v| v.analysis.is_some()).count() as u64);
    for c in &i.components {
        assert!(!c.name.is_empty(), "{file}: unnamed component {c:?}");
    }
    for v in &i.vulnerabilities {
        assert!(!v.id.is_empty(), "{file}: vulnerability without id");
    }
}

#[test]
fn dojo_samples() {
    let Some(dir) = fixture(&format!("{DOJO}/cyclonedx")) else { return };
    let mut n = 0;
    for p in files(&dir) {
        let (format, bytes, r) = read(&p);
        let file = name(&p);
        let i = r.unwrap_or_else(|e| panic!("{e}"));
        check_counts(format, &bytes, &i, &file);
        // DefectDojo makes one finding per (vulnerability, affected component), one for a
        // vulnerability that names none: the same claims counted per affected reference.
        let rel = file.split_once("unittests/scans/").unwrap().1;
        if let Some(want) = dojo_count(rel) {
            let per_affect: u64 = i.vulnerabilities.iter().map(|v| v.affects.len().max(1) as u64).sum();
            assert_eq!(per_affect, want, "{file}: DefectDojo count");
        }
        check_truncations(format, &bytes, &file);
        n += 1;
    }
    assert_eq!(n, 18);
}

/// sbom-vex examples that are not valid CycloneDX, and why. Every other one must be read.
const REJECTED: &[(&str, &str)] = &[];

#[test]
fn every_sbom_vex_example() {
    let Some(dir) = fixture("sbom-vex") else { return };
    let mut read_ok = 0;
    let mut rejected = Vec::new();
    for p in files(&dir) {
        let bytes = std::fs::read(&p).unwrap();
        let format = scan::detect(&bytes[..bytes.len().min(scan::DETECT_BYTES)]);
        if !matches!(format, Some(Format::CycloneDxJson | Format::CycloneDxXml)) {
            continue;
        }
        let file = name(&p);
        let (format, bytes, r) = read(&p);
        match r {
            Ok(i) => {
                assert!(!REJECTED.iter().any(|(f, _)| file.ends_with(f)), "{file} was expected to be rejected");
                check_counts(format, &bytes, &i, &file);
                read_ok += 1;
            }
            Err(e) => {
                let why = REJECTED.iter().find(|(f, _)| file.ends_with(f)).unwrap_or_else(|| panic!("{e}"));
                assert!(e.to_string().contains(why.1), "{e}");
                rejected.push(file);
            }
        }
    }
    assert_eq!(rejected.len(), REJECTED.len(), "{rejected:?}");
    assert!(read_ok > 50, "{read_ok}");
}

#[test]
fn hbom_and_vex_details() {
    let Some(p) = fixture("sbom-vex/cyclonedx-bom-examples/HBOM/PCIe-SATA-adapter-board/bom.json") else { return };
    let (_, _, r) = read(&p);
    let i = r.unwrap();
    let subject: Vec<_> = i.components.iter().filter(|c| c.subject).collect();
    assert_eq!(subject.len(), 1);
    let samtec = i.components.iter().find(|c| c.name == "PCIE-098-02-F-D-EMS2").unwrap();
    assert_eq!((samtec.kind, samtec.supplier.as_deref()), (scan::ComponentKind::Device, Some("Samtec")));

    let Some(p) = fixture("sbom-vex/cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1/vex-not_affected.json") else {
        return;
    };
    let (_, _, r) = read(&p);
    let v = &r.unwrap().vulnerabilities[0];
    assert_eq!(v.cves, ["CVE-2021-44228"]);
    assert_eq!(v.affects[0].bom_ref, "product-ABC");
    let a = v.analysis.as_ref().unwrap();
    assert_eq!((a.state.as_deref(), a.justification.as_deref()), (Some("not_affected"), Some("code_not_present")));
    assert_eq!(a.responses, ["will_not_fix"]);
}

/// A device with firmware (CycloneDX 1.6 XML), written here: no fixture has firmware.
const FIRMWARE_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <metadata>
    <tools><components><component type="application"><name>hbom-tool</name></component></components></tools>
    <component type="device" bom-ref="plc">
      <manufacturer><name>Siemens</name></manufacturer>
      <name>SIMATIC S7-1500 CPU 1516-3 PN/DP</name>
      <version>6ES7516-3AN02-0AB0</version>
      <components>
        <component type="firmware" bom-ref="plc-fw">
          <supplier><name>Siemens</name></supplier>
          <name>S7-1500 CPU firmware</name>
          <version>2.9.4</version>
          <cpe>cpe:2.3:o:siemens:simatic_s7-1500_cpu_firmware:2.9.4:*:*:*:*:*:*:*</cpe>
          <hashes><hash alg="SHA-256">ab12</hash></hashes>
        </component>
      </components>
    </component>
  </metadata>
  <vulnerabilities>
    <vulnerability bom-ref="v1">
      <id>CVE-2023-28827</id>
      <source><name>Siemens ProductCERT</name></source>
      <ratings><rating><source><name>Siemens</name></source><score>5.3</score><severity>medium</severity><method>CVSSv31</method><vector>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L</vector></rating></ratings>
      <cwes><cwe>20</cwe></cwes>
      <analysis><state>not_affected</state><justification>code_not_reachable</justification><responses><response>update</response></responses><detail>Port 102 is closed &amp; filtered.</detail></analysis>
      <affects><target><ref>plc-fw</ref><versions><version><version>2.9.4</version><status>unaffected</status></version><version><range>vers:generic/&lt;3.0.1</range><status>affected</status></version></versions></target></affects>
    </vulnerability>
  </vulnerabilities>
</bom>
"#;

#[test]
fn firmware_device_xml() {
    assert_eq!(scan::detect(FIRMWARE_XML.as_bytes()), Some(Format::CycloneDxXml));
    let i = scan::parse(Format::CycloneDxXml, FIRMWARE_XML.as_bytes(), "fw.xml").unwrap();
    assert_eq!(i.components.len(), 2, "{:?}", i.components);
    let fw = &i.components[0];
    assert_eq!(
        (fw.kind, fw.name.as_str(), fw.version.as_deref()),
        (scan::ComponentKind::Firmware, "S7-1500 CPU firmware", Some("2.9.4"))
    );
    assert_eq!((fw.parent.as_deref(), fw.subject, fw.supplier.as_deref()), (Some("plc"), false, Some("Siemens")));
    assert_eq!(fw.hashes[0].alg, "SHA-256");
    assert_eq!(fw.cpes.len(), 1);
    let dev = &i.components[1];
    assert_eq!((dev.kind, dev.subject, dev.supplier.as_deref()), (scan::ComponentKind::Device, true, Some("Siemens")));
    let v = &i.vulnerabilities[0];
    assert_eq!((v.id.as_str(), v.cves.len(), v.cwes.as_slice()), ("CVE-2023-28827", 1, &[20][..]));
    assert_eq!(v.ratings[0].score, Some(5.3));
    assert_eq!(v.ratings[0].source.as_deref(), Some("Siemens"));
    assert_eq!(v.source.as_deref(), Some("Siemens ProductCERT"));
    assert_eq!(
        v.affects[0].versions,
        [
            ("2.9.4".to_string(), Some("unaffected".to_string())),
            ("vers:generic/<3.0.1".to_string(), Some("affected".to_string()))
        ]
    );
    let a = v.analysis.as_ref().unwrap();
    assert_eq!(a.detail.as_deref(), Some("Port 102 is closed & filtered."));
    assert_eq!(i.summary.vex_statements, 1);
}
