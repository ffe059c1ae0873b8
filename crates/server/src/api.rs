//! The JSON API under `/api/v1/`. Records are the `model` types serialised as they are, so the
//! API, the plant file and the CLI's `--json` output speak one vocabulary.
//!
//! | route | answer |
//! |---|---|
//! | `GET /api/v1/health` | `{"status":"ok","version","sites","zones","assets"}` |
//! | `GET /api/v1/assets` | `{"items":[AssetSummary],"next":id or null,"total","limit"}`; filters `site`, `zone`, `kind`, `q`; paging `limit` (default 1000, at most 10000) and `after=<id>` |
//! | `GET /api/v1/assets/{id}` | the full `Asset` |
//! | `GET /api/v1/sites` | `[Site]` |
//! | `GET /api/v1/zones` | `[Zone + "assets": count]` |
//! | `GET /api/v1/conduits` | `[Conduit]` with rules |
//! | `GET /api/v1/entry-points` | `[EntryPoint]` with attachments |
//! | `GET /api/v1/intel/status` | `[IntelSourceStatus]` per source and kind of record |
//! | `GET /api/v1/intel/quality` | `{"items":[QualityReport],"limit","more"}`; `limit` (default 200, at most 5000) |
//! | `GET /api/v1/intel/{id}` | `{"advisories":[Advisory + "scores"],"kev","epss","ssvc"}`; 404 when nothing is known |
//! | `GET /api/v1/findings` | `{"items":[Finding],"limit","offset","more"}`; filters `asset`, `cve` (a CVE or advisory id), `min_confidence`, `status` (repeatable or comma-separated; default `open`, `all` for every status), `kev=true`; paging `limit` (default 500, at most 5000) and `offset` |
//! | `GET /api/v1/findings/summary` | `FindingSummary` + `"total"`, `"open"` |
//! | `GET /api/v1/findings/{id}` | the `Finding` with its evidence and remedies; 404 when there is none |
//! | `GET /api/v1/exposure` | `{"items":[ServiceExposure],"total","limit","offset","more"}`: reached services with `asset`, `service`, `system_exposure`, `entry_points` (hops, authenticated, last rule) and the shortest `path`; filters `from` (entry-point kinds, repeatable or comma-separated: internet, enterprise, vendor, wireless, transient), `asset`, `crown_jewels=true`; paging `limit` (default 1000, at most 10000) and `offset` |
//! | `GET /api/v1/exposure/{asset}` | `AssetExposure`: System Exposure and, per entry point, `take` / `reach` / `none` with hops and steps; filter `from`; 404 for an unknown asset |
//! | `GET /api/v1/whatif` | `Delta` of the changes `close_conduit`, `disable_rule` (`CONDUIT/RULE`), `isolate`, `close_entry` (`ENTRY` or `ENTRY#N`), `add_rule` (`CONDUIT: FROM -> TO PROTO/PORTS [allow\|deny] [both]`), each repeatable; nothing is saved |
//! | `GET /api/v1/governance` | `[Issue]`: IDMZ bypasses, remote access below the IDMZ, any-any rules, unenforced conduits, ungoverned observed flows |
//! | `GET /api/v1/decisions` | `{"items":[Decision],"counts":{immediate,out-of-cycle,scheduled,defer},"total","limit","offset","more"}`, most urgent first; each decision has `finding`, `asset`, `site`, `vulnerability`, `table`, `decision`, `since`, `deadline`, `inputs` (value, source, assumed each), `cisa_level`, `bod_26_04`, `kev`, `epss`, `narrative`; filters `decision`, `site`, `asset`; paging `limit` (default 500, at most 10000) and `offset` |
//! | `GET /api/v1/decisions/top` | `[Decision]` with `advice` (the fastest risk reduction); `site`, `limit` (default 10, at most 50) |
//! | `GET /api/v1/scans` | `[{ScanImportRow…, "unmatched":[host], "reconciliation":{"agreed","scanner_only","patchwise_only"}}]`, newest first |
//! | `GET /api/v1/controls` | `[Control + "active"]`: compensating controls, expiring soonest first, with whether each counts today |
//! | `GET /api/v1/decisions/history` | `[DecisionChange]` newest first: `finding`, `at`, `before`, `after`, `deadline`, `reasons`; `finding`, `limit` (default 200) |
//!
//! Errors are `{"error":{"code","message"}}`; see `error` for the codes.

use std::collections::BTreeMap;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use model::finding::Finding;
use model::{Asset, AssetSummary, Conduit, EntryPoint, Site, Zone};
use serde::Serialize;
use store::{FindingSummary, IntelSourceStatus, QualityReport};

use crate::error::{ApiError, Failure};
use crate::intel::{self, IntelAnswer};
use crate::query::{self, AssetQuery, FindingQuery};
use crate::{AppState, VERSION};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/assets", get(assets))
        .route("/api/v1/assets/{id}", get(asset))
        .route("/api/v1/sites", get(sites))
        .route("/api/v1/zones", get(zones))
        .route("/api/v1/conduits", get(conduits))
        .route("/api/v1/entry-points", get(entry_points))
        // The two fixed paths win over `{id}`: no CVE or advisory id is `status` or `quality`.
        .route("/api/v1/intel/status", get(intel_status))
        .route("/api/v1/intel/quality", get(intel_quality))
        .route("/api/v1/intel/{id}", get(intel_lookup))
        // No finding id is `summary`: every one holds a `:`.
        .route("/api/v1/findings", get(findings))
        .route("/api/v1/findings/summary", get(finding_summary))
        .route("/api/v1/findings/{id}", get(finding))
        .route("/api/v1/exposure", get(exposure_list))
        .route("/api/v1/exposure/{asset}", get(exposure_asset))
        .route("/api/v1/whatif", get(whatif))
        .route("/api/v1/governance", get(governance))
        .route("/api/v1/decisions", get(decisions))
        .route("/api/v1/decisions/top", get(decisions_top))
        .route("/api/v1/decisions/history", get(decisions_history))
        .route("/api/v1/controls", get(controls))
        .route("/api/v1/scans", get(scans))
}

#[derive(Debug, Serialize)]
struct ExposureList {
    items: Vec<exposure::ServiceExposure>,
    /// Reached services matching the filter over all pages.
    total: usize,
    limit: usize,
    offset: usize,
    more: bool,
}

async fn exposure_list(State(state): State<AppState>, q: Pairs) -> Result<Json<ExposureList>, ApiError> {
    let q = crate::exposure::ExposureQuery::parse(&pairs(q)?)?;
    let a = crate::exposure::analysis(&state).await?;
    let list = crate::exposure::blocking(move || {
        if let Some(id) = &q.asset
            && !a.plant().assets.iter().any(|x| &x.id == id)
        {
            return Err(Failure::not_found(format!("there is no asset with id `{id}`")));
        }
        let query = exposure::Query { from: q.from.clone(), asset: q.asset.clone() };
        let (items, total) = a.exposures_page(&query, q.crown_jewels, q.offset, q.limit);
        let more = q.offset + items.len() < total;
        Ok(ExposureList { items, total, limit: q.limit, offset: q.offset, more })
    })
    .await?;
    Ok(Json(list))
}

async fn exposure_asset(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Pairs,
) -> Result<Json<exposure::AssetExposure>, ApiError> {
    let id = path_id(id)?;
    let q = crate::exposure::ExposureQuery::parse(&pairs(q)?)?;
    let a = crate::exposure::analysis(&state).await?;
    let x = crate::exposure::blocking(move || {
        let query = exposure::Query { from: q.from, asset: None };
        a.asset_exposure(&id, &query).ok_or_else(|| Failure::not_found(format!("there is no asset with id `{id}`")))
    })
    .await?;
    Ok(Json(x))
}

async fn whatif(State(state): State<AppState>, q: Pairs) -> Result<Json<exposure::whatif::Delta>, ApiError> {
    let changes = crate::exposure::changes(&pairs(q)?)?;
    let before = crate::exposure::analysis(&state).await?;
    let delta = crate::exposure::blocking(move || {
        exposure::whatif::run(&before, &changes).map(|(_, d)| d).map_err(Failure::bad_request)
    })
    .await?;
    Ok(Json(delta))
}

async fn governance(State(state): State<AppState>) -> Result<Json<Vec<exposure::governance::Issue>>, ApiError> {
    let a = crate::exposure::analysis(&state).await?;
    let issues = state.with_store(move |s| Ok(exposure::governance::check(a.plant(), &s.flows()?))).await?;
    Ok(Json(issues))
}

#[derive(Debug, Serialize)]
struct DecisionList {
    items: Vec<decide::Decision>,
    counts: BTreeMap<&'static str, usize>,
    total: usize,
    limit: usize,
    offset: usize,
    more: bool,
}

async fn decisions(State(state): State<AppState>, q: Pairs) -> Result<Json<DecisionList>, ApiError> {
    let q = crate::decisions::DecisionQuery::parse(&pairs(q)?, &["decision", "site", "asset", "limit", "offset"])?;
    let d = crate::decisions::decided(&state).await?;
    let list = crate::exposure::blocking(move || {
        let mut counts: BTreeMap<&'static str, usize> = decide::Priority::ALL.iter().map(|p| (p.as_str(), 0)).collect();
        let mut total = 0;
        let mut items = Vec::new();
        for x in d.decisions.iter().filter(|x| q.keeps(x)) {
            *counts.entry(x.priority.as_str()).or_default() += 1;
            if total >= q.offset && items.len() < q.limit {
                items.push(x.clone());
            }
            total += 1;
        }
        let more = q.offset + items.len() < total;
        Ok(DecisionList { items, counts, total, limit: q.limit, offset: q.offset, more })
    })
    .await?;
    Ok(Json(list))
}

async fn decisions_top(State(state): State<AppState>, q: Pairs) -> Result<Json<Vec<decide::Decision>>, ApiError> {
    let pairs = pairs(q)?;
    let mut site = None;
    let mut limit = 10;
    for (k, v) in &pairs {
        match k.as_str() {
            "site" if !v.is_empty() => site = Some(v.clone()),
            "site" => {}
            "limit" => {
                limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=50).contains(n))
                    .ok_or_else(|| Failure::bad_request(format!("limit must be 1–50, not `{v}`")))?
            }
            other => {
                return Err(Failure::bad_request(format!("unknown parameter `{other}`; expected site, limit")).into());
            }
        }
    }
    Ok(Json(crate::decisions::top(&state, site, limit).await?))
}

async fn decisions_history(
    State(state): State<AppState>,
    q: Pairs,
) -> Result<Json<Vec<store::DecisionChange>>, ApiError> {
    let pairs = pairs(q)?;
    let mut finding = None;
    let mut limit = 200;
    for (k, v) in &pairs {
        match k.as_str() {
            "finding" if !v.is_empty() => finding = Some(v.clone()),
            "finding" => {}
            "limit" => {
                limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| Failure::bad_request(format!("limit must be 1–10000, not `{v}`")))?
            }
            other => {
                return Err(
                    Failure::bad_request(format!("unknown parameter `{other}`; expected finding, limit")).into()
                );
            }
        }
    }
    let list = state.with_store(move |s| Ok(s.decision_history(finding.as_deref(), limit)?)).await?;
    Ok(Json(list))
}

#[derive(Debug, Serialize)]
struct ControlView {
    #[serde(flatten)]
    control: model::Control,
    active: bool,
}

async fn controls(State(state): State<AppState>) -> Result<Json<Vec<ControlView>>, ApiError> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut list = state.with_store(|s| Ok(s.controls()?)).await?;
    list.sort_by(|a, b| (a.expires.is_none(), a.expires, &a.id).cmp(&(b.expires.is_none(), b.expires, &b.id)));
    Ok(Json(list.into_iter().map(|c| ControlView { active: c.active_on(today), control: c }).collect()))
}

async fn scans(State(state): State<AppState>) -> Result<Json<Vec<crate::pages::imports::ImportView>>, ApiError> {
    Ok(Json(state.with_store(|s| crate::pages::imports::load(s)).await?))
}

/// Query pairs of a request, or a `bad_request` naming what was wrong with them.
pub(crate) type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

pub(crate) fn pairs(q: Pairs) -> Result<Vec<(String, String)>, Failure> {
    q.map(|Query(p)| p).map_err(|e| Failure::bad_request(format!("the query string is malformed: {}", e.body_text())))
}

/// The id of a `{id}` path segment.
pub(crate) fn path_id(p: Result<Path<String>, PathRejection>) -> Result<String, Failure> {
    p.map(|Path(id)| id).map_err(|e| Failure::bad_request(format!("the path is malformed: {}", e.body_text())))
}

#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    sites: usize,
    zones: usize,
    assets: usize,
}

async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let (sites, zones, assets) = state
        .with_store(|s| {
            let assets = s.asset_counts_by_zone()?.iter().map(|(_, n)| n).sum();
            Ok((s.sites()?.len(), s.zones()?.len(), assets))
        })
        .await?;
    Ok(Json(Health { status: "ok", version: VERSION, sites, zones, assets }))
}

#[derive(Debug, Serialize)]
struct AssetList {
    items: Vec<AssetSummary>,
    /// Pass as `after` to get the next page; null on the last page.
    next: Option<String>,
    /// Assets matching the filter over all pages.
    total: usize,
    limit: usize,
}

async fn assets(State(state): State<AppState>, q: Pairs) -> Result<Json<AssetList>, ApiError> {
    let q = AssetQuery::parse(&pairs(q)?, query::DEFAULT_LIMIT)?;
    let limit = q.limit;
    let page = state.with_store(move |s| query::fetch(s, &q)).await?;
    Ok(Json(AssetList { items: page.items, next: page.next, total: page.total, limit }))
}

async fn asset(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Asset>, ApiError> {
    let id = path_id(id)?;
    let found = state
        .with_store(move |s| {
            s.asset(&id)?.ok_or_else(|| Failure::not_found(format!("there is no asset with id `{id}`")))
        })
        .await?;
    Ok(Json(found))
}

async fn sites(State(state): State<AppState>) -> Result<Json<Vec<Site>>, ApiError> {
    Ok(Json(state.with_store(|s| Ok(s.sites()?)).await?))
}

/// A zone with the number of assets in it.
#[derive(Debug, Serialize)]
struct ZoneWithCount {
    #[serde(flatten)]
    zone: Zone,
    assets: usize,
}

async fn zones(State(state): State<AppState>) -> Result<Json<Vec<ZoneWithCount>>, ApiError> {
    let out = state
        .with_store(|s| {
            let counts: BTreeMap<String, usize> = s.asset_counts_by_zone()?.into_iter().collect();
            Ok(s.zones()?
                .into_iter()
                .map(|zone| {
                    let assets = counts.get(&zone.id).copied().unwrap_or(0);
                    ZoneWithCount { zone, assets }
                })
                .collect())
        })
        .await?;
    Ok(Json(out))
}

async fn conduits(State(state): State<AppState>) -> Result<Json<Vec<Conduit>>, ApiError> {
    Ok(Json(state.with_store(|s| Ok(s.conduits()?)).await?))
}

async fn entry_points(State(state): State<AppState>) -> Result<Json<Vec<EntryPoint>>, ApiError> {
    Ok(Json(state.with_store(|s| Ok(s.entry_points()?)).await?))
}

async fn intel_status(State(state): State<AppState>) -> Result<Json<Vec<IntelSourceStatus>>, ApiError> {
    Ok(Json(state.with_store(|s| Ok(s.intel_status()?)).await?))
}

#[derive(Debug, Serialize)]
struct QualityList {
    /// Advisories with data-quality warnings, by source, then id.
    items: Vec<QualityReport>,
    limit: usize,
    /// More advisories with warnings exist beyond `limit`.
    more: bool,
}

async fn intel_quality(State(state): State<AppState>, q: Pairs) -> Result<Json<QualityList>, ApiError> {
    let limit = intel::quality_limit(&pairs(q)?)?;
    let (items, more) = state.with_store(move |s| intel::quality_page(s, limit)).await?;
    Ok(Json(QualityList { items, limit, more }))
}

async fn intel_lookup(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<IntelAnswer>, ApiError> {
    let id = path_id(id)?;
    let view = state
        .with_store(move |s| {
            let view = s.intel_lookup(&id)?;
            if view.is_empty() { Err(intel::unknown(&id)) } else { Ok(view) }
        })
        .await?;
    Ok(Json(IntelAnswer::from(view)))
}

#[derive(Debug, Serialize)]
struct FindingList {
    /// Findings by asset id, then vulnerability, then part.
    items: Vec<Finding>,
    limit: usize,
    offset: usize,
    /// More findings match beyond this page: ask again with `offset` + `limit`.
    more: bool,
}

async fn findings(State(state): State<AppState>, q: Pairs) -> Result<Json<FindingList>, ApiError> {
    let q = FindingQuery::parse(&pairs(q)?, query::FINDINGS_DEFAULT_LIMIT)?;
    let (limit, offset) = (q.filter.limit, q.filter.offset);
    let (items, more) = state.with_store(move |s| query::fetch_findings(s, &q)).await?;
    Ok(Json(FindingList { items, limit, offset, more }))
}

async fn finding(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Finding>, ApiError> {
    let id = path_id(id)?;
    let found = state.with_store(move |s| s.finding(&id)?.ok_or_else(|| unknown_finding(&id))).await?;
    Ok(Json(found))
}

/// The "no such finding" failure, with where findings come from.
pub(crate) fn unknown_finding(id: &str) -> Failure {
    Failure::not_found(format!(
        "there is no finding with id `{id}`; finding ids are ASSET:VULNERABILITY, and findings are recomputed \
         by `patchwise match`"
    ))
}

/// The store's summary with the two totals a client asks for first.
#[derive(Debug, Serialize)]
struct SummaryAnswer {
    #[serde(flatten)]
    summary: FindingSummary,
    /// Findings of every status.
    total: usize,
    /// Affected and under-investigation findings.
    open: usize,
}

async fn finding_summary(State(state): State<AppState>) -> Result<Json<SummaryAnswer>, ApiError> {
    let summary = state.with_store(|s| Ok(s.finding_summary()?)).await?;
    let open = query::OPEN.iter().map(|st| summary.count(*st)).sum();
    Ok(Json(SummaryAnswer { total: summary.total(), open, summary }))
}
