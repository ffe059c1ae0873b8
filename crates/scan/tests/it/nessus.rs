//! Nessus v2 XML: every `.nessus`/`.xml` file of the Tenable fixtures.

use std::collections::BTreeSet;

use scan::{Format, Import};

use crate::support::{DOJO, attr, check_truncations, dojo_count, files, fixture, name, read, start_tags};

/// Hosts, services and claims counted naively from the text: `<ReportHost` tags, `<ReportItem`
/// tags, and distinct (host, protocol, port ≠ 0) over the items' attributes.
fn naive(doc: &str) -> (usize, usize, usize) {
    let hosts = doc.split("<ReportHost").skip(1).filter(|s| s.starts_with([' ', '>'])).collect::<Vec<_>>();
    let mut services = 0;
    let mut items = 0;
    for h in &hosts {
        let tags = start_tags(h, "ReportItem");
        items += tags.len();
        let set: BTreeSet<(String, &str)> = tags
            .iter()
            .filter(|t| attr(t, "port").is_some_and(|p| p != "0"))
            .map(|t| (attr(t, "protocol").unwrap().to_ascii_lowercase(), attr(t, "port").unwrap()))
            .collect();
        services += set.len();
    }
    (hosts.len(), services, items)
}

/// DefectDojo's Nessus XML parser merges the items of a report by (severity, plugin name),
/// its severity being the CVSS v3 band when a `cvss3_base_score` is given, else Nessus's 0–4.
/// The same count from our claims.
fn dojo_semantics(i: &Import) -> u64 {
    let band = |s: f64| match s {
        s if s >= 9.0 => "Critical",
        s if s >= 7.0 => "High",
        s if s >= 5.0 => "Medium",
        s if s > 0.0 => "Low",
        _ => "Info",
    };
    let mut keys = BTreeSet::new();
    for h in &i.hosts {
        for v in &h.vulns {
            let sev = match v.cvss.iter().find(|c| c.version == "3").and_then(|c| c.base) {
                Some(s) => band(s),
                None => match v.severity.as_deref() {
                    Some("4") => "Critical",
                    Some("3") => "High",
                    Some("2") => "Medium",
                    Some("1") => "Low",
                    _ => "Info",
                },
            };
            keys.insert((sev, v.title.clone()));
        }
    }
    keys.len() as u64
}

#[test]
fn every_nessus_file() {
    let Some(dir) = fixture(&format!("{DOJO}/tenable")) else { return };
    let mut n = 0;
    for p in files(&dir) {
        let bytes = std::fs::read(&p).unwrap();
        if scan::detect(&bytes) != Some(Format::NessusXml) {
            continue;
        }
        n += 1;
        let (_, import) = read(&p);
        let doc = String::from_utf8(bytes.clone()).unwrap();
        let (hosts, services, items) = naive(&doc);
        let s = import.summary;
        let file = name(&p);
        assert_eq!((s.hosts, s.services, s.vulnerabilities), (hosts as u64, services as u64, items as u64), "{file}");
        assert_eq!(s.hosts as usize, import.hosts.len());
        let rel = file.split_once("unittests/scans/").unwrap().1;
        if let Some(want) = dojo_count(rel) {
            assert_eq!(dojo_semantics(&import), want, "{file}: DefectDojo count");
        }
        for h in &import.hosts {
            assert!(h.ip.is_some() || h.name.is_some(), "{file}");
            for v in &h.vulns {
                assert!(!v.scanner_id.is_empty() && !v.title.is_empty(), "{file}");
                assert!(v.evidence.as_ref().is_none_or(|e| e.len() <= scan::text::MAX_EVIDENCE));
            }
        }
        check_truncations(Format::NessusXml, &bytes, &file);
    }
    assert_eq!(n, 6);
}

#[test]
fn host_details_from_real_file() {
    let Some(p) = fixture(&format!("{DOJO}/tenable/nessus/nessus_with_cvssv3.nessus")) else { return };
    let (_, i) = read(&p);
    let h = &i.hosts[0];
    assert_eq!(h.os.first().map(|o| o.accuracy), Some(Some(65)), "{:?}", h.os);
    assert!(
        h.components.iter().any(|c| c.cpes == ["cpe:/a:nginx:nginx:1.19.0"] && c.version.as_deref() == Some("1.19.0"))
    );
    let cves: usize = h.vulns.iter().map(|v| v.cves.len()).sum();
    let naive = String::from_utf8(std::fs::read(&p).unwrap()).unwrap().matches("<cve>").count();
    assert_eq!(cves, naive);
    assert!(h.vulns.iter().any(|v| v.cvss.iter().any(|c| c.version == "3" && c.vector.is_some())));
}

#[test]
fn hostile_inputs() {
    let big = "A".repeat(200_000);
    let doc = format!(
        "<NessusClientData_v2><Report name='r'><ReportHost name='10.0.0.1'><HostProperties><tag name='host-ip'>10.0.0.1</tag></HostProperties>\
         <ReportItem port='502' svc_name='modbus?' protocol='tcp' severity='2' pluginID='1' pluginName='x'><plugin_output>{big}</plugin_output><cve>CVE-2020-1234</cve></ReportItem>\
         </ReportHost></Report></NessusClientData_v2>"
    );
    let i = scan::parse(Format::NessusXml, doc.as_bytes(), "t.nessus").unwrap();
    let v = &i.hosts[0].vulns[0];
    assert_eq!(v.evidence.as_ref().unwrap().len(), scan::text::MAX_EVIDENCE);
    assert_eq!(i.hosts[0].services[0].name.as_deref(), Some("modbus"));
    let bad = "<!DOCTYPE NessusClientData_v2 [<!ENTITY a 'aaaa'>]><NessusClientData_v2>&a;</NessusClientData_v2>";
    assert!(scan::parse(Format::NessusXml, bad.as_bytes(), "t").is_err());
    let bad_port = "<NessusClientData_v2><Report><ReportHost name='h'><ReportItem port='99999' pluginID='1'/></ReportHost></Report></NessusClientData_v2>";
    let e = scan::parse(Format::NessusXml, bad_port.as_bytes(), "t.nessus").unwrap_err().to_string();
    assert!(e.starts_with("t.nessus: byte ") && e.contains("99999"), "{e}");
}
