//! Deciding many findings: `cargo run --release -p decide --example decide-bench -- 1000000`.
//! Inputs cycle through every combination of the signals that matter (KEV, Vulnrichment points
//! or none, CVSS vectors, System Exposure, safety and mission impact, EPSS), so every table row is
//! used; the time is `decide_all` (every decision with its inputs, sources and narrative) on all
//! cores.

use std::time::Instant;

use decide::{Context, Policy, Signals, SsvcSignal, decide};

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
    // Warm the tables.
    let _ = decide("w", "CVE-0", &signals[0], &contexts[0], &policy, today);
    let items: Vec<decide::Item<'_>> =
        (0..n).map(|k| ("A:CVE-2024-0001", "CVE-2024-0001", &signals[k % 48], &contexts[(k / 48) % 48])).collect();
    let started = Instant::now();
    let decided = decide::decide_all(&items, &policy, today);
    let secs = started.elapsed().as_secs_f64();
    let immediate = decided.iter().filter(|d| d.priority == decide::Priority::Immediate).count();
    println!("{n} decisions in {secs:.3} s ({:.0} per second); {immediate} immediate", n as f64 / secs);
}
