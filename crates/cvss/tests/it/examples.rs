//! The worked examples of DOMAIN.md §2.2 and a few more from the specifications.

use cvss::{Nomenclature, Severity, Version};

fn scores(vector: &str) -> cvss::Scores {
    cvss::parse(vector).unwrap_or_else(|e| panic!("{vector}: {e}")).scores()
}

#[test]
fn v31_examples() {
    let s = scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!((s.base, s.severity, s.version), (9.8, Severity::Critical, Version::V3_1));
    let s = scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N");
    assert_eq!((s.base, s.severity), (7.2, Severity::High));
    // The 3.1 modified-impact formula makes the environmental score differ from the base score.
    let s = scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H");
    assert_eq!((s.base, s.temporal, s.environmental), (9.6, Some(9.6), Some(9.7)));
    // The same vector under 3.0 keeps 9.6: 3.0 has the older modified-impact formula.
    let s = scores("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H");
    assert_eq!((s.base, s.temporal, s.environmental), (9.6, Some(9.6), Some(9.6)));
    assert_eq!((s.nomenclature, s.version), (None, Version::V3_0));
}

#[test]
fn v3_no_impact_scores_zero() {
    let s = scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N");
    assert_eq!((s.base, s.temporal, s.environmental, s.severity), (0.0, Some(0.0), Some(0.0), Severity::None));
}

#[test]
fn v4_examples() {
    let s = scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L");
    assert_eq!((s.base, s.severity, s.nomenclature), (9.2, Severity::Critical, Some(Nomenclature::B)));
    let s = scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H");
    assert_eq!((s.base, s.severity), (7.9, Severity::High));
    let s = scores("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N");
    assert_eq!((s.base, s.severity), (2.1, Severity::Low));
    assert_eq!((s.temporal, s.environmental), (None, None));
}

#[test]
fn v4_exact_ties_round_up() {
    // 5.65 exactly. The FIRST calculator at commit c5b0d409 computes 5.6499999… in floating point
    // and shows 5.6; the algorithm's intent and the Red Hat library give 5.7, and so does Red Hat's
    // vectors_simple4 for this vector and five other such ties.
    assert_eq!(scores("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L").base, 5.7);
}

#[test]
fn v4_nomenclature_follows_the_defined_groups() {
    let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    let case = |suffix: &str| scores(&format!("{base}{suffix}")).nomenclature;
    assert_eq!(case(""), Some(Nomenclature::B));
    assert_eq!(case("/E:X/CR:X/S:P"), Some(Nomenclature::B), "X and supplemental metrics add no group");
    assert_eq!(case("/E:U"), Some(Nomenclature::BT));
    assert_eq!(case("/MAV:L"), Some(Nomenclature::BE));
    assert_eq!(case("/E:P/CR:L"), Some(Nomenclature::BTE));
    assert_eq!(Nomenclature::BTE.to_string(), "CVSS-BTE");
}

#[test]
fn v4_effective_values() {
    let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    let score = |suffix: &str| scores(&format!("{base}{suffix}")).base;
    // E:X is E:A and CR/IR/AR:X is H: the worst case.
    assert_eq!(score("/E:X/CR:X/IR:X/AR:X"), score(""));
    assert_eq!(score("/E:A/CR:H/IR:H/AR:H"), score(""));
    assert!(score("/E:U") < score(""));
    // A modified metric replaces its base metric; MSI:S (safety) lifts the score.
    assert_eq!(score("/MAV:P"), scores(&base.replace("AV:N", "AV:P")).base);
    assert!(score("/MSI:S") >= score(""));
    let safety = cvss::parse(&format!("{base}/MSI:S")).unwrap();
    assert_eq!(safety.macrovector().as_deref(), Some("000000"));
    assert_eq!(cvss::parse(base).unwrap().macrovector().as_deref(), Some("000200"));
    // Supplemental metrics are carried, never scored.
    assert_eq!(score("/S:P/AU:Y/R:I/V:C/RE:H/U:Red"), score(""));
    let v = cvss::parse(&format!("{base}/U:Amber")).unwrap();
    assert_eq!(v.get("U"), Some("Amber"));
}

#[test]
fn v2_examples() {
    // The v2 guide's §3.3.1 example (CVE-2002-0392): base 7.8, temporal 6.4, environmental 9.2.
    let s = scores("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H");
    assert_eq!((s.base, s.temporal, s.environmental), (7.8, Some(6.4), Some(9.2)));
    // A low availability requirement lowers it (value cross-checked with the Red Hat library).
    let s = scores("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:L");
    assert_eq!(s.environmental, Some(7.3));
    // No temporal or environmental metric: no such score (NVD and Red Hat practice).
    let s = scores("AV:N/AC:L/Au:N/C:P/I:P/A:P");
    assert_eq!((s.base, s.temporal, s.environmental, s.severity), (7.5, None, None, Severity::High));
    // Parenthesised and CVSS:2.0-prefixed forms are the same vector.
    assert_eq!(
        cvss::parse("(AV:N/AC:L/Au:N/C:P/I:P/A:P)").unwrap(),
        cvss::parse("AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap()
    );
    assert_eq!(cvss::parse("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap().to_string(), "AV:N/AC:L/Au:N/C:P/I:P/A:P");
    assert_eq!(Severity::from_score(Version::V2_0, 0.0), Severity::Low);
}

#[test]
fn display_normalises() {
    let v = cvss::parse("  CVSS:3.1/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X/MAV:X \n").unwrap();
    assert_eq!(v.to_string(), "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F");
    assert_eq!(v.get("E"), Some("F"));
    assert_eq!(v.get("RL"), None);
    assert_eq!(v.get("PR"), Some("H"));
    assert_eq!(v.get("Au"), None, "not a v3 metric");
    let metrics: Vec<_> = v.metrics().collect();
    assert_eq!(metrics.len(), 9);
    assert_eq!(metrics[0], ("AV", "N"));
    // Explicit X equals absent.
    assert_eq!(v, cvss::parse("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F").unwrap());
    let v4 = cvss::parse("CVSS:4.0/U:Red/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/MSI:S").unwrap();
    assert_eq!(v4.to_string(), "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S/U:Red");
    assert_eq!(
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".parse::<cvss::Vector>().unwrap().version(),
        Version::V3_0
    );
}

#[test]
fn serde_uses_the_vector_string_and_schema_spellings() {
    let v = cvss::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U").unwrap();
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(json, "\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U\"");
    assert_eq!(serde_json::from_str::<cvss::Vector>(&json).unwrap(), v);
    assert!(serde_json::from_str::<cvss::Vector>("\"CVSS:4.0/AV:N\"").is_err());
    let s = serde_json::to_value(v.scores()).unwrap();
    assert_eq!(s["version"], "4.0");
    assert_eq!(s["severity"], "HIGH");
    assert_eq!(s["nomenclature"], "CVSS-BT");
}
