//! Tests of the identity tables (`data/vendors.tsv`, `data/models.tsv`): they read, the aliases
//! of the issue resolve, and, against the real CISA CSAF ICS advisories, every vendor named in
//! at least three advisories has an entry and the advisories' published model numbers resolve to
//! the product they are published for — and never to a rule of another vendor.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use matching::identity::{Tables, glob, norm_model, norm_product};
use matching::version::Profile;
use serde_json::Value;

use crate::support::fixture;

const VENDORS: &str = include_str!("../../data/vendors.tsv");
const MODELS: &str = include_str!("../../data/models.tsv");

fn tables() -> &'static Tables {
    let t = Tables::builtin();
    assert!(!t.vendors().is_empty() && !t.models().is_empty(), "the builtin tables did not read");
    t
}

#[test]
fn builtin_tables_read_and_are_not_empty() {
    let parsed = Tables::parse(VENDORS, MODELS);
    let Ok(parsed) = parsed else { panic!("{parsed:?}") };
    let builtin = tables();
    assert_eq!(parsed.vendors().len(), builtin.vendors().len());
    assert_eq!(parsed.models().len(), builtin.models().len());
    assert!(builtin.vendors().len() >= 80, "{} vendors", builtin.vendors().len());
    assert!(builtin.models().len() >= 500, "{} model rules", builtin.models().len());
    for v in builtin.vendors() {
        assert!(!v.source.is_empty(), "vendor `{}` names no source", v.key);
        assert_eq!(
            builtin.vendor(&v.key).map(|f| f.key.as_str()),
            Some(v.key.as_str()),
            "key `{}` does not resolve",
            v.key
        );
        for c in &v.cpe_vendors {
            assert_eq!(builtin.vendor_key_for_cpe(c), v.key, "CPE vendor `{c}`");
        }
    }
    for m in builtin.models() {
        assert!(!m.source.is_empty(), "model rule `{}` names no source", m.pattern);
    }
}

#[test]
fn the_aliases_of_the_issue_resolve() {
    let t = tables();
    for name in
        ["Rockwell Automation", "Allen-Bradley", "Allen Bradley", "rockwellautomation", "ROCKWELL AUTOMATION, Inc."]
    {
        assert_eq!(t.vendor_key(name), "rockwell", "{name}");
    }
    assert_eq!(t.vendor_key_for_cpe("rockwellautomation"), "rockwell");
    for name in
        ["Schneider Electric", "schneider-electric", "Schneider Electric SE", "Schneider Electric Software, LLC"]
    {
        assert_eq!(t.vendor_key(name), "schneider-electric", "{name}");
    }
    assert_eq!(t.vendor_key_for_cpe("schneider_electric"), "schneider-electric");
    for name in ["Siemens AG", "siemens", "SIEMENS"] {
        assert_eq!(t.vendor_key(name), "siemens", "{name}");
    }
    // Mergers where advisories publish the same products under both names.
    assert_eq!(t.vendor_key("Kepware Technologies"), "ptc");
    assert_eq!(t.vendor_key("Hirschmann (Belden)"), "belden");
    assert_eq!(t.vendor_key("Hirschmann"), "belden");
    assert_eq!(t.vendor_key("OSIsoft LLC"), "aveva");
    assert_eq!(t.vendor_key("3S-Smart Software Solutions GmbH"), "codesys");
    assert_eq!(t.vendor_key("Pulse Secure"), "ivanti");
    // A rename without a shared CPE vendor stays apart; GE HealthCare is not GE.
    assert_eq!(t.vendor_key("Hitachi Energy"), "hitachi-energy");
    assert_ne!(t.vendor_key("ABB Power Grids"), "hitachi-energy");
    assert_ne!(t.vendor_key("ABB Power Grids"), "abb");
    assert_eq!(t.vendor_key("GE Healthcare"), "ge-healthcare");
    assert_eq!(t.vendor_key("General Electric (GE)"), "ge");
    // CPE vendor names of the issue.
    for (cpe, key) in [
        ("mitsubishielectric", "mitsubishi-electric"),
        ("phoenixcontact", "phoenix-contact"),
        ("moxa", "moxa"),
        ("deltaww", "delta-electronics"),
        ("ge", "ge"),
        ("hitachienergy", "hitachi-energy"),
        ("johnsoncontrols", "johnson-controls"),
        ("wago", "wago"),
        ("tridium", "tridium"),
        ("fortinet", "fortinet"),
        ("microsoft", "microsoft"),
        ("ptc", "ptc"),
        ("paloaltonetworks", "palo-alto-networks"),
    ] {
        assert_eq!(t.vendor_key_for_cpe(cpe), key, "{cpe}");
    }
    // Version profiles.
    assert_eq!(t.profile("Siemens AG"), Profile::Siemens);
    assert_eq!(t.profile("Allen-Bradley"), Profile::Rockwell);
    assert_eq!(t.profile("Schneider Electric"), Profile::Schneider);
    assert_eq!(t.profile("Microsoft Corporation"), Profile::Windows);
    assert_eq!(t.profile("Moxa"), Profile::Generic);
    assert_eq!(t.profile("Nobody Listed Ltd"), Profile::Generic);
}

#[test]
fn a_siemens_order_number_resolves_to_its_product_and_family() {
    let t = tables();
    let Some(r) = t.model("siemens", "6ES7 516-3AN02-0AB0") else { panic!("6ES7 516-3AN02-0AB0 has no rule") };
    assert_eq!(r.product, "SIMATIC S7-1500 CPU 1516-3 PN/DP");
    assert_eq!(r.family.as_deref(), Some("SIMATIC S7-1500"));
    assert!(r.source.contains("ICSA-"), "{}", r.source);
    // The same number is not a Rockwell or Schneider model.
    assert!(t.model("rockwell", "6ES7516-3AN02-0AB0").is_none());
    assert!(t.model("schneider-electric", "6ES7516-3AN02-0AB0").is_none());
}

#[test]
fn the_demo_plant_model_numbers_resolve() {
    let t = tables();
    // (vendor as the demo plant writes it, model, expected product prefix, expected family)
    let cases = [
        ("Siemens", "6ES7 516-3AN02-0AB0", "SIMATIC S7-1500 CPU 1516-3 PN/DP", "SIMATIC S7-1500"),
        ("Siemens", "6ES7 515-2AM02-0AB0", "SIMATIC S7-1500 CPU 1515-2 PN", "SIMATIC S7-1500"),
        ("Siemens", "6ES7 315-2EH14-0AB0", "SIMATIC S7-300 CPU 315-2 PN/DP", "SIMATIC S7-300"),
        ("Siemens", "6ES7 214-1AG40-0XB0", "SIMATIC S7-1200 CPU 1214C DC/DC/DC", "SIMATIC S7-1200"),
        ("Siemens", "6ES7 155-6AU01-0CN0", "SIMATIC ET 200SP IM 155-6 PN/2 HF", "SIMATIC ET 200SP"),
        ("Siemens", "6ES7 155-6AU00-0BN0", "SIMATIC ET 200SP IM 155-6 PN ST", "SIMATIC ET 200SP"),
        ("Siemens", "6AV2 124-0MC01-0AX0", "SIMATIC HMI TP1200 Comfort", "SIMATIC HMI Comfort Panels"),
        ("Siemens", "6AV2 124-0JC01-0AX0", "SIMATIC HMI TP900 Comfort", "SIMATIC HMI Comfort Panels"),
        ("Siemens", "6AV2 124-0GC01-0AX0", "SIMATIC HMI TP700 Comfort", "SIMATIC HMI Comfort Panels"),
        ("Siemens", "6GK5 208-0BA00-2AC2", "SCALANCE XC208", "SCALANCE XC-200"),
        ("Siemens", "6GK5 646-2GS00-2AC2", "SCALANCE SC646-2C", "SCALANCE SC-600"),
        ("Siemens", "6GK5 774-1FX00-0AA0", "SCALANCE W774-1 RJ45", "SCALANCE W700"),
        ("Siemens", "6SL3244-0BB12-1FA0", "SINAMICS G120 CU240E-2 PN", "SINAMICS G120"),
        ("Siemens", "6ES7647-0BA00-1YA2", "SIMATIC IOT2050", "SIMATIC IOT2050"),
        ("Rockwell Automation", "1756-L83E", "ControlLogix 5580", "ControlLogix 5580"),
        ("Rockwell Automation", "1756-EN2T", "1756-EN2T", "ControlLogix EtherNet/IP communication modules"),
        ("Rockwell Automation", "5069-L320ER", "CompactLogix 5380", "CompactLogix 5380"),
        ("Rockwell Automation", "2711P-T10C4D8", "PanelView Plus", "PanelView Plus"),
        ("Rockwell Automation", "1734-AENTR", "POINT I/O 1734-AENTR", "POINT I/O"),
        ("Rockwell Automation", "25B-D010N104", "PowerFlex 525", "PowerFlex 520-series"),
        ("Rockwell Automation", "20G11ND022", "PowerFlex 755", "PowerFlex 750-series"),
        ("Rockwell Automation", "1783-BMS10CGN", "Stratix 5700", "Stratix"),
        ("Rockwell Automation", "1783-SAD4T0SBK9", "Stratix 5950", "Stratix"),
        ("Schneider Electric", "BMEP582040", "Modicon M580 CPU", "Modicon M580"),
        ("Schneider Electric", "BMXP342020", "Modicon M340 CPU", "Modicon M340"),
        ("Schneider Electric", "METSEPM5560", "PowerLogic PM5560", "PowerLogic PM5500"),
        ("Schneider Electric", "ATV340U15N4E", "Altivar Machine ATV340", "Altivar"),
        ("Schneider Electric", "HMIG5U2", "Harmony iPC", "Harmony iPC"),
        ("Phoenix Contact", "2200515", "FL MGUARD RS4000 TX/TX VPN", "FL MGUARD"),
        ("Moxa", "NPort 5150", "NPort 5150", "NPort 5100 Series"),
    ];
    for (vendor, model, product, family) in cases {
        let key = t.vendor_key(vendor);
        let Some(r) = t.model(&key, model) else { panic!("{vendor} {model}: no rule") };
        assert!(r.product.starts_with(product), "{vendor} {model}: product `{}`, want `{product}…`", r.product);
        assert_eq!(r.family.as_deref(), Some(family), "{vendor} {model}");
    }
    // More specific rules win over the family rule.
    assert_eq!(t.model("rockwell", "1756-L83ES").map(|r| r.product.as_str()), Some("GuardLogix 5580 controller"));
    assert_eq!(
        t.model("rockwell", "5069-L330ERS2").map(|r| r.product.as_str()),
        Some("Compact GuardLogix 5380 controller")
    );
    assert_eq!(
        t.model("rockwell", "1756-EN2T/D").map(|r| r.product.as_str()),
        Some("1756-EN2T EtherNet/IP communication module")
    );
    assert_eq!(
        t.model("rockwell", "1756-EN2TR").map(|r| r.product.as_str()),
        Some("1756-EN2TR EtherNet/IP communication module")
    );
    assert_eq!(
        t.model("schneider-electric", "BMEP584040S").map(|r| r.product.as_str()),
        Some("Modicon M580 Safety CPU")
    );
    assert_eq!(t.model("moxa", "NPort 5110A"), None, "the NPort 5110A is another series");
}

#[test]
fn every_vendor_of_the_demo_plant_has_an_entry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/data/demo-plant.toml");
    let Ok(text) = std::fs::read_to_string(&path) else { panic!("cannot read {}", path.display()) };
    let t = tables();
    let vendors: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("vendor = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .collect();
    assert!(vendors.len() >= 40, "{} vendors in the demo plant", vendors.len());
    let missing: Vec<&&str> = vendors.iter().filter(|v| t.vendor(v).is_none()).collect();
    assert!(missing.is_empty(), "demo-plant vendors without a table entry: {missing:?}");
}

// ---------------------------------------------------------------------------------------------
// The CISA CSAF ICS advisories.

/// One product leaf of a CSAF product tree.
struct Leaf {
    advisory: String,
    vendor: String,
    name: String,
    model_numbers: Vec<String>,
}

struct Csaf {
    /// Vendor name as written → advisories naming it.
    vendors: BTreeMap<String, BTreeSet<String>>,
    leaves: Vec<Leaf>,
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn walk(branches: &Value, vendor: Option<&str>, advisory: &str, csaf: &mut Csaf, seen: &mut BTreeSet<String>) {
    let Some(list) = branches.as_array() else { return };
    for b in list {
        let mut vendor = vendor;
        if b["category"] == "vendor"
            && let Some(name) = b["name"].as_str()
        {
            vendor = Some(name);
            if seen.insert(name.to_string()) {
                csaf.vendors.entry(name.to_string()).or_default().insert(advisory.to_string());
            }
        }
        if let (Some(v), Some(name)) = (vendor, b["product"]["name"].as_str()) {
            let model_numbers = b["product"]["product_identification_helper"]["model_numbers"]
                .as_array()
                .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            csaf.leaves.push(Leaf {
                advisory: advisory.to_string(),
                vendor: v.to_string(),
                name: name.to_string(),
                model_numbers,
            });
        }
        walk(&b["branches"], vendor, advisory, csaf, seen);
    }
}

/// The advisories, read once for all tests of this module (`None` when the fixture is absent).
fn csaf() -> Option<&'static Csaf> {
    static CSAF: OnceLock<Option<Csaf>> = OnceLock::new();
    CSAF.get_or_init(read_csaf).as_ref()
}

fn read_csaf() -> Option<Csaf> {
    let root = fixture("csaf-cisa/csaf_files/OT/white")?;
    let mut files = Vec::new();
    json_files(&root, &mut files);
    let mut csaf = Csaf { vendors: BTreeMap::new(), leaves: Vec::new() };
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else { panic!("cannot read {}", f.display()) };
        let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else { panic!("{} is not JSON", f.display()) };
        let Some(id) = doc["document"]["tracking"]["id"].as_str() else { continue }; // the feed file
        let mut seen = BTreeSet::new();
        walk(&doc["product_tree"]["branches"], None, id, &mut csaf, &mut seen);
    }
    assert!(csaf.vendors.len() > 400, "{} vendor names: is the fixture complete?", csaf.vendors.len());
    Some(csaf)
}

/// Tokens of a product name that identify a model: those with a digit, without order numbers.
fn model_tokens(name: &str, model_numbers: &[String]) -> BTreeSet<String> {
    let numbers: BTreeSet<String> = model_numbers.iter().map(|m| norm_product(m)).collect();
    norm_product(name)
        .split(' ')
        .filter(|t| t.chars().any(|c| c.is_ascii_digit()) && !numbers.contains(*t))
        .map(str::to_string)
        .collect()
}

const GENERIC: &[&str] = &["simatic", "siplus", "scalance", "ruggedcom", "net", "hmi", "cpu", "siemens", "family"];

/// A rule's product is consistent with the advisory's product name when they share a model token
/// (`s7-1500`, `1516-3`, `w774-1`, `xc208`); a product without model tokens (`SIMATIC Logon`)
/// when its words other than line names all appear in the advisory's name.
fn consistent(rule_product: &str, leaf_name: &str, model_numbers: &[String]) -> bool {
    let a = model_tokens(rule_product, &[]);
    let b = model_tokens(leaf_name, model_numbers);
    if a.intersection(&b).next().is_some() {
        return true;
    }
    let words = |s: &str| -> BTreeSet<String> {
        norm_product(s).split(' ').filter(|w| !GENERIC.contains(w)).map(str::to_string).collect()
    };
    let (ra, rb) = (words(rule_product), words(leaf_name));
    a.is_empty() && !ra.is_empty() && ra.is_subset(&rb)
}

#[test]
fn every_vendor_of_three_or_more_csaf_advisories_has_an_entry() {
    let Some(csaf) = csaf() else { return };
    let t = tables();
    let frequent: Vec<(&String, usize)> =
        csaf.vendors.iter().map(|(v, a)| (v, a.len())).filter(|(_, n)| *n >= 3).collect();
    assert!(frequent.len() >= 70, "{} vendor names in 3+ advisories", frequent.len());
    let missing: Vec<String> =
        frequent.iter().filter(|(v, _)| t.vendor(v).is_none()).map(|(v, n)| format!("{v:?} ({n})")).collect();
    assert!(missing.is_empty(), "vendors of 3+ CSAF advisories without a table entry: {missing:?}");
    // The big ones land on the keys the profiles are chosen by.
    assert_eq!(t.vendor_key("Schneider Electric Software, LLC"), "schneider-electric");
    assert_eq!(t.vendor_key("Rockwell Automation "), "rockwell");
    assert_eq!(t.vendor_key("Mitsubishi Electric Corporation"), "mitsubishi-electric");
    println!("{} CSAF vendor names in 3+ advisories, all resolved", frequent.len());
}

#[test]
fn csaf_model_numbers_resolve_to_their_product() {
    let Some(csaf) = csaf() else { return };
    let t = tables();
    let with_models: Vec<&Leaf> = csaf.leaves.iter().filter(|l| !l.model_numbers.is_empty()).collect();
    assert!(with_models.len() >= 4_000, "{} leaves with model numbers", with_models.len());
    let (mut resolved, mut consistent_n) = (0usize, 0usize);
    let mut bad = Vec::new();
    for leaf in &with_models {
        let key = t.vendor_key(&leaf.vendor);
        let rules: Vec<_> = leaf.model_numbers.iter().map(|m| t.model(&key, m)).collect();
        if rules.iter().all(Option::is_some) {
            resolved += 1;
            if rules.iter().flatten().all(|r| consistent(&r.product, &leaf.name, &leaf.model_numbers)) {
                consistent_n += 1;
            } else if bad.len() < 20 {
                let got: Vec<&str> = rules.iter().flatten().map(|r| r.product.as_str()).collect();
                bad.push(format!("{} {:?} {:?} -> {got:?}", leaf.advisory, leaf.name, leaf.model_numbers));
            }
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / with_models.len() as f64;
    println!(
        "CSAF leaves with model numbers: {}; every number resolved: {} ({:.2}%); resolved to a consistent product: {} ({:.2}%)",
        with_models.len(),
        resolved,
        pct(resolved),
        consistent_n,
        pct(consistent_n)
    );
    for b in &bad {
        println!("  inconsistent: {b}");
    }
    // The Siemens rules are derived from these leaves, so this is a check that the derivation
    // kept every published number and its product, not an independent coverage measure.
    // The inconsistent ones are an advisory that gives two products' order numbers the other way
    // round from the rest (ICSA-21-194-03: SCALANCE X201-3P IRT PRO / XF201-3P IRT).
    assert!(pct(resolved) >= 99.5, "resolved {:.1}%", pct(resolved));
    assert!(pct(consistent_n) >= 99.5, "consistent {:.1}%: {bad:#?}", pct(consistent_n));
}

#[test]
fn no_model_rule_matches_another_vendors_csaf_model_number() {
    let Some(csaf) = csaf() else { return };
    let t = tables();
    // Published model numbers (product_identification_helper.model_numbers) by vendor key, and
    // the model-like words of every product name (`1756-EN2T`, `FX5U-32MT/ES`, `2700974`) of
    // vendors in the table; names joining several vendors ("ABB, Phoenix Contact, …") are left out.
    let mut numbers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut words: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for leaf in &csaf.leaves {
        let Some(v) = t.vendor(&leaf.vendor) else { continue };
        numbers.entry(v.key.clone()).or_default().extend(leaf.model_numbers.iter().map(|m| norm_model(m)));
        words.entry(v.key.clone()).or_default().extend(
            leaf.name
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')'))
                .filter(|w| w.len() >= 4 && w.chars().any(|c| c.is_ascii_digit()))
                .map(norm_model),
        );
    }
    let mut clashes = Vec::new();
    for rule in t.models() {
        for (kind, by_vendor) in [("model number", &numbers), ("product-name word", &words)] {
            for (key, nums) in by_vendor {
                if *key == rule.vendor {
                    continue;
                }
                for n in nums.iter().filter(|n| glob(&rule.pattern, n)) {
                    clashes.push(format!("{} rule {} matches {key} {kind} {n}", rule.vendor, rule.pattern));
                }
            }
        }
    }
    assert!(clashes.is_empty(), "{clashes:#?}");
    let total: usize = numbers.values().map(BTreeSet::len).sum();
    let total_words: usize = words.values().map(BTreeSet::len).sum();
    println!(
        "{total} distinct CSAF model numbers and {total_words} model-like product-name words of {} vendors checked against {} rules",
        words.len(),
        t.models().len()
    );
}
