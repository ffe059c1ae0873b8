//! Which of two versions of one intelligence record the store keeps. The rules are the same for
//! every backend; a backend finds the stored version by the record's key and asks [`decide`].
//!
//! # Keys: what counts as "one record"
//! * Advisory: `(family, id, variant)`. The family is `nvd` for [`Source::Nvd11`] and
//!   [`Source::Nvd2`] — the same CVE from the 1.1 and the 2.0 feed is one record — and the
//!   source's [`Source::as_str`] otherwise. The variant is the provenance document for
//!   [`Source::Cve5Adp`] (`CVE-…#adp/<shortName>`, so several ADP containers of one CVE stay
//!   apart) and empty otherwise. Ids compare case-insensitively (ASCII).
//! * KEV entry: `(cve, source)`: the catalog entry ([`Source::Kev`], from the JSON or the CSV
//!   catalog alike) and the echo of it in a CVE 5 ADP container ([`Source::Cve5Adp`]) are kept
//!   apart, so a view can show who said what.
//! * EPSS score: the CVE. SSVC points: `(cve, role)`, a missing role being the empty role.
//!
//! # Same content
//! Two versions whose content is equal apart from the provenance are the same: the incoming one
//! counts as unchanged and nothing is written, so the stored provenance says where the content
//! was first read. This is what makes the KEV catalog as JSON (with a `catalogVersion`) and as CSV
//! (without) one entry, a re-import of a feed under another file name a no-op, and an NVD CVE that
//! appears in both the yearly and the `modified` feed one unchanged record.
//!
//! # Order
//! When the content differs, the versions are ordered by their stamps, compared in turn until
//! one decides: for advisories `modified`, then the provenance revision (`lastModified`,
//! `dateUpdated`, CSAF `tracking.version`); for KEV entries the revision (`catalogVersion`, the
//! ADP `dateUpdated`); for EPSS the score date; for SSVC the timestamp, then the revision. A stamp
//! that only one of the two versions has decides nothing and is passed over. Two stamps compare
//! by [`compare_stamp`]:
//! * both dates or timestamps (`2024-05-01`, RFC 3339, `2024-05-01T12:00`, NVD 1.1's
//!   `2022-10-20T15:15Z`, ISO offsets such as `+0000`): as instants in UTC, at the coarser
//!   precision of the two (day, minute, second, fraction), so NVD 1.1's minute stamps equal the
//!   2.0 feed's second stamps of the same minute; a stamp without offset is read as UTC;
//! * both version numbers (`3`, `1.10.0`, `v2`, semver pre-releases `1.0.0-rc.1`; CSAF
//!   `tracking.version`, KEV `2025.02.20`): numerically component by component, missing
//!   components being 0, a pre-release before its release, build metadata ignored;
//! * equal strings are equal; anything else is incomparable.
//!
//! Then: newer incoming → it replaces the stored version; older → the stored one is kept;
//! incomparable (different forms, or no stamp on either side) → the incoming one replaces, as
//! the later import is the better guess. At equal stamps the incoming one replaces too, with one
//! exception: an NVD 1.1 record never replaces an NVD 2.0 record of the same stamps, because the
//! 1.1 feed carries less (no CVSS 4.0, no CNA scores) and was retired in 2023.

use std::cmp::Ordering;

use model::advisory::Source;

/// What to do with an incoming version of a stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing stored under the key: insert.
    New,
    /// Same content apart from the provenance: write nothing.
    Unchanged,
    /// Newer, incomparable, or equal stamps: the incoming version replaces the stored one.
    Replace,
    /// Older than the stored version, which is kept.
    Older,
}

/// One side of a comparison: the record serialised as JSON (its provenance, if any, as the last
/// top-level member), the stamps in the order they are compared, and its source.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    pub doc: &'a str,
    pub stamps: [Option<&'a str>; 2],
    pub source: Source,
}

/// The verdict for `incoming` over `stored` (`None`: nothing stored). See the module docs.
pub fn decide(stored: Option<&Version<'_>>, incoming: &Version<'_>) -> Verdict {
    let Some(stored) = stored else { return Verdict::New };
    if content(stored.doc) == content(incoming.doc) {
        return Verdict::Unchanged;
    }
    match compare_stamps(&incoming.stamps, &stored.stamps) {
        Some(Ordering::Less) => Verdict::Older,
        Some(Ordering::Equal) if stored.source == Source::Nvd2 && incoming.source == Source::Nvd11 => Verdict::Older,
        Some(Ordering::Equal | Ordering::Greater) | None => Verdict::Replace,
    }
}

/// The record's JSON without its provenance: everything before the last top-level
/// `,"provenance":` member. Inside a JSON string every `"` is escaped, so that text can only be
/// the member itself; the provenance is the last field of every intelligence record, and holds
/// no member of that name. A document without one is its own content.
pub fn content(doc: &str) -> &str {
    match doc.rfind(",\"provenance\":") {
        Some(at) if doc.ends_with('}') => &doc[..at],
        _ => doc,
    }
}

/// Compares two lists of stamps in turn (see the module docs): the first pair that decides,
/// `Equal` when every pair both sides have is equal, `None` when a pair is incomparable or no
/// pair has both sides.
pub fn compare_stamps(a: &[Option<&str>], b: &[Option<&str>]) -> Option<Ordering> {
    let mut compared = false;
    for (x, y) in a.iter().zip(b) {
        let (Some(x), Some(y)) = (x, y) else { continue };
        match compare_stamp(x, y)? {
            Ordering::Equal => compared = true,
            decided => return Some(decided),
        }
    }
    compared.then_some(Ordering::Equal)
}

/// Compares two stamps as dates, as version numbers, or as equal strings; `None` when they are
/// of different forms or neither form. See the module docs.
pub fn compare_stamp(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return Some(Ordering::Equal);
    }
    match (Stamp::parse(a), Stamp::parse(b)) {
        (Some(x), Some(y)) => return Some(x.cmp_at_common_precision(&y)),
        // A date is never compared with anything else (`2024-01-01` would read as version 2024).
        (Some(_), None) | (None, Some(_)) => return None,
        (None, None) => {}
    }
    if let (Some(x), Some(y)) = (VersionNumber::parse(a), VersionNumber::parse(b)) {
        return Some(x.cmp(&y));
    }
    None
}

/// A stamp in a form that sorts as text: a date stays `YYYY-MM-DD`, a timestamp becomes UTC
/// `YYYY-MM-DDTHH:MM:SSZ` (fractions dropped); anything else is returned trimmed, as it is.
pub fn sortable(stamp: &str) -> String {
    let stamp = stamp.trim();
    match Stamp::parse(stamp) {
        Some(s) if s.precision == Precision::Day => {
            let (y, m, d) = civil_from_days(s.secs.div_euclid(86_400));
            format!("{y:04}-{m:02}-{d:02}")
        }
        Some(s) => {
            let (days, rest) = (s.secs.div_euclid(86_400), s.secs.rem_euclid(86_400));
            let (y, m, d) = civil_from_days(days);
            format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
        }
        None => stamp.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precision {
    Day,
    Minute,
    Second,
    Fraction,
}

/// An instant in UTC with the precision it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    secs: i64,
    nanos: u32,
    precision: Precision,
}

/// A cursor over the ASCII bytes of a stamp.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    /// Exactly `n` decimal digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let d = self.b.get(self.i..self.i + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(d.iter().fold(0, |v, c| v * 10 + i64::from(c - b'0')))
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

impl Stamp {
    /// `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:MM`, `:SS`, `.fraction`,
    /// and a zone `Z`, `±HH:MM`, `±HHMM` or `±HH`.
    fn parse(s: &str) -> Option<Stamp> {
        let mut c = Cursor { b: s.as_bytes(), i: 0 };
        let year = c.digits(4)?;
        let month = if c.eat(b'-') { c.digits(2)? } else { return None };
        let day = if c.eat(b'-') { c.digits(2)? } else { return None };
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let date = days_from_civil(year, month, day) * 86_400;
        if c.done() {
            return Some(Stamp { secs: date, nanos: 0, precision: Precision::Day });
        }
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return None;
        }
        let hour = c.digits(2)?;
        let minute = if c.eat(b':') { c.digits(2)? } else { return None };
        let (mut second, mut nanos, mut precision) = (0, 0, Precision::Minute);
        if c.eat(b':') {
            second = c.digits(2)?;
            precision = Precision::Second;
            if c.eat(b'.') || c.eat(b',') {
                let start = c.i;
                let mut scale = 100_000_000;
                while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                    nanos += u32::from(d - b'0') * scale;
                    scale /= 10;
                    c.i += 1;
                }
                if c.i == start {
                    return None;
                }
                precision = Precision::Fraction;
            }
        }
        // 24:00 is not accepted; a leap second 60 is read as 59.
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let offset = if c.done() || c.eat(b'Z') || c.eat(b'z') {
            0
        } else {
            let sign = if c.eat(b'+') {
                1
            } else if c.eat(b'-') {
                -1
            } else {
                return None;
            };
            let h = c.digits(2)?;
            let m = if c.done() {
                0
            } else {
                c.eat(b':');
                c.digits(2)?
            };
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        };
        if !c.done() {
            return None;
        }
        let secs = date + hour * 3600 + minute * 60 + second.min(59) - offset;
        Some(Stamp { secs, nanos, precision })
    }

    fn cmp_at_common_precision(&self, other: &Stamp) -> Ordering {
        match self.precision.min(other.precision) {
            Precision::Day => self.secs.div_euclid(86_400).cmp(&other.secs.div_euclid(86_400)),
            Precision::Minute => self.secs.div_euclid(60).cmp(&other.secs.div_euclid(60)),
            Precision::Second => self.secs.cmp(&other.secs),
            Precision::Fraction => (self.secs, self.nanos).cmp(&(other.secs, other.nanos)),
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A dotted version number with an optional semver pre-release.
#[derive(Debug, PartialEq, Eq)]
struct VersionNumber<'a> {
    core: Vec<u64>,
    pre: Option<&'a str>,
}

impl<'a> VersionNumber<'a> {
    fn parse(s: &'a str) -> Option<Self> {
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let s = s.split_once('+').map_or(s, |(v, _build)| v);
        let (core, pre) = match s.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, Some(pre)),
            Some(_) => return None,
            None => (s, None),
        };
        let core = core
            .split('.')
            .map(|c| if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) { c.parse().ok() } else { None })
            .collect::<Option<Vec<u64>>>()?;
        Some(VersionNumber { core, pre })
    }
}

impl Ord for VersionNumber<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.core.len().max(other.core.len());
        let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
        (0..n).map(|i| at(&self.core, i).cmp(&at(&other.core, i))).find(|o| o.is_ne()).unwrap_or_else(|| {
            match (self.pre, other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => cmp_pre_release(a, b),
            }
        })
    }
}

impl PartialOrd for VersionNumber<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Semver precedence of two pre-release tags: dot-separated identifiers in turn, numeric ones
/// numerically and before alphanumeric ones; a tag that is a prefix of the other comes first.
fn cmp_pre_release(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.split('.'), b.split('.'));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => p.cmp(q),
                };
                if o.is_ne() {
                    return o;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn dates_compare_as_instants_at_the_coarser_precision() {
        let cases = [
            ("2022-10-20T15:15Z", "2022-10-20T15:15:03.187", Some(Equal)),
            ("2022-10-20T15:15Z", "2022-10-20T15:16:00", Some(Less)),
            ("2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00Z", Some(Equal)),
            ("2024-05-01T14:00:00+0200", "2024-05-01T12:00:01Z", Some(Less)),
            ("2025-02-20T00:00:00+0000", "2025-02-20", Some(Equal)),
            ("2024-05-01T23:30:00-05:00", "2024-05-02", Some(Equal)),
            ("2024-01-31", "2024-02-01", Some(Less)),
            ("2024-05-01T10:00:00.5Z", "2024-05-01T10:00:00.25Z", Some(Greater)),
            ("2024-05-01 10:00", "2024-05-01T10:00:00Z", Some(Equal)),
            ("2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z", Some(Less)),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_stamp(a, b), want, "{a} vs {b}");
            assert_eq!(compare_stamp(b, a), want.map(Ordering::reverse), "{b} vs {a}");
        }
        for bad in ["2024-02-30", "2023-02-29", "2024-13-01", "2024-05-01T25:00", "2024-05-01T10:00:00+", "2024-5-1"] {
            assert_eq!(Stamp::parse(bad), None, "{bad}");
        }
        assert!(Stamp::parse("2024-02-29").is_some());
    }

    #[test]
    fn versions_compare_numerically() {
        let cases = [
            ("9", "10", Some(Less)),
            ("1.10.0", "1.9.9", Some(Greater)),
            ("1", "1.0.0", Some(Equal)),
            ("v2", "1.5", Some(Greater)),
            ("1.0.0-rc.1", "1.0.0", Some(Less)),
            ("1.0.0-rc.2", "1.0.0-rc.10", Some(Less)),
            ("1.0.0-alpha", "1.0.0-1", Some(Greater)),
            ("1.0.0+build.5", "1.0.0", Some(Equal)),
            ("2025.02.20", "2025.02.3", Some(Greater)),
            ("draft", "final", None),
            ("1.0", "2024-01-01", None),
            ("same text", " same text ", Some(Equal)),
            ("1..2", "1.2", None),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_stamp(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn stamps_are_compared_in_turn_and_one_sided_ones_are_passed_over() {
        assert_eq!(compare_stamps(&[Some("2024-01-02"), Some("1")], &[Some("2024-01-01"), Some("9")]), Some(Greater));
        assert_eq!(compare_stamps(&[Some("2024-01-01"), Some("10")], &[Some("2024-01-01"), Some("9")]), Some(Greater));
        assert_eq!(compare_stamps(&[None, Some("2")], &[Some("2024-01-01"), Some("3")]), Some(Less));
        assert_eq!(compare_stamps(&[None, Some("2")], &[Some("2024-01-01"), None]), None);
        assert_eq!(compare_stamps(&[Some("a"), Some("2")], &[Some("b"), Some("1")]), None);
        assert_eq!(compare_stamps(&[Some("2024-01-01"), None], &[Some("2024-01-01"), None]), Some(Equal));
    }

    #[test]
    fn content_leaves_out_the_provenance() {
        let a = r#"{"id":"X","note":",\"provenance\":1","provenance":{"source":"kev","file":"a.json"}}"#;
        let b = r#"{"id":"X","note":",\"provenance\":1","provenance":{"source":"kev","file":"b.csv"}}"#;
        assert_eq!(content(a), r#"{"id":"X","note":",\"provenance\":1""#);
        assert_eq!(content(a), content(b));
        assert_eq!(content(r#"{"id":"X"}"#), r#"{"id":"X"}"#);
    }

    #[test]
    fn decisions() {
        let v = |doc, modified, source| Version { doc, stamps: [modified, None], source };
        let old = v(r#"{"t":1,"provenance":{"f":"a"}}"#, Some("2024-01-01"), Source::Nvd2);
        let same = v(r#"{"t":1,"provenance":{"f":"b"}}"#, Some("2024-02-01"), Source::Nvd11);
        let newer = v(r#"{"t":2,"provenance":{}}"#, Some("2024-02-01"), Source::Nvd11);
        let older = v(r#"{"t":2,"provenance":{}}"#, Some("2023-12-01"), Source::Nvd2);
        let tie11 = v(r#"{"t":2,"provenance":{}}"#, Some("2024-01-01"), Source::Nvd11);
        let tie2 = v(r#"{"t":2,"provenance":{}}"#, Some("2024-01-01"), Source::Nvd2);
        let unstamped = v(r#"{"t":3,"provenance":{}}"#, None, Source::Nvd11);
        assert_eq!(decide(None, &old), Verdict::New);
        assert_eq!(decide(Some(&old), &same), Verdict::Unchanged);
        assert_eq!(decide(Some(&old), &newer), Verdict::Replace);
        assert_eq!(decide(Some(&old), &older), Verdict::Older);
        assert_eq!(decide(Some(&old), &tie11), Verdict::Older, "1.1 never displaces 2.0 at equal stamps");
        assert_eq!(decide(Some(&tie11), &old), Verdict::Replace);
        assert_eq!(decide(Some(&old), &tie2), Verdict::Replace);
        assert_eq!(decide(Some(&old), &unstamped), Verdict::Replace, "incomparable: the incoming one replaces");
    }

    #[test]
    fn sortable_stamps() {
        assert_eq!(sortable("2024-05-01T14:00:00.123+02:00"), "2024-05-01T12:00:00Z");
        assert_eq!(sortable("2022-10-20T15:15Z"), "2022-10-20T15:15:00Z");
        assert_eq!(sortable("2024-03-01T00:30:00+01:00"), "2024-02-29T23:30:00Z");
        assert_eq!(sortable(" 2025-02-20 "), "2025-02-20");
        assert_eq!(sortable("3.1"), "3.1");
        for days in [-1, 0, 59, 60, 365, 11_016, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
