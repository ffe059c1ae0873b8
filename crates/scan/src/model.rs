//! What a scanner report or an SBOM says, in one neutral shape for every format.
//!
//! These are claims of another tool, kept as that tool made them (its severity words, its
//! identifiers); nothing here is matched, scored or tied to a plant asset yet.

use serde::Serialize;

/// One thing a reader found, handed to the caller's sink as soon as it is complete.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum Item {
    /// A scanned host with its services, vulnerability claims and components.
    Host(ScanHost),
    /// A component of an SBOM (not tied to a scanned host).
    Component(Component),
    /// A vulnerability statement of an SBOM/VEX document (CycloneDX `vulnerabilities`).
    Vulnerability(BomVulnerability),
}

/// A host as a scanner saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScanHost {
    /// The scanner's own name for the host (Nessus `ReportHost/@name`, an IP or a host name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_ips: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_vendor: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netbios: Option<String>,
    /// Operating system guesses, best first as the scanner listed them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub os: Vec<OsGuess>,
    /// Device identity read from OT protocol scripts (s7-info, enip-info, modbus-discover,
    /// bacnet-info) or the scanner's device fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<DeviceIdentity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ScanService>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vulns: Vec<ScanVuln>,
    /// Software the scanner reported on the host (CPEs it listed), as components.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

/// One operating-system guess.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OsGuess {
    pub name: String,
    /// The scanner's confidence, 0–100, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cpes: Vec<String>,
}

/// Device identity stated by an OT protocol probe.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DeviceIdentity {
    /// Where it came from, e.g. the Nmap script id `s7-info`.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firmware: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Order number / module type (e.g. a Siemens `6ES7 …` article number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl DeviceIdentity {
    pub fn is_empty(&self) -> bool {
        self.vendor.is_none()
            && self.product.is_none()
            && self.model.is_none()
            && self.firmware.is_none()
            && self.serial.is_none()
            && self.module.is_none()
            && self.name.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
    Other,
}

impl Protocol {
    pub fn parse(s: &str) -> Protocol {
        match s.trim().to_ascii_lowercase().as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "sctp" => Protocol::Sctp,
            _ => Protocol::Other,
        }
    }
}

/// A listening service (an open port).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanService {
    pub protocol: Protocol,
    pub port: u16,
    /// The scanner's state word (`open`); readers keep only open ports.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Extra information or banner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cpes: Vec<String>,
}

/// A CVSS score as the scanner gave it (not recomputed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanCvss {
    /// `2`, `3`, `4` or `unknown` when the file does not say.
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
}

/// A scanner's vulnerability claim (one plugin / NVT / QID result on one host and port).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScanVuln {
    /// The scanner's own id: Nessus plugin id, OpenVAS NVT OID, Qualys QID, Nexpose id, a
    /// vulners entry id.
    pub scanner_id: String,
    pub title: String,
    /// The scanner's own severity, as written (`0`–`4` for Nessus, `High`, `5`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<ScanCvss>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cves: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
    /// Plugin output / evidence, truncated to [`crate::limits::MAX_EVIDENCE`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    Application,
    Framework,
    Library,
    Container,
    Platform,
    OperatingSystem,
    Device,
    DeviceDriver,
    Firmware,
    File,
    Other,
}

impl ComponentKind {
    /// CycloneDX `type` and SPDX `primaryPackagePurpose` words (case and `_`/`-` ignored).
    pub fn parse(s: &str) -> ComponentKind {
        let k: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        match k.as_str() {
            "application" | "install" => ComponentKind::Application,
            "framework" => ComponentKind::Framework,
            "library" => ComponentKind::Library,
            "container" => ComponentKind::Container,
            "platform" => ComponentKind::Platform,
            "operatingsystem" => ComponentKind::OperatingSystem,
            "device" | "machine" => ComponentKind::Device,
            "devicedriver" => ComponentKind::DeviceDriver,
            "firmware" => ComponentKind::Firmware,
            "file" => ComponentKind::File,
            _ => ComponentKind::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hash {
    pub alg: String,
    pub value: String,
}

/// A piece of software, firmware or hardware.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    pub kind: ComponentKind,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Supplier, manufacturer, publisher or author, whichever the file gives first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cpes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    /// CycloneDX `bom-ref` or SPDX `SPDXID`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    /// The `bom-ref` of the component this one is nested in (CycloneDX nested components).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// True for the document's subject (CycloneDX `metadata.component`, SPDX `documentDescribes`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub subject: bool,
}

impl Component {
    pub fn new(kind: ComponentKind, name: String) -> Component {
        Component {
            kind,
            name,
            group: None,
            version: None,
            supplier: None,
            cpes: Vec::new(),
            purl: None,
            hashes: Vec::new(),
            bom_ref: None,
            parent: None,
            subject: false,
        }
    }
}

/// One rating of an SBOM vulnerability.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rating {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
}

/// A VEX analysis of a vulnerability (CycloneDX `analysis`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Analysis {
    /// `resolved`, `resolved_with_pedigree`, `exploitable`, `in_triage`, `false_positive`,
    /// `not_affected` as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An affected reference with its version statements.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Affects {
    /// A `bom-ref` in this document, or a BOM-Link (`urn:cdx:…`) into another one.
    pub bom_ref: String,
    /// `(version or range, status)` pairs as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<(String, Option<String>)>,
}

/// A vulnerability statement in an SBOM, VDR or VEX document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BomVulnerability {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    /// CVE ids: the id itself when it is one, and any CVE among references/aliases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cves: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub affects: Vec<Affects>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
}

/// Counts of what a file held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub hosts: u64,
    pub services: u64,
    /// Vulnerability claims: scanner results on hosts plus SBOM vulnerability statements.
    pub vulnerabilities: u64,
    pub components: u64,
    /// SBOM vulnerability statements that carry a VEX analysis.
    pub vex_statements: u64,
    /// CVE references over all claims (not distinct).
    pub cve_refs: u64,
}

impl Summary {
    pub fn add(&mut self, item: &Item) {
        match item {
            Item::Host(h) => {
                self.hosts += 1;
                self.services += h.services.len() as u64;
                self.vulnerabilities += h.vulns.len() as u64;
                self.components += h.components.len() as u64;
                self.cve_refs += h.vulns.iter().map(|v| v.cves.len() as u64).sum::<u64>();
            }
            Item::Component(_) => self.components += 1,
            Item::Vulnerability(v) => {
                self.vulnerabilities += 1;
                self.cve_refs += v.cves.len() as u64;
                if v.analysis.is_some() {
                    self.vex_statements += 1;
                }
            }
        }
    }
}

/// A whole file read into memory: for small files, dry runs and tests. Importers stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    pub format: crate::Format,
    pub summary: Summary,
    pub hosts: Vec<ScanHost>,
    pub components: Vec<Component>,
    pub vulnerabilities: Vec<BomVulnerability>,
}
