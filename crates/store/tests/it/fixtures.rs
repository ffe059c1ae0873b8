//! Test plants, built in Rust: a small hand-written plant with every kind of record and a
//! generator for large ones.

use std::net::IpAddr;

use model::*;
use store::ImportSource;

pub fn source(kind: &str) -> ImportSource {
    ImportSource {
        kind: kind.to_string(),
        path: format!("{kind}.input"),
        digest: Some(String::from("00ff")),
        at: String::from("2025-03-01T10:00:00Z"),
    }
}

pub fn site(id: &str, name: &str) -> Site {
    Site {
        id: id.into(),
        name: name.into(),
        location: None,
        timezone: Some("Europe/Berlin".into()),
        description: None,
        policy: Default::default(),
    }
}

pub fn zone(id: &str, site: &str, purdue: Purdue, subnets: &[&str]) -> Zone {
    Zone {
        id: id.into(),
        site: site.into(),
        name: format!("Zone {id}"),
        purdue,
        subnets: subnets.iter().map(|s| parse_subnet(s).unwrap()).collect(),
        target_sl: Some(SecurityLevels::uniform(2).unwrap()),
        safety: false,
        description: None,
    }
}

pub fn asset(id: &str, zone: &str, kind: AssetKind, vendor: &str, product: &str, ips: &[&str]) -> Asset {
    let mut a = Asset::new(id, format!("{product} {id}"), zone, kind);
    a.ips = ips.iter().map(|s| s.parse::<IpAddr>().unwrap()).collect();
    a.identity.vendor = Some(vendor.into());
    a.identity.product = Some(product.into());
    a.identity.firmware = Some("1.0".into());
    a
}

pub fn component(name: &str, version: &str, cpe: Option<&str>) -> Component {
    Component {
        kind: ComponentKind::Firmware,
        vendor: Some("ACME".into()),
        name: name.into(),
        version: Some(version.into()),
        cpe: cpe.map(Into::into),
        purl: None,
    }
}

pub fn service(protocol: Protocol, port: u16, name: &str) -> Service {
    Service { protocol, port, name: Some(name.into()) }
}

/// A CSV-origin asset, as an inventory import would deliver it.
pub fn csv_asset(id: &str, zone: &str) -> Asset {
    let mut a = asset(id, zone, AssetKind::Unknown, "Moxa", "NPort 5150", &[]);
    a.origin = Origin::Csv;
    a
}

/// Two sites, four zones, two conduits, two entry points, seven assets. Records are listed out
/// of id order on purpose.
pub fn small_plant() -> Plant {
    let mut plc1 = asset("PLC-1", "cell1", AssetKind::Plc, "Siemens", "S7-1500", &["10.10.1.10"]);
    plc1.identity.model = Some("6ES7 516-3AN02-0AB0".into());
    plc1.components =
        vec![component("S7-1500 firmware", "2.9.4", Some("cpe:2.3:o:siemens:s7-1500_firmware:2.9.4:*:*:*:*:*:*:*"))];
    plc1.services = vec![service(Protocol::Tcp, 102, "s7comm"), service(Protocol::Tcp, 443, "https")];
    plc1.mission_impact = Some(MissionImpact::MefFailure);
    plc1.safety_impact = Some(SafetyImpact::Critical);
    plc1.owner = Some("controls".into());

    let mut plc2 = asset("PLC-2", "cell1", AssetKind::Plc, "Rockwell", "ControlLogix", &["10.10.1.11", "10.10.1.12"]);
    plc2.identity.model = Some("1756-L83E".into());
    plc2.services = vec![service(Protocol::Tcp, 44818, "enip")];

    let mut hmi = asset("HMI-1", "cell2", AssetKind::Hmi, "Siemens", "Comfort Panel", &["10.20.2.5"]);
    hmi.depends_on = vec!["PLC-1".into()];
    hmi.components = vec![component("WinCC", "17", None), component("Windows CE", "7", None)];

    let rtu = asset("RTU_50%", "cell2", AssetKind::Rtu, "ABB", "RTU560", &["10.20.2.6"]);
    let hist = asset("HIST-1", "dmz", AssetKind::Historian, "AVEVA", "PI Server", &["10.1.0.5"]);
    let fw = asset("FW-1", "dmz", AssetKind::Firewall, "Fortinet", "FortiGate", &["10.1.0.1"]);
    let ews = asset("EWS-1", "ent", AssetKind::EngineeringWorkstation, "Dell", "Precision", &[]);

    Plant {
        sites: vec![site("south", "South works"), site("north", "North works")],
        zones: vec![
            zone("ent", "north", Purdue::L4, &["10.0.0.0/16"]),
            zone("dmz", "north", Purdue::L3_5, &["10.1.0.0/24"]),
            zone("cell1", "north", Purdue::L1, &["10.10.1.0/24"]),
            zone("cell2", "south", Purdue::L2, &["10.20.2.0/24", "10.20.3.0/24"]),
        ],
        conduits: vec![
            Conduit {
                id: "ent-dmz".into(),
                name: "Enterprise to DMZ".into(),
                zones: ["ent".into(), "dmz".into()],
                enforcement: Enforcement { kind: EnforcementKind::Firewall, name: Some("FW-1".into()) },
                rules: vec![Rule {
                    id: "r1".into(),
                    from: Endpoint::Zone("ent".into()),
                    to: Endpoint::Asset("HIST-1".into()),
                    protocol: Protocol::Tcp,
                    ports: vec![PortRange::single(443)],
                    direction: Direction::OneWay,
                    action: Action::Allow,
                    application: Some("https".into()),
                    description: None,
                    source: None,
                }],
                description: None,
            },
            Conduit {
                id: "dmz-cell1".into(),
                name: "DMZ to cell 1".into(),
                zones: ["dmz".into(), "cell1".into()],
                enforcement: Enforcement { kind: EnforcementKind::Firewall, name: None },
                rules: vec![],
                description: None,
            },
        ],
        entry_points: vec![
            EntryPoint {
                id: "vendor-vpn".into(),
                kind: EntryKind::VendorRemoteAccess,
                name: "Vendor VPN".into(),
                attachments: vec![Attachment::Vpn {
                    gateway: "FW-1".into(),
                    zone: "dmz".into(),
                    mfa: true,
                    ports: vec![],
                }],
                description: None,
            },
            EntryPoint {
                id: "internet".into(),
                kind: EntryKind::Internet,
                name: "Internet".into(),
                attachments: vec![Attachment::Zone { zone: "ent".into() }],
                description: None,
            },
        ],
        assets: vec![plc2, plc1, hmi, rtu, hist, fw, ews],
    }
}

/// The plant with every record list sorted by id, as the store returns it.
pub fn sorted(mut p: Plant) -> Plant {
    p.sites.sort_by(|a, b| a.id.cmp(&b.id));
    p.zones.sort_by(|a, b| a.id.cmp(&b.id));
    p.conduits.sort_by(|a, b| a.id.cmp(&b.id));
    p.entry_points.sort_by(|a, b| a.id.cmp(&b.id));
    p.assets.sort_by(|a, b| a.id.cmp(&b.id));
    p
}

pub fn record_count(p: &Plant) -> usize {
    p.sites.len() + p.zones.len() + p.conduits.len() + p.entry_points.len() + p.assets.len()
}

/// A synthetic plant of `n` assets over 100 zones, each asset with two addresses, two
/// components and two services, like the demo generator's.
pub fn generated_plant(n: usize) -> Plant {
    let zones = 100;
    let mut p = Plant { sites: vec![site("s1", "Site 1"), site("s2", "Site 2")], ..Plant::default() };
    for z in 0..zones {
        let purdue = [Purdue::L1, Purdue::L2, Purdue::L3][z % 3];
        let s = if z < zones / 2 { "s1" } else { "s2" };
        p.zones.push(zone(&format!("z{z:03}"), s, purdue, &[&format!("10.{z}.0.0/16")]));
    }
    for i in 0..n {
        let z = i % zones;
        let m = i / zones;
        let kind = [AssetKind::Plc, AssetKind::Hmi, AssetKind::Drive, AssetKind::Server][i % 4];
        let ip = |k: usize| format!("10.{z}.{}.{}", (2 * m + k) / 256, (2 * m + k) % 256);
        let mut a = asset(
            &format!("A{i:06}"),
            &format!("z{z:03}"),
            kind,
            ["Siemens", "Rockwell", "Schneider", "ABB"][i % 4],
            ["S7-1500", "ControlLogix", "M580", "AC500"][i % 4],
            &[&ip(0), &ip(1)],
        );
        a.identity.model = Some(format!("MODEL-{}", i % 37));
        a.components = vec![
            component(
                "firmware",
                &format!("2.{}", i % 9),
                Some(&format!("cpe:2.3:o:acme:fw:2.{}:*:*:*:*:*:*:*", i % 9)),
            ),
            component("web server", "1.4", None),
        ];
        a.services = vec![service(Protocol::Tcp, 502, "modbus"), service(Protocol::Tcp, 443, "https")];
        a.mission_impact = Some(MissionImpact::Degraded);
        a.owner = Some("operations".into());
        p.assets.push(a);
    }
    p
}

// ---------------------------------------------------------------------------------------------
// Intelligence records, hand-built.

pub mod intel {
    use model::advisory::*;

    /// A provenance as a reader would write it, read from `file`.
    pub fn prov(source: Source, document: &str, revision: Option<&str>) -> Provenance {
        Provenance {
            source,
            document: document.into(),
            revision: revision.map(Into::into),
            file: Some(format!("feeds/{document}.json")),
            digest: Some("ab".repeat(32)),
            retrieved_at: Some("2025-03-01T10:00:00Z".into()),
        }
    }

    /// The same record as read from another file at another time.
    pub fn elsewhere(mut p: Provenance) -> Provenance {
        p.file = Some("mirror/other-name.json.gz".into());
        p.digest = Some("cd".repeat(32));
        p.retrieved_at = Some("2025-04-01T08:00:00Z".into());
        p
    }

    pub fn advisory(id: &str, source: Source, modified: Option<&str>, revision: Option<&str>) -> Advisory {
        let (kind, document) = match source {
            Source::Nvd2 => (AdvisoryKind::Cve, "nvdcve-2.0-2022".to_string()),
            Source::Nvd11 => (AdvisoryKind::Cve, "nvdcve-1.1-2022".to_string()),
            Source::Csaf => (AdvisoryKind::VendorAdvisory, id.to_lowercase()),
            _ => (AdvisoryKind::Cve, id.to_string()),
        };
        Advisory {
            id: id.into(),
            kind,
            aliases: vec![],
            title: Some(format!("{id}: out-of-bounds write")),
            description: Some("A crafted packet crashes the web server.".into()),
            cwes: vec!["CWE-787".into()],
            published: Some("2022-08-10T17:15:00Z".into()),
            modified: modified.map(Into::into),
            rejected: false,
            cvss: vec![CvssVector {
                vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
                scored_by: Some("nvd".into()),
                published_score: Some("9.8".into()),
                vulnerability: None,
            }],
            affected: vec![AffectedStatement {
                vulnerability: id.into(),
                target: Target::Product {
                    product: ProductName {
                        vendor: Some("ACME".into()),
                        product: Some("Web PLC".into()),
                        ..ProductName::default()
                    },
                    versions: VersionSpec::Range {
                        start: None,
                        end: Some(Bound { version: "4.1.1".into(), inclusive: false }),
                    },
                },
                status: ProductStatus::Affected,
                justification: None,
                detail: None,
            }],
            remediations: vec![],
            references: vec![Reference {
                url: format!("https://example.invalid/{id}"),
                tags: vec!["Vendor Advisory".into()],
            }],
            warnings: vec![],
            provenance: prov(source, &document, revision),
        }
    }

    /// A CVE 5 ADP container's advisory: one record per container.
    pub fn adp(cve: &str, short_name: &str, updated: &str) -> Advisory {
        let mut a = advisory(cve, Source::Cve5Adp, Some(updated), Some(updated));
        a.provenance = prov(Source::Cve5Adp, &format!("{cve}#adp/{short_name}"), Some(updated));
        a.title = None;
        a
    }

    /// A CSAF advisory covering `cves`.
    pub fn csaf(id: &str, version: &str, released: &str, cves: &[&str]) -> Advisory {
        let mut a = advisory(id, Source::Csaf, Some(released), Some(version));
        a.aliases = cves.iter().map(|c| c.to_string()).collect();
        a
    }

    pub fn kev(cve: &str, source: Source, revision: Option<&str>) -> KevEntry {
        let catalog = source == Source::Kev;
        KevEntry {
            cve: cve.into(),
            vendor_project: catalog.then(|| "ACME".into()),
            product: catalog.then(|| "Web PLC".into()),
            name: catalog.then(|| "ACME Web PLC Out-of-Bounds Write".into()),
            date_added: "2024-02-01".into(),
            due_date: catalog.then(|| "2024-02-22".into()),
            required_action: catalog.then(|| "Apply mitigations per vendor instructions.".into()),
            ransomware: RansomwareUse::Unknown,
            description: None,
            notes: None,
            cwes: vec![],
            provenance: prov(source, if catalog { "cisa-kev" } else { cve }, revision),
        }
    }

    pub fn epss(cve: &str, date: &str, score: f64) -> EpssScore {
        EpssScore {
            cve: cve.into(),
            score,
            percentile: score / 2.0 + 0.5,
            date: date.into(),
            model_version: Some("v2023.03.01".into()),
            provenance: prov(Source::Epss, "first-epss", Some(&format!("{date}T00:00:00+0000"))),
        }
    }

    pub fn ssvc(cve: &str, role: Option<&str>, timestamp: &str, exploitation: Exploitation) -> SsvcPoints {
        SsvcPoints {
            cve: cve.into(),
            exploitation: Some(exploitation),
            automatable: Some(true),
            technical_impact: None,
            role: role.map(Into::into),
            version: Some("2.0.3".into()),
            timestamp: Some(timestamp.into()),
            provenance: prov(Source::Cve5Adp, &format!("{cve}#adp/CISA-ADP"), Some(timestamp)),
        }
    }

    /// An NVD 2.0 advisory the size of a typical one: 0 to 16 CPE matches (8 on average, as in
    /// the NVD 2022 feed), two vectors, two references; about 3 KB of JSON, `heavy` about 5 KB.
    pub fn nvd_like(i: usize, heavy: bool) -> Advisory {
        let id = format!("CVE-2022-{i:05}");
        let modified = format!("2022-{:02}-{:02}T{:02}:15:03.187", i % 12 + 1, i % 28 + 1, i % 24);
        let mut a = advisory(&id, Source::Nvd2, Some(&modified), Some(&modified));
        let repeat = if heavy { 6 } else { 3 };
        a.description =
            Some(format!("{id}: {}", "A buffer overflow in the web interface allows code execution. ".repeat(repeat)));
        let matches = (0..if heavy { 16 } else { i % 17 })
            .map(|k| CpeMatch {
                vulnerable: k % 4 != 3,
                criteria: format!("cpe:2.3:o:vendor{}:product_{k}_firmware:*:*:*:*:*:*:*:*", i % 97),
                version_start_including: Some(format!("{k}.0")),
                version_start_excluding: None,
                version_end_including: None,
                version_end_excluding: Some(format!("{k}.{}.{}", i % 10, i % 7)),
                match_criteria_id: None,
            })
            .collect();
        a.affected.push(AffectedStatement {
            vulnerability: id.clone(),
            target: Target::Configuration {
                configuration: Configuration {
                    operator: Operator::Or,
                    negate: false,
                    nodes: vec![ConfigNode { operator: Operator::Or, negate: false, matches, children: vec![] }],
                },
            },
            status: ProductStatus::Affected,
            justification: None,
            detail: None,
        });
        a.cvss.push(CvssVector {
            vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P".into(),
            scored_by: Some("nvd".into()),
            published_score: Some("7.5".into()),
            vulnerability: None,
        });
        a.references = (0..if heavy { 6 } else { 2 })
            .map(|k| Reference {
                url: format!("https://vendor.example.invalid/advisories/{id}/{k}"),
                tags: vec!["Third Party Advisory".into()],
            })
            .collect();
        a
    }

    pub fn rec(a: Advisory) -> IntelRecord {
        IntelRecord::Advisory(Box::new(a))
    }
}
