//! Lenient, path-tracking deserialisation of one NVD item at a time.
//!
//! Item structures implement [`Lenient`]: absent or `null` members take their default, unknown
//! members are skipped without being built, and a member of the wrong type is an error. While a
//! value is being read, [`Trail`] holds its JSON path (`$.CVE_Items[3].cve.CVE_data_meta.ID`); a
//! failing visitor returns without popping, so after an error the trail names the deepest member
//! the parser had reached. Keys are matched against each structure's static key list without
//! allocating.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use model::advisory::Operator;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};

/// One step of a JSON path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The JSON path of the value being read.
#[derive(Debug, Default)]
pub(super) struct Trail(Vec<Seg>);

impl Trail {
    pub(super) fn push(&mut self, seg: Seg) {
        self.0.push(seg);
    }

    pub(super) fn pop(&mut self) {
        self.0.pop();
    }

    /// `$.CVE_Items[3].cve`.
    pub(super) fn render(&self) -> String {
        render(&self.0)
    }
}

/// Renders path steps as `$.a[1].b`.
pub(super) fn render(segs: &[Seg]) -> String {
    let mut s = String::from("$");
    for seg in segs {
        // Writing to a String cannot fail.
        let _ = match seg {
            Seg::Key(k) => write!(s, ".{k}"),
            Seg::Index(i) => write!(s, "[{i}]"),
        };
    }
    s
}

/// A JSON object read member by member into a default-initialised value.
pub(super) trait Lenient: Default {
    /// The member names [`Lenient::field`] handles; every other member is skipped.
    const KEYS: &'static [&'static str];
    /// What the object is, for "expected …" messages.
    const EXPECTING: &'static str;

    /// Reads the value of member `key` (one of [`Lenient::KEYS`]) with `map.next_value…`.
    fn field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &'static str,
        map: &mut A,
        trail: &mut Trail,
    ) -> Result<(), A::Error>;
}

/// Reads one [`Lenient`] object (`null` gives the default).
pub(super) struct Obj<'t, T> {
    trail: &'t mut Trail,
    marker: PhantomData<fn() -> T>,
}

impl<'t, T> Obj<'t, T> {
    pub(super) fn new(trail: &'t mut Trail) -> Self {
        Obj { trail, marker: PhantomData }
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Obj<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: Lenient> Visitor<'de> for Obj<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(key) = map.next_key_seed(KeySeed(T::KEYS))? {
            match key {
                Some(key) => {
                    self.trail.push(Seg::Key(key));
                    value.field(key, &mut map, self.trail)?;
                    self.trail.pop();
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }
}

/// Reads an array of [`Lenient`] objects (`null` gives an empty vector).
pub(super) struct Arr<'t, T> {
    trail: &'t mut Trail,
    marker: PhantomData<fn() -> T>,
}

impl<'t, T> Arr<'t, T> {
    pub(super) fn new(trail: &'t mut Trail) -> Self {
        Arr { trail, marker: PhantomData }
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Arr<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: Lenient> Visitor<'de> for Arr<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {}", T::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            self.trail.push(Seg::Index(out.len()));
            let Some(item) = seq.next_element_seed(Obj::<T>::new(self.trail))? else {
                self.trail.pop();
                return Ok(out);
            };
            self.trail.pop();
            out.push(item);
        }
    }
}

/// Reads an object key and returns the matching entry of a static key list (`None`: not listed).
pub(super) struct KeySeed(pub(super) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|k| *k == v))
    }
}

/// A published score, kept as text: a JSON number (`6.7`, `10`) or a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Score(pub(super) String);

impl<'de> de::Deserialize<'de> for Score {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Score;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a score (number or string)")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Score, E> {
                // Display gives the shortest text that reads back as `v`; CVSS writes `10.0`.
                let mut s = v.to_string();
                if v.is_finite() && !s.contains(['.', 'e', 'E']) {
                    s.push_str(".0");
                }
                Ok(Score(s))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Score, E> {
                Ok(Score(format!("{v}.0")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Score, E> {
                Ok(Score(format!("{v}.0")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Score, E> {
                Ok(Score(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A count NVD writes as a number (`resultsPerPage`) or a string (`CVE_data_numberOfCVEs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Count(pub(super) u64);

impl<'de> de::Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative integer (number or string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v).map(Count).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
                v.trim().parse().map(Count).map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// A node or configuration operator, `AND` or `OR` in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Op(pub(super) Operator);

impl<'de> de::Deserialize<'de> for Op {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Op;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"AND\" or \"OR\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Op, E> {
                if v.eq_ignore_ascii_case("AND") {
                    Ok(Op(Operator::And))
                } else if v.eq_ignore_ascii_case("OR") {
                    Ok(Op(Operator::Or))
                } else {
                    Err(E::invalid_value(Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_str(V)
    }
}

/// Whether a `lang` member says English, read without allocating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct IsEn(pub(super) bool);

impl<'de> de::Deserialize<'de> for IsEn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IsEn;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a language tag")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IsEn, E> {
                Ok(IsEn(v.eq_ignore_ascii_case("en") || v.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("en-"))))
            }
        }
        d.deserialize_str(V)
    }
}

/// `{lang, value}`: descriptions and CWE entries of both formats.
#[derive(Debug, Default)]
pub(super) struct LangString {
    pub(super) en: Option<IsEn>,
    pub(super) value: Option<String>,
}

impl Lenient for LangString {
    const KEYS: &'static [&'static str] = &["lang", "value"];
    const EXPECTING: &'static str = "a {lang, value} object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, _: &mut Trail) -> Result<(), A::Error> {
        match key {
            "lang" => self.en = map.next_value()?,
            _ => self.value = map.next_value()?,
        }
        Ok(())
    }
}

/// The English text of a `[{lang, value}]` list, else the first non-empty text.
pub(super) fn english(list: Vec<LangString>) -> Option<String> {
    let mut first = None;
    for entry in list {
        let Some(value) = entry.value.filter(|v| !v.is_empty()) else { continue };
        if entry.en.is_some_and(|e| e.0) {
            return Some(value);
        }
        if first.is_none() {
            first = Some(value);
        }
    }
    first
}

/// `{vectorString, baseScore}` of a CVSS object (`cvssV3`, `cvssV2`, `cvssData`).
#[derive(Debug, Default)]
pub(super) struct CvssData {
    pub(super) vector: Option<String>,
    pub(super) score: Option<Score>,
}

impl Lenient for CvssData {
    const KEYS: &'static [&'static str] = &["vectorString", "baseScore"];
    const EXPECTING: &'static str = "a CVSS object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, _: &mut Trail) -> Result<(), A::Error> {
        match key {
            "vectorString" => self.vector = map.next_value()?,
            _ => self.score = map.next_value()?,
        }
        Ok(())
    }
}

/// Treats an empty string as absent (NVD never means "bound at the empty version").
pub(super) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}
