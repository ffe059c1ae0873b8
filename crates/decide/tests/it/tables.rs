//! Every row of the deployer, human-impact, CISA coordinator and BOD 26-04 tables in the CERT/CC
//! SSVC data is a test case; raising any input never lowers the outcome.

use decide::table::{self, BOD_26_04, CISA_COORDINATOR, DEPLOYER, HUMAN_IMPACT, Table};

use super::fixture;

/// CERT/CC's spelling → ours.
fn canon(v: &str) -> String {
    v.trim().to_lowercase().replace(' ', "-").replace("-&-", "-and-")
}

fn same_as_certcc(t: &Table, rel: &str) {
    let Some(p) = fixture(&format!("ssvc/data/csv/{rel}")) else { return };
    let mut r = csv::Reader::from_path(&p).unwrap();
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let cells: Vec<String> = rec.iter().skip(1).map(canon).collect();
        let (inputs, outcome) = cells.split_at(cells.len() - 1);
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        assert_eq!(t.lookup(&inputs), Some(outcome[0].as_str()), "{} row {}: {inputs:?}", t.id, &rec[0]);
        n += 1;
    }
    assert_eq!(n, t.rows().count(), "{}: every combination, once", t.id);
}

#[test]
fn every_row_equals_the_certcc_tables() {
    same_as_certcc(&DEPLOYER, "ssvc/deployer_patch_application_priority_1_0_0.csv");
    same_as_certcc(&HUMAN_IMPACT, "ssvc/human_impact_1_0_0.csv");
    same_as_certcc(&CISA_COORDINATOR, "cisa/cisa_coordinator_2_0_3.csv");
    same_as_certcc(&BOD_26_04, "cisa/cisa_bod_26_04_1_0_0.csv");
    assert_eq!(DEPLOYER.rows().count(), 72);
    assert_eq!(DEPLOYER.lookup(&["active", "open", "yes", "very-high"]), Some("immediate"));
    assert_eq!(DEPLOYER.lookup(&["none", "small", "no", "low"]), Some("defer"));
}

/// Raising any one input by one step never lowers the outcome, for every row of every table.
#[test]
fn raising_any_input_never_lowers_the_outcome() {
    for t in [&*DEPLOYER, &*HUMAN_IMPACT, &*CISA_COORDINATOR, &*BOD_26_04] {
        let outcome_rank = |o: &str| table::rank(&t.outcome, o).unwrap();
        let mut checked = 0;
        for (inputs, outcome) in t.rows() {
            for (k, point) in t.inputs.iter().enumerate() {
                let values = table::values(point).unwrap();
                let r = table::rank(point, &inputs[k]).unwrap();
                let Some(higher) = values.get(r + 1) else { continue };
                let mut raised: Vec<&str> = inputs.iter().map(String::as_str).collect();
                raised[k] = higher;
                let o = t.lookup(&raised).unwrap();
                assert!(
                    outcome_rank(o) >= outcome_rank(outcome),
                    "{}: raising {point} of {inputs:?} to {higher} lowers {outcome} to {o}",
                    t.id
                );
                checked += 1;
            }
        }
        assert!(checked > 10, "{}: {checked}", t.id);
    }
}

#[test]
fn a_broken_table_is_refused_with_its_line() {
    let e = Table::parse("t", "0", "exploitation\tpriority\nnone\tdefer\npublic-poc\tsoon\nactive\timmediate\n")
        .unwrap_err();
    assert!(e.contains("line 3") && e.contains("`soon`"), "{e}");
    let e = Table::parse("t", "0", "exploitation\tpriority\nnone\tdefer\n").unwrap_err();
    assert!(e.contains("3 combinations"), "{e}");
    let e = Table::parse("t", "0", "colour\tpriority\n").unwrap_err();
    assert!(e.contains("`colour`"), "{e}");
}
