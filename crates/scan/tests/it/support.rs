//! Shared helpers: where the fixtures are, reading one, cutting one short, and naive
//! element counting written independently of the readers (substring scans, no XML parser).

use std::path::{Path, PathBuf};

use scan::{Format, Import};

/// `../shared/fixtures/<rel>` beside the checkout. `None` (with a message) when the fixtures are
/// absent on a developer machine; a panic under `CI=true`.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    let p = root.join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("fixture {} is missing and CI=true", p.display());
    }
    eprintln!("skipping: fixture {} is absent", p.display());
    None
}

pub const DOJO: &str = "scans/defectdojo/unittests/scans";

/// Every file under `dir` (recursively), sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn name(p: &Path) -> String {
    p.to_string_lossy().rsplit("fixtures/").next().unwrap().to_string()
}

/// Reads a file, detecting its format from content.
pub fn read(p: &Path) -> (Format, Import) {
    let bytes = std::fs::read(p).unwrap();
    let format = scan::detect(&bytes[..bytes.len().min(scan::DETECT_BYTES)])
        .unwrap_or_else(|| panic!("{}: format not detected", p.display()));
    let import = scan::parse(format, &bytes[..], &name(p)).unwrap_or_else(|e| panic!("{e}"));
    (format, import)
}

/// The DefectDojo count for `rel` (relative to the DefectDojo scans folder), when there is one
/// single asserted value.
pub fn dojo_count(rel: &str) -> Option<u64> {
    let p = fixture("scans/defectdojo/EXPECTED_COUNTS_PER_FILE.csv")?;
    let mut r = csv::Reader::from_path(p).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[0] == rel {
            let v = rec[2].trim();
            return if v.is_empty() || v.contains(';') || v.contains('|') { None } else { Some(v.parse().unwrap()) };
        }
    }
    None
}

/// Cuts `bytes` at several offsets inside the document and reads each piece: a structured
/// format (XML, JSON) must give an error, never a result; nothing may panic.
pub fn check_truncations(format: Format, bytes: &[u8], file: &str) {
    // The last byte that belongs to the document proper (trailing whitespace excluded).
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let mut cuts: Vec<usize> = vec![0, 1, 2, 10, 100, 1000];
    for k in 1..=9 {
        cuts.push(end * k / 10);
    }
    cuts.push(end.saturating_sub(1));
    cuts.push(end);
    cuts.sort();
    cuts.dedup();
    for cut in cuts.into_iter().filter(|c| *c <= end) {
        let r = scan::parse(format, &bytes[..cut], file);
        assert!(r.is_err(), "{file} cut at {cut} of {} read without error", bytes.len());
    }
}

/// Occurrences of the start tag `<name` (followed by whitespace, `>` or `/`), each with the
/// tag's text up to its `>`.
pub fn start_tags<'a>(doc: &'a str, name: &str) -> Vec<&'a str> {
    let pat = format!("<{name}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = doc[from..].find(&pat) {
        let at = from + i;
        let after = at + pat.len();
        let next = doc[after..].chars().next().unwrap_or(' ');
        if next.is_whitespace() || next == '>' || next == '/' {
            let close = doc[after..].find('>').map(|j| after + j + 1).unwrap_or(doc.len());
            out.push(&doc[at..close]);
        }
        from = after;
    }
    out
}

/// The value of `attr="…"` (or single-quoted) in a start tag's text.
pub fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    for q in ['"', '\''] {
        let pat = format!(" {attr}={q}");
        if let Some(i) = tag.find(&pat) {
            let rest = &tag[i + pat.len()..];
            return rest.find(q).map(|j| &rest[..j]);
        }
        let pat = format!("\n{attr}={q}");
        if let Some(i) = tag.find(&pat) {
            let rest = &tag[i + pat.len()..];
            return rest.find(q).map(|j| &rest[..j]);
        }
    }
    None
}
