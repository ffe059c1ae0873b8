//! Running a match against a store: the only module of this crate that does IO, and only through
//! the [`Store`] and [`MatchStore`] traits.
//!
//! - **Full** (`patchwise match --full`, and whenever the plant changed since the last full
//!   match): every asset's [`PlatformInput`] is computed and grouped; the advisories sharing a
//!   key with any platform are loaded once into an [`Index`]; each distinct platform is evaluated
//!   once and its verdicts stored; assets point at their platform.
//! - **Incremental** (after an intelligence import): only the advisories imported or changed
//!   since the last match are read. Their old and new keys give the platforms that may be
//!   concerned and the vulnerabilities they are about; those platforms' verdicts for those
//!   vulnerabilities are recomputed from every advisory that speaks about them, nothing else.
//!
//! Both run in one store transaction: a failed match changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use store::{MatchStore, Store, StoreError};

use crate::engine::{Index, Platform, PlatformInput, advisory_keys};
use crate::identity::Tables;

/// How to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Incremental when possible, full when the plant changed or nothing was matched before.
    Auto,
    /// Always from scratch.
    Full,
}

/// What a match run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MatchRun {
    /// `full` or `incremental`.
    pub kind: String,
    /// Assets matched (full) or whose platform was re-evaluated (incremental).
    pub assets: usize,
    /// Distinct platforms evaluated.
    pub platforms: usize,
    /// Advisories whose keys were (re)computed: new or changed since the last match.
    pub advisories_indexed: usize,
    /// Advisories loaded into the index because they share a key with a platform.
    pub advisories_considered: usize,
    /// Verdicts written (one per platform, part and vulnerability).
    pub verdicts: usize,
}

/// Advisories are keyed in pages of this many, so a first match over a large store never holds
/// every advisory in memory.
const PAGE: usize = 2000;

/// Brings the findings up to date. `at` (RFC 3339) is recorded as the time of the run.
pub fn run<S: Store + MatchStore + ?Sized>(store: &mut S, mode: Mode, at: &str) -> Result<MatchRun, StoreError> {
    let state = store.match_state()?;
    let full = mode == Mode::Full || state.matched_plant_version != Some(state.plant_version);
    if full { run_full(store, at, state.plant_version) } else { run_incremental(store, at) }
}

/// Keys every unmatched advisory; returns (count, keys old ∪ new, vulnerabilities old ∪ new).
fn key_unmatched(tx: &mut dyn store::MatchTx, tables: &Tables) -> Result<(usize, BTreeSet<String>, BTreeSet<String>), StoreError> {
    let mut keys = BTreeSet::new();
    let mut vulns = BTreeSet::new();
    let mut after = 0i64;
    let mut n = 0usize;
    loop {
        let page = tx.unmatched_advisories(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.key;
        let ids: Vec<i64> = page.iter().map(|a| a.key).collect();
        for (_, k, v) in tx.advisory_keys(&ids)? {
            keys.insert(k);
            vulns.insert(v);
        }
        for a in &page {
            let new = advisory_keys(&a.advisory, tables);
            for (k, v) in &new {
                keys.insert(k.clone());
                vulns.insert(v.clone());
            }
            tx.set_advisory_keys(a.key, &new)?;
            n += 1;
        }
    }
    Ok((n, keys, vulns))
}

fn run_full<S: Store + MatchStore + ?Sized>(store: &mut S, at: &str, plant_version: i64) -> Result<MatchRun, StoreError> {
    let tables = Tables::builtin();
    let assets = store.match_assets()?;
    // Group assets by what they are made of.
    let mut groups: BTreeMap<String, (PlatformInput, Vec<String>)> = BTreeMap::new();
    for a in assets {
        let input = PlatformInput::new(&a.identity, &a.components);
        if input.is_empty() {
            continue;
        }
        groups.entry(input.fingerprint()).or_insert_with(|| (input, Vec::new())).1.push(a.id);
    }
    let mut tx = store.begin_match()?;
    let (indexed, _, _) = key_unmatched(tx.as_mut(), tables)?;
    tx.reset_platforms()?;
    let platforms: Vec<(Platform, Vec<String>)> =
        groups.values().map(|(input, _)| Platform::new(input, tables)).map(|p| { let k = p.keys(); (p, k) }).collect();
    let all_keys: Vec<String> =
        platforms.iter().flat_map(|(_, k)| k.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    let advisories = tx.advisories_by_keys(&all_keys, None)?;
    let mut index = Index::new();
    for a in &advisories {
        index.add(&a.advisory, tables);
    }
    let mut run = MatchRun {
        kind: "full".into(),
        platforms: platforms.len(),
        advisories_indexed: indexed,
        advisories_considered: advisories.len(),
        ..MatchRun::default()
    };
    drop(advisories);
    for ((fingerprint, (_, asset_ids)), (platform, keys)) in groups.iter().zip(&platforms) {
        let id = tx.add_platform(fingerprint, keys)?;
        for a in asset_ids {
            tx.assign(a, id)?;
        }
        run.assets += asset_ids.len();
        let verdicts = index.evaluate(platform, None);
        run.verdicts += verdicts.len();
        tx.replace_verdicts(id, None, &verdicts)?;
    }
    let summary = serde_json::to_string(&run).unwrap_or_default();
    tx.commit(at, "full", Some(plant_version), &summary)?;
    Ok(run)
}

fn run_incremental<S: Store + MatchStore + ?Sized>(store: &mut S, at: &str) -> Result<MatchRun, StoreError> {
    let tables = Tables::builtin();
    let mut tx = store.begin_match()?;
    let (indexed, keys, vulns) = key_unmatched(tx.as_mut(), tables)?;
    let mut run = MatchRun { kind: "incremental".into(), advisories_indexed: indexed, ..MatchRun::default() };
    if !keys.is_empty() {
        let keys: Vec<String> = keys.into_iter().collect();
        let vulns: Vec<String> = vulns.into_iter().collect();
        let only: HashSet<String> = vulns.iter().cloned().collect();
        let mut platforms = Vec::new();
        for (id, fingerprint) in tx.platforms_by_keys(&keys)? {
            let input: PlatformInput = serde_json::from_str(&fingerprint).map_err(|e| StoreError::Corrupt {
                path: String::new(),
                what: format!("platform {id}"),
                message: e.to_string(),
            })?;
            platforms.push((id, Platform::new(&input, tables)));
        }
        let platform_keys: Vec<String> =
            platforms.iter().flat_map(|(_, p)| p.keys()).collect::<BTreeSet<_>>().into_iter().collect();
        let advisories = tx.advisories_by_keys(&platform_keys, Some(&vulns))?;
        let mut index = Index::new();
        for a in &advisories {
            index.add(&a.advisory, tables);
        }
        run.advisories_considered = advisories.len();
        run.platforms = platforms.len();
        for (id, platform) in &platforms {
            let verdicts = index.evaluate(platform, Some(&only));
            run.verdicts += verdicts.len();
            tx.replace_verdicts(*id, Some(&vulns), &verdicts)?;
        }
    }
    let summary = serde_json::to_string(&run).unwrap_or_default();
    tx.commit(at, "incremental", None, &summary)?;
    Ok(run)
}
