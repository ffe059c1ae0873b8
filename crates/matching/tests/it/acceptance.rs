//! Acceptance criteria of the matching issue, over real public data.
//!
//! 1. **CSAF boundary cases** ([`csaf_boundary_cases`]): affected statements of the CISA CSAF ICS
//!    advisories (`csaf-cisa/csaf_files/OT/white`, read with the `intel` CSAF reader, so the cases
//!    are built from exactly the records Patchwise stores) give cases on both sides of every
//!    range boundary; an asset named like the statement must be affected exactly for the inside
//!    cases. Where the matcher and the advisory disagree, the case must be listed with a
//!    data-quality reason in `tests/data/csaf-quality-cases.tsv`.
//! 2. **No accidental matches**: every KEV catalog entry as an "all versions" product statement
//!    ([`kev_catalog_no_accidental_matches`]), 10,000 CPE dictionary names as NVD configurations
//!    ([`cpe_dictionary_no_accidental_matches`]) and the real NVD 2022 records of KEV CVEs
//!    ([`nvd_2022_kev_cves_no_accidental_matches`]) against the OT assets of the demo plant: a
//!    `high` verdict is only allowed on an asset that actually runs the product.
//!
//! # How the CSAF cases are built
//! Eligible statements: `Target::Product`, status affected, versions `Range` / `Vers` / `Exact`,
//! a vendor, and a product name or model numbers; one statement per (advisory, product,
//! versions). Statements are grouped by vendor key; a vendor with n advisories gives ⌈√n⌉
//! statements, from advisories evenly spread over the id order; vendors (sorted by key) give one
//! statement per round (see [`sample`]). Deterministic: no randomness, sorted inputs.
//!
//! Per range piece (a `vers` list is split into intervals and equalities, versions
//! percent-decoded; a bound with a wildcard, `<= V5.x`, is tried as `V5.0`):
//! - `< B`: `B` outside; `B` with its last number decremented inside (when that number is 0, or
//!   a qualifier would be dropped while a lower bound exists, the inclusive lower bound instead;
//!   a qualifier number `SP1`, `Update 1`, `P1` decremented to zero drops the qualifier:
//!   `V3.0 SP1` → `V3.0`);
//! - `<= B`: `B` inside, `B` with its last number incremented outside;
//! - `>= A`: `A` inside, `A` decremented outside; `> A`: `A` outside, `A` incremented inside;
//! - `= X`: `X` inside, `X` incremented outside; a wildcard version (`4.1.x`) is `4.1.0` inside
//!   and `4.2.0` outside.
//!
//! A derived neighbour is dropped when this file's own plain comparison of leading dotted
//! numbers ([`simple_cmp`]) shows it crosses the piece's other bound. Outside cases are decided
//! against every affected statement of the advisory about the same product (vendor key,
//! normalised name, model numbers) and vulnerability: a neighbour another piece surely contains
//! (same text, or by [`simple_cmp`]) is inside; one it might contain (undecided on version-like
//! texts) is dropped and counted; a sibling statement about all versions removes the statement
//! from the sample. The vendor-fix version of a remediation naming the product and the version
//! of a `fixed` statement about it are outside cases, as the advisory says.
//!
//! The asset of a case: vendor as the CSAF vendor branch, product as the statement's product
//! name, model the first model number (without wildcards when there is one), firmware the case
//! version. It is matched against its own advisory only. Inside: a verdict about the statement's
//! vulnerability with status affected and the advisory in its evidence (a low-confidence verdict
//! from an unknown containment counts, and is printed as `UNKNOWN-INSIDE`). Outside: no affected
//! verdict about it. `PATCHWISE_ACCEPT_VERBOSE=1` prints every case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use matching::cpe::Cpe;
use matching::engine::{Index, Platform, PlatformInput};
use matching::identity::{Tables, norm_product};
use model::advisory::{
    Advisory, AdvisoryKind, AffectedStatement, ConfigNode, Configuration, CpeMatch, IntelRecord, KevEntry, Operator,
    ProductName, ProductStatus, RemediationKind, Source, Target, VersionSpec,
};
use model::finding::{DEVICE_SLOT, Verdict};
use model::{Asset, AssetKind, Confidence, FindingStatus, Identity};

use crate::support::fixture;

/// Sampling stops after the round that reaches this many cases (the criterion asks for 300).
const CASE_LIMIT: usize = 5000;
const MIN_CASES: usize = 300;
const MIN_VENDORS: usize = 15;

/// The OT device kinds of the demo plant checked for accidental matches. Cameras are included:
/// the demo's cameras are a machine-vision camera on a production line and an IP camera on the
/// plant network, both covered by ICS advisories. Workstations, servers, firewalls and printers
/// are IT equipment in OT zones and are reported but not asserted on.
const OT_KINDS: [AssetKind; 11] = [
    AssetKind::Plc,
    AssetKind::SafetyController,
    AssetKind::Rtu,
    AssetKind::Ied,
    AssetKind::Drive,
    AssetKind::IoModule,
    AssetKind::Hmi,
    AssetKind::NetworkDevice,
    AssetKind::ProtocolGateway,
    AssetKind::IiotSensor,
    AssetKind::Camera,
];

// --- reading ----------------------------------------------------------------------------------

fn doc(file: &str) -> intel::DocumentInfo {
    intel::DocumentInfo { file: file.to_string(), digest: None, retrieved_at: None }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read fixture folder") {
            let p = e.expect("folder entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every CISA OT advisory (the ROLIE feed file excluded), sorted by id. Files the reader refuses
/// are counted and skipped: the reader's own tests cover them.
fn cisa_ot_advisories(root: &Path) -> Vec<Advisory> {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for path in json_files(root) {
        if path.file_name().is_some_and(|n| n.to_string_lossy().contains("-feed-")) {
            continue;
        }
        let file = std::fs::File::open(&path).expect("open CSAF file");
        let mut got = Vec::new();
        let res = intel::csaf::read(file, &doc(&path.display().to_string()), &mut |r| {
            if let IntelRecord::Advisory(a) = r {
                got.push(*a);
            }
            Ok(())
        });
        match res {
            Ok(_) => out.extend(got),
            Err(e) => refused.push(e.to_string()),
        }
    }
    if !refused.is_empty() {
        eprintln!("csaf: {} file(s) refused by the reader (first: {})", refused.len(), refused[0]);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn kev_entries() -> Option<Vec<KevEntry>> {
    let path = fixture("kev/known_exploited_vulnerabilities.json")?;
    let file = std::fs::File::open(&path).expect("open KEV catalog");
    let mut out = Vec::new();
    intel::kev::read_json(file, &doc(&path.display().to_string()), &mut |r| {
        if let IntelRecord::Kev(k) = r {
            out.push(k);
        }
        Ok(())
    })
    .expect("KEV catalog reads");
    Some(out)
}

fn ot_assets() -> Vec<Asset> {
    demo::demo_plant().expect("demo plant reads").assets.into_iter().filter(|a| OT_KINDS.contains(&a.kind)).collect()
}

fn other_assets() -> Vec<Asset> {
    demo::demo_plant().expect("demo plant reads").assets.into_iter().filter(|a| !OT_KINDS.contains(&a.kind)).collect()
}

fn synthetic(id: &str, source: Source, document: &str, affected: Vec<AffectedStatement>) -> Advisory {
    crate::support::advisory(id, AdvisoryKind::Cve, source, document, None, affected)
}

fn platform_of(identity: &Identity, components: &[model::Component]) -> Platform {
    Platform::new(&PlatformInput::new(identity, components), Tables::builtin())
}

// --- versions: neighbours of a bound, and a plain comparison for the oracle --------------------

/// Byte ranges of the runs of ASCII digits.
fn digit_runs(v: &str) -> Vec<(usize, usize)> {
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Byte offset of the first wildcard component (`x`, `X`, `xx`, `*` standing alone).
fn wildcard_at(v: &str) -> Option<usize> {
    let mut start = 0;
    for (i, c) in v.char_indices().chain(std::iter::once((v.len(), '.'))) {
        if matches!(c, '.' | '-' | '_' | ' ' | '+') {
            let tok = &v[start..i];
            if tok == "*" || tok.eq_ignore_ascii_case("x") || tok.eq_ignore_ascii_case("xx") {
                return Some(start);
            }
            start = i + c.len_utf8();
        }
    }
    None
}

/// Wildcard components replaced by `0` (`4.1.x` → `4.1.0`).
fn fill_wildcards(v: &str) -> String {
    let mut out = String::new();
    let mut start = 0;
    for (i, c) in v.char_indices().chain(std::iter::once((v.len(), '\0'))) {
        if matches!(c, '.' | '-' | '_' | ' ' | '+' | '\0') {
            let tok = &v[start..i];
            if tok == "*" || tok.eq_ignore_ascii_case("x") || tok.eq_ignore_ascii_case("xx") {
                out.push('0');
            } else {
                out.push_str(tok);
            }
            if c != '\0' {
                out.push(c);
            }
            start = i + c.len_utf8();
        }
    }
    out
}

/// A number moved by one, keeping the zero padding of the original (`09` → `10`, `010` → `009`).
fn bump_number(digits: &str, up: bool) -> Option<String> {
    if digits.len() > 30 {
        return None;
    }
    let n: u128 = digits.parse().ok()?;
    let m = if up { n + 1 } else { n.checked_sub(1)? };
    let padded = digits.len() > 1 && digits.starts_with('0');
    Some(if padded { format!("{m:0width$}", width = digits.len()) } else { m.to_string() })
}

/// The neighbour of a version: its last number (the number before a wildcard) moved by one.
/// Going down, a number that is 0 has no neighbour; a qualifier number that would become 0 (`SP1`,
/// `Update 1`, `P1`) drops the qualifier instead (`V3.0 SP1` → `V3.0`).
fn neighbour(v: &str, up: bool) -> Option<String> {
    let v = v.trim();
    let limit = wildcard_at(v).unwrap_or(v.len());
    let runs = digit_runs(&v[..limit]);
    let &(s, e) = runs.last()?;
    let digits = &v[s..e];
    let rest = if limit < v.len() { fill_wildcards(&v[e..]) } else { v[e..].to_string() };
    if !up && digits.trim_start_matches('0') == "1" {
        // A qualifier number: letters directly before it (after optional spaces), a number before those.
        let before = &v[..s];
        let word = before.trim_end_matches([' ', '-', '_']);
        let letters = word.len() - word.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
        if letters > 0 {
            let head = word[..word.len() - letters].trim_end_matches([' ', '-', '_', '.']);
            if head.chars().any(|c| c.is_ascii_digit()) && rest.trim().is_empty() {
                return Some(head.to_string());
            }
        }
    }
    let n = bump_number(digits, up)?;
    Some(format!("{}{n}{rest}", &v[..s]))
}

/// Leading dotted numbers (`V2.9.4`, `2.4.2-r29` → 2.4.2) compared numerically; `None` unless
/// the answer is sure: the numbers differ within their common length, or both versions are plain
/// dotted numbers (missing parts count as 0). Only used to keep derived neighbours honest and to
/// read sibling statements, never as the oracle of the statement under test.
fn simple_cmp(a: &str, b: &str) -> Option<Ordering> {
    /// A prefix of at most three letters (`V`, `R`, `FW`; `v` counts as none), the numbers of
    /// the dotted-number run after it, and whether nothing follows that run.
    fn parts(v: &str) -> Option<(String, Vec<u128>, bool)> {
        let t = v.trim();
        let letters = t.len() - t.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len();
        if letters > 3 {
            return None;
        }
        let prefix = t[..letters].to_ascii_lowercase();
        let t = t[letters..].trim_start_matches(' ');
        let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let head = t[..end].trim_end_matches('.');
        if head.is_empty() || !head.starts_with(|c: char| c.is_ascii_digit()) || head.len() > 60 {
            return None;
        }
        let nums: Option<Vec<u128>> = head.split('.').map(|p| p.parse().ok()).collect();
        Some((if prefix == "v" { String::new() } else { prefix }, nums?, end == t.len()))
    }
    let ((ap, a, a_plain), (bp, b, b_plain)) = (parts(a)?, parts(b)?);
    if ap != bp {
        return None;
    }
    for i in 0..a.len().min(b.len()) {
        let o = a[i].cmp(&b[i]);
        if o != Ordering::Equal {
            return Some(o);
        }
    }
    if !(a_plain && b_plain) {
        return None;
    }
    for i in a.len().min(b.len())..a.len().max(b.len()) {
        let o = a.get(i).copied().unwrap_or(0).cmp(&b.get(i).copied().unwrap_or(0));
        if o != Ordering::Equal {
            return Some(o);
        }
    }
    Some(Ordering::Equal)
}

/// Starts like a version: a digit, after at most three letters (`V2.0`, `R6`, `FW14`).
fn version_like(v: &str) -> bool {
    let t = v.trim();
    let rest = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    t.len() - rest.len() <= 3 && rest.trim_start().starts_with(|c: char| c.is_ascii_digit())
}

/// A `vers` version percent-decoded (`13.3.1%20R5` → `13.3.1 R5`); undecodable text as is.
fn percent_decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(hex) = v.get(i + 1..i + 3)
            && let Ok(x) = u8::from_str_radix(hex, 16)
        {
            out.push(x);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| v.to_string())
}

/// Texts that name the same version (`V2.9.4` = `2.9.4`, case-insensitive).
fn same_text(a: &str, b: &str) -> bool {
    let f = |s: &str| s.trim().trim_start_matches(['v', 'V']).to_ascii_lowercase();
    f(a) == f(b)
}

// --- range pieces -------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Piece {
    Interval { start: Option<(String, bool)>, end: Option<(String, bool)> },
    Exact(String),
}

impl Piece {
    /// Containment by this file's plain comparison: `Some` only when sure.
    fn contains_simply(&self, v: &str) -> Option<bool> {
        match self {
            Piece::Exact(x) => {
                if same_text(x, v) {
                    return Some(true);
                }
                if wildcard_at(x).is_some() {
                    return None;
                }
                simple_cmp(v, x).map(|o| o == Ordering::Equal)
            }
            Piece::Interval { start, end } => {
                let mut inside = true;
                if let Some((s, incl)) = start {
                    if same_text(s, v) {
                        inside &= *incl;
                    } else {
                        inside &= simple_cmp(v, s)? == Ordering::Greater;
                    }
                }
                if let Some((e, incl)) = end {
                    if same_text(e, v) {
                        inside &= *incl;
                    } else {
                        inside &= simple_cmp(v, e)? == Ordering::Less;
                    }
                }
                Some(inside)
            }
        }
    }
}

/// The pieces of a spec, or `None` for specs this file does not build cases from.
fn pieces(spec: &VersionSpec) -> Option<Vec<Piece>> {
    match spec {
        VersionSpec::Exact { version } if !version.trim().is_empty() => Some(vec![Piece::Exact(version.clone())]),
        VersionSpec::Range { start, end } if start.is_some() || end.is_some() => Some(vec![Piece::Interval {
            start: start.as_ref().map(|b| (b.version.clone(), b.inclusive)),
            end: end.as_ref().map(|b| (b.version.clone(), b.inclusive)),
        }]),
        VersionSpec::Vers { vers } => {
            let (_, constraints) = vers.strip_prefix("vers:")?.split_once('/')?;
            let mut out = Vec::new();
            let mut lower: Option<(String, bool)> = None;
            for c in constraints.split('|') {
                let (op, v) = [("<=", "<="), (">=", ">="), ("!=", "!="), ("<", "<"), (">", ">"), ("=", "=")]
                    .iter()
                    .find_map(|(p, op)| c.strip_prefix(p).map(|rest| (*op, rest)))
                    .unwrap_or(("=", c));
                if v.is_empty() || v == "*" || op == "!=" {
                    return None;
                }
                let v = percent_decode(v);
                let v = v.as_str();
                match op {
                    ">=" | ">" => {
                        if let Some(l) = lower.take() {
                            out.push(Piece::Interval { start: Some(l), end: None });
                        }
                        lower = Some((v.to_string(), op == ">="));
                    }
                    "<=" | "<" => {
                        out.push(Piece::Interval { start: lower.take(), end: Some((v.to_string(), op == "<=")) })
                    }
                    _ => {
                        if let Some(l) = lower.take() {
                            out.push(Piece::Interval { start: Some(l), end: None });
                        }
                        out.push(Piece::Exact(v.to_string()));
                    }
                }
            }
            if let Some(l) = lower.take() {
                out.push(Piece::Interval { start: Some(l), end: None });
            }
            Some(out).filter(|o| !o.is_empty())
        }
        _ => None,
    }
}

/// Versions on both sides of a piece's boundaries: (version, inside the piece, why).
fn piece_cases(piece: &Piece) -> Vec<(String, bool, &'static str)> {
    let mut out: Vec<(String, bool, &'static str)> = Vec::new();
    match piece {
        Piece::Exact(x) => {
            if wildcard_at(x).is_some() {
                out.push((fill_wildcards(x), true, "wildcard exact version, filled with 0"));
            } else {
                out.push((x.trim().to_string(), true, "the exact version"));
            }
            if let Some(n) = neighbour(x, true) {
                out.push((n, false, "next version after the exact one"));
            }
        }
        Piece::Interval { start, end } => {
            let inside_start = |v: &str| match start {
                None => true,
                Some((s, incl)) => match simple_cmp(v, s) {
                    Some(Ordering::Less) => false,
                    Some(Ordering::Equal) => *incl,
                    _ => true,
                },
            };
            let inside_end = |v: &str| match end {
                None => true,
                Some((e, incl)) => match simple_cmp(v, e) {
                    Some(Ordering::Greater) => false,
                    Some(Ordering::Equal) => *incl,
                    _ => true,
                },
            };
            // A bound with a wildcard (`<= V5.x`) is tried as its first version (`V5.0`).
            let at = |b: &str| fill_wildcards(b.trim());
            if let Some((e, incl)) = end {
                if *incl {
                    out.push((at(e), true, "upper bound, included"));
                    if let Some(n) = neighbour(e, true) {
                        out.push((n, false, "just above the included upper bound"));
                    }
                } else {
                    out.push((at(e), false, "upper bound, excluded"));
                    // A dropped qualifier (`R302-V1` → `R302`) is only sure to stay above an
                    // inclusive lower bound when there is none; with one, the bound is used.
                    let dropped_qualifier = |p: &String| e.trim().starts_with(p.as_str()) && start.is_some();
                    match neighbour(e, false).filter(|p| inside_start(p) && !dropped_qualifier(p)) {
                        Some(p) => out.push((p, true, "just below the excluded upper bound")),
                        None => {
                            if let Some((s, true)) = start {
                                out.push((at(s), true, "lower bound, included"));
                            }
                        }
                    }
                }
            }
            if let Some((s, incl)) = start {
                if *incl {
                    out.push((at(s), true, "lower bound, included"));
                    if let Some(p) = neighbour(s, false) {
                        out.push((p, false, "just below the included lower bound"));
                    }
                } else {
                    out.push((at(s), false, "lower bound, excluded"));
                    if let Some(n) = neighbour(s, true).filter(|n| inside_end(n)) {
                        out.push((n, true, "just above the excluded lower bound"));
                    }
                }
            }
        }
    }
    out
}

// --- CSAF cases ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Case {
    advisory: usize,
    statement: usize,
    vulnerability: String,
    vendor: String,
    vendor_key: String,
    product: Option<String>,
    model: Option<String>,
    version: String,
    inside: bool,
    why: String,
    spec: String,
}

impl Case {
    /// The product column of the quality list: the product name, or the model number.
    fn product_label(&self) -> String {
        self.product.clone().or_else(|| self.model.clone()).unwrap_or_default()
    }
}

fn spec_text(spec: &VersionSpec) -> String {
    intel::csaf::quality::describe(spec)
}

/// The first model number without wildcards, else the first.
fn case_model(p: &ProductName) -> Option<String> {
    let clean = |m: &&String| !m.contains(['*', '?']) && !m.trim().is_empty();
    p.model_numbers.iter().find(clean).or(p.model_numbers.first()).cloned()
}

/// Eligible statement: (vendor key, index of the statement).
fn eligible(adv: &Advisory) -> Vec<(String, usize)> {
    let tables = Tables::builtin();
    let mut seen: Vec<(&ProductName, &VersionSpec)> = Vec::new();
    let mut out = Vec::new();
    for (i, st) in adv.affected.iter().enumerate() {
        let Target::Product { product, versions } = &st.target else { continue };
        if st.status != ProductStatus::Affected || pieces(versions).is_none() {
            continue;
        }
        let Some(vendor) = product.vendor.as_deref().filter(|v| !v.trim().is_empty()) else { continue };
        if product.product.as_deref().is_none_or(|p| p.trim().is_empty()) && product.model_numbers.is_empty() {
            continue;
        }
        if seen.iter().any(|(p, v)| *p == product && *v == versions) {
            continue;
        }
        seen.push((product, versions));
        out.push((tables.vendor_key(vendor), i));
    }
    out
}

/// Another affected statement of the advisory about the same product and vulnerability: same
/// vendor key and normalised product name, and the same model numbers (or none).
fn sibling(a: &AffectedStatement, b: &AffectedStatement) -> bool {
    let tables = Tables::builtin();
    let (Target::Product { product: p, .. }, Target::Product { product: q, .. }) = (&a.target, &b.target) else {
        return false;
    };
    let key = |n: &ProductName| {
        (n.vendor.as_deref().map(|v| tables.vendor_key(v)), n.product.as_deref().map(norm_product).unwrap_or_default())
    };
    a.vulnerability == b.vulnerability
        && b.status == ProductStatus::Affected
        && key(p) == key(q)
        && (q.model_numbers.is_empty() || q.model_numbers == p.model_numbers)
}

/// Cases of one statement and how many derived outside cases were dropped as undecidable.
///
/// Inside cases of the statement's own pieces are inside. A derived outside case is inside when
/// another piece about the same product (of this statement or a sibling) surely contains it, and
/// is dropped when such a piece might (plain comparison undecided on version-like texts). A
/// sibling covering all versions makes the statement useless for boundaries: no case.
fn statement_cases(advisories: &[Advisory], a: usize, s: usize) -> (Vec<Case>, usize) {
    let adv = &advisories[a];
    let st = &adv.affected[s];
    let Target::Product { product, versions } = &st.target else { return (Vec::new(), 0) };
    let Some(own) = pieces(versions) else { return (Vec::new(), 0) };
    let siblings: Vec<(usize, &AffectedStatement)> =
        adv.affected.iter().enumerate().filter(|(i, t)| *i != s && sibling(st, t)).collect();
    if siblings.iter().any(|(_, t)| matches!(&t.target, Target::Product { versions: VersionSpec::All, .. })) {
        return (Vec::new(), 0);
    }
    // Every piece about the product: (statement, piece index, piece).
    let mut union: Vec<(usize, usize, Piece)> = own.iter().cloned().enumerate().map(|(k, p)| (s, k, p)).collect();
    for (i, t) in &siblings {
        if let Target::Product { versions, .. } = &t.target
            && let Some(ps) = pieces(versions)
        {
            union.extend(ps.into_iter().enumerate().map(|(k, p)| (*i, k, p)));
        }
    }
    let mut dropped = 0usize;
    let mut found: Vec<(String, bool, String)> = Vec::new();
    let mut conflicts: HashSet<String> = HashSet::new();
    let mut push = |found: &mut Vec<(String, bool, String)>, v: String, inside: bool, why: String| {
        if v.trim().is_empty() {
            return;
        }
        if let Some(prev) = found.iter().find(|(x, _, _)| same_text(x, &v)) {
            if prev.1 != inside {
                conflicts.insert(v.trim().to_ascii_lowercase());
            }
            return;
        }
        found.push((v, inside, why));
    };
    for (k, piece) in own.iter().enumerate() {
        for (v, inside, why) in piece_cases(piece) {
            if inside {
                push(&mut found, v, true, why.to_string());
                continue;
            }
            let others = union.iter().filter(|(i, j, _)| !(*i == s && *j == k));
            let mut verdict = Some(false);
            for (_, _, p) in others {
                match p.contains_simply(&v) {
                    Some(true) => {
                        verdict = Some(true);
                        break;
                    }
                    Some(false) => {}
                    None => {
                        let bounds_like = match p {
                            Piece::Exact(x) => version_like(x),
                            Piece::Interval { start, end } => start.iter().chain(end).all(|(b, _)| version_like(b)),
                        };
                        if bounds_like && version_like(&v) {
                            verdict = None;
                        }
                    }
                }
            }
            match verdict {
                Some(true) => push(&mut found, v, true, format!("{why}, inside another range of the product")),
                Some(false) => push(&mut found, v, false, why.to_string()),
                None => dropped += 1,
            }
        }
    }
    // The advisory's own "fixed" facts about the product: outside by what the advisory says.
    for t in &adv.affected {
        if t.status == ProductStatus::Fixed
            && t.vulnerability == st.vulnerability
            && let Target::Product { product: p, versions: VersionSpec::Exact { version } } = &t.target
            && p == product
        {
            push(&mut found, version.clone(), false, "version of a `fixed` statement".to_string());
        }
    }
    for r in &adv.remediations {
        if r.vulnerability == st.vulnerability
            && r.kind == RemediationKind::VendorFix
            && r.products.iter().any(|p| p == product)
            && let Some(f) = &r.fixed_version
        {
            push(&mut found, f.clone(), false, "vendor-fix version of a remediation".to_string());
        }
    }
    let vendor = product.vendor.clone().unwrap_or_default();
    let cases = found
        .into_iter()
        .filter(|(v, _, _)| !conflicts.contains(&v.trim().to_ascii_lowercase()))
        .map(|(version, inside, why)| Case {
            advisory: a,
            statement: s,
            vulnerability: st.vulnerability.clone(),
            vendor_key: Tables::builtin().vendor_key(&vendor),
            vendor: vendor.clone(),
            product: product.product.clone().filter(|p| !p.trim().is_empty()),
            model: case_model(product),
            version,
            inside,
            why,
            spec: spec_text(versions),
        })
        .collect();
    (cases, dropped)
}

/// Statements grouped by vendor key; vendors (by key) give one statement per round, each
/// ⌈√(its advisories)⌉ statements in all, so every vendor is present and the large ones (Siemens,
/// Rockwell, Schneider, Mitsubishi…) show more of their version forms.
fn sample(advisories: &[Advisory]) -> (Vec<Case>, usize) {
    let mut by_vendor: BTreeMap<String, Vec<(usize, Vec<usize>)>> = BTreeMap::new();
    for (a, adv) in advisories.iter().enumerate() {
        let mut per_vendor: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (key, s) in eligible(adv) {
            per_vendor.entry(key).or_default().push(s);
        }
        for (key, stmts) in per_vendor {
            by_vendor.entry(key).or_default().push((a, stmts));
        }
    }
    // Per vendor: ⌈√n⌉ of its n advisories, evenly spread over the id order (so every year is
    // represented), the i-th chosen one giving its statement i (modulo its count).
    let mut queues: Vec<Vec<(usize, usize)>> = Vec::new();
    for lists in by_vendor.values() {
        let n = lists.len();
        let quota = (n as f64).sqrt().ceil() as usize;
        let q = (0..quota)
            .map(|i| {
                let (a, list) = &lists[i * n / quota];
                (*a, list[i % list.len()])
            })
            .collect();
        queues.push(q);
    }
    let mut cases = Vec::new();
    let mut dropped = 0;
    for round in 0.. {
        let mut any = false;
        for q in &queues {
            if let Some(&(a, s)) = q.get(round) {
                any = true;
                let (c, d) = statement_cases(advisories, a, s);
                cases.extend(c);
                dropped += d;
            }
        }
        if !any || cases.len() >= CASE_LIMIT {
            break;
        }
    }
    (cases, dropped)
}

/// One line of the quality list.
#[derive(Debug, Clone)]
struct Quality {
    advisory: String,
    product: String,
    version: String,
    expected: String,
    reason: String,
}

fn quality_list() -> Vec<Quality> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/csaf-quality-cases.tsv");
    let Ok(text) = std::fs::read_to_string(&path) else { return Vec::new() };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "{}:{}: expected 5 tab-separated fields", path.display(), n + 1);
        if f[0] == "advisory" {
            continue;
        }
        assert!(matches!(f[3], "inside" | "outside"), "{}:{}: expected is inside or outside", path.display(), n + 1);
        assert!(!f[4].trim().is_empty(), "{}:{}: a reason is required", path.display(), n + 1);
        out.push(Quality {
            advisory: f[0].to_string(),
            product: f[1].to_string(),
            version: f[2].to_string(),
            expected: f[3].to_string(),
            reason: f[4].to_string(),
        });
    }
    out
}

fn verdict_text(v: &Verdict, advisory: &str) -> String {
    let ev: Vec<String> = v
        .evidence
        .iter()
        .filter(|e| e.advisory == advisory)
        .map(|e| {
            format!(
                "[{:?} {} basis={} range=`{}` cmp={} {}]",
                e.status,
                e.statement,
                e.basis.as_str(),
                e.range,
                e.comparator,
                e.containment
            )
        })
        .collect();
    format!("{:?}/{:?} {}", v.status, v.confidence, ev.join(" "))
}

#[test]
fn csaf_boundary_cases() {
    let Some(root) = fixture("csaf-cisa/csaf_files/OT/white") else { return };
    let t0 = Instant::now();
    let advisories = cisa_ot_advisories(&root);
    let read_time = t0.elapsed();
    let (cases, dropped) = sample(&advisories);
    let tables = Tables::builtin();
    let quality = quality_list();
    let mut used_quality: HashSet<usize> = HashSet::new();
    let mut indexes: HashMap<usize, Index> = HashMap::new();
    let mut vendors: BTreeSet<&str> = BTreeSet::new();
    let mut statements: BTreeSet<(usize, usize)> = BTreeSet::new();
    let (mut agree, mut listed, mut unlisted) = (0usize, 0usize, 0usize);
    let (mut inside_n, mut outside_n) = (0usize, 0usize);
    let mut inside_unknown = 0usize;
    // `PATCHWISE_ACCEPT_VERBOSE=1` prints every case, not only the disagreements.
    let verbose = std::env::var("PATCHWISE_ACCEPT_VERBOSE").is_ok_and(|v| v == "1");
    for case in &cases {
        vendors.insert(&case.vendor_key);
        statements.insert((case.advisory, case.statement));
        if case.inside {
            inside_n += 1;
        } else {
            outside_n += 1;
        }
        let adv = &advisories[case.advisory];
        let index = indexes.entry(case.advisory).or_insert_with(|| {
            let mut i = Index::new();
            i.add(adv, tables);
            i
        });
        let identity = Identity {
            vendor: Some(case.vendor.clone()),
            product: case.product.clone(),
            model: case.model.clone(),
            firmware: Some(case.version.clone()),
            ..Identity::default()
        };
        let only: HashSet<String> = std::iter::once(case.vulnerability.clone()).collect();
        let verdicts = index.evaluate(&platform_of(&identity, &[]), Some(&only));
        let verdict = verdicts.iter().find(|v| v.vulnerability == case.vulnerability);
        let affected = verdict
            .is_some_and(|v| v.status == FindingStatus::Affected && v.evidence.iter().any(|e| e.advisory == adv.id));
        if case.inside
            && affected
            && verdict.is_some_and(|v| !v.evidence.iter().any(|e| e.advisory == adv.id && e.containment == "inside"))
        {
            inside_unknown += 1;
            eprintln!(
                "UNKNOWN-INSIDE {} | {} | `{}` version `{}` ({}) | range `{}` | {}",
                adv.id,
                case.vulnerability,
                case.product_label(),
                case.version,
                case.why,
                case.spec,
                verdict.map_or_else(String::new, |v| verdict_text(v, &adv.id))
            );
        }
        if affected == case.inside {
            agree += 1;
            if verbose {
                eprintln!(
                    "AGREE     {} | {} | `{}` model `{}` version `{}` {} ({}) | range `{}` | {}",
                    adv.id,
                    case.vulnerability,
                    case.product_label(),
                    case.model.as_deref().unwrap_or("-"),
                    case.version,
                    if case.inside { "inside" } else { "outside" },
                    case.why,
                    case.spec,
                    verdict.map_or_else(|| "no verdict".to_string(), |v| verdict_text(v, &adv.id))
                );
            }
            continue;
        }
        let expected = if case.inside { "inside" } else { "outside" };
        let label = case.product_label();
        let hit = quality.iter().position(|q| {
            q.advisory == adv.id && q.product == label && q.version == case.version && q.expected == expected
        });
        let got = verdict.map_or_else(|| "no verdict".to_string(), |v| verdict_text(v, &adv.id));
        let line = format!(
            "{} | {} | vendor `{}` product `{}` model `{}` | version `{}` expected {expected} ({}) | statement range `{}` | got {got}",
            adv.id,
            case.vulnerability,
            case.vendor,
            label,
            case.model.as_deref().unwrap_or("-"),
            case.version,
            case.why,
            case.spec,
        );
        match hit {
            Some(i) => {
                listed += 1;
                used_quality.insert(i);
                eprintln!("LISTED    {line}\n          reason: {}", quality[i].reason);
            }
            None => {
                unlisted += 1;
                eprintln!("DISAGREE  {line}");
            }
        }
    }
    for (i, q) in quality.iter().enumerate() {
        if !used_quality.contains(&i) {
            eprintln!(
                "STALE quality entry (no longer a disagreement, or no longer sampled): {} | {} | {} | {}",
                q.advisory, q.product, q.version, q.expected
            );
        }
    }
    let per_vendor: BTreeMap<&str, usize> = cases.iter().fold(BTreeMap::new(), |mut m, c| {
        *m.entry(c.vendor_key.as_str()).or_default() += 1;
        m
    });
    eprintln!("csaf cases per vendor: {per_vendor:?}");
    eprintln!(
        "csaf summary: {} advisories read in {:.1?}; {} cases ({inside_n} inside, {outside_n} outside; {dropped} \
         undecidable neighbours dropped) from {} statements of {} vendors; {agree} agreements ({inside_unknown} inside cases decided with unknown containment), {listed} \
         listed quality problems, {unlisted} unlisted disagreements; {:.1?} in all",
        advisories.len(),
        read_time,
        cases.len(),
        statements.len(),
        vendors.len(),
        t0.elapsed(),
    );
    assert!(cases.len() >= MIN_CASES, "only {} cases", cases.len());
    assert!(vendors.len() >= MIN_VENDORS, "only {} vendors", vendors.len());
    assert_eq!(unlisted, 0, "{unlisted} disagreement(s) between matcher and advisory are not in the quality list");
}

// --- no accidental matches ----------------------------------------------------------------------

/// `a`'s words are the first words of `b`.
fn token_prefix(a: &str, b: &str) -> bool {
    let (x, y): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    !x.is_empty() && x.len() <= y.len() && x.iter().zip(&y).all(|(p, q)| p == q)
}

fn names_related(a: &str, b: &str) -> bool {
    let (a, b) = (norm_product(a), norm_product(b));
    !a.is_empty() && !b.is_empty() && (a == b || token_prefix(&a, &b) || token_prefix(&b, &a))
}

/// Vendor and product names of the part a verdict is about (the device: its product and the
/// product its model number resolves to).
fn part_names(asset: &Asset, v: &Verdict) -> (Option<String>, Vec<String>) {
    let tables = Tables::builtin();
    let id = &asset.identity;
    if v.slot == DEVICE_SLOT {
        let mut names: Vec<String> = id.product.iter().cloned().collect();
        if let (Some(vendor), Some(model)) = (&id.vendor, &id.model)
            && let Some(rule) = tables.model(&tables.vendor_key(vendor), model)
        {
            names.push(rule.product.clone());
        }
        return (id.vendor.clone(), names);
    }
    match asset.components.iter().find(|c| Some(&c.name) == v.component.as_ref()) {
        Some(c) => (c.vendor.clone().or_else(|| id.vendor.clone()), vec![c.name.clone()]),
        None => (None, Vec::new()),
    }
}

#[derive(Debug, Default)]
struct Tally {
    assets: usize,
    by_confidence: BTreeMap<String, usize>,
    high: Vec<String>,
    violations: Vec<String>,
    /// Verdicts below high, grouped by (confidence, matched part, statement) with a count.
    lower: BTreeMap<String, usize>,
}

impl Tally {
    fn count(&mut self, v: &Verdict) {
        *self.by_confidence.entry(format!("{:?}/{:?}", v.status, v.confidence)).or_default() += 1;
    }

    fn summary(&self) -> String {
        format!(
            "{} assets, verdicts {:?}, {} high, {} violations",
            self.assets,
            self.by_confidence,
            self.high.len(),
            self.violations.len()
        )
    }
}

/// Runs `index` over the assets; `allowed(asset, verdict)` says whether a high verdict is about
/// a product the asset runs.
fn check_assets(index: &Index, assets: &[Asset], allowed: &dyn Fn(&Asset, &Verdict) -> bool) -> Tally {
    let mut t = Tally { assets: assets.len(), ..Tally::default() };
    let mut cache: HashMap<String, Vec<Verdict>> = HashMap::new();
    for asset in assets {
        let input = PlatformInput::new(&asset.identity, &asset.components);
        let verdicts = cache
            .entry(input.fingerprint())
            .or_insert_with(|| index.evaluate(&Platform::new(&input, Tables::builtin()), None));
        for v in verdicts.iter() {
            t.count(v);
            if v.confidence != Confidence::High {
                let e = v.evidence.first();
                let key = format!(
                    "{:?} {} / {} slot {}: {} [{}] {} ({})",
                    v.confidence,
                    asset.identity.vendor.as_deref().unwrap_or("-"),
                    asset.identity.product.as_deref().unwrap_or("-"),
                    v.slot,
                    e.map_or("", |e| e.statement.as_str()),
                    e.map_or("", |e| e.basis.as_str()),
                    e.map_or("", |e| e.matched.as_str()),
                    e.map_or("", |e| e.containment.as_str()),
                );
                *t.lower.entry(key).or_default() += 1;
                continue;
            }
            let text = format!(
                "{} ({} / {}) {} slot {} via {}: {}",
                asset.id,
                asset.identity.vendor.as_deref().unwrap_or("-"),
                asset.identity.product.as_deref().unwrap_or("-"),
                v.vulnerability,
                v.slot,
                v.advisory,
                v.evidence.first().map_or(String::new(), |e| format!(
                    "{} [{}] {}",
                    e.statement,
                    e.basis.as_str(),
                    e.matched
                )),
            );
            if allowed(asset, v) {
                t.high.push(text);
            } else {
                t.violations.push(text);
            }
        }
    }
    t
}

fn report(label: &str, ot: &Tally, other: &Tally) {
    for h in &ot.high {
        eprintln!("{label}: high (allowed) {h}");
    }
    for (k, n) in &ot.lower {
        eprintln!("{label}: below high ×{n} {k}");
    }
    for h in &other.high {
        eprintln!("{label}: other asset, high (allowed) {h}");
    }
    for (k, n) in &other.lower {
        eprintln!("{label}: other asset, below high ×{n} {k}");
    }
    for h in ot.violations.iter().chain(&other.violations) {
        eprintln!("{label}: ACCIDENTAL {h}");
    }
    eprintln!("{label} summary: OT assets: {}; other assets (not asserted): {}", ot.summary(), other.summary());
}

#[test]
fn kev_catalog_no_accidental_matches() {
    let Some(entries) = kev_entries() else { return };
    let t0 = Instant::now();
    let tables = Tables::builtin();
    let mut index = Index::new();
    let mut kev: HashMap<String, (String, String)> = HashMap::new();
    for e in &entries {
        let (Some(vendor), Some(product)) = (&e.vendor_project, &e.product) else { continue };
        kev.insert(e.cve.clone(), (vendor.clone(), product.clone()));
        let st = AffectedStatement {
            vulnerability: e.cve.clone(),
            target: Target::Product {
                product: ProductName {
                    vendor: Some(vendor.clone()),
                    product: Some(product.clone()),
                    ..ProductName::default()
                },
                versions: VersionSpec::All,
            },
            status: ProductStatus::Affected,
            justification: None,
            detail: None,
        };
        index.add(&synthetic(&e.cve, Source::Kev, "cisa-kev", vec![st]), tables);
    }
    let allowed = |asset: &Asset, v: &Verdict| {
        let Some((vendor, product)) = kev.get(&v.vulnerability) else { return false };
        let (part_vendor, names) = part_names(asset, v);
        part_vendor.is_some_and(|pv| tables.vendor_key(&pv) == tables.vendor_key(vendor))
            && names.iter().any(|n| names_related(n, product))
    };
    let ot = check_assets(&index, &ot_assets(), &allowed);
    let other = check_assets(&index, &other_assets(), &allowed);
    eprintln!("kev: {} entries as statements, {:.1?}", kev.len(), t0.elapsed());
    report("kev", &ot, &other);
    assert!(kev.len() > 1000, "the KEV catalog has over a thousand entries");
    assert!(
        ot.violations.is_empty(),
        "{} high verdict(s) on OT assets that do not run the product",
        ot.violations.len()
    );
}

/// Lower-case vendor and product of a CPE formatted string.
fn cpe_vp(text: &str) -> Option<(String, String)> {
    let c = Cpe::parse(text).ok()?;
    Some((c.vendor.as_text()?.to_lowercase(), c.product.as_text()?.to_lowercase()))
}

/// A high verdict from a configuration is allowed when one of the asset's stated component CPEs
/// has the vendor and product of a criterion with high confidence.
fn stated_cpe_allowed(asset: &Asset, v: &Verdict) -> bool {
    let stated: Vec<(String, String)> =
        asset.components.iter().filter_map(|c| c.cpe.as_deref()).filter_map(cpe_vp).collect();
    v.evidence
        .iter()
        .filter(|e| e.confidence == Confidence::High)
        .filter_map(|e| cpe_vp(&e.statement))
        .any(|vp| stated.contains(&vp))
}

fn single_criterion(criteria: &str) -> Configuration {
    Configuration {
        operator: Operator::Or,
        negate: false,
        nodes: vec![ConfigNode {
            operator: Operator::Or,
            negate: false,
            matches: vec![CpeMatch {
                vulnerable: true,
                criteria: criteria.to_string(),
                version_start_including: None,
                version_start_excluding: None,
                version_end_including: None,
                version_end_excluding: None,
                match_criteria_id: None,
            }],
            children: Vec::new(),
        }],
    }
}

#[test]
fn cpe_dictionary_no_accidental_matches() {
    let Some(path) = fixture("nvd-api-2.0/pablotron-nvd-go/nvd-api/testdata/responses/cpes-2023.json.gz") else {
        return;
    };
    let t0 = Instant::now();
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("open CPE dictionary"))
        .read_to_string(&mut text)
        .expect("gunzip CPE dictionary");
    let v: serde_json::Value = serde_json::from_str(&text).expect("CPE dictionary is JSON");
    let names: Vec<String> = v["products"]
        .as_array()
        .expect("products array")
        .iter()
        .filter_map(|p| p["cpe"]["cpeName"].as_str().map(str::to_string))
        .collect();
    let tables = Tables::builtin();
    let mut index = Index::new();
    for (i, name) in names.iter().enumerate() {
        let id = format!("CPE-DICT-{i:05}");
        let st = AffectedStatement {
            vulnerability: id.clone(),
            target: Target::Configuration { configuration: single_criterion(name) },
            status: ProductStatus::Affected,
            justification: None,
            detail: None,
        };
        index.add(&synthetic(&id, Source::Nvd2, "cpes-2023", vec![st]), tables);
    }
    let ot = check_assets(&index, &ot_assets(), &stated_cpe_allowed);
    let other = check_assets(&index, &other_assets(), &stated_cpe_allowed);
    eprintln!("cpe dictionary: {} names as configurations, {:.1?}", names.len(), t0.elapsed());
    report("cpe-dictionary", &ot, &other);
    assert_eq!(names.len(), 10_000, "the fixture holds 10,000 dictionary products");
    assert!(ot.violations.is_empty(), "{} high verdict(s) on OT assets without the stated CPE", ot.violations.len());
}

#[test]
fn nvd_2022_kev_cves_no_accidental_matches() {
    let Some(entries) = kev_entries() else { return };
    let Some(path) = fixture("nvd-json-1.1/dependency-check-hb_nvd/src/site/resources/hb_nvd/nvdcve-1.1-2022.json.gz")
    else {
        return;
    };
    let t0 = Instant::now();
    let in_kev: HashSet<&str> = entries.iter().map(|e| e.cve.as_str()).collect();
    let tables = Tables::builtin();
    let mut index = Index::new();
    let mut read = 0usize;
    let file = std::fs::File::open(&path).expect("open NVD feed");
    intel::nvd::read(file, &doc(&path.display().to_string()), &mut |r| {
        if let IntelRecord::Advisory(a) = r {
            read += 1;
            if in_kev.contains(a.id.as_str()) {
                index.add(&a, tables);
            }
        }
        Ok(())
    })
    .expect("NVD 2022 feed reads");
    let ot = check_assets(&index, &ot_assets(), &stated_cpe_allowed);
    let other = check_assets(&index, &other_assets(), &stated_cpe_allowed);
    eprintln!("nvd 2022: {read} CVE records read, {} of them in KEV, {:.1?}", index.len(), t0.elapsed());
    report("nvd-2022-kev", &ot, &other);
    assert!(index.len() > 50, "the 2022 feed holds KEV CVEs");
    assert!(ot.violations.is_empty(), "{} high verdict(s) on OT assets without the stated CPE", ot.violations.len());
}
