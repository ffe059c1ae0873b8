//! The round-trip law: reading what the writer wrote gives the same plant back, and writing is
//! deterministic.

use std::net::IpAddr;

use inventory::{read_plant, write_plant};
use model::{
    Action, Asset, AssetKind, Attachment, CertifiedBaseline, Component, ComponentKind, Conduit, Date, Direction,
    Endpoint, Enforcement, EnforcementKind, EntryKind, EntryPoint, IpNet, MacAddr, MissionImpact, Plant, PortRange,
    Protocol, Purdue, Rule, SafetyImpact, SecurityLevels, Service, Site, Support, SupportStatus, Zone,
};

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Three sites, twelve zones at every Purdue level, conduits with every kind of endpoint and
/// enforcement, every kind of attachment and 120 assets using every field.
pub fn hand_built() -> Plant {
    let mut p = Plant::default();
    for (i, (id, tz)) in
        [("north", Some("Europe/Berlin")), ("south", None), ("east", Some("America/Chicago"))].into_iter().enumerate()
    {
        p.sites.push(Site {
            id: id.into(),
            name: format!("Plant {id} — \"main\" works"),
            location: (i != 1).then(|| format!("Street {i}\nBuilding C")),
            timezone: tz.map(str::to_string),
            description: (i == 2).then(|| "tab\there, backslash \\ and a bell \u{7}".to_string()),
            policy: if i == 0 {
                model::SitePolicy {
                    immediate_days: Some(1),
                    out_of_cycle_days: Some(10),
                    scheduled_days: Some(120),
                    defer_review_days: Some(0),
                    bod_26_04_deadlines: true,
                    unknown_exploitation_active: true,
                    assumed_safety_impact: Some(model::SafetyImpact::Critical),
                    assumed_mission_impact: Some(model::MissionImpact::MefFailure),
                }
            } else {
                Default::default()
            },
        });
    }
    let levels = Purdue::ALL;
    for i in 0..12u8 {
        let v6 = format!("fd00:{i}::/64");
        p.zones.push(Zone {
            id: format!("z{i}"),
            site: p.sites[usize::from(i) % 3].id.clone(),
            name: format!("Zone {i}"),
            purdue: levels[usize::from(i) % levels.len()],
            subnets: if i == 11 { vec![] } else { vec![net(&format!("10.{i}.0.0/16")), net(&v6)] },
            target_sl: match i % 3 {
                0 => None,
                1 => Some(SecurityLevels::uniform(i % 5).unwrap()),
                _ => Some(SecurityLevels([1, 2, 3, 4, 0, 1, 2])),
            },
            safety: i % 4 == 0,
            description: (i % 2 == 0).then(|| format!("zone number {i}")),
        });
    }
    let enforcement = [
        EnforcementKind::Firewall,
        EnforcementKind::DataDiode,
        EnforcementKind::RouterAcl,
        EnforcementKind::Vlan,
        EnforcementKind::None,
    ];
    for i in 0..11usize {
        let (a, b) = (format!("z{i}"), format!("z{}", i + 1));
        let kind = enforcement[i % enforcement.len()];
        let mut rules = Vec::new();
        let endpoints = [
            Endpoint::Any,
            Endpoint::Zone(a.clone()),
            Endpoint::Zone(b.clone()),
            Endpoint::Asset(format!("A-{}", i * 10)),
            Endpoint::Net(net(&format!("10.{i}.1.0/24"))),
            Endpoint::Net(net(&format!("10.{}.0.7/32", i + 1))),
            Endpoint::Net(net(&format!("fd00:{i}::/64"))),
        ];
        for (j, from) in endpoints.iter().enumerate() {
            let to = endpoints[(j + 2) % endpoints.len()].clone();
            let protocol = Protocol::ALL[j % Protocol::ALL.len()];
            let ports = match (protocol, j % 3) {
                (Protocol::Icmp | Protocol::Ethernet, _) | (_, 0) => vec![],
                (_, 1) => vec![PortRange::single(502)],
                _ => vec![PortRange::single(0), PortRange { first: 1024, last: 65535 }, PortRange::single(65535)],
            };
            rules.push(Rule {
                id: format!("r{j}"),
                from: from.clone(),
                to,
                protocol,
                ports,
                direction: if kind == EnforcementKind::DataDiode || j % 2 == 0 {
                    Direction::OneWay
                } else {
                    Direction::Both
                },
                action: if j == 6 { Action::Deny } else { Action::Allow },
                application: (j % 2 == 1).then(|| "opcua".to_string()),
                description: (j == 3).then(|| "engineering access".to_string()),
                source: None,
            });
        }
        p.conduits.push(Conduit {
            id: format!("c{i}"),
            name: format!("{a} to {b}"),
            zones: [a, b],
            enforcement: Enforcement { kind, name: (i % 2 == 0).then(|| format!("FW-{i}")) },
            rules: if i == 10 { vec![] } else { rules },
            description: (i == 3).then(|| "cross-site".to_string()),
        });
    }
    p.entry_points.push(EntryPoint {
        id: "corp".into(),
        kind: EntryKind::Enterprise,
        name: "Corporate LAN".into(),
        attachments: vec![Attachment::Zone { zone: "z6".into() }],
        description: None,
    });
    p.entry_points.push(EntryPoint {
        id: "remote".into(),
        kind: EntryKind::VendorRemoteAccess,
        name: "Vendor access".into(),
        attachments: vec![
            Attachment::Vpn { gateway: "A-50".into(), zone: "z5".into(), mfa: true, ports: vec![] },
            Attachment::JumpHost { host: "A-51".into(), mfa: false },
            Attachment::PortForward {
                public_address: Some(ip("2001:db8::7")),
                public_port: 3389,
                asset: "A-52".into(),
                protocol: Protocol::Any,
                port: 3389,
            },
            Attachment::PortForward {
                public_address: None,
                public_port: 0,
                asset: "A-53".into(),
                protocol: Protocol::Udp,
                port: 65535,
            },
        ],
        description: Some("OEM support".into()),
    });
    for (k, kind) in [EntryKind::Internet, EntryKind::Wireless, EntryKind::TransientDevice].into_iter().enumerate() {
        p.entry_points.push(EntryPoint {
            id: format!("e{k}"),
            kind,
            name: format!("Entry {k}"),
            attachments: vec![Attachment::Zone { zone: format!("z{k}") }],
            description: None,
        });
    }
    for n in 0..120usize {
        let z = n / 10;
        let kind = AssetKind::ALL[n % AssetKind::ALL.len()];
        let mut a = Asset::new(format!("A-{n}"), format!("Asset {n}"), format!("z{z}"), kind);
        if z != 11 {
            a.ips = vec![ip(&format!("10.{z}.0.{}", n + 1))];
            if n % 3 == 0 {
                a.ips.push(ip(&format!("fd00:{z}::{:x}", n + 1)));
            }
        } else {
            // A zone without subnets takes any address.
            a.ips = vec![ip(&format!("192.168.77.{n}"))];
        }
        if n % 2 == 0 {
            a.macs = vec![MacAddr([0, 0x1b, 0x1b, 0, 0, n as u8]), MacAddr([0xff; 6])];
        }
        let some = |s: &str| (n % 4 != 3).then(|| format!("{s} {n}"));
        a.identity.vendor = some("Vendor");
        a.identity.product = some("Product");
        a.identity.model = some("6ES7 516-3AN02-0AB0 /");
        a.identity.hardware_version = (n % 5 == 0).then(String::new);
        a.identity.firmware = some("V2.9.");
        a.identity.os = (n % 7 == 0).then(|| "Windows 10 Enterprise LTSC 2019 (10.0.17763.5329)".to_string());
        a.identity.serial = some("SN");
        a.owner = some("Team");
        a.line = some("Line");
        a.location = some("Hall \"2\"");
        a.mission_impact = (n % 5 != 0).then(|| MissionImpact::ALL[n % 4]);
        a.safety_impact = (n % 6 != 0).then(|| SafetyImpact::ALL[n % 4]);
        a.redundancy_group = (n % 8 == 0).then(|| format!("grp{}", n / 16));
        a.support = match n % 4 {
            0 => None,
            1 => Some(Support { status: SupportStatus::Unknown, end_of_life: None }),
            2 => Some(Support { status: SupportStatus::Unknown, end_of_life: Some(date(2030, 6, 30)) }),
            _ => Some(Support { status: SupportStatus::ALL[n % 3], end_of_life: Some(date(2025, 12, 31)) }),
        };
        a.certified_baseline = (n % 9 == 0).then(|| CertifiedBaseline {
            source: "OEM compatibility list".into(),
            name: format!("Baseline {n}"),
            date: (n % 2 == 0).then(|| date(2024, 2, 29)),
            items: if n % 4 == 0 {
                vec![]
            } else {
                vec!["Windows 10 22H2 2024-01 CU".into(), "WinCC V8.0 Update 4".into()]
            },
        });
        a.components = (0..n % 3)
            .map(|c| Component {
                kind: ComponentKind::ALL[(n + c) % ComponentKind::ALL.len()],
                vendor: (c == 0).then(|| "Siemens".to_string()),
                name: format!("component {c}"),
                version: Some(format!("{c}.0")),
                cpe: (c == 1).then(|| "cpe:2.3:a:siemens:wincc:8.0:update_4:*:*:*:*:*:*".to_string()),
                purl: (c == 0).then(|| "pkg:pypi/requests@2.31.0".to_string()),
            })
            .collect();
        a.services = (0..n % 4)
            .map(|s| Service {
                protocol: [Protocol::Tcp, Protocol::Udp, Protocol::Ethernet][s % 3],
                port: [102, 502, 0, 65535][s],
                name: (s != 2).then(|| "s7comm".to_string()),
            })
            .collect();
        if n > 0 && n % 5 == 0 {
            a.depends_on = vec![format!("A-{}", n - 1), format!("A-{}", n - 5)];
        }
        a.tags = (0..n % 3).map(|t| format!("tag {t}, with comma")).collect();
        a.description = (n % 10 == 0).then(|| "ünïcödé ✓ and 'quotes'".to_string());
        p.assets.push(a);
    }
    p
}

fn round_trip(p: &Plant) {
    let problems = p.problems();
    assert!(problems.is_empty(), "the plant under test is not valid: {problems:?}");
    let text = write_plant(p);
    let back = read_plant("written.toml", &text).unwrap_or_else(|e| panic!("{e}\n--- written:\n{text}"));
    if &back != p {
        for (a, b) in p.assets.iter().zip(&back.assets) {
            assert_eq!(a, b);
        }
        assert_eq!(&back, p);
    }
    assert_eq!(write_plant(&back), text, "writing is deterministic");
}

#[test]
fn hand_built_plant_round_trips() {
    let p = hand_built();
    assert!(p.assets.len() >= 100 && p.zones.len() >= 10);
    round_trip(&p);
}

#[test]
fn small_plant_file_round_trips() {
    let p = read_plant("small-plant.toml", &crate::fixture("data/small-plant.toml")).unwrap();
    round_trip(&p);
}

#[test]
fn demo_plant_round_trips() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/data/demo-plant.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("{} does not exist yet; skipped", path.display());
        return;
    };
    let p = read_plant("demo-plant.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    round_trip(&p);
}

#[test]
fn output_is_canonical() {
    let p = read_plant("small-plant.toml", &crate::fixture("data/small-plant.toml")).unwrap();
    let text = write_plant(&p);
    assert!(text.starts_with("format = \"patchwise-plant/1\"\n\n[[site]]\nid = \"plant1\"\n"));
    assert!(text.contains("purdue = 3.5\n"));
    assert!(text.contains("enforcement = \"data-diode\"\n"));
    assert!(text.contains("kind = \"plc\"\n"));
    assert!(text.contains("mission_impact = \"mef-support-crippled\"\n"));
    assert!(text.contains("action = \"allow\"\n"));
    assert!(text.contains("ports = [102, 44818, \"2000-2010\"]\n"));
    assert!(text.contains("target_sl = [2, 2, 3, 1, 2, 1, 3]\n"));
    assert!(text.contains("end_of_life = 2031-12-31\n"));
    assert!(text.contains("macs = [\"00:1b:1b:aa:bb:02\"]\n"));
    assert!(!text.contains("safety = false"));
    assert!(!text.contains("hardware_version = \n"));
}
