//! Product identity: who made a thing and what it is, in a form that compares.
//!
//! Two tables, kept as data in `crates/matching/data/` (facts, each line naming its source):
//!
//! - `vendors.tsv`: one vendor per line — its key, the CPE vendor names NVD uses for it, the
//!   names advisories and inventories use (`Rockwell Automation` = `Allen-Bradley` =
//!   `rockwellautomation`), and the version [`Profile`] its version strings follow;
//! - `models.tsv`: model / order-number patterns and the product and family they belong to
//!   (`6ES7 516-3AN0*` → `SIMATIC S7-1500 CPU 1516-3 PN/DP`, family `SIMATIC S7-1500`).
//!
//! Names are compared after [`norm_name`] (lower case, punctuation to spaces, corporate suffixes
//! such as `AG`, `Inc.`, `GmbH` dropped); model numbers after [`norm_model`] (upper case, no
//! spaces). A vendor nobody listed is still its own key (its normalised name), so an inventory
//! and an advisory that spell an unlisted vendor the same way still meet.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::version::Profile;

const VENDORS: &str = include_str!("../data/vendors.tsv");
const MODELS: &str = include_str!("../data/models.tsv");

/// One vendor of `vendors.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    /// The key (`siemens`, `rockwell`), stable: findings and tests use it.
    pub key: String,
    /// CPE vendor attribute values NVD uses (`rockwellautomation`, `allen-bradley`).
    pub cpe_vendors: Vec<String>,
    /// Names as written by advisories and inventories, normalised by [`norm_name`].
    pub aliases: Vec<String>,
    /// How this vendor writes versions.
    pub profile: Profile,
    pub source: String,
}

/// One line of `models.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRule {
    /// Vendor key.
    pub vendor: String,
    /// Normalised pattern ([`norm_model`]); `*` any run, `?` one character.
    pub pattern: String,
    pub product: String,
    pub family: Option<String>,
    pub source: String,
}

/// A table line that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table}:{line}: {message}")]
pub struct TableError {
    pub table: String,
    pub line: usize,
    pub message: String,
}

/// The vendor and model tables, indexed.
#[derive(Debug, Default)]
pub struct Tables {
    vendors: Vec<Vendor>,
    /// Normalised alias, key or CPE vendor → index into `vendors`.
    by_name: HashMap<String, usize>,
    models: Vec<ModelRule>,
}

impl Tables {
    /// The tables shipped with Patchwise. They are checked by a test; should they ever fail to
    /// read, matching goes on with empty tables (vendors then match only by identical names).
    pub fn builtin() -> &'static Tables {
        static T: OnceLock<Tables> = OnceLock::new();
        T.get_or_init(|| Tables::parse(VENDORS, MODELS).unwrap_or_default())
    }

    /// Reads both tables (tab-separated; `#` starts a comment line; blank lines skipped).
    pub fn parse(vendors: &str, models: &str) -> Result<Tables, TableError> {
        let mut t = Tables::default();
        for (n, line) in data_lines(vendors) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 5 {
                return Err(err("vendors.tsv", n, format!("expected 5 tab-separated fields, found {}", f.len())));
            }
            let key = f[0].trim().to_string();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(err("vendors.tsv", n, format!("key `{key}` must be lower-case letters, digits and `-`")));
            }
            let profile = Profile::parse(f[3].trim())
                .ok_or_else(|| err("vendors.tsv", n, format!("unknown version profile `{}`", f[3].trim())))?;
            let vendor = Vendor {
                key: key.clone(),
                cpe_vendors: split_list(f[1]).map(str::to_string).collect(),
                aliases: split_list(f[2]).map(norm_name).filter(|a| !a.is_empty()).collect(),
                profile,
                source: f[4].trim().to_string(),
            };
            let idx = t.vendors.len();
            let mut names: Vec<String> = vec![norm_name(&key)];
            names.extend(vendor.aliases.iter().cloned());
            names.extend(vendor.cpe_vendors.iter().map(|c| norm_name(c)));
            for name in names {
                if let Some(&other) = t.by_name.get(&name)
                    && other != idx
                {
                    return Err(err(
                        "vendors.tsv",
                        n,
                        format!("name `{name}` already belongs to vendor `{}`", t.vendors[other].key),
                    ));
                }
                t.by_name.insert(name, idx);
            }
            t.vendors.push(vendor);
        }
        for (n, line) in data_lines(models) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 5 {
                return Err(err("models.tsv", n, format!("expected 5 tab-separated fields, found {}", f.len())));
            }
            let vendor = f[0].trim();
            if !t.vendors.iter().any(|v| v.key == vendor) {
                return Err(err("models.tsv", n, format!("vendor `{vendor}` is not in vendors.tsv")));
            }
            let pattern = norm_model(f[1]);
            if pattern.is_empty() || f[2].trim().is_empty() {
                return Err(err("models.tsv", n, "pattern and product are required".to_string()));
            }
            t.models.push(ModelRule {
                vendor: vendor.to_string(),
                pattern,
                product: f[2].trim().to_string(),
                family: Some(f[3].trim()).filter(|s| !s.is_empty()).map(str::to_string),
                source: f[4].trim().to_string(),
            });
        }
        // Most specific pattern first: longest literal part wins.
        t.models.sort_by_key(|m| std::cmp::Reverse(m.pattern.chars().filter(|c| *c != '*' && *c != '?').count()));
        Ok(t)
    }

    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    pub fn models(&self) -> &[ModelRule] {
        &self.models
    }

    /// The table entry for a vendor name as written anywhere (`Siemens AG`, `allen-bradley`).
    pub fn vendor(&self, name: &str) -> Option<&Vendor> {
        self.by_name.get(&norm_name(name)).map(|&i| &self.vendors[i])
    }

    /// The vendor key for a name: the table's key, or the normalised name itself.
    pub fn vendor_key(&self, name: &str) -> String {
        match self.vendor(name) {
            Some(v) => v.key.clone(),
            None => norm_name(name),
        }
    }

    /// The version profile for a vendor name (generic when unlisted).
    pub fn profile(&self, vendor_name: &str) -> Profile {
        self.vendor(vendor_name).map_or(Profile::Generic, |v| v.profile)
    }

    /// The vendor key for a CPE vendor attribute value (`rockwellautomation` → `rockwell`).
    pub fn vendor_key_for_cpe(&self, cpe_vendor: &str) -> String {
        self.vendor_key(cpe_vendor)
    }

    /// The first (most specific) model rule of `vendor_key` whose pattern matches `model`.
    pub fn model(&self, vendor_key: &str, model: &str) -> Option<&ModelRule> {
        let m = norm_model(model);
        if m.is_empty() {
            return None;
        }
        self.models.iter().find(|r| r.vendor == vendor_key && glob(&r.pattern, &m))
    }
}

fn err(table: &str, line: usize, message: String) -> TableError {
    TableError { table: table.to_string(), line, message }
}

fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

fn split_list(field: &str) -> impl Iterator<Item = &str> {
    field.split('|').map(str::trim).filter(|s| !s.is_empty())
}

/// Words dropped from vendor names: legal forms and filler.
const CORPORATE: &[&str] = &[
    "ag",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "gmbh",
    "co",
    "kg",
    "corp",
    "corporation",
    "llc",
    "sa",
    "se",
    "plc",
    "bv",
    "nv",
    "spa",
    "srl",
    "oy",
    "ab",
    "as",
    "company",
    "the",
    "group",
    "holding",
    "holdings",
    "kk",
];

/// A vendor or product name in comparable form: lower case, every run of characters other than
/// letters and digits becomes one space, legal-form words dropped (`Siemens AG` → `siemens`,
/// `Schneider-Electric` → `schneider electric`, `Phoenix Contact GmbH & Co. KG` →
/// `phoenix contact`).
pub fn norm_name(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for word in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if CORPORATE.contains(&word) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() { lower.split_whitespace().collect::<Vec<_>>().join(" ") } else { out }
}

/// A product name in comparable form: lower case, punctuation other than `-`, `/`, `.` and `+`
/// (which are part of product names: `S7-1500`, `PN/DP`, `4.0`) turned into spaces.
pub fn norm_product(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for word in lower
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | '+')))
        .map(|w| w.trim_matches(|c| matches!(c, '-' | '/' | '.')))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A model or order number in comparable form: upper case, spaces removed
/// (`6ES7 516-3AN02-0AB0` → `6ES7516-3AN02-0AB0`).
pub fn norm_model(model: &str) -> String {
    model.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Glob match of a normalised pattern (`*` any run, `?` one character) against a normalised text.
/// Works on bytes for ASCII input (no allocation) and on characters otherwise.
pub fn glob(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?')
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        glob_units(&p, &t, '*', '?')
    }
}

fn glob_units<T: PartialEq + Copy>(p: &[T], t: &[T], star_unit: T, one: T) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == one || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star_unit {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == star_unit {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise() {
        assert_eq!(norm_name("Siemens AG"), "siemens");
        assert_eq!(norm_name("Phoenix Contact GmbH & Co. KG"), "phoenix contact");
        assert_eq!(norm_name("schneider-electric"), "schneider electric");
        assert_eq!(norm_model("6ES7 516-3AN02-0AB0"), "6ES7516-3AN02-0AB0");
        assert_eq!(norm_product("SIMATIC S7-1500 CPU 1516-3 PN/DP"), "simatic s7-1500 cpu 1516-3 pn/dp");
    }

    #[test]
    fn glob_matches() {
        assert!(glob("6ES7516-3AN0*-0AB0", "6ES7516-3AN02-0AB0"));
        assert!(glob("6ES7516-3AN0?-0AB0", "6ES7516-3AN02-0AB0"));
        assert!(!glob("6ES7516-3AN0?-0AB0", "6ES7516-3AN022-0AB0"));
        assert!(glob("*", ""));
        assert!(!glob("A", ""));
    }

    #[test]
    fn builtin_tables_read() {
        let t = Tables::parse(VENDORS, MODELS);
        assert!(t.is_ok(), "{t:?}");
    }

    #[test]
    fn bad_lines_are_reported_with_their_line() {
        let e = Tables::parse("# c\nsiemens\tsiemens\tSiemens AG\tnope\tx\n", "").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("nope"));
        let e = Tables::parse("", "ghost\t6ES7*\tX\t\tsrc\n").unwrap_err();
        assert!(e.message.contains("ghost"));
    }
}
