//! The remediation workflow as rules over data (docs/workflow.md).
//!
//! - [`State`] and [`step`]: where a finding (or a group of findings sharing one fix) stands and the
//!   transitions a role may make, with their conditions — a VEX justification for "not affected",
//!   an approver and an expiry for an acceptance, a vendor qualification (or an approver's recorded
//!   override) before a patch is scheduled, a passed test, an operator's sign-off.
//! - [`audit`]: the hash-chained, append-only log every change is written to, and its check.
//!
//! Pure: no store, no clock (the caller passes "now"), no IO.

pub mod audit;
pub mod certification;

use serde::{Deserialize, Serialize};
use time::Date;

/// Who may do what. Ordered: each role may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Viewer,
    Engineer,
    Approver,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Engineer, Role::Approver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Engineer => "engineer",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    New,
    Triaged,
    PlannedPatch,
    Certified,
    Tested,
    Scheduled,
    Deployed,
    VerifiedSecurity,
    VerifiedOperations,
    Closed,
    Mitigated,
    Accepted,
    NotAffected,
    FalsePositive,
}

impl State {
    pub const ALL: [State; 14] = [
        State::New,
        State::Triaged,
        State::PlannedPatch,
        State::Certified,
        State::Tested,
        State::Scheduled,
        State::Deployed,
        State::VerifiedSecurity,
        State::VerifiedOperations,
        State::Closed,
        State::Mitigated,
        State::Accepted,
        State::NotAffected,
        State::FalsePositive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Triaged => "triaged",
            State::PlannedPatch => "planned-patch",
            State::Certified => "certified",
            State::Tested => "tested",
            State::Scheduled => "scheduled",
            State::Deployed => "deployed",
            State::VerifiedSecurity => "verified-security",
            State::VerifiedOperations => "verified-operations",
            State::Closed => "closed",
            State::Mitigated => "mitigated",
            State::Accepted => "accepted",
            State::NotAffected => "not-affected",
            State::FalsePositive => "false-positive",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        let s = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// A state the finding rests in until something reopens it.
    pub fn is_resolution(self) -> bool {
        matches!(self, State::Closed | State::Mitigated | State::Accepted | State::NotAffected | State::FalsePositive)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A vendor's statement on a patch for the product (the form OEMs publish qualification
/// matrices in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Qualification {
    Qualified,
    PartiallyQualified,
    NotQualified,
    NotTested,
}

impl Qualification {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualification::Qualified => "qualified",
            Qualification::PartiallyQualified => "partially-qualified",
            Qualification::NotQualified => "not-qualified",
            Qualification::NotTested => "not-tested",
        }
    }

    pub fn parse(s: &str) -> Option<Qualification> {
        let s = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        [
            Qualification::Qualified,
            Qualification::PartiallyQualified,
            Qualification::NotQualified,
            Qualification::NotTested,
        ]
        .into_iter()
        .find(|q| q.as_str() == s)
    }
}

/// The VEX justifications a "not affected" needs one of (CSAF / OpenVEX).
pub const VEX_JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// Everything recorded about a finding's (or a group's) remediation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Record {
    /// The finding id, or a group id (`G-…`) for findings sharing one fix.
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    pub state: Option<State>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification: Option<Certification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<TestRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operations_sign_off: Option<String>,
    /// Who moved it last, when (RFC 3339).
    #[serde(default)]
    pub updated_by: String,
    #[serde(default)]
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub status: Qualification,
    pub source: String,
    pub date: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestRecord {
    pub passed: bool,
    pub by: String,
    pub evidence: Option<String>,
}

/// An accepted risk: why, who approved it, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub rationale: String,
    pub approver: String,
    pub expires: Date,
}

/// A transition asked for, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Triage,
    PlanPatch,
    Mitigate {
        control: String,
    },
    Accept {
        rationale: String,
        expires: Date,
    },
    NotAffected {
        justification: String,
    },
    FalsePositive,
    Certify(Certification),
    Test(TestRecord),
    /// Into a maintenance window; `override_reason` lets an approver schedule a patch the vendor
    /// has not qualified.
    Schedule {
        window: String,
        override_reason: Option<String>,
    },
    Deploy,
    VerifySecurity,
    VerifyOperations,
    Close,
    /// Back to triaged: an acceptance expired, a control drifted, the exposure rose, a new KEV
    /// listing, a failed test.
    Reopen,
}

impl Action {
    /// The state the action leads to (a failed test goes back to planned patch).
    pub fn target(&self) -> State {
        match self {
            Action::Triage | Action::Reopen => State::Triaged,
            Action::PlanPatch => State::PlannedPatch,
            Action::Mitigate { .. } => State::Mitigated,
            Action::Accept { .. } => State::Accepted,
            Action::NotAffected { .. } => State::NotAffected,
            Action::FalsePositive => State::FalsePositive,
            Action::Certify(_) => State::Certified,
            Action::Test(t) if !t.passed => State::PlannedPatch,
            Action::Test(_) => State::Tested,
            Action::Schedule { .. } => State::Scheduled,
            Action::Deploy => State::Deployed,
            Action::VerifySecurity => State::VerifiedSecurity,
            Action::VerifyOperations => State::VerifiedOperations,
            Action::Close => State::Closed,
        }
    }

    /// The least role that may take it.
    pub fn role(&self) -> Role {
        match self {
            Action::Accept { .. } | Action::Schedule { override_reason: Some(_), .. } => Role::Approver,
            _ => Role::Engineer,
        }
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("{id}: `{action}` is not possible from `{from}`; from `{from}` the next steps are: {allowed}")]
    Transition { id: String, action: String, from: String, allowed: String },
    #[error("{id}: {who} is {role}; `{action}` needs {needed}")]
    Role { id: String, who: String, role: Role, action: String, needed: Role },
    #[error("{id}: {message}")]
    Condition { id: String, message: String },
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Triage => "triage",
        Action::PlanPatch => "plan-patch",
        Action::Mitigate { .. } => "mitigate",
        Action::Accept { .. } => "accept",
        Action::NotAffected { .. } => "not-affected",
        Action::FalsePositive => "false-positive",
        Action::Certify(_) => "certify",
        Action::Test(_) => "test",
        Action::Schedule { .. } => "schedule",
        Action::Deploy => "deploy",
        Action::VerifySecurity => "verify-security",
        Action::VerifyOperations => "verify-operations",
        Action::Close => "close",
        Action::Reopen => "reopen",
    }
}

/// The states each state may move to.
pub fn next_states(from: State) -> &'static [State] {
    use State::*;
    match from {
        New => &[Triaged, NotAffected, FalsePositive],
        Triaged => &[PlannedPatch, Mitigated, Accepted, NotAffected, FalsePositive],
        PlannedPatch => &[Certified, Mitigated, Accepted, NotAffected, Triaged],
        // A newer vendor statement may be recorded again before the patch is scheduled.
        Certified => &[Tested, Certified, PlannedPatch, Scheduled, Triaged],
        Tested => &[Scheduled, Certified, PlannedPatch, Triaged],
        Scheduled => &[Deployed, PlannedPatch, Triaged],
        Deployed => &[VerifiedSecurity, Triaged],
        VerifiedSecurity => &[VerifiedOperations, Triaged],
        VerifiedOperations => &[Closed, Triaged],
        Closed | Mitigated | Accepted | NotAffected | FalsePositive => &[Triaged],
    }
}

/// Applies an action taken by `who` (with `role`) at `now` (RFC 3339) on `today`: the new record,
/// or why not. Nothing is changed on a refusal.
pub fn step(record: &Record, action: Action, who: &str, role: Role, now: &str, today: Date) -> Result<Record, Refused> {
    let id = record.id.clone();
    let from = record.state.unwrap_or(State::New);
    let name = action_name(&action);
    let needed = action.role();
    if role < needed {
        return Err(Refused::Role { id, who: who.into(), role, action: name.into(), needed });
    }
    let to = action.target();
    if !next_states(from).contains(&to) {
        return Err(Refused::Transition {
            id,
            action: name.into(),
            from: from.as_str().into(),
            allowed: next_states(from).iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
        });
    }
    let cond = |message: String| Refused::Condition { id: id.clone(), message };
    let mut r = record.clone();
    match action {
        Action::NotAffected { justification } => {
            if !VEX_JUSTIFICATIONS.contains(&justification.as_str()) {
                return Err(cond(format!(
                    "not affected needs a VEX justification, one of: {}",
                    VEX_JUSTIFICATIONS.join(", ")
                )));
            }
            r.justification = Some(justification);
        }
        Action::Accept { rationale, expires } => {
            if rationale.trim().len() < 10 {
                return Err(cond("an acceptance needs a rationale (why the risk is tolerable)".into()));
            }
            if expires <= today {
                return Err(cond(format!("an acceptance must expire after today ({today}), not {expires}")));
            }
            r.acceptance = Some(Acceptance { rationale, approver: who.into(), expires });
        }
        Action::Mitigate { control } => {
            if control.trim().is_empty() {
                return Err(cond("mitigated needs the control that holds the line".into()));
            }
            r.control = Some(control);
        }
        Action::Certify(c) => r.certification = Some(c),
        Action::Test(t) => {
            if from != State::Certified && from != State::Tested {
                return Err(cond("a patch is tested after the vendor's certification is recorded".into()));
            }
            r.test = Some(t);
        }
        Action::Schedule { window, override_reason } => {
            let status = r.certification.as_ref().map(|c| c.status);
            let qualified = matches!(status, Some(Qualification::Qualified | Qualification::PartiallyQualified));
            match (&override_reason, qualified) {
                (_, true) => {}
                (Some(reason), false) if reason.trim().len() >= 10 => r.override_by = Some(format!("{who}: {reason}")),
                _ => {
                    return Err(cond(format!(
                        "the vendor has {} this patch: scheduling it needs an approver's override with a reason",
                        status.map_or("not stated anything about", |s| match s {
                            Qualification::NotQualified => "not qualified",
                            _ => "not tested",
                        })
                    )));
                }
            }
            if window.trim().is_empty() {
                return Err(cond("schedule into a named maintenance window".into()));
            }
            r.window = Some(window);
        }
        Action::VerifyOperations => r.operations_sign_off = Some(who.into()),
        Action::Reopen => {
            r.acceptance = None;
            r.control = None;
        }
        Action::Triage
        | Action::PlanPatch
        | Action::FalsePositive
        | Action::Deploy
        | Action::VerifySecurity
        | Action::Close => {}
    }
    r.state = Some(to);
    r.updated_by = who.into();
    r.updated_at = now.into();
    Ok(r)
}

/// Why a record at rest must be reopened on `today`, if it must: an acceptance expired.
/// (Exposure increases, KEV listings and control drift are decided with the decision history.)
pub fn lapsed(record: &Record, today: Date) -> Option<String> {
    match (&record.state, &record.acceptance) {
        (Some(State::Accepted), Some(a)) if a.expires <= today => {
            Some(format!("acceptance by {} expired on {}", a.approver, a.expires))
        }
        _ => None,
    }
}
