//! `npm` and `semver`: SemVer 2.0.0 precedence (`MAJOR.MINOR.PATCH[-pre][+build]`), with an
//! optional leading `v` or `=` as node-semver accepts. Build metadata is ignored.

use std::cmp::Ordering;

use super::{VersError, bad_version};

struct SemVer<'a> {
    core: [&'a [u8]; 3],
    pre: Option<&'a str>,
}

/// Digits without leading zeros, for comparison by value.
fn number(s: &str) -> Option<&[u8]> {
    let b = s.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let first = b.iter().position(|&d| d != b'0').unwrap_or(b.len());
    Some(&b[first..])
}

fn valid_identifiers(s: &str) -> bool {
    s.split('.').all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn parse<'a>(scheme: &str, v: &'a str) -> Result<SemVer<'a>, VersError> {
    let err = |reason: &str| bad_version(scheme, v, reason);
    let t = v.trim();
    let t = t.strip_prefix(['v', 'V', '=']).unwrap_or(t);
    let (rest, build) = match t.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (t, None),
    };
    if build.is_some_and(|b| !valid_identifiers(b)) {
        return Err(err("invalid build metadata"));
    }
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    if pre.is_some_and(|p| !valid_identifiers(p)) {
        return Err(err("invalid pre-release"));
    }
    let mut parts = core.split('.');
    let mut nums: [&[u8]; 3] = [&[]; 3];
    for slot in &mut nums {
        *slot = parts.next().and_then(number).ok_or_else(|| err("expected MAJOR.MINOR.PATCH"))?;
    }
    if parts.next().is_some() {
        return Err(err("expected MAJOR.MINOR.PATCH"));
    }
    Ok(SemVer { core: nums, pre })
}

fn cmp_num(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// SemVer pre-release precedence: identifiers left to right, numeric < alphanumeric, numeric by
/// value, alphanumeric by ASCII; a shorter list that is a prefix is lower.
pub(super) fn cmp_pre(a: &str, b: &str) -> Ordering {
    let mut ia = a.split('.');
    let mut ib = b.split('.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (number(x), number(y)) {
                    (Some(nx), Some(ny)) => cmp_num(nx, ny),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

pub(super) fn compare(scheme: &str, a: &str, b: &str) -> Result<Ordering, VersError> {
    let va = parse(scheme, a)?;
    let vb = parse(scheme, b)?;
    for (x, y) in va.core.iter().zip(vb.core.iter()) {
        let o = cmp_num(x, y);
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(match (va.pre, vb.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => cmp_pre(x, y),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "v1.0.1+build.5",
            "2.0.0",
        ];
        for w in order.windows(2) {
            assert_eq!(compare("npm", w[0], w[1]).unwrap(), Ordering::Less, "{w:?}");
        }
        assert_eq!(compare("npm", "1.0.0+a", "1.0.0+b").unwrap(), Ordering::Equal);
        assert!(compare("npm", "1.0", "1.0.0").is_err());
        assert!(compare("npm", "1.0.0-", "1.0.0").is_err());
    }
}
