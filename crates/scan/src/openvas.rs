//! OpenVAS / Greenbone XML report (`<report>` holding `<report>`, as exported by GVM, or the
//! GMP `get_reports_response`).
//!
//! Results are a flat list, not grouped by host, and the host details come after them, so the
//! reader gathers hosts (in order of first appearance) and hands them over at the end: memory
//! follows the number of results. A host is each distinct address among the results'
//! `host` and the report's `host/ip`; every `results/result` is one vulnerability claim on its
//! host (NVT OID, name, family, threat as severity, CVSS from `severity`, CVEs from `refs`,
//! the description as evidence); a service is each distinct numeric `port` (`443/tcp`) of the
//! host's results. Host `detail`s give the hostname, best OS (text and CPE), MAC and `App` CPEs.

use std::collections::HashMap;
use std::io::BufRead;

use crate::error::Result;
use crate::model::{Component, ComponentKind, Item, OsGuess, Protocol, ScanCvss, ScanHost, ScanService, ScanVuln};
use crate::text::{self, push_unique};
use crate::xml::{self, Attrs, Cx, Handler};

pub(crate) fn read_xml(input: impl BufRead, file: &str, sink: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let mut h = Openvas::default();
    xml::drive(input, file, &["report", "get_reports_response"], &mut h)?;
    for host in h.hosts {
        sink(Item::Host(host))?;
    }
    Ok(())
}

#[derive(Default)]
struct Openvas {
    hosts: Vec<ScanHost>,
    index: HashMap<String, usize>,
    result: Option<ResultState>,
    /// The `host` section being read (its address), and the `detail` name/value.
    host_ip: Option<String>,
    detail: (String, String),
}

#[derive(Default)]
struct ResultState {
    host: String,
    hostname: Option<String>,
    port: String,
    vuln: ScanVuln,
    severity_score: Option<f64>,
}

impl Openvas {
    fn host(&mut self, ip: &str) -> &mut ScanHost {
        let i = match self.index.get(ip) {
            Some(i) => *i,
            None => {
                self.hosts.push(ScanHost { ip: Some(ip.to_string()), ..ScanHost::default() });
                self.index.insert(ip.to_string(), self.hosts.len() - 1);
                self.hosts.len() - 1
            }
        };
        &mut self.hosts[i]
    }
}

/// `443/tcp` → (tcp, 443); `general/tcp`, `package` → no port.
fn port(s: &str) -> Option<(Protocol, u16)> {
    let (p, proto) = s.trim().split_once('/')?;
    Some((Protocol::parse(proto), p.trim().parse::<u16>().ok().filter(|p| *p != 0)?))
}

impl Handler for Openvas {
    fn start(&mut self, cx: &Cx<'_>, name: &str, a: &Attrs) -> Result<()> {
        match (name, cx.parent()) {
            ("result", "results") => self.result = Some(ResultState::default()),
            ("nvt", "result") => {
                if let Some(r) = self.result.as_mut() {
                    r.vuln.scanner_id = a.get("oid").and_then(text::field).unwrap_or_default();
                }
            }
            ("ref", "refs") => {
                if let Some(r) = self.result.as_mut()
                    && a.get("type").is_some_and(|t| t.eq_ignore_ascii_case("cve"))
                    && let Some(c) = a.get("id").and_then(text::as_cve)
                {
                    push_unique(&mut r.vuln.cves, c);
                }
            }
            ("host", "report") if self.result.is_none() => self.host_ip = None,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, cx: &Cx<'_>, name: &str, t: &str) -> Result<()> {
        if let Some(r) = self.result.as_mut() {
            match (name, cx.parent()) {
                ("host", "result") => r.host = t.trim().to_string(),
                ("hostname", "host") => r.hostname = text::field(t),
                ("port", "result") => r.port = t.trim().to_string(),
                ("name", "result") => r.vuln.title = text::field(t).unwrap_or_default(),
                ("name", "nvt") if r.vuln.title.is_empty() => r.vuln.title = text::field(t).unwrap_or_default(),
                ("family", "nvt") => r.vuln.family = text::field(t),
                ("cvss_base", "nvt") if r.severity_score.is_none() => {
                    r.severity_score = t.trim().parse::<f64>().ok().filter(|f| f.is_finite());
                }
                ("tags", "nvt") => {
                    for part in t.split('|') {
                        if let Some(sol) = part.strip_prefix("solution=") {
                            r.vuln.solution = text::long(sol);
                        }
                    }
                }
                ("threat", "result") => r.vuln.severity = text::field(t),
                ("severity", "result") => {
                    if let Ok(s) = t.trim().parse::<f64>()
                        && s.is_finite()
                    {
                        r.severity_score = Some(s);
                    }
                }
                ("description", "result") => r.vuln.evidence = text::long(t),
                ("result", "results") => {
                    if let Some(mut r) = self.result.take() {
                        if r.host.is_empty() {
                            return Err(cx.err("<result> without <host>"));
                        }
                        if let Some(s) = r.severity_score {
                            r.vuln.cvss.push(ScanCvss { version: "unknown".into(), base: Some(s), vector: None });
                        }
                        if r.vuln.scanner_id.is_empty() {
                            r.vuln.scanner_id = r.vuln.title.clone();
                        }
                        let at = port(&r.port);
                        r.vuln.port = at.map(|a| a.1);
                        r.vuln.protocol = at.map(|a| a.0);
                        let host = self.host(&r.host);
                        if let Some(n) = r.hostname {
                            push_unique(&mut host.hostnames, n);
                        }
                        if let Some((protocol, p)) = at
                            && !host.services.iter().any(|s| s.port == p && s.protocol == protocol)
                        {
                            host.services.push(ScanService {
                                protocol,
                                port: p,
                                state: "open".into(),
                                name: None,
                                product: None,
                                version: None,
                                extra: None,
                                cpes: Vec::new(),
                            });
                        }
                        if host.vulns.len() < text::MAX_LIST * 10 {
                            host.vulns.push(r.vuln);
                        }
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match (name, cx.parent()) {
            ("ip", "host") => {
                if let Some(ip) = text::field(t) {
                    self.host(&ip);
                    self.host_ip = Some(ip);
                }
            }
            ("name", "detail") => self.detail.0 = t.trim().to_string(),
            ("value", "detail") => self.detail.1 = t.trim().to_string(),
            ("detail", "host") => {
                let (k, v) = std::mem::take(&mut self.detail);
                if let Some(ip) = self.host_ip.clone() {
                    host_detail(self.host(&ip), &k, &v);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn host_detail(h: &mut ScanHost, k: &str, v: &str) {
    let Some(v) = text::field(v) else { return };
    match k {
        "hostname" => push_unique(&mut h.hostnames, v),
        "MAC" => h.mac = Some(v),
        "best_os_txt" => h.os.insert(0, OsGuess { name: v, accuracy: None, cpes: Vec::new() }),
        "best_os_cpe" => match h.os.first_mut() {
            Some(o) => push_unique(&mut o.cpes, v),
            None => h.os.push(OsGuess { name: v.clone(), accuracy: None, cpes: vec![v] }),
        },
        "App"
            if v.starts_with("cpe:")
                && h.components.len() < text::MAX_LIST
                && !h.components.iter().any(|c| c.cpes.contains(&v)) =>
        {
            let name = v.split(':').nth(3).unwrap_or(&v).to_string();
            let mut c = Component::new(ComponentKind::Application, name);
            c.version = v.split(':').nth(4).filter(|x| !x.is_empty()).map(str::to_string);
            c.cpes.push(v);
            h.components.push(c);
        }
        _ => {}
    }
}
