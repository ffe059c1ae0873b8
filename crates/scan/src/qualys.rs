//! Qualys XML: the scan report (`<SCAN>`, web GUI / API v1 scan results), the asset data report
//! (`<ASSET_DATA_REPORT>`) and the VM detection list (`<HOST_LIST_VM_DETECTION_OUTPUT>`).
//!
//! SCAN: a host is an `IP` (its `value`, `name` as hostname, `OS`); claims are `VULN`
//! (confirmed) and `PRACTICE` (potential) items with QID, severity 1–5, CVEs (`cveid` and
//! `CVE_ID_LIST`), CVSS v2/v3 base, solution, result as evidence; `INFO` and `SERVICE` items
//! are information, not claims. A service is a numeric `port`/`protocol` on a category
//! (`CAT`) holding a claim. ASSET_DATA_REPORT: `HOST_LIST/HOST` with `VULN_INFO_LIST/VULN_INFO`
//! claims (QID, type, port, protocol, result). VM detection: `HOST_LIST/HOST` with
//! `DETECTION_LIST/DETECTION` claims (QID, type, severity, port, protocol, results).

use std::io::BufRead;

use crate::error::Result;
use crate::model::{Item, OsGuess, Protocol, ScanCvss, ScanHost, ScanService, ScanVuln};
use crate::text::{self, push_unique};
use crate::xml::{self, Attrs, Cx, Handler};

pub(crate) fn read_xml(input: impl BufRead, file: &str, sink: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let mut h = Qualys { sink, host: None, vuln: None, cat_port: None, cvss: (None, None), port: None, protocol: None };
    xml::drive(input, file, &["SCAN", "ASSET_DATA_REPORT", "HOST_LIST_VM_DETECTION_OUTPUT"], &mut h)
}

struct Qualys<'s> {
    sink: &'s mut dyn FnMut(Item) -> Result<()>,
    host: Option<ScanHost>,
    vuln: Option<ScanVuln>,
    /// `port`/`protocol` of the open SCAN category.
    cat_port: Option<(Protocol, u16)>,
    cvss: (Option<f64>, Option<f64>),
    port: Option<u16>,
    protocol: Option<Protocol>,
}

fn num(t: &str) -> Option<f64> {
    t.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

fn is_claim(name: &str, parent: &str) -> bool {
    matches!(
        (name, parent),
        ("VULN" | "PRACTICE", "CAT") | ("VULN_INFO", "VULN_INFO_LIST") | ("DETECTION", "DETECTION_LIST")
    )
}

impl Handler for Qualys<'_> {
    fn start(&mut self, cx: &Cx<'_>, name: &str, a: &Attrs) -> Result<()> {
        match (name, cx.parent()) {
            ("IP", "SCAN") => {
                let mut h = ScanHost { ip: a.get("value").and_then(text::field), ..ScanHost::default() };
                if let Some(n) = a.get("name").and_then(text::field)
                    && n != "No registered hostname"
                {
                    h.hostnames.push(n);
                }
                self.host = Some(h);
            }
            ("HOST", "HOST_LIST") => self.host = Some(ScanHost::default()),
            ("CAT", _) => {
                let port = a.get("port").and_then(|p| p.trim().parse::<u16>().ok()).filter(|p| *p != 0);
                self.cat_port = port.map(|p| (Protocol::parse(a.get("protocol").unwrap_or("tcp")), p));
            }
            _ if is_claim(name, cx.parent()) && self.host.is_some() => {
                let mut v = ScanVuln {
                    scanner_id: a.get("number").and_then(text::field).unwrap_or_default(),
                    severity: a.get("severity").and_then(text::field),
                    family: Some(match name {
                        "VULN" => "confirmed".into(),
                        "PRACTICE" => "potential".into(),
                        _ => String::new(),
                    })
                    .filter(|f| !f.is_empty()),
                    ..ScanVuln::default()
                };
                if let Some(c) = a.get("cveid") {
                    text::cves_in(c, &mut v.cves);
                }
                if let Some((proto, port)) = self.cat_port {
                    v.port = Some(port);
                    v.protocol = Some(proto);
                }
                self.vuln = Some(v);
                self.cvss = (None, None);
                self.port = None;
                self.protocol = None;
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, cx: &Cx<'_>, name: &str, t: &str) -> Result<()> {
        let parent = cx.parent();
        if is_claim(name, parent) {
            if let (Some(mut v), Some(h)) = (self.vuln.take(), self.host.as_mut()) {
                for (ver, base) in [("2", self.cvss.0), ("3", self.cvss.1)] {
                    if base.is_some() {
                        v.cvss.push(ScanCvss { version: ver.into(), base, vector: None });
                    }
                }
                if let Some(p) = self.port.filter(|p| *p != 0) {
                    v.port = Some(p);
                    v.protocol = Some(self.protocol.unwrap_or(Protocol::Tcp));
                }
                if v.title.is_empty() {
                    v.title = format!("QID {}", v.scanner_id);
                }
                if let (Some(port), Some(protocol)) = (v.port, v.protocol)
                    && !h.services.iter().any(|s| s.port == port && s.protocol == protocol)
                {
                    h.services.push(ScanService {
                        protocol,
                        port,
                        state: "open".into(),
                        name: None,
                        product: None,
                        version: None,
                        extra: None,
                        cpes: Vec::new(),
                    });
                }
                h.vulns.push(v);
            }
            return Ok(());
        }
        if let Some(v) = self.vuln.as_mut() {
            match name {
                "TITLE" => v.title = text::field(t).unwrap_or_default(),
                "QID" => v.scanner_id = text::field(t).unwrap_or_default(),
                "SEVERITY" => v.severity = text::field(t),
                "TYPE" if v.family.is_none() => v.family = text::field(t),
                "CVSS_BASE" => self.cvss.0 = num(t),
                "CVSS3_BASE" => self.cvss.1 = num(t),
                "ID" if parent == "CVE_ID" => {
                    if let Some(c) = text::as_cve(t) {
                        push_unique(&mut v.cves, c);
                    }
                }
                "SOLUTION" => v.solution = text::long(t),
                "RESULT" | "RESULTS" => v.evidence = text::long(t),
                "PORT" => self.port = t.trim().parse::<u16>().ok(),
                "PROTOCOL" => self.protocol = Some(Protocol::parse(t)),
                _ => {}
            }
            return Ok(());
        }
        match (name, parent) {
            ("IP", "SCAN") | ("HOST", "HOST_LIST") => {
                if let Some(h) = self.host.take() {
                    (self.sink)(Item::Host(h))?;
                }
            }
            ("CAT", _) => self.cat_port = None,
            ("OS" | "OPERATING_SYSTEM", "IP" | "HOST") => {
                if let (Some(h), Some(os)) = (self.host.as_mut(), text::field(t)) {
                    h.os.push(OsGuess { name: os, accuracy: None, cpes: Vec::new() });
                }
            }
            ("IP", "HOST") => {
                if let Some(h) = self.host.as_mut() {
                    h.ip = text::field(t);
                }
            }
            ("DNS", "HOST") => {
                if let (Some(h), Some(n)) = (self.host.as_mut(), text::field(t)) {
                    push_unique(&mut h.hostnames, n);
                }
            }
            ("NETBIOS", "HOST") => {
                if let Some(h) = self.host.as_mut() {
                    h.netbios = text::field(t);
                }
            }
            _ => {}
        }
        Ok(())
    }
}
