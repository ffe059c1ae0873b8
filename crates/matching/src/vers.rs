//! `vers:` version ranges (the purl "VErsion Range Specifier", `vers:<type>/<constraints>`):
//! parsing of the canonical form, canonical printing, normalisation of unsorted ranges,
//! containment of a version, and one comparator per supported versioning type.
//!
//! # Parsing
//!
//! [`VersRange::parse`] accepts only canonical text and reports the first departure with the
//! specification's wording (`non-canonical VERS: whitespace is not permitted`, `… leading pipe
//! is not permitted`, `… constraints are not sorted by version`, `… invalid percent-encoding in
//! version`, `… percent-encoding in version is not canonical`, and for `datetime` `… must use
//! uppercase T and Z` / `… time colons must be unencoded`). Versions are percent-decoded once.
//! A percent-encoding is canonical when it uses upper-case hex and encodes a character that
//! cannot appear raw (`<>=!*|%`, whitespace, control or non-ASCII bytes); `%20` is how a space
//! in a vendor version (`V3.0%20SP1`) travels. Sorting is checked only for supported types: an
//! unsupported type's order is not ours to judge.
//!
//! [`VersRange::parse_unsorted`] accepts the same syntax with constraints in any order and sorts
//! them (stable, by the type's comparator); [`normalize`] prints the result. The uniqueness and
//! bound-alternation rules of the specification are checked separately by
//! [`VersRange::check_rules`], because the official `pypi` validate suite expects ranges that
//! break them (`>0.0.0|>=0.0.1|>=0.0.1|…`) to be accepted as canonical.
//!
//! # Containment
//!
//! [`VersRange::contains`] follows the specification's algorithm: `*` contains everything; a
//! version equal to a `=`, `<=` or `>=` constraint is inside; equal to a `!=` constraint is
//! outside; otherwise the `<`, `<=`, `>`, `>=` constraints are walked in order as interval
//! signposts (a leading upper bound opens at minus infinity, a trailing lower bound runs to plus
//! infinity, a lower bound followed by an upper bound is an interval). Two cases the
//! specification leaves open are decided here: a single bound alone is its own half-line, and a
//! range made only of `!=` constraints contains every other version.
//!
//! # Types
//!
//! Supported, each with its own comparator (submodules): `maven` (Maven `ComparableVersion`),
//! `nuget` (NuGet SemVer 2 with four numeric parts, case-insensitive labels), `pypi` (PEP 440),
//! `npm` and `semver` (SemVer 2.0.0 precedence, optional leading `v`), `datetime` (RFC 3339
//! instants), `lexicographic` (code-point order of the UTF-8 text), `apk` (Alpine), `gentoo`
//! (`ebuild` too), `openssl`, `alpm` (Arch Linux `vercmp`), `conan`, `deb` (dpkg, Debian Policy
//! §5.6.12), `rpm` (`rpmvercmp` with `~` and `^`), and `generic`, which is
//! Patchwise's own comparator under the caller's [`Profile`] (see [`crate::version`]). The
//! special types `all` and `none` take only `*`.
//!
//! Any other type (`gem`, `golang`, …) is read with the generic profile, and the comparator name
//! says so: `generic (vers scheme gem unsupported)`.

mod alpine;
mod alpm;
mod conan;
mod datetime;
mod deb;
mod gentoo;
mod maven;
mod nuget;
mod openssl;
mod pypi;
mod rpm;
mod semver;

use std::cmp::Ordering;
use std::fmt;

use crate::version::{self, Profile};

/// A comparator of one constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// `*`: every version (alone in a range).
    Any,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparator {
    /// The comparator as written in a canonical range (`=` is written as nothing).
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Any => "*",
            Comparator::Eq => "",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    /// The comparator with `=` spelled out (test suites and human text).
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            other => other.as_str(),
        }
    }

    fn is_lower(self) -> bool {
        matches!(self, Comparator::Gt | Comparator::Ge)
    }

    fn is_upper(self) -> bool {
        matches!(self, Comparator::Lt | Comparator::Le)
    }
}

/// One constraint: a comparator and a (percent-decoded) version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint {
    pub comparator: Comparator,
    /// Empty for [`Comparator::Any`].
    pub version: String,
}

/// A parsed `vers:` range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersRange {
    scheme: String,
    constraints: Vec<Constraint>,
}

/// Why a text is not a (canonical) `vers:` range, or a version is not one of its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersError {
    #[error("not a VERS: {0}")]
    NotVers(&'static str),
    #[error("non-canonical VERS: {0}")]
    NonCanonical(&'static str),
    #[error("invalid VERS: {0}")]
    Invalid(String),
    #[error("`{version}` is not a {scheme} version ({reason})")]
    BadVersion { scheme: String, version: String, reason: String },
}

pub(crate) fn bad_version(scheme: &str, version: &str, reason: impl Into<String>) -> VersError {
    VersError::BadVersion { scheme: scheme.to_string(), version: version.to_string(), reason: reason.into() }
}

/// How a type's versions are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Patchwise's comparator under the caller's profile.
    Generic,
    All,
    None,
    Maven,
    Nuget,
    Pypi,
    Semver,
    Datetime,
    Lexicographic,
    Alpine,
    Gentoo,
    Openssl,
    Alpm,
    Conan,
    Deb,
    Rpm,
    /// Read with the generic profile, flagged.
    Unsupported,
}

fn kind(scheme: &str) -> Kind {
    match scheme {
        "generic" => Kind::Generic,
        "all" => Kind::All,
        "none" => Kind::None,
        "maven" => Kind::Maven,
        "nuget" => Kind::Nuget,
        "pypi" => Kind::Pypi,
        "npm" | "semver" => Kind::Semver,
        "datetime" => Kind::Datetime,
        "lexicographic" => Kind::Lexicographic,
        "apk" | "alpine" => Kind::Alpine,
        "gentoo" | "ebuild" => Kind::Gentoo,
        "openssl" => Kind::Openssl,
        "alpm" => Kind::Alpm,
        "conan" => Kind::Conan,
        "deb" => Kind::Deb,
        "rpm" => Kind::Rpm,
        _ => Kind::Unsupported,
    }
}

/// The types with a comparator of their own (besides `generic`, `all` and `none`).
pub const SUPPORTED_SCHEMES: &[&str] = &[
    "maven",
    "nuget",
    "pypi",
    "npm",
    "semver",
    "datetime",
    "lexicographic",
    "apk",
    "alpine",
    "gentoo",
    "ebuild",
    "openssl",
    "alpm",
    "conan",
    "deb",
    "rpm",
];

/// Does `scheme` have a comparator here (`generic`, `all` and `none` included)?
pub fn is_supported(scheme: &str) -> bool {
    kind(scheme) != Kind::Unsupported
}

/// The comparator name a decision over a range of this type records: `vers:pypi`; for
/// `generic` the profile's name (`siemens`); for an unsupported type
/// `generic (vers scheme gem unsupported)`.
pub fn comparator_name(scheme: &str, profile: Profile) -> String {
    match kind(scheme) {
        Kind::Generic => profile.as_str().to_string(),
        Kind::Unsupported => format!("{} (vers scheme {scheme} unsupported)", Profile::Generic.as_str()),
        _ => format!("vers:{scheme}"),
    }
}

/// Compares two versions under a vers type. `profile` is used by `generic` only; unsupported
/// types use the generic profile.
pub fn compare_versions(scheme: &str, a: &str, b: &str, profile: Profile) -> Result<Ordering, VersError> {
    let via_profile = |p: Profile| version::compare(a, b, p).map_err(|e| bad_version(scheme, &e.version, e.reason));
    match kind(scheme) {
        Kind::Generic => via_profile(profile),
        Kind::Unsupported => via_profile(Profile::Generic),
        Kind::All | Kind::None => Err(VersError::Invalid(format!("type `{scheme}` has no versions"))),
        Kind::Maven => maven::compare(a, b),
        Kind::Nuget => nuget::compare(a, b),
        Kind::Pypi => pypi::compare(a, b),
        Kind::Semver => semver::compare(scheme, a, b),
        Kind::Datetime => datetime::compare(a, b),
        Kind::Lexicographic => Ok(a.as_bytes().cmp(b.as_bytes())),
        Kind::Alpine => alpine::compare(a, b),
        Kind::Gentoo => gentoo::compare(scheme, a, b),
        Kind::Openssl => openssl::compare(a, b),
        Kind::Alpm => alpm::compare(a, b),
        Kind::Conan => conan::compare(a, b),
        Kind::Deb => deb::compare(a, b),
        Kind::Rpm => rpm::compare(a, b),
    }
}

impl VersRange {
    /// Parses a canonical `vers:` range; anything non-canonical is an error.
    pub fn parse(text: &str) -> Result<VersRange, VersError> {
        let range = parse_syntax(text)?;
        let k = kind(&range.scheme);
        if k != Kind::Unsupported {
            for pair in range.constraints.windows(2) {
                let [a, b] = pair else { continue };
                if compare_versions(&range.scheme, &a.version, &b.version, Profile::Generic)? == Ordering::Greater {
                    return Err(VersError::NonCanonical("constraints are not sorted by version"));
                }
            }
        }
        Ok(range)
    }

    /// Parses a range in canonical syntax whose constraints may be in any order, and sorts them
    /// by version (stable). Ranges of unsupported types are kept in the order written.
    /// `profile` orders `generic` ranges.
    pub fn parse_unsorted(text: &str, profile: Profile) -> Result<VersRange, VersError> {
        let mut range = parse_syntax(text)?;
        if kind(&range.scheme) != Kind::Unsupported {
            range.sort(profile)?;
        }
        Ok(range)
    }

    /// The versioning type (`npm`, `generic`, …).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// The comparator name decisions over this range record (see [`comparator_name`]).
    pub fn comparator_name(&self, profile: Profile) -> String {
        comparator_name(&self.scheme, profile)
    }

    fn cmp(&self, a: &str, b: &str, profile: Profile) -> Result<Ordering, VersError> {
        compare_versions(&self.scheme, a, b, profile)
    }

    /// Stable binary-insertion sort. (Not `slice::sort_by`: a comparator with wildcards is not
    /// a total order, and the standard sort may panic on such comparators.)
    fn sort(&mut self, profile: Profile) -> Result<(), VersError> {
        if matches!(self.constraints.as_slice(), [c] if c.comparator == Comparator::Any) {
            return Ok(());
        }
        for c in &self.constraints {
            self.cmp(&c.version, &c.version, profile)?;
        }
        let mut sorted: Vec<Constraint> = Vec::with_capacity(self.constraints.len());
        for c in std::mem::take(&mut self.constraints) {
            let (mut lo, mut hi) = (0, sorted.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if self.cmp(&sorted[mid].version, &c.version, profile)? == Ordering::Greater {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            sorted.insert(lo, c);
        }
        self.constraints = sorted;
        Ok(())
    }

    /// The specification's further validity rules: every version occurs once; ignoring `!=`,
    /// a `=` is followed only by `=`, `>`, `>=` or nothing; ignoring `=` and `!=`, lower and
    /// upper bounds alternate.
    pub fn check_rules(&self, profile: Profile) -> Result<(), VersError> {
        for (i, a) in self.constraints.iter().enumerate() {
            for b in &self.constraints[i + 1..] {
                if a.comparator != Comparator::Any && self.cmp(&a.version, &b.version, profile)? == Ordering::Equal {
                    return Err(VersError::Invalid(format!("version `{}` occurs more than once", b.version)));
                }
            }
        }
        let shown = |c: &Constraint| format!("{}{}", c.comparator.symbol(), c.version);
        let no_ne: Vec<&Constraint> = self.constraints.iter().filter(|c| c.comparator != Comparator::Ne).collect();
        for pair in no_ne.windows(2) {
            let [a, b] = pair else { continue };
            if a.comparator == Comparator::Eq
                && !matches!(b.comparator, Comparator::Eq | Comparator::Gt | Comparator::Ge)
            {
                return Err(VersError::Invalid(format!("`{}` may not be followed by `{}`", shown(a), shown(b))));
            }
        }
        let bounds: Vec<&Constraint> =
            no_ne.into_iter().filter(|c| c.comparator.is_lower() || c.comparator.is_upper()).collect();
        for pair in bounds.windows(2) {
            let [a, b] = pair else { continue };
            if a.comparator.is_lower() == b.comparator.is_lower() {
                return Err(VersError::Invalid(format!(
                    "`{}` and `{}` do not alternate lower and upper bounds",
                    shown(a),
                    shown(b)
                )));
            }
        }
        Ok(())
    }

    /// Is `version` inside the range? The constraints are taken in the order held (sorted when
    /// parsed with [`VersRange::parse`] or [`VersRange::parse_unsorted`]).
    pub fn contains(&self, version: &str, profile: Profile) -> Result<bool, VersError> {
        match kind(&self.scheme) {
            Kind::All => return Ok(true),
            Kind::None => return Ok(false),
            _ => {}
        }
        if self.constraints.iter().any(|c| c.comparator == Comparator::Any) {
            return Ok(true);
        }
        let mut has_eq = false;
        let mut has_ne = false;
        for c in &self.constraints {
            let equal = self.cmp(version, &c.version, profile)? == Ordering::Equal;
            match c.comparator {
                Comparator::Eq | Comparator::Le | Comparator::Ge if equal => return Ok(true),
                Comparator::Ne if equal => return Ok(false),
                _ => {}
            }
            has_eq |= c.comparator == Comparator::Eq;
            has_ne |= c.comparator == Comparator::Ne;
        }
        let bounds: Vec<&Constraint> =
            self.constraints.iter().filter(|c| c.comparator.is_lower() || c.comparator.is_upper()).collect();
        if bounds.is_empty() {
            return Ok(has_ne && !has_eq);
        }
        let less = |c: &Constraint| -> Result<bool, VersError> {
            Ok(self.cmp(version, &c.version, profile)? == Ordering::Less)
        };
        let greater = |c: &Constraint| -> Result<bool, VersError> {
            Ok(self.cmp(version, &c.version, profile)? == Ordering::Greater)
        };
        if let [only] = bounds.as_slice() {
            return if only.comparator.is_upper() { less(only) } else { greater(only) };
        }
        let last = bounds.len() - 2;
        for (i, pair) in bounds.windows(2).enumerate() {
            let [cur, next] = pair else { continue };
            if i == 0 && cur.comparator.is_upper() && less(cur)? {
                return Ok(true);
            }
            if i == last && next.comparator.is_lower() && greater(next)? {
                return Ok(true);
            }
            if cur.comparator.is_lower() && next.comparator.is_upper() && greater(cur)? && less(next)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl fmt::Display for VersRange {
    /// The canonical text: `vers:<type>/<c>|<c>…`, `=` omitted, versions percent-encoded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vers:{}/", self.scheme)?;
        for (i, c) in self.constraints.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(c.comparator.as_str())?;
            for &b in c.version.as_bytes() {
                if must_encode(b) {
                    write!(f, "%{b:02X}")?;
                } else {
                    write!(f, "{}", char::from(b))?;
                }
            }
        }
        Ok(())
    }
}

/// Parses `text` leniently (constraints in any order) and prints it canonically.
pub fn normalize(text: &str, profile: Profile) -> Result<String, VersError> {
    Ok(VersRange::parse_unsorted(text, profile)?.to_string())
}

/// Characters a version must carry percent-encoded.
fn must_encode(b: u8) -> bool {
    matches!(b, b'<' | b'>' | b'=' | b'!' | b'*' | b'|' | b'%') || !b.is_ascii_graphic()
}

fn valid_type(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_alphabetic())
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Syntax of a canonical range, constraints in the order written.
fn parse_syntax(text: &str) -> Result<VersRange, VersError> {
    if text.bytes().any(|b| b.is_ascii_whitespace()) {
        return Err(VersError::NonCanonical("whitespace is not permitted"));
    }
    if !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(VersError::NonCanonical("only printable ASCII characters are permitted"));
    }
    let Some(rest) = text.strip_prefix("vers:") else {
        if text.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("vers:")) {
            return Err(VersError::NonCanonical("the `vers` scheme must be lowercase"));
        }
        return Err(VersError::NotVers("missing `vers:` prefix"));
    };
    let Some((scheme, constraints)) = rest.split_once('/') else {
        return Err(VersError::NotVers("missing `/` after the type"));
    };
    if !valid_type(scheme) {
        return Err(VersError::Invalid(format!(
            "`{scheme}` is not a type (ASCII letter, then letters, digits, `.`, `-`)"
        )));
    }
    if scheme.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(VersError::NonCanonical("the type must be lowercase"));
    }
    if constraints.is_empty() {
        return Err(VersError::Invalid("no constraints".to_string()));
    }
    if constraints.starts_with('|') {
        return Err(VersError::NonCanonical("leading pipe is not permitted"));
    }
    if constraints.ends_with('|') {
        return Err(VersError::NonCanonical("trailing pipe is not permitted"));
    }
    if constraints.contains("||") {
        return Err(VersError::NonCanonical("consecutive pipes are not permitted"));
    }
    let k = kind(scheme);
    if constraints == "*" {
        return Ok(VersRange {
            scheme: scheme.to_string(),
            constraints: vec![Constraint { comparator: Comparator::Any, version: String::new() }],
        });
    }
    if matches!(k, Kind::All | Kind::None) {
        return Err(VersError::Invalid(format!("type `{scheme}` takes only `*`")));
    }
    let mut out = Vec::new();
    for part in constraints.split('|') {
        if part.contains('*') {
            return Err(VersError::Invalid("`*` must be used alone".to_string()));
        }
        let (comparator, raw) = [
            ("!=", Comparator::Ne),
            ("<=", Comparator::Le),
            (">=", Comparator::Ge),
            ("<", Comparator::Lt),
            (">", Comparator::Gt),
            ("=", Comparator::Eq),
        ]
        .into_iter()
        .find_map(|(p, c)| part.strip_prefix(p).map(|rest| (c, rest)))
        .unwrap_or((Comparator::Eq, part));
        if raw.is_empty() {
            return Err(VersError::Invalid(format!("constraint `{part}` has no version")));
        }
        if let Some(c) = raw.chars().find(|c| matches!(c, '<' | '>' | '=' | '!')) {
            return Err(VersError::Invalid(format!("unencoded `{c}` in version of constraint `{part}`")));
        }
        let version = decode(raw, k == Kind::Datetime)?;
        if k == Kind::Datetime && version.contains(['t', 'z']) {
            return Err(VersError::NonCanonical("datetime must use uppercase T and Z"));
        }
        out.push(Constraint { comparator, version });
    }
    Ok(VersRange { scheme: scheme.to_string(), constraints: out })
}

/// Percent-decodes a version once, insisting on canonical encoding.
fn decode(raw: &str, datetime: bool) -> Result<String, VersError> {
    if !raw.contains('%') {
        return Ok(raw.to_string());
    }
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let (Some(&h), Some(&l)) = (b.get(i + 1), b.get(i + 2)) else {
            return Err(VersError::NonCanonical("invalid percent-encoding in version"));
        };
        let (Some(hv), Some(lv)) = (char::from(h).to_digit(16), char::from(l).to_digit(16)) else {
            return Err(VersError::NonCanonical("invalid percent-encoding in version"));
        };
        if h.is_ascii_lowercase() || l.is_ascii_lowercase() {
            return Err(VersError::NonCanonical("percent-encoding in version is not canonical"));
        }
        let byte = u8::try_from(hv * 16 + lv).unwrap_or(0);
        if datetime && byte == b':' {
            return Err(VersError::NonCanonical("datetime time colons must be unencoded"));
        }
        if !must_encode(byte) {
            return Err(VersError::NonCanonical("percent-encoding in version is not canonical"));
        }
        out.push(byte);
        i += 3;
    }
    String::from_utf8(out).map_err(|_| VersError::NonCanonical("invalid percent-encoding in version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_encoded_space() {
        let r = VersRange::parse("vers:generic/>=V3.0|<V3.0%20SP1").unwrap();
        assert_eq!(r.constraints()[1].version, "V3.0 SP1");
        assert_eq!(r.to_string(), "vers:generic/>=V3.0|<V3.0%20SP1");
        assert!(r.contains("V3.0 Update 2", Profile::Siemens).unwrap());
        assert!(!r.contains("V3.0 SP1", Profile::Siemens).unwrap());
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        for t in
            ["", "vers:", "vers:/", "vers:a/", "vers:a/%", "vers:a/%4", "vers:a/>", "vers:a/!=", "vers:pypi/<1|<2|<3"]
        {
            let _ = VersRange::parse(t);
            let _ = VersRange::parse_unsorted(t, Profile::Generic);
        }
        assert!(VersRange::parse("vers:a/%E9").is_err());
    }
}
