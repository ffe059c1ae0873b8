//! The demo plant's vulnerable-version claims, checked against the real public data in
//! `../shared/fixtures` (CISA CSAF ICS advisories, CISA Vulnrichment CVE records, the KEV catalog).
//!
//! Each claim says: advisory X lists a product matching NEEDLE with the version range RANGE as
//! known-affected by CVE Y; our assets A… carry VERSION, and VERSION lies in RANGE. The range check
//! is deliberately simple (numbers compared left to right), enough for the forms used here; the
//! real matching engine lives elsewhere. Without the fixture folder the checks are skipped with a
//! message, except under CI=true, where a missing folder fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use model::Plant;
use serde_json::Value;

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but the fixture folder {} is missing", dir.display());
    }
    eprintln!("skipping: fixture folder {} not found (set up ../shared/fixtures to run this test)", dir.display());
    None
}

fn plant() -> Plant {
    match demo::demo_plant() {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One claim against a CISA CSAF advisory.
struct Csaf {
    advisory: &'static str,
    /// Matched (case-insensitively) against the product's branch names, product name and model numbers.
    product: &'static str,
    /// The version branch's name, exactly as the advisory writes it.
    range: &'static str,
    cve: &'static str,
    /// Our version, as the assets carry it (firmware or a component version).
    version: &'static str,
    assets: &'static [&'static str],
    /// Whether [`in_range`] can judge this range form.
    compare: bool,
}

const fn c(
    advisory: &'static str,
    product: &'static str,
    range: &'static str,
    cve: &'static str,
    version: &'static str,
    assets: &'static [&'static str],
) -> Csaf {
    Csaf { advisory, product, range, cve, version, assets, compare: true }
}

const CSAF_CLAIMS: &[Csaf] = &[
    c("icsa-23-222-07", "6ES7516-3AN02-0AB0", "vers:all/<V2.9.7", "CVE-2023-0286", "V2.9.4", &["PLC-R101", "PLC-R102"]),
    c("icsa-23-222-07", "6ES7516-3AN02-0AB0", "vers:all/<V2.9.7", "CVE-2023-0286", "V2.9.2", &["PLC-R103"]),
    c("icsa-23-348-09", "6ES7516-3AN02-0AB0", "vers:all/*", "CVE-2023-46156", "V3.0.1", &["PLC-R104"]),
    c("icsa-23-222-07", "6ES7515-2AM02-0AB0", "vers:all/<V2.9.7", "CVE-2023-0286", "V2.9.4", &["PLC-R100-UT"]),
    c("icsa-22-104-06", "6ES7315-2EH14-0AB0", "vers:all/<V3.2.19", "CVE-2022-25622", "V3.2.12", &["PLC-DOS-01"]),
    c("icsa-24-284-01", "6ES7214-1AG40-0XB0", "vers:all/*", "CVE-2024-46886", "V4.4.1", &["PLC-BOIL-01"]),
    c(
        "icsa-22-104-06",
        "SINAMICS G120 (incl. SIPLUS variants)",
        "All versions with Ethernet interface",
        "CVE-2022-25622",
        "V4.7 SP10 HF5",
        &["DRV-R101-AG", "DRV-R102-AG", "DRV-R103-AG", "DRV-R104-AG"],
    ),
    c(
        "icsa-22-223-07",
        "SCALANCE XC208 (6GK5208-0BA00-2AC2)",
        "vers:all/<V4.4",
        "CVE-2022-36323",
        "V4.3",
        &["SW-CR-01", "SW-CR-02", "SW-ENG-01", "SW-CA-01", "SW-CA-02"],
    ),
    c("icsa-22-223-07", "SCALANCE SC646-2C", "vers:all/<V2.3.1", "CVE-2022-36323", "V2.3.0", &["FW-CA-01"]),
    c(
        "icsa-22-104-04",
        "6GK5774-1FX00-0AA0",
        "vers:all/*",
        "CVE-2020-24588",
        "V6.2.1",
        &["AP-W-01", "AP-W-02", "AP-W-03"],
    ),
    c(
        "icsa-24-193-16",
        "SIMATIC WinCC V7.5",
        "<V7.5_SP2_Update_17",
        "CVE-2024-30321",
        "V7.5 SP2 Update 12",
        &["WINCC-SRV-01", "WINCC-SRV-02", "OS-CLI-01", "OS-CLI-02", "OS-CLI-03", "OS-CLI-04", "EWS-SIE-01"],
    ),
    c(
        "icsa-21-033-02",
        "SIMATIC HMI Comfort Panels",
        "All versions < V16 Update 3a",
        "CVE-2020-15798",
        "V15.1 Update 4",
        &["HMI-R101", "HMI-R102", "HMI-R103", "HMI-R104", "HMI-BOIL-01"],
    ),
    c(
        "icsa-23-103-04",
        "TIA Portal) V17",
        "vers:all/<V17 Update 6",
        "CVE-2023-26293",
        "V17 Update 4",
        &["EWS-SIE-01", "EWS-SPARE-01"],
    ),
    c(
        "icsa-24-284-20",
        "ControlLogix 5580",
        "<V33.017_V34.014_V35.013_V36.011",
        "CVE-2024-6207",
        "33.011",
        &["PLC-D201A", "PLC-D201B"],
    ),
    c("icsa-24-226-09", "CompactLogix 5380", "<v36.011_v35.013_v34.014", "CVE-2024-7507", "33.011", &["PLC-D202"]),
    c(
        "icsa-23-193-01",
        "1756-EN2T Series D",
        "<= 11.003",
        "CVE-2023-3595",
        "11.001",
        &["ENET-D201A-1", "ENET-D201B-1", "ENET-D201A-2", "ENET-D201B-2"],
    ),
    c(
        "icsa-23-236-06",
        "1734-AENTR Series C",
        "<= 7.011",
        "CVE-2022-1737",
        "7.011",
        &["IO-D201-1", "IO-D201-2", "IO-D201-3", "IO-D201-4"],
    ),
    c(
        "icsa-19-087-01",
        "PowerFlex 525",
        "<= 5.001",
        "CVE-2018-19282",
        "5.001",
        &["DRV-D201-P1", "DRV-D201-P2", "DRV-D201-P3", "DRV-D201-P4"],
    ),
    c("icsa-18-107-04", "Stratix 5700", "<= 15.2(6)E0a", "CVE-2018-0171", "15.2(6)E0a", &["SW-CB-01", "SW-CB-02"]),
    c("icsa-17-157-01", "PanelView Plus 6", "8.00-20141023", "CVE-2017-7914", "8.00-20141023", &["HMI-D202"]),
    c("icsa-21-056-03", "Studio 5000 Logix Designer", ">= 21", "CVE-2021-22681", "33.01", &["EWS-RA-01"]),
    c(
        "icsa-23-299-05",
        "FactoryTalk View Site Edition",
        "V11.0",
        "CVE-2023-46289",
        "11.0",
        &["FTV-SE-01", "FTV-SE-02"],
    ),
    c(
        "icsa-20-140-01",
        "FactoryTalk Linx",
        "6.00 | 6.10 | 6.11",
        "CVE-2020-12034",
        "6.11",
        &["FTV-SE-01", "FTV-SE-02"],
    ),
    c("icsa-22-242-10", "KEPServerEX", "< 6.12", "CVE-2022-2848", "6.11.718.0", &["KEP-01"]),
    c(
        "icsa-23-201-01",
        "Modicon M580 CPU (part numbers BMEP* and BMEH*)",
        "< SV4.10",
        "CVE-2022-45788",
        "SV3.20",
        &["PLC-F301"],
    ),
    c(
        "icsa-23-201-01",
        "Modicon M580 CPU (part numbers BMEP* and BMEH*)",
        "< SV4.10",
        "CVE-2022-45788",
        "SV2.90",
        &["PLC-F302"],
    ),
    c("icsa-23-227-01", "Modicon M340 CPU", "vers:all/*", "CVE-2022-45789", "3.30", &["PLC-F303"]),
    c("icsa-23-201-01", "EcoStruxure Control Expert", "< 15.3", "CVE-2022-45788", "15.1", &["EWS-SE-01"]),
    c(
        "icsa-20-044-02",
        "Magelis HMIGTU series",
        "vers:all/*",
        "CVE-2019-6833",
        "Vijeo Designer runtime 6.2 SP9",
        &["HMI-F301", "HMI-F302", "HMI-F303"],
    ),
    c("icsa-18-107-02", "MP Model 3008", ">= 10.0 | <= 10.4", "CVE-2018-7522", "10.4", &["SIS-R1"]),
    c(
        "icsa-20-205-01",
        "Tricon Communications Module",
        ">= 10.0 | <= 10.5.3",
        "CVE-2020-7483",
        "10.5.2",
        &["SIS-R1", "SIS-D1"],
    ),
    Csaf {
        compare: false,
        ..c(
            "icsa-20-205-01",
            "TriStation 1131",
            ">= 1.0. | <=4.9.0 | 4.10.0 | 4.12.0",
            "CVE-2020-7483",
            "4.9.0",
            &["EWS-SIS-01"],
        )
    },
    c("icsa-20-091-01", "EAGLE20/30", "03.2.00", "CVE-2020-6994", "03.2.00", &["FW-SIS-01"]),
    c("icsa-18-065-01", "Classic Platform Switches RS", "vers:all/*", "CVE-2018-5465", "09.0.08", &["SW-SIS-01"]),
    c("icsa-17-250-02", "FL MGUARD RS4000 TX/TX VPN", ">= 8.0.0 | <= 8.5.1", "CVE-2013-6466", "8.5.1", &["FW-CC-01"]),
    c("icsa-18-011-03", "FL SWITCH 3008T", ">= 1.0 | <= 1.32", "CVE-2017-16741", "1.32", &["SW-CC-01", "SW-UT-01"]),
    c("icsa-17-320-01", "NPort 5150", "<= 3.7", "CVE-2017-16715", "3.7", &["NPORT-UT-01"]),
    c("icsa-17-320-01", "NPort 5110", "2.2", "CVE-2017-16715", "2.2", &["NPORT-UT-03"]),
    c("icsa-18-200-04", "NPort 5210 5230 and 5232", "<=2.9 17030709", "CVE-2018-10632", "2.9", &["NPORT-UT-02"]),
    c("icsa-18-044-01", "750-8202", "< 02.07.07(10)", "CVE-2018-5459", "02.07.05(10)", &["PLC-AIR-01"]),
    c(
        "icsa-18-240-03",
        "PM5560",
        "< 2.5.4",
        "CVE-2018-7795",
        "2.5.1",
        &["PM-UT-01", "PM-UT-02", "PM-UT-03", "PM-UT-04"],
    ),
    c(
        "icsa-18-191-03",
        "Niagara 4 Framework",
        "<= 4.4",
        "CVE-2017-16744",
        "4.4.73.24",
        &["BMS-SRV-01", "JACE-UT-01", "JACE-UT-02"],
    ),
    c("icsa-23-131-08", "RUT model routers", ">=00.07.00|<=00.07.03", "CVE-2023-32350", "00.07.03", &["RUT-UT-01"]),
    c(
        "icsa-17-124-01",
        "DS-2CD2xx2FWD",
        ">=  5.3.1 build 150410 | <= 5.4.4  Build 161125",
        "CVE-2017-7921",
        "V5.4.0 build 160530",
        &["CAM-UT-01"],
    ),
    c("icsa-20-135-02", "Wireless 1410 Gateway", ">= 4.6.43 | <= 4.7.84", "CVE-2020-12030", "4.7.80", &["WHART-GW-01"]),
    c("icsa-24-030-01", "GC700XA", "<=4.1.5", "CVE-2023-46687", "4.1.4", &["GC-D201"]),
    c("icsa-18-270-01", "AMS Device Manager", ">= 12.0 | <= 13.5", "CVE-2018-14804", "13.5", &["AMS-01"]),
    c(
        "icsa-24-018-01",
        "PI Server",
        "<=2018_SP3_P05",
        "CVE-2023-34348",
        "2018 SP3 Patch 4",
        &["PI-ARCHIVE-01", "PI-AF-01", "PI-DMZ-01"],
    ),
];

/// One claim against a CVE 5 record from Vulnrichment: the record names the product and the bound.
struct Cve5 {
    cve: &'static str,
    needles: &'static [&'static str],
    /// The range in this module's simple syntax, built from the record's `versions` entry.
    range: &'static str,
    version: &'static str,
    assets: &'static [&'static str],
    kev: bool,
}

const CVE5_CLAIMS: &[Cve5] = &[
    Cve5 {
        cve: "CVE-2024-21762",
        needles: &["FortiOS", "7.0.13"],
        range: ">= 7.0.0 | <= 7.0.13",
        version: "7.0.12",
        assets: &["FW-EDGE-01", "FW-EDGE-02"],
        kev: true,
    },
    Cve5 {
        cve: "CVE-2024-23113",
        needles: &["FortiOS", "7.0.13"],
        range: ">= 7.0.0 | <= 7.0.13",
        version: "7.0.12",
        assets: &["FW-EDGE-01", "FW-EDGE-02"],
        kev: true,
    },
    Cve5 {
        cve: "CVE-2024-21893",
        needles: &["ICS", "22.6R2"],
        range: "22.6R2",
        version: "22.6R2",
        assets: &["IVANTI-ICS-01"],
        kev: true,
    },
    Cve5 {
        cve: "CVE-2024-3400",
        needles: &["PAN-OS", "10.2.9-h1"],
        range: ">= 10.2.0 | < 10.2.9-h1",
        version: "10.2.7-h3",
        assets: &["FW-IDMZ-01"],
        kev: true,
    },
    Cve5 {
        cve: "CVE-2024-37085",
        needles: &["VMware ESXi", "\"7.0\""],
        range: ">= 7.0 | < 8",
        version: "7.0 Update 3o",
        assets: &["ESX-OT-01", "ESX-OT-02"],
        kev: true,
    },
    Cve5 {
        cve: "CVE-2024-26169",
        needles: &["Windows Server 2019", "10.0.17763.5576"],
        range: "< 10.0.17763.5576",
        version: "10.0.17763.4377",
        assets: &["WINCC-SRV-01", "WINCC-SRV-02", "OS-CLI-01", "OT-DC-01", "EWS-SIE-01", "KEP-01"],
        kev: true,
    },
    Cve5 {
        cve: "CVE-2024-26169",
        needles: &["Windows Server 2019"],
        range: "< 10.0.17763.5576",
        version: "10.0.17763.5329",
        assets: &["JUMP-01"],
        kev: true,
    },
    Cve5 {
        cve: "CVE-2023-28252",
        needles: &["Windows Server 2016", "10.0.14393.5850"],
        range: "< 10.0.14393.5850",
        version: "10.0.14393.5786",
        assets: &["PI-ARCHIVE-01", "PI-AF-01", "FTV-SE-01", "FTV-SE-02"],
        kev: true,
    },
];

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Every product leaf of a CSAF product tree: (product id, text to search, version branch names).
fn leaves(node: &Value, path: &mut Vec<(String, String)>, out: &mut Vec<(String, String, Vec<String>)>) {
    if let Some(branches) = node.get("branches").and_then(Value::as_array) {
        for b in branches {
            let category = b.get("category").and_then(Value::as_str).unwrap_or_default().to_string();
            let name = b.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            path.push((category, name));
            leaves(b, path, out);
            path.pop();
        }
    }
    if let Some(product) = node.get("product") {
        let id = product.get("product_id").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut text: Vec<String> = path.iter().map(|(_, n)| n.clone()).collect();
        text.push(product.get("name").and_then(Value::as_str).unwrap_or_default().to_string());
        if let Some(models) = product.pointer("/product_identification_helper/model_numbers").and_then(Value::as_array)
        {
            text.extend(models.iter().filter_map(Value::as_str).map(str::to_string));
        }
        let versions = path.iter().filter(|(c, _)| c.starts_with("product_version")).map(|(_, n)| n.clone()).collect();
        out.push((id, text.join(" | "), versions));
    }
}

/// The numbers in a version string, left to right: `V7.5 SP2 Update 12` → 7, 5, 2, 12.
fn numbers(s: &str) -> Vec<u64> {
    s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect()
}

fn cmp_numbers(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let len = a.len().max(b.len());
    let get = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    (0..len).map(|i| get(a, i).cmp(&get(b, i))).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
}

/// Whether `version` lies in `range`, for the forms used in the claims: `*`, `<X`, `<= X`,
/// `>= A | <= B` (all parts hold), `A | B | C` (one of them), a bare version (equal), and ranges
/// without numbers ("All versions with Ethernet interface"). `<= 4.4` includes 4.4.73.
fn in_range(range: &str, version: &str) -> bool {
    let v = numbers(version);
    let range = range.trim().trim_start_matches("vers:all/").trim();
    let range = range.strip_prefix("All versions").unwrap_or(range).trim();
    let parts: Vec<&str> = range.split('|').map(str::trim).filter(|p| !p.is_empty()).collect();
    let op = |p: &str| ["<=", ">=", "<", ">"].into_iter().find(|o| p.starts_with(o));
    if parts.iter().all(|p| op(p).is_none()) {
        return parts.is_empty()
            || parts.iter().any(|p| *p == "*" || numbers(p).is_empty() || cmp_numbers(&numbers(p), &v).is_eq());
    }
    parts.iter().all(|p| {
        let Some(o) = op(p) else { return true };
        let bound = numbers(&p[o.len()..]);
        let truncated = &v[..v.len().min(bound.len().max(1))];
        match o {
            "<=" => cmp_numbers(truncated, &bound).is_le(),
            ">=" => cmp_numbers(truncated, &bound).is_ge(),
            "<" => cmp_numbers(&v, &bound).is_lt(),
            _ => cmp_numbers(&v, &bound).is_gt(),
        }
    })
}

/// Whether the asset carries `version` as its firmware, in its OS string, or as a component version.
fn carries(plant: &Plant, id: &str, version: &str) -> bool {
    let Some(a) = plant.assets.iter().find(|a| a.id == id) else { panic!("no asset {id} in the demo plant") };
    a.identity.firmware.as_deref() == Some(version)
        || a.identity.os.as_deref().is_some_and(|os| os.contains(version))
        || a.components.iter().any(|c| c.version.as_deref() == Some(version))
}

#[test]
fn the_range_check_understands_the_forms_used() {
    assert!(in_range("vers:all/<V2.9.7", "V2.9.4"));
    assert!(!in_range("vers:all/<V2.9.7", "V2.9.7"));
    assert!(in_range("<= 4.4", "4.4.73.24"));
    assert!(!in_range("<= 4.4", "4.5"));
    assert!(in_range(">= 10.0 | <= 10.4", "10.4"));
    assert!(!in_range(">= 10.0 | <= 10.4", "10.5.1"));
    assert!(in_range("6.00 | 6.10 | 6.11", "6.11"));
    assert!(!in_range("6.00 | 6.10 | 6.11", "6.20"));
    assert!(in_range("All versions < V16 Update 3a", "V15.1 Update 4"));
    assert!(in_range("All versions with Ethernet interface", "V4.7"));
    assert!(in_range("<=2018_SP3_P05", "2018 SP3 Patch 4"));
    assert!(!in_range("<=2018_SP3_P05", "2018 SP3 Patch 6"));
}

#[test]
fn csaf_advisories_list_our_versions_as_affected() {
    let Some(dir) = fixtures() else { return };
    let plant = plant();
    let mut assets = BTreeSet::new();
    let mut advisories = BTreeSet::new();
    for claim in CSAF_CLAIMS {
        let year = format!("20{}", &claim.advisory[5..7]);
        let path = dir.join("csaf-cisa/csaf_files/OT/white").join(year).join(format!("{}.json", claim.advisory));
        let doc = read_json(&path);
        let mut found = Vec::new();
        leaves(doc.get("product_tree").unwrap_or(&Value::Null), &mut Vec::new(), &mut found);
        let ids: BTreeSet<String> = found
            .iter()
            .filter(|(_, text, versions)| {
                lower(text).contains(&lower(claim.product)) && versions.iter().any(|v| v == claim.range)
            })
            .map(|(id, _, _)| id.clone())
            .collect();
        assert!(!ids.is_empty(), "{}: no product `{}` with version `{}`", claim.advisory, claim.product, claim.range);
        let affected = doc.get("vulnerabilities").and_then(Value::as_array).into_iter().flatten().any(|v| {
            v.get("cve").and_then(Value::as_str) == Some(claim.cve)
                && v.pointer("/product_status/known_affected")
                    .and_then(Value::as_array)
                    .is_some_and(|list| list.iter().filter_map(Value::as_str).any(|id| ids.contains(id)))
        });
        assert!(
            affected,
            "{}: {} does not list `{}` {} as known affected",
            claim.advisory, claim.cve, claim.product, claim.range
        );
        if claim.compare {
            assert!(
                in_range(claim.range, claim.version),
                "{}: {} is not in `{}`",
                claim.advisory,
                claim.version,
                claim.range
            );
        }
        for id in claim.assets {
            assert!(
                carries(&plant, id, claim.version),
                "{}: asset {id} does not carry version {}",
                claim.advisory,
                claim.version
            );
            assets.insert(*id);
        }
        advisories.insert(claim.advisory);
    }
    assert!(assets.len() >= 25, "{} assets covered", assets.len());
    assert!(advisories.len() >= 8, "{} advisories covered", advisories.len());
    eprintln!("{} CSAF claims hold: {} assets, {} advisories", CSAF_CLAIMS.len(), assets.len(), advisories.len());
}

#[test]
fn cve_records_and_the_kev_catalog_back_the_it_claims() {
    let Some(dir) = fixtures() else { return };
    let plant = plant();
    let kev = std::fs::read_to_string(dir.join("kev/known_exploited_vulnerabilities.json")).unwrap_or_default();
    assert!(!kev.is_empty(), "KEV catalog missing");
    for claim in CVE5_CLAIMS {
        let year = &claim.cve[4..8];
        let num = &claim.cve[9..];
        let bucket = format!("{}xxx", &num[..num.len() - 3]);
        let path = dir.join("vulnrichment").join(year).join(bucket).join(format!("{}.json", claim.cve));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for needle in claim.needles {
            assert!(text.contains(needle), "{}: record does not mention {needle}", claim.cve);
        }
        assert!(in_range(claim.range, claim.version), "{}: {} not in {}", claim.cve, claim.version, claim.range);
        if claim.kev {
            assert!(kev.contains(&format!("\"{}\"", claim.cve)), "{} is not in the KEV catalog", claim.cve);
        }
        for id in claim.assets {
            assert!(carries(&plant, id, claim.version), "{}: asset {id} does not carry {}", claim.cve, claim.version);
        }
    }
}

#[test]
fn every_advisory_named_in_the_plant_file_exists() {
    let Some(dir) = fixtures() else { return };
    let text = demo::DEMO_PLANT_TOML;
    let mut named = BTreeSet::new();
    for (i, _) in text.match_indices("ICSA-") {
        let id = &text[i..(i + 14).min(text.len())];
        if id.len() == 14
            && id[5..].chars().enumerate().all(|(k, c)| if k == 2 || k == 6 { c == '-' } else { c.is_ascii_digit() })
        {
            named.insert(id.to_lowercase());
        }
    }
    assert!(named.len() >= 30, "{} advisories named", named.len());
    for id in &named {
        let path =
            dir.join("csaf-cisa/csaf_files/OT/white").join(format!("20{}", &id[5..7])).join(format!("{id}.json"));
        assert!(path.is_file(), "{id} is named in demo-plant.toml but not in the fixtures");
    }
}
