//! The demo plant reads cleanly and has the shape the brief promises.

use std::collections::{BTreeMap, BTreeSet};

use model::{
    AssetKind, Attachment, Direction, Endpoint, EnforcementKind, EntryKind, Plant, PortRange, Protocol, Purdue,
};

fn plant() -> Plant {
    match demo::demo_plant() {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn reads_without_any_problem() {
    let plant = plant();
    assert_eq!(plant.problems(), vec![]);
    assert_eq!(plant.sites.len(), 1);
}

#[test]
fn has_at_least_150_assets_in_at_least_8_zones_on_every_purdue_level() {
    let plant = plant();
    assert!(plant.assets.len() >= 150, "{} assets", plant.assets.len());
    assert!(plant.zones.len() >= 8, "{} zones", plant.zones.len());
    let levels: BTreeSet<Purdue> = plant.zones.iter().map(|z| z.purdue).collect();
    for level in Purdue::ALL {
        assert!(levels.contains(level), "no zone at Purdue {level}");
    }
    let used: BTreeSet<&str> = plant.assets.iter().map(|a| a.zone.as_str()).collect();
    for z in &plant.zones {
        assert!(used.contains(z.id.as_str()), "zone {} has no asset", z.id);
        assert!(!z.subnets.is_empty(), "zone {} has no subnet", z.id);
        assert!(z.target_sl.is_some(), "zone {} has no target SL", z.id);
    }
}

#[test]
fn has_a_safety_zone_holding_safety_controllers() {
    let plant = plant();
    let safety: Vec<&str> = plant.zones.iter().filter(|z| z.safety).map(|z| z.id.as_str()).collect();
    assert!(!safety.is_empty());
    let sis = plant.assets.iter().filter(|a| a.kind == AssetKind::SafetyController).collect::<Vec<_>>();
    assert!(sis.len() >= 2);
    assert!(sis.iter().all(|a| safety.contains(&a.zone.as_str())));
}

#[test]
fn historian_replication_crosses_a_data_diode_one_way() {
    let plant = plant();
    let diodes: Vec<_> = plant.conduits.iter().filter(|c| c.enforcement.kind == EnforcementKind::DataDiode).collect();
    assert_eq!(diodes.len(), 1);
    let diode = diodes[0];
    assert!(diode.rules.iter().all(|r| r.direction == Direction::OneWay));
    let zone_of = |id: &str| plant.zones.iter().find(|z| z.id == id).map(|z| z.purdue);
    assert_eq!(zone_of(&diode.zones[0]), Some(Purdue::L3));
    assert_eq!(zone_of(&diode.zones[1]), Some(Purdue::L3_5));
    let historian_rule = diode.rules.iter().find(|r| r.application.as_deref() == Some("pi-replication"));
    assert!(historian_rule.is_some_and(|r| r.from == Endpoint::Asset("PI-ARCHIVE-01".into())));
}

#[test]
fn the_internet_reaches_a_panel_through_a_port_forward() {
    let plant = plant();
    let forwards: Vec<(&str, u16)> = plant
        .entry_points
        .iter()
        .filter(|e| e.kind == EntryKind::Internet)
        .flat_map(|e| &e.attachments)
        .filter_map(|a| match a {
            Attachment::PortForward { asset, port, public_address, .. } => {
                assert!(public_address.is_some());
                Some((asset.as_str(), *port))
            }
            _ => None,
        })
        .collect();
    assert_eq!(forwards, vec![("HMI-BOIL-01", 5900)]);
    let hmi = plant.assets.iter().find(|a| a.id == "HMI-BOIL-01");
    assert!(hmi.is_some_and(|a| a.kind == AssetKind::Hmi && a.services.iter().any(|s| s.port == 5900)));
}

#[test]
fn every_kind_of_entry_point_is_there() {
    let plant = plant();
    let kinds: BTreeSet<EntryKind> = plant.entry_points.iter().map(|e| e.kind).collect();
    for kind in EntryKind::ALL {
        assert!(kinds.contains(kind), "no {kind} entry point");
    }
    // Vendors come in through a VPN gateway without MFA, then the jump host.
    let vendor = plant.entry_points.iter().find(|e| e.id == "vendor-remote");
    let attachments = vendor.map(|e| e.attachments.clone()).unwrap_or_default();
    assert!(attachments.iter().any(|a| matches!(a, Attachment::Vpn { mfa: false, zone, .. } if zone == "idmz")));
    assert!(attachments.iter().any(|a| matches!(a, Attachment::JumpHost { host, .. } if host == "JUMP-01")));
}

#[test]
fn remote_desktop_is_only_allowed_from_the_jump_host() {
    let plant = plant();
    let jump_hosts: BTreeSet<String> = plant
        .entry_points
        .iter()
        .flat_map(|e| &e.attachments)
        .filter_map(|a| match a {
            Attachment::JumpHost { host, .. } => Some(host.clone()),
            _ => None,
        })
        .collect();
    assert!(!jump_hosts.is_empty());
    let mut rdp_rules = 0;
    for c in &plant.conduits {
        for r in &c.rules {
            // Any allow rule that lets TCP reach port 3389 counts, whatever its application says.
            let reaches_3389 = matches!(r.protocol, Protocol::Tcp | Protocol::Any)
                && (r.ports.is_empty() || r.ports.iter().any(|p: &PortRange| p.contains(3389)));
            if !(reaches_3389 || r.application.as_deref() == Some("rdp")) || r.action != model::Action::Allow {
                continue;
            }
            rdp_rules += 1;
            match &r.from {
                Endpoint::Asset(a) => assert!(jump_hosts.contains(a), "conduit {} rule {}: RDP from {a}", c.id, r.id),
                other => panic!("conduit {} rule {}: RDP from {other}", c.id, r.id),
            }
        }
    }
    assert!(rdp_rules >= 3, "{rdp_rules} RDP rules");
}

#[test]
fn at_least_three_unowned_iiot_sensors_sit_on_the_wireless_segment() {
    let plant = plant();
    let wireless: BTreeSet<&str> = plant
        .entry_points
        .iter()
        .filter(|e| e.kind == EntryKind::Wireless)
        .flat_map(|e| &e.attachments)
        .filter_map(|a| match a {
            Attachment::Zone { zone } => Some(zone.as_str()),
            _ => None,
        })
        .collect();
    let unowned: Vec<_> = plant
        .assets
        .iter()
        .filter(|a| a.owner.is_none() && a.kind == AssetKind::IiotSensor && wireless.contains(a.zone.as_str()))
        .collect();
    assert!(unowned.len() >= 3, "{} unowned IIoT sensors", unowned.len());
}

#[test]
fn industrial_protocols_flow_where_they_should() {
    let plant = plant();
    let ports: BTreeSet<(Protocol, u16)> = plant
        .conduits
        .iter()
        .flat_map(|c| &c.rules)
        .flat_map(|r| r.ports.iter().filter(|p| p.first == p.last).map(move |p| (r.protocol, p.first)))
        .collect();
    for want in [
        (Protocol::Tcp, 102),
        (Protocol::Tcp, 502),
        (Protocol::Tcp, 4840),
        (Protocol::Tcp, 44818),
        (Protocol::Udp, 2222),
        (Protocol::Tcp, 3389),
        (Protocol::Udp, 53),
        (Protocol::Udp, 123),
    ] {
        assert!(ports.contains(&want), "no rule for {want:?}");
    }
}

#[test]
fn redundancy_owners_lifecycle_and_baselines_are_filled_in() {
    let plant = plant();
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &plant.assets {
        if let Some(g) = &a.redundancy_group {
            *groups.entry(g.as_str()).or_default() += 1;
        }
    }
    assert!(groups.get("clx-d201") == Some(&2), "ControlLogix redundancy pair");
    assert!(groups.get("wincc-a") == Some(&2), "redundant WinCC servers");
    let owned = plant.assets.iter().filter(|a| a.owner.is_some()).count();
    assert!(owned * 10 >= plant.assets.len() * 9, "most assets have an owner");
    assert!(plant.assets.iter().all(|a| a.mission_impact.is_some() || a.owner.is_none()));
    assert!(plant.assets.iter().filter(|a| a.support.as_ref().is_some_and(|s| s.end_of_life.is_some())).count() >= 20);
    let baselines = plant.assets.iter().filter(|a| a.certified_baseline.is_some()).count();
    assert!(baselines >= 10, "{baselines} certified baselines");
    let deps = plant.assets.iter().filter(|a| !a.depends_on.is_empty()).count();
    assert!(deps >= 20, "{deps} assets with dependencies");
    let with_cpe = plant.assets.iter().filter(|a| a.components.iter().any(|c| c.cpe.is_some())).count();
    assert!(with_cpe >= 50, "{with_cpe} assets with a CPE");
}

#[test]
fn the_embedded_file_is_the_data_file() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo-plant.toml"));
    assert_eq!(on_disk.ok().as_deref(), Some(demo::DEMO_PLANT_TOML));
}

#[test]
fn exports_and_reads_back_unchanged() {
    let plant = plant();
    let text = inventory::write_plant(&plant);
    match inventory::read_plant("exported.toml", &text) {
        Ok(again) => assert!(again == plant, "the exported demo plant reads back differently"),
        Err(e) => panic!("the exported demo plant does not read:\n{e}"),
    }
}

#[test]
fn the_scaled_plant_exports_and_reads_back_unchanged() {
    let plant = demo::scaled_plant(500);
    let text = inventory::write_plant(&plant);
    match inventory::read_plant("scaled.toml", &text) {
        Ok(again) => assert!(again == plant, "the exported scaled plant reads back differently"),
        Err(e) => panic!("the exported scaled plant does not read:\n{e}"),
    }
}
