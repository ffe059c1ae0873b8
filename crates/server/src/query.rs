//! The asset-list parameters shared by `GET /api/v1/assets` and `GET /assets`, and the paging over
//! the store's sorted listing.
//!
//! Paging is by cursor: `after=<id>` continues after that asset id, in the store's id order, so a
//! page never shifts when assets are added before it.

use model::{AssetKind, AssetSummary};
use store::{AssetFilter, Store};

use crate::error::Failure;

/// Page size when the request names none.
pub(crate) const DEFAULT_LIMIT: usize = 1000;
/// The largest page a request may ask for.
pub(crate) const MAX_LIMIT: usize = 10_000;

/// The parameters every asset list accepts.
pub(crate) const PARAMS: &[&str] = &["site", "zone", "kind", "q", "limit", "after"];

/// A parsed asset-list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssetQuery {
    pub(crate) filter: AssetFilter,
    pub(crate) limit: usize,
    /// Whether the request named the limit (so page links repeat it).
    pub(crate) limit_given: bool,
    pub(crate) after: Option<String>,
}

impl AssetQuery {
    /// Parses query pairs. Empty values count as absent (an HTML form sends `kind=` for "any");
    /// unknown names, repeated names and bad values are refused, so a typo never silently
    /// widens a listing.
    pub(crate) fn parse(pairs: &[(String, String)], default_limit: usize) -> Result<Self, Failure> {
        let mut q =
            AssetQuery { filter: AssetFilter::default(), limit: default_limit, limit_given: false, after: None };
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            if !PARAMS.contains(&name.as_str()) {
                return Err(Failure::bad_request(format!(
                    "unknown query parameter `{name}`; the asset list accepts: {}",
                    PARAMS.join(", ")
                )));
            }
            if seen.contains(&name.as_str()) {
                return Err(Failure::bad_request(format!("query parameter `{name}` is given more than once")));
            }
            seen.push(name);
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match name.as_str() {
                "site" => q.filter.site = Some(value.to_string()),
                "zone" => q.filter.zone = Some(value.to_string()),
                "kind" => {
                    q.filter.kind =
                        Some(value.parse::<AssetKind>().map_err(|e| Failure::bad_request(format!("kind: {e}")))?)
                }
                "q" => q.filter.text = Some(value.to_string()),
                "after" => q.after = Some(value.to_string()),
                "limit" => {
                    let limit =
                        value.parse::<usize>().ok().filter(|l| (1..=MAX_LIMIT).contains(l)).ok_or_else(|| {
                            Failure::bad_request(format!(
                                "limit must be a whole number from 1 to {MAX_LIMIT}, not `{value}`"
                            ))
                        })?;
                    q.limit = limit;
                    q.limit_given = true;
                }
                _ => {}
            }
        }
        Ok(q)
    }

    /// The filter and limit as query pairs, for links to other pages of the same listing.
    pub(crate) fn filter_params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(s) = &self.filter.site {
            out.push(("site", s.clone()));
        }
        if let Some(z) = &self.filter.zone {
            out.push(("zone", z.clone()));
        }
        if let Some(k) = self.filter.kind {
            out.push(("kind", k.as_str().to_string()));
        }
        if let Some(t) = &self.filter.text {
            out.push(("q", t.clone()));
        }
        if self.limit_given {
            out.push(("limit", self.limit.to_string()));
        }
        out
    }
}

/// One page of an asset listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssetPage {
    pub(crate) items: Vec<AssetSummary>,
    /// The id to pass as `after` for the next page; `None` on the last page.
    pub(crate) next: Option<String>,
    /// How many assets match the filter, over all pages.
    pub(crate) total: usize,
}

/// Reads one page. The whole filtered listing is visited to count `total`; only the page is kept.
pub(crate) fn fetch(store: &dyn Store, q: &AssetQuery) -> Result<AssetPage, Failure> {
    let mut items = Vec::new();
    let mut more = false;
    let total = store.asset_summaries(&q.filter, &mut |s| {
        let past_cursor = q.after.as_deref().is_none_or(|after| s.id.as_str() > after);
        if past_cursor {
            if items.len() < q.limit {
                items.push(s);
            } else {
                more = true;
            }
        }
        Ok(())
    })?;
    let next = if more { items.last().map(|s| s.id.clone()) } else { None };
    Ok(AssetPage { items, next, total })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn parses_and_refuses() {
        let q = AssetQuery::parse(&pairs(&[("kind", "PLC"), ("zone", "cell1"), ("site", ""), ("limit", "5")]), 100)
            .unwrap();
        assert_eq!(q.filter.kind, Some(AssetKind::Plc));
        assert_eq!(q.filter.zone.as_deref(), Some("cell1"));
        assert_eq!(q.filter.site, None);
        assert_eq!(q.limit, 5);
        assert_eq!(AssetQuery::parse(&[], 100).unwrap().limit, 100);
        for bad in [
            vec![("kind", "toaster")],
            vec![("limit", "0")],
            vec![("limit", "10001")],
            vec![("limit", "x")],
            vec![("zon", "cell1")],
            vec![("zone", "a"), ("zone", "b")],
        ] {
            assert!(AssetQuery::parse(&pairs(&bad), 100).is_err(), "{bad:?}");
        }
    }
}
