//! A walker over a parsed, span-carrying TOML table: it takes the keys it is asked for, checks
//! their types, records every problem with the byte offset of the value involved instead of
//! stopping at the first, and in the end reports the keys nobody asked for.
//!
//! It also keeps the side tables that let a problem found later on the finished [`model::Plant`]
//! (which knows records and fields, not bytes) point back into the file. It never panics on any
//! parsed document.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::ops::Range;
use std::str::FromStr;

use model::{BadValue, Date};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(crate) type Span = Range<usize>;
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// Errors kept before the rest are only counted.
pub(crate) const MAX_ERRORS: usize = 1000;

/// One problem, placed by byte offset; turned into line and column at the end.
pub(crate) struct RawError {
    pub at: usize,
    pub key: String,
    pub message: String,
}

/// Where a model field was written: its key path and the span of its value.
#[derive(Clone)]
pub(crate) struct Place {
    pub key: String,
    pub span: Span,
}

/// The collected errors and the places of model fields.
#[derive(Default)]
pub(crate) struct Ctx {
    pub errors: Vec<RawError>,
    pub omitted: usize,
    /// (subject, field) → where each record with that subject wrote the field, in file order.
    places: HashMap<(String, String), Vec<Place>>,
    cursors: HashMap<(String, String), usize>,
    /// (subject, field) pairs whose value could not be read: the model holds a placeholder there,
    /// and the reader has already reported the real problem.
    poisoned: HashSet<(String, String)>,
    /// Set on the first, fast pass over a file: places are only needed to locate problems, and
    /// recording one per field of 100,000 assets costs more than reading them.
    skip_places: bool,
}

impl Ctx {
    /// A context that records no places, for the first pass.
    pub fn without_places() -> Self {
        Ctx { skip_places: true, ..Ctx::default() }
    }

    pub fn err(&mut self, span: &Span, key: impl Into<String>, message: impl Into<String>) {
        if self.errors.len() >= MAX_ERRORS {
            self.omitted += 1;
            return;
        }
        self.errors.push(RawError { at: span.start, key: key.into(), message: message.into() });
    }

    /// Remembers where the model field `field` of `subject` (`asset PLC-1`, `ips[0]`) was written.
    pub fn place(&mut self, subject: &str, field: impl Into<String>, key: impl Into<String>, span: Span) {
        if self.skip_places {
            return;
        }
        self.places.entry((subject.to_string(), field.into())).or_default().push(Place { key: key.into(), span });
    }

    pub fn poison(&mut self, subject: &str, field: impl Into<String>) {
        self.poisoned.insert((subject.to_string(), field.into()));
    }

    pub fn is_poisoned(&self, subject: &str, field: &str) -> bool {
        self.poisoned.contains(&(subject.to_string(), field.to_string()))
    }

    /// Where a problem on (subject, field) should point. Records sharing a subject (duplicate ids)
    /// are handed out in file order; a duplicate-id problem is never about the first of them.
    pub fn find(&mut self, subject: &str, field: &str) -> Option<Place> {
        let k = (subject.to_string(), field.to_string());
        let places = self.places.get(&k)?;
        let first = usize::from(field == "id" && places.len() > 1);
        let cursor = self.cursors.entry(k).or_insert(first);
        let i = (*cursor).min(places.len().saturating_sub(1));
        *cursor += 1;
        places.get(i).cloned()
    }
}

/// What a key held.
pub(crate) enum Got<T> {
    Absent,
    /// Present but unusable; already reported.
    Bad,
    Ok(T, Span),
}

impl<T> Got<T> {
    pub fn ok(self) -> Option<T> {
        match self {
            Got::Ok(v, _) => Some(v),
            _ => None,
        }
    }
}

/// One element of an array value: its index in the file, the converted value and its span.
pub(crate) struct Item<T> {
    pub index: usize,
    pub value: T,
    pub span: Span,
}

/// A table being read.
pub(crate) struct Tbl<'a, 'i> {
    /// Key path of the table (`asset`, `conduit.rule`); empty for the document.
    pub path: String,
    map: &'a DeTable<'i>,
    /// Span of the table header (or of the inline table); missing keys are reported here.
    pub at: Span,
    asked: Vec<&'static str>,
}

impl<'a, 'i> Tbl<'a, 'i> {
    pub fn new(path: impl Into<String>, map: &'a DeTable<'i>, at: Span) -> Self {
        Tbl { path: path.into(), map, at, asked: Vec::new() }
    }

    /// The key path of one of this table's keys.
    pub fn key(&self, k: &str) -> String {
        if self.path.is_empty() { k.to_string() } else { format!("{}.{k}", self.path) }
    }

    /// Whether the key is present with something in it (an empty array counts as absent).
    pub fn has(&self, k: &str) -> bool {
        self.map.get(k).is_some_and(|v| v.get_ref().as_array().is_none_or(|a| !a.is_empty()))
    }

    /// Marks keys as known without reading them (so they are not reported as unknown).
    pub fn allow(&mut self, keys: &[&'static str]) {
        self.asked.extend_from_slice(keys);
    }

    pub fn raw(&mut self, k: &'static str) -> Option<&'a Value<'i>> {
        self.asked.push(k);
        self.map.get(k)
    }

    pub fn missing(&self, cx: &mut Ctx, k: &str) {
        cx.err(&self.at, self.key(k), format!("missing required key `{k}`"));
    }

    /// Reads an optional key through a conversion; a failed conversion is reported at the value.
    pub fn get<T>(
        &mut self,
        cx: &mut Ctx,
        k: &'static str,
        conv: impl FnOnce(&Value<'i>) -> Result<T, String>,
    ) -> Got<T> {
        let Some(v) = self.raw(k) else { return Got::Absent };
        match conv(v) {
            Ok(t) => Got::Ok(t, v.span()),
            Err(message) => {
                cx.err(&v.span(), self.key(k), message);
                Got::Bad
            }
        }
    }

    /// Reads a required key; absence is reported at the table header.
    pub fn req<T>(
        &mut self,
        cx: &mut Ctx,
        k: &'static str,
        conv: impl FnOnce(&Value<'i>) -> Result<T, String>,
    ) -> Option<(T, Span)> {
        match self.get(cx, k, conv) {
            Got::Absent => {
                self.missing(cx, k);
                None
            }
            Got::Bad => None,
            Got::Ok(v, s) => Some((v, s)),
        }
    }

    pub fn opt<T>(
        &mut self,
        cx: &mut Ctx,
        k: &'static str,
        conv: impl FnOnce(&Value<'i>) -> Result<T, String>,
    ) -> Option<T> {
        self.get(cx, k, conv).ok()
    }

    /// Reads an array, converting each element; bad elements are reported (as `key[i]`) and left
    /// out. `what` names the element type for the message when the value is not an array.
    pub fn list<T>(
        &mut self,
        cx: &mut Ctx,
        k: &'static str,
        what: &str,
        mut conv: impl FnMut(&Value<'i>) -> Result<T, String>,
    ) -> Got<Vec<Item<T>>> {
        let Some(v) = self.raw(k) else { return Got::Absent };
        let Some(arr) = v.get_ref().as_array() else {
            let hint = match v.get_ref() {
                DeValue::String(s) => format!(" (write [{}])", quote(s)),
                _ => String::new(),
            };
            cx.err(&v.span(), self.key(k), format!("expected an array of {what}, found {}{hint}", a_type(v)));
            return Got::Bad;
        };
        let mut out = Vec::with_capacity(arr.len());
        for (index, e) in arr.iter().enumerate() {
            match conv(e) {
                Ok(value) => out.push(Item { index, value, span: e.span() }),
                Err(message) => cx.err(&e.span(), format!("{}[{index}]", self.key(k)), message),
            }
        }
        Got::Ok(out, v.span())
    }

    /// Reads an array of tables (`[[k]]` or an array of inline tables).
    pub fn tables(&mut self, cx: &mut Ctx, k: &'static str) -> Vec<Tbl<'a, 'i>> {
        let path = self.key(k);
        let Some(v) = self.raw(k) else { return Vec::new() };
        let Some(arr) = v.get_ref().as_array() else {
            let msg = match v.get_ref() {
                DeValue::Table(_) => format!("expected an array of tables; write [[{path}]], not [{path}]"),
                _ => format!("expected an array of tables ([[{path}]]), found {}", a_type(v)),
            };
            cx.err(&v.span(), path, msg);
            return Vec::new();
        };
        let mut out = Vec::with_capacity(arr.len());
        for (i, e) in arr.iter().enumerate() {
            match e.get_ref() {
                DeValue::Table(t) => out.push(Tbl::new(path.clone(), t, e.span())),
                _ => cx.err(&e.span(), format!("{path}[{i}]"), format!("expected a table, found {}", a_type(e))),
            }
        }
        out
    }

    /// Reads an optional single table (`[k]`).
    pub fn table(&mut self, cx: &mut Ctx, k: &'static str) -> Option<Tbl<'a, 'i>> {
        let path = self.key(k);
        let v = self.raw(k)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Tbl::new(path, t, v.span())),
            _ => {
                cx.err(&v.span(), path.clone(), format!("expected a table ([{path}]), found {}", a_type(v)));
                None
            }
        }
    }

    /// Reports every key that was never asked for.
    pub fn finish(self, cx: &mut Ctx) {
        for (k, _) in self.map.iter() {
            let name: &str = k.get_ref();
            if self.asked.contains(&name) {
                continue;
            }
            let mut known: Vec<&str> = self.asked.clone();
            known.sort_unstable();
            known.dedup();
            let msg = match known.iter().find(|c| close(name, c)) {
                Some(c) => format!("unknown key `{name}`; did you mean `{c}`?"),
                None if known.is_empty() => format!("unknown key `{name}`"),
                None => format!("unknown key `{name}`; expected one of: {}", known.join(", ")),
            };
            cx.err(&k.span(), self.key(name), msg);
        }
    }
}

/// Whether a typo is close enough to a known key to suggest it.
fn close(typo: &str, known: &str) -> bool {
    let limit = if known.len() <= 3 { 1 } else { 2 };
    let a: Vec<char> = typo.to_lowercase().chars().collect();
    let b: Vec<char> = known.chars().collect();
    if a.len().abs_diff(b.len()) > limit || a.len() > 64 {
        return false;
    }
    // Levenshtein distance over two rows.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev.last().is_some_and(|d| *d <= limit)
}

/// `a string`, `an integer`, … for messages.
pub(crate) fn a_type(v: &Value<'_>) -> &'static str {
    match v.get_ref() {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A string as a TOML basic string, for messages and for the writer.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// Conversions from a TOML value. Each returns the message for a value that does not fit.

pub(crate) fn string(v: &Value<'_>) -> Result<String, String> {
    match v.get_ref() {
        DeValue::String(s) => Ok(s.to_string()),
        _ => Err(format!("expected a string, found {}", a_type(v))),
    }
}

pub(crate) fn boolean(v: &Value<'_>) -> Result<bool, String> {
    match v.get_ref() {
        DeValue::Boolean(b) => Ok(*b),
        _ => Err(format!("expected true or false, found {}", a_type(v))),
    }
}

pub(crate) fn integer(v: &Value<'_>) -> Result<i128, String> {
    match v.get_ref() {
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let radix = i.radix();
            if !(2..=36).contains(&radix) {
                return Err(format!("`{digits}` is not a number"));
            }
            i128::from_str_radix(&digits, radix).map_err(|_| format!("`{digits}` is too large a number"))
        }
        _ => Err(format!("expected an integer, found {}", a_type(v))),
    }
}

/// A port number, 0–65535.
pub(crate) fn port(v: &Value<'_>) -> Result<u16, String> {
    let n = integer(v)?;
    u16::try_from(n).map_err(|_| format!("port {n} is out of range (0-65535)"))
}

/// A value of one of the model's closed value sets.
pub(crate) fn value_set<T: FromStr<Err = BadValue>>(v: &Value<'_>) -> Result<T, String> {
    let s = string(v)?;
    s.parse::<T>().map_err(|e| e.to_string())
}

/// A value parsed from a string with the model's `FromStr`.
pub(crate) fn parsed<T: FromStr<Err = String>>(v: &Value<'_>) -> Result<T, String> {
    string(v)?.parse::<T>()
}

pub(crate) fn ip(v: &Value<'_>) -> Result<IpAddr, String> {
    let s = string(v)?;
    s.trim().parse::<IpAddr>().map_err(|_| format!("`{s}` is not an IP address (expected e.g. 10.20.1.15 or fd00::15)"))
}

/// A date: a TOML local date (`2025-12-31`) or a string holding one.
pub(crate) fn date(v: &Value<'_>) -> Result<Date, String> {
    match v.get_ref() {
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => make_date(i32::from(d.year), d.month, d.day),
            _ => Err(format!("expected a date such as 2025-12-31, found the date-time {dt}")),
        },
        DeValue::String(s) => parse_iso_date(s),
        _ => Err(format!("expected a date such as 2025-12-31, found {}", a_type(v))),
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn parse_iso_date(s: &str) -> Result<Date, String> {
    let bad = || format!("`{s}` is not a date (expected YYYY-MM-DD, e.g. 2025-12-31)");
    let t = s.trim();
    let mut parts = t.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 || !t.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(bad());
    }
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u8 = m.parse().map_err(|_| bad())?;
    let d: u8 = d.parse().map_err(|_| bad())?;
    make_date(y, m, d)
}

pub(crate) fn make_date(y: i32, m: u8, d: u8) -> Result<Date, String> {
    let month = time::Month::try_from(m).map_err(|_| format!("{y:04}-{m:02}-{d:02} is not a date (no month {m})"))?;
    Date::from_calendar_date(y, month, d).map_err(|_| format!("{y:04}-{m:02}-{d:02} is not a date (no such day)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_close_to_a_key() {
        assert!(close("zonne", "zone"));
        assert!(close("Zone", "zone"));
        assert!(close("ip", "ips"));
        assert!(!close("colour", "zone"));
        assert!(!close("os", "ips"));
    }

    #[test]
    fn integers_in_every_notation() {
        let doc = DeTable::parse("a = 0xff\nb = 1_000\nc = -7\nd = 0o17\ne = 0b101").unwrap();
        let got: Vec<i128> = ["a", "b", "c", "d", "e"].iter().map(|k| integer(&doc.get_ref()[*k]).unwrap()).collect();
        assert_eq!(got, vec![255, 1000, -7, 15, 5]);
    }

    #[test]
    fn dates() {
        assert!(parse_iso_date("2024-02-29").is_ok());
        assert!(parse_iso_date("2023-02-29").is_err());
        assert!(parse_iso_date("2023-2-1").is_err());
        assert!(parse_iso_date("+2023-02-01").is_err());
    }
}
