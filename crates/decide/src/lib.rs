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

pub mod history;
pub mod run;
pub mod table;

use std::sync::Arc;

use serde::{Serialize, Serializer};
use time::Date;

use model::advisory::{Exploitation, TechnicalImpact};
use model::{MissionImpact, SafetyImpact, SitePolicy, SystemExposure};

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
        // The tables' own spelling without allocating; anything else normalised.
        Priority::ALL.into_iter().find(|p| p.as_str() == s).or_else(|| {
            let s = s.trim().to_ascii_lowercase().replace(' ', "-");
            Priority::ALL.into_iter().find(|p| p.as_str() == s)
        })
    }
}

impl std::fmt::Display for Priority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Shared text: a source stated once per vulnerability or asset and referenced by every decision
/// that uses it (a million decisions do not format a million sources).
pub type Text = Arc<str>;

fn text<S: Serializer>(t: &Text, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t)
}

/// An input value with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    /// The value in the decision point's canonical spelling (`active`, `controlled`, `yes`).
    pub value: &'static str,
    /// Where it came from: `CISA KEV (added 2022-03-25)`, `CISA-ADP 2024-05-02`,
    /// `rule over CVSS:3.1/AV:N/AC:L/PR:N/UI:N/…`, `can be taken from vendor-remote … after 2 hop(s)`.
    #[serde(serialize_with = "text")]
    pub source: Text,
    /// No source said it: the value is the policy's assumption.
    pub assumed: bool,
}

impl Input {
    fn known(value: &'static str, source: impl Into<Text>) -> Input {
        Input { value, source: source.into(), assumed: false }
    }

    fn assumed(value: &'static str, source: impl Into<Text>) -> Input {
        Input { value, source: source.into(), assumed: true }
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
    /// The asset's site (`top --site`).
    pub site: String,
    pub system_exposure: SystemExposure,
    /// Why: `can be taken from vendor-remote (vendor-remote-access) after 2 hop(s)`, `no entry
    /// point reaches it`.
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
    /// Days to act per priority, counted from the day the finding got that priority: immediate
    /// (hours: an emergency change or a compensating control), out-of-cycle (the next
    /// opportunity), scheduled (the next maintenance window), defer (re-evaluate).
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

impl Policy {
    /// Days to act on a priority (or on a BOD 26-04 timeline, when the site chose those).
    pub fn days(&self, priority: Priority, bod_26_04: &str) -> i64 {
        if self.bod_deadlines {
            return match bod_26_04 {
                "3-days" | "3-days-and-forensic-investigation" => 3,
                "14-days" => 14,
                "60-days" => 60,
                _ => self.defer_review_days,
            };
        }
        match priority {
            Priority::Immediate => self.immediate_days,
            Priority::OutOfCycle => self.out_of_cycle_days,
            Priority::Scheduled => self.scheduled_days,
            Priority::Defer => self.defer_review_days,
        }
    }

    /// This policy with a site's settings over it.
    pub fn for_site(&self, site: &SitePolicy) -> Policy {
        let days = |d: Option<u16>, default: i64| d.map_or(default, i64::from);
        Policy {
            unknown_exploitation_as: if site.unknown_exploitation_active {
                "active"
            } else {
                self.unknown_exploitation_as
            },
            assumed_safety: site.assumed_safety_impact.unwrap_or(self.assumed_safety),
            assumed_mission: site.assumed_mission_impact.unwrap_or(self.assumed_mission),
            immediate_days: days(site.immediate_days, self.immediate_days),
            out_of_cycle_days: days(site.out_of_cycle_days, self.out_of_cycle_days),
            scheduled_days: days(site.scheduled_days, self.scheduled_days),
            defer_review_days: days(site.defer_review_days, self.defer_review_days),
            epss_flag: self.epss_flag,
            bod_deadlines: self.bod_deadlines || site.bod_26_04_deadlines,
        }
    }
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

impl Inputs {
    /// Every input by name, in a fixed order (the history compares these).
    pub fn named(&self) -> impl Iterator<Item = (&'static str, &Input)> {
        [
            ("exploitation", Some(&self.exploitation)),
            ("system-exposure", Some(&self.system_exposure)),
            ("automatable", Some(&self.automatable)),
            ("safety-impact", Some(&self.safety_impact)),
            ("mission-impact", Some(&self.mission_impact)),
            ("human-impact", Some(&self.human_impact)),
            ("technical-impact", Some(&self.technical_impact)),
            ("epss", self.epss.as_ref()),
        ]
        .into_iter()
        .filter_map(|(n, i)| Some((n, i?)))
    }
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

/// The inputs that come from what intelligence says about a vulnerability, derived once and
/// shared by every finding of it.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnFacts {
    pub vulnerability: Text,
    pub kev: bool,
    pub exploitation: Input,
    pub automatable: Input,
    pub technical_impact: Input,
    pub epss: Option<Input>,
    pub epss_score: Option<f64>,
}

impl VulnFacts {
    pub fn new(vulnerability: &str, signals: &Signals, policy: &Policy) -> VulnFacts {
        let ssvc = signals.ssvc.as_ref();
        let exploitation = match (&signals.kev, ssvc.and_then(|s| s.exploitation.map(|e| (e, &s.source)))) {
            (Some((date, ransomware)), _) => Input::known(
                "active",
                format!("CISA KEV (added {date}{})", if *ransomware { ", known ransomware use" } else { "" }),
            ),
            (None, Some((Exploitation::Active, src))) => Input::known("active", src.as_str()),
            (None, Some((Exploitation::Poc, src))) => Input::known("public-poc", src.as_str()),
            (None, Some((Exploitation::None, src))) => Input::known("none", src.as_str()),
            (None, None) => Input::assumed(
                policy.unknown_exploitation_as,
                format!(
                    "no source states exploitation (not in KEV, no SSVC points): unknown, decided as {}",
                    policy.unknown_exploitation_as
                ),
            ),
        };
        let vector = main_vector(&signals.vectors);
        let rule: Option<Text> = vector.map(|v| format!("rule over {v}").into());
        let automatable = match (ssvc.and_then(|s| s.automatable.map(|a| (a, &s.source))), vector, &rule) {
            (Some((a, src)), _, _) => Input::known(if a { "yes" } else { "no" }, src.as_str()),
            (None, Some(v), Some(rule)) => {
                let yes = metric(v, "AV") == Some("N")
                    && metric(v, "AC") == Some("L")
                    && matches!(metric(v, "PR").or(metric(v, "Au")), Some("N"))
                    && metric(v, "UI").is_none_or(|u| u == "N");
                Input::known(if yes { "yes" } else { "no" }, rule.clone())
            }
            _ => Input::assumed("yes", "no SSVC points and no CVSS vector: assumed automatable"),
        };
        let technical_impact = match (ssvc.and_then(|s| s.technical_impact.map(|t| (t, &s.source))), vector, &rule) {
            (Some((t, src)), _, _) => {
                Input::known(if t == TechnicalImpact::Total { "total" } else { "partial" }, src.as_str())
            }
            (None, Some(v), Some(rule)) => {
                let high = |m: &str| matches!(metric(v, m), Some("H" | "C"));
                let total = (high("C") && high("I")) || (high("VC") && high("VI"));
                Input::known(if total { "total" } else { "partial" }, rule.clone())
            }
            _ => Input::assumed("total", "no SSVC points and no CVSS vector: assumed total"),
        };
        let epss = signals.epss.as_ref().map(|(score, pct, date)| Input {
            value: "probability",
            source: format!("EPSS {score:.5} on {date}, percentile {pct:.5} (a probability, not evidence)").into(),
            assumed: false,
        });
        VulnFacts {
            vulnerability: vulnerability.into(),
            kev: signals.kev.is_some(),
            exploitation,
            automatable,
            technical_impact,
            epss,
            epss_score: signals.epss.as_ref().map(|e| e.0),
        }
    }
}

/// The inputs that come from the plant about one asset, derived once and shared by its findings.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetFacts {
    pub asset: Text,
    pub site: Text,
    pub system_exposure: SystemExposure,
    pub exposure: Input,
    pub safety: Input,
    pub mission: Input,
    pub human: Input,
}

impl AssetFacts {
    pub fn new(ctx: &Context, policy: &Policy) -> AssetFacts {
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
        let human = Input {
            value: table::HUMAN_IMPACT.lookup(&[safety.as_str(), mission.as_str()]).unwrap_or("very-high"),
            source: format!("{} over safety {} × mission {}", table::HUMAN_IMPACT.name(), safety, mission).into(),
            assumed: safety_input.assumed || mission_input.assumed,
        };
        AssetFacts {
            asset: ctx.asset.as_str().into(),
            site: ctx.site.as_str().into(),
            system_exposure: ctx.system_exposure,
            exposure: Input::known(ctx.system_exposure.as_str(), ctx.exposure_reason.as_str()),
            safety: safety_input,
            mission: mission_input,
            human,
        }
    }
}

/// Derives the inputs of a finding.
pub fn inputs(signals: &Signals, ctx: &Context, policy: &Policy) -> Inputs {
    combine(&VulnFacts::new("", signals, policy), &AssetFacts::new(ctx, policy))
}

fn combine(v: &VulnFacts, a: &AssetFacts) -> Inputs {
    Inputs {
        exploitation: v.exploitation.clone(),
        system_exposure: a.exposure.clone(),
        automatable: v.automatable.clone(),
        safety_impact: a.safety.clone(),
        mission_impact: a.mission.clone(),
        human_impact: a.human.clone(),
        technical_impact: v.technical_impact.clone(),
        epss: v.epss.clone(),
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

/// The decision for one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub finding: String,
    pub asset: Text,
    pub site: Text,
    pub vulnerability: Text,
    /// `ssvc-deployer 1.0.0`.
    pub table: &'static str,
    pub priority: Priority,
    /// The day the finding got this priority: the deadline counts from it, so deciding again
    /// tomorrow does not move it.
    pub since: Date,
    /// By when to act (re-evaluate, for defer).
    pub deadline: Date,
    pub inputs: Inputs,
    /// CISA coordinator 2.0.3 level (`track`, `track*`, `attend`, `act`).
    pub cisa_level: &'static str,
    /// BOD 26-04 timeline (`14-days`, `fix-on-system-upgrade`, …).
    pub bod_26_04: &'static str,
    /// The CVE is in CISA KEV.
    pub kev: bool,
    /// The EPSS probability, when published.
    pub epss: Option<f64>,
    /// EPSS at or above the policy's flag.
    pub epss_flag: bool,
    /// The fastest risk reduction, when it was worked out (the short list): a sentence.
    pub advice: Option<String>,
}

impl Decision {
    /// The deterministic, plain-language explanation (rendered when shown, not when decided).
    pub fn narrative(&self) -> String {
        narrative(self)
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            finding: &'a str,
            asset: &'a str,
            site: &'a str,
            vulnerability: &'a str,
            table: &'a str,
            decision: Priority,
            since: Date,
            deadline: Date,
            inputs: &'a Inputs,
            cisa_level: &'a str,
            bod_26_04: &'a str,
            kev: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            epss: Option<f64>,
            epss_flag: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            advice: Option<&'a str>,
            narrative: String,
        }
        View {
            finding: &self.finding,
            asset: &self.asset,
            site: &self.site,
            vulnerability: &self.vulnerability,
            table: self.table,
            decision: self.priority,
            since: self.since,
            deadline: self.deadline,
            inputs: &self.inputs,
            cisa_level: self.cisa_level,
            bod_26_04: self.bod_26_04,
            kev: self.kev,
            epss: self.epss,
            epss_flag: self.epss_flag,
            advice: self.advice.as_deref(),
            narrative: self.narrative(),
        }
        .serialize(s)
    }
}

/// The name of the table every decision is taken with.
pub const DEPLOYER_NAME: &str = "ssvc-deployer 1.0.0";

/// Decides one finding from the facts of its vulnerability and asset. `since`: the day the
/// finding got its current priority, when it has one and keeps it (else today); `prior` is that
/// priority. No formatting happens here: sources are shared, the narrative is rendered on demand.
pub fn decide(
    finding: &str,
    v: &VulnFacts,
    a: &AssetFacts,
    policy: &Policy,
    today: Date,
    prior: Option<(Priority, Date)>,
) -> Decision {
    let i = combine(v, a);
    let priority = table::DEPLOYER
        .lookup(&[i.exploitation.value, i.system_exposure.value, i.automatable.value, i.human_impact.value])
        .and_then(Priority::parse)
        .unwrap_or(Priority::Immediate);
    let cisa_level = table::CISA_COORDINATOR
        .lookup(&[
            i.exploitation.value,
            i.automatable.value,
            i.technical_impact.value,
            mission_and_well_being(i.mission_impact.value),
        ])
        .unwrap_or("act");
    let bod_26_04 = table::BOD_26_04
        .lookup(&[
            if v.kev { "yes" } else { "no" },
            if a.system_exposure == SystemExposure::Open { "yes" } else { "no" },
            i.automatable.value,
            i.technical_impact.value,
        ])
        .unwrap_or("3-days");
    let since = match prior {
        Some((p, since)) if p == priority && since <= today => since,
        _ => today,
    };
    let deadline = add_days(since, policy.days(priority, bod_26_04));
    Decision {
        finding: finding.to_string(),
        asset: a.asset.clone(),
        site: a.site.clone(),
        vulnerability: v.vulnerability.clone(),
        table: DEPLOYER_NAME,
        priority,
        since,
        deadline,
        inputs: i,
        cisa_level,
        bod_26_04,
        kev: v.kev,
        epss: v.epss_score,
        epss_flag: v.epss_score.is_some_and(|s| s >= policy.epss_flag),
        advice: None,
    }
}

/// One finding to decide: its id, the facts of its vulnerability and asset, and its prior
/// priority with the day it got it.
pub type Item<'a> = (&'a str, &'a VulnFacts, &'a AssetFacts, Option<(Priority, Date)>);

/// Decides many findings on all cores, keeping their order.
pub fn decide_all(items: &[Item<'_>], policy: &Policy, today: Date) -> Vec<Decision> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let one = |(f, v, a, prior): &Item<'_>| decide(f, v, a, policy, today, *prior);
    if threads <= 1 || items.len() < 4096 {
        return items.iter().map(one).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>())).collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(v) => out.extend(v),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Sorts most urgent first: outcome, then known active exploitation, System Exposure, human
/// impact, the BOD 26-04 timeline, EPSS and the earlier deadline (one packed key per decision);
/// equal keys keep their order (the store's: asset, then vulnerability).
pub fn sort_by_urgency(decisions: &mut Vec<Decision>) {
    // Sort small (key, index) pairs, not the decisions themselves, then move each once.
    let mut order: Vec<(u64, usize)> = decisions.iter().enumerate().map(|(i, d)| (d.urgency_key(), i)).collect();
    order.sort_by_key(|&(k, _)| std::cmp::Reverse(k));
    let mut slots: Vec<Option<Decision>> = decisions.drain(..).map(Some).collect();
    decisions.extend(order.into_iter().filter_map(|(_, i)| slots[i].take()));
}

impl Decision {
    /// The sort key of [`sort_by_urgency`] packed in one integer (larger: more urgent).
    pub fn urgency_key(&self) -> u64 {
        let i = &self.inputs;
        let rank = |point: &str, v: &str| table::rank(point, v).unwrap_or(0) as u64;
        let active = u64::from(i.exploitation.value == "active" && !i.exploitation.assumed);
        let epss = (self.epss.unwrap_or(0.0).clamp(0.0, 1.0) * 65535.0) as u64;
        let days_left = u64::from(u32::MAX) - u64::from(self.deadline.to_julian_day().max(0) as u32);
        (self.priority as u64) << 61
            | active << 60
            | rank("system-exposure", i.system_exposure.value) << 57
            | rank("human-impact", i.human_impact.value) << 54
            | rank("timeline", self.bod_26_04) << 50
            | epss << 32
            | days_left
    }
}

/// A deterministic, plain-language explanation built only from the decision's data.
pub fn narrative(d: &Decision) -> String {
    let i = &d.inputs;
    let exploitation = match (i.exploitation.value, i.exploitation.assumed) {
        (_, true) => {
            format!("has no known exploitation status (decided as {})", i.exploitation.value.replace('-', " "))
        }
        ("active", _) => format!("is actively exploited ({})", i.exploitation.source),
        ("public-poc", _) => format!("has a public proof of concept ({})", i.exploitation.source),
        _ => format!("has no known exploitation ({})", i.exploitation.source),
    };
    let exposure = match i.system_exposure.value {
        "open" => format!("exposed to the Internet: {}", i.system_exposure.source),
        "controlled" => i.system_exposure.source.to_string(),
        _ => format!("not reachable ({})", i.system_exposure.source),
    };
    let automatable = if i.automatable.value == "yes" { "automatable" } else { "not automatable" };
    let impact = format!(
        "human impact {} (safety impact {}{}, mission impact {}{})",
        i.human_impact.value.replace('-', " "),
        i.safety_impact.value,
        if i.safety_impact.assumed { ", assumed" } else { "" },
        i.mission_impact.value.replace('-', " "),
        if i.mission_impact.assumed { ", assumed" } else { "" }
    );
    let deadline = d.deadline;
    let action = match d.priority {
        Priority::Immediate => format!("immediate: act by {deadline} (emergency change or compensating control)"),
        Priority::OutOfCycle => format!("out-of-cycle: at the next opportunity, by {deadline}"),
        Priority::Scheduled => format!("scheduled: in the next maintenance window, by {deadline}"),
        Priority::Defer => {
            format!("defer: re-evaluate by {deadline} or on a new KEV listing, exposure change or advisory revision")
        }
    };
    let mut s =
        format!("{} on {} {exploitation}; {exposure}; {automatable}; {impact}: {action}.", d.vulnerability, d.asset);
    if d.epss_flag
        && let Some(e) = &i.epss
    {
        s.push_str(&format!(" High EPSS ({}).", e.source));
    }
    if let Some(advice) = &d.advice {
        s.push(' ');
        s.push_str(advice);
    }
    s
}
