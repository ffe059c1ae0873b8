//! `alpm` (Arch Linux): pacman's `vercmp`. `[epoch:]version[-release]`; epochs compare by value
//! (missing = 0), then versions and (when both have one) releases with the rpm-style segment
//! comparison: alternating digit and letter segments, separators only split (but a longer
//! separator run wins), digits beat letters, numbers by value, letters as text, and at the end a
//! remaining letter segment loses to nothing while anything else wins.

use std::cmp::Ordering;

use super::VersError;

fn split_evr(v: &str) -> (&str, &str, Option<&str>) {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) if !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit()) => (e, r),
        _ => ("0", v),
    };
    match rest.rsplit_once('-') {
        Some((ver, rel)) => (epoch, ver, Some(rel)),
        None => (epoch, rest, None),
    }
}

fn cmp_num(a: &[u8], b: &[u8]) -> Ordering {
    let strip = |d: &[u8]| -> usize { d.iter().position(|&c| c != b'0').unwrap_or(d.len()) };
    let (a, b) = (&a[strip(a)..], &b[strip(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// rpm-style segment comparison as pacman does it.
fn vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut one, mut two) = (0usize, 0usize);
    let (mut p1, mut p2) = (0usize, 0usize);
    while one < a.len() && two < b.len() {
        while one < a.len() && !a[one].is_ascii_alphanumeric() {
            one += 1;
        }
        while two < b.len() && !b[two].is_ascii_alphanumeric() {
            two += 1;
        }
        if one >= a.len() || two >= b.len() {
            break;
        }
        if one - p1 != two - p2 {
            return (one - p1).cmp(&(two - p2));
        }
        p1 = one;
        p2 = two;
        let is_num = a[p1].is_ascii_digit();
        let class = |c: u8| if is_num { c.is_ascii_digit() } else { c.is_ascii_alphabetic() };
        while p1 < a.len() && class(a[p1]) {
            p1 += 1;
        }
        while p2 < b.len() && class(b[p2]) {
            p2 += 1;
        }
        if p2 == two {
            return if is_num { Ordering::Greater } else { Ordering::Less };
        }
        let o = if is_num { cmp_num(&a[one..p1], &b[two..p2]) } else { a[one..p1].cmp(&b[two..p2]) };
        if o != Ordering::Equal {
            return o;
        }
        one = p1;
        two = p2;
    }
    let (end1, end2) = (one >= a.len(), two >= b.len());
    if end1 && end2 {
        return Ordering::Equal;
    }
    let alpha = |s: &[u8], i: usize| s.get(i).is_some_and(u8::is_ascii_alphabetic);
    if (end1 && !alpha(b, two)) || alpha(a, one) { Ordering::Less } else { Ordering::Greater }
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    for v in [a, b] {
        if v.is_empty() {
            return Err(super::bad_version("alpm", v, "empty"));
        }
    }
    let (ea, va, ra) = split_evr(a);
    let (eb, vb, rb) = split_evr(b);
    let o = cmp_num(ea.as_bytes(), eb.as_bytes()).then_with(|| vercmp(va, vb));
    Ok(match (ra, rb) {
        (Some(x), Some(y)) => o.then_with(|| vercmp(x, y)),
        _ => o,
    })
}
