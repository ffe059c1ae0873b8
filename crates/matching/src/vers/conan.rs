//! `conan`: Conan 2's `Version`. `main[-pre][+build]` (split at the last `+`, then the last
//! `-`); `main` is `.`-separated items, numbers compared by value, words as text, a number
//! against a word as text; trailing zero items are ignored. A pre-release sorts before the
//! release, a build after it; both are themselves versions.

use std::cmp::Ordering;

use super::VersError;

/// Depth limit for nested pre-release / build versions.
const MAX_DEPTH: usize = 32;

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

fn strip(s: &str) -> &str {
    s.trim_start_matches('0')
}

fn cmp_item(a: &str, b: &str) -> Ordering {
    match (is_num(a), is_num(b)) {
        (true, true) => {
            let (x, y) = (strip(a), strip(b));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        }
        // A number against a word compares as text (the number in its canonical form).
        (true, false) => strip_or_zero(a).cmp(b),
        (false, true) => a.cmp(strip_or_zero(b)),
        (false, false) => a.cmp(b),
    }
}

fn strip_or_zero(s: &str) -> &str {
    let t = strip(s);
    if t.is_empty() { "0" } else { t }
}

/// Items without trailing numeric zeros.
fn items(main: &str) -> Vec<&str> {
    let mut v: Vec<&str> = main.split('.').collect();
    while v.last().is_some_and(|i| is_num(i) && strip(i).is_empty()) {
        v.pop();
    }
    v
}

fn cmp_version(a: &str, b: &str, depth: usize) -> Result<Ordering, ()> {
    if depth > MAX_DEPTH {
        return Err(());
    }
    let (a_rest, a_build) = a.rsplit_once('+').map_or((a, None), |(r, b)| (r, Some(b)));
    let (b_rest, b_build) = b.rsplit_once('+').map_or((b, None), |(r, b)| (r, Some(b)));
    let (a_main, a_pre) = a_rest.rsplit_once('-').map_or((a_rest, None), |(m, p)| (m, Some(p)));
    let (b_main, b_pre) = b_rest.rsplit_once('-').map_or((b_rest, None), |(m, p)| (m, Some(p)));
    let (ia, ib) = (items(a_main), items(b_main));
    for (x, y) in ia.iter().zip(&ib) {
        let o = cmp_item(x, y);
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    let o = ia.len().cmp(&ib.len());
    if o != Ordering::Equal {
        return Ok(o);
    }
    let o = match (a_pre, b_pre) {
        (Some(x), Some(y)) => cmp_version(x, y, depth + 1)?,
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    if o != Ordering::Equal {
        return Ok(o);
    }
    Ok(match (a_build, b_build) {
        (Some(x), Some(y)) => cmp_version(x, y, depth + 1)?,
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => Ordering::Equal,
    })
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    for v in [a, b] {
        if v.trim().is_empty() {
            return Err(super::bad_version("conan", v, "empty"));
        }
    }
    cmp_version(a, b, 0).map_err(|()| super::bad_version("conan", a, "too deeply nested"))
}
