//! The generic component comparator and the profiles built on it (`siemens`, `rockwell`,
//! `schneider`). The algorithm is described in the parent module's docs.
//!
//! Both strings are read by a [`Tokens`] cursor that yields components lazily; comparison
//! stops at the first difference and then drains both cursors so that an invalid tail is still
//! an error. Nothing is allocated unless an error is returned.

use std::cmp::Ordering;

use super::{Profile, VersionError};

/// Class of a word. Order matters: pre-release < post-release < letter suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Class {
    Pre,
    Post,
    Letter,
}

// Orders inside a class.
const PRE_DEV: u8 = 0;
const PRE_ALPHA: u8 = 1;
const PRE_BETA: u8 = 2;
const PRE_MILESTONE: u8 = 3;
const PRE_PREVIEW: u8 = 4;
const PRE_RC: u8 = 5;
const POST_BUILD: u8 = 1;
const POST_PATCH: u8 = 2;
const POST_HOTFIX: u8 = 3;
const POST_UPDATE: u8 = 4;
const POST_SERVICE_PACK: u8 = 5;
const POST_FEATURE_PACK: u8 = 6;
const POST_REVISION: u8 = 7;
/// Vendor qualifiers a profile names (Schneider `IE`, `IR`).
const POST_VENDOR_1: u8 = 8;
const POST_VENDOR_2: u8 = 9;
/// Unknown words come after every known word of their class.
const UNKNOWN: u8 = 10;

/// What a word means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Word(Class, u8),
    /// "This is the release": skipped.
    Neutral,
    /// The first of a two-word qualifier: the second word and the qualifier's order.
    FirstOf(&'static str, u8),
}

/// Words every profile knows, given in lower case.
fn common_word(lower: &[u8]) -> Option<Meaning> {
    use Class::{Post, Pre};
    Some(match lower {
        b"dev" | b"snapshot" | b"nightly" => Meaning::Word(Pre, PRE_DEV),
        b"alpha" | b"a" => Meaning::Word(Pre, PRE_ALPHA),
        b"beta" | b"b" => Meaning::Word(Pre, PRE_BETA),
        b"milestone" | b"m" => Meaning::Word(Pre, PRE_MILESTONE),
        b"pre" | b"preview" => Meaning::Word(Pre, PRE_PREVIEW),
        b"rc" | b"c" | b"cr" => Meaning::Word(Pre, PRE_RC),
        b"build" | b"bld" => Meaning::Word(Post, POST_BUILD),
        b"patch" | b"p" | b"pl" | b"post" | b"fix" => Meaning::Word(Post, POST_PATCH),
        b"hotfix" | b"hf" | b"hotfixrev" => Meaning::Word(Post, POST_HOTFIX),
        b"update" | b"upd" | b"cu" | b"mp" => Meaning::Word(Post, POST_UPDATE),
        b"sp" | b"servicepack" => Meaning::Word(Post, POST_SERVICE_PACK),
        b"fp" | b"featurepack" => Meaning::Word(Post, POST_FEATURE_PACK),
        b"r" | b"rev" | b"revision" => Meaning::Word(Post, POST_REVISION),
        b"ga" | b"final" | b"release" | b"stable" => Meaning::Neutral,
        // Qualifiers written as two words: `Service Pack 1`, `Feature Pack 3`, `Security Patch 1`.
        b"service" => Meaning::FirstOf("pack", POST_SERVICE_PACK),
        b"feature" => Meaning::FirstOf("pack", POST_FEATURE_PACK),
        b"security" => Meaning::FirstOf("patch", POST_PATCH),
        _ => return None,
    })
}

fn common_prefix(lower: &[u8]) -> bool {
    matches!(lower, b"v" | b"ver" | b"version" | b"rev" | b"r" | b"fw" | b"firmware" | b"sv" | b"build")
}

/// The longest word looked up; longer words are never keywords.
const MAX_KEYWORD: usize = 12;

/// `word` in lower case in a stack buffer, or `None` when it is too long to be a keyword.
fn lowered(word: &[u8]) -> Option<([u8; MAX_KEYWORD], usize)> {
    if word.len() > MAX_KEYWORD {
        return None;
    }
    let mut buf = [0u8; MAX_KEYWORD];
    for (d, c) in buf.iter_mut().zip(word) {
        *d = c.to_ascii_lowercase();
    }
    Some((buf, word.len()))
}

/// The per-profile differences from the generic algorithm.
#[derive(Debug)]
pub(super) struct Rules {
    /// Prefix words (lower case) in addition to the common ones.
    prefixes: &'static [&'static str],
    /// Words (lower case) looked up before the common ones.
    words: &'static [(&'static str, Meaning)],
    /// Class of unknown words of up to three letters.
    unknown: Class,
    /// `(` and `)` separate components.
    parens_separate: bool,
}

const GENERIC: Rules = Rules { prefixes: &[], words: &[], unknown: Class::Pre, parens_separate: true };
const SIEMENS: Rules = Rules { prefixes: &["se"], words: &[], unknown: Class::Post, parens_separate: true };
const ROCKWELL: Rules = Rules { prefixes: &[], words: &[], unknown: Class::Post, parens_separate: true };
const SCHNEIDER: Rules = Rules {
    prefixes: &[],
    words: &[("ie", Meaning::Word(Class::Post, POST_VENDOR_1)), ("ir", Meaning::Word(Class::Post, POST_VENDOR_2))],
    unknown: Class::Post,
    parens_separate: true,
};

pub(super) fn rules(profile: Profile) -> &'static Rules {
    match profile {
        Profile::Siemens => &SIEMENS,
        Profile::Rockwell => &ROCKWELL,
        Profile::Schneider => &SCHNEIDER,
        Profile::Generic | Profile::Windows | Profile::Date => &GENERIC,
    }
}

/// One component.
#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    /// Digits without leading zeros (empty for zero).
    Num(&'a [u8]),
    /// A word; `text` is kept only where it decides order (unknown words, letter suffixes).
    Word {
        class: Class,
        order: u8,
        text: Option<&'a [u8]>,
    },
    Wild,
}

/// Why a string is not a version (turned into a [`VersionError`] only when reported).
#[derive(Debug, Clone, Copy)]
enum Problem {
    Empty,
    NoDigit,
    /// Byte offset of an unexpected character.
    Char(usize),
    /// Byte range of a free-text word.
    Word(usize, usize),
}

impl Problem {
    fn into_error(self, original: &str) -> VersionError {
        let t = original.trim();
        let reason = match self {
            Problem::Empty => "empty".to_string(),
            Problem::NoDigit => "no digit".to_string(),
            Problem::Char(at) => match t.get(at..).and_then(|rest| rest.chars().next()) {
                Some(c) => format!("unexpected character `{c}`"),
                None => "unexpected character".to_string(),
            },
            Problem::Word(from, to) => match t.get(from..to) {
                Some(w) => format!("`{w}` is free text, not a version qualifier"),
                None => "free text".to_string(),
            },
        };
        VersionError::new(original, reason)
    }
}

/// A lazy reader of components.
struct Tokens<'a> {
    s: &'a [u8],
    pos: usize,
    rules: &'static Rules,
    saw_digit: bool,
}

fn eq_word(word: &[u8], lower: &str) -> bool {
    word.eq_ignore_ascii_case(lower.as_bytes())
}

impl<'a> Tokens<'a> {
    fn new(version: &'a str, rules: &'static Rules) -> Result<Tokens<'a>, Problem> {
        let s = version.trim().as_bytes();
        if s.is_empty() {
            return Err(Problem::Empty);
        }
        let mut t = Tokens { s, pos: 0, rules, saw_digit: false };
        t.pos = t.after_prefixes();
        Ok(t)
    }

    fn is_prefix(&self, word: &[u8]) -> bool {
        let Some((buf, len)) = lowered(word) else { return false };
        let lower = &buf[..len];
        common_prefix(lower) || self.rules.prefixes.iter().any(|p| p.as_bytes() == lower)
    }

    fn is_sep(&self, c: u8) -> bool {
        matches!(c, b'.' | b'-' | b'_' | b'+' | b'~' | b' ' | b'\t')
            || (self.rules.parens_separate && matches!(c, b'(' | b')'))
    }

    fn letters_end(&self, from: usize) -> usize {
        let mut p = from;
        while p < self.s.len() && self.s[p].is_ascii_alphabetic() {
            p += 1;
        }
        p
    }

    /// Where the version proper starts: after a chain of prefix words that ends right before a
    /// digit (at most one separator after each word). Zero when there is no such chain.
    fn after_prefixes(&self) -> usize {
        let mut p = 0;
        loop {
            let end = self.letters_end(p);
            if end == p || !self.is_prefix(&self.s[p..end]) {
                return 0;
            }
            let mut q = end;
            if q < self.s.len() && self.is_sep(self.s[q]) {
                q += 1;
            }
            match self.s.get(q) {
                Some(c) if c.is_ascii_digit() => return q,
                Some(c) if c.is_ascii_alphabetic() => p = q,
                _ => return 0,
            }
        }
    }

    fn next(&mut self) -> Result<Option<Token<'a>>, Problem> {
        loop {
            while self.pos < self.s.len() && self.is_sep(self.s[self.pos]) {
                self.pos += 1;
            }
            let Some(&c) = self.s.get(self.pos) else { return Ok(None) };
            let start = self.pos;
            if c.is_ascii_digit() {
                while self.pos < self.s.len() && self.s[self.pos].is_ascii_digit() {
                    self.pos += 1;
                }
                self.saw_digit = true;
                let digits = &self.s[start..self.pos];
                let first_nonzero = digits.iter().position(|&d| d != b'0').unwrap_or(digits.len());
                return Ok(Some(Token::Num(&digits[first_nonzero..])));
            }
            if c == b'*' {
                self.pos += 1;
                return Ok(Some(Token::Wild));
            }
            if !c.is_ascii_alphabetic() {
                return Err(Problem::Char(start));
            }
            let end = self.letters_end(start);
            self.pos = end;
            let word = &self.s[start..end];
            let attached = start > 0 && self.s[start - 1].is_ascii_digit();
            let followed = self.s.get(end).is_some_and(u8::is_ascii_digit);
            if word.len() == 1 && attached && !followed {
                return Ok(Some(Token::Word { class: Class::Letter, order: 0, text: Some(word) }));
            }
            if !attached && !followed && word.iter().all(|&b| b == b'x' || b == b'X') && word.len() <= 3 {
                return Ok(Some(Token::Wild));
            }
            let meaning = lowered(word).and_then(|(buf, len)| {
                let lower = &buf[..len];
                self.rules
                    .words
                    .iter()
                    .find(|(w, _)| w.as_bytes() == lower)
                    .map(|&(_, m)| m)
                    .or_else(|| common_word(lower))
            });
            let meaning = match meaning {
                Some(Meaning::FirstOf(second, order)) => {
                    let mut p = end;
                    while p < self.s.len() && self.is_sep(self.s[p]) {
                        p += 1;
                    }
                    let second_end = self.letters_end(p);
                    if !eq_word(&self.s[p..second_end], second) {
                        return Err(Problem::Word(start, end));
                    }
                    self.pos = second_end;
                    Some(Meaning::Word(Class::Post, order))
                }
                other => other,
            };
            match meaning {
                Some(Meaning::Neutral) => continue,
                Some(Meaning::FirstOf(..)) => return Err(Problem::Word(start, end)),
                Some(Meaning::Word(class, order)) => return Ok(Some(Token::Word { class, order, text: None })),
                None if word.len() <= 3 => {
                    return Ok(Some(Token::Word { class: self.rules.unknown, order: UNKNOWN, text: Some(word) }));
                }
                None => return Err(Problem::Word(start, end)),
            }
        }
    }

    /// Reads the rest, reporting the first problem (including "no digit at all").
    fn finish(&mut self) -> Result<(), Problem> {
        while self.next()?.is_some() {}
        if self.saw_digit { Ok(()) } else { Err(Problem::NoDigit) }
    }
}

fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn cmp_text(a: Option<&[u8]>, b: Option<&[u8]>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.iter().map(u8::to_ascii_lowercase).cmp(b.iter().map(u8::to_ascii_lowercase)),
        _ => Ordering::Equal,
    }
}

/// Order of the first difference; both cursors stop somewhere inside their strings.
fn cmp_tokens(a: &mut Tokens<'_>, b: &mut Tokens<'_>) -> Result<Ordering, (bool, Problem)> {
    let mut ta = a.next().map_err(|p| (true, p))?;
    let mut tb = b.next().map_err(|p| (false, p))?;
    loop {
        let (advance_a, advance_b) = match (ta, tb) {
            (None, None) => return Ok(Ordering::Equal),
            (Some(Token::Wild), _) | (_, Some(Token::Wild)) => return Ok(Ordering::Equal),
            (Some(Token::Num(x)), Some(Token::Num(y))) => match cmp_digits(x, y) {
                Ordering::Equal => (true, true),
                o => return Ok(o),
            },
            (Some(Token::Num(x)), _) => {
                if !x.is_empty() {
                    return Ok(Ordering::Greater);
                }
                (true, false)
            }
            (_, Some(Token::Num(y))) => {
                if !y.is_empty() {
                    return Ok(Ordering::Less);
                }
                (false, true)
            }
            (
                Some(Token::Word { class: ca, order: oa, text: xa }),
                Some(Token::Word { class: cb, order: ob, text: xb }),
            ) => match ca.cmp(&cb).then(oa.cmp(&ob)).then_with(|| cmp_text(xa, xb)) {
                Ordering::Equal => (true, true),
                o => return Ok(o),
            },
            (Some(Token::Word { class, .. }), None) => {
                return Ok(if class == Class::Pre { Ordering::Less } else { Ordering::Greater });
            }
            (None, Some(Token::Word { class, .. })) => {
                return Ok(if class == Class::Pre { Ordering::Greater } else { Ordering::Less });
            }
        };
        if advance_a {
            ta = a.next().map_err(|p| (true, p))?;
        }
        if advance_b {
            tb = b.next().map_err(|p| (false, p))?;
        }
    }
}

pub(super) fn compare(a: &str, b: &str, rules: &'static Rules) -> Result<Ordering, VersionError> {
    let mut ta = Tokens::new(a, rules).map_err(|p| p.into_error(a))?;
    let mut tb = Tokens::new(b, rules).map_err(|p| p.into_error(b))?;
    let order = match cmp_tokens(&mut ta, &mut tb) {
        Ok(o) => o,
        Err((true, p)) => return Err(p.into_error(a)),
        Err((false, p)) => return Err(p.into_error(b)),
    };
    ta.finish().map_err(|p| p.into_error(a))?;
    tb.finish().map_err(|p| p.into_error(b))?;
    Ok(order)
}

pub(super) fn validate(v: &str, rules: &'static Rules) -> Result<(), VersionError> {
    let mut t = Tokens::new(v, rules).map_err(|p| p.into_error(v))?;
    t.finish().map_err(|p| p.into_error(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(a, b, &GENERIC).unwrap()
    }

    #[test]
    fn basic_order() {
        assert_eq!(cmp("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(cmp("1.0rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0 build 5"), Ordering::Less);
        assert_eq!(cmp("1.0 build 5", "1.0a"), Ordering::Less);
        assert_eq!(cmp("1.0a", "1.0.1"), Ordering::Less);
        assert_eq!(cmp("4", "4a"), Ordering::Less);
        assert_eq!(cmp("4a", "4b"), Ordering::Less);
        assert_eq!(cmp("4b", "4.1"), Ordering::Less);
        assert_eq!(cmp("1.0-final", "1.0"), Ordering::Equal);
        assert_eq!(cmp("0", "0.0"), Ordering::Equal);
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let a = "9".repeat(5000);
        let b = format!("1{}", "0".repeat(5000));
        assert_eq!(cmp(&a, &b), Ordering::Less);
        assert_eq!(cmp(&format!("000{a}"), &a), Ordering::Equal);
    }

    #[test]
    fn errors() {
        for bad in ["", "   ", "abc", "x", "*", "1.0 with Ethernet", "1,0", "1.0é", "service 1"] {
            assert!(compare(bad, "1.0", &GENERIC).is_err(), "{bad:?}");
            assert!(compare("1.0", bad, &GENERIC).is_err(), "{bad:?}");
        }
    }
}
