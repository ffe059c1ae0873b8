//! Data quality of version text in advisories: turns the version ranges vendors and coordinators
//! actually publish into [`VersionSpec`], and says what it changed.
//!
//! CSAF 2.0 wants `product_version_range` to be canonical `vers` (`vers:generic/>=2.0|<2.9.4`,
//! `vers:all/*`) or, as a best-effort fallback, "vls" — the constraint part alone (`<=4.4`). CISA's
//! ICS advisories also carry `vers:all/<V5.5.2` (invalid: scheme `all` takes only `*`), vls with
//! spaces (`< V2.9.4`, `>= 1.0 | <= 1.32`), constraints run together (`>= V7.80 < V9.30`,
//! `vers:all/>=V7.80<V9.40`), versions with service-pack words (`< V3.0 SP1`), prose prefixes
//! (`All versions < V6.4`) and free text (`All versions with Ethernet interface`).
//!
//! [`normalise_range`] reads what is unambiguous into `All` / `Exact` / `Range` / `Vers`, and
//! returns a warning naming every change (`` `vers:all/<V5.5.2` is not valid vers (scheme `all`
//! takes only `*`); read as < V5.5.2 ``). Everything else becomes [`VersionSpec::Unparsed`] with a
//! "needs analyst" warning: an unreadable range is never dropped and never means "not affected".
//!
//! What this module must never do: compare versions. Ordering belongs to matching (a vendor
//! profile decides whether `20.011 < 20.2`). So constraint lists are kept in the order published,
//! and only the *shape* of a list is checked (lower and upper bounds must alternate, as in `vers`).
//!
//! Version tokens: a version is one word that starts with a digit, or with at most three letters
//! and then a digit (`V4.1`, `R302-V0`, `FW14`, `SE2021MP5`), and holds no run of four or more
//! letters outside a short list (`build`, `beta`, …). It may continue with vendor qualifier words:
//! `SP1`, `SP 3`, `Update 5`, `Upd4`, `HF 13`, `Build 16102416`, `CU01`, `R2`, `P01`, `QU1`,
//! `Service Pack 1A` (`V5.2 SP 3 HF 13`, `2020 R2 P01`). Anything else (`with`, dates, serial
//! numbers, `(only affected by …)`) makes the text free text.
//!
//! [`fixed_version`] reads "Update to V3.1.2 or later version" style remediation text; it answers
//! `None` unless exactly one version follows an "update to"/"upgrade to" and nothing but "or
//! later", a sentence end, a clause after a comma or a download link follows it (a comma followed
//! by another version is a list: `None`).

use model::advisory::{Bound, VersionSpec};

/// A comparator of a version constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
    fn is_lower(self) -> bool {
        matches!(self, Op::Gt | Op::Ge)
    }
    fn is_upper(self) -> bool {
        matches!(self, Op::Lt | Op::Le)
    }
}

#[derive(Debug, Clone)]
struct Constraint {
    op: Op,
    version: String,
}

/// Reads a `product_version_range` (or a CycloneDX `range`) into a [`VersionSpec`].
///
/// The warning is `None` when the text was valid `vers` or clean vls; otherwise it says what was
/// changed and how the text was read, or that it needs an analyst ([`VersionSpec::Unparsed`]).
pub fn normalise_range(text: &str) -> (VersionSpec, Option<String>) {
    let mut notes = Vec::new();
    let result = range_inner(text, &mut notes);
    finish(text, result, &notes)
}

/// Reads a `product_version` (one version by definition). Text that is plainly a range or a
/// list (`<= 2`, `10 | 11`, `2.3.6 and below`, `vers:all/*`) is read as one, with a warning: an
/// exact version that no asset can equal would silently mean "not affected".
pub fn normalise_version(text: &str) -> (VersionSpec, Option<String>) {
    let t = text.trim();
    if t.is_empty() {
        return (
            VersionSpec::Unparsed { text: text.to_string() },
            Some("empty product_version; needs analyst".to_string()),
        );
    }
    if !looks_like_range(t) {
        return (VersionSpec::Exact { version: t.to_string() }, None);
    }
    let mut notes = vec!["is a product_version holding a range or list, not one version".to_string()];
    let result = range_inner(text, &mut notes);
    finish(text, result, &notes)
}

/// The version a "vendor fix" remediation names, when the text says so unambiguously:
/// `Update to V3.1.2 or later version` → `V3.1.2`, `Update to V2.0 SP1 or later version` →
/// `V2.0 SP1`, `MXview One Series: Upgrade to v1.4.1` → `v1.4.1`. `None` when unsure
/// (`Update to 5.009 and 5.029 or later`, `Update Fortigate NGFW to V7.4.1`).
pub fn fixed_version(details: &str) -> Option<String> {
    let lower = details.to_ascii_lowercase();
    let mut found: Option<String> = None;
    for trigger in ["update to ", "upgrade to "] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(trigger) {
            let at = from + pos;
            from = at + trigger.len();
            let boundary = lower[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            if !boundary {
                continue;
            }
            let Some(v) = version_after_trigger(&details[at + trigger.len()..]) else { continue };
            match &found {
                Some(prev) if *prev != v => return None,
                _ => found = Some(v),
            }
        }
    }
    found
}

/// Human form of a spec for warnings: `< V5.5.2`, `>= V7.80 and < V9.30`, `exactly 2019 R1`.
pub fn describe(spec: &VersionSpec) -> String {
    match spec {
        VersionSpec::All => "all versions".to_string(),
        VersionSpec::Exact { version } => format!("exactly {version}"),
        VersionSpec::Range { start, end } => {
            let lo = start.as_ref().map(|b| format!("{} {}", if b.inclusive { ">=" } else { ">" }, b.version));
            let hi = end.as_ref().map(|b| format!("{} {}", if b.inclusive { "<=" } else { "<" }, b.version));
            match (lo, hi) {
                (Some(l), Some(h)) => format!("{l} and {h}"),
                (Some(l), None) => l,
                (None, Some(h)) => h,
                (None, None) => "all versions".to_string(),
            }
        }
        VersionSpec::Vers { vers } => vers.clone(),
        VersionSpec::Unparsed { text } => format!("unparsed `{text}`"),
    }
}

// ---------------------------------------------------------------------------------------------

fn finish(text: &str, result: Result<VersionSpec, String>, notes: &[String]) -> (VersionSpec, Option<String>) {
    match result {
        Ok(spec) if notes.is_empty() => (spec, None),
        Ok(spec) => {
            let warning = format!("`{text}` {}; read as {}", notes.join("; "), describe(&spec));
            (spec, Some(warning))
        }
        Err(reason) => {
            let warning = format!("`{text}` is not a version range ({reason}); needs analyst");
            (VersionSpec::Unparsed { text: text.to_string() }, Some(warning))
        }
    }
}

fn range_inner(text: &str, notes: &mut Vec<String>) -> Result<VersionSpec, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("empty".to_string());
    }
    if trimmed.len() != text.len() {
        notes.push("has surrounding whitespace".to_string());
    }
    if let Some(rest) = strip_prefix_ci(trimmed, "vers:") {
        if !trimmed.starts_with("vers:") {
            notes.push("spells the `vers:` prefix in upper case".to_string());
        }
        return vers_inner(rest, notes);
    }
    loose(trimmed, "generic", notes)
}

/// `rest` is what follows `vers:`.
fn vers_inner(rest: &str, notes: &mut Vec<String>) -> Result<VersionSpec, String> {
    let Some((scheme_raw, constraints)) = rest.split_once('/') else {
        return Err("`vers:` without `/` after the versioning scheme".to_string());
    };
    let scheme = scheme_raw.trim().to_ascii_lowercase();
    if !valid_scheme(&scheme) {
        return Err(format!("`{scheme_raw}` is not a versioning scheme"));
    }
    if scheme != scheme_raw {
        notes.push("spells the versioning scheme with upper case or spaces".to_string());
    }
    let c = constraints.trim();
    if c.len() != constraints.len() {
        notes.push("has whitespace (not permitted in vers)".to_string());
    }
    if scheme == "all" || scheme == "none" {
        if c == "*" {
            return Ok(if scheme == "all" {
                VersionSpec::All
            } else {
                VersionSpec::Vers { vers: "vers:none/*".to_string() }
            });
        }
        if scheme == "none" {
            return Err("scheme `none` takes only `*`".to_string());
        }
        notes.push("is not valid vers (scheme `all` takes only `*`)".to_string());
        return loose(c, "generic", notes);
    }
    if let Some(list) = strict_vers_constraints(c) {
        let vers = format!("vers:{scheme}/{}", join_constraints(&list));
        return Ok(VersionSpec::Vers { vers });
    }
    notes.push("is not canonical vers".to_string());
    loose(c, &scheme, notes)
}

/// Constraints of a syntactically canonical vers (no whitespace, no empty constraint, one
/// comparator each, `*` alone). Sorting is not checked: that needs version comparison.
fn strict_vers_constraints(c: &str) -> Option<Vec<Constraint>> {
    if c.is_empty() || c.chars().any(char::is_whitespace) {
        return None;
    }
    if c == "*" {
        return Some(vec![Constraint { op: Op::Eq, version: "*".to_string() }]);
    }
    let mut out = Vec::new();
    for part in c.split('|') {
        let (op, v) = split_op(part);
        if v.is_empty() || v.contains(['<', '>', '=', '!', '*']) {
            return None;
        }
        out.push(Constraint { op, version: v.to_string() });
    }
    Some(out)
}

fn split_op(s: &str) -> (Op, &str) {
    for (p, op) in [("!=", Op::Ne), ("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt), ("=", Op::Eq)] {
        if let Some(rest) = s.strip_prefix(p) {
            return (op, rest);
        }
    }
    (Op::Eq, s)
}

fn valid_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || matches!(c, '.' | '-' | '+') => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
}

/// Loose vls: constraints separated by `|`, `and` or nothing, with or without whitespace.
fn loose(s: &str, scheme: &str, notes: &mut Vec<String>) -> Result<VersionSpec, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("no constraint".to_string());
    }
    if s == "*" {
        return Ok(VersionSpec::All);
    }
    // "All versions" (any case) alone, or as a prose prefix before constraints.
    if let Some(rest) = strip_prefix_ci(s, "all versions") {
        let rest_t = rest.trim_start();
        if rest_t.is_empty() {
            notes.push("is prose, not vers".to_string());
            return Ok(VersionSpec::All);
        }
        if rest.len() != rest_t.len() && starts_with_op(rest_t) {
            notes.push("starts with the prose `All versions`".to_string());
            return loose(rest_t, scheme, notes);
        }
        return Err("free text after `All versions`".to_string());
    }
    if !s.contains(['<', '>', '=', '|']) {
        if let Some(spec) = hyphen_range(s, notes) {
            return Ok(spec);
        }
        if let Some(spec) = phrase_range(s, notes)? {
            return Ok(spec);
        }
    }
    let constraints = constraints(s, notes)?;
    if scheme != "generic" {
        // A named scheme carries comparison semantics (npm, semver…): stay in vers.
        return Ok(VersionSpec::Vers { vers: format!("vers:{scheme}/{}", join_constraints(&constraints)) });
    }
    build(constraints, scheme, notes)
}

fn starts_with_op(s: &str) -> bool {
    s.starts_with(['<', '>', '=', '!'])
}

/// `A - B` (whitespace on at least one side of the hyphen) → `>= A and <= B`.
fn hyphen_range(s: &str, notes: &mut Vec<String>) -> Option<VersionSpec> {
    let bytes = s.as_bytes();
    let hyphens: Vec<usize> = s.match_indices('-').map(|(i, _)| i).collect();
    let mut chosen = None;
    for i in hyphens {
        let before = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let after = i + 1 < bytes.len() && bytes[i + 1].is_ascii_whitespace();
        if before || after {
            if chosen.is_some() {
                return None;
            }
            chosen = Some(i);
        }
    }
    let i = chosen?;
    let (a, b) = (s[..i].trim(), s[i + 1..].trim());
    let mut scratch = Vec::new();
    let a = version_text(a, &mut scratch).ok()?;
    let b = version_text(b, &mut scratch).ok()?;
    notes.push("is a hyphen range, read as inclusive at both ends".to_string());
    notes.append(&mut scratch);
    Some(VersionSpec::Range {
        start: Some(Bound { version: a, inclusive: true }),
        end: Some(Bound { version: b, inclusive: true }),
    })
}

/// `2.3.6 and below`, `prior to 4.2`, `before V2`.
fn phrase_range(s: &str, notes: &mut Vec<String>) -> Result<Option<VersionSpec>, String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let n = words.len();
    if n >= 3 {
        let tail = format!("{} {}", lower[n - 2], lower[n - 1]);
        const SUFFIXES: [&str; 9] = [
            "and below",
            "and earlier",
            "and prior",
            "and lower",
            "and older",
            "or earlier",
            "or below",
            "or lower",
            "or older",
        ];
        if SUFFIXES.contains(&tail.as_str()) {
            let v = version_text(&words[..n - 2].join(" "), notes)?;
            notes.push(format!("is prose (`… {tail}`)"));
            return Ok(Some(VersionSpec::Range { start: None, end: Some(Bound { version: v, inclusive: true }) }));
        }
    }
    for prefix in [&["prior", "to"][..], &["before"][..], &["earlier", "than"][..]] {
        let k = prefix.len();
        if n > k && lower[..k].iter().zip(prefix).all(|(a, b)| a == b) {
            let v = version_text(&words[k..].join(" "), notes)?;
            notes.push(format!("is prose (`{} …`)", prefix.join(" ")));
            return Ok(Some(VersionSpec::Range { start: None, end: Some(Bound { version: v, inclusive: false }) }));
        }
    }
    Ok(None)
}

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Op(Op),
    Pipe,
    And,
    Word(&'a str),
}

/// Tokens, each with whether whitespace preceded it.
fn tokenize(s: &str) -> Vec<(Tok<'_>, bool)> {
    let mut out: Vec<(Tok<'_>, bool)> = Vec::new();
    let mut space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        let before = out.len();
        match c {
            b'|' => {
                out.push((Tok::Pipe, false));
                i += 1;
            }
            b'<' | b'>' | b'=' | b'!' => {
                let next = bytes.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    (b'<', Some(b'=')) => (Op::Le, 2),
                    (b'>', Some(b'=')) => (Op::Ge, 2),
                    (b'!', Some(b'=')) => (Op::Ne, 2),
                    (b'=', Some(b'=')) => (Op::Eq, 2),
                    (b'<', _) => (Op::Lt, 1),
                    (b'>', _) => (Op::Gt, 1),
                    (b'=', _) => (Op::Eq, 1),
                    // A lone `!` is part of a word.
                    _ => (Op::Ne, 0),
                };
                if len == 0 {
                    let start = i;
                    i = word_end(bytes, i + 1);
                    out.push((Tok::Word(&s[start..i]), false));
                } else {
                    out.push((Tok::Op(op), false));
                    i += len;
                }
            }
            _ => {
                let start = i;
                i = word_end(bytes, i);
                let w = &s[start..i];
                if w.eq_ignore_ascii_case("and") {
                    out.push((Tok::And, false));
                } else {
                    out.push((Tok::Word(w), false));
                }
            }
        }
        if let Some(last) = out.get_mut(before) {
            last.1 = space;
        }
        space = false;
    }
    out
}

fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'|' | b'<' | b'>' | b'=') {
        i += 1;
    }
    i
}

fn constraints(s: &str, notes: &mut Vec<String>) -> Result<Vec<Constraint>, String> {
    let toks = tokenize(s);
    // Whitespace between two words belongs to a version (`V3.0 SP1`, reported there); any other
    // whitespace is the vls-with-spaces defect.
    let outer_space = toks.iter().enumerate().any(|(i, (t, space))| {
        *space && !(matches!(t, Tok::Word(_)) && i > 0 && matches!(toks[i - 1].0, Tok::Word(_)))
    });
    if outer_space {
        notes.push("has whitespace (not permitted in vers)".to_string());
    }
    let mut out = Vec::new();
    let mut op: Option<Op> = None;
    let mut words: Vec<&str> = Vec::new();
    let mut empty_constraint = false;
    let mut run_together = false;
    let mut and_sep = false;
    let mut pending_sep = true; // at start, as after a separator

    fn flush(
        op: &mut Option<Op>,
        words: &mut Vec<&str>,
        out: &mut Vec<Constraint>,
        notes: &mut Vec<String>,
    ) -> Result<bool, String> {
        if words.is_empty() {
            if let Some(o) = op.take() {
                return Err(format!("comparator `{}` without a version", if o == Op::Eq { "=" } else { o.as_str() }));
            }
            return Ok(false);
        }
        let text = words.join(" ");
        let version = version_text(&text, notes)?;
        out.push(Constraint { op: op.take().unwrap_or(Op::Eq), version });
        words.clear();
        Ok(true)
    }

    for (tok, _) in toks {
        match tok {
            Tok::Pipe | Tok::And => {
                let had = flush(&mut op, &mut words, &mut out, notes)?;
                if !had {
                    empty_constraint = true;
                }
                if tok == Tok::And {
                    and_sep = true;
                }
                pending_sep = true;
            }
            Tok::Op(o) => {
                if !words.is_empty() {
                    flush(&mut op, &mut words, &mut out, notes)?;
                    run_together = true;
                } else if let Some(prev) = op {
                    return Err(format!("two comparators `{}` `{}` in a row", prev.as_str(), o.as_str()));
                }
                op = Some(o);
                pending_sep = false;
            }
            Tok::Word(w) => {
                words.push(w);
                pending_sep = false;
            }
        }
    }
    let had = flush(&mut op, &mut words, &mut out, notes)?;
    if !had && !out.is_empty() && pending_sep {
        empty_constraint = true;
    }
    if out.is_empty() {
        return Err("no constraint".to_string());
    }
    if empty_constraint {
        notes.push("has an empty constraint (leading, trailing or doubled separator)".to_string());
    }
    if and_sep {
        notes.push("separates constraints with `and` instead of `|`".to_string());
    }
    if run_together {
        notes.push("runs constraints together without `|`".to_string());
    }
    Ok(out)
}

fn build(list: Vec<Constraint>, scheme: &str, notes: &mut Vec<String>) -> Result<VersionSpec, String> {
    if list.iter().any(|c| c.version == "*") {
        return Err("`*` mixed with other constraints".to_string());
    }
    let bound = |c: &Constraint| Bound { version: c.version.clone(), inclusive: matches!(c.op, Op::Le | Op::Ge) };
    match list.as_slice() {
        [one] => {
            return Ok(match one.op {
                Op::Eq => VersionSpec::Exact { version: one.version.clone() },
                Op::Lt | Op::Le => VersionSpec::Range { start: None, end: Some(bound(one)) },
                Op::Gt | Op::Ge => VersionSpec::Range { start: Some(bound(one)), end: None },
                Op::Ne => VersionSpec::Vers { vers: format!("vers:{scheme}/{}", join_constraints(&list)) },
            });
        }
        [a, b] if a.op.is_lower() && b.op.is_upper() => {
            return Ok(VersionSpec::Range { start: Some(bound(a)), end: Some(bound(b)) });
        }
        [a, b] if a.op.is_upper() && b.op.is_lower() => {
            notes.push("lists the upper bound before the lower bound".to_string());
            return Ok(VersionSpec::Range { start: Some(bound(b)), end: Some(bound(a)) });
        }
        _ => {}
    }
    // Longer lists: the vers rule that bounds alternate (after dropping = and !=).
    let mut prev: Option<bool> = None;
    for c in &list {
        if matches!(c.op, Op::Eq | Op::Ne) {
            continue;
        }
        let lower = c.op.is_lower();
        if prev == Some(lower) {
            let shown: Vec<String> = list.iter().map(|c| format!("{}{}", c.op.as_str(), c.version)).collect();
            return Err(format!(
                "bounds `{}` do not alternate lower/upper, so it is no interval list",
                shown.join(" | ")
            ));
        }
        prev = Some(lower);
    }
    Ok(VersionSpec::Vers { vers: format!("vers:{scheme}/{}", join_constraints(&list)) })
}

fn join_constraints(list: &[Constraint]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|c| format!("{}{}", c.op.as_str(), c.version.replace('%', "%25").replace(' ', "%20")))
        .collect();
    parts.join("|")
}

// --- version tokens ----------------------------------------------------------------------------

const LONG_WORDS_OK: [&str; 8] = ["alpha", "beta", "build", "patch", "update", "hotfix", "release", "final"];
const QUALIFIERS: [&str; 11] = ["sp", "update", "upd", "hf", "build", "cu", "patch", "qu", "r", "p", "service"];

/// Checks one version (possibly with qualifier words) and returns it as it should be kept.
fn version_text(text: &str, notes: &mut Vec<String>) -> Result<String, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some((first, rest)) = words.split_first() else { return Err("empty version".to_string()) };
    let mut first = first.to_string();
    if first.len() > 1 && first.ends_with('.') && rest.is_empty() {
        notes.push(format!("has a trailing `.` after `{}`", first.trim_end_matches('.')));
        first = first.trim_end_matches('.').to_string();
    }
    word_is_version(&first)?;
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i];
        let lw = w.to_ascii_lowercase();
        if lw == "service" {
            if rest.get(i + 1).is_some_and(|n| n.eq_ignore_ascii_case("pack")) {
                i += 2;
                if rest.get(i).is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) {
                    i += 1;
                }
                continue;
            }
            return Err(format!("`{w}` is not a version qualifier"));
        }
        if QUALIFIERS.contains(&lw.as_str()) && lw != "r" && lw != "p" {
            i += 1;
            if rest.get(i).is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()) && is_alnum(n)) {
                i += 1;
            }
            continue;
        }
        if qualifier_with_number(&lw) {
            i += 1;
            continue;
        }
        return Err(format!("`{w}` in `{text}` is not a version qualifier"));
    }
    let joined = if rest.is_empty() { first } else { format!("{first} {}", rest.join(" ")) };
    if !rest.is_empty() {
        notes.push(format!("has a version with spaces (`{joined}`)"));
    }
    if joined.split(['.', ' ']).any(|p| p.eq_ignore_ascii_case("x") || p == "*") {
        notes.push(format!("has a wildcard in `{joined}` (kept; matching must expand it)"));
    }
    Ok(joined)
}

/// `SP1`, `HF29`, `Upd4`, `Update2`, `CU01`, `R2`, `P01`, `QU1`.
fn qualifier_with_number(lw: &str) -> bool {
    QUALIFIERS
        .iter()
        .any(|q| lw.strip_prefix(q).is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()) && is_alnum(n)))
}

fn is_alnum(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn word_is_version(w: &str) -> Result<(), String> {
    if strip_prefix_ci(w, "cve-").is_some() {
        return Err(format!("`{w}` is a CVE id"));
    }
    if !w
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '~' | '(' | ')' | '/' | ':' | '*'))
    {
        return Err(format!("`{w}` has characters no version has"));
    }
    if !w.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("`{w}` has no digit"));
    }
    let letters = w.chars().take_while(char::is_ascii_alphabetic).count();
    if letters > 3 {
        return Err(format!("`{w}` is a word, not a version"));
    }
    let after = &w[letters..];
    let starts_ok = after.starts_with(|c: char| c.is_ascii_digit())
        || (letters > 0 && after.starts_with(['.', '-', '_']) && after[1..].starts_with(|c: char| c.is_ascii_digit()));
    if !starts_ok {
        return Err(format!("`{w}` does not start like a version"));
    }
    let mut run = String::new();
    for c in w.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphabetic() {
            run.push(c.to_ascii_lowercase());
        } else {
            if run.len() >= 4 && !LONG_WORDS_OK.contains(&run.as_str()) {
                return Err(format!("`{w}` holds the word `{run}`"));
            }
            run.clear();
        }
    }
    let parts: Vec<&str> = w.split('_').collect();
    if parts.len() >= 2
        && parts.iter().all(|p| p.starts_with(['v', 'V']) && p[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        return Err(format!("`{w}` looks like several versions joined by `_`"));
    }
    Ok(())
}

fn looks_like_range(t: &str) -> bool {
    if t.contains(['<', '>', '|']) || t == "*" || t.starts_with("* ") {
        return true;
    }
    let l = t.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
    l.starts_with("vers:")
        || l.starts_with("all versions")
        || l.starts_with("prior to ")
        || l.starts_with("before ")
        || [" and below", " and earlier", " and prior", " or earlier", " and lower", " or lower", " and older"]
            .iter()
            .any(|s| l.ends_with(s))
        || t.contains(" - ")
        || t.contains(" -")
        || t.contains("- ")
        || l.contains(" and ")
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// The version right after "update to " in remediation text, if the rest of the sentence allows
/// no other reading.
fn version_after_trigger(after: &str) -> Option<String> {
    let line = after.split('\n').next().unwrap_or("");
    let mut rest = line.trim_start();
    for skip in ["firmware version ", "software version ", "version ", "release "] {
        if let Some(r) = strip_prefix_ci(rest, skip) {
            rest = r.trim_start();
            break;
        }
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    let (first, tail) = words.split_first()?;
    // A sentence may end right after the version.
    let (first_clean, ended) = strip_sentence_end(first);
    word_is_version(first_clean).ok()?;
    if first.ends_with(',') {
        // `Upgrade to V8.011, which has been patched`: one version and a clause. `update to
        // DDC4002e, DDC4200e and …`: a list of products or versions, which names no one version.
        let (next, _) = strip_sentence_end(tail.first().copied().unwrap_or(""));
        return if word_is_version(next).is_ok() { None } else { Some(first_clean.to_string()) };
    }
    let mut version = first_clean.to_string();
    let mut consumed = 1;
    let mut sentence_ended = ended;
    if !sentence_ended {
        let mut i = 0;
        while i < tail.len() {
            let (w, end) = strip_sentence_end(tail[i]);
            let lw = w.to_ascii_lowercase();
            let plain_qualifier = QUALIFIERS.contains(&lw.as_str()) && lw != "r" && lw != "p" && lw != "service";
            if plain_qualifier && !end {
                // `Update 1`: a qualifier word takes the number after it.
                let (n, n_end) = strip_sentence_end(tail.get(i + 1).copied().unwrap_or(""));
                if n.starts_with(|c: char| c.is_ascii_digit()) && is_alnum(n) {
                    version.push_str(&format!(" {w} {n}"));
                    i += 2;
                    consumed += 2;
                    if n_end {
                        sentence_ended = true;
                        break;
                    }
                    continue;
                }
                break;
            }
            if qualifier_with_number(&lw) {
                version.push(' ');
                version.push_str(w);
                i += 1;
                consumed += 1;
                if end {
                    sentence_ended = true;
                    break;
                }
                continue;
            }
            break;
        }
    }
    if sentence_ended {
        return Some(version);
    }
    let remaining = words[consumed..].join(" ").to_ascii_lowercase();
    const FOLLOWERS: [&str; 12] = [
        "or later",
        "or higher",
        "or newer",
        "or above",
        "or greater",
        "and later",
        "and higher",
        "and above",
        "and newer",
        "(or later",
        "- ",
        "(",
    ];
    if remaining.is_empty() || remaining == "-" || FOLLOWERS.iter().any(|f| remaining.starts_with(f)) {
        // `(` only when it opens a link or "or later", not another version.
        if remaining.starts_with('(')
            && !remaining.starts_with("(or")
            && !remaining.starts_with("(http")
            && !remaining.starts_with("(<http")
        {
            return None;
        }
        return Some(version);
    }
    None
}

fn strip_sentence_end(w: &str) -> (&str, bool) {
    match w.strip_suffix(['.', ',', ';', ':']) {
        Some(s) if !s.is_empty() => (s, true),
        _ => (w, false),
    }
}
