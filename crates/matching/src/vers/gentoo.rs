//! `gentoo` (also `ebuild`): the Package Manager Specification's version comparison.
//!
//! `N(.N)*[letter](_suffix[N])*[-rN]`. The first numbers compare by value; later ones compare
//! as decimal fractions when either starts with `0` (trailing zeros dropped, then as text:
//! `1.01` < `1.1`); otherwise by value. With equal common numbers, more numbers is greater
//! (`5` < `5.0`). Then the letter (none < `a` < … `z`), then suffixes in order `_alpha` < `_beta`
//! < `_pre` < `_rc` < none < `_p`, each with its number; then the revision (`-r0` = none).

use std::cmp::Ordering;

use super::{VersError, bad_version};

pub(super) struct Gentoo<'a> {
    pub numbers: Vec<&'a str>,
    pub letter: Option<u8>,
    /// (rank, number without leading zeros); rank: alpha 0, beta 1, pre 2, rc 3, p 5.
    pub suffixes: Vec<(u8, &'a str)>,
    pub revision: &'a str,
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn strip_zeros(s: &str) -> &str {
    s.trim_start_matches('0')
}

fn parse<'a>(scheme: &str, v: &'a str) -> Result<Gentoo<'a>, VersError> {
    let err = |reason: &str| bad_version(scheme, v, reason);
    let (main, revision) = match v.rsplit_once("-r") {
        Some((m, r)) if digits(r) => (m, strip_zeros(r)),
        _ => (v, ""),
    };
    let mut parts = main.split('_');
    let head = parts.next().unwrap_or("");
    let (nums, letter) = match head.as_bytes().last() {
        Some(&c) if c.is_ascii_lowercase() => (&head[..head.len() - 1], Some(c)),
        _ => (head, None),
    };
    let numbers: Vec<&str> = nums.split('.').collect();
    if !numbers.iter().all(|n| digits(n)) {
        return Err(err("expected numbers separated by `.`"));
    }
    let mut suffixes = Vec::new();
    for s in parts {
        let (rank, rest) = [("alpha", 0), ("beta", 1), ("pre", 2), ("rc", 3), ("p", 5)]
            .into_iter()
            .find_map(|(w, r)| s.strip_prefix(w).map(|rest| (r, rest)))
            .ok_or_else(|| err("unknown suffix"))?;
        if !rest.is_empty() && !digits(rest) {
            return Err(err("unknown suffix"));
        }
        suffixes.push((rank, strip_zeros(rest)));
    }
    Ok(Gentoo { numbers, letter, suffixes, revision })
}

fn cmp_num(a: &str, b: &str) -> Ordering {
    let (a, b) = (strip_zeros(a), strip_zeros(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

pub(super) fn cmp(a: &Gentoo<'_>, b: &Gentoo<'_>) -> Ordering {
    for (i, (x, y)) in a.numbers.iter().zip(&b.numbers).enumerate() {
        let o = if i > 0 && (x.starts_with('0') || y.starts_with('0')) {
            x.trim_end_matches('0').cmp(y.trim_end_matches('0'))
        } else {
            cmp_num(x, y)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    let o = a.numbers.len().cmp(&b.numbers.len()).then(a.letter.cmp(&b.letter));
    if o != Ordering::Equal {
        return o;
    }
    for i in 0..a.suffixes.len().max(b.suffixes.len()) {
        let o = match (a.suffixes.get(i), b.suffixes.get(i)) {
            (Some((ra, na)), Some((rb, nb))) => ra.cmp(rb).then_with(|| cmp_num(na, nb)),
            (Some((r, _)), None) => r.cmp(&4),
            (None, Some((r, _))) => 4.cmp(r),
            (None, None) => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    cmp_num(a.revision, b.revision)
}

pub(super) fn compare(scheme: &str, a: &str, b: &str) -> Result<Ordering, VersError> {
    Ok(cmp(&parse(scheme, a)?, &parse(scheme, b)?))
}
