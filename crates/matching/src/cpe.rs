//! CPE 2.3 names and NVD configurations.
//!
//! - Names ([`Cpe`], NISTIR 7695): a well-formed name (WFN) of eleven attributes, read from the
//!   formatted-string binding (`cpe:2.3:…`) or the URI binding (`cpe:/…`) and written back to
//!   either ([`Cpe::to_fs`], [`Cpe::to_uri`]). Attribute values are kept *logical* (unescaped:
//!   `pn/dp`, not `pn\/dp`) with the unquoted wildcards of their two ends kept apart
//!   ([`Text::leading`], [`Text::trailing`]), so a quoted `\*` and a wildcard `*` never meet.
//! - Name comparison ([`compare_values`], [`compare_names`], NISTIR 7696): SUPERSET / SUBSET /
//!   EQUAL / DISJOINT per attribute and per name, with the specification's wildcard rules.
//! - Configurations ([`evaluate`], [`CompiledConfiguration`]): an NVD applicability tree against
//!   the CPEs an asset is made of, in three-valued logic; see [`CompiledConfiguration`] for the
//!   decisions about attributes an inventory does not know.
//!
//! Pure and panic-free on any input: no IO, no clock, no allocation beyond the values built.
//! Versions are *not* compared here — the caller's `version_check` does that.

mod bind;
mod compare;
mod config;

use serde::{Deserialize, Serialize};

pub use compare::{AttrRelation, NameRelation, compare_attributes, compare_names, compare_values};
pub use config::{
    CompiledConfiguration, ConfigVerdict, CriterionHit, Truth, Unresolved, UnresolvedReason, evaluate,
    evaluate_compiled, name_holds,
};

/// An unquoted wildcard at one end of an attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Wildcard {
    /// No wildcard at this end.
    #[default]
    None,
    /// `*`: any number of characters, including none.
    Star,
    /// A run of `n` `?`: NISTIR 7696's reference algorithm lets it match up to `n` characters.
    Questions(u32),
}

/// A value of an attribute that is neither ANY nor NA: logical (unescaped) characters, possibly
/// with an unquoted wildcard at each end. Only printable ASCII; never empty unless a wildcard is
/// present — and then the body is not empty either (a value of wildcards alone is refused).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text {
    body: String,
    leading: Wildcard,
    trailing: Wildcard,
}

impl Text {
    /// The logical characters between the wildcards, unescaped.
    pub fn body(&self) -> &str {
        &self.body
    }
    pub fn leading(&self) -> Wildcard {
        self.leading
    }
    pub fn trailing(&self) -> Wildcard {
        self.trailing
    }
    pub fn has_wildcards(&self) -> bool {
        self.leading != Wildcard::None || self.trailing != Wildcard::None
    }
    /// Whether this value, as a NISTIR 7696 *source* pattern, matches the logical string
    /// `target` (ASCII case-insensitive). Without wildcards this is equality.
    pub fn matches(&self, target: &str) -> bool {
        compare::wildcard_match(self, target.as_bytes())
    }
}

/// One attribute value of a CPE name (a WFN attribute).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// `*` / ANY.
    #[default]
    Any,
    /// `-` / NA.
    Na,
    /// A value, possibly with wildcards at its ends.
    Text(Text),
}

impl Value {
    /// The logical value when it is a plain value: `None` for ANY, NA and values with unquoted
    /// wildcards (use [`Value::as_pattern`] for those).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) if !t.has_wildcards() => Some(&t.body),
            _ => None,
        }
    }
    /// The value when it is neither ANY nor NA, wildcards or not.
    pub fn as_pattern(&self) -> Option<&Text> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }
    pub fn is_any(&self) -> bool {
        matches!(self, Value::Any)
    }
    pub fn is_na(&self) -> bool {
        matches!(self, Value::Na)
    }
    /// A value from a plain, unescaped string as an inventory holds it: empty or `*` is ANY, `-`
    /// is NA, anything else is literal (`*`, `?` and `\` included). Surrounding whitespace is
    /// trimmed and inner runs of whitespace become `_`, the CPE convention (NISTIR 7695 §5.3.2
    /// forbids whitespace). Characters outside printable ASCII are refused.
    pub fn plain(s: &str) -> Result<Value, CpeError> {
        bind::plain_value(s).map_err(|(kind, reason)| CpeError::new(s, kind, reason))
    }
    /// Reads one attribute value in the formatted-string binding (`*`, `-`, `pn\/dp`, `8.*`).
    pub fn parse_fs(s: &str) -> Result<Value, CpeError> {
        bind::fs_value(s, "value").map_err(|(kind, reason)| CpeError::new(s, kind, reason))
    }
    /// This value in the formatted-string binding.
    pub fn to_fs(&self) -> String {
        let mut out = String::new();
        bind::write_fs_value(self, &mut out);
        out
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_fs())
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Value::parse_fs(&s).map_err(serde::de::Error::custom)
    }
}

/// The eleven attributes of a WFN, in binding order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    Part,
    Vendor,
    Product,
    Version,
    Update,
    Edition,
    Language,
    SwEdition,
    TargetSw,
    TargetHw,
    Other,
}

impl Attribute {
    pub const ALL: [Attribute; 11] = [
        Attribute::Part,
        Attribute::Vendor,
        Attribute::Product,
        Attribute::Version,
        Attribute::Update,
        Attribute::Edition,
        Attribute::Language,
        Attribute::SwEdition,
        Attribute::TargetSw,
        Attribute::TargetHw,
        Attribute::Other,
    ];
    /// The WFN attribute name (`sw_edition`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::Part => "part",
            Attribute::Vendor => "vendor",
            Attribute::Product => "product",
            Attribute::Version => "version",
            Attribute::Update => "update",
            Attribute::Edition => "edition",
            Attribute::Language => "language",
            Attribute::SwEdition => "sw_edition",
            Attribute::TargetSw => "target_sw",
            Attribute::TargetHw => "target_hw",
            Attribute::Other => "other",
        }
    }
}

/// A CPE 2.3 name (well-formed name of NISTIR 7695). Equality and hashing are structural and
/// case-sensitive; use [`compare_names`] for the specification's case-insensitive comparison.
/// Serialised as its formatted string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Cpe {
    pub part: Value,
    pub vendor: Value,
    pub product: Value,
    pub version: Value,
    pub update: Value,
    pub edition: Value,
    pub language: Value,
    pub sw_edition: Value,
    pub target_sw: Value,
    pub target_hw: Value,
    pub other: Value,
}

/// What is wrong with a name that is not a CPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CpeErrorKind {
    /// Neither `cpe:2.3:` nor `cpe:/`.
    Prefix,
    /// Not eleven components after `cpe:2.3:`, or more than seven after `cpe:/`.
    ComponentCount,
    /// A part other than `a`, `o`, `h` (or ANY / NA).
    Part,
    /// An empty formatted-string component (ANY is `*`).
    EmptyValue,
    /// A character the binding does not allow (unquoted punctuation, whitespace, non-ASCII).
    IllegalCharacter,
    /// A `\` at the end of a value or before an alphanumeric character.
    Escape,
    /// A `%` not followed by two hex digits, or encoding a character that needs none.
    PercentEncoding,
    /// An unquoted `*` or `?` inside a value, or `*` and `?` mixed at one end.
    EmbeddedWildcard,
    /// A value made of wildcards alone (`??`, `**`, `?*`).
    OnlyWildcards,
    /// A language that is not an RFC 5646 `language[-region]` tag.
    Language,
    /// A URI edition starting with `~` that does not pack exactly five values.
    PackedEdition,
}

/// A name that is not a CPE: the input (shortened when very long), what kind of problem, and a
/// sentence naming the attribute and character involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a CPE name: {reason}")]
pub struct CpeError {
    pub input: String,
    pub kind: CpeErrorKind,
    pub reason: String,
}

impl CpeError {
    fn new(input: &str, kind: CpeErrorKind, reason: String) -> CpeError {
        const MAX: usize = 300;
        let input = match input.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}…", input.get(..cut).unwrap_or_default()),
            None => input.to_string(),
        };
        CpeError { input, kind, reason }
    }
}

impl Cpe {
    /// Parses a formatted string (`cpe:2.3:…`, exactly eleven components) or a URI (`cpe:/…`,
    /// at most seven components, the edition possibly packed with `~`). The `cpe` of the prefix
    /// may be in any case; nothing else is trimmed or repaired. URI values are lowercased as
    /// NISTIR 7695 §6.1.3 decodes them; formatted-string values keep their case.
    pub fn parse(s: &str) -> Result<Cpe, CpeError> {
        bind::parse(s).map_err(|(kind, reason)| CpeError::new(s, kind, reason))
    }

    /// A name built by the matching engine from plain (unescaped) strings, see [`Value::plain`]:
    /// `part` is `a`, `o`, `h` (or empty / `*` for ANY); `version` `None` is ANY; every other
    /// attribute is ANY.
    pub fn new(part: &str, vendor: &str, product: &str, version: Option<&str>) -> Result<Cpe, CpeError> {
        let fail = |kind, reason: String| CpeError::new(&format!("{part}:{vendor}:{product}"), kind, reason);
        let part = match part.trim() {
            "" | "*" => Value::Any,
            p @ ("a" | "o" | "h") => {
                Value::Text(Text { body: p.into(), leading: Wildcard::None, trailing: Wildcard::None })
            }
            other => return Err(fail(CpeErrorKind::Part, format!("part `{other}` is not `a`, `o` or `h`"))),
        };
        Ok(Cpe {
            part,
            vendor: Value::plain(vendor)?,
            product: Value::plain(product)?,
            version: match version {
                Some(v) => Value::plain(v)?,
                None => Value::Any,
            },
            ..Cpe::default()
        })
    }

    /// The formatted-string binding (`cpe:2.3:` and eleven components).
    pub fn to_fs(&self) -> String {
        bind::to_fs(self)
    }

    /// The URI binding (`cpe:/`, the edition packed with `~` when any of sw_edition, target_sw,
    /// target_hw or other is not ANY, trailing empty components dropped). Wildcards become `%02`
    /// (`*`) and `%01` (`?`).
    pub fn to_uri(&self) -> String {
        bind::to_uri(self)
    }

    /// One attribute.
    pub fn get(&self, attribute: Attribute) -> &Value {
        match attribute {
            Attribute::Part => &self.part,
            Attribute::Vendor => &self.vendor,
            Attribute::Product => &self.product,
            Attribute::Version => &self.version,
            Attribute::Update => &self.update,
            Attribute::Edition => &self.edition,
            Attribute::Language => &self.language,
            Attribute::SwEdition => &self.sw_edition,
            Attribute::TargetSw => &self.target_sw,
            Attribute::TargetHw => &self.target_hw,
            Attribute::Other => &self.other,
        }
    }

    fn get_mut(&mut self, attribute: Attribute) -> &mut Value {
        match attribute {
            Attribute::Part => &mut self.part,
            Attribute::Vendor => &mut self.vendor,
            Attribute::Product => &mut self.product,
            Attribute::Version => &mut self.version,
            Attribute::Update => &mut self.update,
            Attribute::Edition => &mut self.edition,
            Attribute::Language => &mut self.language,
            Attribute::SwEdition => &mut self.sw_edition,
            Attribute::TargetSw => &mut self.target_sw,
            Attribute::TargetHw => &mut self.target_hw,
            Attribute::Other => &mut self.other,
        }
    }

    /// Whether any attribute holds an unquoted wildcard (such a name can only be a source of
    /// comparison; as a target every comparison with it is undefined).
    pub fn has_wildcards(&self) -> bool {
        Attribute::ALL.iter().any(|a| self.get(*a).as_pattern().is_some_and(Text::has_wildcards))
    }
}

impl std::fmt::Display for Cpe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_fs())
    }
}

impl std::str::FromStr for Cpe {
    type Err = CpeError;
    fn from_str(s: &str) -> Result<Cpe, CpeError> {
        Cpe::parse(s)
    }
}

impl Serialize for Cpe {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_fs())
    }
}

impl<'de> Deserialize<'de> for Cpe {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Cpe::parse(&s).map_err(serde::de::Error::custom)
    }
}
