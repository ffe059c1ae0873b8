//! CSAF (all CISA ICS advisories, the OASIS validator suite and examples), CycloneDX VEX and
//! OpenVEX readers over the real fixtures, plus the range-normalisation table.
//!
//! CISA corpus: every `*.json` under `csaf-cisa/csaf_files/` except the two ROLIE feeds
//! (`cisa-csaf-ot-feed-tlp-white.json`, `cisa-csaf-it-feed-tlp-white.json`); `index.txt` and
//! `changes.csv` are not JSON and are not read.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use intel::csaf::quality::{fixed_version, normalise_range, normalise_version};
use intel::{IntelError, ReadSummary, csaf, vex};
use model::advisory::{
    Advisory, AdvisoryKind, Bound, IntelRecord, Justification, ProductStatus, RemediationKind, Source, Target,
    VersionSpec,
};

use crate::support::{collect, doc, fixture};

// --- helpers -----------------------------------------------------------------------------------

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn cisa_files() -> Option<Vec<PathBuf>> {
    let root = fixture("csaf-cisa/csaf_files")?;
    let files: Vec<PathBuf> = json_files(&root)
        .into_iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().contains("-feed-"))
        .collect();
    Some(files)
}

type Reader = fn(
    std::fs::File,
    &intel::DocumentInfo,
    &mut dyn FnMut(IntelRecord) -> Result<(), IntelError>,
) -> Result<ReadSummary, IntelError>;

fn try_read(read: Reader, path: &Path) -> Result<(Vec<Advisory>, ReadSummary), IntelError> {
    let mut out = Vec::new();
    let file = std::fs::File::open(path).unwrap();
    let summary = read(file, &doc(&path.display().to_string()), &mut |r| {
        match r {
            IntelRecord::Advisory(a) => out.push(*a),
            other => panic!("unexpected record {other:?}"),
        }
        Ok(())
    })?;
    Ok((out, summary))
}

fn read_csaf(path: &Path) -> Result<Advisory, IntelError> {
    let (mut v, summary) = try_read(|f, d, s| csaf::read(f, d, s), path)?;
    assert_eq!(v.len(), 1, "{}", path.display());
    assert_eq!(summary.records, 1);
    let a = v.remove(0);
    assert_eq!(summary.warnings, a.warnings);
    Ok(a)
}

fn read_str(json: &str, read: Reader) -> Result<Advisory, IntelError> {
    let dir = tempdir();
    let p = dir.join("doc.json");
    std::fs::write(&p, json).unwrap();
    let r = try_read(read, &p).map(|(mut v, _)| v.remove(0));
    std::fs::remove_dir_all(&dir).unwrap();
    r
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "intel-csaf-vex-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn product_targets(a: &Advisory) -> impl Iterator<Item = (&model::advisory::ProductName, &VersionSpec)> {
    a.affected.iter().filter_map(|s| match &s.target {
        Target::Product { product, versions } => Some((product, versions)),
        Target::Configuration { .. } => None,
    })
}

// --- range normalisation table -----------------------------------------------------------------

#[derive(Debug)]
enum Q {
    /// Valid vers or clean vls: no warning.
    Clean,
    /// Normalised, with a warning containing this text.
    Warn(&'static str),
    /// Unparsed, "needs analyst".
    Analyst,
}

fn b(v: &str, inclusive: bool) -> Option<Bound> {
    Some(Bound { version: v.to_string(), inclusive })
}
fn lt(v: &str) -> VersionSpec {
    VersionSpec::Range { start: None, end: b(v, false) }
}
fn le(v: &str) -> VersionSpec {
    VersionSpec::Range { start: None, end: b(v, true) }
}
fn ge(v: &str) -> VersionSpec {
    VersionSpec::Range { start: b(v, true), end: None }
}
fn gt(v: &str) -> VersionSpec {
    VersionSpec::Range { start: b(v, false), end: None }
}
fn span(lo: &str, lo_incl: bool, hi: &str, hi_incl: bool) -> VersionSpec {
    VersionSpec::Range { start: b(lo, lo_incl), end: b(hi, hi_incl) }
}
fn exact(v: &str) -> VersionSpec {
    VersionSpec::Exact { version: v.to_string() }
}
fn vers(v: &str) -> VersionSpec {
    VersionSpec::Vers { vers: v.to_string() }
}
fn unparsed(v: &str) -> VersionSpec {
    VersionSpec::Unparsed { text: v.to_string() }
}

fn check(f: fn(&str) -> (VersionSpec, Option<String>), input: &str, expected: VersionSpec, q: Q) {
    let (spec, warning) = f(input);
    assert_eq!(spec, expected, "spec of {input:?} (warning {warning:?})");
    match (q, &warning) {
        (Q::Clean, None) => {}
        (Q::Warn(text), Some(w)) if w.contains(text) && !w.contains("needs analyst") => {}
        (Q::Analyst, Some(w)) if w.contains("needs analyst") => {}
        (q, w) => panic!("{input:?}: expected {q:?}, warning was {w:?}"),
    }
}

/// Every input is a real `product_version_range` name from the CISA CSAF files (counts there in
/// the comment where it is frequent), except the few marked as from the brief or the vers suite.
#[test]
fn range_normalisation_table() {
    let r = normalise_range;
    // Valid vers and clean vls.
    check(r, "vers:all/*", VersionSpec::All, Q::Clean); // 3,549
    check(r, "<V4.3.10", lt("V4.3.10"), Q::Clean); // 88
    check(r, "<V4.5", lt("V4.5"), Q::Clean);
    check(r, ">=1.220|<=1.281", span("1.220", true, "1.281", true), Q::Clean);
    check(r, ">=R9.01|<=R10.04", span("R9.01", true, "R10.04", true), Q::Clean);
    check(r, ">v33.011|<v33.015", span("v33.011", false, "v33.015", false), Q::Clean);
    check(r, ">=1.00A|<1.05F", span("1.00A", true, "1.05F", false), Q::Clean);
    check(r, ">=R302-V0|<R302-V1", span("R302-V0", true, "R302-V1", false), Q::Clean);
    check(r, "<V3.1_SP1", lt("V3.1_SP1"), Q::Clean);
    check(r, "< 02.07.07(10)", lt("02.07.07(10)"), Q::Warn("whitespace"));
    check(r, "<FW11", lt("FW11"), Q::Clean);
    check(r, ">=V8.3", ge("V8.3"), Q::Clean);
    check(r, "> 1.7.5.0", gt("1.7.5.0"), Q::Warn("whitespace"));
    check(r, "vers:all/>=V5.1.1", ge("V5.1.1"), Q::Warn("scheme `all`"));
    check(r, "vers:generic/>=2.9|<=4.1", vers("vers:generic/>=2.9|<=4.1"), Q::Clean); // CycloneDX example
    check(r, "vers:semver/<7.0.0|>=1.5.0", vers("vers:semver/<7.0.0|>=1.5.0"), Q::Clean); // unsorted: not checked
    // `vers:all/<X>` (invalid vers).
    check(
        r,
        "vers:all/<V5.5.2",
        lt("V5.5.2"),
        Q::Warn("is not valid vers (scheme `all` takes only `*`); read as < V5.5.2"),
    );
    check(r, "vers:all/<V4.3.8", lt("V4.3.8"), Q::Warn("scheme `all`")); // 416
    check(r, "vers:all/>=V7.80<V9.40", span("V7.80", true, "V9.40", false), Q::Warn("without `|`"));
    check(r, "vers:all/>=V11.5.1|<V11.6.2", span("V11.5.1", true, "V11.6.2", false), Q::Warn("scheme `all`"));
    check(r, "vers:all/>=V5.4<V5.5 SP1", span("V5.4", true, "V5.5 SP1", false), Q::Warn("version with spaces"));
    check(r, "vers:all/<V5.2 SP 3 HF 13", lt("V5.2 SP 3 HF 13"), Q::Warn("scheme `all`"));
    check(r, "vers:all/<V17 Update 6", lt("V17 Update 6"), Q::Warn("scheme `all`"));
    check(r, "vers:all/<CPCI85 V05", unparsed("vers:all/<CPCI85 V05"), Q::Analyst);
    check(r, "vers:all/*_installed_on_CP200_devices", unparsed("vers:all/*_installed_on_CP200_devices"), Q::Analyst);
    check(r, "vers:generic/<V3.0 SP1", lt("V3.0 SP1"), Q::Warn("not canonical vers")); // brief
    // vls with whitespace, prose prefixes, run-together constraints.
    check(r, "< V4.1.3", lt("V4.1.3"), Q::Warn("whitespace")); // 156
    check(r, "<= 5.008", le("5.008"), Q::Warn("whitespace"));
    check(r, " <1.000.HW00.21.20190812", lt("1.000.HW00.21.20190812"), Q::Warn("surrounding whitespace"));
    check(r, ">= 1.0 | <= 1.32", span("1.0", true, "1.32", true), Q::Warn("whitespace"));
    check(r, ">= V7.80 < V9.30", span("V7.80", true, "V9.30", false), Q::Warn("without `|`"));
    check(r, "> V3.0 < V4.0", span("V3.0", false, "V4.0", false), Q::Warn("without `|`"));
    check(r, ">= V2.3 and < V6.30.016", span("V2.3", true, "V6.30.016", false), Q::Warn("`and`"));
    check(r, "> V1.0  and < V1.6", span("V1.0", false, "V1.6", false), Q::Warn("`and`"));
    check(r, "All versions", VersionSpec::All, Q::Warn("prose"));
    check(r, "All Versions < V6.4", lt("V6.4"), Q::Warn("All versions"));
    check(r, "All versions  >= V5.1.1", ge("V5.1.1"), Q::Warn("All versions"));
    check(r, "All versions <= V7.x", le("V7.x"), Q::Warn("wildcard"));
    check(r, "< V3.X.17", lt("V3.X.17"), Q::Warn("wildcard"));
    check(r, "< V17 Update 5", lt("V17 Update 5"), Q::Warn("version with spaces"));
    check(r, "< V15.1 Upd 4", lt("V15.1 Upd 4"), Q::Warn("version with spaces"));
    check(r, "< V4.8 HF4", lt("V4.8 HF4"), Q::Warn("version with spaces"));
    check(r, "<= 3.4.4 Build 16102416", le("3.4.4 Build 16102416"), Q::Warn("version with spaces"));
    check(r, "<= 3.1 Service Pack 1A", le("3.1 Service Pack 1A"), Q::Warn("version with spaces"));
    check(r, "<= 2020 R2 P01", le("2020 R2 P01"), Q::Warn("version with spaces"));
    check(r, "> 6.8.6 | < 6.9.2 CU01", span("6.8.6", false, "6.9.2 CU01", false), Q::Warn("whitespace"));
    check(r, "2019 R1", exact("2019 R1"), Q::Warn("version with spaces"));
    check(r, ">= 1.0. | <=4.9.0 | 4.10.0", vers("vers:generic/>=1.0|<=4.9.0|4.10.0"), Q::Warn("trailing `.`")); // brief
    check(
        r,
        "<= 1.12.0.27 | 1.12.13.2 | 1.12.14.5",
        vers("vers:generic/<=1.12.0.27|1.12.13.2|1.12.14.5"),
        Q::Warn("whitespace"),
    );
    check(r, "< 1.99 | 2.20 | 2.40", vers("vers:generic/<1.99|2.20|2.40"), Q::Warn("whitespace"));
    check(r, "5.011  | < 8.011", vers("vers:generic/5.011|<8.011"), Q::Warn("whitespace"));
    check(r, ">= 2.3x | <= 6.00.327", span("2.3x", true, "6.00.327", true), Q::Warn("whitespace"));
    // Free text and lists that are no interval: needs analyst, never "not affected".
    check(
        r,
        "<with_Palo_Alto_Networks_Virtual_NGFW_V11.0.1",
        unparsed("<with_Palo_Alto_Networks_Virtual_NGFW_V11.0.1"),
        Q::Analyst,
    );
    check(r, "<V33.017_V34.014_V35.013", unparsed("<V33.017_V34.014_V35.013"), Q::Analyst); // brief
    check(r, "All versions with Ethernet interface", unparsed("All versions with Ethernet interface"), Q::Analyst);
    check(r, "All BIOS versions < V1.0.212N", unparsed("All BIOS versions < V1.0.212N"), Q::Analyst);
    check(
        r,
        "<=the_first_5_digits_of_serial_number_22081",
        unparsed("<=the_first_5_digits_of_serial_number_22081"),
        Q::Analyst,
    );
    check(r, "distributed  < april 1, 2018", unparsed("distributed  < april 1, 2018"), Q::Analyst);
    check(r, "<April/20/2023", unparsed("<April/20/2023"), Q::Analyst);
    check(r, "No version", unparsed("No version"), Q::Analyst);
    check(r, "<=LF", unparsed("<=LF"), Q::Analyst);
    check(r, ">= 5.0.0 | CVE-2019-18340", unparsed(">= 5.0.0 | CVE-2019-18340"), Q::Analyst);
    check(
        r,
        "<= 4.2.21 | <= 5.0.27 | <= 5.1.19 | <= 6.0.16",
        unparsed("<= 4.2.21 | <= 5.0.27 | <= 5.1.19 | <= 6.0.16"),
        Q::Analyst,
    );
    check(r, "< 12.4 (firmware 1.46)", unparsed("< 12.4 (firmware 1.46)"), Q::Analyst);
    check(r, "<= 3.3-006 (with <= bacnetstac 4.2.1)", unparsed("<= 3.3-006 (with <= bacnetstac 4.2.1)"), Q::Analyst);
    check(r, ">FW16_up_to_and_including_FW26", unparsed(">FW16_up_to_and_including_FW26"), Q::Analyst);
    check(
        r,
        "All versions <= V2.3.0 and Function State (FS) <= 3",
        unparsed("All versions <= V2.3.0 and Function State (FS) <= 3"),
        Q::Analyst,
    );
    check(r, "", unparsed(""), Q::Analyst);
    // vers-spec canonical-parse suite (syntax-only cases; sort order needs comparison and is not checked).
    check(r, "vers:npm/>=1.0.0|<2.0.0", vers("vers:npm/>=1.0.0|<2.0.0"), Q::Clean);
    check(r, "vers:npm/>=1.0.0| <2.0.0", vers("vers:npm/>=1.0.0|<2.0.0"), Q::Warn("whitespace"));
    check(r, "vers:npm/|>=1.0.0|<2.0.0", vers("vers:npm/>=1.0.0|<2.0.0"), Q::Warn("empty constraint"));
    check(r, "vers:npm/>=1.0.0|<2.0.0|", vers("vers:npm/>=1.0.0|<2.0.0"), Q::Warn("empty constraint"));
    check(r, "vers:npm/>=1.0.0||<2.0.0", vers("vers:npm/>=1.0.0|<2.0.0"), Q::Warn("empty constraint"));
}

#[test]
fn product_version_table() {
    let v = normalise_version;
    check(v, "V4.1.3", exact("V4.1.3"), Q::Clean);
    check(v, "MX-V4.0.1.15", exact("MX-V4.0.1.15"), Q::Clean);
    check(v, "3.1 SP1", exact("3.1 SP1"), Q::Clean);
    check(v, "UDP", exact("UDP"), Q::Clean);
    check(v, "vers:all/*", VersionSpec::All, Q::Warn("product_version holding a range")); // 872 in CISA
    check(v, "10 | 11", vers("vers:generic/10|11"), Q::Warn("product_version holding a range"));
    check(v, "2.3.6 and  below", le("2.3.6"), Q::Warn("and below"));
    check(v, "28  - 32", span("28", true, "32", true), Q::Warn("hyphen range"));
    check(v, "01.14.000 -01.47.000", span("01.14.000", true, "01.47.000", true), Q::Warn("hyphen range"));
    check(v, "2.8.2 and 2.8.19", vers("vers:generic/2.8.2|2.8.19"), Q::Warn("`and`"));
    check(v, "2.02 | 2.51 2.52 | 2.54", unparsed("2.02 | 2.51 2.52 | 2.54"), Q::Analyst);
    check(v, "* (with option G28)", unparsed("* (with option G28)"), Q::Analyst);
}

#[test]
fn fixed_version_from_remediation_text() {
    let cases: [(&str, Option<&str>); 17] = [
        ("Update to V2.4 or later version", Some("V2.4")),
        ("Update to V2.0 SP1 or later version", Some("V2.0 SP1")),
        ("Update to V1.0 SP2 Update 1 or later version", Some("V1.0 SP2 Update 1")),
        ("Update to V223.0Update2 or later version", Some("V223.0Update2")),
        (
            "Update to V2.14.0 or later version - Download: https://support.industry.siemens.com/cs/ww/en/view/109792715/ ",
            Some("V2.14.0"),
        ),
        (
            "Update to V8.10.0.6 or later version\nThe update is available upon request from customer support",
            Some("V8.10.0.6"),
        ),
        ("MXview One Series: Upgrade to v1.4.1", Some("v1.4.1")),
        ("1756-EN4TR: Update to version 4.001 and later", Some("4.001")),
        ("Relion 650 series Version 1.2: Update to Version 1.3", Some("1.3")),
        (
            "Update to V2020 SP1 Update 1 or later version\nIn the context of SIMATIC PCS neo, update to SIMATIC PCS neo V4.0 or later version",
            Some("V2020 SP1 Update 1"),
        ),
        ("1756-EN2TRXT Series A versions 5.008 and prior and version 5.028: Update to 5.009 and 5.029 or later", None),
        ("Update to V4.2 QU1 and Apply Patch 1417967", None),
        // ICSA-24-291-05: a list of replacement products, not a version.
        (
            "Kieback&Peter recommends users update to DDC4002e, DDC4200e, DDC4400e, DDC4020e and DDC4040e controllers",
            None,
        ),
        ("Update Fortigate NGFW to V7.4.1. Contact customer support to receive patch and update information.", None),
        ("SIMATIC IPC427D: Update to V17.0?.10 or higher, which can be located here", None),
        (
            "Upgrade Palo Alto Networks Virtual NGFW V11.0.1. Contact Siemens customer support to receive patch and update information.",
            None,
        ),
        (
            "Hitachi Energy recommends users update to Transformer APM Edge v4.0. This version updates the software components.",
            None,
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(fixed_version(text).as_deref(), expected, "{text:?}");
    }
}

/// Every `product_version_range` name in the 2,383 CISA files through the normaliser.
#[test]
fn cisa_range_quality_census() {
    let Some(files) = cisa_files() else { return };
    let mut names: Vec<String> = Vec::new();
    let (mut leaves, mut leaves_with_models) = (0, 0);
    fn walk(v: &serde_json::Value, out: &mut Vec<String>, leaves: &mut usize, models: &mut usize) {
        for b in v.as_array().into_iter().flatten() {
            if b["category"] == "product_version_range" {
                out.push(b["name"].as_str().unwrap().to_string());
            }
            if b.get("product").is_some() {
                *leaves += 1;
                if b["product"]["product_identification_helper"].get("model_numbers").is_some() {
                    *models += 1;
                }
            }
            walk(&b["branches"], out, leaves, models);
        }
    }
    for f in &files {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        walk(&v["product_tree"]["branches"], &mut names, &mut leaves, &mut leaves_with_models);
    }
    assert_eq!((leaves, leaves_with_models), (15_889, 4_841), "INDEX §2");
    let distinct: HashSet<&str> = names.iter().map(String::as_str).collect();
    let classify = |s: &str| match normalise_range(s) {
        (VersionSpec::Unparsed { .. }, _) => 2,
        (_, Some(_)) => 1,
        (_, None) => 0,
    };
    let mut all = [0usize; 3];
    for n in &names {
        all[classify(n)] += 1;
    }
    let mut uniq = [0usize; 3];
    for n in &distinct {
        uniq[classify(n)] += 1;
    }
    // CSAF_RANGE_DUMP=2 lists the unparsed names, =1 the normalised ones, with their warnings.
    if let Some(class) = std::env::var("CSAF_RANGE_DUMP").ok().and_then(|v| v.parse::<usize>().ok()) {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &names {
            if classify(n) == class {
                *counts.entry(n.as_str()).or_default() += 1;
            }
        }
        let mut v: Vec<_> = counts.into_iter().collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.1));
        for (n, c) in v {
            println!("{c:5} {n:?} -> {}", normalise_range(n).1.unwrap_or_default());
        }
    }
    println!(
        "ranges: {} occurrences {:?} (clean, warning, unparsed); {} distinct {:?}",
        names.len(),
        all,
        distinct.len(),
        uniq
    );
    assert_eq!(names.len(), 13_621);
    assert_eq!(distinct.len(), 3_438);
    // Occurrences: 5,005 clean (3,549 of them `vers:all/*`), 7,876 normalised with a warning,
    // 740 unparsed (needs analyst); distinct names: 567 / 2,459 / 412.
    assert_eq!(all, [5_005, 7_876, 740]);
    assert_eq!(uniq, [567, 2_459, 412]);
}

// --- CISA corpus -------------------------------------------------------------------------------

#[test]
fn cisa_all_advisories() {
    let Some(files) = cisa_files() else { return };
    assert_eq!(files.len(), 2_383);
    let mut advisories = Vec::new();
    for f in &files {
        advisories.push(read_csaf(f).unwrap_or_else(|e| panic!("{e}")));
    }
    assert_eq!(advisories.len(), 2_383);
    let ids: HashSet<&str> = advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 2_383, "advisory ids are unique");
    let cves: HashSet<&str> =
        advisories.iter().flat_map(|a| &a.aliases).map(String::as_str).filter(|s| s.starts_with("CVE-")).collect();
    assert_eq!(cves.len(), 6_986);
    let vex = advisories.iter().filter(|a| a.kind == AdvisoryKind::Vex).count();
    assert_eq!(vex, 4);

    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut statements = 0;
    for a in &advisories {
        for s in &a.affected {
            *by_status.entry(format!("{:?}", s.status)).or_default() += 1;
            statements += 1;
        }
    }
    // Distinct (advisory, product, versions) targets carrying model numbers.
    let mut with_models = 0;
    let mut unparsed_targets = 0;
    for a in &advisories {
        let mut seen: Vec<(&model::advisory::ProductName, &VersionSpec)> = Vec::new();
        for t in product_targets(a) {
            if !seen.contains(&t) {
                seen.push(t);
                if !t.0.model_numbers.is_empty() {
                    with_models += 1;
                }
                if matches!(t.1, VersionSpec::Unparsed { .. }) {
                    unparsed_targets += 1;
                }
            }
        }
    }
    let warnings: usize = advisories.iter().map(|a| a.warnings.len()).sum();
    let remediations: usize = advisories.iter().map(|a| a.remediations.len()).sum();
    let fixed_versions = advisories.iter().flat_map(|a| &a.remediations).filter(|r| r.fixed_version.is_some()).count();
    let vendor_fixes =
        advisories.iter().flat_map(|a| &a.remediations).filter(|r| r.kind == RemediationKind::VendorFix).count();
    let cvss: usize = advisories.iter().map(|a| a.cvss.len()).sum();
    println!(
        "statements {statements} {by_status:?}; targets with model numbers {with_models}; unparsed targets {unparsed_targets}; \
         warnings {warnings}; remediations {remediations} (vendor_fix {vendor_fixes}, fixed_version {fixed_versions}); cvss {cvss}"
    );
    assert_eq!(statements, 43_323);
    let expected: BTreeMap<String, usize> =
        [("Affected", 42_562), ("Fixed", 449), ("NotAffected", 312)].map(|(k, v)| (k.to_string(), v)).into();
    assert_eq!(by_status, expected);
    // 4,841 product leaves carry model numbers; icsa-19-085-01 lists five of them twice (same
    // name, order number and range under two product ids), so 4,836 distinct targets.
    assert_eq!(with_models, 4_836);
    assert_eq!(unparsed_targets, 792);
    assert_eq!(warnings, 9_662);
    assert_eq!(remediations, 35_119);
    assert_eq!(vendor_fixes, 11_737);
    // A comma followed by another version is a list of fixes (`V35.013, V36.011 and later`) or of
    // products (`AFS65X, AFS67X, AFR677 devices`, `DDC4002e, DDC4200e, …`): no single version.
    assert_eq!(fixed_versions, 4_862);
    // One vector per vulnerability and vector (a score shared by two CVEs is kept for each); an
    // independent Python count of distinct (vulnerability, vectorString) pairs per document
    // over the same files gives 7,921.
    assert_eq!(cvss, 7_921);
}

#[test]
fn cisa_icsa_24_102_03_palo_alto_in_ruggedcom() {
    let Some(p) = fixture("csaf-cisa/csaf_files/OT/white/2024/icsa-24-102-03.json") else { return };
    let a = read_csaf(&p).unwrap();
    assert_eq!(a.id, "ICSA-24-102-03");
    assert_eq!(a.kind, AdvisoryKind::VendorAdvisory);
    assert!(a.aliases.contains(&"CVE-2022-0028".to_string()));
    assert_eq!(a.provenance.source, Source::Csaf);
    assert_eq!(a.provenance.document, "ICSA-24-102-03");
    assert_eq!(a.provenance.revision.as_deref(), Some("1"));
    let s = a.affected.iter().find(|s| s.vulnerability == "CVE-2022-0028").unwrap();
    assert_eq!(s.status, ProductStatus::Affected);
    let Target::Product { product, versions } = &s.target else { panic!() };
    assert_eq!(product.vendor.as_deref(), Some("Siemens"));
    assert_eq!(product.product.as_deref(), Some("RUGGEDCOM APE1808"));
    // `<with_Palo_Alto_Networks_Virtual_NGFW_V11.0.1` is free text: kept, flagged, still affected.
    assert_eq!(versions, &unparsed("<with_Palo_Alto_Networks_Virtual_NGFW_V11.0.1"));
    assert!(a.warnings.iter().any(|w| w.contains("Siemens / RUGGEDCOM APE1808") && w.contains("needs analyst")));
    let fix = a.remediations.iter().find(|r| r.vulnerability == "CVE-2022-0028").unwrap();
    assert_eq!(fix.kind, RemediationKind::VendorFix);
    assert_eq!(fix.fixed_version, None, "the fix names another product's version");
    assert!(a.cvss.iter().any(|c| c.vector.starts_with("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:H")
        && c.scored_by.as_deref() == Some("CISA")));
    assert!(a.cwes.contains(&"CWE-406".to_string()));
}

#[test]
fn multi_cve_advisories_say_whose_score_is_whose() {
    let Some(p) = fixture("csaf-cisa/csaf_files/OT/white/2024/icsa-24-004-01.json") else { return };
    let a = read_csaf(&p).unwrap();
    let of = |cve: &str| -> Vec<&str> {
        a.cvss.iter().filter(|c| c.vulnerability.as_deref() == Some(cve)).map(|c| c.vector.as_str()).collect()
    };
    assert_eq!(of("CVE-2023-38545"), ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]);
    assert_eq!(of("CVE-2023-3935"), ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"]);
    assert!(a.cvss.iter().all(|c| c.vulnerability.is_some()), "every CSAF score names its vulnerability");
}

#[test]
fn cisa_siemens_range_and_vendor_fix_with_url() {
    let Some(p) = fixture("csaf-cisa/csaf_files/OT/white/2024/icsa-24-074-04.json") else { return };
    let a = read_csaf(&p).unwrap();
    assert_eq!(a.id, "ICSA-24-074-04");
    assert_eq!(a.aliases, ["CVE-2024-22045"]);
    let [s] = a.affected.as_slice() else { panic!("{:?}", a.affected) };
    let Target::Product { product, versions } = &s.target else { panic!() };
    assert_eq!(product.vendor.as_deref(), Some("Siemens"));
    assert_eq!(product.product.as_deref(), Some("SINEMA Remote Connect Client"));
    assert_eq!(versions, &lt("V3.1_SP1"));
    let fix = a.remediations.iter().find(|r| r.kind == RemediationKind::VendorFix).unwrap();
    assert_eq!(fix.details, "Update to V3.1 SP1 or later version");
    assert_eq!(fix.fixed_version.as_deref(), Some("V3.1 SP1"));
    assert_eq!(fix.url.as_deref(), Some("https://support.industry.siemens.com/cs/ww/en/view/109817939/"));
    assert_eq!(fix.products, std::slice::from_ref(product));
    assert!(a.remediations.iter().any(|r| r.kind == RemediationKind::Mitigation));
    assert!(a.published.as_deref().is_some_and(|d| d.starts_with("2024-03-12")));
}

/// icsa-24-235-03 (Mobotix): firmware `installed_on` cameras, known_not_affected with a
/// `vulnerable_code_not_present` flag.
#[test]
fn cisa_not_affected_with_justification_via_relationships() {
    let Some(p) = fixture("csaf-cisa/csaf_files/OT/white/2024/icsa-24-235-03.json") else { return };
    let a = read_csaf(&p).unwrap();
    let na: Vec<_> = a.affected.iter().filter(|s| s.status == ProductStatus::NotAffected).collect();
    assert_eq!(na.len(), 200);
    assert!(na.iter().all(
        |s| s.vulnerability == "CVE-2023-34873" && s.justification == Some(Justification::VulnerableCodeNotPresent)
    ));
    let Target::Product { product, versions } = &na[0].target else { panic!() };
    assert_eq!(product.vendor.as_deref(), Some("Mobotix"));
    assert_eq!(product.product.as_deref(), Some("P3 Firmware installed on D24M"));
    assert_eq!(versions, &exact("MX-V4.0.1.15"));
    assert!(a.affected.iter().any(|s| s.status == ProductStatus::Fixed));
}

// --- OASIS CSAF validator suite and examples ---------------------------------------------------

#[test]
fn oasis_validator_documents_never_panic() {
    let Some(root) = fixture("sbom-vex/oasis-csaf") else { return };
    let mut files = json_files(&root.join("csaf_2.0/test/validator/data"));
    files.extend(json_files(&root.join("csaf_2.1/test/validator/data")));
    assert_eq!(files.len(), 1_152);
    let mut rejected: BTreeMap<String, usize> = BTreeMap::new();
    let mut ok = 0;
    let mut outcome: BTreeMap<PathBuf, Result<Vec<String>, String>> = BTreeMap::new();
    for f in &files {
        match read_csaf(f) {
            Ok(a) => {
                ok += 1;
                outcome.insert(f.clone(), Ok(a.warnings));
            }
            Err(e) => {
                let msg = e.to_string();
                let rule = msg
                    .split_once("CSAF ")
                    .map(|(_, r)| r.split_whitespace().next().unwrap_or("").to_string())
                    .unwrap_or_else(|| msg.split(": ").nth(1).unwrap_or("").to_string());
                *rejected.entry(rule).or_default() += 1;
                outcome.insert(f.clone(), Err(msg));
            }
        }
    }
    println!("validator docs: {ok} read, rejected by reason {rejected:?}");

    // Against the suite's own expectations.
    let mut valid_rejected = Vec::new();
    let mut failing_accepted = Vec::new();
    for version in ["csaf_2.0", "csaf_2.1"] {
        let dir = root.join(version).join("test/validator/data");
        let cases: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("testcases.json")).unwrap()).unwrap();
        for t in cases["tests"].as_array().unwrap() {
            let id = t["id"].as_str().unwrap();
            for v in t["valid"].as_array().into_iter().flatten() {
                let p = dir.join(v["name"].as_str().unwrap());
                if let Some(Err(e)) = outcome.get(&p) {
                    valid_rejected.push(format!("{id}: {e}"));
                }
            }
            if ["6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5"].contains(&id) {
                for v in t["failures"].as_array().into_iter().flatten() {
                    let name = v["name"].as_str().unwrap();
                    let p = dir.join(name);
                    let rule = format!("CSAF {id} ");
                    match outcome.get(&p) {
                        Some(Err(e)) if e.contains(&rule) => {}
                        Some(Ok(w)) if w.iter().any(|w| w.contains(&rule)) => {}
                        other => failing_accepted.push(format!("{version}/{name}: {other:?}")),
                    }
                }
            }
        }
    }
    println!(
        "valid but rejected: {valid_rejected:#?}\nfailing {{6.1.1..6.1.5}} neither rejected nor warned: {failing_accepted:#?}"
    );
    // 1,152 = 240 CSAF 2.0 + 910 CSAF 2.1 documents + the two testcases.json indexes. Rejected:
    // the 53 `*.result.json` files and the 2 indexes (no `document`), and 16 test documents.
    assert_eq!(ok, 1_081);
    let expected: BTreeMap<String, usize> = [("6.1.1", 4), ("6.1.2", 7), ("6.1.3", 3), ("6.1.5", 2), ("schema:", 55)]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    assert_eq!(rejected, expected);
    // "Valid" examples of other rules that break 6.1.1/6.1.2 themselves (the suite checks one rule
    // per document).
    assert_eq!(valid_rejected.len(), 4, "{valid_rejected:#?}");
    assert!(valid_rejected.iter().all(|e| e.contains("CSAF 6.1.1 ") || e.contains("CSAF 6.1.2 ")));
    // Every failing example of 6.1.1-6.1.5 is rejected or warned about under that rule, except two
    // CSAF 2.1 ones whose bad reference sits in `vulnerabilities[].ids`, which the reader never reads.
    assert_eq!(
        failing_accepted.iter().map(|f| f.split(':').next().unwrap()).collect::<Vec<_>>(),
        [
            "csaf_2.1/mandatory/oasis_csaf_tc-csaf_2_1-2024-6-1-01-03.json",
            "csaf_2.1/mandatory/oasis_csaf_tc-csaf_2_1-2024-6-1-04-03.json"
        ]
    );
}

#[test]
fn rejects_what_the_reader_relies_on_with_rule_and_path() {
    let Some(root) = fixture("sbom-vex/oasis-csaf/csaf_2.0/test/validator/data/mandatory") else { return };
    // An undefined id in a product group loses only that reference: kept, with rule and path.
    let a = read_csaf(&root.join("oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json")).unwrap();
    assert!(
        a.warnings.iter().any(|w| w.starts_with("$.product_tree.product_groups[0].product_ids[0]: CSAF 6.1.1 ")
            && w.contains("CSAFPID-9080700")),
        "{:?}",
        a.warnings
    );
    // The same id defined as two different products is ambiguous: rejected.
    let e = read_csaf(&root.join("oasis_csaf_tc-csaf_2_0-2021-6-1-02-01.json")).unwrap_err().to_string();
    assert!(
        e.contains("$.product_tree.full_product_names[1].product_id")
            && e.contains("CSAF 6.1.2 (Multiple Definition of Product ID)"),
        "{e}"
    );

    let base = r#"{"document":{"category":"csaf_vex","csaf_version":"2.0","title":"t",
        "publisher":{"category":"vendor","name":"ACME","namespace":"https://acme.example"},
        "tracking":{"id":"ACME-1","version":"1","status":"final","initial_release_date":"2024-01-01T00:00:00Z",
                    "current_release_date":"2024-01-01T00:00:00Z","revision_history":[]}},
      "product_tree":{"full_product_names":[{"name":"Widget 1.0","product_id":"P1"}]},
      "vulnerabilities":[{"cve":"CVE-2024-0001","product_status":{"known_affected":["P1"]}}]}"#;
    let a = read_str(base, |f, d, s| csaf::read(f, d, s)).unwrap();
    assert_eq!(a.kind, AdvisoryKind::Vex);
    assert_eq!(a.affected.len(), 1);

    let no_id = base.replace(r#""id":"ACME-1","#, "");
    let e = read_str(&no_id, |f, d, s| csaf::read(f, d, s)).unwrap_err().to_string();
    assert!(e.contains("$.document.tracking.id") && e.contains("required"), "{e}");

    let undefined = base.replace(r#""known_affected":["P1"]"#, r#""known_affected":["P1","P9"]"#);
    let e = read_str(&undefined, |f, d, s| csaf::read(f, d, s)).unwrap_err().to_string();
    assert!(
        e.contains("$.vulnerabilities[0].product_status.known_affected[1]")
            && e.contains("6.1.1")
            && e.contains("`P9`"),
        "{e}"
    );

    let truncated = &base[..base.len() - 20];
    let e = read_str(truncated, |f, d, s| csaf::read(f, d, s)).unwrap_err();
    assert!(matches!(&e, IntelError::Invalid { place, .. } if place.starts_with("line ")), "{e}");

    let e = read_str("[1,2,3]", |f, d, s| csaf::read(f, d, s)).unwrap_err().to_string();
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn csaf_examples_read() {
    let Some(sbom) = fixture("sbom-vex") else { return };
    let mut files = json_files(&sbom.join("oasis-csaf/csaf_2.0/examples/csaf"));
    files.extend(json_files(&sbom.join("oasis-csaf/csaf_2.1/examples/csaf")));
    files.extend(json_files(&sbom.join("trustify-testdata/etc/test-data/csaf")));
    files.push(sbom.join("openvex/go-vex/pkg/csaf/testdata/rhsa-2020_1358.json"));
    files.push(sbom.join("openvex/go-vex/pkg/vex/testdata/csaf.json"));
    let mut read = BTreeMap::new();
    let (mut statements, mut warnings) = (0, 0);
    for f in &files {
        let a = read_csaf(f).unwrap_or_else(|e| panic!("{e}"));
        statements += a.affected.len();
        warnings += a.warnings.len();
        read.insert(f.strip_prefix(&sbom).unwrap().display().to_string(), a);
    }
    println!("{} CSAF examples, {statements} statements, {warnings} warnings", read.len());
    // 19 CSAF 2.0 and 23 CSAF 2.1 OASIS examples, 19 trustify (Red Hat, Siemens), 2 go-vex.
    assert_eq!(read.len(), 63);
    assert_eq!(statements, 9_007);
    assert_eq!(warnings, 56);

    // OASIS VEX use case "not affected": the impact statement is a threat of category `impact`.
    let a = &read["oasis-csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json"];
    assert_eq!(a.kind, AdvisoryKind::Vex);
    let [s] = a.affected.as_slice() else { panic!() };
    assert_eq!(s.status, ProductStatus::NotAffected);
    assert_eq!(
        (s.justification, s.detail.as_deref()),
        (None, Some("Class with vulnerable code was removed before shipping."))
    );
    assert!(a.description.is_some(), "from the document's `summary` note");
    // Red Hat VEX: default_component_of relationships name both sides; fixed and not-affected.
    let rh = &read["trustify-testdata/etc/test-data/csaf/cve-2023-0044.json"];
    assert!(rh.affected.iter().any(|s| matches!(&s.target, Target::Product { product, .. }
        if product.product.as_deref().is_some_and(|p| p.contains(" default component of ")))));
    // Siemens ProductCERT publishes `vers:all/<X>` too: each one warned about, none unparsed.
    let siemens = &read["trustify-testdata/etc/test-data/csaf/issues/cvss_1/ssa-054046.json"];
    assert_eq!(siemens.warnings.len(), 54);
    assert!(siemens.warnings.iter().all(|w| w.contains("scheme `all` takes only `*`")));
    // Red Hat repeats whole branches: 200 ids defined twice identically, read once, one warning.
    let dup = &read["trustify-testdata/etc/test-data/csaf/CVE-2024-5154.json"];
    assert!(dup.warnings.iter().any(|w| w.contains("200 product id(s) defined more than once")));

    // go-vex's own CSAF test document states `known_affected` for an id it never defines.
    let e = read_csaf(&sbom.join("openvex/go-vex/pkg/csaf/testdata/csaf.json")).unwrap_err().to_string();
    assert!(e.contains("CSAF 6.1.1") && e.contains("`ABC"), "{e}");
}

// --- CycloneDX VEX and OpenVEX -----------------------------------------------------------------

fn read_cdx(path: &Path) -> Result<(Vec<Advisory>, ReadSummary), IntelError> {
    try_read(|f, d, s| vex::read_cyclonedx(f, d, s), path)
}

fn read_ovex(path: &Path) -> Result<(Vec<Advisory>, ReadSummary), IntelError> {
    try_read(|f, d, s| vex::read_openvex(f, d, s), path)
}

#[test]
fn cyclonedx_vex_examples() {
    let Some(root) = fixture("sbom-vex/cyclonedx-bom-examples/VEX") else { return };
    let files: Vec<PathBuf> = json_files(&root).into_iter().filter(|p| p.file_name().unwrap() == "vex.json").collect();
    let mut read = BTreeMap::new();
    for f in &files {
        let (mut v, summary) = read_cdx(f).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.records, 1);
        let a = v.remove(0);
        assert_eq!(a.kind, AdvisoryKind::Vex);
        assert_eq!(a.provenance.source, Source::CycloneDxVex);
        read.insert(f.strip_prefix(&root).unwrap().display().to_string(), a);
    }
    let counts: BTreeMap<&str, usize> = read.iter().map(|(k, a)| (k.as_str(), a.affected.len())).collect();
    let expected: BTreeMap<&str, usize> = [
        ("CISA-Use-Cases/Case-2/vex.json", 19),
        ("CISA-Use-Cases/Case-3/vex.json", 19),
        ("CISA-Use-Cases/Case-4/vex.json", 3),
        ("CISA-Use-Cases/Case-5/vex.json", 1),
        ("CISA-Use-Cases/Case-6/vex.json", 7),
        ("CISA-Use-Cases/Case-7/vex.json", 10),
        ("CISA-Use-Cases/Case-8/vex.json", 24),
        ("Use-Cases/Case-1/vex.json", 1),
        ("Use-Cases/Case-10/vex.json", 13),
        ("Use-Cases/Case-11/vex.json", 19),
        ("Use-Cases/Case-12/vex.json", 3),
        ("Use-Cases/Case-13/vex.json", 3),
        ("Use-Cases/Case-2/vex.json", 1),
        ("Use-Cases/Case-3/vex.json", 1),
        ("Use-Cases/Case-4/vex.json", 1),
        ("Use-Cases/Case-5/vex.json", 2),
        ("Use-Cases/Case-6/vex.json", 3),
        ("Use-Cases/Case-7/vex.json", 0),
        ("Use-Cases/Case-8/vex.json", 4),
        ("Use-Cases/Case-9/vex.json", 57),
        ("vex.json", 1),
    ]
    .into();
    assert_eq!(counts, expected);

    // The reference VEX: a purl BOM-Link into another BOM, code_not_reachable, two responses.
    let a = &read["vex.json"];
    let [s] = a.affected.as_slice() else { panic!() };
    assert_eq!(s.vulnerability, "CVE-2020-25649");
    assert_eq!(s.status, ProductStatus::NotAffected);
    assert_eq!(s.justification, Some(Justification::VulnerableCodeNotInExecutePath));
    let Target::Product { product, versions } = &s.target else { panic!() };
    assert_eq!(product.product.as_deref(), Some("jackson-databind"));
    assert_eq!(versions, &exact("2.10.0"));
    assert!(a.warnings.iter().any(|w| w.contains("not in this document")));
    assert_eq!(a.cwes, ["CWE-611"]);
    assert!(a.aliases.contains(&"SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302".to_string()));
    assert!(a.cvss.iter().any(|c| c.vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"
        && c.scored_by.as_deref() == Some("NVD")
        && c.published_score.as_deref() == Some("7.5")));
    let kinds: Vec<_> = a.remediations.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [RemediationKind::NoFixPlanned, RemediationKind::VendorFix]);

    // Per-version statuses and ranges, resolved against metadata.component.
    let a = &read["CISA-Use-Cases/Case-6/vex.json"];
    let mut got: Vec<(ProductStatus, VersionSpec)> = product_targets(a)
        .zip(&a.affected)
        .map(|((p, v), s)| {
            assert_eq!(p.product.as_deref(), Some("ABC"));
            (s.status, v.clone())
        })
        .collect();
    got.sort_by_key(|(s, _)| *s);
    assert_eq!(
        got[..3],
        [
            (ProductStatus::Affected, exact("2.4")),
            (ProductStatus::Affected, exact("2.6")),
            (ProductStatus::Affected, vers("vers:generic/>=2.9|<=4.1")),
        ]
    );
    assert!(
        a.affected
            .iter()
            .filter(|s| s.status == ProductStatus::NotAffected)
            .all(|s| s.justification == Some(Justification::VulnerableCodeNotPresent))
    );
    // A lossy justification keeps the CycloneDX value in the detail.
    let a = &read["Use-Cases/Case-12/vex.json"];
    let s = a.affected.iter().find(|s| s.vulnerability == "CVE-2020-14195").unwrap();
    assert_eq!(s.justification, Some(Justification::InlineMitigationsAlreadyExist));
    assert!(s.detail.as_deref().unwrap().ends_with("(CycloneDX justification: protected_by_mitigating_control)"));
    assert_eq!(read["Use-Cases/Case-3/vex.json"].affected[0].status, ProductStatus::UnderInvestigation);
    assert!(read["Use-Cases/Case-7/vex.json"].warnings.iter().any(|w| w.contains("names no affected component")));
}

#[test]
fn cyclonedx_non_vex_and_errors() {
    let Some(bom) = fixture("sbom-vex/cyclonedx-bom-examples/VEX/bom.json") else { return };
    let (v, summary) = read_cdx(&bom).unwrap();
    assert!(v.is_empty());
    assert_eq!(summary.records, 0);
    assert!(summary.warnings[0].contains("not a VEX"));
    let e =
        read_str(r#"{"bomFormat":"SPDX","vulnerabilities":[]}"#, |f, d, s| vex::read_cyclonedx(f, d, s)).unwrap_err();
    assert!(e.to_string().contains("$.bomFormat"), "{e}");
    let e = read_str(r#"{"bomFormat":"CycloneDX","vulnerabilities":[{"affects":[{"ref":"x"}]}]}"#, |f, d, s| {
        vex::read_cyclonedx(f, d, s)
    })
    .unwrap_err();
    assert!(e.to_string().contains("$.vulnerabilities[0].id"), "{e}");
    let e = read_str(r#"{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","cwes":["x"]}]}"#, |f, d, s| {
        vex::read_cyclonedx(f, d, s)
    })
    .unwrap_err();
    assert!(matches!(&e, IntelError::Invalid { place, .. } if place.starts_with("line 1")), "{e}");
}

#[test]
fn openvex_examples() {
    let Some(root) = fixture("sbom-vex/openvex/go-vex/pkg") else { return };
    let files: Vec<PathBuf> = json_files(&root)
        .into_iter()
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("openvex.dev/ns"))
        .collect();
    let mut read = BTreeMap::new();
    for f in &files {
        let (mut v, _) = read_ovex(f).unwrap_or_else(|e| panic!("{e}"));
        read.insert(f.strip_prefix(&root).unwrap().display().to_string(), v.remove(0));
    }
    let counts: BTreeMap<&str, usize> = read.iter().map(|(k, a)| (k.as_str(), a.affected.len())).collect();
    let expected: BTreeMap<&str, usize> = [
        ("csaf/testdata/openvex.json", 2),
        ("vex/testdata/v0.0.1-noversion.json", 2),
        ("vex/testdata/v0.0.1.json", 2),
        ("vex/testdata/v0.2.0.json", 10),
        ("vex/testdata/v001-1.vex.json", 1),
        ("vex/testdata/v001-2.vex.json", 1),
        ("vex/testdata/v020-1.vex.json", 1),
        ("vex/testdata/v020-2.vex.json", 1),
    ]
    .into();
    assert_eq!(counts, expected);

    let a = &read["vex/testdata/v0.0.1.json"];
    assert_eq!(a.id, "https://openvex.dev/docs/example/vex-9fb3463de1b57");
    assert_eq!(a.provenance.source, Source::OpenVex);
    assert_eq!(a.provenance.revision.as_deref(), Some("1"));
    let s = &a.affected[0];
    assert_eq!((s.vulnerability.as_str(), s.status), ("CVE-2023-12345", ProductStatus::Fixed));
    let Target::Product { product, versions } = &s.target else { panic!() };
    assert_eq!(product.product.as_deref(), Some("git"));
    assert_eq!(product.purl.as_deref(), Some("pkg:apk/wolfi/git@2.39.0-r1?arch=armv7"));
    assert_eq!(versions, &exact("2.39.0-r1"));

    // v0.2.0 subcomponents: the statement is about the package inside the image.
    let a = &read["vex/testdata/v0.2.0.json"];
    let Target::Product { product, versions } = &a.affected[0].target else { panic!() };
    assert!(product.product.as_deref().unwrap().starts_with("libssl3 in alpine"), "{product:?}");
    assert_eq!(product.purl.as_deref(), Some("pkg:apk/alpine/libssl3@3.0.8-r3"));
    assert_eq!(versions, &exact("3.0.8-r3"));
    assert_eq!(a.provenance.revision.as_deref(), Some("1"), "numeric version read as text");

    let e = read_str(r#"{"@context":"https://example.com/ns","statements":[]}"#, |f, d, s| vex::read_openvex(f, d, s))
        .unwrap_err();
    assert!(e.to_string().contains("$.@context"), "{e}");
    let e = read_str(
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:x/y@1"}]}]}"#,
        |f, d, s| vex::read_openvex(f, d, s),
    )
    .unwrap_err();
    assert!(e.to_string().contains("$.statements[0].status"), "{e}");
    let a = read_str(
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","statements":[{"vulnerability":{"name":"CVE-1","aliases":["GHSA-1"]},
            "products":[{"@id":"pkg:x/y@1"}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path",
            "impact_statement":"not called"},
           {"vulnerability":"CVE-2","products":["pkg:x/y@1"],"status":"affected","action_statement":"Update to 1.2 or later"},
           {"vulnerability":"CVE-3","products":["pkg:x/y@1"],"status":"maybe"}]}"#,
        |f, d, s| vex::read_openvex(f, d, s),
    )
    .unwrap();
    assert_eq!(a.aliases, ["CVE-1", "GHSA-1", "CVE-2", "CVE-3"]);
    assert_eq!(a.affected[0].justification, Some(Justification::VulnerableCodeNotInExecutePath));
    assert_eq!(a.affected[0].detail.as_deref(), Some("not called"));
    assert_eq!(a.remediations[0].kind, RemediationKind::VendorFix);
    assert_eq!(a.remediations[0].fixed_version.as_deref(), Some("1.2"));
    assert_eq!(a.affected[2].status, ProductStatus::UnderInvestigation, "unknown status is never not affected");
    assert!(a.warnings[0].contains("unknown status `maybe`"));
}

// --- robustness ------------------------------------------------------------------------------

/// Truncations, byte flips and wrong shapes: every reader answers Ok or Err, never panics.
#[test]
fn never_panics_on_mangled_input() {
    let mut docs: Vec<Vec<u8>> = vec![
        br#"{"document":5}"#.to_vec(),
        br#"{"document":{"category":"csaf_base","tracking":{"id":"X"}},"product_tree":{"branches":[{"branches":"x"}]}}"#.to_vec(),
        br#"{"document":{"category":"csaf_base","tracking":{"id":"X","version":1.5}},"product_tree":{"relationships":[{"product_reference":"A","relates_to_product_reference":"B","full_product_name":{"product_id":"A"}}]}}"#.to_vec(),
        br#"{"document":{"category":"csaf_base","tracking":{"id":"X"}},"product_tree":{"full_product_names":[{"product_id":"A"}],"product_paths":[{"beginning_product_reference":"A","full_product_name":{"product_id":"B"},"subpaths":[{"next_product_reference":"C"}]},{"beginning_product_reference":"B","full_product_name":{"product_id":"C"},"subpaths":[{"next_product_reference":"A"}]}]}}"#.to_vec(),
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        r#"{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"x","affects":[{"ref":"urn:cdx:é#%ZZ%","versions":[{"range":"vers:é/é"}]}]}]}"#.as_bytes().to_vec(),
        br#"{"@context":"openvex","statements":[{"vulnerability":7,"products":[{"@id":null}]}]}"#.to_vec(),
    ];
    let mut depth =
        String::from(r#"{"document":{"category":"csaf_base","tracking":{"id":"X"}},"product_tree":{"branches":["#);
    for _ in 0..200 {
        depth.push_str(r#"{"category":"product_family","name":"f","branches":["#);
    }
    docs.push(depth.into_bytes());
    if let Some(root) = fixture("") {
        for rel in [
            "csaf-cisa/csaf_files/OT/white/2024/icsa-24-235-03.json",
            "csaf-cisa/csaf_files/OT/white/2024/icsa-24-102-03.json",
            "sbom-vex/cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-8/vex.json",
            "sbom-vex/openvex/go-vex/pkg/vex/testdata/v0.2.0.json",
        ] {
            let bytes = std::fs::read(root.join(rel)).unwrap();
            for k in 0..64 {
                let cut = bytes.len() * k / 64;
                docs.push(bytes[..cut].to_vec());
                let mut flipped = bytes.clone();
                flipped[cut.min(bytes.len() - 1)] ^= 0x5a;
                docs.push(flipped);
            }
        }
    }
    let d = doc("mangled.json");
    for bytes in &docs {
        let mut sink = |_r: IntelRecord| Ok(());
        let _ = csaf::read(bytes.as_slice(), &d, &mut sink);
        let _ = vex::read_cyclonedx(bytes.as_slice(), &d, &mut sink);
        let _ = vex::read_openvex(bytes.as_slice(), &d, &mut sink);
    }
    // The text functions on every prefix and suffix of awkward strings.
    for text in [
        "vers:all/>=V5.4<V5.5 SP1 | <= 2020  R2 SP1 and 1.0. - 2.0",
        "Update to V1.0 SP2 Update 1 or later version\nupdate to é V2 ünd",
        "<=The_first_5_digits_of_serial_No._\"26061\" | vers:ÄLL/<ü",
        "ǅ< ! = == != <> >< | || and AND Service Pack x.X.* 2.3.6 and below prior to",
    ] {
        let idx: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        for &i in &idx {
            for part in [&text[..i], &text[i..]] {
                let _ = normalise_range(part);
                let _ = normalise_version(part);
                let _ = fixed_version(part);
            }
        }
    }
}

// --- throughput (acceptance benchmark, not a timed test) ---------------------------------------

/// `cargo test -p intel --release -- --ignored --nocapture csaf_all_throughput`
#[test]
#[ignore = "benchmark; run in release"]
fn csaf_all_throughput() {
    let Some(files) = cisa_files() else { return };
    let start = Instant::now();
    let mut records = 0;
    let mut statements = 0;
    for f in &files {
        let (out, summary) =
            collect(|sink| csaf::read(std::fs::File::open(f).unwrap(), &doc(&f.display().to_string()), sink));
        records += summary.records;
        for r in out {
            if let IntelRecord::Advisory(a) = r {
                statements += a.affected.len();
            }
        }
    }
    let elapsed = start.elapsed();
    println!(
        "csaf_all_throughput: {} files, {records} advisories, {statements} statements in {:.3} s",
        files.len(),
        elapsed.as_secs_f64()
    );
    assert_eq!(records, 2_383);
}
