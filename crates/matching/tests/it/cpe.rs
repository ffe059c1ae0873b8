//! Tests of `cpe`: the NISTIR 7695 bindings (the specification's examples, the CSAF CPE test
//! corpus, every CPE of the real NVD fixtures), NISTIR 7696 comparison (Table 6-2 row by row,
//! the CPE dictionary page) and the evaluation of real NVD configurations.

// Helpers outside `#[test]` functions read fixtures; a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufReader, Read};
use std::sync::OnceLock;

use matching::cpe::{
    AttrRelation, CompiledConfiguration, Cpe, CpeErrorKind, NameRelation, Truth, UnresolvedReason, Value, Wildcard,
    compare_names, compare_values, evaluate, evaluate_compiled,
};
use model::advisory::{ConfigNode, Configuration, CpeMatch, Operator};
use serde::Deserialize;

use crate::support::fixture;

fn cpe(s: &str) -> Cpe {
    match Cpe::parse(s) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

fn error_kind(s: &str) -> CpeErrorKind {
    match Cpe::parse(s) {
        Ok(c) => panic!("`{s}` parsed as {c:?}"),
        Err(e) => {
            assert!(e.to_string().contains(s), "error does not name its input: {e}");
            e.kind
        }
    }
}

fn value(s: &str) -> Value {
    match Value::parse_fs(s) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Bindings: NISTIR 7695 examples

#[test]
fn formatted_string_examples_of_nistir_7695() {
    // §6.2.3: unbinding formatted strings.
    let c = cpe("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    assert_eq!(c.part.as_text(), Some("a"));
    assert_eq!(c.vendor.as_text(), Some("microsoft"));
    assert_eq!(c.version.as_text(), Some("8.0.6001"));
    assert_eq!(c.update.as_text(), Some("beta"));
    assert!(c.edition.is_any() && c.other.is_any());

    let c = cpe("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
    assert_eq!(c.version.as_text(), None, "a pattern is not a plain value");
    let v = c.version.as_pattern().unwrap();
    assert_eq!((v.body(), v.leading(), v.trailing()), ("8.", Wildcard::None, Wildcard::Star));
    let u = c.update.as_pattern().unwrap();
    assert_eq!((u.body(), u.trailing()), ("sp", Wildcard::Questions(1)));

    let c = cpe("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*");
    assert!(c.update.is_na());
    assert_eq!(c.sw_edition.as_text(), Some("online"));
    assert_eq!(c.target_sw.as_text(), Some("win2003"));
    assert_eq!(c.target_hw.as_text(), Some("x64"));

    let c = cpe(r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*");
    assert_eq!(c.vendor.as_text(), Some(r"foo\bar"));
    assert_eq!(c.product.as_text(), Some("big$money_2010"));
    assert_eq!(c.to_fs(), r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*");

    // The specification's invalid example (ten components and an embedded `*`), and the same
    // with eleven components.
    assert_eq!(error_kind("cpe:2.3:a:hp:insight_diagnostics:7.4.*.1570:*:*:*:*:*:*"), CpeErrorKind::ComponentCount);
    assert_eq!(error_kind("cpe:2.3:a:hp:insight_diagnostics:7.4.*.1570:*:*:*:*:*:*:*"), CpeErrorKind::EmbeddedWildcard);
}

#[test]
fn uri_examples_of_nistir_7695() {
    // §6.1.3: unbinding URIs, checked through the formatted string they bind to.
    for (uri, fs) in [
        (
            "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        ),
        (
            "cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f",
            r"cpe:2.3:a:microsoft:internet_explorer:8.\*:sp\?:*:*:*:*:*:*",
        ),
        ("cpe:/a:microsoft:internet_explorer:8.%02:sp%01", "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*"),
        (
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*",
        ),
        (
            "cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
            "cpe:2.3:a:hp:openview_network_manager:7.51:-:*:*:*:linux:*:*",
        ),
        ("cpe:/a:foo~bar:big%7emoney_2010", r"cpe:2.3:a:foo\~bar:big\~money_2010:*:*:*:*:*:*:*:*"),
        ("cpe:/o:redhat:rhel_aus:7.6::server", "cpe:2.3:o:redhat:rhel_aus:7.6:*:server:*:*:*:*:*"),
        ("CPE:/A:Microsoft:IE", "cpe:2.3:a:microsoft:ie:*:*:*:*:*:*:*:*"),
        ("cpe:/", "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*"),
    ] {
        assert_eq!(cpe(uri).to_fs(), fs, "{uri}");
    }
    assert_eq!(
        error_kind("cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~"),
        CpeErrorKind::PercentEncoding
    );
    assert_eq!(error_kind("cpe:/a:foo:bar:12.%02.1234"), CpeErrorKind::EmbeddedWildcard);
}

#[test]
fn binding_to_uri_follows_nistir_7695() {
    // §6.1.2: binding to URIs, including the packed edition.
    for (fs, uri) in [
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
            "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
        ),
        ("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", "cpe:/a:microsoft:internet_explorer:8.%02:sp%01"),
        (
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~",
        ),
        (
            "cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*",
            "cpe:/a:hp:openview_network_manager:7.51::~~~linux~~",
        ),
        (
            r"cpe:2.3:a:foo\\bar:big\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*",
            "cpe:/a:foo%5cbar:big%24money_manager_2010:::~~special~ipod_touch~80gb~",
        ),
        ("cpe:2.3:*:*:*:*:*:*:*:*:*:*:*", "cpe:/"),
        (r"cpe:2.3:a:x:\-:*:*:*:*:*:*:*:*", "cpe:/a:x:%2d"),
        (r"cpe:2.3:h:siemens:ruggedcom_rs900_\(32m\):-:*:*:*:*:*:*:*", "cpe:/h:siemens:ruggedcom_rs900_%2832m%29:-"),
    ] {
        let c = cpe(fs);
        assert_eq!(c.to_uri(), uri, "{fs}");
        assert_eq!(cpe(uri), c, "{uri} reads back");
    }
}

#[test]
fn malformed_names_get_errors_that_say_why() {
    for (s, kind, says) in [
        ("siemens simatic", CpeErrorKind::Prefix, "cpe:2.3:"),
        ("cpe:2.3:a:siemens:simatic", CpeErrorKind::ComponentCount, "this one has 3"),
        ("cpe:2.3:a:siemens:simatic:*:*:*:*:*:*:*:*:*", CpeErrorKind::ComponentCount, "this one has 12"),
        ("cpe:2.3:x:siemens:simatic:*:*:*:*:*:*:*:*", CpeErrorKind::Part, "part `x`"),
        ("cpe:2.3:A:siemens:simatic:*:*:*:*:*:*:*:*", CpeErrorKind::Part, "part `A`"),
        ("cpe:2.3:a:siemens::*:*:*:*:*:*:*:*", CpeErrorKind::EmptyValue, "product is empty"),
        ("cpe:2.3:a:siemens:simatic s7:*:*:*:*:*:*:*:*", CpeErrorKind::IllegalCharacter, "whitespace"),
        ("cpe:2.3:a:siemens:pn/dp:*:*:*:*:*:*:*:*", CpeErrorKind::IllegalCharacter, r"write `\/`"),
        ("cpe:2.3:a:bürkert:x:*:*:*:*:*:*:*:*", CpeErrorKind::IllegalCharacter, "U+00FC"),
        ("cpe:2.3:a:siemens:sim*tic:*:*:*:*:*:*:*:*", CpeErrorKind::EmbeddedWildcard, "product `sim*tic`"),
        ("cpe:2.3:a:siemens:*?simatic:*:*:*:*:*:*:*:*", CpeErrorKind::EmbeddedWildcard, "mixes"),
        ("cpe:2.3:a:siemens:simatic:??:*:*:*:*:*:*:*", CpeErrorKind::OnlyWildcards, "version `??`"),
        (r"cpe:2.3:a:siemens:simatic:*:*:*:*:*:*:*:x\", CpeErrorKind::Escape, "lone"),
        (r"cpe:2.3:a:siemens:sim\atic:*:*:*:*:*:*:*:*", CpeErrorKind::Escape, "not punctuation"),
        ("cpe:2.3:a:siemens:simatic:*:*:*:english:*:*:*:*", CpeErrorKind::Language, "english"),
        ("cpe:2.3:a:siemens:simatic:*:*:*:en-*:*:*:*:*", CpeErrorKind::Language, "en-*"),
        ("cpe:/a:siemens:simatic:1.0:sp1:ed:en:extra", CpeErrorKind::ComponentCount, "at most 7"),
        ("cpe:/a:siemens:simatic:1.0::~pro~x", CpeErrorKind::PackedEdition, "packs 2"),
        ("cpe:/a:siemens:simatic:1.0%", CpeErrorKind::PercentEncoding, "two hex"),
        ("cpe:/a:siemens:simatic:1.0%41", CpeErrorKind::PercentEncoding, "%41"),
        ("cpe:/a:siemens:sim!atic", CpeErrorKind::IllegalCharacter, "percent-encodes"),
        ("cpe:/x:siemens:simatic", CpeErrorKind::Part, "part `x`"),
    ] {
        let e = Cpe::parse(s).err().unwrap_or_else(|| panic!("`{s}` parsed"));
        assert_eq!(e.kind, kind, "{s}: {e}");
        let text = e.to_string();
        assert!(text.contains(s) && text.contains(says), "{s}: `{text}` should say `{says}`");
    }
    // A very long input is shortened in the message.
    let long = format!("cpe:2.3:a:{}", "x".repeat(10_000));
    let e = Cpe::parse(&long).err().unwrap();
    assert!(e.input.len() < 400 && e.input.ends_with('…'));
}

#[test]
fn parsing_never_panics_and_what_parses_round_trips() {
    let seeds = [
        r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:-:en-us:*:*:*:*other??",
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~:en",
        "cpe:/a:microsoft:internet_explorer:%01%018.%02:sp%01",
    ];
    let inserts = ["", ":", "\\", "*", "?", "%", "%0", "%01", "%02", "~", "-", "é", " ", "\u{0}", "\\:", "::"];
    let mut parsed = 0;
    for seed in seeds {
        let chars: Vec<(usize, char)> = seed.char_indices().collect();
        for &(at, _) in &chars {
            for ins in inserts {
                for skip in [0, 1] {
                    let end = (at + skip).min(seed.len());
                    let s = format!("{}{ins}{}", &seed[..at], &seed[end..]);
                    if let Ok(c) = Cpe::parse(&s) {
                        parsed += 1;
                        assert_eq!(cpe(&c.to_fs()), c, "FS of `{s}`");
                        assert_eq!(compare_names(&cpe(&c.to_uri()), &c), relation_to_self(&c), "URI of `{s}`");
                    }
                }
            }
        }
    }
    assert!(parsed > 100, "{parsed}");
}

/// A name compared with itself: EQUAL unless wildcards make it undefined.
fn relation_to_self(c: &Cpe) -> NameRelation {
    if c.has_wildcards() { NameRelation::Undefined } else { NameRelation::Equal }
}

#[test]
fn plain_constructor_escapes_what_it_must() {
    let c = Cpe::new("h", "siemens", "ruggedcom_rs900_(32m)", None).unwrap();
    assert_eq!(c.to_fs(), r"cpe:2.3:h:siemens:ruggedcom_rs900_\(32m\):*:*:*:*:*:*:*:*");
    let c = Cpe::new("o", "siemens", "simatic s7-1500  cpu_firmware", Some("V2.9.4*")).unwrap();
    assert_eq!(c.to_fs(), r"cpe:2.3:o:siemens:simatic_s7-1500_cpu_firmware:V2.9.4\*:*:*:*:*:*:*:*");
    assert_eq!(c.version.as_text(), Some("V2.9.4*"), "a plain `*` is a literal");
    assert!(Cpe::new("a", "x", "y", Some("-")).unwrap().version.is_na());
    assert!(Cpe::new("", "x", "*", Some("")).unwrap().product.is_any());
    assert_eq!(Cpe::new("q", "x", "y", None).unwrap_err().kind, CpeErrorKind::Part);
    assert_eq!(Cpe::new("a", "bürkert", "y", None).unwrap_err().kind, CpeErrorKind::IllegalCharacter);
    assert_eq!(Value::plain("-").unwrap(), Value::Na);
    // Serialised as the formatted string.
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(json, format!("\"{}\"", c.to_fs().replace('\\', "\\\\")));
    assert_eq!(serde_json::from_str::<Cpe>(&json).unwrap(), c);
    assert!(serde_json::from_str::<Cpe>("\"cpe:2.3:a\"").is_err());
}

// ---------------------------------------------------------------------------------------------
// The CSAF 2.1 CPE test corpus (valid / invalid names for the CSAF `cpe` pattern)

fn corpus(rel: &str) -> Option<Vec<String>> {
    let path = fixture(rel)?;
    let text = std::fs::read_to_string(path).unwrap();
    Some(text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
}

#[test]
fn csaf_cpe_corpus() {
    let Some(valid) = corpus("sbom-vex/oasis-csaf/csaf_2.1/test/cpe/data/valid/cpe.txt") else { return };
    let Some(invalid) = corpus("sbom-vex/oasis-csaf/csaf_2.1/test/cpe/data/invalid/cpe.txt") else { return };
    assert_eq!((valid.len(), invalid.len()), (10, 9));
    for s in &valid {
        let c = cpe(s);
        if s.starts_with("cpe:2.3:") {
            assert_eq!(&c.to_fs(), s);
        }
        // The URI binding lowercases (`de-DE` reads back as `de-de`).
        assert_eq!(compare_names(&cpe(&c.to_uri()), &c), relation_to_self(&c), "{s}");
    }
    let kinds: BTreeMap<&str, CpeErrorKind> = invalid.iter().map(|s| (s.as_str(), error_kind(s))).collect();
    let count = |k: CpeErrorKind| kinds.values().filter(|v| **v == k).count();
    assert_eq!(count(CpeErrorKind::Prefix), 2);
    assert_eq!(count(CpeErrorKind::ComponentCount), 1);
    assert_eq!(count(CpeErrorKind::IllegalCharacter), 3);
    assert_eq!(count(CpeErrorKind::OnlyWildcards), 3);

    let c = cpe(&valid[1]);
    let other = c.other.as_pattern().unwrap();
    assert_eq!((other.leading(), other.body(), other.trailing()), (Wildcard::Star, "other", Wildcard::Questions(4)));
    let c = cpe(r"cpe:2.3:a:?\\*:*:*:*:*:de:*:*:*:*");
    let vendor = c.vendor.as_pattern().unwrap();
    assert_eq!((vendor.leading(), vendor.body(), vendor.trailing()), (Wildcard::Questions(1), "\\", Wildcard::Star));
}

// ---------------------------------------------------------------------------------------------
// NISTIR 7696 comparison

#[test]
fn attribute_comparison_table_6_2() {
    use AttrRelation::*;
    // Row by row: ANY, NA, i (a value), k (another value), j+wild (a pattern matching i),
    // m+wild (a pattern, as target).
    let rows = [
        (1, "*", "*", Equal),
        (2, "*", "-", Superset),
        (3, "*", "vendor", Superset),
        (4, "*", "ven*", Undefined),
        (5, "-", "*", Subset),
        (6, "-", "-", Equal),
        (7, "-", "vendor", Disjoint),
        (8, "-", "ven*", Undefined),
        (9, "vendor", "*", Subset),
        (10, "vendor", "-", Disjoint),
        (11, "vendor", "vendor", Equal),
        (12, "vendor", "other", Disjoint),
        (13, "vendor", "ven*", Undefined),
        (14, "ven*", "*", Subset),
        (15, "ven*", "-", Disjoint),
        (16, "ven*", "vendor", Superset),
        (17, "ven*", "other", Disjoint),
        (18, "ven*", "ven*", Undefined),
    ];
    for (row, source, target, expected) in rows {
        assert_eq!(compare_values(&value(source), &value(target)), expected, "row {row}: {source} vs {target}");
    }
}

#[test]
fn wildcards_in_the_source() {
    use AttrRelation::*;
    for (source, target, expected) in [
        ("*bar", "foobar", Superset),
        ("foo*", "foobar", Superset),
        ("*oba*", "foobar", Superset),
        ("*oba*", "foo", Disjoint),
        ("foobar*", "foobar", Superset),
        ("??obar", "foobar", Superset),
        ("?obar", "foobar", Disjoint),
        ("foob??", "foobar", Superset),
        ("foob?", "foobar", Disjoint),
        // A run of `?` matches up to as many characters (the reference algorithm).
        ("foo??", "foo", Superset),
        ("foo??", "foob", Superset),
        ("?oo?", "foo", Superset),
        ("FOO*", "foobar", Superset),
        ("Foo", "fOO", Equal),
        // Quoted wildcards are characters.
        (r"8.\*", r"8.\*", Equal),
        ("8.*", r"8.\*", Superset),
        (r"8.\*", "8.0", Disjoint),
        (r"\?", r"\?", Equal),
        (r"a\:b*", r"a\:bc", Superset),
    ] {
        assert_eq!(compare_values(&value(source), &value(target)), expected, "{source} vs {target}");
    }
}

#[test]
fn name_comparison() {
    use NameRelation::*;
    let ie8 = "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*";
    for (source, target, expected) in [
        (ie8, ie8, Equal),
        ("cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*", ie8, Superset),
        (ie8, "cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*", Undefined),
        ("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", ie8, Superset),
        (ie8, "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", Subset),
        ("cpe:2.3:a:microsoft:ie:*:*:*:*:*:*:*:*", ie8, Disjoint),
        (
            "cpe:2.3:a:microsoft:*:8.0.6001:*:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*",
            Overlap,
        ),
        ("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:-:*:*:*:*:*:*", ie8, Disjoint),
        // DISJOINT wins over an undefined attribute.
        ("cpe:2.3:a:apple:*:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet*:*:*:*:*:*:*:*:*", Disjoint),
        ("CPE:2.3:a:Microsoft:Internet_Explorer:8.0.6001:BETA:*:*:*:*:*:*", ie8, Equal),
        ("cpe:/a:microsoft:internet_explorer:8.0.6001:beta", ie8, Equal),
    ] {
        let r = compare_names(&cpe(source), &cpe(target));
        assert_eq!(r, expected, "{source} vs {target}");
    }
    assert!(Equal.is_superset() && Equal.is_subset() && Equal.is_equal() && !Equal.is_disjoint());
    assert!(Superset.is_superset() && !Superset.is_subset());
    assert!(!Overlap.is_superset() && !Overlap.is_subset() && !Overlap.is_disjoint());
}

// ---------------------------------------------------------------------------------------------
// Real data: NVD API 2.0 pages and the CPE dictionary

fn gz_json(rel: &str) -> Option<serde_json::Value> {
    let path = fixture(rel)?;
    let file = std::fs::File::open(path).unwrap();
    Some(serde_json::from_reader(BufReader::new(flate2::read::GzDecoder::new(file))).unwrap())
}

/// Parses, binds back to the formatted string (identical), and to the URI and back (equal).
fn round_trip(s: &str) {
    let c = cpe(s);
    assert_eq!(c.to_fs(), s);
    let uri = c.to_uri();
    assert_eq!(cpe(&uri), c, "{s} → {uri}");
    assert_eq!(compare_names(&c, &c), NameRelation::Equal, "{s}");
}

#[test]
fn nvd_api_criteria_parse_and_round_trip() {
    let mut total = 0;
    let mut distinct = BTreeSet::new();
    let mut configurations = 0;
    for page in ["cves-1999", "cves-2023"] {
        let rel = format!("nvd-api-2.0/pablotron-nvd-go/nvd-api/testdata/responses/{page}.json.gz");
        let Some(doc) = gz_json(&rel) else { return };
        for v in doc["vulnerabilities"].as_array().unwrap() {
            for config in v["cve"]["configurations"].as_array().into_iter().flatten() {
                configurations += 1;
                for node in config["nodes"].as_array().unwrap() {
                    for m in node["cpeMatch"].as_array().unwrap() {
                        total += 1;
                        distinct.insert(m["criteria"].as_str().unwrap().to_string());
                    }
                }
            }
        }
    }
    for s in &distinct {
        round_trip(s);
    }
    assert_eq!((configurations, total, distinct.len()), (480, 1_543, 778));
}

#[test]
fn cpe_dictionary_page_parses_and_matches_itself() {
    let rel = "nvd-api-2.0/pablotron-nvd-go/nvd-api/testdata/responses/cpes-2023.json.gz";
    let Some(doc) = gz_json(rel) else { return };
    let products = doc["products"].as_array().unwrap();
    let mut names = Vec::new();
    let mut parts: BTreeMap<String, usize> = BTreeMap::new();
    let mut deprecated_by = 0;
    for p in products {
        let name = p["cpe"]["cpeName"].as_str().unwrap();
        let c = cpe(name);
        assert_eq!(c.to_fs(), name);
        assert_eq!(compare_names(&c, &c), NameRelation::Equal, "{name}");
        assert_eq!(compare_names(&cpe(&c.to_uri()), &c), NameRelation::Equal, "{name}");
        *parts.entry(c.part.as_text().unwrap().to_string()).or_default() += 1;
        for d in p["cpe"]["deprecatedBy"].as_array().into_iter().flatten() {
            cpe(d["cpeName"].as_str().unwrap());
            deprecated_by += 1;
        }
        names.push(c);
    }
    assert_eq!(names.len(), 10_000);
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), 10_000, "distinct names");
    assert_eq!(parts, BTreeMap::from([("a".into(), 5_410), ("h".into(), 1_383), ("o".into(), 3_207)]));
    assert_eq!(deprecated_by, 1_128);
    assert_eq!(names.iter().filter(|c| c.to_fs().contains('\\')).count(), 1_571, "names with quoted characters");

    // Queries as sources against the dictionary: counts checked against the page.
    let count = |query: &str| {
        let q = cpe(query);
        names.iter().filter(|n| compare_names(&q, n).is_superset()).count()
    };
    assert_eq!(count("cpe:2.3:*:cisco:*:*:*:*:*:*:*:*:*"), 2_720);
    assert_eq!(count("cpe:2.3:h:*:*:*:*:*:*:*:*:*:*"), 1_383);
    assert_eq!(count("cpe:2.3:o:linux:linux_kernel:2.6.*:*:*:*:*:*:*:*"), 264);
    assert_eq!(count("cpe:/o:linux:linux_kernel"), 584, "one more is `a:linux:linux_kernel`");
    assert_eq!(count("cpe:/:linux:linux_kernel"), 585);
    // Every name is a subset of the query for its vendor and product.
    for n in names.iter().take(500) {
        let mut q = n.clone();
        q.version = Value::Any;
        q.update = Value::Any;
        q.edition = Value::Any;
        assert!(compare_names(&q, n).is_superset());
        assert!(compare_names(n, &q).is_subset());
    }
}

// ---------------------------------------------------------------------------------------------
// Real data: the NVD 1.1 feed for 2022 (70 MB of JSON, read once into light structs)

#[derive(Deserialize)]
struct Feed {
    #[serde(rename = "CVE_Items")]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    cve: ItemCve,
    configurations: ItemConfigurations,
}

#[derive(Deserialize)]
struct ItemCve {
    #[serde(rename = "CVE_data_meta")]
    meta: ItemMeta,
}

#[derive(Deserialize)]
struct ItemMeta {
    #[serde(rename = "ID")]
    id: String,
}

#[derive(Deserialize)]
struct ItemConfigurations {
    nodes: Vec<Node11>,
}

#[derive(Deserialize)]
struct Node11 {
    operator: String,
    #[serde(default)]
    negate: bool,
    #[serde(default)]
    children: Vec<Node11>,
    #[serde(default)]
    cpe_match: Vec<Match11>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Match11 {
    vulnerable: bool,
    cpe23Uri: String,
    versionStartIncluding: Option<String>,
    versionStartExcluding: Option<String>,
    versionEndIncluding: Option<String>,
    versionEndExcluding: Option<String>,
}

fn operator(s: &str) -> Operator {
    if s == "AND" { Operator::And } else { Operator::Or }
}

fn node(n: &Node11) -> ConfigNode {
    ConfigNode {
        operator: operator(&n.operator),
        negate: n.negate,
        matches: n
            .cpe_match
            .iter()
            .map(|m| CpeMatch {
                vulnerable: m.vulnerable,
                criteria: m.cpe23Uri.clone(),
                version_start_including: m.versionStartIncluding.clone(),
                version_start_excluding: m.versionStartExcluding.clone(),
                version_end_including: m.versionEndIncluding.clone(),
                version_end_excluding: m.versionEndExcluding.clone(),
                match_criteria_id: None,
            })
            .collect(),
        children: n.children.iter().map(node).collect(),
    }
}

/// A 1.1 top-level node as a configuration, the way NVD converted 1.1 to 2.0 (and the `intel`
/// reader does): an AND node with only children is the configuration's operator over them.
fn configuration(n: &Node11) -> Configuration {
    if n.operator == "AND" && n.cpe_match.is_empty() && !n.children.is_empty() {
        Configuration { operator: Operator::And, negate: n.negate, nodes: n.children.iter().map(node).collect() }
    } else {
        Configuration { operator: Operator::Or, negate: false, nodes: vec![node(n)] }
    }
}

fn feed_2022() -> Option<&'static Feed> {
    static FEED: OnceLock<Option<Feed>> = OnceLock::new();
    FEED.get_or_init(|| {
        let path = fixture("nvd-json-1.1/dependency-check-hb_nvd/src/site/resources/hb_nvd/nvdcve-1.1-2022.json.gz")?;
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut json).unwrap();
        Some(serde_json::from_slice(&json).unwrap())
    })
    .as_ref()
}

/// The configurations of one CVE of the 2022 feed.
fn configurations_of(id: &str) -> Option<Vec<Configuration>> {
    let feed = feed_2022()?;
    let item = feed.items.iter().find(|i| i.cve.meta.id == id).unwrap();
    Some(item.configurations.nodes.iter().map(configuration).collect())
}

#[test]
fn nvd_11_feed_cpes_parse_and_round_trip() {
    let Some(feed) = feed_2022() else { return };
    fn walk<'a>(n: &'a Node11, out: &mut Vec<&'a str>) {
        out.extend(n.cpe_match.iter().map(|m| m.cpe23Uri.as_str()));
        for c in &n.children {
            walk(c, out);
        }
    }
    let mut all = Vec::new();
    for item in &feed.items {
        for n in &item.configurations.nodes {
            walk(n, &mut all);
        }
    }
    let distinct: BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!((feed.items.len(), all.len(), distinct.len()), (15_454, 122_769, 26_420));
    for s in &distinct {
        round_trip(s);
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration evaluation

/// A test comparator for dotted numeric versions; anything else is Unknown. The criterion's
/// own version (when no bounds are given) must equal the asset's, ANY and NA accept anything.
fn dotted(v: &str) -> Option<Vec<u64>> {
    v.split('.').map(|p| p.parse().ok()).collect()
}

fn version_check(m: &CpeMatch, crit: &Cpe, asset: &Cpe) -> Truth {
    use std::cmp::Ordering::{self, Greater, Less};
    type Bound<'a> = (&'a Option<String>, fn(Ordering) -> bool);
    let bounds: [Bound; 4] = [
        (&m.version_start_including, |o| o != Less),
        (&m.version_start_excluding, |o| o == Greater),
        (&m.version_end_including, |o| o != Greater),
        (&m.version_end_excluding, |o| o == Less),
    ];
    let has_bounds = bounds.iter().any(|(b, _)| b.is_some());
    if !has_bounds && crit.version.as_text().is_none() {
        return Truth::True;
    }
    let Some(asset_version) = asset.version.as_text().and_then(dotted) else { return Truth::Unknown };
    if !has_bounds {
        return match crit.version.as_text().and_then(dotted) {
            Some(v) => Truth::from_bool(v == asset_version),
            None => Truth::Unknown,
        };
    }
    let mut t = Truth::True;
    for (bound, holds) in bounds {
        if let Some(b) = bound {
            t = t.and(match dotted(b) {
                Some(b) => Truth::from_bool(holds(asset_version.cmp(&b))),
                None => Truth::Unknown,
            });
        }
    }
    t
}

fn eval(config: &Configuration, platform: &[&str]) -> matching::cpe::ConfigVerdict {
    let platform: Vec<Cpe> = platform.iter().map(|s| cpe(s)).collect();
    let verdict = evaluate(config, &platform, &mut version_check);
    let compiled = CompiledConfiguration::compile(config);
    assert_eq!(evaluate_compiled(&compiled, &platform, &mut version_check), verdict);
    verdict
}

const ROS: &str = "cpe:2.3:o:siemens:ruggedcom_ros:5.5.2:*:*:*:*:*:*:*";
const RSG2288: &str = "cpe:2.3:h:siemens:ruggedcom_rsg2288:*:*:*:*:*:*:*:*";

/// CVE-2022-34663: RUGGEDCOM ROS before 5.6.0 running on one of 19 RUGGEDCOM devices.
fn ruggedcom_ros_on_hardware() -> Option<Configuration> {
    let configs = configurations_of("CVE-2022-34663")?;
    let c = configs.into_iter().find(|c| format!("{c:?}").contains("5.6.0")).unwrap();
    assert_eq!(c.operator, Operator::And);
    assert_eq!(c.nodes.len(), 2);
    assert_eq!(c.nodes[1].matches.len(), 19);
    Some(c)
}

#[test]
fn firmware_on_hardware() {
    let Some(config) = ruggedcom_ros_on_hardware() else { return };

    // Firmware in range on a listed device.
    let v = eval(&config, &[ROS, RSG2288]);
    assert_eq!(v.truth, Truth::True);
    assert_eq!(v.vulnerable.len(), 1);
    assert_eq!((v.vulnerable[0].platform, v.vulnerable[0].truth), (0, Truth::True));
    assert_eq!(v.vulnerable[0].criteria.version_end_excluding.as_deref(), Some("5.6.0"));
    assert_eq!(v.platform.len(), 1);
    assert_eq!(v.platform[0].platform, 1);
    assert_eq!(v.platform[0].criteria.criteria, "cpe:2.3:h:siemens:ruggedcom_rsg2288:-:*:*:*:*:*:*:*");
    assert!(v.unresolved.is_empty());

    // The hardware CPE as the engine builds it from a plain product name with parentheses.
    let rs900 = Cpe::new("h", "siemens", "ruggedcom_rs900_(32m)", None).unwrap();
    let platform = [cpe(ROS), rs900];
    assert_eq!(evaluate(&config, &platform, &mut version_check).truth, Truth::True);

    // Fixed firmware.
    let fixed = "cpe:2.3:o:siemens:ruggedcom_ros:5.6.0:*:*:*:*:*:*:*";
    assert_eq!(eval(&config, &[fixed, RSG2288]).truth, Truth::False);

    // Firmware in range on other hardware: not affected; the firmware hit is still reported.
    let v = eval(&config, &[ROS, "cpe:2.3:h:siemens:scalance_x204-2:-:*:*:*:*:*:*:*"]);
    assert_eq!(v.truth, Truth::False);
    assert_eq!(v.vulnerable.len(), 1);
    assert!(v.platform.is_empty());

    // No hardware CPE at all: the hardware criteria are Unknown, so is the configuration.
    let v = eval(&config, &[ROS]);
    assert_eq!(v.truth, Truth::Unknown);
    assert_eq!(v.unresolved.len(), 19);
    assert!(v.unresolved.iter().all(|u| u.reason == UnresolvedReason::PartNotDescribed));
    // … but a fixed firmware without hardware is not affected.
    assert_eq!(eval(&config, &[fixed]).truth, Truth::False);

    // Unknown firmware version (Kleene: Unknown AND True).
    let v = eval(&config, &["cpe:2.3:o:siemens:ruggedcom_ros:*:*:*:*:*:*:*:*", RSG2288]);
    assert_eq!(v.truth, Truth::Unknown);
    assert_eq!(v.vulnerable[0].truth, Truth::Unknown);

    // An asset that does not name its vendor: the product may be Siemens' or not.
    let v = eval(&config, &["cpe:2.3:o:*:ruggedcom_ros:5.5.2:*:*:*:*:*:*:*", RSG2288]);
    assert_eq!(v.truth, Truth::Unknown);
    // What a criterion leaves ANY accepts whatever the asset states.
    let v = eval(&config, &["cpe:2.3:o:siemens:ruggedcom_ros:5.5.2:*:*:*:*:*:x86:*", RSG2288]);
    assert_eq!(v.truth, Truth::True);

    // Unrelated software: False, and the version comparator is never asked.
    let mut calls = 0;
    let platform = [cpe("cpe:2.3:a:microsoft:word:2016:*:*:*:*:*:*:*")];
    let v = evaluate(&config, &platform, &mut |_, _, _| {
        calls += 1;
        Truth::True
    });
    assert_eq!((v.truth, calls), (Truth::False, 0));
}

#[test]
fn negation() {
    let Some(mut config) = ruggedcom_ros_on_hardware() else { return };
    // ROS before 5.6.0 on anything *but* the listed devices.
    config.nodes[1].negate = true;
    assert_eq!(eval(&config, &[ROS, RSG2288]).truth, Truth::False);
    assert_eq!(eval(&config, &[ROS, "cpe:2.3:h:siemens:scalance_x204-2:-:*:*:*:*:*:*:*"]).truth, Truth::True);
    // Not (Unknown) is Unknown.
    assert_eq!(eval(&config, &[ROS]).truth, Truth::Unknown);

    // A negated configuration.
    let Some(mut config) = ruggedcom_ros_on_hardware() else { return };
    config.negate = true;
    assert_eq!(eval(&config, &[ROS, RSG2288]).truth, Truth::False);
    // The tree holds (not (firmware and hardware)) but no vulnerable criterion does.
    let fixed = "cpe:2.3:o:siemens:ruggedcom_ros:5.6.0:*:*:*:*:*:*:*";
    assert_eq!(eval(&config, &[fixed, RSG2288]).truth, Truth::False);
}

#[test]
fn applications_with_version_ranges() {
    let Some(configs) = configurations_of("CVE-2022-29028") else { return };
    assert_eq!(configs.len(), 1);
    let config = &configs[0];
    assert_eq!(config.operator, Operator::Or);
    assert_eq!(config.nodes[0].matches.len(), 3);

    let truth = |platform: &[&str]| eval(config, platform).truth;
    assert_eq!(truth(&["cpe:2.3:a:siemens:jt2go:13.3.0.2:*:*:*:*:*:*:*"]), Truth::True);
    assert_eq!(truth(&["cpe:2.3:a:siemens:jt2go:13.3.0.3:*:*:*:*:*:*:*"]), Truth::False);
    assert_eq!(truth(&["cpe:2.3:a:siemens:teamcenter_visualization:14.0:*:*:*:*:*:*:*"]), Truth::True);
    assert_eq!(truth(&["cpe:2.3:a:siemens:teamcenter_visualization:13.3.0.1:*:*:*:*:*:*:*"]), Truth::True);
    assert_eq!(truth(&["cpe:2.3:a:siemens:teamcenter_visualization:13.2:*:*:*:*:*:*:*"]), Truth::False);
    assert_eq!(truth(&["cpe:2.3:a:siemens:teamcenter_visualization:14.0.0.1:*:*:*:*:*:*:*"]), Truth::False);
    // A version the comparator cannot read: Unknown, unless another criterion holds.
    let odd = "cpe:2.3:a:siemens:jt2go:13.3-beta:*:*:*:*:*:*:*";
    assert_eq!(truth(&[odd]), Truth::Unknown);
    let v = eval(config, &[odd, "cpe:2.3:a:siemens:teamcenter_visualization:14.0:*:*:*:*:*:*:*"]);
    assert_eq!(v.truth, Truth::True);
    let hits: Vec<(usize, Truth)> = v.vulnerable.iter().map(|h| (h.platform, h.truth)).collect();
    assert_eq!(hits, [(1, Truth::True), (0, Truth::Unknown)]);
    // An asset whose product is unknown may be any Siemens application.
    assert_eq!(truth(&["cpe:2.3:a:siemens:*:13.0:*:*:*:*:*:*:*"]), Truth::Unknown);
    // No platform at all.
    assert_eq!(truth(&[]), Truth::False);
}

fn criterion(vulnerable: bool, criteria: &str) -> CpeMatch {
    CpeMatch {
        vulnerable,
        criteria: criteria.into(),
        version_start_including: None,
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: None,
        match_criteria_id: None,
    }
}

fn or_config(matches: Vec<CpeMatch>) -> Configuration {
    Configuration {
        operator: Operator::Or,
        negate: false,
        nodes: vec![ConfigNode { operator: Operator::Or, negate: false, matches, children: vec![] }],
    }
}

#[test]
fn unknown_attributes_and_unparsable_criteria() {
    // Update is held only when the asset states it.
    let config = or_config(vec![criterion(true, "cpe:2.3:o:vendor:os:2.0:sp1:*:*:*:*:*:*")]);
    let truth = |p: &str| eval(&config, &[p]).truth;
    assert_eq!(truth("cpe:2.3:o:vendor:os:2.0:*:*:*:*:*:*:*"), Truth::True);
    assert_eq!(truth("cpe:2.3:o:vendor:os:2.0:sp1:*:*:*:*:*:*"), Truth::True);
    assert_eq!(truth("cpe:2.3:o:vendor:os:2.0:sp2:*:*:*:*:*:*"), Truth::False);
    assert_eq!(truth("cpe:2.3:o:vendor:os:2.0:-:*:*:*:*:*:*"), Truth::False);
    assert_eq!(truth("cpe:2.3:*:vendor:os:2.0:*:*:*:*:*:*:*"), Truth::Unknown, "part unknown");
    assert_eq!(truth("cpe:2.3:o:vendor:os*:2.0:*:*:*:*:*:*:*"), Truth::Unknown, "a pattern as asset");

    // A criterion that does not parse is Unknown, never a panic, never False.
    let config = or_config(vec![criterion(true, "cpe:2.3:a:broken"), criterion(true, "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*")]);
    let v = eval(&config, &["cpe:2.3:a:other:thing:1:*:*:*:*:*:*:*"]);
    assert_eq!(v.truth, Truth::Unknown);
    assert!(
        matches!(&v.unresolved[0].reason, UnresolvedReason::Unparsable { error } if error.contains("cpe:2.3:a:broken"))
    );
    assert_eq!(eval(&config, &["cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"]).truth, Truth::True);

    // A tree satisfied by a platform criterion alone is not a match.
    let config = or_config(vec![
        criterion(true, "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"),
        criterion(false, "cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*"),
    ]);
    let v = eval(&config, &["cpe:2.3:o:microsoft:windows:10:*:*:*:*:*:*:*"]);
    assert_eq!((v.truth, v.platform.len()), (Truth::False, 1));

    // Empty configurations and deep nesting.
    let empty = Configuration { operator: Operator::And, negate: false, nodes: vec![] };
    assert_eq!(eval(&empty, &[ROS]).truth, Truth::False);
    let mut deep = ConfigNode {
        operator: Operator::Or,
        negate: false,
        matches: vec![criterion(true, "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*")],
        children: vec![],
    };
    for _ in 0..100 {
        deep = ConfigNode { operator: Operator::Or, negate: false, matches: vec![], children: vec![deep] };
    }
    let config = Configuration { operator: Operator::Or, negate: false, nodes: vec![deep] };
    assert_eq!(eval(&config, &["cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"]).truth, Truth::Unknown);
}

#[test]
fn a_ruggedcom_device_against_the_whole_2022_feed() {
    let Some(feed) = feed_2022() else { return };
    let compiled: Vec<(&str, CompiledConfiguration)> = feed
        .items
        .iter()
        .flat_map(|i| i.configurations.nodes.iter().map(|n| (i.cve.meta.id.as_str(), configuration(n))))
        .map(|(id, c)| (id, CompiledConfiguration::compile(&c)))
        .collect();
    assert_eq!(compiled.len(), 37_448);
    let unparsable = compiled.iter().flat_map(|(_, c)| c.criteria()).filter(|(_, c)| c.is_err()).count();
    assert_eq!(unparsable, 0);

    let outcomes = |platform: &[Cpe]| {
        let mut out: Vec<(Truth, &str)> = Vec::new();
        for (id, c) in &compiled {
            let t = c.evaluate(platform, &mut version_check).truth;
            if t != Truth::False {
                out.push((t, id));
            }
        }
        out
    };
    assert_eq!(
        outcomes(&[cpe(ROS), cpe(RSG2288)]),
        [(Truth::True, "CVE-2022-34663"), (Truth::True, "CVE-2022-39158")],
        "ROS 5.5.2 on an RSG2288"
    );
    assert_eq!(
        outcomes(&[cpe(ROS)]),
        [(Truth::Unknown, "CVE-2022-34663"), (Truth::Unknown, "CVE-2022-34663"), (Truth::Unknown, "CVE-2022-39158")],
        "ROS 5.5.2, hardware unknown"
    );
}
