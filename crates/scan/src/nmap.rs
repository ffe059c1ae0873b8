//! Nmap XML (`<nmaprun>`).
//!
//! A host is a `host` whose `status` is `up` (down hosts, listed with `-v`, are skipped). A
//! service is a `ports/port` whose `state` is `open`, with its `service` (name, product,
//! version, extrainfo, `cpe`). OS guesses are `os/osmatch` (name, accuracy, the osclass CPEs).
//! Vulnerability claims come only from the `vulners` script (one per entry of its tables, or of
//! its text output when the tables are absent). The OT scripts `s7-info`, `enip-info`,
//! `modbus-discover` and `bacnet-info` become the host's device identities.

use std::io::BufRead;

use crate::error::Result;
use crate::model::{DeviceIdentity, Item, OsGuess, Protocol, ScanCvss, ScanHost, ScanService, ScanVuln};
use crate::text::{self, push_unique};
use crate::xml::{self, Attrs, Cx, Handler};

pub(crate) fn read_xml(input: impl BufRead, file: &str, sink: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let mut h = Nmap { sink, host: None, up: false, port: None, script: None, elem_key: None };
    xml::drive(input, file, &["nmaprun"], &mut h)
}

struct Nmap<'s> {
    sink: &'s mut dyn FnMut(Item) -> Result<()>,
    host: Option<ScanHost>,
    up: bool,
    port: Option<PortState>,
    script: Option<Script>,
    /// The `key` of the `elem` being read (elems do not nest).
    elem_key: Option<String>,
}

struct PortState {
    service: ScanService,
}

/// `(key, value)` pairs of a script's `elem`s.
type Elems = Vec<(String, String)>;

struct Script {
    id: String,
    output: String,
    /// Every `elem` of the script: (its key, or the enclosing table's key; value).
    elems: Elems,
    /// Open tables, each with its key and the elems read directly in it.
    tables: Vec<(Option<String>, Elems)>,
    /// Entries of vulners tables: (id, cvss, type, is_exploit).
    vulners: Vec<Elems>,
}

impl Handler for Nmap<'_> {
    fn start(&mut self, cx: &Cx<'_>, name: &str, a: &Attrs) -> Result<()> {
        match (name, cx.parent()) {
            ("host", "nmaprun") => {
                self.host = Some(ScanHost::default());
                self.up = false;
            }
            _ if self.host.is_none() => {}
            ("status", "host") => self.up = a.get("state") == Some("up"),
            ("address", "host") => {
                let host = self.host.get_or_insert_with(ScanHost::default);
                let addr = a.get("addr").and_then(text::field);
                match a.get("addrtype") {
                    Some("mac") => {
                        host.mac = addr;
                        host.mac_vendor = a.get("vendor").and_then(text::field);
                    }
                    _ => {
                        if let Some(addr) = addr {
                            if host.ip.is_none() {
                                host.ip = Some(addr);
                            } else {
                                push_unique(&mut host.other_ips, addr);
                            }
                        }
                    }
                }
            }
            ("hostname", "hostnames") => {
                if let (Some(host), Some(n)) = (self.host.as_mut(), a.get("name").and_then(text::field)) {
                    push_unique(&mut host.hostnames, n);
                }
            }
            ("port", "ports") => {
                let port = a.get("portid").unwrap_or("").trim();
                let port =
                    port.parse::<u16>().map_err(|_| cx.err(format!("portid {port:?} is not a number 0-65535")))?;
                self.port = Some(PortState {
                    service: ScanService {
                        protocol: Protocol::parse(a.get("protocol").unwrap_or("")),
                        port,
                        state: String::new(),
                        name: None,
                        product: None,
                        version: None,
                        extra: None,
                        cpes: Vec::new(),
                    },
                });
            }
            ("state", "port") => {
                if let Some(p) = self.port.as_mut() {
                    p.service.state = a.get("state").unwrap_or("").to_string();
                }
            }
            ("service", "port") => {
                if let Some(p) = self.port.as_mut() {
                    let s = &mut p.service;
                    s.name = a.get("name").and_then(text::field);
                    s.product = a.get("product").and_then(text::field);
                    s.version = a.get("version").and_then(text::field);
                    s.extra = a.get("extrainfo").and_then(text::field);
                }
            }
            ("osmatch", "os") => {
                if let (Some(host), Some(n)) = (self.host.as_mut(), a.get("name").and_then(text::field))
                    && host.os.len() < text::MAX_LIST
                {
                    let accuracy = a.get("accuracy").and_then(|v| v.trim().parse::<u8>().ok()).filter(|v| *v <= 100);
                    host.os.push(OsGuess { name: n, accuracy, cpes: Vec::new() });
                }
            }
            ("script", "port" | "hostscript") => {
                self.script = Some(Script {
                    id: a.get("id").unwrap_or("").to_string(),
                    output: a.get("output").unwrap_or("").to_string(),
                    elems: Vec::new(),
                    tables: Vec::new(),
                    vulners: Vec::new(),
                });
            }
            ("elem", _) => self.elem_key = a.get("key").map(str::to_string),
            ("table", _) => {
                if let Some(s) = self.script.as_mut() {
                    s.tables.push((a.get("key").map(str::to_string), Vec::new()));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, cx: &Cx<'_>, name: &str, t: &str) -> Result<()> {
        match (name, cx.parent()) {
            ("host", "nmaprun") => {
                if let Some(host) = self.host.take()
                    && self.up
                {
                    (self.sink)(Item::Host(host))?;
                }
            }
            ("elem", _) => {
                if let Some(s) = self.script.as_mut()
                    && s.elems.len() < text::MAX_LIST
                {
                    let key = match cx.stack.last().map(String::as_str) {
                        Some("table") => s.tables.last().and_then(|(k, _)| k.clone()),
                        _ => None,
                    };
                    // An elem's own key wins; a keyless elem takes its table's key.
                    let value = text::long(t).unwrap_or_default();
                    let own = self.elem_key.take();
                    let key = own.or(key).unwrap_or_default();
                    if let Some((_, list)) = s.tables.last_mut() {
                        list.push((key.clone(), value.clone()));
                    }
                    s.elems.push((key, value));
                }
            }
            ("table", _) => {
                if let Some(s) = self.script.as_mut()
                    && let Some((_, list)) = s.tables.pop()
                    && s.id == "vulners"
                    && list.iter().any(|(k, _)| k == "id")
                    && s.vulners.len() < text::MAX_LIST
                {
                    s.vulners.push(list);
                }
            }
            ("cpe", "service") => {
                if let (Some(p), Some(c)) = (self.port.as_mut(), text::field(t)) {
                    push_unique(&mut p.service.cpes, c);
                }
            }
            ("cpe", "osclass") => {
                if let (Some(h), Some(c)) = (self.host.as_mut(), text::field(t))
                    && let Some(last) = h.os.last_mut()
                {
                    push_unique(&mut last.cpes, c);
                }
            }
            ("script", "port" | "hostscript") => {
                if let (Some(s), Some(host)) = (self.script.take(), self.host.as_mut()) {
                    let at = self.port.as_ref().map(|p| (p.service.protocol, p.service.port));
                    script_done(host, s, at);
                }
            }
            ("port", "ports") => {
                if let (Some(p), Some(host)) = (self.port.take(), self.host.as_mut())
                    && p.service.state == "open"
                    && host.services.len() < text::MAX_LIST
                {
                    host.services.push(p.service);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn script_done(host: &mut ScanHost, s: Script, at: Option<(Protocol, u16)>) {
    match s.id.as_str() {
        "vulners" => vulners(host, &s, at),
        "s7-info" | "enip-info" | "modbus-discover" | "bacnet-info" => {
            let id = identity(&s);
            if !id.is_empty() && host.identities.len() < text::MAX_LIST {
                host.identities.push(id);
            }
        }
        _ => {}
    }
}

fn vulners(host: &mut ScanHost, s: &Script, at: Option<(Protocol, u16)>) {
    let mut entries: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for e in &s.vulners {
        let get = |k: &str| e.iter().find(|(kk, _)| kk == k).map(|(_, v)| v.clone());
        if let Some(id) = get("id") {
            entries.push((id, get("cvss"), get("type")));
        }
    }
    if entries.is_empty() {
        // Older output: lines of `\tID\tSCORE\tURL`.
        for line in s.output.lines() {
            let cols: Vec<&str> = line.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect();
            if let [id, score, ..] = cols.as_slice()
                && score.parse::<f64>().is_ok()
            {
                let kind = if text::as_cve(id).is_some() { Some("cve".to_string()) } else { None };
                entries.push((id.to_string(), Some(score.to_string()), kind));
            }
        }
    }
    for (id, cvss, kind) in entries {
        if host.vulns.len() >= text::MAX_LIST {
            break;
        }
        let Some(id) = text::field(&id) else { continue };
        let mut v = ScanVuln {
            scanner_id: id.clone(),
            title: id.clone(),
            severity: cvss.clone(),
            family: Some(match kind {
                Some(k) => format!("vulners:{k}"),
                None => "vulners".into(),
            }),
            protocol: at.map(|a| a.0),
            port: at.map(|a| a.1),
            ..ScanVuln::default()
        };
        if let Some(base) = cvss.and_then(|c| c.trim().parse::<f64>().ok()).filter(|f| f.is_finite()) {
            v.cvss.push(ScanCvss { version: "unknown".into(), base: Some(base), vector: None });
        }
        if let Some(c) = text::as_cve(&id) {
            v.cves.push(c);
        }
        host.vulns.push(v);
    }
}

/// Device identity from an OT script's elems, or its `Key: Value` output lines.
fn identity(s: &Script) -> DeviceIdentity {
    let mut kv: Vec<(String, String)> = s.elems.clone();
    for line in s.output.lines() {
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if !k.is_empty() && !v.is_empty() && !kv.iter().any(|(kk, _)| kk.eq_ignore_ascii_case(k)) {
                kv.push((k.to_string(), v.to_string()));
            }
        }
    }
    // Keys compared without case, spaces, `-` or `_`: script versions write `Product Name`
    // or `productName`.
    let norm = |k: &str| -> String {
        k.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
    };
    let get = |k: &str| {
        let k = norm(k);
        kv.iter().find(|(kk, _)| norm(kk) == k).and_then(|(_, v)| text::field(v))
    };
    let mut id = DeviceIdentity { source: s.id.clone(), ..DeviceIdentity::default() };
    match s.id.as_str() {
        "s7-info" => {
            id.vendor = Some("Siemens".into());
            id.module = get("Module").or_else(|| get("Basic Hardware"));
            id.product = get("Module Type");
            id.model = get("Basic Hardware");
            id.firmware = get("Version");
            id.serial = get("Serial Number");
            id.name = get("System Name").or_else(|| get("Plant Identification"));
        }
        "enip-info" => {
            id.vendor = get("Vendor");
            id.product = get("Product Name");
            id.module = get("Product Code");
            id.model = get("Device Type").or_else(|| get("type"));
            id.firmware = get("Revision");
            id.serial = get("Serial Number");
        }
        "bacnet-info" => {
            id.vendor = get("Vendor Name").or_else(|| get("Vendor ID"));
            id.model = get("Model Name");
            id.product = get("Model Name").or_else(|| get("Application Software"));
            id.firmware = get("Firmware").or_else(|| get("Application Software"));
            id.name = get("Object Name");
        }
        "modbus-discover" => {
            // `Device identification: Schneider Electric BMX P34 2020 v2.5`: the trailing
            // `vN…` word is the firmware revision; the rest names the device.
            if let Some(d) = get("Device identification") {
                let mut words: Vec<&str> = d.split_whitespace().collect();
                if let Some(last) = words.last()
                    && last.len() > 1
                    && last.starts_with(['v', 'V'])
                    && last[1..].starts_with(|c: char| c.is_ascii_digit())
                {
                    id.firmware = text::field(&last[1..]);
                    words.pop();
                }
                id.product = text::field(&words.join(" "));
            }
            id.name = get("Slave ID data");
        }
        _ => {}
    }
    id
}
