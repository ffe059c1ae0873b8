//! The formatted-string and URI bindings of NISTIR 7695 (§6.1, §6.2): reading into logical values
//! and writing back. Both readers go through one token stream (literal byte, `?`, `*`) so the
//! wildcard rules are checked in one place.

use std::fmt::Write as _;

use super::{Attribute, Cpe, CpeErrorKind, Text, Value, Wildcard};

type Fail = (CpeErrorKind, String);

const FS_PREFIX: &str = "cpe:2.3:";
const URI_PREFIX: &str = "cpe:/";

/// One logical character or an unquoted wildcard.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    Question,
    Star,
}

pub(super) fn parse(s: &str) -> Result<Cpe, Fail> {
    if let Some(rest) = strip_prefix_ci(s, FS_PREFIX) {
        parse_fs(rest)
    } else if let Some(rest) = strip_prefix_ci(s, URI_PREFIX) {
        parse_uri(rest)
    } else {
        Err((
            CpeErrorKind::Prefix,
            "it starts with neither `cpe:2.3:` (formatted string) nor `cpe:/` (URI)".to_string(),
        ))
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) { s.get(prefix.len()..) } else { None }
}

// ---------------------------------------------------------------------------------------------
// Formatted string

fn parse_fs(rest: &str) -> Result<Cpe, Fail> {
    let components = split_fs(rest);
    if components.len() != Attribute::ALL.len() {
        return Err((
            CpeErrorKind::ComponentCount,
            format!(
                "a formatted string has 11 components after `cpe:2.3:`, this one has {} (a `:` inside a value is written `\\:`)",
                components.len()
            ),
        ));
    }
    let mut cpe = Cpe::default();
    for (attribute, component) in Attribute::ALL.into_iter().zip(components) {
        let value =
            if attribute == Attribute::Part { fs_part(component)? } else { fs_value(component, attribute.as_str())? };
        if attribute == Attribute::Language {
            check_language(&value)?;
        }
        *cpe.get_mut(attribute) = value;
    }
    Ok(cpe)
}

/// Splits at unquoted `:`. A lone `\` at the end is reported by the value reader.
fn split_fs(rest: &str) -> Vec<&str> {
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(11);
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\\') => i += 2,
            Some(b':') => {
                out.push(rest.get(start..i).unwrap_or_default());
                start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    out.push(rest.get(start..).unwrap_or_default());
    out
}

fn fs_part(component: &str) -> Result<Value, Fail> {
    match component {
        "*" => Ok(Value::Any),
        "-" => Ok(Value::Na),
        "a" | "o" | "h" => Ok(Value::Text(plain_text(component))),
        other => Err((CpeErrorKind::Part, format!("part `{other}` is not `a`, `o`, `h`, `*` or `-`"))),
    }
}

fn plain_text(body: &str) -> Text {
    Text { body: body.to_string(), leading: Wildcard::None, trailing: Wildcard::None }
}

/// Reads one formatted-string value (NISTIR 7695 §6.2.3).
pub(super) fn fs_value(component: &str, name: &str) -> Result<Value, Fail> {
    match component {
        "" => {
            return Err((CpeErrorKind::EmptyValue, format!("{name} is empty (ANY is written `*`, NA `-`)")));
        }
        "*" => return Ok(Value::Any),
        "-" => return Ok(Value::Na),
        _ => {}
    }
    let bytes = component.as_bytes();
    let mut toks = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => match bytes.get(i + 1) {
                None => {
                    return Err((
                        CpeErrorKind::Escape,
                        format!("{name} `{component}` ends with a lone `\\` (a backslash is written `\\\\`)"),
                    ));
                }
                Some(&q) if q.is_ascii_punctuation() => {
                    toks.push(Tok::Lit(q));
                    i += 2;
                }
                Some(&q) if q.is_ascii_alphanumeric() => {
                    return Err((
                        CpeErrorKind::Escape,
                        format!("{name} `{component}` quotes `{}`, which is not punctuation", q as char),
                    ));
                }
                Some(_) => return Err(illegal(name, component, i + 1)),
            },
            b'*' => {
                toks.push(Tok::Star);
                i += 1;
            }
            b'?' => {
                toks.push(Tok::Question);
                i += 1;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') => {
                toks.push(Tok::Lit(b));
                i += 1;
            }
            _ => return Err(illegal(name, component, i)),
        }
    }
    assemble(&toks, name, component).map(Value::Text)
}

/// The error for the character at byte `at` of `component` (a char boundary: every byte
/// before it was ASCII).
fn illegal(name: &str, component: &str, at: usize) -> Fail {
    let c = component.get(at..).and_then(|t| t.chars().next()).unwrap_or('\u{fffd}');
    let reason = if c.is_ascii_punctuation() {
        format!("{name} `{component}` has an unquoted `{c}` (write `\\{c}`)")
    } else if c.is_whitespace() {
        format!("{name} `{component}` contains whitespace (CPE uses `_`)")
    } else {
        format!("{name} `{component}` contains {c:?} (U+{:04X}), which is not printable ASCII", c as u32)
    };
    (CpeErrorKind::IllegalCharacter, reason)
}

/// Applies the wildcard rules: a single `*` or a run of `?` may open and close a value; no
/// unquoted wildcard inside; something other than wildcards in between.
fn assemble(toks: &[Tok], name: &str, shown: &str) -> Result<Text, Fail> {
    let mut i = 0;
    let leading = match toks.first() {
        Some(Tok::Star) => {
            i = 1;
            Wildcard::Star
        }
        Some(Tok::Question) => {
            let n = toks.iter().take_while(|t| **t == Tok::Question).count();
            i = n;
            Wildcard::Questions(u32::try_from(n).unwrap_or(u32::MAX))
        }
        _ => Wildcard::None,
    };
    let mut body = String::with_capacity(toks.len().saturating_sub(i));
    while let Some(Tok::Lit(b)) = toks.get(i) {
        body.push(char::from(*b));
        i += 1;
    }
    let rest = toks.get(i..).unwrap_or_default();
    let trailing = if rest.is_empty() {
        Wildcard::None
    } else if rest == [Tok::Star] {
        Wildcard::Star
    } else if rest.iter().all(|t| *t == Tok::Question) {
        Wildcard::Questions(u32::try_from(rest.len()).unwrap_or(u32::MAX))
    } else {
        return Err((
            CpeErrorKind::EmbeddedWildcard,
            format!(
                "{name} `{shown}` has an unquoted `*` or `?` that is not at its start or end, or mixes them \
                 (a literal one is quoted)"
            ),
        ));
    };
    if body.is_empty() {
        return Err((
            CpeErrorKind::OnlyWildcards,
            format!("{name} `{shown}` is made of wildcards alone (ANY is a single `*`)"),
        ));
    }
    Ok(Text { body, leading, trailing })
}

/// `language[-region]`: 2–3 letters, then optionally 2 letters or 3 digits (RFC 5646 as
/// NISTIR 7695 restricts it). No wildcards.
fn check_language(value: &Value) -> Result<(), Fail> {
    let Value::Text(t) = value else { return Ok(()) };
    let mut parts = t.body.split('-');
    let lang = parts.next().unwrap_or_default();
    let region = parts.next();
    let ok = !t.has_wildcards()
        && (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.next().is_none()
        && region.is_none_or(|r| {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        });
    if ok {
        Ok(())
    } else {
        Err((
            CpeErrorKind::Language,
            format!("language `{}` is not a language tag like `en` or `en-us`", value_display(value)),
        ))
    }
}

fn value_display(value: &Value) -> String {
    let mut s = String::new();
    write_fs_value(value, &mut s);
    s
}

pub(super) fn to_fs(cpe: &Cpe) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(FS_PREFIX);
    for (n, attribute) in Attribute::ALL.into_iter().enumerate() {
        if n > 0 {
            out.push(':');
        }
        write_fs_value(cpe.get(attribute), &mut out);
    }
    out
}

fn write_wildcard(w: Wildcard, star: &str, question: &str, out: &mut String) {
    match w {
        Wildcard::None => {}
        Wildcard::Star => out.push_str(star),
        Wildcard::Questions(n) => {
            for _ in 0..n {
                out.push_str(question);
            }
        }
    }
}

pub(super) fn write_fs_value(value: &Value, out: &mut String) {
    match value {
        Value::Any => out.push('*'),
        Value::Na => out.push('-'),
        Value::Text(t) => {
            write_wildcard(t.leading, "*", "?", out);
            if t.body == "-" && !t.has_wildcards() {
                // A literal hyphen alone would read back as NA.
                out.push_str("\\-");
            } else {
                for c in t.body.chars() {
                    if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            write_wildcard(t.trailing, "*", "?", out);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// URI

/// The URI's components: part, vendor, product, version, update, edition, language.
const URI_ATTRIBUTES: [Attribute; 7] = [
    Attribute::Part,
    Attribute::Vendor,
    Attribute::Product,
    Attribute::Version,
    Attribute::Update,
    Attribute::Edition,
    Attribute::Language,
];

/// The attributes packed into a URI edition after the edition itself.
const PACKED: [Attribute; 5] =
    [Attribute::Edition, Attribute::SwEdition, Attribute::TargetSw, Attribute::TargetHw, Attribute::Other];

fn parse_uri(rest: &str) -> Result<Cpe, Fail> {
    let components: Vec<&str> = rest.split(':').collect();
    if components.len() > URI_ATTRIBUTES.len() {
        return Err((
            CpeErrorKind::ComponentCount,
            format!("a URI has at most 7 components after `cpe:/`, this one has {}", components.len()),
        ));
    }
    let mut cpe = Cpe::default();
    for (attribute, component) in URI_ATTRIBUTES.into_iter().zip(components) {
        match attribute {
            Attribute::Part => cpe.part = uri_part(component)?,
            Attribute::Edition if component.starts_with('~') => {
                let fields: Vec<&str> = component.get(1..).unwrap_or_default().split('~').collect();
                if fields.len() != PACKED.len() {
                    return Err((
                        CpeErrorKind::PackedEdition,
                        format!(
                            "edition `{component}` starts with `~` but packs {} values, not 5 \
                             (`~edition~sw_edition~target_sw~target_hw~other`)",
                            fields.len()
                        ),
                    ));
                }
                for (a, field) in PACKED.into_iter().zip(fields) {
                    *cpe.get_mut(a) = uri_value(field, a)?;
                }
            }
            _ => *cpe.get_mut(attribute) = uri_value(component, attribute)?,
        }
    }
    check_language(&cpe.language)?;
    Ok(cpe)
}

fn uri_part(component: &str) -> Result<Value, Fail> {
    match component {
        "" => Ok(Value::Any),
        "-" => Ok(Value::Na),
        p if p.eq_ignore_ascii_case("a") || p.eq_ignore_ascii_case("o") || p.eq_ignore_ascii_case("h") => {
            Ok(Value::Text(plain_text(&p.to_ascii_lowercase())))
        }
        other => Err((CpeErrorKind::Part, format!("part `{other}` is not `a`, `o` or `h` (or empty for ANY)"))),
    }
}

/// Reads one URI value (NISTIR 7695 §6.1.3): empty is ANY, `-` NA; letters are lowercased;
/// `%01` is `?` and `%02` is `*`, only at the ends; other `%xx` encode punctuation.
fn uri_value(component: &str, attribute: Attribute) -> Result<Value, Fail> {
    let name = attribute.as_str();
    match component {
        "" => return Ok(Value::Any),
        "-" => return Ok(Value::Na),
        _ => {}
    }
    let bytes = component.as_bytes();
    let mut toks = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else {
                    return Err((
                        CpeErrorKind::PercentEncoding,
                        format!("{name} `{component}` has a `%` not followed by two hex digits"),
                    ));
                };
                toks.push(match v {
                    0x01 => Tok::Question,
                    0x02 => Tok::Star,
                    v if v.is_ascii_punctuation() => Tok::Lit(v),
                    v => {
                        return Err((
                            CpeErrorKind::PercentEncoding,
                            format!(
                                "{name} `{component}` has `%{v:02x}`, which is neither a wildcard (`%01`, `%02`) \
                                 nor punctuation"
                            ),
                        ));
                    }
                });
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'~') => {
                toks.push(Tok::Lit(b.to_ascii_lowercase()));
                i += 1;
            }
            _ => {
                let mut fail = illegal(name, component, i);
                if b.is_ascii_punctuation() {
                    fail.1 = format!("{name} `{component}` has `{}`, which a URI percent-encodes", b as char);
                }
                return Err(fail);
            }
        }
    }
    assemble(&toks, name, component).map(Value::Text)
}

pub(super) fn to_uri(cpe: &Cpe) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(URI_PREFIX);
    for (n, attribute) in URI_ATTRIBUTES.into_iter().enumerate() {
        if n > 0 {
            out.push(':');
        }
        let packed = attribute == Attribute::Edition
            && [&cpe.sw_edition, &cpe.target_sw, &cpe.target_hw, &cpe.other].iter().any(|v| !v.is_any());
        if packed {
            for a in PACKED {
                out.push('~');
                write_uri_value(cpe.get(a), &mut out);
            }
        } else {
            write_uri_value(cpe.get(attribute), &mut out);
        }
    }
    let keep = out.trim_end_matches(':').len().max(URI_PREFIX.len());
    out.truncate(keep);
    out
}

fn write_uri_value(value: &Value, out: &mut String) {
    match value {
        Value::Any => {}
        Value::Na => out.push('-'),
        Value::Text(t) => {
            write_wildcard(t.leading, "%02", "%01", out);
            if t.body == "-" && !t.has_wildcards() {
                out.push_str("%2d");
            } else {
                for c in t.body.chars() {
                    if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                        out.push(c);
                    } else {
                        // Non-ASCII is not producible by the readers; encoded byte by byte
                        // rather than lost.
                        let mut buf = [0u8; 4];
                        for b in c.encode_utf8(&mut buf).bytes() {
                            let _ = write!(out, "%{b:02x}");
                        }
                    }
                }
            }
            write_wildcard(t.trailing, "%02", "%01", out);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plain values

pub(super) fn plain_value(s: &str) -> Result<Value, Fail> {
    let trimmed = s.trim();
    match trimmed {
        "" | "*" => return Ok(Value::Any),
        "-" => return Ok(Value::Na),
        _ => {}
    }
    let mut body = String::with_capacity(trimmed.len());
    let mut in_space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            if !in_space {
                body.push('_');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        if !c.is_ascii_graphic() {
            return Err((
                CpeErrorKind::IllegalCharacter,
                format!("`{trimmed}` contains {c:?} (U+{:04X}); CPE values are printable ASCII", c as u32),
            ));
        }
        body.push(c);
    }
    Ok(Value::Text(plain_text(&body)))
}
