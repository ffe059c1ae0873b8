//! What the decision API and pages share: every open finding decided (the site policies over the
//! defaults), computed when the store's data version moves and kept for the next requests, and
//! the short list with the fastest risk reduction worked out per request.

use std::sync::{Arc, Mutex};

use decide::run::{Decided, RunError, advise, decide_store};
use decide::{Decision, Policy, Priority};

use crate::AppState;
use crate::error::Failure;

#[derive(Default)]
pub(crate) struct Cache {
    last: Mutex<Option<(String, time::Date, Arc<Decided>)>>,
    /// The last short list (its what-ifs cost most on a large plant), by the decisions it was
    /// worked out from, the site and the length.
    top: Mutex<Option<TopEntry>>,
}

/// A short list: the decisions it was worked out from, the site, the length, the list.
type TopEntry = (Arc<Decided>, Option<String>, usize, Arc<Vec<Decision>>);

fn failure(e: RunError) -> Failure {
    match e {
        RunError::NoPlant => Failure::not_found(e.to_string()),
        RunError::Store(s) => Failure::from(s),
    }
}

/// Every open finding decided, most urgent first (from the cache when nothing changed today).
pub(crate) async fn decided(state: &AppState) -> Result<Arc<Decided>, Failure> {
    let cache = Arc::clone(&state.decisions);
    state
        .with_store(move |s| {
            let mut last = cache.last.lock().map_err(|_| Failure::internal("the decision cache is poisoned"))?;
            let version = s.data_version()?;
            let today = time::OffsetDateTime::now_utc().date();
            if let (Some(v), Some((key, day, d))) = (&version, last.as_ref())
                && v == key
                && *day == today
            {
                return Ok(Arc::clone(d));
            }
            let d = Arc::new(decide_store(s, &Policy::default(), today).map_err(failure)?);
            if let Some(v) = version {
                *last = Some((v, today, Arc::clone(&d)));
            }
            Ok(d)
        })
        .await
}

/// The short list: the first `limit` decisions (of one site), each with its fastest risk
/// reduction.
pub(crate) async fn top(state: &AppState, site: Option<String>, limit: usize) -> Result<Vec<Decision>, Failure> {
    let d = decided(state).await?;
    let cache = Arc::clone(&state.decisions);
    crate::exposure::blocking(move || {
        let mut last = cache.top.lock().map_err(|_| Failure::internal("the short-list cache is poisoned"))?;
        if let Some((f, s, l, list)) = last.as_ref()
            && Arc::ptr_eq(f, &d)
            && *s == site
            && *l == limit
        {
            return Ok(list.as_ref().clone());
        }
        if let Some(s) = &site
            && !d.analysis.plant().sites.iter().any(|x| &x.id == s)
        {
            return Err(Failure::not_found(format!("there is no site with id `{s}`")));
        }
        let mut list: Vec<Decision> =
            d.decisions.iter().filter(|x| site.as_ref().is_none_or(|s| &*x.site == s)).take(limit).cloned().collect();
        advise(&d.analysis, &mut list, limit);
        *last = Some((Arc::clone(&d), site, limit, Arc::new(list.clone())));
        Ok(list)
    })
    .await
}

/// `decision`, `site`, `asset`, `limit`, `offset`.
#[derive(Debug, Clone, Default)]
pub(crate) struct DecisionQuery {
    pub(crate) decision: Option<Priority>,
    pub(crate) site: Option<String>,
    pub(crate) asset: Option<String>,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
}

pub(crate) const DEFAULT_LIMIT: usize = 500;
const MAX_LIMIT: usize = 10_000;

impl DecisionQuery {
    pub(crate) fn parse(pairs: &[(String, String)], allowed: &[&str]) -> Result<DecisionQuery, Failure> {
        let mut q = DecisionQuery { limit: DEFAULT_LIMIT, ..DecisionQuery::default() };
        for (k, v) in pairs {
            if !allowed.contains(&k.as_str()) {
                return Err(Failure::bad_request(format!("unknown parameter `{k}`; expected {}", allowed.join(", "))));
            }
            match k.as_str() {
                "decision" if !v.is_empty() => {
                    q.decision = Some(Priority::parse(v).ok_or_else(|| {
                        Failure::bad_request(format!(
                            "decision `{v}` is not one of immediate, out-of-cycle, scheduled, defer"
                        ))
                    })?)
                }
                "site" if !v.is_empty() => q.site = Some(v.clone()),
                "asset" if !v.is_empty() => q.asset = Some(v.clone()),
                "limit" => {
                    q.limit = v
                        .parse::<usize>()
                        .ok()
                        .filter(|&n| (1..=MAX_LIMIT).contains(&n))
                        .ok_or_else(|| Failure::bad_request(format!("limit must be 1–{MAX_LIMIT}, not `{v}`")))?
                }
                "offset" => {
                    q.offset = v.parse().map_err(|_| Failure::bad_request(format!("offset `{v}` is not a number")))?
                }
                _ => {}
            }
        }
        Ok(q)
    }

    pub(crate) fn keeps(&self, d: &Decision) -> bool {
        self.decision.is_none_or(|p| d.priority == p)
            && self.site.as_deref().is_none_or(|s| &*d.site == s)
            && self.asset.as_deref().is_none_or(|a| &*d.asset == a)
    }
}
