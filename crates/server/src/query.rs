//! The list parameters that API and pages share, and the paging over the store's sorted listings:
//! assets (`GET /api/v1/assets`, `GET /assets`) and findings (`GET /api/v1/findings`,
//! `GET /findings`).
//!
//! Asset paging is by cursor: `after=<id>` continues after that asset id, in the store's id order,
//! so a page never shifts when assets are added before it. Findings page by `offset`: they are
//! derived data, recomputed as a whole by `patchwise match`, so a cursor would not outlive a run
//! either.

use model::finding::Finding;
use model::{AssetKind, AssetSummary, Confidence, FindingStatus};
use store::{AssetFilter, FindingFilter, Store};

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

// ---------------------------------------------------------------------------------------------
// Findings

/// Findings a listing shows when the request names no limit.
pub(crate) const FINDINGS_DEFAULT_LIMIT: usize = 500;
/// The largest findings listing a request may ask for.
pub(crate) const FINDINGS_MAX_LIMIT: usize = 5000;

/// The parameters every findings list accepts.
pub(crate) const FINDING_PARAMS: &[&str] = &["asset", "cve", "min_confidence", "status", "kev", "limit", "offset"];

/// The statuses listed when the request names none: the findings that still need a decision.
pub(crate) const OPEN: [FindingStatus; 2] = [FindingStatus::Affected, FindingStatus::UnderInvestigation];

/// A parsed findings-list request. `filter.statuses` is empty for "every status".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FindingQuery {
    pub(crate) filter: FindingFilter,
    /// Whether the request named the limit (so links repeat it).
    pub(crate) limit_given: bool,
}

impl FindingQuery {
    /// Parses query pairs. Empty values count as absent, like the asset list; `status` may be
    /// repeated and may hold a comma-separated list (`open` for affected and under investigation,
    /// the default, and `all` for every status); every other name once. Unknown names and bad
    /// values are refused, naming the parameter and what it accepts.
    pub(crate) fn parse(pairs: &[(String, String)], default_limit: usize) -> Result<Self, Failure> {
        let mut filter = FindingFilter { limit: default_limit, ..FindingFilter::default() };
        let mut limit_given = false;
        let mut statuses: Vec<FindingStatus> = Vec::new();
        let mut all = false;
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            if !FINDING_PARAMS.contains(&name.as_str()) {
                return Err(Failure::bad_request(format!(
                    "unknown query parameter `{name}`; the findings list accepts: {}",
                    FINDING_PARAMS.join(", ")
                )));
            }
            if name != "status" && seen.contains(&name.as_str()) {
                return Err(Failure::bad_request(format!("query parameter `{name}` is given more than once")));
            }
            seen.push(name);
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match name.as_str() {
                "asset" => filter.asset = Some(value.to_string()),
                // CVE ids are spelled upper-case wherever they are stored; advisory ids are
                // compared without regard to case by the store.
                "cve" if value.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("cve-")) => {
                    filter.vulnerability = Some(value.to_ascii_uppercase())
                }
                "cve" => filter.vulnerability = Some(value.to_string()),
                "min_confidence" => {
                    filter.min_confidence = Some(
                        value
                            .parse::<Confidence>()
                            .map_err(|e| Failure::bad_request(format!("min_confidence: {e}")))?,
                    )
                }
                "status" => {
                    for one in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        match one.to_ascii_lowercase().as_str() {
                            "all" => all = true,
                            "open" => statuses.extend(OPEN),
                            _ => statuses.push(one.parse::<FindingStatus>().map_err(|_| {
                                Failure::bad_request(format!(
                                    "status: `{one}` is not a finding status; expected one of: {}, open (affected and \
                                     under-investigation, the default) or all",
                                    FindingStatus::expected()
                                ))
                            })?),
                        }
                    }
                }
                "kev" => {
                    filter.kev_only = match value.to_ascii_lowercase().as_str() {
                        "true" | "1" | "yes" | "on" => true,
                        "false" | "0" | "no" | "off" => false,
                        _ => return Err(Failure::bad_request(format!("kev must be true or false, not `{value}`"))),
                    }
                }
                "limit" => {
                    filter.limit =
                        value.parse::<usize>().ok().filter(|l| (1..=FINDINGS_MAX_LIMIT).contains(l)).ok_or_else(
                            || {
                                Failure::bad_request(format!(
                                    "limit must be a whole number from 1 to {FINDINGS_MAX_LIMIT}, not `{value}`"
                                ))
                            },
                        )?;
                    limit_given = true;
                }
                "offset" => {
                    filter.offset = value.parse::<usize>().map_err(|_| {
                        Failure::bad_request(format!("offset must be a whole number from 0, not `{value}`"))
                    })?
                }
                _ => {}
            }
        }
        statuses.sort();
        statuses.dedup();
        filter.statuses = if all {
            Vec::new()
        } else if statuses.is_empty() {
            OPEN.to_vec()
        } else {
            statuses
        };
        Ok(FindingQuery { filter, limit_given })
    }

    /// The `status` value that asks for these statuses: `None` for the default (open), `all`, or
    /// the statuses joined by commas.
    pub(crate) fn status_param(&self) -> Option<String> {
        let s = &self.filter.statuses;
        if s.is_empty() {
            Some("all".to_string())
        } else if s.as_slice() == OPEN.as_slice() {
            None
        } else {
            Some(s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","))
        }
    }

    /// The filter and limit as query pairs (not the offset), for links to other pages of the same
    /// listing.
    pub(crate) fn filter_params(&self) -> Vec<(&'static str, String)> {
        let f = &self.filter;
        let mut out = Vec::new();
        if let Some(a) = &f.asset {
            out.push(("asset", a.clone()));
        }
        if let Some(v) = &f.vulnerability {
            out.push(("cve", v.clone()));
        }
        if let Some(c) = f.min_confidence {
            out.push(("min_confidence", c.as_str().to_string()));
        }
        if let Some(s) = self.status_param() {
            out.push(("status", s));
        }
        if f.kev_only {
            out.push(("kev", "true".to_string()));
        }
        if self.limit_given {
            out.push(("limit", f.limit.to_string()));
        }
        out
    }

    /// How many findings match, when the summary's counts answer it exactly (no asset,
    /// vulnerability or KEV filter); `None` otherwise.
    pub(crate) fn total(&self, summary: &store::FindingSummary) -> Option<usize> {
        let f = &self.filter;
        if f.asset.is_some() || f.vulnerability.is_some() || f.kev_only {
            return None;
        }
        Some(
            summary
                .by_status
                .iter()
                .filter(|(s, c, _)| {
                    (f.statuses.is_empty() || f.statuses.contains(s)) && f.min_confidence.is_none_or(|m| *c >= m)
                })
                .map(|(_, _, n)| n)
                .sum(),
        )
    }
}

/// One page of findings: at most `filter.limit` of them after `filter.offset`, and whether more
/// exist.
pub(crate) fn fetch_findings(store: &dyn Store, q: &FindingQuery) -> Result<(Vec<Finding>, bool), Failure> {
    let limit = q.filter.limit;
    let mut items = store.findings(&FindingFilter { limit: limit + 1, ..q.filter.clone() })?;
    let more = items.len() > limit;
    items.truncate(limit);
    Ok((items, more))
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

    #[test]
    fn finding_parameters() {
        let q = FindingQuery::parse(&[], FINDINGS_DEFAULT_LIMIT).unwrap();
        assert_eq!(q.filter.statuses, OPEN.to_vec());
        assert_eq!((q.filter.limit, q.filter.offset, q.filter.kev_only), (FINDINGS_DEFAULT_LIMIT, 0, false));
        assert_eq!(q.filter_params(), vec![]);

        let q = FindingQuery::parse(
            &pairs(&[
                ("status", "fixed, Not_Affected"),
                ("status", "fixed"),
                ("min_confidence", "Medium"),
                ("kev", "true"),
                ("asset", " PLC-1 "),
                ("cve", "cve-2022-0028"),
                ("limit", "10"),
                ("offset", "20"),
            ]),
            FINDINGS_DEFAULT_LIMIT,
        )
        .unwrap();
        assert_eq!(q.filter.statuses, vec![FindingStatus::NotAffected, FindingStatus::Fixed]);
        assert_eq!(q.filter.min_confidence, Some(Confidence::Medium));
        assert_eq!(q.filter.asset.as_deref(), Some("PLC-1"));
        assert_eq!(q.filter.vulnerability.as_deref(), Some("CVE-2022-0028"));
        assert!(q.filter.kev_only);
        assert_eq!((q.filter.limit, q.filter.offset), (10, 20));
        assert_eq!(q.status_param().as_deref(), Some("not-affected,fixed"));

        let all = FindingQuery::parse(&pairs(&[("status", "all")]), 5).unwrap();
        assert!(all.filter.statuses.is_empty());
        assert_eq!(all.filter_params(), vec![("status", "all".to_string())]);
        let open = FindingQuery::parse(&pairs(&[("status", "open"), ("kev", "false"), ("status", "")]), 5).unwrap();
        assert_eq!(open.filter.statuses, OPEN.to_vec());
        assert!(!open.filter.kev_only);

        for bad in [
            vec![("status", "broken")],
            vec![("min_confidence", "certain")],
            vec![("kev", "maybe")],
            vec![("limit", "0")],
            vec![("limit", "5001")],
            vec![("offset", "-1")],
            vec![("asset", "a"), ("asset", "b")],
            vec![("vulnerability", "CVE-2022-0028")],
        ] {
            assert!(FindingQuery::parse(&pairs(&bad), 5).is_err(), "{bad:?}");
        }
    }
}
