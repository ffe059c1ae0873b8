//! Golden tests on the demo plant.

use exposure::{Analysis, AttackVector, Exploit, Query};

fn exploit(asset: &str, cve: &str, vector: AttackVector) -> Exploit {
    Exploit { asset: asset.into(), finding: format!("{asset}:{cve}"), vulnerability: cve.into(), vector, kev: false }
}

#[test]
fn print_demo() {
    let plant = demo::demo_plant().unwrap();
    let ex = vec![
        exploit("IVANTI-ICS-01", "CVE-2024-21887", AttackVector::Network),
        exploit("JUMP-01", "CVE-X", AttackVector::Network),
        exploit("EWS-SIE-01", "CVE-Y", AttackVector::Network),
        exploit("HMI-BOIL-01", "CVE-Z", AttackVector::Network),
    ];
    let a = Analysis::run(&plant, ex);
    for id in ["HMI-BOIL-01", "EWS-SIE-01", "JUMP-01"] {
        let x = a.asset_exposure(id, &Query::default()).unwrap();
        println!("{}", serde_json::to_string_pretty(&x).unwrap());
    }
    let all = a.exposures(&Query { from: vec![model::EntryKind::Internet], asset: None });
    for e in &all {
        println!(
            "{} {} {:?} {:?}",
            e.asset,
            e.service,
            e.system_exposure,
            e.entry_points.iter().map(|r| (&r.entry_point, r.hops)).collect::<Vec<_>>()
        );
    }
}
