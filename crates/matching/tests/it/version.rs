//! Tests of `version` (profiles, with forms from real CISA CSAF advisories; the id of the
//! advisory that publishes the form is given with each case, "issue" marks orderings the issue
//! states where no advisory in the fixtures publishes both sides) and of `range` decisions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;

use matching::range::{self, Containment};
use matching::version::{self, Profile};
use model::advisory::{Bound, VersionSpec};

use crate::support::fixture;

/// (left, relation, right, source): `<`, `=`, `>` — checked in both directions.
type Case = (&'static str, &'static str, &'static str, &'static str);

fn check(profile: Profile, cases: &[Case]) {
    let mut failures = Vec::new();
    for &(a, rel, b, source) in cases {
        let want = match rel {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            other => panic!("bad relation {other}"),
        };
        let got = version::compare(a, b, profile);
        let back = version::compare(b, a, profile);
        if got != Ok(want) || back != Ok(want.reverse()) {
            failures.push(format!("{profile}: {a} {rel} {b} ({source}): got {got:?} / reverse {back:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generic_profile() {
    check(
        Profile::Generic,
        &[
            ("V2.9.4", "=", "2.9.4", "ICSA-22-041-01"),
            ("V2.9.4", ">", "2.9.3", "ICSA-22-041-01"),
            ("v.32.011", "=", "32.11", "ICSA-24-256-18"),
            ("3.3.8_build230112", ">", "3.3.8", "ICSA-23-285-14"),
            ("3.3.8_build230112", "<", "3.3.9", "ICSA-23-285-14"),
            ("3.3.8_build230112", ">", "3.3.8_build221223", "ICSA-23-285-14"),
            ("5.4.0 build 160530", ">", "5.4.0", "ICSA-17-124-01"),
            ("5.2.0 build 140721", "<", "5.4.0  Build 160414", "ICSA-17-124-01"),
            ("4.1.x", "=", "4.1.5", "ICSA-20-093-01"),
            ("4.1.x", "<", "4.2", "ICSA-20-093-01"),
            ("4.1.x", ">", "4.0.9", "ICSA-20-093-01"),
            ("12.2.*", "=", "12.2.7", "ICSA-21-336-08"),
            ("1.275M", "<", "1.280S", "ICSA-22-221-01"),
            ("1.275M", ">", "1.275", "ICSA-22-221-01"),
            ("R15A", ">", "R15", "ICSA-21-341-02"),
            ("R520.1", "<", "R520.2", "ICSA-23-194-06"),
            ("FW11", "<", "FW14", "ICSA-19-106-02"),
            ("FW11", "=", "11", "ICSA-19-106-02"),
            ("Version v1.0", "=", "1.0", "ICSA-23-145-01"),
            ("23.0.17795.1010", ">", "23.0.17795.523", "ICSA-24-226-08"),
            ("6.8.9 CU01", ">", "6.8.9", "ICSA-22-242-11"),
            ("6.8.9 CU01", "<", "6.9.2", "ICSA-22-242-11"),
            ("7.00-20130108", "<", "7.00-20130619", "ICSA-17-157-01"),
            ("1.0rc1", "<", "1.0", "libversion"),
            ("1.0", "=", "1.0.0", "libversion"),
            ("1.0alpha1", "<", "1.0beta1", "libversion"),
            ("1.0beta1", "<", "1.0rc1", "libversion"),
            ("1.0", "<", "1.0patch1", "libversion"),
            ("1.0patch1", "<", "1.0.1", "libversion"),
            // Unknown short words are pre-release in generic (Siemens reads them as post).
            ("V5.0 QU1", "<", "V5.0", "ICSA-21-257-17"),
        ],
    );
}

#[test]
fn siemens_profile() {
    check(
        Profile::Siemens,
        &[
            ("V16", "<", "V16 Update 4", "ICSA-21-131-06"),
            ("V16 Update 4", "<", "V16 SP1", "issue"),
            ("V16 SP1", "<", "V16 SP1 Update 1", "issue"),
            ("V16 SP1 Update 1", "<", "V17", "issue"),
            ("V17 Update 2", "<", "V17 Update 4", "ICSA-22-041-02"),
            ("V7.5 SP2", "<", "V7.5 SP2 Update 5", "ICSA-21-315-03"),
            ("V7.5 SP2 Update 12", ">", "V7.5 SP2 Update 5", "ICSA-21-315-03"),
            ("V7.5 SP1 Update 20", "<", "V7.5 SP2", "ICSA-21-040-09"),
            ("V8.0", "<", "V8.0 HF3", "issue"),
            ("V8.0 HF3", "<", "V8.0 SP1", "issue"),
            ("V8.0 SP1 Upd21", ">", "V8.0 SP1 Update 20", "ICSA-18-088-03"),
            ("V14 SP1 Upd5", "=", "V14 SP1 Update 5", "ICSA-18-088-03"),
            ("V14 SP1 Update 14", ">", "V14 SP1 Update 6", "ICSA-17-243-01"),
            ("V14.0 SP1", "=", "V14 SP1", "ICSA-17-243-01"),
            ("V4.7 SP10 HF5", ">", "V4.7 SP10 HF4", "ICSA-19-283-01"),
            ("V4.7 SP10 HF5", ">", "V4.7 SP9 HF30", "ICSA-19-283-01"),
            ("V4.7 SP6 HF3", ">", "V4.7 SP6", "ICSA-17-129-02"),
            ("V4.7 HF27", "<", "V4.7 SP1", "ICSA-17-129-02"),
            ("V4.94 SP1 HF 1", "=", "V4.94 SP1 HF1", "ICSA-21-040-10"),
            ("V1.5 SP3 Update 2", ">", "V1.5 SP3 Update 1", "ICSA-17-045-03"),
            ("SE2021MP2", "<", "SE2021MP12", "ICSA-21-012-04"),
            ("SE2021MP3", "=", "2021 MP3", "ICSA-21-068-09"),
            ("V3.18 P014", ">", "V3.18", "ICSA-22-349-06"),
            ("V3.18 P014", "<", "V3.19", "ICSA-22-349-06"),
            ("V10.2b", ">", "V10.2", "ICSA-18-128-02"),
            ("V10.2b", "<", "V10.3", "ICSA-18-128-02"),
            ("2020 R2", ">", "2020 R1", "ICSA-21-103-15"),
            ("V5.0 QU1", ">", "V5.0", "ICSA-21-257-17"),
            ("V3.X.14", "=", "V3.2", "ICSA-17-129-02"),
            ("V5.x", "=", "V5.3.1", "ICSA-18-018-01A"),
            ("V6.0", ">", "V5.x", "ICSA-18-018-01A"),
        ],
    );
}

#[test]
fn rockwell_profile() {
    check(
        Profile::Rockwell,
        &[
            ("v.32.011", "=", "32.11", "ICSA-24-256-18"),
            ("V32.011", "=", "v.32.011", "ICSA-24-256-18"),
            ("20.011", ">", "20.2", "ICSA-24-030-05"),
            ("v33.011", "<", "v33.015", "ICSA-24-284-18"),
            ("5.019", ">", "5.2", "ICSA-23-236-06"),
            ("7.00-20130108", "<", "7.00-20130619", "ICSA-17-157-01"),
            ("7.00-20130619", ">", "7.00", "ICSA-17-157-01"),
            ("7.00-20140128", "<", "7.01", "ICSA-17-157-01"),
            ("8.00-20141023", ">", "8.00", "issue"),
            ("15.2(4a)EA5", ">", "15.2(4)EA5", "ICSA-17-094-03"),
            ("15.2(4a)EA5", "<", "15.2(4a)EA6", "ICSA-17-094-03"),
            ("15.2(5)EA1", ">", "15.2(4a)EA5", "ICSA-17-094-03"),
        ],
    );
}

#[test]
fn schneider_profile() {
    check(
        Profile::Schneider,
        &[
            ("SV2.6", "=", "2.6", "ICSA-23-201-01"),
            ("SV3.51", ">", "SV3.20", "ICSA-23-201-01"),
            ("SV4.10", ">", "SV4.9", "ICSA-23-201-01"),
            ("SV1.70 IR22", ">", "SV1.70", "ICSA-21-159-05"),
            ("SV1.70 IR22", "<", "SV1.71", "ICSA-21-159-05"),
            ("V3.3 IE12", ">", "V3.3", "issue"),
            ("V3.3 IE12", ">", "V3.3 IE11", "issue"),
            ("V3.3 IE12", "<", "V3.4", "issue"),
            ("v2.5-GA-01-22261", ">", "v2.5", "ICSA-23-108-02"),
            ("v2.5-GA-01-22261", "<", "V2.5-GA-01-22320", "ICSA-23-108-02"),
            ("3.1 Service Pack 1A", ">", "3.1 SP1", "ICSA-20-336-01"),
            ("3.1 Service Pack 1A", "<", "3.1 SP2", "ICSA-20-336-01"),
        ],
    );
}

#[test]
fn windows_profile() {
    // Windows 10 22H2, November 2023 cumulative update: OS Build 19045.3693.
    check(
        Profile::Windows,
        &[
            ("10.0.19045.3693", ">", "10.0.19045.3570", "issue"),
            ("10.0.19045.3693", "=", "OS Build 19045.3693", "issue"),
            ("19045.3693", "<", "10.0.19045.3803", "issue"),
            ("10.0.17763.5122", "<", "10.0.19045.1", "issue"),
            ("6.1.7601.24545", "<", "10.0.10240.16384", "issue"),
            ("10.0.19045", "=", "10.0.19045.0", "issue"),
        ],
    );
    assert!(version::compare("22H2", "10.0.19045.1", Profile::Windows).is_err());
}

#[test]
fn date_profile() {
    check(
        Profile::Date,
        &[
            ("2019-09-21", ">", "2019-09-20", "ICSA-21-343-02"),
            ("Build 2019-09-21", "=", "20190921", "ICSA-20-238-03"),
            ("2021.03.04", "=", "2021-03-04", "issue"),
            ("20210304", "<", "2021-03-05", "issue"),
            ("2020-12-31", "<", "2021-01-01", "issue"),
        ],
    );
    assert!(version::compare("2021-02-30", "2021-03-01", Profile::Date).is_err());
}

#[test]
fn not_versions_are_errors() {
    let bad = [
        ("", "empty"),
        ("   ", "whitespace"),
        ("All versions with Ethernet interface", "ICSA-22-104-06"),
        ("9 Linux Image 2019-12-13", "ICSA-19-253-03"),
        ("cesne_r1h07_12.esw", "ICSA-21-341-02"),
        ("no digits here", "no digit"),
        ("x", "wildcard alone"),
        ("1.0 ✓", "non-ASCII"),
    ];
    for (v, why) in bad {
        for p in [Profile::Generic, Profile::Siemens, Profile::Schneider, Profile::Windows, Profile::Date] {
            let e = version::compare(v, "1.0", p).err();
            assert!(e.is_some(), "{p}: `{v}` ({why}) should not be a version");
            assert!(version::validate(v, p).is_err(), "{p}: `{v}` validate");
        }
    }
    let e = version::compare("All versions with Ethernet interface", "1.0", Profile::Siemens).unwrap_err();
    assert_eq!(e.version, "All versions with Ethernet interface");
}

#[test]
fn hostile_strings_never_panic() {
    let long_digits = "9".repeat(100_000);
    let mixed = "1a".repeat(50_000);
    let seps = ".-_".repeat(30_000);
    let words = "sp1 ".repeat(20_000);
    let inputs = [
        long_digits.as_str(),
        mixed.as_str(),
        seps.as_str(),
        words.as_str(),
        "\u{0}",
        "v",
        "vvvvv1",
        "Service",
        "Service Pack",
        "1 Service Pac",
        "ÿ1",
        "1.0\u{301}",
        "%%%",
        "**",
        "x.x.x",
    ];
    for a in inputs {
        for b in inputs {
            for p in Profile::ALL {
                let _ = version::compare(a, b, p);
            }
        }
    }
    assert_eq!(version::compare(&long_digits, &format!("0{long_digits}"), Profile::Generic), Ok(Ordering::Equal));
}

/// Every version-like text in the CISA CSAF corpus goes through every profile without a panic,
/// and the Siemens product versions mostly read as versions.
#[test]
fn csaf_corpus_smoke() {
    let Some(root) = fixture("csaf-cisa/csaf_files/OT/white") else { return };
    let mut names = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                collect(&doc["product_tree"], &mut names);
            }
        }
    }
    assert!(names.len() > 10_000, "only {} names", names.len());
    let mut siemens_versions = 0;
    let mut siemens_ok = 0;
    let mut unread = Vec::new();
    for name in &names {
        for p in Profile::ALL {
            let _ = version::validate(name, p);
            let _ = version::compare(name, "V1.0", p);
        }
        // Plain `V<digit>…` product versions and `< V…` bounds (the Siemens house style).
        let bare = name.trim().trim_start_matches("vers:all/").trim_start_matches(['<', '>', '=', ' ']);
        let plain = bare.starts_with('V')
            && bare[1..].starts_with(|c: char| c.is_ascii_digit())
            && !bare.contains(['<', '>', '|', ',', '(', ':']);
        if plain {
            siemens_versions += 1;
            match version::validate(bare, Profile::Siemens) {
                Ok(()) => siemens_ok += 1,
                Err(e) => unread.push(e.to_string()),
            }
        }
    }
    unread.sort();
    unread.dedup();
    eprintln!("csaf corpus: {} names; {siemens_ok} of {siemens_versions} `V…` versions read", names.len());
    eprintln!("unread: {}", unread.join("\n"));
    assert!(siemens_ok * 100 >= siemens_versions * 99, "{siemens_ok} of {siemens_versions}");
}

fn collect(node: &serde_json::Value, out: &mut Vec<String>) {
    match node {
        serde_json::Value::Object(map) => {
            let category = map.get("category").and_then(|c| c.as_str());
            if let (Some("product_version" | "product_version_range"), Some(name)) =
                (category, map.get("name").and_then(|n| n.as_str()))
            {
                out.push(name.to_string());
            }
            for v in map.values() {
                collect(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

// --- range decisions ------------------------------------------------------------------------

fn bounds(start: Option<(&str, bool)>, end: Option<(&str, bool)>) -> VersionSpec {
    let b = |(v, inclusive): (&str, bool)| Bound { version: v.to_string(), inclusive };
    VersionSpec::Range { start: start.map(b), end: end.map(b) }
}

fn is_unknown(c: &Containment) -> bool {
    matches!(c, Containment::Unknown { .. })
}

#[test]
fn ranges_from_cisa_loose_forms() {
    // ICSA-23-103-05: `vers:all/<V5.5.2`, normalised by intel::csaf::quality to `< V5.5.2`.
    let spec = bounds(None, Some(("V5.5.2", false)));
    let d = range::contains(&spec, "V5.5.1", Profile::Siemens);
    assert_eq!(d.containment, Containment::Inside);
    assert_eq!((d.comparator.as_str(), d.range.as_str()), ("siemens", "< V5.5.2"));
    assert_eq!(range::contains(&spec, "5.5.2", Profile::Siemens).containment, Containment::Outside);
    // ICSA-22-041-02: `>= V17 Update 2 < V17 Update 4`.
    let spec = bounds(Some(("V17 Update 2", true)), Some(("V17 Update 4", false)));
    assert_eq!(range::contains(&spec, "V17 Upd3", Profile::Siemens).containment, Containment::Inside);
    assert_eq!(range::contains(&spec, "V17 Update 4", Profile::Siemens).containment, Containment::Outside);
    assert_eq!(range::contains(&spec, "V17", Profile::Siemens).containment, Containment::Outside);
    let d = range::contains(&spec, "V17 Update 2", Profile::Siemens);
    assert_eq!(d.range, ">= V17 Update 2, < V17 Update 4");
    // ICSA-17-129-01: `< V4.7 SP4 HF2` vs `V3.0 SP1`-style qualifiers.
    let spec = bounds(None, Some(("V4.7 SP4 HF2", false)));
    assert_eq!(range::contains(&spec, "V4.7 SP4 HF1", Profile::Siemens).containment, Containment::Inside);
    assert_eq!(range::contains(&spec, "V4.7 SP4 HF2", Profile::Siemens).containment, Containment::Outside);
    // ICSA-18-018-01A: `<= V5.x` includes all of 5.*; `< 4.1.x` excludes all of 4.1.
    let spec = bounds(None, Some(("V5.x", true)));
    assert_eq!(range::contains(&spec, "V5.9.9", Profile::Siemens).containment, Containment::Inside);
    assert_eq!(range::contains(&spec, "V6.0", Profile::Siemens).containment, Containment::Outside);
    let spec = bounds(None, Some(("4.1.x", false)));
    assert_eq!(range::contains(&spec, "4.1.5", Profile::Generic).containment, Containment::Outside);
    assert_eq!(range::contains(&spec, "4.0.5", Profile::Generic).containment, Containment::Inside);
}

#[test]
fn exact_all_vers_unparsed() {
    // ICSA-20-093-01: product_version `4.1.x` means any 4.1.*.
    let spec = VersionSpec::Exact { version: "4.1.x".to_string() };
    let d = range::contains(&spec, "4.1.12", Profile::Generic);
    assert_eq!(d.containment, Containment::Inside);
    assert_eq!(d.range, "= 4.1.x");
    assert_eq!(range::contains(&spec, "4.2.0", Profile::Generic).containment, Containment::Outside);
    let spec = VersionSpec::Exact { version: "V4.3".to_string() };
    assert_eq!(range::contains(&spec, "4.3.0", Profile::Siemens).containment, Containment::Inside);
    assert_eq!(range::contains(&spec, "V4.3", Profile::Siemens).range, "= V4.3");

    let d = range::contains(&VersionSpec::All, "", Profile::Generic);
    assert_eq!((d.containment, d.range.as_str()), (Containment::Inside, "all versions"));

    let spec = VersionSpec::Vers { vers: "vers:pypi/>=1.0|<2.0".to_string() };
    let d = range::contains(&spec, "1.5rc1", Profile::Siemens);
    assert_eq!((d.containment, d.comparator.as_str()), (Containment::Inside, "vers:pypi"));
    let spec = VersionSpec::Vers { vers: "vers:generic/>=V7.80|<V9.30%20SP1|>=V10.0|<V10.2".to_string() };
    let d = range::contains(&spec, "V9.30", Profile::Siemens);
    assert_eq!((d.containment, d.comparator.as_str()), (Containment::Inside, "siemens"));
    assert_eq!(range::contains(&spec, "V9.30 SP1", Profile::Siemens).containment, Containment::Outside);
    let spec = VersionSpec::Vers { vers: "vers:gem/>=1.0|<2.0".to_string() };
    let d = range::contains(&spec, "1.5", Profile::Siemens);
    assert_eq!((d.containment, d.comparator.as_str()), (Containment::Inside, "generic (vers scheme gem unsupported)"));
    // Distribution packages: dpkg and rpm order, epochs and releases included.
    let spec = VersionSpec::Vers { vers: "vers:deb/<3.0.11-1~deb12u2".to_string() };
    let d = range::contains(&spec, "3.0.11-1~deb12u1", Profile::Generic);
    assert_eq!((d.containment, d.comparator.as_str()), (Containment::Inside, "vers:deb"));
    assert_eq!(range::contains(&spec, "3.0.11-1", Profile::Generic).containment, Containment::Outside);
    let spec = VersionSpec::Vers { vers: "vers:rpm/<1:2.02-157.el8".to_string() };
    assert_eq!(range::contains(&spec, "1:2.02-156.el8", Profile::Generic).containment, Containment::Inside);
    assert_eq!(
        range::contains(&spec, "2.02-999.el8", Profile::Generic).containment,
        Containment::Inside,
        "no epoch = 0"
    );
    assert_eq!(range::contains(&spec, "1:2.02-157.el8_9.1", Profile::Generic).containment, Containment::Outside);
    let spec = VersionSpec::Vers { vers: "vers:npm/>=1.0.0 |<2.0.0".to_string() };
    assert!(is_unknown(&range::contains(&spec, "1.5.0", Profile::Generic).containment));

    let spec = VersionSpec::Unparsed { text: "All versions with Ethernet interface".to_string() };
    let d = range::contains(&spec, "1.0", Profile::Generic);
    assert!(is_unknown(&d.containment), "{d:?}");
}

#[test]
fn versions_that_do_not_parse_are_unknown() {
    let spec = bounds(Some(("2.0", true)), Some(("V2.9.4", false)));
    for v in ["", "unknown", "see label", "1.0 ✓"] {
        let d = range::contains(&spec, v, Profile::Generic);
        assert!(is_unknown(&d.containment), "{v:?}: {d:?}");
    }
    let d = range::within_bounds("firmware", Some("1.0"), None, None, Some("2.0"), Profile::Generic);
    assert!(is_unknown(&d.containment));
}

#[test]
fn nvd_bounds() {
    let d = range::within_bounds("V2.9.3", Some("2.0"), None, None, Some("V2.9.4"), Profile::Siemens);
    assert_eq!(d.containment, Containment::Inside);
    assert_eq!(d.range, ">= 2.0, < V2.9.4");
    assert_eq!(d.comparator, "siemens");
    let d = range::within_bounds("2.0", None, Some("2.0"), Some("3.0"), None, Profile::Generic);
    assert_eq!(d.containment, Containment::Outside);
    assert_eq!(d.range, "> 2.0, <= 3.0");
    let d = range::within_bounds("3.0", None, Some("2.0"), Some("3.0"), None, Profile::Generic);
    assert_eq!(d.containment, Containment::Inside);
    let d = range::within_bounds("", None, None, None, None, Profile::Generic);
    assert_eq!((d.containment, d.range.as_str()), (Containment::Inside, "all versions"));
    let d = range::within_bounds("10.0.19045.3570", None, None, None, Some("10.0.19045.3693"), Profile::Windows);
    assert_eq!((d.containment, d.comparator.as_str()), (Containment::Inside, "windows"));
}
