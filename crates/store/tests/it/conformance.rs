//! The backend-independent conformance suite: every [`Store`] backend must pass it.
//!
//! A backend instantiates it with [`store_conformance_suite!`], passing an expression that builds a
//! fresh, empty [`Harness`]. Each check is a plain function over `&mut dyn Harness`.
//!
//! Decided here: the import log records every import, including one that changed nothing.
//!
//! The intelligence checks are in [`intel`].

use model::*;
use store::{AssetFilter, Store, StoreError};

use crate::fixtures::*;

mod intel;
mod intel_export;
pub use intel::*;
pub use intel_export::*;

/// What the suite needs from a backend: the store, and a full logical dump of its content to
/// prove that a refused call changed nothing.
pub trait Harness {
    fn store(&mut self) -> &mut dyn Store;
    fn dump(&self) -> String;
}

/// Instantiates every conformance check as a `#[test]` for the harness `$make` builds.
#[macro_export]
macro_rules! store_conformance_suite {
    ($make:expr) => {
        $crate::store_conformance_suite!(@tests $make;
            empty_store_is_empty,
            import_into_empty,
            reimport_identical_changes_nothing_but_is_logged,
            edited_reimport_reports_exact_changes,
            preview_writes_nothing,
            csv_assets_survive_plant_reimport,
            upsert_assets_adds_and_updates,
            upsert_with_unknown_zone_writes_nothing,
            zone_removal_with_csv_assets_is_refused,
            invalid_plants_are_refused_and_change_nothing,
            filters,
            visitor_error_stops_the_listing,
            visitors_may_read_the_store,
            zone_changes_show_in_summaries,
            asset_counts_by_zone,
            dependents_and_redundancy_peers,
            intel_empty_store_knows_nothing,
            intel_import_then_identical_reimport_is_unchanged,
            intel_newer_revision_replaces_older_is_kept,
            intel_adp_containers_of_one_cve_stay_apart,
            intel_kev_json_and_csv_are_one_entry,
            intel_epss_newer_date_replaces,
            intel_ssvc_newer_timestamp_replaces,
            intel_dropped_import_changes_nothing,
            intel_files_are_remembered_by_digest,
            intel_lookup_finds_advisories_by_id_and_alias,
            intel_status_counts_per_source_and_kind,
            intel_export_streams_every_record_as_stored_in_key_order,
            intel_export_filters_by_id_and_alias,
            intel_export_stops_at_a_visitor_error,
            intel_quality_lists_advisories_with_warnings,
            intel_quality_follows_the_stored_version,
            flows_are_stored_once_and_reimport_changes_nothing,
            replace_conduits_rewrites_rules_and_refuses_unknown_or_moved_conduits,
            decisions_are_kept_replaced_removed_and_their_history_appended,
            controls_are_kept_replaced_removed_and_bad_ones_refused,
            workflow_records_and_users_are_written_with_their_audit_entry,
        );
    };
    (@tests $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let mut harness = $make;
                $crate::conformance::$name(&mut harness);
            }
        )*
    };
}

fn describe(v: &[Change]) -> Vec<String> {
    v.iter().map(|c| format!("{} {}", c.kind.as_str(), c.id)).collect()
}

/// The ids a filter lists, checking the returned count against the visits.
fn list(store: &mut dyn Store, filter: &AssetFilter) -> Vec<String> {
    let mut ids = Vec::new();
    let n = store
        .asset_summaries(filter, &mut |s| {
            ids.push(s.id);
            Ok(())
        })
        .unwrap();
    assert_eq!(n, ids.len());
    ids
}

fn summaries(store: &mut dyn Store) -> Vec<AssetSummary> {
    let mut out = Vec::new();
    store
        .asset_summaries(&AssetFilter::default(), &mut |s| {
            out.push(s);
            Ok(())
        })
        .unwrap();
    out
}

/// The dump without the import log's rows.
fn without_imports(dump: &str) -> String {
    without_tables(dump, &["imports"])
}

/// The dump without the rows of some tables.
fn without_tables(dump: &str, tables: &[&str]) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in dump.lines() {
        if line.starts_with("table ") {
            skipping = tables.iter().any(|t| line.starts_with(&format!("table {t} (")));
        }
        if !skipping || line.starts_with("table ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn refusal(e: StoreError) -> String {
    match e {
        StoreError::Refused(m) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn import(h: &mut dyn Harness, p: &Plant) -> PlantDiff {
    h.store().import_plant(p, &source("plant-file")).unwrap()
}

pub fn empty_store_is_empty(h: &mut dyn Harness) {
    let s = h.store();
    assert_eq!(s.plant().unwrap(), Plant::default());
    assert!(s.imports().unwrap().is_empty());
    assert!(list(s, &AssetFilter::default()).is_empty());
    assert!(s.asset_counts_by_zone().unwrap().is_empty());
    assert_eq!(s.asset("PLC-1").unwrap(), None);
    assert_eq!(s.preview_plant(&small_plant()).unwrap().added.len(), record_count(&small_plant()));
}

pub fn import_into_empty(h: &mut dyn Harness) {
    let p = small_plant();
    let diff = import(h, &p);
    assert_eq!(diff.added.len(), record_count(&p));
    assert!(diff.changed.is_empty() && diff.removed.is_empty());
    assert_eq!(diff.unchanged, 0);

    let s = h.store();
    let want = sorted(p.clone());
    assert_eq!(s.plant().unwrap(), want);
    assert_eq!(s.sites().unwrap(), want.sites);
    assert_eq!(s.zones().unwrap(), want.zones);
    assert_eq!(s.conduits().unwrap(), want.conduits);
    assert_eq!(s.entry_points().unwrap(), want.entry_points);
    for a in &p.assets {
        assert_eq!(s.asset(&a.id).unwrap().as_ref(), Some(a));
    }
    assert_eq!(s.asset("plc-1").unwrap(), None, "ids are case-sensitive");

    let log = s.imports().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].source, source("plant-file"));
    assert_eq!((log[0].added, log[0].changed, log[0].removed), (record_count(&p), 0, 0));
}

pub fn reimport_identical_changes_nothing_but_is_logged(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let before = h.dump();
    let diff = import(h, &p);
    assert!(diff.is_empty(), "{diff:?}");
    assert_eq!(diff.unchanged, record_count(&p));
    assert_eq!(without_imports(&h.dump()), without_imports(&before));

    let log = h.store().imports().unwrap();
    assert_eq!(log.len(), 2, "every import is logged, even an empty one");
    assert!(log[0].id > log[1].id, "newest first");
    assert_eq!((log[0].added, log[0].changed, log[0].removed), (0, 0, 0));
}

/// `small_plant` with one of each kind of change.
fn edited(p: &Plant) -> Plant {
    let mut p = p.clone();
    p.sites.iter_mut().filter(|s| s.id == "north").for_each(|s| s.name = "North works (new)".into());
    p.zones.push(zone("cell3", "south", Purdue::L1, &["10.30.3.0/24"]));
    p.conduits.retain(|c| c.id != "dmz-cell1");
    p.entry_points.iter_mut().for_each(|e| {
        if let Some(Attachment::Vpn { mfa, .. }) = e.attachments.first_mut() {
            *mfa = false;
        }
    });
    p.assets.retain(|a| a.id != "EWS-1");
    for a in p.assets.iter_mut().filter(|a| a.id == "PLC-2") {
        a.ips = vec!["10.10.1.13".parse().unwrap()];
    }
    p.assets.push(asset("PLC-3", "cell3", AssetKind::Plc, "Siemens", "S7-1200", &["10.30.3.2"]));
    p
}

pub fn edited_reimport_reports_exact_changes(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let p2 = edited(&p);
    let diff = import(h, &p2);
    assert_eq!(describe(&diff.added), ["zone cell3", "asset PLC-3"]);
    assert_eq!(describe(&diff.changed), ["site north", "entry point vendor-vpn", "asset PLC-2"]);
    assert_eq!(describe(&diff.removed), ["conduit dmz-cell1", "asset EWS-1"]);
    assert_eq!(diff.unchanged, record_count(&p) - 5);

    let s = h.store();
    assert_eq!(s.plant().unwrap(), sorted(p2.clone()));
    assert_eq!(s.asset("EWS-1").unwrap(), None);
    let plc2 = summaries(s).into_iter().find(|a| a.id == "PLC-2").unwrap();
    assert_eq!(plc2.ips, ["10.10.1.13"]);
    let log = s.imports().unwrap();
    assert_eq!((log[0].added, log[0].changed, log[0].removed), (2, 3, 2));

    // And back again: the reverse edit is the mirror image.
    let back = import(h, &p);
    assert_eq!(describe(&back.added), ["conduit dmz-cell1", "asset EWS-1"]);
    assert_eq!(describe(&back.removed), ["zone cell3", "asset PLC-3"]);
    assert_eq!(h.store().plant().unwrap(), sorted(p));
}

pub fn preview_writes_nothing(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let p2 = edited(&p);
    let before = h.dump();
    let preview = h.store().preview_plant(&p2).unwrap();
    assert_eq!(h.dump(), before);
    assert_eq!(import(h, &p2), preview);
}

pub fn csv_assets_survive_plant_reimport(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let csv = csv_asset("CSV-9", "cell1");
    h.store().upsert_assets(std::slice::from_ref(&csv), &source("asset-csv")).unwrap();

    let diff = import(h, &p);
    assert!(diff.is_empty(), "a plant import keeps assets from other sources: {diff:?}");
    assert_eq!(h.store().asset("CSV-9").unwrap(), Some(csv.clone()));

    let mut fewer = p.clone();
    fewer.assets.retain(|a| a.id != "PLC-1");
    let diff = import(h, &fewer);
    assert_eq!(describe(&diff.removed), ["asset PLC-1"]);
    assert_eq!(h.store().asset("CSV-9").unwrap(), Some(csv));

    // A plant that names the CSV asset takes it over.
    let mut named = fewer.clone();
    named.assets.push(asset("CSV-9", "cell1", AssetKind::Plc, "Moxa", "NPort 5150", &[]));
    let diff = import(h, &named);
    assert_eq!(describe(&diff.changed), ["asset CSV-9"]);
    assert_eq!(h.store().asset("CSV-9").unwrap().unwrap().origin, Origin::PlantFile);
}

pub fn upsert_assets_adds_and_updates(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let mut plc1 = p.assets.iter().find(|a| a.id == "PLC-1").unwrap().clone();
    plc1.identity.firmware = Some("3.0".into());
    plc1.ips.push("10.10.1.20".parse().unwrap());
    plc1.components.push(component("web server", "2.1", None));
    let csv = csv_asset("CSV-1", "cell2");

    let diff = h.store().upsert_assets(&[plc1.clone(), csv.clone()], &source("asset-csv")).unwrap();
    assert_eq!(describe(&diff.added), ["asset CSV-1"]);
    assert_eq!(describe(&diff.changed), ["asset PLC-1"]);
    assert!(diff.removed.is_empty());
    assert_eq!(diff.unchanged, 0);

    let s = h.store();
    assert_eq!(s.asset("PLC-1").unwrap(), Some(plc1.clone()));
    assert_eq!(s.asset("CSV-1").unwrap(), Some(csv.clone()));
    assert_eq!(s.plant().unwrap().assets.len(), p.assets.len() + 1);
    let summary = summaries(s).into_iter().find(|a| a.id == "PLC-1").unwrap();
    assert_eq!(summary.firmware.as_deref(), Some("3.0"));
    assert_eq!(summary.ips, ["10.10.1.10", "10.10.1.20"]);

    let again = s.upsert_assets(&[plc1, csv], &source("asset-csv")).unwrap();
    assert!(again.is_empty());
    assert_eq!(again.unchanged, 2);
    let log = s.imports().unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].source.kind, "asset-csv");
    assert_eq!((log[1].added, log[1].changed, log[1].removed), (1, 1, 0));
}

pub fn upsert_with_unknown_zone_writes_nothing(h: &mut dyn Harness) {
    import(h, &small_plant());
    let before = h.dump();
    let good = csv_asset("CSV-1", "cell1");
    let bad = csv_asset("CSV-2", "nowhere");
    let msg = refusal(h.store().upsert_assets(&[good, bad], &source("asset-csv")).unwrap_err());
    assert!(msg.contains("CSV-2") && msg.contains("nowhere"), "{msg}");
    assert_eq!(h.dump(), before);

    let dup = refusal(
        h.store()
            .upsert_assets(&[csv_asset("CSV-1", "cell1"), csv_asset("CSV-1", "cell2")], &source("asset-csv"))
            .unwrap_err(),
    );
    assert!(dup.contains("CSV-1"), "{dup}");
    assert_eq!(h.dump(), before);
}

pub fn zone_removal_with_csv_assets_is_refused(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    h.store().upsert_assets(&[csv_asset("CSV-7", "cell2")], &source("asset-csv")).unwrap();
    let before = h.dump();

    let mut without_cell2 = p.clone();
    without_cell2.zones.retain(|z| z.id != "cell2");
    without_cell2.assets.retain(|a| a.zone != "cell2");
    // Everything else changes too, so a partial write would show.
    without_cell2.sites.iter_mut().for_each(|s| s.name.push_str(" (renamed)"));

    let preview = refusal(h.store().preview_plant(&without_cell2).unwrap_err());
    let msg = refusal(h.store().import_plant(&without_cell2, &source("plant-file")).unwrap_err());
    assert_eq!(preview, msg);
    assert!(msg.contains("zone `cell2`") && msg.contains("CSV-7"), "{msg}");
    assert_eq!(h.dump(), before, "a refused import changes nothing, the log included");
}

pub fn invalid_plants_are_refused_and_change_nothing(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let before = h.dump();

    let mut bad_asset = p.clone();
    bad_asset.assets[0].zone = "nowhere".into();
    let mut bad_conduit = p.clone();
    bad_conduit.conduits[0].zones[1] = "nowhere".into();
    let mut bad_zone = p.clone();
    bad_zone.zones[0].site = "nowhere".into();
    let mut removed_site = p.clone();
    removed_site.sites.retain(|s| s.id != "south");
    let mut duplicate = p.clone();
    duplicate.assets.push(duplicate.assets[0].clone());

    for (plant, expect) in [
        (bad_asset, "asset `PLC-2` refers to unknown zone `nowhere`"),
        (bad_conduit, "conduit `ent-dmz` refers to unknown zone `nowhere`"),
        (bad_zone, "zone `ent` refers to unknown site `nowhere`"),
        (removed_site, "site `south` would be removed, but zone `cell2` still refers to it"),
        (duplicate, "two asset records have the id `PLC-2`"),
    ] {
        let msg = refusal(h.store().import_plant(&plant, &source("plant-file")).unwrap_err());
        assert!(msg.contains(expect), "{msg}");
        assert!(msg.contains("nothing was changed"), "{msg}");
        assert_eq!(h.dump(), before);
    }
}

pub fn filters(h: &mut dyn Harness) {
    import(h, &small_plant());
    let s = h.store();
    let f = |site: Option<&str>, zone: Option<&str>, kind: Option<AssetKind>, text: Option<&str>| AssetFilter {
        site: site.map(Into::into),
        zone: zone.map(Into::into),
        kind,
        text: text.map(Into::into),
    };
    let all = ["EWS-1", "FW-1", "HIST-1", "HMI-1", "PLC-1", "PLC-2", "RTU_50%"];
    assert_eq!(list(s, &AssetFilter::default()), all);
    assert_eq!(list(s, &f(Some(""), Some(""), None, Some(" "))), all, "empty fields do not filter");
    assert_eq!(list(s, &f(Some("south"), None, None, None)), ["HMI-1", "RTU_50%"]);
    assert_eq!(list(s, &f(None, Some("cell1"), None, None)), ["PLC-1", "PLC-2"]);
    assert_eq!(list(s, &f(None, None, Some(AssetKind::Historian), None)), ["HIST-1"]);
    assert_eq!(list(s, &f(Some("north"), None, Some(AssetKind::Plc), None)), ["PLC-1", "PLC-2"]);
    assert_eq!(list(s, &f(Some("south"), Some("cell1"), None, None)), Vec::<String>::new());
    assert_eq!(list(s, &f(None, Some("nowhere"), None, None)), Vec::<String>::new());
    // Text: case-insensitive over id, name, vendor, product, model and addresses.
    assert_eq!(list(s, &f(None, None, None, Some("siemens"))), ["HMI-1", "PLC-1"]);
    assert_eq!(list(s, &f(None, None, None, Some("plc-"))), ["PLC-1", "PLC-2"]);
    assert_eq!(list(s, &f(None, None, None, Some("pi server"))), ["HIST-1"]);
    assert_eq!(list(s, &f(None, None, None, Some("1756-l83"))), ["PLC-2"]);
    assert_eq!(list(s, &f(None, None, None, Some("forti"))), ["FW-1"]);
    assert_eq!(list(s, &f(None, None, None, Some("10.10.1.1"))), ["PLC-1", "PLC-2"]);
    assert_eq!(list(s, &f(None, None, None, Some("10.10.1.12"))), ["PLC-2"]);
    // LIKE wildcards in the text are literal.
    assert_eq!(list(s, &f(None, None, None, Some("_50%"))), ["RTU_50%"]);
    assert_eq!(list(s, &f(None, None, None, Some("%"))), ["RTU_50%"]);
    assert_eq!(list(s, &f(None, None, None, Some("\\"))), Vec::<String>::new());
    // A filtered listing still carries every address of the assets it lists.
    let mut seen = Vec::new();
    s.asset_summaries(&f(None, None, None, Some("10.10.1.12")), &mut |a| {
        seen.push(a);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen[0].ips, ["10.10.1.11", "10.10.1.12"]);

    let plc1 = summaries(s).into_iter().find(|a| a.id == "PLC-1").unwrap();
    assert_eq!(
        plc1,
        AssetSummary {
            id: "PLC-1".into(),
            name: "S7-1500 PLC-1".into(),
            site: "north".into(),
            zone: "cell1".into(),
            purdue: Purdue::L1,
            kind: AssetKind::Plc,
            vendor: Some("Siemens".into()),
            product: Some("S7-1500".into()),
            model: Some("6ES7 516-3AN02-0AB0".into()),
            firmware: Some("1.0".into()),
            ips: vec!["10.10.1.10".into()],
            owner: Some("controls".into()),
            mission_impact: Some(MissionImpact::MefFailure),
            safety_impact: Some(SafetyImpact::Critical),
        }
    );
    let ews = summaries(s).into_iter().find(|a| a.id == "EWS-1").unwrap();
    assert!(ews.ips.is_empty());
    assert_eq!(ews.purdue, Purdue::L4);
}

pub fn visitor_error_stops_the_listing(h: &mut dyn Harness) {
    import(h, &small_plant());
    let mut seen = 0;
    let err = h
        .store()
        .asset_summaries(&AssetFilter::default(), &mut |_| {
            seen += 1;
            if seen == 2 { Err(StoreError::Visitor("closed pipe".into())) } else { Ok(()) }
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Visitor(m) if m == "closed pipe"));
    assert_eq!(seen, 2);
    // The store is still usable afterwards.
    assert_eq!(list(h.store(), &AssetFilter::default()).len(), 7);
}

pub fn visitors_may_read_the_store(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let s: &dyn Store = h.store();
    let mut full = Vec::new();
    s.asset_summaries(&AssetFilter::default(), &mut |a| {
        let asset = s.asset(&a.id)?.ok_or_else(|| StoreError::Visitor(format!("{} vanished", a.id)))?;
        assert_eq!(s.plant()?.assets.len(), p.assets.len());
        full.push(asset);
        Ok(())
    })
    .unwrap();
    assert_eq!(full, sorted(p).assets);
}

pub fn zone_changes_show_in_summaries(h: &mut dyn Harness) {
    let mut p = small_plant();
    import(h, &p);
    for z in p.zones.iter_mut().filter(|z| z.id == "cell1") {
        z.purdue = Purdue::L2;
        z.site = "south".into();
    }
    let diff = import(h, &p);
    assert_eq!(describe(&diff.changed), ["zone cell1"]);
    let plc1 = summaries(h.store()).into_iter().find(|a| a.id == "PLC-1").unwrap();
    assert_eq!((plc1.site.as_str(), plc1.purdue), ("south", Purdue::L2));
    let south = AssetFilter { site: Some("south".into()), ..AssetFilter::default() };
    assert_eq!(list(h.store(), &south), ["HMI-1", "PLC-1", "PLC-2", "RTU_50%"]);
}

pub fn asset_counts_by_zone(h: &mut dyn Harness) {
    let mut p = small_plant();
    p.zones.push(zone("empty", "north", Purdue::L3, &[]));
    import(h, &p);
    let counts = h.store().asset_counts_by_zone().unwrap();
    let want = [("cell1", 2), ("cell2", 2), ("dmz", 2), ("empty", 0), ("ent", 1)];
    assert_eq!(counts, want.map(|(z, n)| (z.to_string(), n)));
}

pub fn dependents_and_redundancy_peers(h: &mut dyn Harness) {
    let mut p = small_plant();
    for a in &mut p.assets {
        match a.id.as_str() {
            "PLC-1" | "PLC-2" => a.redundancy_group = Some("cell1-pair".into()),
            "RTU_50%" => a.depends_on = vec!["PLC-1".into(), "HMI-1".into()],
            _ => {}
        }
    }
    import(h, &p);
    let s = h.store();
    assert_eq!(s.dependents("PLC-1").unwrap(), ["HMI-1", "RTU_50%"]);
    assert_eq!(s.dependents("HMI-1").unwrap(), ["RTU_50%"]);
    assert!(s.dependents("NO-SUCH").unwrap().is_empty());
    assert_eq!(s.redundancy_peers("cell1-pair").unwrap(), ["PLC-1", "PLC-2"]);
    assert!(s.redundancy_peers("none").unwrap().is_empty());

    // Both follow re-imports: the group is dissolved and the dependency dropped.
    for a in &mut p.assets {
        a.redundancy_group = None;
        if a.id == "RTU_50%" {
            a.depends_on.clear();
        }
    }
    import(h, &p);
    let s = h.store();
    assert!(s.redundancy_peers("cell1-pair").unwrap().is_empty());
    assert_eq!(s.dependents("PLC-1").unwrap(), ["HMI-1"]);
}

fn flow(src: &str, dst: &str, port: u16, count: u64) -> model::Flow {
    model::Flow {
        src: src.parse().unwrap(),
        dst: dst.parse().unwrap(),
        protocol: model::Protocol::Tcp,
        port,
        first_seen: Some("2024-05-01T08:00:00Z".into()),
        last_seen: None,
        count,
        source: "conn.log".into(),
    }
}

pub fn flows_are_stored_once_and_reimport_changes_nothing(h: &mut dyn Harness) {
    let flows = vec![flow("10.0.0.1", "10.0.1.5", 502, 3), flow("10.0.0.1", "10.0.1.5", 102, 1)];
    let s = h.store();
    assert_eq!(s.import_flows(&flows, &source("flows")).unwrap(), 2);
    assert_eq!(s.import_flows(&flows, &source("flows")).unwrap(), 0, "same file again: nothing changes");
    let mut stored = s.flows().unwrap();
    assert_eq!(stored.len(), 2);
    stored.sort_by_key(|f| f.port);
    assert_eq!(stored[0].port, 102);
    assert_eq!(stored[1], flows[0]);
    // A newer count for the same flow from the same file replaces the row.
    assert_eq!(s.import_flows(&[flow("10.0.0.1", "10.0.1.5", 502, 9)], &source("flows")).unwrap(), 1);
    assert!(s.flows().unwrap().iter().any(|f| f.port == 502 && f.count == 9));
    assert_eq!(s.flows().unwrap().len(), 2);
}

pub fn replace_conduits_rewrites_rules_and_refuses_unknown_or_moved_conduits(h: &mut dyn Harness) {
    let p = small_plant();
    import(h, &p);
    let before = h.dump();
    let mut c = p.conduits[0].clone();
    let mut rule = c.rules[0].clone();
    rule.id = "L12".into();
    rule.source = Some(model::RuleSource { file: "fw.rules".into(), line: 12, text: "-A FORWARD -j ACCEPT".into() });
    c.rules = vec![rule];
    let s = h.store();
    let diff = s.replace_conduits(std::slice::from_ref(&c), &source("firewall")).unwrap();
    assert_eq!(describe(&diff.changed), [format!("conduit {}", c.id)]);
    let stored = s.conduits().unwrap().into_iter().find(|x| x.id == c.id).unwrap();
    assert_eq!(stored, c, "the rules and their source lines are stored");
    // The same rules again change nothing.
    assert!(s.replace_conduits(std::slice::from_ref(&c), &source("firewall")).unwrap().changed.is_empty());

    let after = h.dump();
    let mut unknown = c.clone();
    unknown.id = "nope".into();
    let e = refusal(h.store().replace_conduits(&[c.clone(), unknown], &source("firewall")).unwrap_err());
    assert!(e.contains("`nope`"), "{e}");
    let mut moved = c.clone();
    moved.zones.swap(0, 1);
    moved.zones[0] = p.zones.iter().find(|z| !c.zones.contains(&z.id)).unwrap().id.clone();
    let e = refusal(h.store().replace_conduits(&[moved], &source("firewall")).unwrap_err());
    assert!(e.contains("cannot move it"), "{e}");
    assert_eq!(h.dump(), after, "refused imports change nothing");
    assert_ne!(before, after);
}

fn decision(finding: &str, priority: &str, since: model::Date) -> store::StoredDecision {
    let (asset, vulnerability) = finding.split_once(':').unwrap();
    store::StoredDecision {
        finding: finding.into(),
        asset: asset.into(),
        site: "north".into(),
        vulnerability: vulnerability.into(),
        table: "ssvc-deployer 1.0.0".into(),
        priority: priority.into(),
        since,
        deadline: since + time::Duration::days(2),
        inputs: vec![store::StoredInput {
            name: "exploitation".into(),
            value: "active".into(),
            source: "CISA KEV (added 2024-02-09)".into(),
            assumed: false,
        }],
        cisa_level: "act".into(),
        bod_26_04: "3-days".into(),
        decided_at: "2026-11-20T08:00:00Z".into(),
    }
}

fn change(finding: &str, before: Option<&str>, after: Option<&str>, reason: &str) -> store::DecisionChange {
    let (asset, vulnerability) = finding.split_once(':').unwrap();
    store::DecisionChange {
        finding: finding.into(),
        asset: asset.into(),
        vulnerability: vulnerability.into(),
        at: "2026-11-20T08:00:00Z".into(),
        before: before.map(String::from),
        after: after.map(String::from),
        deadline: None,
        reasons: vec![reason.into()],
    }
}

pub fn decisions_are_kept_replaced_removed_and_their_history_appended(h: &mut dyn Harness) {
    let day = time::macros::date!(2026 - 11 - 20);
    let s = h.store();
    assert!(s.stored_decisions().unwrap().is_empty());
    assert!(s.decision_history(None, 0).unwrap().is_empty());
    let a = decision("PLC-1:CVE-2024-0001", "immediate", day);
    let b = decision("HMI-1:CVE-2024-0002", "scheduled", day);
    s.save_decisions(
        &[a.clone(), b.clone()],
        &[],
        &[
            change(&a.finding, None, Some("immediate"), "new finding"),
            change(&b.finding, None, Some("scheduled"), "new finding"),
        ],
    )
    .unwrap();
    assert_eq!(s.stored_decisions().unwrap(), vec![b.clone(), a.clone()], "by finding id, every field kept");
    // A changed decision replaces its row; a closed one leaves; the history only grows.
    let a2 = store::StoredDecision { priority: "out-of-cycle".into(), ..a.clone() };
    s.save_decisions(
        std::slice::from_ref(&a2),
        std::slice::from_ref(&b.finding),
        &[
            change(&a.finding, Some("immediate"), Some("out-of-cycle"), "exposure change: open → controlled"),
            change(&b.finding, Some("scheduled"), None, "finding closed or no longer matched"),
        ],
    )
    .unwrap();
    assert_eq!(s.stored_decisions().unwrap(), vec![a2]);
    let all = s.decision_history(None, 0).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].finding, b.finding, "newest first");
    assert_eq!(all[0].after, None);
    let one = s.decision_history(Some(&a.finding), 0).unwrap();
    assert_eq!(one.len(), 2);
    assert_eq!(one[0].reasons, ["exposure change: open → controlled"]);
    assert_eq!(s.decision_history(None, 1).unwrap().len(), 1);
}

fn who(action: &str) -> store::AuditWho {
    store::AuditWho {
        actor: "alice".into(),
        action: action.into(),
        at: "2026-11-22T10:00:00Z".into(),
        reason: "test".into(),
    }
}

pub fn controls_are_kept_replaced_removed_and_bad_ones_refused(h: &mut dyn Harness) {
    let c = model::Control {
        id: "CC-1".into(),
        kind: model::ControlKind::ServiceDisabled,
        owner: "OT team".into(),
        assets: vec!["PLC-1".into()],
        zones: vec![],
        vulnerabilities: vec!["CVE-2024-0001".into()],
        changes: vec![],
        evidence: Some("CHG-1".into()),
        verified_on: Some(time::macros::date!(2026 - 11 - 01)),
        reverify_days: Some(30),
        expires: Some(time::macros::date!(2027 - 01 - 01)),
        description: None,
    };
    let s = h.store();
    assert!(s.controls().unwrap().is_empty());
    let e1 = s.record_audited(&store::Audited::Control { control: c.clone() }, &who("control.add")).unwrap();
    let c2 = model::Control { owner: "Site security".into(), ..c.clone() };
    let e2 = s.record_audited(&store::Audited::Control { control: c2.clone() }, &who("control.add")).unwrap();
    assert_eq!((e1.seq, e2.seq, e2.prev.as_str()), (1, 2, e1.hash.as_str()), "chained");
    assert_eq!(s.controls().unwrap(), vec![c2]);
    let before = h.dump();
    let bad = model::Control { kind: model::ControlKind::Monitoring, ..c.clone() };
    assert!(
        matches!(h.store().record_audited(&store::Audited::Control { control: bad }, &who("control.add")), Err(StoreError::Refused(m)) if m.contains("monitoring"))
    );
    let gone = store::Audited::RemoveControl { id: "CC-9".into() };
    assert!(matches!(h.store().record_audited(&gone, &who("control.remove")), Err(StoreError::Refused(_))));
    assert_eq!(h.dump(), before, "a refused change writes neither the change nor an audit entry");
    let s = h.store();
    s.record_audited(&store::Audited::RemoveControl { id: "CC-1".into() }, &who("control.remove")).unwrap();
    assert!(s.controls().unwrap().is_empty());
    let log = s.audit_log(None).unwrap();
    assert_eq!(log.len(), 3);
    assert!(workflow::audit::verify(&log, None).ok());
    assert_eq!(s.audit_log(Some("control:CC-1")).unwrap().len(), 3);
}

pub fn workflow_records_and_users_are_written_with_their_audit_entry(h: &mut dyn Harness) {
    let s = h.store();
    let user = store::User {
        name: "alice".into(),
        role: workflow::Role::Admin,
        password: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        created_at: "2026-11-22T10:00:00Z".into(),
    };
    s.record_audited(&store::Audited::User { user: user.clone() }, &who("user.add")).unwrap();
    assert_eq!(s.users().unwrap(), vec![user]);
    let log = s.audit_log(None).unwrap();
    assert!(!log[0].detail.contains("argon2"), "no password hash in the audit trail: {}", log[0].detail);
    let r = workflow::Record {
        id: "PLC-1:CVE-2024-0001".into(),
        state: Some(workflow::State::Triaged),
        updated_by: "alice".into(),
        updated_at: "2026-11-22T10:00:00Z".into(),
        ..workflow::Record::default()
    };
    s.record_audited(&store::Audited::Workflow { record: r.clone() }, &who("workflow.triage")).unwrap();
    assert_eq!(s.workflow_records().unwrap(), vec![r]);
    assert_eq!(s.audit_log(Some("PLC-1:CVE-2024-0001")).unwrap()[0].action, "workflow.triage");
}
