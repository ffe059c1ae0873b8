//! Inputs derived from data, each with its source; unknown is never silently none.

use decide::{AssetFacts, Context, Decision, Policy, Priority, Signals, SsvcSignal, VulnFacts, inputs};
use model::advisory::{Exploitation, TechnicalImpact};
use model::{MissionImpact, SafetyImpact, SystemExposure};

fn ctx(exposure: SystemExposure, safety: Option<SafetyImpact>, mission: Option<MissionImpact>) -> Context {
    Context {
        asset: "PLC-1".into(),
        site: "north".into(),
        system_exposure: exposure,
        exposure_reason: "test".into(),
        safety,
        mission,
    }
}

fn decide(f: &str, v: &str, s: &Signals, c: &Context, p: &Policy, today: time::Date) -> Decision {
    decide::decide(f, &VulnFacts::new(v, s, p), &AssetFacts::new(c, p), p, today, None)
}

fn today() -> time::Date {
    time::macros::date!(2026 - 11 - 22)
}

#[test]
fn exploitation_comes_from_kev_then_vulnrichment_and_unknown_is_never_none() {
    let c = ctx(SystemExposure::Controlled, Some(SafetyImpact::Critical), Some(MissionImpact::MefFailure));
    let p = Policy::default();
    let kev = Signals { kev: Some(("2022-03-25".into(), true)), ..Signals::default() };
    let i = inputs(&kev, &c, &p);
    assert_eq!((i.exploitation.value, i.exploitation.assumed), ("active", false));
    assert!(i.exploitation.source.contains("2022-03-25") && i.exploitation.source.contains("ransomware"));

    let ssvc = |e| Signals {
        ssvc: Some(SsvcSignal {
            exploitation: Some(e),
            automatable: Some(false),
            technical_impact: Some(TechnicalImpact::Partial),
            source: "CISA-ADP 2024-05-02".into(),
        }),
        ..Signals::default()
    };
    assert_eq!(inputs(&ssvc(Exploitation::Poc), &c, &p).exploitation.value, "public-poc");
    let none = inputs(&ssvc(Exploitation::None), &c, &p);
    assert_eq!((none.exploitation.value, none.exploitation.assumed), ("none", false));
    assert_eq!(&*none.automatable.source, "CISA-ADP 2024-05-02");

    let unknown = inputs(&Signals::default(), &c, &p);
    assert!(unknown.exploitation.assumed);
    assert_eq!(unknown.exploitation.value, "public-poc", "unknown is decided as the policy says, not as none");
    assert!(unknown.exploitation.source.contains("unknown"));
}

#[test]
fn automatable_and_technical_impact_fall_back_to_a_rule_over_cvss() {
    let c = ctx(SystemExposure::Open, None, None);
    let p = Policy::default();
    let s = |v: &str| Signals { vectors: vec![v.into()], ..Signals::default() };
    let i = inputs(&s("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), &c, &p);
    assert_eq!((i.automatable.value, i.technical_impact.value), ("yes", "total"));
    let i = inputs(&s("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N"), &c, &p);
    assert_eq!((i.automatable.value, i.technical_impact.value), ("no", "partial"));
    let i = inputs(&s("AV:N/AC:L/Au:N/C:C/I:C/A:C"), &c, &p);
    assert_eq!((i.automatable.value, i.technical_impact.value), ("yes", "total"), "CVSS v2");
    let i = inputs(&s("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), &c, &p);
    assert_eq!((i.automatable.value, i.technical_impact.value), ("yes", "total"), "CVSS v4");
    // Missing impacts are assumed and said to be.
    assert!(i.safety_impact.assumed && i.mission_impact.assumed && i.human_impact.assumed);
}

#[test]
fn a_kev_listed_open_automatable_flaw_on_a_safety_critical_line_is_immediate() {
    let c = ctx(SystemExposure::Open, Some(SafetyImpact::Critical), Some(MissionImpact::MissionFailure));
    let s = Signals {
        kev: Some(("2024-04-12".into(), false)),
        vectors: vec!["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H".into()],
        epss: Some((0.94, 0.999, "2026-11-20".into())),
        ..Signals::default()
    };
    let d = decide("PLC-1:CVE-2024-3400", "CVE-2024-3400", &s, &c, &Policy::default(), today());
    assert_eq!(d.priority, Priority::Immediate);
    assert_eq!(d.deadline, time::macros::date!(2026 - 11 - 24));
    assert_eq!(d.table, "ssvc-deployer 1.0.0");
    assert_eq!(d.cisa_level, "act");
    assert_eq!(d.bod_26_04, "3-days-and-forensic-investigation");
    assert!(d.epss_flag);
    assert!(
        d.narrative().starts_with("CVE-2024-3400 on PLC-1 is actively exploited (CISA KEV (added 2024-04-12))"),
        "{}",
        d.narrative()
    );
    assert!(d.narrative().contains("immediate: act by 2026-11-24"), "{}", d.narrative());

    // The same flaw nobody can reach, on a low-impact asset, not exploited: defer.
    let quiet = ctx(SystemExposure::Small, Some(SafetyImpact::Negligible), Some(MissionImpact::Degraded));
    let s = Signals {
        ssvc: Some(SsvcSignal {
            exploitation: Some(Exploitation::None),
            automatable: Some(false),
            technical_impact: Some(TechnicalImpact::Partial),
            source: "CISA-ADP".into(),
        }),
        ..Signals::default()
    };
    let d = decide("X:CVE-1", "CVE-1", &s, &quiet, &Policy::default(), today());
    assert_eq!(d.priority, Priority::Defer);
    assert_eq!(d.deadline, time::macros::date!(2027 - 11 - 22));
    // BOD 26-04 day counts as the deadline instead, when the site chooses them.
    let bod = Policy { bod_deadlines: true, ..Policy::default() };
    let c = ctx(SystemExposure::Open, Some(SafetyImpact::Critical), Some(MissionImpact::MissionFailure));
    let s = Signals {
        kev: Some(("2024-04-12".into(), false)),
        vectors: vec!["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into()],
        ..Signals::default()
    };
    let d = decide("PLC-1:CVE-2", "CVE-2", &s, &c, &bod, today());
    assert_eq!(d.bod_26_04, "3-days");
    assert_eq!(d.deadline, time::macros::date!(2026 - 11 - 25));
}
