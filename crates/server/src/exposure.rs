//! What the exposure API and pages share: the analysis, computed from the store when its data
//! version moves and kept for the next requests (one computation at a time), and the parsing of
//! the query parameters they take.

use std::sync::{Arc, Mutex};

use exposure::Analysis;
use exposure::run::{Options, load};
use exposure::whatif::Change;
use model::{Confidence, EntryKind};

use crate::AppState;
use crate::error::Failure;

/// The last analysis and the store's data version it was computed from.
#[derive(Default)]
pub(crate) struct Cache {
    last: Mutex<Option<(String, Arc<Analysis>)>>,
}

/// The analysis of the stored plant and findings, from the cache when nothing changed.
pub(crate) async fn analysis(state: &AppState) -> Result<Arc<Analysis>, Failure> {
    let cache = Arc::clone(&state.exposure);
    state
        .with_store(move |s| {
            // Holding the lock while computing makes concurrent requests wait for one analysis
            // instead of each running its own.
            let mut last = cache.last.lock().map_err(|_| Failure::internal("the exposure cache is poisoned"))?;
            let version = s.data_version()?;
            if let (Some(v), Some((key, a))) = (&version, last.as_ref())
                && v == key
            {
                return Ok(Arc::clone(a));
            }
            let a = Arc::new(load(s, &Options { min_confidence: Confidence::Medium })?);
            if let Some(v) = version {
                *last = Some((v, Arc::clone(&a)));
            }
            Ok(a)
        })
        .await
}

/// Runs work over an analysis (paging, paths, rendering) on the blocking pool: on a
/// 100,000-asset plant a page of it takes a good part of a second, too long for the event loop.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Failure> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Failure::internal(format!("an exposure task did not finish: {e}")))?
}

/// `from` (repeatable or comma-separated entry-point kinds), `asset`, `crown_jewels=true`,
/// `limit`, `offset`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExposureQuery {
    pub(crate) from: Vec<EntryKind>,
    pub(crate) asset: Option<String>,
    pub(crate) crown_jewels: bool,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
}

pub(crate) const EXPOSURE_DEFAULT_LIMIT: usize = 1000;
const EXPOSURE_MAX_LIMIT: usize = 10_000;

impl ExposureQuery {
    pub(crate) fn parse(pairs: &[(String, String)]) -> Result<ExposureQuery, Failure> {
        let mut q = ExposureQuery { limit: EXPOSURE_DEFAULT_LIMIT, ..ExposureQuery::default() };
        for (k, v) in pairs {
            match k.as_str() {
                "from" => {
                    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        let kind: EntryKind =
                            part.parse().map_err(|e: model::BadValue| Failure::bad_request(format!("from: {e}")))?;
                        if !q.from.contains(&kind) {
                            q.from.push(kind);
                        }
                    }
                }
                "asset" if !v.is_empty() => q.asset = Some(v.clone()),
                "asset" => {}
                "crown_jewels" => q.crown_jewels = matches!(v.as_str(), "true" | "1" | "yes" | "on"),
                "limit" => {
                    q.limit =
                        v.parse::<usize>().ok().filter(|&n| (1..=EXPOSURE_MAX_LIMIT).contains(&n)).ok_or_else(|| {
                            Failure::bad_request(format!("limit must be 1–{EXPOSURE_MAX_LIMIT}, not `{v}`"))
                        })?
                }
                "offset" => {
                    q.offset = v.parse().map_err(|_| Failure::bad_request(format!("offset `{v}` is not a number")))?
                }
                other => {
                    return Err(Failure::bad_request(format!(
                        "unknown parameter `{other}`; expected from, asset, crown_jewels, limit, offset"
                    )));
                }
            }
        }
        Ok(q)
    }
}

/// The changes of a what-if request: `close_conduit`, `disable_rule`, `isolate`, `close_entry`,
/// `add_rule`, each repeatable; at least one.
pub(crate) fn changes(pairs: &[(String, String)]) -> Result<Vec<Change>, Failure> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        let v = v.clone();
        out.push(match k.as_str() {
            "close_conduit" => Change::CloseConduit { conduit: v },
            "disable_rule" => Change::DisableRule { rule: v },
            "isolate" => Change::Isolate { asset: v },
            "close_entry" => Change::CloseEntry { entry: v },
            "add_rule" => Change::parse_add_rule(&v).map_err(Failure::bad_request)?,
            other => {
                return Err(Failure::bad_request(format!(
                    "unknown parameter `{other}`; expected close_conduit, disable_rule, isolate, close_entry, add_rule"
                )));
            }
        });
    }
    if out.is_empty() {
        return Err(Failure::bad_request(
            "name at least one change: close_conduit, disable_rule, isolate, close_entry or add_rule",
        ));
    }
    Ok(out)
}
