//! `pypi`: PEP 440 versions, read with PEP 440's normalisation rules (case, `v` prefix,
//! `alpha`/`beta`/`c`/`pre`/`preview` spellings, optional separators, implicit numbers, `-N`
//! post-releases) and ordered as PEP 440 says: epoch, release (zero-padded), then
//! `.devN` < `aN` < `bN` < `rcN` < release < `.postN`, with dev-releases of a pre- or
//! post-release just before it, then the local label.

use std::cmp::Ordering;

use super::{VersError, bad_version};

#[derive(Debug, Default)]
struct Pep440 {
    epoch: Vec<u8>,
    release: Vec<Vec<u8>>,
    /// (phase: a = 0, b = 1, rc = 2; number)
    pre: Option<(u8, Vec<u8>)>,
    post: Option<Vec<u8>>,
    dev: Option<Vec<u8>>,
    local: Option<Vec<String>>,
}

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn digits(&mut self) -> Option<Vec<u8>> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            return None;
        }
        let d = &self.s[start..self.pos];
        let first = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
        Some(d[first..].to_vec())
    }

    fn sep(&mut self) -> bool {
        if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Reads one of `words` (longest first), returning its index.
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        let rest = &self.s[self.pos..];
        let (i, w) =
            words.iter().enumerate().filter(|(_, w)| rest.starts_with(w.as_bytes())).max_by_key(|(_, w)| w.len())?;
        self.pos += w.len();
        Some(i)
    }

    /// `[sep] word [sep] [N]`; restores the position when `words` do not follow.
    fn tagged(&mut self, words: &[&str]) -> Option<(usize, Vec<u8>)> {
        let save = self.pos;
        self.sep();
        let Some(i) = self.word(words) else {
            self.pos = save;
            return None;
        };
        let after_word = self.pos;
        self.sep();
        let n = match self.digits() {
            Some(n) => n,
            None => {
                self.pos = after_word;
                Vec::new()
            }
        };
        Some((i, n))
    }
}

fn parse(v: &str) -> Result<Pep440, VersError> {
    let err = |reason: &str| bad_version("pypi", v, reason);
    let lower = v.trim().to_ascii_lowercase();
    let mut r = Reader { s: lower.as_bytes(), pos: 0 };
    if r.peek() == Some(b'v') {
        r.pos += 1;
    }
    let mut out = Pep440::default();
    let first = r.digits().ok_or_else(|| err("expected a release number"))?;
    if r.peek() == Some(b'!') {
        r.pos += 1;
        out.epoch = first;
        out.release.push(r.digits().ok_or_else(|| err("expected a release number after the epoch"))?);
    } else {
        out.release.push(first);
    }
    while r.peek() == Some(b'.') && r.s.get(r.pos + 1).is_some_and(u8::is_ascii_digit) {
        r.pos += 1;
        out.release.push(r.digits().ok_or_else(|| err("expected a number"))?);
    }
    const PRE_WORDS: [&str; 8] = ["a", "alpha", "b", "beta", "c", "rc", "pre", "preview"];
    const PRE_PHASE: [u8; 8] = [0, 0, 1, 1, 2, 2, 2, 2];
    if let Some((i, n)) = r.tagged(&PRE_WORDS) {
        out.pre = Some((PRE_PHASE.get(i).copied().unwrap_or(2), n));
    }
    if let Some((_, n)) = r.tagged(&["post", "rev", "r"]) {
        out.post = Some(n);
    } else if r.peek() == Some(b'-') && r.s.get(r.pos + 1).is_some_and(u8::is_ascii_digit) {
        r.pos += 1;
        out.post = r.digits();
    }
    if let Some((_, n)) = r.tagged(&["dev"]) {
        out.dev = Some(n);
    }
    if r.peek() == Some(b'+') {
        r.pos += 1;
        let local = std::str::from_utf8(&r.s[r.pos..]).map_err(|_| err("invalid local label"))?;
        let segs: Vec<String> = local.split(['.', '-', '_']).map(str::to_string).collect();
        if segs.iter().any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_alphanumeric())) {
            return Err(err("invalid local label"));
        }
        out.local = Some(segs);
        r.pos = r.s.len();
    }
    if r.pos != r.s.len() {
        return Err(err("unexpected text"));
    }
    Ok(out)
}

fn cmp_num(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn cmp_release(a: &[Vec<u8>], b: &[Vec<u8>]) -> Ordering {
    let zero: Vec<u8> = Vec::new();
    for i in 0..a.len().max(b.len()) {
        let o = cmp_num(a.get(i).unwrap_or(&zero), b.get(i).unwrap_or(&zero));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn cmp_local(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let nx = x.bytes().all(|c| c.is_ascii_digit());
        let ny = y.bytes().all(|c| c.is_ascii_digit());
        let o = match (nx, ny) {
            (true, true) => {
                let sx = x.trim_start_matches('0');
                let sy = y.trim_start_matches('0');
                cmp_num(sx.as_bytes(), sy.as_bytes())
            }
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// (class, phase, number): a dev-release of the release itself sorts before its pre-releases.
fn pre_key(v: &Pep440) -> (u8, u8, &[u8]) {
    match (&v.pre, &v.post, &v.dev) {
        (None, None, Some(_)) => (0, 0, &[]),
        (Some((phase, n)), _, _) => (1, *phase, n),
        _ => (2, 0, &[]),
    }
}

fn cmp_opt_num(a: Option<&Vec<u8>>, b: Option<&Vec<u8>>, none_first: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => {
            if none_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (Some(_), None) => {
            if none_first {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Some(x), Some(y)) => cmp_num(x, y),
    }
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    let va = parse(a)?;
    let vb = parse(b)?;
    let (ca, pa, na) = pre_key(&va);
    let (cb, pb, nb) = pre_key(&vb);
    Ok(cmp_num(&va.epoch, &vb.epoch)
        .then_with(|| cmp_release(&va.release, &vb.release))
        .then_with(|| ca.cmp(&cb).then(pa.cmp(&pb)).then_with(|| cmp_num(na, nb)))
        .then_with(|| cmp_opt_num(va.post.as_ref(), vb.post.as_ref(), true))
        .then_with(|| cmp_opt_num(va.dev.as_ref(), vb.dev.as_ref(), false))
        .then_with(|| match (&va.local, &vb.local) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => cmp_local(x, y),
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_order() {
        let order = [
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.1.dev1",
            "1!0.1",
        ];
        for w in order.windows(2) {
            assert_eq!(compare(w[0], w[1]).unwrap(), Ordering::Less, "{w:?}");
        }
        assert_eq!(compare("1.0-1", "1.0.post1").unwrap(), Ordering::Equal);
        assert_eq!(compare("V1.0ALPHA", "1.0a0").unwrap(), Ordering::Equal);
        assert_eq!(compare("1.0", "1.0.0.0").unwrap(), Ordering::Equal);
        assert!(compare("1.0 foo", "1.0").is_err());
        assert!(compare("", "1.0").is_err());
    }
}
