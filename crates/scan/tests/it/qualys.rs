//! Qualys XML: every XML file of the Qualys fixtures, and a VM detection document written here.

use scan::Format;

use crate::support::{DOJO, check_truncations, dojo_count, files, fixture, name, read, start_tags};

#[test]
fn every_qualys_xml() {
    let mut n = 0;
    for dir in ["qualys", "qualys_infrascan_webgui"] {
        let Some(dir) = fixture(&format!("{DOJO}/{dir}")) else { return };
        for p in files(&dir) {
            let bytes = std::fs::read(&p).unwrap();
            if scan::detect(&bytes) != Some(Format::QualysXml) {
                continue;
            }
            n += 1;
            let (_, i) = read(&p);
            let file = name(&p);
            let doc = std::str::from_utf8(&bytes).unwrap();
            // Naive: hosts = `<IP ` (scan) or `<HOST>` tags; claims = `<VULN ` + `<PRACTICE `
            // (+ `<VULN_INFO>`, `<DETECTION>`) tags.
            let hosts =
                start_tags(doc, "IP").iter().filter(|t| t.contains("value=")).count() + start_tags(doc, "HOST").len();
            let claims = start_tags(doc, "VULN").len()
                + start_tags(doc, "PRACTICE").len()
                + start_tags(doc, "VULN_INFO").len()
                + start_tags(doc, "DETECTION").len();
            let s = i.summary;
            assert_eq!((s.hosts, s.vulnerabilities), (hosts as u64, claims as u64), "{file}");
            // DefectDojo's web GUI parser makes one finding per confirmed vulnerability (VULN);
            // potential ones (PRACTICE) are ours only.
            let rel = file.split_once("unittests/scans/").unwrap().1;
            if let Some(want) = dojo_count(rel) {
                let confirmed =
                    i.hosts.iter().flat_map(|h| &h.vulns).filter(|v| v.family.as_deref() == Some("confirmed")).count()
                        as u64;
                assert_eq!(confirmed, want, "{file}: DefectDojo count");
            }
            check_truncations(Format::QualysXml, &bytes, &file);
        }
    }
    assert_eq!(n, 5);
}

#[test]
fn scan_details_and_vm_detection() {
    let Some(p) = fixture(&format!("{DOJO}/qualys_infrascan_webgui/qualys_infrascan_webgui_1.xml")) else { return };
    let (_, i) = read(&p);
    let h = &i.hosts[0];
    assert_eq!((h.ip.as_deref(), h.hostnames.as_slice()), (Some("10.1.10.1"), &["host1.example.com".to_string()][..]));
    let v = &h.vulns[0];
    assert_eq!((v.scanner_id.as_str(), v.severity.as_deref(), v.cves.len()), ("123168", Some("5"), 19));

    let doc = r#"<?xml version="1.0"?><HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID><IP>10.9.8.7</IP><DNS><![CDATA[hmi-01]]></DNS><OS><![CDATA[Windows 10]]></OS>
        <DETECTION_LIST><DETECTION><QID>38173</QID><TYPE>Confirmed</TYPE><SEVERITY>4</SEVERITY><PORT>502</PORT><PROTOCOL>tcp</PROTOCOL><RESULTS>banner</RESULTS></DETECTION></DETECTION_LIST></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>"#;
    assert_eq!(scan::detect(doc.as_bytes()), Some(Format::QualysXml));
    let i = scan::parse(Format::QualysXml, doc.as_bytes(), "vm.xml").unwrap();
    let h = &i.hosts[0];
    assert_eq!((h.ip.as_deref(), h.hostnames.len(), h.os.len()), (Some("10.9.8.7"), 1, 1));
    let v = &h.vulns[0];
    assert_eq!(
        (v.scanner_id.as_str(), v.severity.as_deref(), v.port, v.evidence.as_deref()),
        ("38173", Some("4"), Some(502), Some("banner"))
    );
    assert_eq!(h.services.len(), 1);
}
