//! Nessus `.nessus` v2 XML (`NessusClientData_v2`).
//!
//! A host is a `Report/ReportHost`; its identity comes from `HostProperties/tag` (host-ip,
//! mac-address, host-fqdn, hostname, netbios-name, operating-system with
//! operating-system-conf, cpe / cpe-N). Every `ReportItem` is one vulnerability claim, the
//! informational ones (severity 0) included; a service is each distinct (protocol, port > 0)
//! that any item of the host names, with the item's `svc_name`. The `Policy` part is skipped.

use std::io::BufRead;
use std::net::IpAddr;

use crate::error::Result;
use crate::model::{Component, ComponentKind, Item, OsGuess, Protocol, ScanCvss, ScanHost, ScanService, ScanVuln};
use crate::text::{self, push_unique};
use crate::xml::{self, Attrs, Cx, Handler};

pub(crate) fn read_xml(input: impl BufRead, file: &str, sink: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let mut h = Nessus { sink, host: None, tag: String::new(), item: None };
    xml::drive(input, file, &["NessusClientData_v2"], &mut h)
}

struct Nessus<'s> {
    sink: &'s mut dyn FnMut(Item) -> Result<()>,
    host: Option<HostState>,
    tag: String,
    item: Option<ItemState>,
}

#[derive(Default)]
struct HostState {
    host: ScanHost,
    os_conf: Option<u8>,
}

struct ItemState {
    vuln: ScanVuln,
    svc_name: Option<String>,
    v2: (Option<f64>, Option<String>),
    v3: (Option<f64>, Option<String>),
    v4: (Option<f64>, Option<String>),
}

fn score(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

impl Handler for Nessus<'_> {
    fn start(&mut self, cx: &Cx<'_>, name: &str, a: &Attrs) -> Result<()> {
        match name {
            "ReportHost" if cx.parent() == "Report" => {
                let mut st = HostState::default();
                st.host.name = a.get("name").and_then(text::field);
                self.host = Some(st);
            }
            "tag" if cx.parent() == "HostProperties" => {
                self.tag.clear();
                self.tag.push_str(a.get("name").unwrap_or(""));
            }
            "ReportItem" if cx.parent() == "ReportHost" => {
                if self.host.is_none() {
                    return Err(cx.err("<ReportItem> outside <ReportHost>"));
                }
                let port = match a.get("port").map(str::trim) {
                    None | Some("") => None,
                    Some(p) => {
                        Some(p.parse::<u16>().map_err(|_| cx.err(format!("port {p:?} is not a number 0-65535")))?)
                    }
                };
                let port = port.filter(|p| *p != 0);
                let vuln = ScanVuln {
                    scanner_id: a.get("pluginID").and_then(text::field).unwrap_or_default(),
                    title: a.get("pluginName").and_then(text::field).unwrap_or_default(),
                    severity: a.get("severity").and_then(text::field),
                    protocol: port.and(a.get("protocol").map(Protocol::parse)),
                    port,
                    family: a.get("pluginFamily").and_then(text::field),
                    ..ScanVuln::default()
                };
                if vuln.scanner_id.is_empty() {
                    return Err(cx.err("<ReportItem> without pluginID"));
                }
                let svc_name = a.get("svc_name").map(|s| s.trim().trim_end_matches('?')).and_then(text::field);
                self.item = Some(ItemState { vuln, svc_name, v2: (None, None), v3: (None, None), v4: (None, None) });
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, cx: &Cx<'_>, name: &str, t: &str) -> Result<()> {
        if let Some(it) = self.item.as_mut()
            && cx.parent() == "ReportItem"
        {
            let v = &mut it.vuln;
            match name {
                "plugin_output" => v.evidence = text::long(t),
                "solution" => v.solution = text::long(t),
                "cve" => {
                    if let Some(c) = text::as_cve(t) {
                        push_unique(&mut v.cves, c);
                    }
                }
                "cvss_base_score" => it.v2.0 = score(t),
                "cvss_vector" => it.v2.1 = text::field(t),
                "cvss3_base_score" => it.v3.0 = score(t),
                "cvss3_vector" => it.v3.1 = text::field(t),
                "cvss4_base_score" => it.v4.0 = score(t),
                "cvss4_vector" => it.v4.1 = text::field(t),
                _ => {}
            }
            return Ok(());
        }
        match name {
            "tag" if cx.parent() == "HostProperties" => {
                if let Some(st) = self.host.as_mut() {
                    host_tag(st, &self.tag, t);
                }
            }
            "ReportItem" if cx.parent() == "ReportHost" => {
                if let (Some(mut it), Some(st)) = (self.item.take(), self.host.as_mut()) {
                    for (version, (base, vector)) in [("2", it.v2), ("3", it.v3), ("4", it.v4)] {
                        if base.is_some() || vector.is_some() {
                            it.vuln.cvss.push(ScanCvss { version: version.into(), base, vector });
                        }
                    }
                    if let (Some(port), Some(protocol)) = (it.vuln.port, it.vuln.protocol) {
                        let services = &mut st.host.services;
                        match services.iter_mut().find(|s| s.port == port && s.protocol == protocol) {
                            Some(s) => {
                                if s.name.is_none() {
                                    s.name = it.svc_name;
                                }
                            }
                            None => services.push(ScanService {
                                protocol,
                                port,
                                state: "open".into(),
                                name: it.svc_name,
                                product: None,
                                version: None,
                                extra: None,
                                cpes: Vec::new(),
                            }),
                        }
                    }
                    st.host.vulns.push(it.vuln);
                }
            }
            "ReportHost" if cx.parent() == "Report" => {
                if let Some(mut st) = self.host.take() {
                    if let (Some(first), Some(conf)) = (st.host.os.first_mut(), st.os_conf) {
                        first.accuracy = Some(conf);
                    }
                    if st.host.ip.is_none()
                        && let Some(n) = st.host.name.as_deref()
                        && n.parse::<IpAddr>().is_ok()
                    {
                        st.host.ip = Some(n.to_string());
                    }
                    (self.sink)(Item::Host(st.host))?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn host_tag(st: &mut HostState, tag: &str, value: &str) {
    let h = &mut st.host;
    match tag {
        "host-ip" => h.ip = text::field(value),
        "mac-address" => {
            let mut macs = value.split_whitespace();
            h.mac = macs.next().and_then(text::field);
        }
        "host-fqdn" => {
            if let Some(f) = text::field(value) {
                push_unique(&mut h.hostnames, f.clone());
                h.fqdn = Some(f);
            }
        }
        "hostname" | "host-rdns" => {
            if let Some(f) = text::field(value)
                && f.parse::<IpAddr>().is_err()
            {
                push_unique(&mut h.hostnames, f);
            }
        }
        "netbios-name" => h.netbios = text::field(value),
        "operating-system" => {
            for line in value.lines() {
                if let Some(name) = text::field(line)
                    && h.os.len() < text::MAX_LIST
                {
                    h.os.push(OsGuess { name, accuracy: None, cpes: Vec::new() });
                }
            }
        }
        "operating-system-conf" => st.os_conf = value.trim().parse::<u8>().ok().filter(|c| *c <= 100),
        t if t == "cpe" || t.strip_prefix("cpe-").is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) => {
            if let Some(c) = cpe_component(value)
                && h.components.len() < text::MAX_LIST
                && !h.components.iter().any(|x| x.cpes == c.cpes)
            {
                h.components.push(c);
            }
        }
        _ => {}
    }
}

/// `cpe:/a:php:php:5.6.40 -> PHP PHP` into a component named after the label (or the CPE
/// product), kind from the CPE part.
fn cpe_component(value: &str) -> Option<Component> {
    let (cpe, label) = match value.split_once("->") {
        Some((c, l)) => (c.trim(), l.trim()),
        None => (value.trim(), ""),
    };
    let cpe = cpe.split_whitespace().next()?;
    let parts: Vec<&str> = if let Some(r) = cpe.strip_prefix("cpe:/") {
        r.split(':').collect()
    } else if let Some(r) = cpe.strip_prefix("cpe:2.3:") {
        r.split(':').collect()
    } else {
        return None;
    };
    let kind = match parts.first().copied() {
        Some("o") => ComponentKind::OperatingSystem,
        Some("h") => ComponentKind::Device,
        _ => ComponentKind::Application,
    };
    let product = parts.get(2).copied().unwrap_or("");
    let name = text::field(label).or_else(|| text::field(product))?;
    let mut c = Component::new(kind, name);
    c.supplier = parts.get(1).and_then(|v| text::field(v));
    c.version = parts.get(3).filter(|v| !matches!(**v, "" | "*" | "-")).and_then(|v| text::field(v));
    c.cpes.push(text::field(cpe)?);
    Some(c)
}
