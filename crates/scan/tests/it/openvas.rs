//! OpenVAS / Greenbone XML: every XML file of the OpenVAS fixtures.

use std::collections::BTreeSet;

use scan::Format;

use crate::support::{DOJO, check_truncations, dojo_count, files, fixture, name, read, start_tags};

/// The text right after `open` up to the next `<`.
fn text_after<'a>(s: &'a str, open: &str) -> Option<&'a str> {
    let i = s.find(open)? + open.len();
    let rest = &s[i..];
    Some(rest[..rest.find('<').unwrap_or(rest.len())].trim())
}

/// Naive counts: results = `<result ` tags; hosts = distinct addresses among the results'
/// `<host>` text and the `<host><ip>` sections; services = distinct (host, numeric port).
fn naive(doc: &str) -> (usize, usize, usize) {
    let mut hosts = BTreeSet::new();
    let mut services = BTreeSet::new();
    let results = start_tags(doc, "result").len();
    for r in doc.split("<result ").skip(1) {
        let r = &r[..r.find("</result>").unwrap()];
        let host = text_after(r, "<host>").unwrap().to_string();
        let port = text_after(r, "<port>").unwrap();
        if let Some((p, proto)) = port.split_once('/')
            && p.parse::<u16>().is_ok_and(|p| p > 0)
        {
            services.insert((host.clone(), p.to_string(), proto.to_string()));
        }
        hosts.insert(host);
    }
    for h in doc.split("<host><ip>").skip(1) {
        hosts.insert(h[..h.find('<').unwrap()].trim().to_string());
    }
    (hosts.len(), services.len(), results)
}

#[test]
fn every_openvas_xml() {
    let Some(dir) = fixture(&format!("{DOJO}/openvas")) else { return };
    let mut n = 0;
    for p in files(&dir) {
        let bytes = std::fs::read(&p).unwrap();
        if scan::detect(&bytes) != Some(Format::OpenvasXml) {
            continue;
        }
        n += 1;
        let (_, i) = read(&p);
        let file = name(&p);
        let (hosts, services, results) = naive(std::str::from_utf8(&bytes).unwrap());
        let s = i.summary;
        assert_eq!((s.hosts, s.services, s.vulnerabilities), (hosts as u64, services as u64, results as u64), "{file}");
        // DefectDojo: one finding per result, the same meaning.
        let rel = file.split_once("unittests/scans/").unwrap().1;
        if let Some(want) = dojo_count(rel) {
            assert_eq!(s.vulnerabilities, want, "{file}: DefectDojo count");
        }
        check_truncations(Format::OpenvasXml, &bytes, &file);
    }
    assert_eq!(n, 3);
}

#[test]
fn result_details() {
    let Some(p) = fixture(&format!("{DOJO}/openvas/one_vuln.xml")) else { return };
    let (_, i) = read(&p);
    let v = &i.hosts[0].vulns[0];
    assert_eq!(i.hosts[0].ip.as_deref(), Some("10.0.101.2"));
    assert_eq!(v.scanner_id, "1.3.6.1.4.1.25623.1.0.832260");
    assert_eq!(v.severity.as_deref(), Some("High"));
    assert_eq!(v.cves.len(), 12);
    assert_eq!(v.cvss[0].base, Some(10.0));
    assert_eq!(v.port, None);
    assert!(v.evidence.as_deref().unwrap().starts_with("Installed version: 116.0.3"));
    assert!(v.solution.as_deref().unwrap().starts_with("Upgrade to version 117"));
}
