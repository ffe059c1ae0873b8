//! `openssl`: OpenSSL release versions. Numbers separated by `.` compare by value (missing ones
//! as zero); the legacy letter releases follow (`1.0.2` < `1.0.2a` < … < `1.0.2z` < `1.0.2za`,
//! letters compared as text); a `-pre`/`-alpha`/`-beta` tag (`3.0.0-alpha17`, `1.1.1-pre9`)
//! sorts before the release, by tag number.

use std::cmp::Ordering;

use super::{VersError, bad_version};

struct OpenSsl<'a> {
    numbers: Vec<&'a [u8]>,
    letters: &'a [u8],
    /// (tag rank: alpha 0, beta 1, pre 2; number)
    pre: Option<(u8, &'a [u8])>,
}

fn strip(d: &[u8]) -> &[u8] {
    let first = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
    &d[first..]
}

fn parse(v: &str) -> Result<OpenSsl<'_>, VersError> {
    let err = |reason: &str| bad_version("openssl", v, reason);
    let (main, tag) = match v.split_once('-') {
        Some((m, t)) => (m, Some(t)),
        None => (v, None),
    };
    let b = main.as_bytes();
    let letters_at = b.iter().rposition(|c| !c.is_ascii_lowercase()).map_or(0, |i| i + 1);
    let (nums, letters) = b.split_at(letters_at);
    let numbers: Vec<&[u8]> = nums.split(|&c| c == b'.').map(strip).collect();
    if nums.is_empty() || nums.split(|&c| c == b'.').any(|n| n.is_empty() || !n.iter().all(u8::is_ascii_digit)) {
        return Err(err("expected numbers separated by `.`"));
    }
    let pre = match tag {
        None => None,
        Some(t) => {
            let (rank, rest) = [("alpha", 0u8), ("beta", 1), ("pre", 2)]
                .into_iter()
                .find_map(|(w, r)| t.strip_prefix(w).map(|rest| (r, rest)))
                .ok_or_else(|| err("unknown pre-release tag"))?;
            if !rest.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err("unknown pre-release tag"));
            }
            Some((rank, strip(rest.as_bytes())))
        }
    };
    Ok(OpenSsl { numbers, letters, pre })
}

fn cmp_num(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    let (va, vb) = (parse(a)?, parse(b)?);
    for i in 0..va.numbers.len().max(vb.numbers.len()) {
        let o = cmp_num(va.numbers.get(i).copied().unwrap_or(&[]), vb.numbers.get(i).copied().unwrap_or(&[]));
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(va.letters.cmp(vb.letters).then_with(|| match (va.pre, vb.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some((ra, na)), Some((rb, nb))) => ra.cmp(&rb).then_with(|| cmp_num(na, nb)),
    }))
}
