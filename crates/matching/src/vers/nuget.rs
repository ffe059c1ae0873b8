//! `nuget`: NuGet versions — one to four numeric parts (missing parts are zero, leading zeros
//! allowed: `1.0.01` = `1.0.1.0`), an optional SemVer 2 release label compared
//! case-insensitively, and build metadata after `+` that is ignored.

use std::cmp::Ordering;

use super::{VersError, bad_version};

struct NuGet<'a> {
    parts: [&'a [u8]; 4],
    label: Option<&'a str>,
}

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

fn parse(v: &str) -> Result<NuGet<'_>, VersError> {
    let err = |reason: &str| bad_version("nuget", v, reason);
    let t = v.trim();
    let (rest, meta) = match t.split_once('+') {
        Some((r, m)) => (r, Some(m)),
        None => (t, None),
    };
    if meta.is_some_and(|m| !valid_identifiers(m)) {
        return Err(err("invalid metadata"));
    }
    let (core, label) = match rest.split_once('-') {
        Some((c, l)) => (c, Some(l)),
        None => (rest, None),
    };
    if label.is_some_and(|l| !valid_identifiers(l)) {
        return Err(err("invalid release label"));
    }
    let mut parts: [&[u8]; 4] = [&[]; 4];
    for (n, p) in core.split('.').enumerate() {
        let slot = parts.get_mut(n).ok_or_else(|| err("more than four numeric parts"))?;
        *slot = number(p).ok_or_else(|| err("numeric parts expected"))?;
    }
    Ok(NuGet { parts, label })
}

fn cmp_num(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn cmp_label(a: &str, b: &str) -> Ordering {
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
                    (None, None) => {
                        x.bytes().map(|c| c.to_ascii_lowercase()).cmp(y.bytes().map(|c| c.to_ascii_lowercase()))
                    }
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    let va = parse(a)?;
    let vb = parse(b)?;
    for (x, y) in va.parts.iter().zip(vb.parts.iter()) {
        let o = cmp_num(x, y);
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(match (va.label, vb.label) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => cmp_label(x, y),
    })
}
