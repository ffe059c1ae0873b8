//! What the intelligence API and pages share: the CVSS scores Patchwise computes for published
//! vectors, the intelligence answer with those scores beside each advisory, and the limit of the
//! data-quality listing.
//!
//! Scores are always computed here by the `cvss` crate from the vector as published; a score a
//! document states is only ever compared against ours, never shown as ours.

use model::advisory::{Advisory, CvssVector, EpssScore, KevEntry, SsvcPoints};
use serde::Serialize;
use store::IntelView;

use crate::error::Failure;

/// Documents the quality listing shows when the request names no limit.
pub(crate) const QUALITY_DEFAULT_LIMIT: usize = 200;
/// The largest quality listing a request may ask for.
pub(crate) const QUALITY_MAX_LIMIT: usize = 5000;

/// Our score of one published vector, or why it could not be scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ComputedScore {
    /// The vector as published.
    pub(crate) vector: String,
    /// `2.0`, `3.0`, `3.1`, `4.0`; null when the vector is invalid.
    pub(crate) version: Option<cvss::Version>,
    /// The base score (v4.0: the one score); null when the vector is invalid.
    pub(crate) base: Option<f64>,
    /// `NONE` … `CRITICAL` (v2.0: `LOW` … `HIGH`); null when the vector is invalid.
    pub(crate) severity: Option<cvss::Severity>,
    /// Why the vector could not be scored (the metric and its byte offset).
    pub(crate) error: Option<String>,
    /// The document states a score that is not ours (not a number, or off by 0.1 or more).
    pub(crate) published_differs: bool,
}

/// Scores a published vector with our calculator.
pub(crate) fn score(v: &CvssVector) -> ComputedScore {
    match cvss::parse(&v.vector).map(|p| p.scores()) {
        Ok(s) => {
            let published_differs = v.published_score.as_deref().is_some_and(|p| {
                p.trim().parse::<f64>().map_or(true, |p| !p.is_finite() || (p - s.base).abs() >= 0.05)
            });
            ComputedScore {
                vector: v.vector.clone(),
                version: Some(s.version),
                base: Some(s.base),
                severity: Some(s.severity),
                error: None,
                published_differs,
            }
        }
        Err(e) => ComputedScore {
            vector: v.vector.clone(),
            version: None,
            base: None,
            severity: None,
            error: Some(e.to_string()),
            published_differs: false,
        },
    }
}

/// An advisory as stored, with our score of each of its vectors (`scores[i]` scores `cvss[i]`).
#[derive(Debug, Serialize)]
pub(crate) struct ScoredAdvisory {
    #[serde(flatten)]
    pub(crate) advisory: Advisory,
    pub(crate) scores: Vec<ComputedScore>,
}

/// Everything stored about one id, as `GET /api/v1/intel/{id}` answers it: the store's view
/// with our scores beside every advisory.
#[derive(Debug, Serialize)]
pub(crate) struct IntelAnswer {
    pub(crate) advisories: Vec<ScoredAdvisory>,
    pub(crate) kev: Vec<KevEntry>,
    pub(crate) epss: Option<EpssScore>,
    pub(crate) ssvc: Vec<SsvcPoints>,
}

impl From<IntelView> for IntelAnswer {
    fn from(view: IntelView) -> Self {
        let advisories = view
            .advisories
            .into_iter()
            .map(|advisory| {
                let scores = advisory.cvss.iter().map(score).collect();
                ScoredAdvisory { advisory, scores }
            })
            .collect();
        IntelAnswer { advisories, kev: view.kev, epss: view.epss, ssvc: view.ssvc }
    }
}

/// The "nothing is known" failure of a lookup, with how to import.
pub(crate) fn unknown(id: &str) -> Failure {
    Failure::not_found(format!(
        "nothing is known about `{id}` in this database; import intelligence with `patchwise intel import PATH`"
    ))
}

/// The `limit` of a quality listing, the only parameter it takes: 1 to [`QUALITY_MAX_LIMIT`],
/// [`QUALITY_DEFAULT_LIMIT`] when absent or empty. Unknown and repeated parameters are refused.
pub(crate) fn quality_limit(pairs: &[(String, String)]) -> Result<usize, Failure> {
    let mut seen = false;
    let mut limit = QUALITY_DEFAULT_LIMIT;
    for (name, value) in pairs {
        if name != "limit" {
            return Err(Failure::bad_request(format!(
                "unknown query parameter `{name}`; the quality listing accepts: limit"
            )));
        }
        if seen {
            return Err(Failure::bad_request("query parameter `limit` is given more than once"));
        }
        seen = true;
        let value = value.trim();
        if !value.is_empty() {
            limit = value.parse::<usize>().ok().filter(|l| (1..=QUALITY_MAX_LIMIT).contains(l)).ok_or_else(|| {
                Failure::bad_request(format!(
                    "limit must be a whole number from 1 to {QUALITY_MAX_LIMIT}, not `{value}`"
                ))
            })?;
        }
    }
    Ok(limit)
}

/// One page of the quality listing: at most `limit` reports, and whether more exist.
pub(crate) fn quality_page(
    store: &dyn store::Store,
    limit: usize,
) -> Result<(Vec<store::QualityReport>, bool), Failure> {
    let mut items = store.intel_quality(limit + 1)?;
    let more = items.len() > limit;
    items.truncate(limit);
    Ok((items, more))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn vector(v: &str, published: Option<&str>) -> CvssVector {
        CvssVector {
            vector: v.into(),
            scored_by: None,
            published_score: published.map(Into::into),
            vulnerability: None,
        }
    }

    #[test]
    fn scores_are_ours_and_disagreement_is_flagged() {
        let v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
        let s = score(&vector(v31, Some("9.8")));
        assert_eq!(
            (s.version, s.base, s.severity),
            (Some(cvss::Version::V3_1), Some(9.8), Some(cvss::Severity::Critical))
        );
        assert!(!s.published_differs && s.error.is_none());
        assert!(score(&vector(v31, Some("7.5"))).published_differs);
        assert!(score(&vector(v31, Some("high"))).published_differs);
        assert!(!score(&vector(v31, None)).published_differs);
        assert!(!score(&vector(v31, Some(" 9.80 "))).published_differs);

        let v2 = score(&vector("AV:N/AC:L/Au:N/C:P/I:P/A:P", None));
        assert_eq!((v2.base, v2.severity), (Some(7.5), Some(cvss::Severity::High)));

        let bad = score(&vector("CVSS:3.1/AV:X", Some("9.8")));
        assert!(bad.base.is_none() && bad.error.is_some() && !bad.published_differs);
        let json = serde_json::to_value(&bad).unwrap();
        assert_eq!(json["base"], serde_json::Value::Null);
    }

    #[test]
    fn quality_limits() {
        let p = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        assert_eq!(quality_limit(&[]).unwrap(), QUALITY_DEFAULT_LIMIT);
        assert_eq!(quality_limit(&p(&[("limit", "")])).unwrap(), QUALITY_DEFAULT_LIMIT);
        assert_eq!(quality_limit(&p(&[("limit", " 5000 ")])).unwrap(), 5000);
        for bad in [
            &[("limit", "0")][..],
            &[("limit", "5001")],
            &[("limit", "x")],
            &[("lim", "1")],
            &[("limit", "1"), ("limit", "2")],
        ] {
            assert!(quality_limit(&p(bad)).is_err(), "{bad:?}");
        }
    }
}
