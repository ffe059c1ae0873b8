//! `apk` (Alpine): apk-tools' version comparison, a token machine close to Gentoo's.
//!
//! Tokens: the first number; after `.` a number that, when it starts with zeros, first yields
//! "minus the number of zeros" (so `1.02` < `1.1`, read as fractions); a lower-case letter after a
//! number; `_suffix` (`alpha` < `beta` < `pre` < `rc` < none < `cvs` < `svn` < `git` < `hg` <
//! `p`) with an optional number; `-rN` revision. Tokens compare by value while both versions
//! have the same token kind; then a version that continues is greater, unless it continues with
//! a pre-release suffix; otherwise the kind order decides.

use std::cmp::Ordering;

use super::VersError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tok {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    /// Digits without leading zeros.
    Num(&'a [u8]),
    Small(i64),
}

fn cmp_val(a: Val<'_>, b: Val<'_>) -> Ordering {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Val::Small(x), Val::Small(y)) => x.cmp(&y),
        (Val::Small(x), Val::Num(y)) => cmp_small_num(x, y),
        (Val::Num(x), Val::Small(y)) => cmp_small_num(y, x).reverse(),
    }
}

fn cmp_small_num(x: i64, digits: &[u8]) -> Ordering {
    if x < 0 || digits.len() > 18 {
        return Ordering::Less;
    }
    let n = digits.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
    x.cmp(&n)
}

fn negative(v: Val<'_>) -> bool {
    matches!(v, Val::Small(x) if x < 0)
}

const PRE: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
    tok: Tok,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a [u8] {
        self.s.get(self.pos..).unwrap_or(&[])
    }

    /// Decides the kind of the next token from the separator or character at the cursor.
    fn next_kind(&mut self) {
        let rest = self.rest();
        let prev = self.tok;
        let mut n = Tok::Invalid;
        match rest.first() {
            None => n = Tok::End,
            Some(c) if matches!(prev, Tok::Digit | Tok::DigitOrZero) && c.is_ascii_lowercase() => n = Tok::Letter,
            Some(c) if prev == Tok::Letter && c.is_ascii_digit() => n = Tok::Digit,
            Some(c) if prev == Tok::Suffix && c.is_ascii_digit() => n = Tok::SuffixNo,
            Some(c) => {
                match c {
                    b'.' => n = Tok::DigitOrZero,
                    b'_' => n = Tok::Suffix,
                    b'-' if rest.get(1) == Some(&b'r') => {
                        n = Tok::RevisionNo;
                        self.pos += 1;
                    }
                    _ => {}
                }
                self.pos += 1;
            }
        }
        if n < prev
            && !((n == Tok::DigitOrZero && prev == Tok::Digit)
                || (n == Tok::Suffix && prev == Tok::SuffixNo)
                || (n == Tok::Digit && prev == Tok::Letter))
        {
            n = Tok::Invalid;
        }
        self.tok = n;
    }

    /// The value of the current token; moves to the next.
    fn value(&mut self) -> Val<'a> {
        let rest = self.rest();
        if rest.is_empty() {
            self.tok = Tok::End;
            return Val::Small(0);
        }
        let mut i = 0;
        let mut then = None;
        let v = match self.tok {
            Tok::DigitOrZero if rest[0] == b'0' => {
                while i < rest.len() && rest[i] == b'0' {
                    i += 1;
                }
                then = Some(Tok::Digit);
                Val::Small(-i64::try_from(i).unwrap_or(i64::MAX))
            }
            Tok::DigitOrZero | Tok::Digit | Tok::SuffixNo | Tok::RevisionNo => {
                while i < rest.len() && rest[i].is_ascii_digit() {
                    i += 1;
                }
                let d = &rest[..i];
                let first = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
                Val::Num(&d[first..])
            }
            Tok::Letter => {
                i = 1;
                Val::Small(i64::from(rest[0]))
            }
            Tok::Suffix => {
                let found = PRE
                    .iter()
                    .enumerate()
                    .map(|(k, w)| (k as i64 - PRE.len() as i64, w))
                    .chain(POST.iter().enumerate().map(|(k, w)| (k as i64, w)))
                    .find(|(_, w)| rest.starts_with(w.as_bytes()));
                match found {
                    Some((v, w)) => {
                        i = w.len();
                        Val::Small(v)
                    }
                    None => {
                        self.tok = Tok::Invalid;
                        return Val::Small(-1);
                    }
                }
            }
            Tok::Invalid | Tok::End => {
                self.tok = Tok::Invalid;
                return Val::Small(-1);
            }
        };
        self.pos += i;
        if self.rest().is_empty() {
            self.tok = Tok::End;
        } else if let Some(t) = then {
            self.tok = t;
        } else {
            self.next_kind();
        }
        v
    }
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    for v in [a, b] {
        if !v.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(super::bad_version("apk", v, "must start with a digit"));
        }
    }
    let mut ra = Reader { s: a.as_bytes(), pos: 0, tok: Tok::Digit };
    let mut rb = Reader { s: b.as_bytes(), pos: 0, tok: Tok::Digit };
    let (mut va, mut vb) = (Val::Small(0), Val::Small(0));
    while ra.tok == rb.tok && ra.tok != Tok::End && ra.tok != Tok::Invalid && cmp_val(va, vb) == Ordering::Equal {
        va = ra.value();
        vb = rb.value();
    }
    match cmp_val(va, vb) {
        Ordering::Equal => {}
        o => return Ok(o),
    }
    if ra.tok == rb.tok {
        return Ok(Ordering::Equal);
    }
    if ra.tok == Tok::Suffix && negative(Reader { s: ra.s, pos: ra.pos, tok: ra.tok }.value()) {
        return Ok(Ordering::Less);
    }
    if rb.tok == Tok::Suffix && negative(Reader { s: rb.s, pos: rb.pos, tok: rb.tok }.value()) {
        return Ok(Ordering::Greater);
    }
    Ok(ra.tok.cmp(&rb.tok).reverse())
}
