//! The engine on the demo plant with hand-written findings: what the network alone allows.

use exposure::{Analysis, AttackVector, Exploit, Query};
use model::SystemExposure;

fn exploit(asset: &str, cve: &str, vector: AttackVector) -> Exploit {
    Exploit { asset: asset.into(), finding: format!("{asset}:{cve}"), vulnerability: cve.into(), vector, kev: false }
}

fn ix(a: &Analysis, id: &str) -> usize {
    a.plant().assets.iter().position(|x| x.id == id).unwrap()
}

#[test]
fn without_findings_nobody_is_taken_but_the_port_forward_is_open() {
    let plant = demo::demo_plant().unwrap();
    let a = Analysis::run(&plant, Vec::new());
    for e in 0..plant.entry_points.len() {
        for h in 0..plant.assets.len() {
            let foothold = plant.entry_points[e].attachments.iter().any(|at| match at {
                model::Attachment::JumpHost { host, .. } | model::Attachment::Account { host, .. } => {
                    host == &plant.assets[h].id
                }
                _ => false,
            });
            assert_eq!(a.hops_to_take(e, h).is_some(), foothold, "{} {}", plant.entry_points[e].id, plant.assets[h].id);
        }
    }
    assert_eq!(a.system_exposure(ix(&a, "HMI-BOIL-01")), SystemExposure::Open);
    // The SSL-VPN portal faces the Internet (attachment ports = [443]), its SSH does not.
    let list = a.exposures(&Query { from: vec![model::EntryKind::Internet], asset: Some("FW-EDGE-01".into()) });
    let services: Vec<&str> = list.iter().filter(|e| e.entry_points[0].hops == 0).map(|e| e.service.as_str()).collect();
    assert!(services.contains(&"tcp/443"), "{services:?}");
    // Safety systems: no entry point reaches the SIS zone without findings to pivot on.
    for (h, asset) in plant.assets.iter().enumerate() {
        if asset.zone == "sis" {
            assert_eq!(a.system_exposure(h), SystemExposure::Small, "{}", asset.id);
        }
    }
}

#[test]
fn the_historian_diode_carries_nothing_back_into_operations() {
    let plant = demo::demo_plant().unwrap();
    // Everything in the IDMZ can be taken; the archive behind the diode must stay out of reach
    // from the IDMZ side (rules only let the jump host in by RDP).
    let ex: Vec<Exploit> = plant
        .assets
        .iter()
        .filter(|x| x.zone == "idmz")
        .map(|x| exploit(&x.id, "CVE-TEST-1", AttackVector::Network))
        .collect();
    let a = Analysis::run(&plant, ex);
    let e = plant.entry_points.iter().position(|e| e.id == "vendor-remote").unwrap();
    let archive = ix(&a, "PI-ARCHIVE-01");
    assert!(plant.assets[archive].services.iter().any(|s| s.port == 5450), "the archive listens for replication");
    assert!(a.hops_to_take(e, ix(&a, "PI-DMZ-01")).is_some(), "the DMZ replica is taken from the IDMZ");
    let svc_base: usize = plant.assets[..archive].iter().map(|x| x.services.len()).sum();
    for (k, s) in plant.assets[archive].services.iter().enumerate() {
        let reached = a.hops_to_reach(e, svc_base + k);
        if s.port == 5450 {
            assert_eq!(reached, None, "PI-to-PI replication port reached against the diode");
        }
    }
}

#[test]
fn adjacent_findings_are_used_only_inside_the_zone() {
    let plant = demo::demo_plant().unwrap();
    let a = Analysis::run(&plant, vec![exploit("HMI-BOIL-01", "CVE-ADJ", AttackVector::Adjacent)]);
    let internet = plant.entry_points.iter().position(|e| e.id == "internet").unwrap();
    let chiller = plant.entry_points.iter().position(|e| e.id == "chiller-lte").unwrap();
    let h = ix(&a, "HMI-BOIL-01");
    assert_eq!(a.hops_to_take(internet, h), None, "an adjacent flaw is not usable through a port forward");
    assert_eq!(a.hops_to_take(chiller, h), Some(1), "the LTE router lands on the boiler panel's own network");
    let p = a.asset_exposure("HMI-BOIL-01", &Query::default()).unwrap();
    let lte = p.paths.iter().find(|x| x.entry_point == "chiller-lte").unwrap();
    assert_eq!(lte.outcome, "take");
    assert_eq!(lte.path.last().unwrap().vulnerability.as_deref(), Some("CVE-ADJ"));
    assert!(lte.path.last().unwrap().via.contains("same zone utilities"), "{:?}", lte.path);
}
