//! What the parser rejects, and that each error names the culprit and where it is.

use cvss::{CvssError, Version};

fn err(vector: &str) -> CvssError {
    match cvss::parse(vector) {
        Ok(v) => panic!("{vector} parsed as {v}"),
        Err(e) => e,
    }
}

#[test]
fn empty() {
    assert_eq!(err(""), CvssError::Empty);
    assert_eq!(err("  \t\n"), CvssError::Empty);
}

#[test]
fn unknown_metric() {
    let e = err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y");
    assert_eq!(e, CvssError::UnknownMetric { version: Version::V3_1, metric: "XX".into(), offset: 45 });
    assert_eq!(e.to_string(), "unknown CVSS 3.1 metric `XX` at byte 45");
    // Abbreviations are case-sensitive, and v2's Au is not v3's.
    assert!(matches!(err("AV:N/AC:L/AU:N/C:P/I:P/A:P"), CvssError::UnknownMetric { metric, .. } if metric == "AU"));
    assert!(
        matches!(err("CVSS:3.1/AV:N/AC:L/Au:N/UI:N/S:U/C:H/I:H/A:H"), CvssError::UnknownMetric { metric, .. } if metric == "Au")
    );
    // A v4-only metric in a v3.1 vector.
    assert!(
        matches!(err("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H"), CvssError::UnknownMetric { metric, .. } if metric == "AT")
    );
}

#[test]
fn duplicate_metric() {
    let e = err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L");
    assert_eq!(e, CvssError::DuplicateMetric { version: Version::V3_1, metric: "AV", offset: 45 });
    assert!(e.to_string().contains("`AV`"));
    // Even when both say "not defined".
    assert!(matches!(err("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND/E:ND"), CvssError::DuplicateMetric { metric: "E", .. }));
}

#[test]
fn missing_base_metrics_are_all_named() {
    let e = err("CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H");
    assert_eq!(e, CvssError::MissingMetrics { version: Version::V3_1, missing: vec!["PR", "A"] });
    assert_eq!(e.to_string(), "CVSS 3.1 vector lacks mandatory base metric(s) PR, A");
    assert!(matches!(err("CVSS:4.0"), CvssError::MissingMetrics { missing, .. } if missing.len() == 11));
    assert!(
        matches!(err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"), CvssError::MissingMetrics { missing, .. } if missing == ["SA"])
    );
    assert!(matches!(err("AV:N/AC:L/Au:N"), CvssError::MissingMetrics { version: Version::V2_0, .. }));
}

#[test]
fn bad_value() {
    let e = err("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(
        e,
        CvssError::InvalidValue {
            version: Version::V3_1,
            metric: "AV",
            value: "Q".into(),
            offset: 9,
            expected: &["N", "A", "L", "P"]
        }
    );
    assert_eq!(e.to_string(), "invalid value `Q` for CVSS 3.1 metric `AV` at byte 9 (expected one of N, A, L, P)");
    // Base metrics have no "not defined" value; v2 spells it ND, not X; values are case-sensitive.
    assert!(matches!(
        err("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::InvalidValue { metric: "AV", .. }
    ));
    assert!(matches!(err("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X"), CvssError::InvalidValue { metric: "E", .. }));
    assert!(matches!(
        err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red"),
        CvssError::InvalidValue { metric: "U", .. }
    ));
    // Safety (S) exists only for the modified subsequent integrity/availability metrics.
    assert!(matches!(
        err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N"),
        CvssError::InvalidValue { metric: "SI", .. }
    ));
    assert!(matches!(
        err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S"),
        CvssError::InvalidValue { metric: "MSC", .. }
    ));
    assert!(matches!(
        err("CVSS:3.1/AV:N:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::InvalidValue { metric: "AV", .. }
    ));
}

#[test]
fn wrong_or_missing_prefix() {
    assert_eq!(
        err("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::UnsupportedVersion { prefix: "CVSS:3.2".into() }
    );
    assert_eq!(
        err("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::UnsupportedVersion { prefix: "cvss:3.1".into() }
    );
    assert!(matches!(err("CVSS:/AV:N"), CvssError::UnsupportedVersion { .. }));
    // A v3 vector without its prefix reads as v2 until a v3-only metric gives it away.
    let e = err("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(e, CvssError::MissingPrefix { metric: "PR".into(), offset: 10 });
    assert!(e.to_string().contains("CVSS:3.1/"));
    // A v3.1 vector under a v4.0 prefix: v4's S is the supplemental Safety metric.
    assert!(matches!(
        err("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::InvalidValue { version: Version::V4_0, metric: "S", .. }
    ));
    assert!(
        matches!(err("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H"), CvssError::UnknownMetric { version: Version::V4_0, metric, .. } if metric == "C")
    );
}

#[test]
fn malformed_fields() {
    assert_eq!(err("CVSS:3.1/AV:N//AC:L"), CvssError::MalformedField { field: String::new(), offset: 14 });
    assert_eq!(err("CVSS:3.1/"), CvssError::MalformedField { field: String::new(), offset: 9 });
    assert!(matches!(
        err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/"),
        CvssError::MalformedField { offset: 45, .. }
    ));
    assert_eq!(err("CVSS:3.1/AVN"), CvssError::MalformedField { field: "AVN".into(), offset: 9 });
    // Offsets count from the string as given, leading whitespace included.
    assert_eq!(err("  AV:N/ACL"), CvssError::MalformedField { field: "ACL".into(), offset: 7 });
    // Unbalanced parentheses are not the v2 wrapper.
    assert!(matches!(err("(AV:N/AC:L/Au:N/C:P/I:P/A:P"), CvssError::UnknownMetric { metric, .. } if metric == "(AV"));
    assert!(matches!(err("AV:N/AC:L/Au:N/C:P/I:P/A:P)"), CvssError::InvalidValue { metric: "A", .. }));
}
