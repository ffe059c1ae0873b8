//! What-if: the incremental analysis (reusing untouched conduits) equals a fresh one, and the
//! changes do what they say.

use exposure::whatif::{Change, apply, delta, run};
use exposure::{Analysis, AttackVector, Exploit};

fn network() -> (model::Plant, Vec<Exploit>) {
    let plant = demo::synthetic_network(2_000, 60, 3_000, 11);
    let exploits = plant
        .assets
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 == 0 || i % 17 == 1)
        .map(|(i, a)| Exploit {
            asset: a.id.clone(),
            finding: format!("{}:CVE-X-{i}", a.id),
            vulnerability: format!("CVE-X-{i}"),
            vector: if i % 17 == 1 { AttackVector::Adjacent } else { AttackVector::Network },
            kev: false,
        })
        .collect();
    (plant, exploits)
}

#[test]
fn incremental_what_if_equals_a_fresh_analysis() {
    let (plant, exploits) = network();
    let before = Analysis::run(&plant, exploits);
    let mut cases: Vec<Vec<Change>> = Vec::new();
    for c in plant.conduits.iter().step_by(7) {
        cases.push(vec![Change::CloseConduit { conduit: c.id.clone() }]);
        if let Some(r) = c.rules.get(c.rules.len() / 2) {
            cases.push(vec![Change::DisableRule { rule: format!("{}/{}", c.id, r.id) }]);
        }
    }
    for a in plant.assets.iter().step_by(97) {
        cases.push(vec![Change::Isolate { asset: a.id.clone() }]);
    }
    for e in &plant.entry_points {
        cases.push(vec![Change::CloseEntry { entry: e.id.clone() }]);
    }
    let c0 = &plant.conduits[0];
    cases.push(vec![
        Change::parse_add_rule(&format!("{}: any -> zone:{} any deny", c0.id, c0.zones[1])).unwrap(),
        Change::Isolate { asset: plant.assets[5].id.clone() },
        Change::CloseConduit { conduit: plant.conduits[3].id.clone() },
    ]);
    let mut changed_something = 0;
    for changes in &cases {
        let (_, quick) = run(&before, changes).unwrap();
        let fresh = Analysis::of(apply(before.plant(), changes).unwrap(), before.exploits().to_vec());
        let slow = delta(&before, &fresh, changes);
        assert_eq!(quick, slow, "{changes:?}");
        if !quick.exposures_removed.is_empty() || !quick.paths_removed.is_empty() || !quick.exposures_changed.is_empty()
        {
            changed_something += 1;
        }
    }
    assert!(
        changed_something * 2 > cases.len(),
        "only {changed_something} of {} changes made a difference",
        cases.len()
    );
}

#[test]
fn closing_a_conduit_keeps_it_with_no_rules_and_errors_name_the_unknown() {
    let (plant, _) = network();
    let id = plant.conduits[2].id.clone();
    let p = apply(&plant, &[Change::CloseConduit { conduit: id.clone() }]).unwrap();
    assert_eq!(p.conduits.len(), plant.conduits.len());
    assert!(p.conduits[2].rules.is_empty());
    assert!(apply(&plant, &[Change::CloseConduit { conduit: "nope".into() }]).unwrap_err().contains("`nope`"));
    assert!(apply(&plant, &[Change::Isolate { asset: "nope".into() }]).unwrap_err().contains("`nope`"));
    assert!(apply(&plant, &[Change::CloseEntry { entry: "internet#99".into() }]).unwrap_err().contains("not 99"));
    assert!(Change::parse_add_rule("c0001 any -> any").is_err());
    assert!(Change::parse_add_rule("c0001: any -> zone:z0001 udp/53,1000-2000 allow both").is_ok());
}
