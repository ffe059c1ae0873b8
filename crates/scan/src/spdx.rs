//! SPDX 2.x (2.2, 2.3) JSON and tag-value.
//!
//! Components are the document's packages (files and snippets are not components). A package
//! the document describes (`documentDescribes`, or a `DESCRIBES` relationship from the
//! document) is a subject. CPEs and the purl come from external references, the supplier from
//! `supplier` (else `originator`) without its `Organization:`/`Person:` prefix, the kind from
//! `primaryPackagePurpose` (library when absent). Packages are held until the end of the
//! document, because the relationships that mark the subject may come after them.

use std::io::BufRead;

use serde::Deserialize;

use crate::cyclonedx::from_json;
use crate::error::{Error, Result};
use crate::model::{Component, ComponentKind, Hash, Item};
use crate::text::{self, push_unique};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Doc {
    spdx_version: Option<String>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    document_describes: Option<Vec<String>>,
    packages: Option<Vec<Package>>,
    relationships: Option<Vec<Relationship>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    name: Option<String>,
    version_info: Option<String>,
    supplier: Option<String>,
    originator: Option<String>,
    primary_package_purpose: Option<String>,
    external_refs: Option<Vec<ExternalRef>>,
    checksums: Option<Vec<Checksum>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_type: Option<String>,
    reference_locator: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: Option<String>,
    checksum_value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: Option<String>,
    relationship_type: Option<String>,
    related_spdx_element: Option<String>,
}

fn check_version(v: Option<&str>, file: &str) -> Result<()> {
    match v {
        Some(v) if v.trim().starts_with("SPDX-2.") => Ok(()),
        Some(v) => Err(Error::Format { file: file.into(), what: format!("spdxVersion {v:?} is not SPDX 2.x") }),
        None => Err(Error::Format { file: file.into(), what: "no spdxVersion: not an SPDX 2.x document".into() }),
    }
}

pub(crate) fn read_json(input: impl BufRead, file: &str, sink: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let doc: Doc = from_json(input, file)?;
    check_version(doc.spdx_version.as_deref(), file)?;
    let doc_id = doc.spdx_id.unwrap_or_else(|| "SPDXRef-DOCUMENT".into());
    let mut described: Vec<String> = doc.document_describes.unwrap_or_default();
    for r in doc.relationships.unwrap_or_default() {
        if let (Some(a), Some(t), Some(b)) = (r.spdx_element_id, r.relationship_type, r.related_spdx_element) {
            describes(&doc_id, &a, &t, &b, &mut described);
        }
    }
    for p in doc.packages.unwrap_or_default() {
        let mut c = Component::new(
            p.primary_package_purpose.as_deref().map(ComponentKind::parse).unwrap_or(ComponentKind::Library),
            p.name.as_deref().and_then(text::field).unwrap_or_default(),
        );
        c.version = p.version_info.as_deref().and_then(text::field);
        c.supplier = party(p.supplier.as_deref()).or_else(|| party(p.originator.as_deref()));
        for r in p.external_refs.unwrap_or_default() {
            if let (Some(t), Some(l)) = (r.reference_type, r.reference_locator) {
                external_ref(&mut c, &t, &l);
            }
        }
        for h in p.checksums.unwrap_or_default().into_iter().take(text::MAX_LIST) {
            if let (Some(alg), Some(value)) =
                (h.algorithm.as_deref().and_then(text::field), h.checksum_value.as_deref().and_then(text::field))
            {
                c.hashes.push(Hash { alg, value });
            }
        }
        c.bom_ref = p.spdx_id.as_deref().and_then(text::field);
        c.subject = c.bom_ref.as_ref().is_some_and(|id| described.contains(id));
        sink(Item::Component(c))?;
    }
    Ok(())
}

/// Records `b` as described when the relationship says the document describes it (or it
/// is described by the document).
fn describes(doc_id: &str, a: &str, t: &str, b: &str, described: &mut Vec<String>) {
    match t.trim() {
        "DESCRIBES" if a.trim() == doc_id => push_unique(described, b.trim().to_string()),
        "DESCRIBED_BY" if b.trim() == doc_id => push_unique(described, a.trim().to_string()),
        _ => {}
    }
}

/// `Organization: ACME (x@y)` → `ACME (x@y)`; `NOASSERTION` → none.
fn party(s: Option<&str>) -> Option<String> {
    let s = s?.trim();
    if s.is_empty() || s == "NOASSERTION" || s == "NONE" {
        return None;
    }
    let s = s
        .strip_prefix("Organization:")
        .or_else(|| s.strip_prefix("Person:"))
        .or_else(|| s.strip_prefix("Tool:"))
        .unwrap_or(s);
    text::field(s)
}

fn external_ref(c: &mut Component, kind: &str, locator: &str) {
    let Some(l) = text::field(locator) else { return };
    match kind.trim() {
        "cpe22Type" | "cpe23Type" => push_unique(&mut c.cpes, l),
        "purl" if c.purl.is_none() => c.purl = Some(l),
        _ => {}
    }
}

/// Tag-value: `Tag: value` lines, `<text>…</text>` values over several lines, `#` comments.
pub(crate) fn read_tag_value(
    mut input: impl BufRead,
    file: &str,
    sink: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<()> {
    let mut packages: Vec<Component> = Vec::new();
    let mut described: Vec<String> = Vec::new();
    let mut doc_id = String::from("SPDXRef-DOCUMENT");
    let mut version: Option<String> = None;
    // Whether the SPDXID and other package fields go to the last package (until a file or
    // snippet section starts).
    let mut in_package = false;
    let mut line = String::new();
    let mut line_no: u64 = 0;
    // An open `<text>` value: its tag, the line it started on, the text so far.
    let mut open_text: Option<(String, u64, String)> = None;
    loop {
        line.clear();
        let n = read_line_capped(&mut input, &mut line).map_err(|source| Error::Io { file: file.into(), source })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if let Some((tag, start, mut acc)) = open_text.take() {
            match line.find("</text>") {
                Some(end) => {
                    text::push_capped(&mut acc, &line[..end], text::MAX_EVIDENCE);
                    tv_field(&tag, &acc, &mut packages, &mut in_package, &mut doc_id, &mut described, &mut version);
                }
                None => {
                    text::push_capped(&mut acc, &line, text::MAX_EVIDENCE);
                    open_text = Some((tag, start, acc));
                }
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = t.split_once(':') else {
            return Err(Error::Line {
                file: file.into(),
                line: line_no,
                what: format!("expected `Tag: value`, found {:?}", cut(t)),
            });
        };
        let (tag, value) = (tag.trim(), value.trim());
        if line_no == 1 && tag != "SPDXVersion" {
            return Err(Error::Line { file: file.into(), line: 1, what: "expected `SPDXVersion:` first".into() });
        }
        if let Some(rest) = value.strip_prefix("<text>") {
            match rest.find("</text>") {
                Some(end) => tv_field(
                    tag,
                    &rest[..end],
                    &mut packages,
                    &mut in_package,
                    &mut doc_id,
                    &mut described,
                    &mut version,
                ),
                None => {
                    let mut acc = String::new();
                    text::push_capped(&mut acc, rest, text::MAX_EVIDENCE);
                    acc.push('\n');
                    open_text = Some((tag.to_string(), line_no, acc));
                }
            }
            continue;
        }
        tv_field(tag, value, &mut packages, &mut in_package, &mut doc_id, &mut described, &mut version);
    }
    if let Some((tag, start, _)) = open_text {
        return Err(Error::Line {
            file: file.into(),
            line: start,
            what: format!("`{tag}: <text>` is never closed by `</text>` (truncated?)"),
        });
    }
    if line_no == 0 {
        return Err(Error::Format { file: file.into(), what: "empty file".into() });
    }
    check_version(version.as_deref(), file)?;
    for mut c in packages {
        c.subject = c.bom_ref.as_ref().is_some_and(|id| described.contains(id));
        sink(Item::Component(c))?;
    }
    Ok(())
}

fn cut(s: &str) -> &str {
    let mut end = s.len().min(80);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// One line, at most [`text::MAX_EVIDENCE`] bytes of it kept (the rest of a longer line is
/// skipped); invalid UTF-8 replaced. Returns the bytes consumed.
fn read_line_capped(input: &mut impl BufRead, out: &mut String) -> std::io::Result<usize> {
    let mut raw = Vec::new();
    let mut consumed = 0;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let (chunk, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let room = text::MAX_EVIDENCE.saturating_sub(raw.len());
        raw.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let len = chunk.len();
        input.consume(len);
        consumed += len;
        if done {
            break;
        }
    }
    out.push_str(&String::from_utf8_lossy(&raw));
    Ok(consumed)
}

#[allow(clippy::too_many_arguments)]
fn tv_field(
    tag: &str,
    value: &str,
    packages: &mut Vec<Component>,
    in_package: &mut bool,
    doc_id: &mut String,
    described: &mut Vec<String>,
    version: &mut Option<String>,
) {
    match tag {
        "SPDXVersion" => *version = text::field(value),
        "PackageName" => {
            *in_package = true;
            packages.push(Component::new(ComponentKind::Library, text::field(value).unwrap_or_default()));
        }
        "FileName" | "SnippetSPDXID" | "LicenseID" => *in_package = false,
        "SPDXID" if !*in_package && packages.is_empty() => *doc_id = value.trim().to_string(),
        "Relationship" => {
            let parts: Vec<&str> = value.split_whitespace().collect();
            if let [a, t, b, ..] = parts.as_slice() {
                describes(doc_id, a, t, b, described);
            }
        }
        "DocumentDescribes" => {
            for id in value.split(',') {
                push_unique(described, id.trim().to_string());
            }
        }
        _ if *in_package => {
            let Some(c) = packages.last_mut() else { return };
            match tag {
                "SPDXID" => c.bom_ref = text::field(value),
                "PackageVersion" => c.version = text::field(value),
                "PackageSupplier" => c.supplier = party(Some(value)),
                "PackageOriginator" if c.supplier.is_none() => c.supplier = party(Some(value)),
                "PrimaryPackagePurpose" => c.kind = ComponentKind::parse(value),
                "ExternalRef" => {
                    let parts: Vec<&str> = value.split_whitespace().collect();
                    if let [_, kind, locator, ..] = parts.as_slice() {
                        external_ref(c, kind, locator);
                    }
                }
                "PackageChecksum" => {
                    if let Some((alg, v)) = value.split_once(':')
                        && let (Some(alg), Some(value)) = (text::field(alg), text::field(v))
                        && c.hashes.len() < text::MAX_LIST
                    {
                        c.hashes.push(Hash { alg, value });
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
}
