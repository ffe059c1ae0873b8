//! Tests of `vers`: the official purl vers-spec suites (`../shared/fixtures/vers-spec/tests`)
//! and ranges of our own `generic` type.
//!
//! Suites run in full (every case of the file must pass):
//! - `vers_canonical_parse_test.json` (parse, with the expected failure messages);
//! - version comparison / equality: `maven`, `nuget`, `datetime`, `lexicographic-test`,
//!   `alpine` (type `apk`), `gentoo`, `openssl`, `alpm`, `conan`;
//! - `pypi_range_containment_test.json`, `pypi_range_validate_test.json` (validate is read as
//!   "normalise to canonical form": the `recommended` cases sort unsorted input, the `required`
//!   ones must come back unchanged), `npm_range_containment_test.json`.
//!
//! Not run, and why:
//! - every `*_range_from_native_*` suite (`conan`, `gem`, `nginx`, `npm`, `nuget`, `openssl`,
//!   `pypi`): converting ecosystem range syntaxes (`~2.5`, `^1.2`, `>=1,<2`) into vers is out of
//!   scope; Patchwise reads vers and the CSAF loose forms (`intel::csaf::quality`) only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;

use matching::vers::{self, Comparator, VersError, VersRange};
use matching::version::Profile;
use serde_json::Value;

use crate::support::fixture;

fn suite(name: &str) -> Option<Vec<Value>> {
    let path = fixture(&format!("vers-spec/tests/{name}"))?;
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    Some(doc["tests"].as_array().unwrap().clone())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

/// Sorts with the scheme's comparator (insertion sort: no assumptions about totality).
fn sort(scheme: &str, versions: &[String]) -> Result<Vec<String>, VersError> {
    let mut out: Vec<String> = Vec::new();
    for v in versions {
        let mut at = out.len();
        for (i, o) in out.iter().enumerate() {
            if vers::compare_versions(scheme, o, v, Profile::Generic)? == Ordering::Greater {
                at = i;
                break;
            }
        }
        out.insert(at, v.clone());
    }
    Ok(out)
}

/// Runs one case; `Err` describes a failure.
fn run_case(t: &Value) -> Result<(), String> {
    let kind = t["test_type"].as_str().unwrap();
    let input = &t["input"];
    let expected = &t["expected_output"];
    match kind {
        "comparison" => {
            let scheme = input["input_scheme"].as_str().unwrap();
            let versions = strings(&input["versions"]);
            let want = strings(expected);
            let got = sort(scheme, &versions).map_err(|e| e.to_string())?;
            // The same strings in the same order; a suite may spell an expected version in
            // another case (`nuget`), which must then compare equal.
            let same = got.len() == want.len()
                && got.iter().zip(&want).all(|(g, w)| {
                    g == w
                        || (g.eq_ignore_ascii_case(w)
                            && vers::compare_versions(scheme, g, w, Profile::Generic) == Ok(Ordering::Equal))
                });
            if same { Ok(()) } else { Err(format!("sorted {versions:?} to {got:?}, want {want:?}")) }
        }
        "equality" => {
            let scheme = input["input_scheme"].as_str().unwrap();
            let v = strings(&input["versions"]);
            let got = vers::compare_versions(scheme, &v[0], &v[1], Profile::Generic).map_err(|e| e.to_string())?;
            let want = expected.as_bool().unwrap();
            if (got == Ordering::Equal) == want {
                Ok(())
            } else {
                Err(format!("{v:?}: got {got:?}, want equal={want}"))
            }
        }
        "containment" => {
            let range = input["vers"].as_str().unwrap();
            let version = input["version"].as_str().unwrap();
            let r = VersRange::parse_unsorted(range, Profile::Generic).map_err(|e| e.to_string())?;
            let got = r.contains(version, Profile::Generic).map_err(|e| e.to_string())?;
            let want = expected.as_bool().unwrap();
            if got == want { Ok(()) } else { Err(format!("{version} in {range}: got {got}, want {want}")) }
        }
        "validate" => {
            let text = input.as_str().unwrap();
            let got = vers::normalize(text, Profile::Generic).map_err(|e| e.to_string())?;
            let want = expected.as_str().unwrap();
            if got == want { Ok(()) } else { Err(format!("{text}: got {got}, want {want}")) }
        }
        "parse" => {
            let text = input.as_str().unwrap();
            let got = VersRange::parse(text);
            if t["expected_failure"].as_bool() == Some(true) {
                let want = t["expected_message"].as_str().unwrap();
                return match got {
                    Err(e) if e.to_string() == want => Ok(()),
                    other => Err(format!("{text}: got {other:?}, want error `{want}`")),
                };
            }
            let r = got.map_err(|e| format!("{text}: {e}"))?;
            let want_scheme = expected["scheme"].as_str().unwrap();
            let want: Vec<(String, String)> = expected["version_constraints"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_str().unwrap().to_string(), c[1].as_str().unwrap().to_string()))
                .collect();
            let have: Vec<(String, String)> =
                r.constraints().iter().map(|c| (c.comparator.symbol().to_string(), c.version.clone())).collect();
            if r.scheme() == want_scheme && have == want {
                Ok(())
            } else {
                Err(format!("{text}: got {} {have:?}, want {want_scheme} {want:?}", r.scheme()))
            }
        }
        other => Err(format!("test type {other} is not run here")),
    }
}

/// Runs every case of a suite; all must pass. Returns the number run.
fn run_suite(name: &str, min_cases: usize) -> usize {
    let Some(tests) = suite(name) else { return 0 };
    let failures: Vec<String> = tests.iter().filter_map(|t| run_case(t).err()).collect();
    assert!(
        failures.is_empty(),
        "{name}: {} of {} cases fail:\n{}",
        failures.len(),
        tests.len(),
        failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(tests.len() >= min_cases, "{name}: only {} cases", tests.len());
    eprintln!("{name}: {} cases pass", tests.len());
    tests.len()
}

#[test]
fn canonical_parse_suite() {
    run_suite("vers_canonical_parse_test.json", 12);
}

#[test]
fn maven_suite() {
    run_suite("maven_version_cmp_test.json", 977);
}

#[test]
fn nuget_suite() {
    run_suite("nuget_version_cmp_test.json", 33);
}

#[test]
fn datetime_suite() {
    run_suite("datetime_version_cmp_test.json", 7);
}

#[test]
fn lexicographic_suite() {
    run_suite("lexicographic-test.json", 8);
}

#[test]
fn pypi_suites() {
    run_suite("pypi_range_containment_test.json", 10);
    run_suite("pypi_range_validate_test.json", 19);
}

#[test]
fn alpine_suite() {
    run_suite("alpine_version_cmp_test.json", 716);
}

#[test]
fn gentoo_suite() {
    run_suite("gentoo_version_cmp_test.json", 48);
}

#[test]
fn openssl_suite() {
    run_suite("openssl_version_cmp_test.json", 44);
}

#[test]
fn alpm_suite() {
    run_suite("alpm_version_cmp_test.json", 42);
}

#[test]
fn conan_suite() {
    run_suite("conan_version_cmp_test.json", 47);
}

#[test]
fn npm_containment_suite() {
    run_suite("npm_range_containment_test.json", 1);
}

// --- our own cases --------------------------------------------------------------------------

fn inside(range: &str, version: &str, profile: Profile) -> bool {
    VersRange::parse_unsorted(range, profile).unwrap().contains(version, profile).unwrap()
}

#[test]
fn generic_ranges_use_the_profile() {
    // ICSA-23-348-13 (Siemens): `vers:generic/>=V7.80|<V9.40` style ranges.
    assert!(inside("vers:generic/>=V7.80|<V9.40", "V8.0 SP1", Profile::Siemens));
    assert!(inside("vers:generic/>=V7.80|<V9.40", "V7.80", Profile::Siemens));
    assert!(!inside("vers:generic/>=V7.80|<V9.40", "V9.40", Profile::Siemens));
    // Service packs inside vers travel as %20.
    assert!(inside("vers:generic/<V3.0%20SP1", "V3.0 Update 2", Profile::Siemens));
    assert!(!inside("vers:generic/<V3.0%20SP1", "V3.0 SP1", Profile::Siemens));
    // Wildcards: `<=4.1.x` takes all of 4.1, `<4.1.x` none of it.
    assert!(inside("vers:generic/<=4.1.x", "4.1.17", Profile::Generic));
    assert!(!inside("vers:generic/<4.1.x", "4.1.17", Profile::Generic));
    assert!(inside("vers:generic/<4.1.x", "4.0.99", Profile::Generic));
}

#[test]
fn containment_edge_cases() {
    assert!(inside("vers:pypi/!=1.0", "1.1", Profile::Generic));
    assert!(!inside("vers:pypi/!=1.0", "1.0", Profile::Generic));
    assert!(!inside("vers:pypi/1.0|2.0", "1.5", Profile::Generic));
    assert!(inside("vers:pypi/<1.0|>=2.0", "0.5", Profile::Generic));
    assert!(inside("vers:pypi/<1.0|>=2.0", "2.5", Profile::Generic));
    assert!(!inside("vers:pypi/<1.0|>=2.0", "1.5", Profile::Generic));
    assert!(inside("vers:all/*", "anything", Profile::Generic));
    assert!(!inside("vers:none/*", "1.0", Profile::Generic));
    // A version the type cannot read is an error, not "outside".
    let r = VersRange::parse("vers:npm/>=1.0.0|<2.0.0").unwrap();
    assert!(r.contains("not a version", Profile::Generic).is_err());
}

#[test]
fn canonical_printing_and_rules() {
    let r = VersRange::parse_unsorted("vers:generic/<2.0|>=1.0|=1.5%20SP1", Profile::Generic).unwrap();
    // `%20` is a space; decoded once, printed encoded again; `=` is not printed.
    assert_eq!(r.constraints()[1].version, "1.5 SP1");
    assert_eq!(r.to_string(), "vers:generic/>=1.0|1.5%20SP1|<2.0");
    assert_eq!(r.constraints()[0].comparator, Comparator::Ge);
    let dup = VersRange::parse("vers:pypi/>=1.0|>=1.0").unwrap();
    assert!(dup.check_rules(Profile::Generic).is_err());
    let two_lower = VersRange::parse("vers:pypi/>=1.0|>=2.0").unwrap();
    assert!(two_lower.check_rules(Profile::Generic).is_err());
    let good = VersRange::parse("vers:pypi/1.0|>=2.0|<3.0|!=3.5|>=4.0").unwrap();
    assert_eq!(good.check_rules(Profile::Generic), Ok(()));
    assert!(VersRange::parse("vers:NPM/1.0.0").is_err());
    assert!(VersRange::parse("VERS:npm/1.0.0").is_err());
    assert!(VersRange::parse("vers:npm/*|1.0.0").is_err());
    assert!(VersRange::parse("vers:all/<1.0").is_err());
}

#[test]
fn comparator_names() {
    assert_eq!(vers::comparator_name("pypi", Profile::Generic), "vers:pypi");
    assert_eq!(vers::comparator_name("generic", Profile::Siemens), "siemens");
    assert_eq!(vers::comparator_name("gem", Profile::Siemens), "generic (vers scheme gem unsupported)");
    assert!(!vers::is_supported("gem"));
    assert_eq!(vers::comparator_name("deb", Profile::Siemens), "vers:deb");
    assert!(vers::is_supported("rpm"));
    assert!(vers::is_supported("maven"));
}
