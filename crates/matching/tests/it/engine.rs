//! The engine on hand-built statements: each rule of the module documentation, one test each —
//! model numbers, families, VEX suppression, fixed versions, under investigation, firmware running
//! on hardware, purls, unknown versions and the confidence each gives.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use matching::engine::match_asset;
use model::advisory::{
    Advisory, AdvisoryKind, AffectedStatement, Bound, ConfigNode, Configuration, CpeMatch, Justification, Operator,
    ProductName, ProductStatus, Remediation, RemediationKind, Source, Target, VersionSpec,
};
use model::finding::Verdict;
use model::{Component, ComponentKind, Confidence, FindingStatus, Identity};

fn advisory(id: &str, kind: AdvisoryKind, source: Source, affected: Vec<AffectedStatement>) -> Advisory {
    crate::support::advisory(id, kind, source, id, Some("1"), affected)
}

fn product(vendor: &str, name: &str, models: &[&str]) -> ProductName {
    ProductName {
        vendor: Some(vendor.into()),
        product: Some(name.into()),
        model_numbers: models.iter().map(|m| m.to_string()).collect(),
        ..ProductName::default()
    }
}

fn below(v: &str) -> VersionSpec {
    VersionSpec::Range { start: None, end: Some(Bound { version: v.into(), inclusive: false }) }
}

fn stmt(cve: &str, p: ProductName, versions: VersionSpec, status: ProductStatus) -> AffectedStatement {
    AffectedStatement {
        vulnerability: cve.into(),
        target: Target::Product { product: p, versions },
        status,
        justification: None,
        detail: None,
    }
}

fn plc(firmware: &str) -> Identity {
    Identity {
        vendor: Some("Siemens AG".into()),
        product: Some("SIMATIC S7-1500 CPU 1516-3 PN/DP".into()),
        model: Some("6ES7 516-3AN02-0AB0".into()),
        firmware: Some(firmware.into()),
        ..Identity::default()
    }
}

fn one(v: &[Verdict], cve: &str) -> Verdict {
    let found: Vec<&Verdict> = v.iter().filter(|x| x.vulnerability == cve).collect();
    assert_eq!(found.len(), 1, "{v:#?}");
    found[0].clone()
}

#[test]
fn model_number_and_version_inside_is_high_and_outside_is_nothing() {
    let adv = advisory(
        "ICSA-TEST-01",
        AdvisoryKind::VendorAdvisory,
        Source::Csaf,
        vec![stmt(
            "CVE-2024-0001",
            product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &["6ES7516-3AN0?-0AB0"]),
            below("V2.9.4"),
            ProductStatus::Affected,
        )],
    );
    let v = one(&match_asset(&plc("V2.9.2"), &[], std::slice::from_ref(&adv)), "CVE-2024-0001");
    assert_eq!((v.status, v.confidence), (FindingStatus::Affected, Confidence::High));
    let e = &v.evidence[0];
    assert_eq!(e.comparator, "siemens");
    assert_eq!(e.basis.as_str(), "model-number");
    assert!(match_asset(&plc("V2.9.4"), &[], std::slice::from_ref(&adv)).is_empty(), "the bound itself is fixed");
    assert!(match_asset(&plc("V3.0 SP1"), &[], &[adv]).is_empty());
}

#[test]
fn family_statements_are_medium_and_unreadable_ranges_low() {
    let adv = advisory(
        "ICSA-TEST-02",
        AdvisoryKind::VendorAdvisory,
        Source::Csaf,
        vec![
            stmt(
                "CVE-2024-0002",
                product("Siemens", "SIMATIC S7-1500 CPU family (incl. SIPLUS variants)", &[]),
                below("V3.0"),
                ProductStatus::Affected,
            ),
            stmt(
                "CVE-2024-0003",
                product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[]),
                VersionSpec::Unparsed { text: "All versions with web server enabled".into() },
                ProductStatus::Affected,
            ),
        ],
    );
    let v = match_asset(&plc("V2.9.2"), &[], &[adv]);
    assert_eq!(one(&v, "CVE-2024-0002").confidence, Confidence::Medium);
    let low = one(&v, "CVE-2024-0003");
    assert_eq!((low.status, low.confidence), (FindingStatus::Affected, Confidence::Low));
    assert!(low.evidence[0].containment.starts_with("unknown"), "{:?}", low.evidence[0]);
}

#[test]
fn a_vex_not_affected_statement_suppresses_but_keeps_the_justification() {
    let nvd = advisory(
        "CVE-2024-0004",
        AdvisoryKind::Cve,
        Source::Cve5,
        vec![stmt(
            "CVE-2024-0004",
            product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[]),
            VersionSpec::All,
            ProductStatus::Affected,
        )],
    );
    let mut not_affected = stmt(
        "CVE-2024-0004",
        product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &["6ES7516-3AN02-0AB0"]),
        VersionSpec::All,
        ProductStatus::NotAffected,
    );
    not_affected.justification = Some(Justification::VulnerableCodeNotInExecutePath);
    let vex = advisory("SSA-VEX-1", AdvisoryKind::Vex, Source::Csaf, vec![not_affected]);
    let v = one(&match_asset(&plc("V2.9.2"), &[], &[nvd.clone(), vex]), "CVE-2024-0004");
    assert_eq!(v.status, FindingStatus::NotAffected);
    assert_eq!(v.advisory, "SSA-VEX-1");
    let e = v.evidence.iter().find(|e| e.advisory == "SSA-VEX-1").unwrap();
    assert_eq!(e.justification.as_deref(), Some("vulnerable_code_not_in_execute_path"));
    // Evidence of the affected statement stays visible.
    assert!(v.evidence.iter().any(|e| e.advisory == "CVE-2024-0004"));
    // Without the VEX document the finding is open.
    assert_eq!(one(&match_asset(&plc("V2.9.2"), &[], &[nvd]), "CVE-2024-0004").status, FindingStatus::Affected);
}

#[test]
fn a_fixed_version_closes_and_under_investigation_stays_open() {
    let mut adv = advisory(
        "ICSA-TEST-05",
        AdvisoryKind::VendorAdvisory,
        Source::Csaf,
        vec![
            stmt(
                "CVE-2024-0005",
                product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[]),
                VersionSpec::Exact { version: "V3.1.0".into() },
                ProductStatus::Fixed,
            ),
            stmt(
                "CVE-2024-0006",
                product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[]),
                VersionSpec::All,
                ProductStatus::UnderInvestigation,
            ),
        ],
    );
    adv.remediations.push(Remediation {
        vulnerability: "CVE-2024-0005".into(),
        kind: RemediationKind::VendorFix,
        details: "Update to V3.1.0 or later version".into(),
        products: vec![product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[])],
        fixed_version: Some("V3.1.0".into()),
        url: Some("https://support.example.invalid/".into()),
        date: None,
        restart_required: Some("machine".into()),
    });
    let v = match_asset(&plc("V3.1"), &[], &[adv]);
    let fixed = one(&v, "CVE-2024-0005");
    assert_eq!(fixed.status, FindingStatus::Fixed);
    assert_eq!(fixed.fixed_version.as_deref(), Some("V3.1.0"));
    assert_eq!(fixed.remedies[0].restart_required.as_deref(), Some("machine"));
    assert_eq!(one(&v, "CVE-2024-0006").status, FindingStatus::UnderInvestigation);
}

fn config(vulnerable: &str, end_excl: &str, running_on: &str) -> Configuration {
    let m = |criteria: &str, vulnerable: bool, end: Option<&str>| CpeMatch {
        vulnerable,
        criteria: criteria.into(),
        version_start_including: None,
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: end.map(str::to_string),
        match_criteria_id: None,
    };
    Configuration {
        operator: Operator::And,
        negate: false,
        nodes: vec![
            ConfigNode {
                operator: Operator::Or,
                negate: false,
                matches: vec![m(vulnerable, true, Some(end_excl))],
                children: vec![],
            },
            ConfigNode {
                operator: Operator::Or,
                negate: false,
                matches: vec![m(running_on, false, None)],
                children: vec![],
            },
        ],
    }
}

#[test]
fn firmware_running_on_hardware_needs_both() {
    let nvd = advisory(
        "CVE-2022-0007",
        AdvisoryKind::Cve,
        Source::Nvd11,
        vec![AffectedStatement {
            vulnerability: "CVE-2022-0007".into(),
            target: Target::Configuration {
                configuration: config(
                    "cpe:2.3:o:siemens:simatic_s7-1500_cpu_1516-3_pn\\/dp_firmware:*:*:*:*:*:*:*:*",
                    "2.9.4",
                    "cpe:2.3:h:siemens:simatic_s7-1500_cpu_1516-3_pn\\/dp:-:*:*:*:*:*:*:*",
                ),
            },
            status: ProductStatus::Affected,
            justification: None,
            detail: None,
        }],
    );
    // Firmware and hardware CPEs derived from the identity: both hold → medium (derived).
    let v = one(&match_asset(&plc("V2.9.2"), &[], std::slice::from_ref(&nvd)), "CVE-2022-0007");
    assert_eq!(v.confidence, Confidence::Medium);
    assert!(!v.evidence[0].platform.is_empty(), "the running-on platform is part of the evidence");
    // The same firmware CPE on another hardware (an S7-1200): nothing.
    let other = Identity {
        vendor: Some("Siemens".into()),
        product: Some("SIMATIC S7-1200 CPU 1214C DC/DC/DC".into()),
        firmware: Some("V2.9.2".into()),
        ..Identity::default()
    };
    let fw = Component {
        kind: ComponentKind::Firmware,
        vendor: Some("Siemens".into()),
        name: "S7-1500 firmware".into(),
        version: Some("2.9.2".into()),
        cpe: Some("cpe:2.3:o:siemens:simatic_s7-1500_cpu_1516-3_pn\\/dp_firmware:2.9.2:*:*:*:*:*:*:*".into()),
        purl: None,
    };
    let on_other = match_asset(&other, std::slice::from_ref(&fw), std::slice::from_ref(&nvd));
    assert!(on_other.iter().all(|v| v.confidence == Confidence::Low), "{on_other:#?}");
    // Fixed firmware: nothing at all.
    assert!(match_asset(&plc("V2.9.4"), &[], &[nvd]).is_empty());
}

#[test]
fn purls_match_by_name_and_version_range() {
    let p = ProductName { purl: Some("pkg:pypi/django".into()), ..ProductName::default() };
    let adv = advisory(
        "GHSA-TEST",
        AdvisoryKind::Vex,
        Source::OpenVex,
        vec![stmt(
            "CVE-2024-0008",
            p,
            VersionSpec::Vers { vers: "vers:pypi/>=4.2|<4.2.11".into() },
            ProductStatus::Affected,
        )],
    );
    let host = Identity { vendor: Some("Dell".into()), product: Some("PowerEdge R650".into()), ..Identity::default() };
    let django = |v: &str| Component {
        kind: ComponentKind::Library,
        vendor: None,
        name: "Django".into(),
        version: Some(v.into()),
        cpe: None,
        purl: Some(format!("pkg:pypi/django@{v}")),
    };
    let v = one(&match_asset(&host, &[django("4.2.1")], std::slice::from_ref(&adv)), "CVE-2024-0008");
    assert_eq!((v.confidence, v.slot.as_str()), (Confidence::High, "c:django"));
    assert_eq!(v.evidence[0].comparator, "vers:pypi");
    assert!(match_asset(&host, &[django("4.2.11")], &[adv]).is_empty());
}

#[test]
fn a_device_without_a_version_is_low_for_a_ranged_statement() {
    let adv = advisory(
        "ICSA-TEST-09",
        AdvisoryKind::VendorAdvisory,
        Source::Csaf,
        vec![stmt(
            "CVE-2024-0009",
            product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[]),
            below("V3.0"),
            ProductStatus::Affected,
        )],
    );
    let mut id = plc("x");
    id.firmware = None;
    let v = one(&match_asset(&id, &[], &[adv]), "CVE-2024-0009");
    assert_eq!(v.confidence, Confidence::Low);
    assert_eq!(v.evidence[0].containment, "unknown: the asset's version is not known");
}

#[test]
fn other_vendors_and_rejected_records_never_match() {
    let mut adv = advisory(
        "CVE-2024-0010",
        AdvisoryKind::Cve,
        Source::Cve5,
        vec![stmt(
            "CVE-2024-0010",
            product("Schneider Electric", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[]),
            VersionSpec::All,
            ProductStatus::Affected,
        )],
    );
    assert!(match_asset(&plc("V2.9.2"), &[], std::slice::from_ref(&adv)).is_empty());
    adv.affected[0] = stmt(
        "CVE-2024-0010",
        product("Siemens", "SIMATIC S7-1500 CPU 1516-3 PN/DP", &[]),
        VersionSpec::All,
        ProductStatus::Affected,
    );
    adv.rejected = true;
    assert!(match_asset(&plc("V2.9.2"), &[], &[adv]).is_empty());
}
