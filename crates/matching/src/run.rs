//! Running a match against a store: the only module of this crate that does IO, and only through
//! the [`Store`] and [`MatchStore`] traits.
//!
//! - **Full** (whenever the plant changed since the last full match): every asset's
//!   [`PlatformInput`] is computed and grouped; the advisories sharing a key with any platform are
//!   loaded once into an [`Index`]; each distinct platform is evaluated once and its verdicts
//!   stored; assets point at their platform.
//! - **Full recompute** (`patchwise match --full` on an unchanged plant): the stored platforms —
//!   which the unchanged plant still describes — are evaluated again against all the
//!   intelligence, without reading the assets.
//! - **Incremental** (after an intelligence import): only the advisories imported or changed
//!   since the last match are read. Their old and new keys give the platforms that may be
//!   concerned and the vulnerabilities they are about; those platforms' verdicts for those
//!   vulnerabilities are recomputed from every advisory that speaks about them, nothing else.
//!
//! Both run in one store transaction: a failed match changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    /// Verdicts computed (one per platform and vulnerability).
    pub verdicts: usize,
    /// Platforms whose verdicts changed and were written.
    pub platforms_written: usize,
    /// The assets were read and grouped again (the plant changed since the last full match);
    /// otherwise the stored platforms, which the unchanged plant still describes, were used.
    pub plant_read: bool,
}

/// A digest of a platform's verdicts (FNV-1a 64 over their JSON): equal verdicts, equal digest,
/// on every build, so a full match that finds nothing new writes nothing.
fn digest(verdicts: &[model::finding::Verdict]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in verdicts {
        for b in serde_json::to_vec(v).unwrap_or_default().into_iter().chain([b'\n']) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Advisories are keyed in pages of this many, so a first match over a large store never holds
/// every advisory in memory.
const PAGE: usize = 2000;

/// Brings the findings up to date. `at` (RFC 3339) is recorded as the time of the run.
pub fn run<S: Store + MatchStore + ?Sized>(store: &mut S, mode: Mode, at: &str) -> Result<MatchRun, StoreError> {
    let state = store.match_state()?;
    let plant_changed = state.matched_plant_version != Some(state.plant_version);
    if plant_changed {
        run_full(store, at, state.plant_version)
    } else if mode == Mode::Full {
        run_recompute(store, at, state.plant_version)
    } else {
        run_incremental(store, at)
    }
}

/// A grouping key of the fields [`PlatformInput`] is built from (unit separators between them,
/// so no two different inputs share a key).
fn raw_key(a: &store::MatchAsset) -> String {
    let mut k = String::with_capacity(96);
    let mut put = |s: Option<&str>| {
        k.push_str(s.unwrap_or("\u{1}"));
        k.push('\u{1f}');
    };
    let id = &a.identity;
    for f in [&id.vendor, &id.product, &id.model, &id.hardware_version, &id.firmware] {
        put(f.as_deref());
    }
    for c in &a.components {
        put(Some(c.kind.as_str()));
        put(c.vendor.as_deref());
        put(Some(&c.name));
        put(c.version.as_deref());
        put(c.cpe.as_deref());
        put(c.purl.as_deref());
        put(Some("\u{1e}"));
    }
    k
}

/// Keys every unmatched advisory; returns (count, keys old ∪ new, vulnerabilities old ∪ new).
fn key_unmatched(
    tx: &mut dyn store::MatchTx,
    tables: &Tables,
) -> Result<(usize, BTreeSet<String>, BTreeSet<String>), StoreError> {
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

fn run_full<S: Store + MatchStore + ?Sized>(
    store: &mut S,
    at: &str,
    plant_version: i64,
) -> Result<MatchRun, StoreError> {
    let tables = Tables::builtin();
    let t0 = std::time::Instant::now();
    let trace = std::env::var_os("PATCHWISE_TRACE").is_some();
    let mark = |what: &str| {
        if trace {
            eprintln!("trace: {what} at {:?}", t0.elapsed());
        }
    };
    let assets = store.match_assets()?;
    mark("assets read");
    // Group assets by what they are made of: first by a cheap key of the raw fields, then each
    // group's input is built and serialised once.
    let mut by_raw: HashMap<String, Vec<store::MatchAsset>> = HashMap::new();
    for a in assets {
        by_raw.entry(raw_key(&a)).or_default().push(a);
    }
    let mut groups: BTreeMap<String, (PlatformInput, Vec<String>)> = BTreeMap::new();
    for (_, members) in by_raw {
        let Some(first) = members.first() else { continue };
        let input = PlatformInput::new(&first.identity, &first.components);
        if input.is_empty() {
            continue;
        }
        let entry = groups.entry(input.fingerprint()).or_insert_with(|| (input, Vec::new()));
        entry.1.extend(members.into_iter().map(|a| a.id));
    }
    for (_, ids) in groups.values_mut() {
        ids.sort();
    }
    mark("grouped");
    let mut tx = store.begin_match()?;
    let (indexed, _, _) = key_unmatched(tx.as_mut(), tables)?;
    // Platforms already stored keep their ids; the ones no asset is made of any more go.
    let stored: HashMap<String, (i64, Option<String>)> =
        tx.platforms()?.into_iter().map(|(id, fp, digest)| (fp, (id, digest))).collect();
    let gone: Vec<i64> = stored.iter().filter(|(fp, _)| !groups.contains_key(*fp)).map(|(_, (id, _))| *id).collect();
    tx.delete_platforms(&gone)?;
    let assigned: HashMap<String, i64> = tx.assignments()?.into_iter().collect();
    let platforms: Vec<Platform> = groups.values().map(|(input, _)| Platform::new(input, tables)).collect();
    let all_keys: Vec<String> =
        platforms.iter().flat_map(|p| p.keys().iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    mark("platforms diffed");
    let docs = tx.advisory_docs_by_keys(&all_keys, None)?;
    mark("advisories read");
    let index = build_index(&docs, tables)?;
    mark("index built");
    let mut run = MatchRun {
        kind: "full".into(),
        platforms: platforms.len(),
        advisories_indexed: indexed,
        advisories_considered: docs.len(),
        plant_read: true,
        ..MatchRun::default()
    };
    drop(docs);
    let verdicts = evaluate_all(&index, &platforms);
    mark("evaluated");
    for (((fingerprint, (_, asset_ids)), platform), verdicts) in groups.iter().zip(&platforms).zip(&verdicts) {
        let (id, old_digest) = match stored.get(fingerprint) {
            Some((id, digest)) => (*id, digest.as_deref()),
            None => (tx.add_platform(fingerprint, platform.keys())?, None),
        };
        for a in asset_ids {
            if assigned.get(a) != Some(&id) {
                tx.assign(a, id)?;
            }
        }
        run.assets += asset_ids.len();
        run.verdicts += verdicts.len();
        let digest = digest(verdicts);
        if old_digest != Some(digest.as_str()) {
            tx.replace_verdicts(id, None, verdicts, Some(&digest))?;
            run.platforms_written += 1;
        }
    }
    mark("written");
    let summary = serde_json::to_string(&run).unwrap_or_default();
    tx.commit(at, "full", Some(plant_version), &summary)?;
    mark("committed");
    Ok(run)
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8)
}

/// Decodes stored advisories and indexes their statements, in parallel chunks merged in order.
fn build_index(docs: &[(i64, String)], tables: &Tables) -> Result<Index, StoreError> {
    let build = |part: &[(i64, String)]| -> Result<Index, StoreError> {
        let mut index = Index::new();
        for (key, doc) in part {
            match crate::decode::advisory(doc) {
                Ok(a) => index.add(&a, tables),
                Err(_) => index.add(&store::decode_advisory(*key, doc)?.advisory, tables),
            }
        }
        Ok(index)
    };
    let threads = threads();
    if threads == 1 || docs.len() < 64 {
        return build(docs);
    }
    let chunk = docs.len().div_ceil(threads);
    let parts: Vec<Result<Index, StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = docs.chunks(chunk).map(|part| s.spawn(move || build(part))).collect();
        handles.into_iter().zip(docs.chunks(chunk)).map(|(h, part)| h.join().unwrap_or_else(|_| build(part))).collect()
    });
    let mut index = Index::new();
    for part in parts {
        index.merge(part?);
    }
    Ok(index)
}

/// Evaluates every platform, on as many threads as the machine has cores (the index is shared,
/// read-only); the result is in the order of `platforms`.
fn evaluate_all(index: &Index, platforms: &[Platform]) -> Vec<Vec<model::finding::Verdict>> {
    let threads = threads();
    if threads == 1 || platforms.len() < 8 {
        return platforms.iter().map(|p| index.evaluate(p, None)).collect();
    }
    let chunk = platforms.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = platforms
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|p| index.evaluate(p, None)).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(platforms.len());
        for (h, part) in handles.into_iter().zip(platforms.chunks(chunk)) {
            match h.join() {
                Ok(v) => out.extend(v),
                // A panicking evaluation is a bug; evaluate that chunk again on this thread so the
                // panic surfaces here rather than being swallowed.
                Err(_) => out.extend(part.iter().map(|p| index.evaluate(p, None))),
            }
        }
        out
    })
}

/// A full recompute while the plant is unchanged: every stored platform (the plant still
/// describes exactly these) is evaluated again against all the intelligence; keys are rewritten
/// (the tables may have changed with the binary); verdicts are written where they changed.
fn run_recompute<S: Store + MatchStore + ?Sized>(
    store: &mut S,
    at: &str,
    plant_version: i64,
) -> Result<MatchRun, StoreError> {
    let tables = Tables::builtin();
    let mut tx = store.begin_match()?;
    let (indexed, _, _) = key_unmatched(tx.as_mut(), tables)?;
    let mut stored: Vec<(i64, Option<String>)> = Vec::new();
    let mut platforms: Vec<Platform> = Vec::new();
    for (id, fingerprint, digest) in tx.platforms()? {
        let input: PlatformInput = serde_json::from_str(&fingerprint).map_err(|e| StoreError::Corrupt {
            path: String::new(),
            what: format!("platform {id}"),
            message: e.to_string(),
        })?;
        stored.push((id, digest));
        platforms.push(Platform::new(&input, tables));
    }
    for ((id, _), platform) in stored.iter().zip(&platforms) {
        tx.set_platform_keys(*id, platform.keys())?;
    }
    let all_keys: Vec<String> =
        platforms.iter().flat_map(|p| p.keys().iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    let docs = tx.advisory_docs_by_keys(&all_keys, None)?;
    let index = build_index(&docs, tables)?;
    let mut run = MatchRun {
        kind: "full".into(),
        assets: tx.assigned_assets()?,
        platforms: platforms.len(),
        advisories_indexed: indexed,
        advisories_considered: docs.len(),
        ..MatchRun::default()
    };
    drop(docs);
    let verdicts = evaluate_all(&index, &platforms);
    for ((id, old_digest), verdicts) in stored.iter().zip(&verdicts) {
        run.verdicts += verdicts.len();
        let digest = digest(verdicts);
        if old_digest.as_deref() != Some(digest.as_str()) {
            tx.replace_verdicts(*id, None, verdicts, Some(&digest))?;
            run.platforms_written += 1;
        }
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
            platforms.iter().flat_map(|(_, p)| p.keys().iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
        let docs = tx.advisory_docs_by_keys(&platform_keys, Some(&vulns))?;
        let index = build_index(&docs, tables)?;
        run.advisories_considered = docs.len();
        run.platforms = platforms.len();
        for (id, platform) in &platforms {
            let verdicts = index.evaluate(platform, Some(&only));
            run.verdicts += verdicts.len();
            tx.replace_verdicts(*id, Some(&vulns), &verdicts, None)?;
            run.platforms_written += 1;
        }
    }
    let summary = serde_json::to_string(&run).unwrap_or_default();
    tx.commit(at, "incremental", None, &summary)?;
    Ok(run)
}
