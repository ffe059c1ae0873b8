//! Reading a valid plant file: defaults, aliases and what ends up in the model.

use inventory::read_plant;
use model::{
    Action, AssetKind, Attachment, ComponentKind, Direction, Endpoint, EnforcementKind, MissionImpact, Origin,
    PortRange, Protocol, Purdue, SecurityLevels, SupportStatus,
};

fn small() -> model::Plant {
    read_plant("small-plant.toml", &crate::fixture("data/small-plant.toml")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn records_and_defaults() {
    let p = small();
    assert_eq!((p.sites.len(), p.zones.len(), p.conduits.len(), p.entry_points.len(), p.assets.len()), (1, 3, 2, 2, 3));

    // Zone site defaults to the only site; Purdue accepts numbers, strings and aliases.
    let idmz = &p.zones[1];
    assert_eq!(idmz.site, "plant1");
    assert_eq!(idmz.purdue, Purdue::L3_5);
    assert_eq!(idmz.target_sl, Some(SecurityLevels([2; 7])));
    assert!(!idmz.safety);
    let cell = &p.zones[2];
    assert_eq!(cell.target_sl, Some(SecurityLevels([2, 2, 3, 1, 2, 1, 3])));
    assert!(cell.safety);
    assert_eq!(cell.subnets.len(), 2);

    // Rule defaults: tcp, one-way, allow; aliases read to canonical values.
    let c = &p.conduits[0];
    assert_eq!(c.enforcement.kind, EnforcementKind::Firewall);
    assert_eq!(c.enforcement.name.as_deref(), Some("FW-OT-1"));
    let r1 = &c.rules[0];
    assert_eq!(r1.from, Endpoint::Asset("HIST-1".into()));
    assert_eq!(r1.to, Endpoint::Zone("cell1".into()));
    assert_eq!(r1.ports, vec![PortRange::single(102), PortRange::single(44818), PortRange { first: 2000, last: 2010 }]);
    assert_eq!((r1.protocol, r1.direction, r1.action), (Protocol::Tcp, Direction::OneWay, Action::Allow));
    let r2 = &c.rules[1];
    assert_eq!((r2.protocol, r2.direction, r2.action), (Protocol::Icmp, Direction::Both, Action::Allow));
    assert_eq!(p.conduits[1].enforcement.kind, EnforcementKind::DataDiode);
    assert_eq!(p.conduits[1].rules[0].protocol, Protocol::Tcp);

    let vendor = &p.entry_points[1];
    assert_eq!(vendor.attachments.len(), 3);
    assert_eq!(
        vendor.attachments[0],
        Attachment::Vpn { gateway: "VPN-1".into(), zone: "idmz".into(), mfa: true, ports: vec![] }
    );
    assert_eq!(vendor.attachments[1], Attachment::JumpHost { host: "HIST-1".into(), mfa: false });
    match &vendor.attachments[2] {
        Attachment::PortForward { public_address, public_port, asset, protocol, port } => {
            assert_eq!(public_address.map(|a| a.to_string()).as_deref(), Some("198.51.100.7"));
            assert_eq!((*public_port, asset.as_str(), *protocol, *port), (8443, "HIST-1", Protocol::Tcp, 443));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn assets() {
    let p = small();
    let vpn = &p.assets[0];
    assert_eq!(vpn.name, "VPN-1", "name defaults to the id");
    assert!(p.assets.iter().all(|a| a.origin == Origin::PlantFile));

    let hist = &p.assets[1];
    assert_eq!(hist.mission_impact, Some(MissionImpact::MefSupportCrippled));
    assert_eq!(hist.macs[0].to_string(), "00:1b:1b:aa:bb:01");
    assert_eq!(hist.components[0].kind, ComponentKind::OperatingSystem);
    assert_eq!(hist.services[0].protocol, Protocol::Tcp);

    let plc = &p.assets[2];
    assert_eq!(plc.kind, AssetKind::Plc);
    assert_eq!(plc.ips.len(), 2);
    assert_eq!(plc.identity.model.as_deref(), Some("6ES7 516-3AN02-0AB0"));
    let support = plc.support.as_ref().unwrap();
    assert_eq!(support.status, SupportStatus::Supported);
    assert_eq!(support.end_of_life.unwrap().to_string(), "2031-12-31");
    let b = plc.certified_baseline.as_ref().unwrap();
    assert_eq!((b.name.as_str(), b.items.len()), ("Filler baseline 4", 1));
    assert_eq!(plc.services[1].protocol, Protocol::Udp);
    assert_eq!(plc.tags, vec!["filler", "profinet"]);
}

#[test]
fn byte_order_mark_is_ignored_and_columns_count_characters() {
    let text = format!("\u{feff}{}", crate::fixture("data/small-plant.toml"));
    assert!(read_plant("bom.toml", &text).is_ok());
    let text = "\u{feff}format = \"patchwise-plant/1\"\n[[site]]\nid = \"ü\"\nname = \"Zürich\" ; x = 1\n";
    let e = read_plant("bom.toml", text).unwrap_err();
    // `name = "Zürich" ` is 16 characters (17 bytes) before the stray `;`.
    assert_eq!((e.errors[0].line, e.errors[0].column), (4, 17), "{e}");
}

#[test]
fn empty_file_needs_format_site_and_zone() {
    let e = read_plant("empty.toml", "").unwrap_err();
    let keys: Vec<(&str, usize, usize)> = e.errors.iter().map(|e| (e.key.as_str(), e.line, e.column)).collect();
    assert_eq!(keys, vec![("format", 1, 1), ("site", 1, 1), ("zone", 1, 1)], "{e}");
}

#[test]
fn problems_are_capped_at_a_thousand() {
    let mut text = String::from("format = \"patchwise-plant/1\"\n[[site]]\nid = \"s\"\nname = \"S\"\n");
    text.push_str("[[zone]]\nid = \"z\"\nname = \"Z\"\npurdue = 1\n");
    for i in 0..1500 {
        text.push_str(&format!("[[asset]]\nid = \"A-{i}\"\nzone = \"z\"\nkind = \"plcc\"\n"));
    }
    let e = read_plant("big.toml", &text).unwrap_err();
    assert_eq!(e.errors.len(), 1000);
    assert_eq!(e.omitted, 500);
    assert_eq!(e.len(), 1500);
    assert!(e.to_string().ends_with("big.toml: 500 more problems not shown (stopped collecting after 1000)"));
}

#[test]
fn inline_tables_and_dotted_keys_are_read_too() {
    let text = r#"
format = "patchwise-plant/1"
site = [{ id = "s", name = "S" }]
zone = [{ id = "z", name = "Z", purdue = "Level 2" }]
asset = [{ id = "PLC-1", zone = "z", kind = "plc", certified_baseline.source = "OEM", certified_baseline.name = "B1" }]
"#;
    let p = read_plant("inline.toml", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.zones[0].purdue, Purdue::L2);
    assert_eq!(p.assets[0].certified_baseline.as_ref().unwrap().source, "OEM");
}

#[test]
fn empty_arrays_of_records_count_as_missing() {
    let text = "format = \"patchwise-plant/1\"\nsite = []\nzone = []\nentry_point = [{ id = \"e\", kind = \"usb\", name = \"USB\", attach = [] }]\n";
    let e = read_plant("empty.toml", text).unwrap_err();
    let keys: Vec<(&str, usize, usize)> = e.errors.iter().map(|e| (e.key.as_str(), e.line, e.column)).collect();
    assert_eq!(keys, vec![("site", 1, 1), ("zone", 1, 1), ("entry_point.attach", 4, 16)], "{e}");
}
