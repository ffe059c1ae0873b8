//! `rpm` (Red Hat, SUSE, Fedora): rpm's `rpmvercmp` on `[epoch:]version[-release]`. Epochs compare
//! by value (missing = 0); versions, then releases (only when both have one), segment by segment:
//! characters other than letters, digits, `~` and `^` only separate; `~` sorts before anything
//! (even the end: `1.0~rc1` < `1.0`); `^` sorts after the end but before anything else
//! (`1.0` < `1.0^git1` < `1.0.1`); a digit segment beats a letter segment; digits compare by value,
//! letters as text; when one side runs out, the side with something left is newer.

use std::cmp::Ordering;

use super::VersError;

fn split(v: &str) -> Result<(u64, &str, Option<&str>), VersError> {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) => (e.parse::<u64>().map_err(|_| super::bad_version("rpm", v, "the epoch is not a number"))?, r),
        None => (0, v),
    };
    if rest.is_empty() {
        return Err(super::bad_version("rpm", v, "empty"));
    }
    Ok(match rest.rsplit_once('-') {
        Some((ver, rel)) if !ver.is_empty() => (epoch, ver, Some(rel)),
        _ => (epoch, rest, None),
    })
}

pub(super) fn vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    loop {
        while i < a.len() && sep(a[i]) {
            i += 1;
        }
        while j < b.len() && sep(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            match (ca, cb) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(x), _) if x != b'^' => return Ordering::Greater,
                (_, Some(y)) if y != b'^' => return Ordering::Less,
                _ => {}
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else { break };
        let numeric = ca.is_ascii_digit();
        let class = |c: u8| if numeric { c.is_ascii_digit() } else { c.is_ascii_alphabetic() };
        let (si, sj) = (i, j);
        while i < a.len() && class(a[i]) {
            i += 1;
        }
        while j < b.len() && class(b[j]) {
            j += 1;
        }
        if j == sj {
            // Different kinds of segment: numbers are newer than letters.
            return if numeric { Ordering::Greater } else { Ordering::Less };
        }
        let (mut x, mut y) = (&a[si..i], &b[sj..j]);
        let o = if numeric {
            while x.first() == Some(&b'0') {
                x = &x[1..];
            }
            while y.first() == Some(&b'0') {
                y = &y[1..];
            }
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        } else {
            x.cmp(y)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (false, _) => Ordering::Greater,
        (true, false) => Ordering::Less,
    }
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    let (ea, va, ra) = split(a)?;
    let (eb, vb, rb) = split(b)?;
    let o = ea.cmp(&eb).then_with(|| vercmp(va, vb));
    Ok(match (ra, rb) {
        (Some(x), Some(y)) => o.then_with(|| vercmp(x, y)),
        _ => o,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(a: &str, b: &str) {
        assert_eq!(compare(a, b).unwrap(), Ordering::Less, "{a} < {b}");
        assert_eq!(compare(b, a).unwrap(), Ordering::Greater, "{b} > {a}");
    }

    #[test]
    fn rpm_order() {
        lt("1.0", "1.0.1");
        lt("1.0.9", "1.0.10");
        assert_eq!(compare("1.001", "1.1").unwrap(), Ordering::Equal);
        assert_eq!(compare("1.0_1", "1.0.1").unwrap(), Ordering::Equal, "separators only separate");
        lt("1.0a", "1.0.1");
        lt("1.0", "1.0a");
        lt("a", "1");
        // Tilde: pre-releases; caret: snapshots after a release, before the next.
        lt("1.0~rc1", "1.0");
        lt("1.0~rc1", "1.0~rc2");
        lt("1.0~~", "1.0~");
        lt("1.0", "1.0^git1");
        lt("1.0^git1", "1.0.1");
        lt("1.0^git1", "1.0^git2");
        // Epoch first; a release is compared only when both have one.
        lt("2.02-156.el8", "1:2.02-1.el8");
        lt("1:2.02-156.el8", "1:2.02-157.el8");
        lt("2.02-156.el8", "2.02-156.el8_9.1");
        assert_eq!(compare("2.02", "2.02-156.el8").unwrap(), Ordering::Equal);
        // Real advisory pairs (openssl fixed in RHEL 8 and 9 builds).
        lt("1:1.1.1k-9.el8_7", "1:1.1.1k-12.el8_9");
        lt("1:3.0.7-24.el9", "1:3.0.7-25.el9_3");
    }

    #[test]
    fn bad_versions_are_errors() {
        assert!(compare("x:1.0", "1.0").is_err());
        assert!(compare("", "1.0").is_err());
    }
}
