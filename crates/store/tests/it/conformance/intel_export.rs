//! Conformance checks of [`store::Store::intel_export`]: everything stored, as stored, in one
//! deterministic order; filtered by id and alias; stopped by the visitor.

use model::advisory::*;
use store::StoreError;

use super::Harness;
use crate::fixtures::intel::*;

const AT: &str = "2025-03-01T10:00:00Z";

/// Two CVEs: everything about CVE-2022-0028 (NVD, CVE 5, an ADP container, a CSAF advisory that
/// also covers CVE-2022-9999, KEV, EPSS, SSVC) and a few records about CVE-2021-44228.
fn stored() -> Vec<IntelRecord> {
    let cve = "CVE-2022-0028";
    let other = "CVE-2021-44228";
    vec![
        rec(advisory(cve, Source::Nvd2, Some("2022-10-20T15:15:03.187"), Some("2022-10-20T15:15:03.187"))),
        rec(advisory(cve, Source::Cve5, Some("2024-08-02T01:00:00.000Z"), Some("2024-08-02T01:00:00.000Z"))),
        rec(adp(cve, "CISA-ADP", "2024-06-01T12:00:00.000Z")),
        rec(csaf("ICSA-22-228-01", "2", "2022-09-01T00:00:00Z", &[cve, "CVE-2022-9999"])),
        IntelRecord::Kev(kev(cve, Source::Kev, Some("2025.02.20"))),
        IntelRecord::Epss(epss(cve, "2025-02-20", 0.9431)),
        IntelRecord::Ssvc(ssvc(cve, Some("CISA Coordinator"), "2024-06-01T12:00:00Z", Exploitation::Active)),
        rec(advisory(other, Source::Nvd11, Some("2023-04-03T20:15:00"), None)),
        IntelRecord::Kev(kev(other, Source::Kev, Some("2025.02.20"))),
        IntelRecord::Epss(epss(other, "2025-02-20", 0.97)),
    ]
}

fn import(h: &mut dyn Harness, records: &[IntelRecord]) {
    let mut import = h.store().begin_intel_import(AT).unwrap();
    for r in records {
        import.put(r).unwrap();
    }
    import.commit().unwrap();
}

fn export(h: &mut dyn Harness, filter: Option<&[&str]>) -> Vec<IntelRecord> {
    let filter: Option<Vec<String>> = filter.map(|f| f.iter().map(|s| s.to_string()).collect());
    let mut out = Vec::new();
    let n = h
        .store()
        .intel_export(filter.as_deref(), &mut |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
    assert_eq!(n, out.len(), "the count returned is the count visited");
    out
}

/// A record's JSON: records have no order of their own, and EPSS scores are not `Eq`.
fn json(r: &IntelRecord) -> String {
    serde_json::to_string(r).unwrap()
}

fn sorted(records: &[IntelRecord]) -> Vec<String> {
    let mut v: Vec<String> = records.iter().map(json).collect();
    v.sort();
    v
}

/// `kind id` of each record, in order.
fn keys(records: &[IntelRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| match r {
            IntelRecord::Advisory(a) => format!("advisory {} {}", a.id, a.provenance.source.as_str()),
            IntelRecord::Kev(k) => format!("kev {} {}", k.cve, k.provenance.source.as_str()),
            IntelRecord::Epss(e) => format!("epss {}", e.cve),
            IntelRecord::Ssvc(s) => format!("ssvc {}", s.cve),
        })
        .collect()
}

pub fn intel_export_streams_every_record_as_stored_in_key_order(h: &mut dyn Harness) {
    assert!(export(h, None).is_empty(), "an empty store exports nothing");
    let records = stored();
    import(h, &records);
    let all = export(h, None);
    assert_eq!(sorted(&all), sorted(&records), "every record, provenance included");
    assert_eq!(
        keys(&all),
        [
            "advisory CVE-2021-44228 nvd-1.1",
            "advisory CVE-2022-0028 cve-5",
            "advisory CVE-2022-0028 cve-5-adp",
            "advisory CVE-2022-0028 nvd-2.0",
            "advisory ICSA-22-228-01 csaf",
            "kev CVE-2021-44228 kev",
            "kev CVE-2022-0028 kev",
            "epss CVE-2021-44228",
            "epss CVE-2022-0028",
            "ssvc CVE-2022-0028",
        ]
    );
    assert_eq!(all.iter().map(json).collect::<Vec<_>>(), export(h, None).iter().map(json).collect::<Vec<_>>());

    // Only the kept version of a record is exported.
    let newer =
        advisory("CVE-2022-0028", Source::Nvd2, Some("2023-01-01T00:00:00.000"), Some("2023-01-01T00:00:00.000"));
    import(h, &[rec(newer.clone())]);
    let all = export(h, None);
    assert_eq!(all.len(), records.len());
    assert!(all.iter().any(|r| json(r) == json(&rec(newer.clone()))));

    // What is exported is exactly what is stored: importing it again changes nothing.
    let mut again = h.store().begin_intel_import("2025-04-01T00:00:00Z").unwrap();
    for r in &all {
        again.put(r).unwrap();
    }
    let summary = again.commit().unwrap();
    assert_eq!(summary.advisories_unchanged + summary.signals_unchanged, all.len(), "{summary:?}");
}

pub fn intel_export_filters_by_id_and_alias(h: &mut dyn Harness) {
    import(h, &stored());
    // A CVE (any case): its records and the vendor advisory that names it.
    let one = export(h, Some(&["cve-2022-0028"]));
    assert_eq!(
        keys(&one),
        [
            "advisory CVE-2022-0028 cve-5",
            "advisory CVE-2022-0028 cve-5-adp",
            "advisory CVE-2022-0028 nvd-2.0",
            "advisory ICSA-22-228-01 csaf",
            "kev CVE-2022-0028 kev",
            "epss CVE-2022-0028",
            "ssvc CVE-2022-0028",
        ]
    );
    // An advisory id: that advisory. A CVE named only as an alias: the advisory naming it.
    assert_eq!(keys(&export(h, Some(&["ICSA-22-228-01"]))), ["advisory ICSA-22-228-01 csaf"]);
    assert_eq!(keys(&export(h, Some(&["CVE-2022-9999"]))), ["advisory ICSA-22-228-01 csaf"]);
    // Overlapping ids yield each record once; unknown and blank ids match nothing.
    let both = export(h, Some(&[" CVE-2021-44228 ", "CVE-2022-0028", "icsa-22-228-01", "CVE-2000-0001", ""]));
    assert_eq!(both.len(), stored().len());
    assert_eq!(sorted(&both), sorted(&stored()));
    assert!(export(h, Some(&[])).is_empty());
    assert!(export(h, Some(&["  ", "CVE-2000-0001"])).is_empty());
}

pub fn intel_export_stops_at_a_visitor_error(h: &mut dyn Harness) {
    import(h, &stored());
    let mut seen = 0;
    let err = h
        .store()
        .intel_export(None, &mut |_| {
            seen += 1;
            if seen == 2 { Err(StoreError::Visitor("pipe closed".into())) } else { Ok(()) }
        })
        .unwrap_err();
    assert_eq!(seen, 2);
    assert!(matches!(err, StoreError::Visitor(m) if m == "pipe closed"));
    // A visitor may read the store meanwhile.
    let store: &dyn store::Store = h.store();
    let mut looked = 0;
    let n = store
        .intel_export(Some(&["CVE-2022-0028".to_string()]), &mut |r| {
            if let IntelRecord::Kev(k) = r {
                looked += store.intel_lookup(&k.cve)?.advisories.len();
            }
            Ok(())
        })
        .unwrap();
    assert_eq!((n, looked), (7, 4));
}
