//! The synthetic plant: exactly n assets, no problems, unique ids and addresses, the demo's
//! structure, deterministic and fast.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Instant;

use model::{Attachment, Endpoint, Plant, Purdue};

fn check(plant: &Plant, n: usize) {
    assert_eq!(plant.assets.len(), n);
    let problems = plant.problems();
    assert!(problems.is_empty(), "n = {n}: {} problems, first: {:?}", problems.len(), problems.first());
    let mut ids = HashSet::new();
    let mut ips = HashSet::new();
    let mut macs = HashSet::new();
    for a in &plant.assets {
        assert!(ids.insert(a.id.as_str()), "duplicate id {}", a.id);
        for ip in &a.ips {
            assert!(ip.is_ipv4());
            assert!(ips.insert(*ip), "duplicate address {ip}");
        }
        for mac in &a.macs {
            assert!(macs.insert(*mac), "duplicate MAC {mac}");
        }
    }
}

fn demo() -> Plant {
    match demo::demo_plant() {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn zero_assets_keeps_the_structure() {
    let plant = demo::scaled_plant(0);
    check(&plant, 0);
    let demo = demo();
    assert_eq!(plant.sites, demo.sites);
    assert_eq!(plant.zones.len(), demo.zones.len());
    assert_eq!(plant.conduits.len(), demo.conduits.len());
    // Only entry points that attach whole zones remain; every rule endpoint is a zone or `any`.
    assert!(!plant.entry_points.is_empty());
    assert!(plant.entry_points.iter().flat_map(|e| &e.attachments).all(|a| matches!(a, Attachment::Zone { .. })));
    assert!(
        plant
            .conduits
            .iter()
            .flat_map(|c| &c.rules)
            .all(|r| !matches!(r.from, Endpoint::Asset(_)) && !matches!(r.to, Endpoint::Asset(_)))
    );
}

#[test]
fn one_asset() {
    let plant = demo::scaled_plant(1);
    check(&plant, 1);
    assert_eq!(plant.assets[0].id, demo().assets[0].id);
}

#[test]
fn one_hundred_and_fifty_assets() {
    check(&demo::scaled_plant(150), 150);
}

#[test]
fn the_demo_size_reproduces_the_demo_structure() {
    let demo = demo();
    let plant = demo::scaled_plant(demo.assets.len());
    check(&plant, demo.assets.len());
    let zone_ids = |p: &Plant| p.zones.iter().map(|z| z.id.clone()).collect::<BTreeSet<_>>();
    assert_eq!(zone_ids(&plant), zone_ids(&demo));
    let asset_ids = |p: &Plant| p.assets.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(asset_ids(&plant), asset_ids(&demo));
    assert_eq!(plant.conduits.len(), demo.conduits.len());
    assert_eq!(plant.entry_points.len(), demo.entry_points.len());
    let rules = |p: &Plant| p.conduits.iter().map(|c| (c.id.clone(), c.rules.len())).collect::<Vec<_>>();
    assert_eq!(rules(&plant), rules(&demo));
}

#[test]
fn ten_thousand_assets_replicate_the_cells() {
    let demo = demo();
    let plant = demo::scaled_plant(10_000);
    check(&plant, 10_000);
    let units = 10_000usize.div_ceil(demo.assets.len());
    let per_level = |p: &Plant| {
        let mut m: BTreeMap<Purdue, usize> = BTreeMap::new();
        for z in &p.zones {
            *m.entry(z.purdue).or_default() += 1;
        }
        m
    };
    let (demo_levels, levels) = (per_level(&demo), per_level(&plant));
    for (level, count) in &demo_levels {
        let want = if *level <= Purdue::L2 { count * units } else { *count };
        assert_eq!(levels.get(level), Some(&want), "zones at Purdue {level}");
    }
    assert!(plant.zones.iter().any(|z| z.id == "cell-a-u001"));
    assert!(plant.assets.iter().any(|a| a.id == "PLC-R101-u001" && a.zone == "cell-a-u001"));
    // Firmware varies between units, but stays a version of the same shape.
    let firmware: BTreeSet<&str> = plant
        .assets
        .iter()
        .filter(|a| a.id.starts_with("PLC-R101"))
        .filter_map(|a| a.identity.firmware.as_deref())
        .collect();
    assert!(firmware.len() >= 3, "{firmware:?}");
    assert!(firmware.iter().all(|f| f.starts_with("V2.9.")));
    // The wireless entry point reaches every unit's wireless zone.
    let wifi = plant.entry_points.iter().find(|e| e.id == "plant-wifi").map(|e| e.attachments.len());
    assert_eq!(wifi, Some(units));
}

#[test]
fn the_same_n_gives_the_same_plant() {
    assert_eq!(demo::scaled_plant(777), demo::scaled_plant(777));
}

#[test]
/// Also the generation benchmark quoted in BENCHMARKS.md: run it with
/// `cargo test -p demo --release -- --nocapture hundred_thousand` and read the printed time.
/// The time is printed, not asserted: a timed test only measures how busy the machine is.
fn a_hundred_thousand_assets_with_unique_addresses() {
    // Warm the cached template first: reading the demo plant is not part of the generation.
    let _ = demo::scaled_plant(1);
    let start = Instant::now();
    let plant = demo::scaled_plant(100_000);
    let elapsed = start.elapsed();
    assert_eq!(plant.assets.len(), 100_000);
    let ips: HashSet<_> = plant.assets.iter().flat_map(|a| &a.ips).collect();
    assert_eq!(ips.len(), plant.assets.iter().map(|a| a.ips.len()).sum::<usize>());
    eprintln!("scaled_plant(100_000): {elapsed:?} ({} zones, {} conduits)", plant.zones.len(), plant.conduits.len());
}

#[test]
#[ignore = "a million assets takes a while in a debug build; run with --ignored"]
fn a_million_assets() {
    let start = Instant::now();
    let plant = demo::scaled_plant(1_000_000);
    eprintln!("scaled_plant(1_000_000): {:?}, {} zones", start.elapsed(), plant.zones.len());
    assert_eq!(plant.assets.len(), 1_000_000);
    let ips: HashSet<_> = plant.assets.iter().flat_map(|a| &a.ips).collect();
    assert_eq!(ips.len(), plant.assets.iter().map(|a| a.ips.len()).sum::<usize>());
    assert!(
        plant
            .assets
            .iter()
            .all(|a| !a.ips.is_empty() || demo().assets.iter().any(|t| a.id.starts_with(&t.id) && t.ips.is_empty()))
    );
}
