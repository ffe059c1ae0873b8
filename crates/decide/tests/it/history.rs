//! Deadlines that hold from day to day, site policies, and the reasons a decision changed.

use decide::history::{Prior, reasons};
use decide::{AssetFacts, Context, Policy, Priority, Signals, VulnFacts, decide};
use model::{MissionImpact, SafetyImpact, SitePolicy, SystemExposure};
use time::macros::date;

fn ctx(exposure: SystemExposure) -> Context {
    Context {
        asset: "PLC-7".into(),
        site: "north".into(),
        system_exposure: exposure,
        exposure_reason: "can be taken from vendor-vpn (vpn) after 2 hop(s)".into(),
        safety: Some(SafetyImpact::Critical),
        mission: Some(MissionImpact::MefFailure),
    }
}

fn kev() -> Signals {
    Signals {
        kev: Some(("2024-04-12".into(), false)),
        vectors: vec!["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()],
        ..Signals::default()
    }
}

#[test]
fn a_deadline_counts_from_the_day_the_priority_was_first_given() {
    let p = Policy::default();
    let (v, a) = (VulnFacts::new("CVE-1", &kev(), &p), AssetFacts::new(&ctx(SystemExposure::Open), &p));
    let first = decide("PLC-7:CVE-1", &v, &a, &p, date!(2026 - 11 - 20), None);
    assert_eq!(first.priority, Priority::Immediate);
    assert_eq!((first.since, first.deadline), (date!(2026 - 11 - 20), date!(2026 - 11 - 22)));
    // Decided again two days later with the same outcome: the deadline does not move.
    let again = decide("PLC-7:CVE-1", &v, &a, &p, date!(2026 - 11 - 22), Some((first.priority, first.since)));
    assert_eq!((again.since, again.deadline), (first.since, first.deadline));
    // A different outcome starts a new clock.
    let other = decide("PLC-7:CVE-1", &v, &a, &p, date!(2026 - 11 - 22), Some((Priority::Scheduled, first.since)));
    assert_eq!((other.since, other.deadline), (date!(2026 - 11 - 22), date!(2026 - 11 - 24)));
}

#[test]
fn a_site_policy_changes_deadlines_and_assumptions_but_unknown_never_becomes_none() {
    let site = SitePolicy {
        immediate_days: Some(1),
        scheduled_days: Some(180),
        unknown_exploitation_active: true,
        assumed_safety_impact: Some(SafetyImpact::Catastrophic),
        ..SitePolicy::default()
    };
    let p = Policy::default().for_site(&site);
    assert_eq!((p.immediate_days, p.out_of_cycle_days, p.scheduled_days), (1, 14, 180));
    let v = VulnFacts::new("CVE-2", &Signals::default(), &p);
    assert_eq!((v.exploitation.value, v.exploitation.assumed), ("active", true));
    let c = Context { safety: None, ..ctx(SystemExposure::Small) };
    let a = AssetFacts::new(&c, &p);
    assert_eq!((a.safety.value, a.safety.assumed), ("catastrophic", true));
    let bod = Policy::default().for_site(&SitePolicy { bod_26_04_deadlines: true, ..SitePolicy::default() });
    assert!(bod.bod_deadlines);
}

#[test]
fn each_change_is_recorded_with_its_reason() {
    let p = Policy::default();
    let quiet = Signals { vectors: kev().vectors, ..Signals::default() };
    let a = AssetFacts::new(&ctx(SystemExposure::Controlled), &p);
    let before = decide("PLC-7:CVE-1", &VulnFacts::new("CVE-1", &quiet, &p), &a, &p, date!(2026 - 11 - 01), None);
    fn prior(d: &decide::Decision) -> Prior<'_> {
        Prior {
            priority: d.priority,
            inputs: d.inputs.named().map(|(n, i)| (n, i.value, &*i.source)).collect(),
            deadline: d.deadline,
        }
    }
    assert_eq!(reasons(None, &before), vec![format!("new finding, decided {}", before.priority)]);
    // Nothing changed: nothing to record.
    let same = decide(
        "PLC-7:CVE-1",
        &VulnFacts::new("CVE-1", &quiet, &p),
        &a,
        &p,
        date!(2026 - 11 - 02),
        Some((before.priority, before.since)),
    );
    assert!(reasons(Some(&prior(&before)), &same).is_empty());
    // The CVE enters KEV.
    let listed = decide("PLC-7:CVE-1", &VulnFacts::new("CVE-1", &kev(), &p), &a, &p, date!(2026 - 11 - 03), None);
    let r = reasons(Some(&prior(&before)), &listed);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].starts_with("new KEV entry: exploitation public-poc → active (CISA KEV (added 2024-04-12))"), "{r:?}");
    // The conduit closes: exposure change.
    let closed = AssetFacts::new(
        &Context { exposure_reason: "no entry point reaches it".into(), ..ctx(SystemExposure::Small) },
        &p,
    );
    let small = decide("PLC-7:CVE-1", &VulnFacts::new("CVE-1", &kev(), &p), &closed, &p, date!(2026 - 11 - 04), None);
    let r = reasons(Some(&prior(&listed)), &small);
    assert_eq!(r, vec!["exposure change: controlled → small (no entry point reaches it)".to_string()]);
    assert!(small.priority <= listed.priority);
}

#[test]
fn a_control_applied_and_then_expired_is_named_in_the_history() {
    let p = Policy::default();
    let v = VulnFacts::new("CVE-1", &kev(), &p);
    let open = AssetFacts::new(&ctx(SystemExposure::Open), &p);
    let neutralised = AssetFacts::new(
        &Context {
            exposure_reason: "neutralised by control CC-1 (service-disabled, owner OT team, until 2026-12-01)".into(),
            ..ctx(SystemExposure::Small)
        },
        &p,
    );
    let day = date!(2026 - 11 - 22);
    let a = decide("PLC-7:CVE-1", &v, &open, &p, day, None);
    let b = decide("PLC-7:CVE-1", &v, &neutralised, &p, day, None);
    fn prior(d: &decide::Decision) -> Prior<'_> {
        Prior {
            priority: d.priority,
            inputs: d.inputs.named().map(|(n, i)| (n, i.value, &*i.source)).collect(),
            deadline: d.deadline,
        }
    }
    let applied = reasons(Some(&prior(&a)), &b);
    assert!(
        applied[0].starts_with("control applied: exposure open → small (neutralised by control CC-1"),
        "{applied:?}"
    );
    let lapsed = reasons(Some(&prior(&b)), &a);
    assert!(
        lapsed[0].starts_with(
            "control no longer applies (expired, removed or drifted; it said: neutralised by control CC-1"
        ),
        "{lapsed:?}"
    );
    assert!(b.priority < a.priority);
}
