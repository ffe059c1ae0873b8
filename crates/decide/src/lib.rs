//! Decisions: SSVC with OT context, derived from data, each input with its source.
//!
//! Pure over values: the caller gathers, per finding, the intelligence signals (KEV, CISA
//! Vulnrichment SSVC points, EPSS, CVSS vectors) and the plant context (SSVC System Exposure from
//! the exposure stage with the path that makes it so, the asset's safety and mission impact), and
//! gets a [`Decision`]: the SSVC deployer priority (table as data, [`table`]), the deadline the
//! site's [`Policy`] gives it, the CISA coordinator level and BOD 26-04 timeline beside it, and a
//! deterministic narrative.
//!
//! Rules that matter (docs/decisions.md):
//! - Exploitation is **active** when the CVE is in CISA KEV or Vulnrichment says active, **public
//!   PoC** when Vulnrichment says poc, **none** only when a source says none, and **unknown** when
//!   no source says anything — never silently none. An unknown is decided as the policy says
//!   (default: as a public PoC) and the narrative says so. EPSS is shown, and may raise a flag,
//!   but is a probability, not evidence.
//! - Automatable: Vulnrichment, else a rule over the CVSS vector (network attack vector, low
//!   complexity, no privileges, no user interaction → yes).
//! - Human impact: the SSVC human-impact table over the asset's safety × mission impact; missing
//!   impacts take the policy's assumption and say so.

pub mod table;

use serde::Serialize;
use time::Date;

use model::advisory::{Exploitation, TechnicalImpact};
use model::{MissionImpact, SafetyImpact, SystemExposure};

/// The deployer's outcome (SSVC "Defer, Scheduled, Out-of-Cycle, Immediate" 1.0.0), ascending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    Defer,
    Scheduled,
    OutOfCycle,
    Immediate,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Defer, Priority::Scheduled, Priority::OutOfCycle, Priority::Immediate];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Defer => "defer",
            Priority::Scheduled => "scheduled",
            Priority::OutOfCycle => "out-of-cycle",
            Priority::Immediate => "immediate",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s.trim().to_ascii_lowercase().replace(' ', "-"))
    }
}

impl std::fmt::Display for Priority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input value with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    /// The value in the decision point's canonical spelling (`active`, `controlled`, `yes`).
    pub value: String,
    /// Where it came from: `CISA KEV (added 2022-03-25)`, `CISA Vulnrichment 2024-05-02`,
    /// `CVSS:3.1/AV:N/AC:L/PR:N/UI:N`, `exposure: reachable from vendor-remote (2 hops)`.
    pub source: String,
    /// No source said it: the value is the policy's assumption.
    pub assumed: bool,
}

impl Input {
    fn known(value: &str, source: impl Into<String>) -> Input {
        Input { value: value.to_string(), source: source.into(), assumed: false }
    }

    fn assumed(value: &str, source: impl Into<String>) -> Input {
        Input { value: value.to_string(), source: source.into(), assumed: true }
    }
}

/// What intelligence says about one vulnerability.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// CISA KEV: date added and known ransomware use.
    pub kev: Option<(String, bool)>,
    /// Vulnrichment (or another coordinator's) SSVC points: exploitation, automatable, technical
    /// impact, and the date they were stated.
    pub ssvc: Option<SsvcSignal>,
    /// EPSS: score, percentile, date.
    pub epss: Option<(f64, f64, String)>,
    /// Every published CVSS vector of the vulnerability.
    pub vectors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsvcSignal {
    pub exploitation: Option<Exploitation>,
    pub automatable: Option<bool>,
    pub technical_impact: Option<TechnicalImpact>,
    /// `CISA-ADP 2024-05-02`.
    pub source: String,
}

/// What the plant says about the asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub asset: String,
    pub system_exposure: SystemExposure,
    /// Why: `reachable from vendor-remote (vendor-remote-access) after 2 hops`, `no entry point
    /// reaches it`.
    pub exposure_reason: String,
    pub safety: Option<SafetyImpact>,
    pub mission: Option<MissionImpact>,
}

/// A site's decision policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// How an exploitation no source states is decided (`none` is not allowed: unknown is never
    /// silently none).
    pub unknown_exploitation_as: &'static str,
    /// Missing asset impacts are assumed to be these.
    pub assumed_safety: SafetyImpact,
    pub assumed_mission: MissionImpact,
    /// Days to act per priority: immediate (hours: an emergency change or a compensating
    /// control), out-of-cycle (the next opportunity), scheduled (the next maintenance window),
    /// defer (re-evaluate).
    pub immediate_days: i64,
    pub out_of_cycle_days: i64,
    pub scheduled_days: i64,
    pub defer_review_days: i64,
    /// Flag findings whose EPSS probability is at least this (a flag, not an input).
    pub epss_flag: f64,
    /// Use the BOD 26-04 day counts for the deadline instead.
    pub bod_deadlines: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            unknown_exploitation_as: "public-poc",
            assumed_safety: SafetyImpact::Marginal,
            assumed_mission: MissionImpact::MefSupportCrippled,
            immediate_days: 2,
            out_of_cycle_days: 14,
            scheduled_days: 90,
            defer_review_days: 365,
            epss_flag: 0.1,
            bod_deadlines: false,
        }
    }
}

/// The decision for one finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub finding: String,
    pub asset: String,
    pub vulnerability: String,
    /// `ssvc-deployer 1.0.0`.
    pub table: String,
    pub priority: Priority,
    /// By when to act (re-evaluate, for defer).
    pub deadline: Date,
    pub inputs: Inputs,
    /// CISA coordinator 2.0.3 level (`track`, `track*`, `attend`, `act`).
    pub cisa_level: String,
    /// BOD 26-04 timeline (`14-days`, `fix-on-system-upgrade`, …).
    pub bod_26_04: String,
    /// EPSS at or above the policy's flag.
    pub epss_flag: bool,
    pub narrative: String,
}

/// Every input of the decision, each with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inputs {
    pub exploitation: Input,
    pub system_exposure: Input,
    pub automatable: Input,
    pub safety_impact: Input,
    pub mission_impact: Input,
    pub human_impact: Input,
    pub technical_impact: Input,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epss: Option<Input>,
}

/// A CVSS metric's value in a vector (`AV` → `N`).
fn metric<'a>(vector: &'a str, name: &str) -> Option<&'a str> {
    vector.trim_start_matches('(').trim_end_matches(')').split('/').find_map(|p| {
        let (k, v) = p.split_once(':')?;
        (k == name).then_some(v)
    })
}

/// The vector the rules read: the first v3.x/v4.0 one, else any.
fn main_vector(vectors: &[String]) -> Option<&str> {
    vectors.iter().find(|v| v.starts_with("CVSS:3") || v.starts_with("CVSS:4")).or(vectors.first()).map(String::as_str)
}

/// Derives the inputs of a finding.
pub fn inputs(signals: &Signals, ctx: &Context, policy: &Policy) -> Inputs {
    let exploitation = match (&signals.kev, signals.ssvc.as_ref().and_then(|s| s.exploitation.map(|e| (e, &s.source))))
    {
        (Some((date, ransomware)), _) => Input::known(
            "active",
            format!("CISA KEV (added {date}{})", if *ransomware { ", known ransomware use" } else { "" }),
        ),
        (None, Some((Exploitation::Active, src))) => Input::known("active", src.clone()),
        (None, Some((Exploitation::Poc, src))) => Input::known("public-poc", src.clone()),
        (None, Some((Exploitation::None, src))) => Input::known("none", src.clone()),
        (None, None) => Input::assumed(
            policy.unknown_exploitation_as,
            format!(
                "no source states exploitation (not in KEV, no SSVC points): unknown, decided as {}",
                policy.unknown_exploitation_as
            ),
        ),
    };
    let vector = main_vector(&signals.vectors);
    let automatable = match (signals.ssvc.as_ref().and_then(|s| s.automatable.map(|a| (a, &s.source))), vector) {
        (Some((a, src)), _) => Input::known(if a { "yes" } else { "no" }, src.clone()),
        (None, Some(v)) => {
            let yes = metric(v, "AV") == Some("N")
                && metric(v, "AC") == Some("L")
                && matches!(metric(v, "PR").or(metric(v, "Au")), Some("N"))
                && metric(v, "UI").is_none_or(|u| u == "N");
            Input::known(if yes { "yes" } else { "no" }, format!("rule over {v}"))
        }
        (None, None) => Input::assumed("yes", "no SSVC points and no CVSS vector: assumed automatable"),
    };
    let technical_impact =
        match (signals.ssvc.as_ref().and_then(|s| s.technical_impact.map(|t| (t, &s.source))), vector) {
            (Some((t, src)), _) => {
                Input::known(if t == TechnicalImpact::Total { "total" } else { "partial" }, src.clone())
            }
            (None, Some(v)) => {
                let high = |m: &str| matches!(metric(v, m), Some("H" | "C"));
                let total = (high("C") && high("I")) || (high("VC") && high("VI"));
                Input::known(if total { "total" } else { "partial" }, format!("rule over {v}"))
            }
            (None, None) => Input::assumed("total", "no SSVC points and no CVSS vector: assumed total"),
        };
    let (safety, safety_input) = match ctx.safety {
        Some(s) => (s, Input::known(s.as_str(), format!("asset {} safety impact", ctx.asset))),
        None => (
            policy.assumed_safety,
            Input::assumed(policy.assumed_safety.as_str(), "not recorded for the asset: the policy's assumption"),
        ),
    };
    let (mission, mission_input) = match ctx.mission {
        Some(m) => (m, Input::known(m.as_str(), format!("asset {} mission impact", ctx.asset))),
        None => (
            policy.assumed_mission,
            Input::assumed(policy.assumed_mission.as_str(), "not recorded for the asset: the policy's assumption"),
        ),
    };
    let human = table::HUMAN_IMPACT.lookup(&[safety.as_str(), mission.as_str()]).unwrap_or("very-high").to_string();
    let human_impact = Input {
        value: human,
        source: format!("{} over safety {} × mission {}", table::HUMAN_IMPACT.name(), safety, mission),
        assumed: safety_input.assumed || mission_input.assumed,
    };
    let epss = signals.epss.as_ref().map(|(score, pct, date)| {
        Input::known(&format!("{score:.5}"), format!("EPSS {date}, percentile {pct:.5} (a probability, not evidence)"))
    });
    Inputs {
        exploitation,
        system_exposure: Input::known(ctx.system_exposure.as_str(), ctx.exposure_reason.clone()),
        automatable,
        safety_impact: safety_input,
        mission_impact: mission_input,
        human_impact,
        technical_impact,
        epss,
    }
}

fn mission_and_well_being(m: &str) -> &'static str {
    match m {
        "mission-failure" | "mef-failure" => "high",
        "mef-support-crippled" => "medium",
        _ => "low",
    }
}

fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(time::Duration::days(days)).unwrap_or(d)
}

/// Decides one finding.
pub fn decide(
    finding: &str,
    vulnerability: &str,
    signals: &Signals,
    ctx: &Context,
    policy: &Policy,
    today: Date,
) -> Decision {
    let i = inputs(signals, ctx, policy);
    let priority = table::DEPLOYER
        .lookup(&[&i.exploitation.value, &i.system_exposure.value, &i.automatable.value, &i.human_impact.value])
        .and_then(Priority::parse)
        .unwrap_or(Priority::Immediate);
    let coordinator_exploitation = &i.exploitation.value;
    let cisa_level = table::CISA_COORDINATOR
        .lookup(&[
            coordinator_exploitation,
            &i.automatable.value,
            &i.technical_impact.value,
            mission_and_well_being(&i.mission_impact.value),
        ])
        .unwrap_or("act")
        .to_string();
    let bod = table::BOD_26_04
        .lookup(&[
            if signals.kev.is_some() { "yes" } else { "no" },
            if ctx.system_exposure == SystemExposure::Open { "yes" } else { "no" },
            &i.automatable.value,
            &i.technical_impact.value,
        ])
        .unwrap_or("3-days")
        .to_string();
    let days = if policy.bod_deadlines {
        match bod.as_str() {
            "3-days" | "3-days-and-forensic-investigation" => 3,
            "14-days" => 14,
            "60-days" => 60,
            _ => policy.defer_review_days,
        }
    } else {
        match priority {
            Priority::Immediate => policy.immediate_days,
            Priority::OutOfCycle => policy.out_of_cycle_days,
            Priority::Scheduled => policy.scheduled_days,
            Priority::Defer => policy.defer_review_days,
        }
    };
    let deadline = add_days(today, days);
    let epss_flag = signals.epss.as_ref().is_some_and(|(s, _, _)| *s >= policy.epss_flag);
    let narrative = narrative(vulnerability, ctx, &i, priority, deadline, epss_flag);
    Decision {
        finding: finding.to_string(),
        asset: ctx.asset.clone(),
        vulnerability: vulnerability.to_string(),
        table: DEPLOYER_NAME.to_string(),
        priority,
        deadline,
        inputs: i,
        cisa_level,
        bod_26_04: bod,
        epss_flag,
        narrative,
    }
}

/// The name of the table every decision is taken with.
pub const DEPLOYER_NAME: &str = "ssvc-deployer 1.0.0";

/// One finding to decide: id, vulnerability, its signals, its asset's context.
pub type Item<'a> = (&'a str, &'a str, &'a Signals, &'a Context);

/// Decides many findings on all cores, keeping their order.
pub fn decide_all(items: &[Item<'_>], policy: &Policy, today: Date) -> Vec<Decision> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads <= 1 || items.len() < 1024 {
        return items.iter().map(|(f, v, s, c)| decide(f, v, s, c, policy, today)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().map(|(f, v, s, c)| decide(f, v, s, c, policy, today)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// A deterministic, plain-language explanation built only from the inputs.
pub fn narrative(
    vulnerability: &str,
    ctx: &Context,
    i: &Inputs,
    priority: Priority,
    deadline: Date,
    epss_flag: bool,
) -> String {
    let exploitation = match (i.exploitation.value.as_str(), i.exploitation.assumed) {
        (_, true) => {
            format!("has no known exploitation status (decided as {})", i.exploitation.value.replace('-', " "))
        }
        ("active", _) => format!("is actively exploited ({})", i.exploitation.source),
        ("public-poc", _) => format!("has a public proof of concept ({})", i.exploitation.source),
        _ => format!("has no known exploitation ({})", i.exploitation.source),
    };
    let exposure = format!("System Exposure {} ({})", i.system_exposure.value, i.system_exposure.source);
    let automatable = if i.automatable.value == "yes" { "automatable" } else { "not automatable" };
    let impact = format!(
        "human impact {} (safety {}{}, mission {}{})",
        i.human_impact.value.replace('-', " "),
        i.safety_impact.value,
        if i.safety_impact.assumed { ", assumed" } else { "" },
        i.mission_impact.value.replace('-', " "),
        if i.mission_impact.assumed { ", assumed" } else { "" }
    );
    let action = match priority {
        Priority::Immediate => format!("immediate: act by {deadline} (emergency change or compensating control)"),
        Priority::OutOfCycle => format!("out-of-cycle: at the next opportunity, by {deadline}"),
        Priority::Scheduled => format!("scheduled: in the next maintenance window, by {deadline}"),
        Priority::Defer => {
            format!("defer: re-evaluate by {deadline} or on a new KEV listing, exposure change or advisory revision")
        }
    };
    let mut s =
        format!("{vulnerability} on {} {exploitation}; {exposure}; {automatable}; {impact}: {action}.", ctx.asset);
    if epss_flag && let Some(e) = &i.epss {
        s.push_str(&format!(" EPSS {} is high ({}).", e.value, e.source));
    }
    s
}
