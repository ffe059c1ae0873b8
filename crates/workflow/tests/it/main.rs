//! The workflow's rules and the audit trail's check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::macros::date;
use workflow::audit::{self, Entry, What};
use workflow::{Action, Certification, Qualification, Record, Refused, Role, State, TestRecord, step};

const NOW: &str = "2026-11-22T10:00:00Z";

fn rec() -> Record {
    Record { id: "PLC-1:CVE-2024-0001".into(), ..Record::default() }
}

fn go(r: &Record, a: Action, role: Role) -> Result<Record, Refused> {
    step(r, a, "alice", role, NOW, date!(2026 - 11 - 22))
}

#[test]
fn a_patch_goes_through_certification_test_window_and_both_verifications() {
    let mut r = rec();
    for (a, s) in [
        (Action::Triage, State::Triaged),
        (Action::PlanPatch, State::PlannedPatch),
        (
            Action::Certify(Certification {
                status: Qualification::Qualified,
                source: "Siemens SIMATIC compatibility list".into(),
                date: Some(date!(2026 - 11 - 01)),
            }),
            State::Certified,
        ),
        (
            Action::Test(TestRecord { passed: true, by: "bob".into(), evidence: Some("test rig T-2".into()) }),
            State::Tested,
        ),
        (Action::Schedule { window: "MW-2026-12-05".into(), override_reason: None }, State::Scheduled),
        (Action::Deploy, State::Deployed),
        (Action::VerifySecurity, State::VerifiedSecurity),
        (Action::VerifyOperations, State::VerifiedOperations),
        (Action::Close, State::Closed),
    ] {
        r = go(&r, a, Role::Engineer).unwrap();
        assert_eq!(r.state, Some(s));
    }
    assert_eq!(r.operations_sign_off.as_deref(), Some("alice"));
    assert_eq!(r.window.as_deref(), Some("MW-2026-12-05"));
}

#[test]
fn invalid_transitions_and_missing_conditions_are_refused_and_change_nothing() {
    let r = go(&rec(), Action::Triage, Role::Engineer).unwrap();
    // Deploy before anything was planned.
    let e = go(&r, Action::Deploy, Role::Admin).unwrap_err();
    assert!(matches!(e, Refused::Transition { .. }), "{e}");
    assert!(e.to_string().contains("planned-patch"), "names the next steps: {e}");
    // Not affected without a VEX justification.
    let e = go(&r, Action::NotAffected { justification: "trust me".into() }, Role::Engineer).unwrap_err();
    assert!(e.to_string().contains("vulnerable_code_not_present"), "{e}");
    assert!(go(&r, Action::NotAffected { justification: "component_not_present".into() }, Role::Engineer).is_ok());
    // A viewer changes nothing; an engineer cannot accept.
    assert!(matches!(go(&r, Action::PlanPatch, Role::Viewer), Err(Refused::Role { .. })));
    let accept = Action::Accept {
        rationale: "isolated test bench, no production traffic".into(),
        expires: date!(2027 - 03 - 01),
    };
    assert!(matches!(go(&r, accept.clone(), Role::Engineer), Err(Refused::Role { needed: Role::Approver, .. })));
    let a = go(&r, accept, Role::Approver).unwrap();
    assert_eq!(a.acceptance.as_ref().unwrap().approver, "alice");
    // An acceptance must expire and have a reason.
    let e = go(&r, Action::Accept { rationale: "because".into(), expires: date!(2027 - 03 - 01) }, Role::Approver)
        .unwrap_err();
    assert!(e.to_string().contains("rationale"), "{e}");
    let e = go(
        &r,
        Action::Accept { rationale: "long enough reason here".into(), expires: date!(2026 - 11 - 22) },
        Role::Approver,
    )
    .unwrap_err();
    assert!(e.to_string().contains("expire after today"), "{e}");
    // It lapses on its expiry.
    assert!(workflow::lapsed(&a, date!(2027 - 02 - 28)).is_none());
    assert!(workflow::lapsed(&a, date!(2027 - 03 - 01)).unwrap().contains("expired"));
}

#[test]
fn a_patch_the_vendor_has_not_qualified_needs_an_approvers_recorded_override() {
    let mut r = rec();
    for a in [Action::Triage, Action::PlanPatch] {
        r = go(&r, a, Role::Engineer).unwrap();
    }
    r = go(
        &r,
        Action::Certify(Certification {
            status: Qualification::NotQualified,
            source: "vendor matrix".into(),
            date: None,
        }),
        Role::Engineer,
    )
    .unwrap();
    let plain = Action::Schedule { window: "MW-1".into(), override_reason: None };
    let e = go(&r, plain, Role::Approver).unwrap_err();
    assert!(e.to_string().contains("not qualified") && e.to_string().contains("override"), "{e}");
    let over = Action::Schedule {
        window: "MW-1".into(),
        override_reason: Some("exploited in the wild; vendor silent".into()),
    };
    assert!(matches!(go(&r, over.clone(), Role::Engineer), Err(Refused::Role { needed: Role::Approver, .. })));
    let s = go(&r, over, Role::Approver).unwrap();
    assert_eq!(s.state, Some(State::Scheduled));
    assert!(s.override_by.unwrap().starts_with("alice: exploited"));
    // A failed test sends the patch back to planning.
    let t =
        go(&r, Action::Test(TestRecord { passed: false, by: "bob".into(), evidence: None }), Role::Engineer).unwrap();
    assert_eq!(t.state, Some(State::PlannedPatch));
}

fn trail(n: usize) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for i in 0..n {
        let detail = format!("{{\"state\":\"triaged\",\"n\":{i}}}");
        let object = format!("PLC-{i}:CVE-2024-0001");
        let w = What {
            at: NOW,
            actor: "alice",
            action: "workflow.triage",
            object: &object,
            reason: "weekly review",
            detail: &detail,
        };
        let e = audit::next(out.last(), &w);
        out.push(e);
    }
    out
}

#[test]
fn the_audit_trail_detects_an_edit_a_deletion_an_insertion_and_a_cut() {
    let t = trail(5);
    let v = audit::verify(&t, None);
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!((v.entries, v.head.as_str()), (5, t[4].hash.as_str()));
    // An edit: the actor changed.
    let mut edited = t.clone();
    edited[2].actor = "mallory".into();
    let v = audit::verify(&edited, None);
    assert!(v.problems.iter().any(|p| p.starts_with("entry 3: its content does not match")), "{:?}", v.problems);
    // A deletion in the middle.
    let mut cut = t.clone();
    cut.remove(1);
    let v = audit::verify(&cut, None);
    assert!(!v.ok() && v.problems[0].starts_with("entry 3: expected sequence number 2"), "{:?}", v.problems);
    // An edit that also rehashes the entry breaks the link of the next one.
    let mut forged = t.clone();
    forged[1].reason = "nothing to see".into();
    forged[1].hash = audit::hash_of(&forged[1]);
    let v = audit::verify(&forged, None);
    assert!(v.problems.iter().any(|p| p.starts_with("entry 3: does not link")), "{:?}", v.problems);
    // Entries cut off the end: only a head written down earlier shows it.
    let head = t[4].hash.clone();
    assert!(audit::verify(&t[..3], None).ok());
    assert!(!audit::verify(&t[..3], Some(&head)).ok());
    assert!(audit::verify(&t, Some(&head)).ok());
}
