//! `deb` (Debian, Ubuntu): dpkg's version order, after Debian Policy §5.6.12.
//! `[epoch:]upstream_version[-debian_revision]`: epochs compare by value (missing = 0); the
//! upstream version and the revision (after the last hyphen; missing = `0`) are compared part by
//! part — first a run of non-digits, character by character, where `~` sorts before everything
//! (even the end of the run), letters before every other character; then a run of digits by
//! value (missing = 0) — until one part differs.

use std::cmp::Ordering;

use super::VersError;

fn split(v: &str) -> Result<(u64, &str, &str), VersError> {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) => {
            let e = e.parse::<u64>().map_err(|_| super::bad_version("deb", v, "the epoch is not a number"))?;
            (e, r)
        }
        None => (0, v),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((u, r)) => (u, r),
        None => (rest, "0"),
    };
    if upstream.is_empty() || !upstream.as_bytes()[0].is_ascii_digit() {
        return Err(super::bad_version("deb", v, "the upstream version must start with a digit"));
    }
    let ok = |s: &str, extra: &[u8]| {
        s.bytes().all(|c| c.is_ascii_alphanumeric() || b".+~".contains(&c) || extra.contains(&c))
    };
    if !ok(upstream, b"-:") || !ok(revision, b"") {
        return Err(super::bad_version("deb", v, "characters outside [A-Za-z0-9.+~-:]"));
    }
    Ok((epoch, upstream, revision))
}

/// The sort weight of a character of a non-digit run; `None` is the end of the run.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

fn part(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit runs, character by character.
        loop {
            let ca = a.get(i).copied().filter(|c| !c.is_ascii_digit());
            let cb = b.get(j).copied().filter(|c| !c.is_ascii_digit());
            if ca.is_none() && cb.is_none() {
                break;
            }
            let o = weight(ca).cmp(&weight(cb));
            if o != Ordering::Equal {
                return o;
            }
            i += 1;
            j += 1;
        }
        // Digit runs, by value.
        let digits = |s: &[u8], k: &mut usize| {
            let start = *k;
            while *k < s.len() && s[*k].is_ascii_digit() {
                *k += 1;
            }
            let run = &s[start..*k];
            let nz = run.iter().position(|&c| c != b'0').unwrap_or(run.len());
            run[nz..].to_vec()
        };
        let (da, db) = (digits(a, &mut i), digits(b, &mut j));
        let o = da.len().cmp(&db.len()).then_with(|| da.cmp(&db));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    let (ea, ua, ra) = split(a)?;
    let (eb, ub, rb) = split(b)?;
    Ok(ea.cmp(&eb).then_with(|| part(ua, ub)).then_with(|| part(ra, rb)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(a: &str, b: &str) {
        assert_eq!(compare(a, b).unwrap(), Ordering::Less, "{a} < {b}");
        assert_eq!(compare(b, a).unwrap(), Ordering::Greater, "{b} > {a}");
    }

    #[test]
    fn policy_order() {
        // Tilde before everything, even the end: pre-releases sort first.
        lt("1.0~rc1-1", "1.0-1");
        lt("1.0~~", "1.0~");
        lt("1.0~", "1.0");
        // Letters before other characters; the end before letters.
        lt("1.0", "1.0a");
        lt("1.0a", "1.0+");
        lt("1.0+", "1.0.1");
        // Numbers by value, leading zeros ignored.
        lt("1.9", "1.10");
        assert_eq!(compare("1.010", "1.10").unwrap(), Ordering::Equal);
        // The epoch decides first; a missing revision is revision 0.
        lt("1:9.9", "2:0.1");
        lt("9.9", "1:0.1");
        assert_eq!(compare("1.0", "1.0-0").unwrap(), Ordering::Equal);
        // Distribution revisions (the OpenSSL fixed in Debian 12 vs Ubuntu's).
        lt("3.0.11-1~deb12u1", "3.0.11-1~deb12u2");
        lt("3.0.11-1~deb12u2", "3.0.11-1");
        lt("1.0-1", "1.0-1ubuntu1");
        lt("2.02-156.el8", "2.02-156.el8.1");
    }

    #[test]
    fn bad_versions_are_errors() {
        assert!(compare("x1.0", "1.0").is_err());
        assert!(compare("a:1.0", "1.0").is_err());
        assert!(compare("1.0_1", "1.0").is_err());
        assert!(compare("", "1.0").is_err());
    }
}
