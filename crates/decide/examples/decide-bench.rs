//! Deciding many findings: `cargo run --release -p decide --example decide-bench -- 1000000`.
//! Inputs cycle through every combination of the signals that matter (KEV, Vulnrichment points
//! or none, CVSS vectors, System Exposure, safety and mission impact, EPSS), so every table row is
//! used. Timed separately: `decide_all` (every decision with its priority, deadline, CISA level,
//! BOD 26-04 timeline and inputs with their sources) on all cores; sorting most urgent first; and
//! rendering every narrative (which the commands do only for what they show).

use std::time::Instant;

use decide::{AssetFacts, Context, Policy, Signals, SsvcSignal, VulnFacts};

use model::advisory::{Exploitation, TechnicalImpact};
use model::{MissionImpact, SafetyImpact, SystemExposure};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let vectors = [
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    ];
    let signals: Vec<Signals> = (0..48)
        .map(|i| Signals {
            kev: (i % 3 == 0).then(|| ("2024-02-09".to_string(), i % 6 == 0)),
            ssvc: (i % 4 != 0).then(|| SsvcSignal {
                exploitation: [None, Some(Exploitation::None), Some(Exploitation::Poc), Some(Exploitation::Active)]
                    [i % 4],
                automatable: [None, Some(true), Some(false)][i % 3],
                technical_impact: [Some(TechnicalImpact::Partial), Some(TechnicalImpact::Total), None][i % 3],
                source: "CISA-ADP 2024-05-02".to_string(),
            }),
            epss: (i % 2 == 0).then(|| (0.02 * (i % 50) as f64, 0.5, "2026-11-20".to_string())),
            vectors: vec![vectors[i % 4].to_string()],
        })
        .collect();
    let contexts: Vec<Context> = (0..48)
        .map(|i| Context {
            asset: format!("A{i:06}"),
            site: "north".to_string(),
            system_exposure: [SystemExposure::Small, SystemExposure::Controlled, SystemExposure::Open][i % 3],
            exposure_reason: "reachable from vendor-remote (vendor-remote-access) after 2 hop(s)".to_string(),
            safety: [
                None,
                Some(SafetyImpact::Negligible),
                Some(SafetyImpact::Marginal),
                Some(SafetyImpact::Critical),
                Some(SafetyImpact::Catastrophic),
            ][i % 5],
            mission: [
                None,
                Some(MissionImpact::Degraded),
                Some(MissionImpact::MefSupportCrippled),
                Some(MissionImpact::MefFailure),
                Some(MissionImpact::MissionFailure),
            ][(i / 5) % 5],
        })
        .collect();
    let policy = Policy::default();
    let today = time::OffsetDateTime::now_utc().date();
    let vulns: Vec<VulnFacts> =
        signals.iter().enumerate().map(|(i, s)| VulnFacts::new(&format!("CVE-2024-{i:04}"), s, &policy)).collect();
    let assets: Vec<AssetFacts> = contexts.iter().map(|c| AssetFacts::new(c, &policy)).collect();
    let ids: Vec<String> = (0..n).map(|k| format!("A{:06}:CVE-2024-{:04}", k / 48, k % 48)).collect();
    let items: Vec<decide::Item<'_>> =
        (0..n).map(|k| (ids[k].as_str(), &vulns[k % 48], &assets[(k / 48) % 48], None)).collect();
    // Warm the tables.
    let _ = decide::decide_all(&items[..1], &policy, today);
    let started = Instant::now();
    let mut decided = decide::decide_all(&items, &policy, today);
    let secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    decide::sort_by_urgency(&mut decided);
    let sort = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let bytes: usize = decided.iter().map(|d| d.narrative().len()).sum();
    let narratives = started.elapsed().as_secs_f64();
    let immediate = decided.iter().filter(|d| d.priority == decide::Priority::Immediate).count();
    println!(
        "{n} decisions in {secs:.3} s ({:.0} per second); {immediate} immediate; sorted most urgent first in {sort:.3} s; \
         every narrative rendered in {narratives:.3} s ({} MB)",
        n as f64 / secs,
        bytes / 1_000_000
    );
}
