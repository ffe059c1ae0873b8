//! Benchmark of the exposure analysis on a synthetic network (`demo::synthetic_network`):
//! full analysis and one what-if, timed over several runs, peak RSS, and optionally the explicit
//! graph and our per-entry-point totals for `bench/exposure-networkx.py` to recompute.
//!
//! `cargo run --release -p exposure --example exposure-bench -- --assets 10000 --zones 300 --rules 20000`

use std::time::Instant;

use exposure::whatif::{Change, run};
use exposure::{Analysis, AttackVector, Exploit};

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn text_arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        .map_or(0.0, |kib| kib / 1024.0)
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (assets, zones, rules) =
        (arg(&args, "--assets", 10_000), arg(&args, "--zones", 300), arg(&args, "--rules", 20_000));
    let runs = arg(&args, "--runs", 5).max(1);
    let seed = arg(&args, "--seed", 1) as u64;
    let plant = demo::synthetic_network(assets, zones, rules, seed);
    // A third of the assets have a network-exploitable finding, one in twenty an adjacent one.
    let exploits: Vec<Exploit> = plant
        .assets
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let vector = match i % 20 {
                0..=5 => AttackVector::Network,
                6 => AttackVector::Adjacent,
                _ => return None,
            };
            Some(Exploit {
                asset: a.id.clone(),
                finding: format!("{}:CVE-2024-{i:05}", a.id),
                vulnerability: format!("CVE-2024-{i:05}"),
                vector,
                kev: i % 60 == 0,
            })
        })
        .collect();
    let mut full = Vec::new();
    let mut analysis = None;
    for _ in 0..runs {
        let t = Instant::now();
        let a = Analysis::run(&plant, exploits.clone());
        full.push(t.elapsed().as_secs_f64());
        analysis = Some(a);
    }
    let Some(before) = analysis else { return Ok(()) };
    // One what-if: close the conduit with the most rules.
    let busiest = plant.conduits.iter().max_by_key(|c| c.rules.len()).map(|c| c.id.clone()).unwrap_or_default();
    let changes = vec![Change::CloseConduit { conduit: busiest }];
    let mut whatif = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let (_, d) = run(&before, &changes)?;
        whatif.push(t.elapsed().as_secs_f64());
        last = Some(d);
    }
    let (fmin, fmed, fmax) = stats(full);
    let (wmin, wmed, wmax) = stats(whatif);
    let d = last.unwrap_or_default();
    let p = before.plant();
    let mut totals = serde_json::Map::new();
    let services: usize = p.assets.iter().map(|a| a.services.len()).sum();
    for (e, ep) in p.entry_points.iter().enumerate() {
        let (mut reached, mut reach_hops, mut taken, mut take_hops) = (0u64, 0u64, 0u64, 0u64);
        for s in 0..services {
            if let Some(h) = before.hops_to_reach(e, s) {
                reached += 1;
                reach_hops += u64::from(h);
            }
        }
        for h in 0..p.assets.len() {
            if let Some(x) = before.hops_to_take(e, h) {
                taken += 1;
                take_hops += u64::from(x);
            }
        }
        totals.insert(
            ep.id.clone(),
            serde_json::json!({"services_reached": reached, "reach_hops": reach_hops, "hosts_taken": taken, "take_hops": take_hops}),
        );
    }
    if let Some(path) = text_arg(&args, "--export") {
        let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
        let (n, e) = exposure::export::write_graph(&before, &mut w)?;
        std::io::Write::flush(&mut w)?;
        eprintln!("graph: {n} nodes, {e} edges → {path}");
    }
    let summary = serde_json::json!({
        "assets": assets, "zones": p.zones.len(), "rules": p.conduits.iter().map(|c| c.rules.len()).sum::<usize>(),
        "conduits": p.conduits.len(), "services": services, "exploits": exploits.len(), "runs": runs,
        "full_s": {"min": fmin, "median": fmed, "max": fmax},
        "whatif_s": {"min": wmin, "median": wmed, "max": wmax},
        "whatif_delta": {"exposures_removed": d.exposures_removed.len(), "paths_removed": d.paths_removed.len(),
                          "system_exposure_changes": d.system_exposure.len()},
        "peak_rss_mib": peak_rss_mib(),
        "entry_points": totals,
    });
    if let Some(path) = text_arg(&args, "--result") {
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)?;
    }
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}
