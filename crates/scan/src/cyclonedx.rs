//! CycloneDX JSON and XML, 1.0–1.6: SBOMs, HBOMs (device and firmware components), VDR and VEX.
//!
//! Components are the document's subject (`metadata.component`) and every entry of
//! `components`, at any depth (a nested component names its parent's `bom-ref`); tool
//! descriptions (`metadata.tools`) are not components. Vulnerabilities are the 1.4+
//! `vulnerabilities` list and, in 1.2/1.3 XML, the vulnerability extension
//! (`v:vulnerabilities` inside a component, which it affects).

use std::io::BufRead;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Affects, Analysis, BomVulnerability, Component, ComponentKind, Hash, Item, Rating};
use crate::text::{self, push_unique};
use crate::xml::{self, Attrs, Cx, Handler};

// ---------------------------------------------------------------------------------------------
// JSON

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: Option<String>,
    metadata: Option<Metadata>,
    components: Option<Vec<JComponent>>,
    vulnerabilities: Option<Vec<JVuln>>,
}

#[derive(Deserialize)]
struct Metadata {
    component: Option<JComponent>,
}

#[derive(Deserialize)]
struct Entity {
    name: Option<String>,
}

#[derive(Deserialize)]
struct JHash {
    alg: Option<String>,
    content: Option<String>,
}

#[derive(Deserialize)]
struct JComponent {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    version: Option<String>,
    group: Option<String>,
    publisher: Option<String>,
    author: Option<String>,
    supplier: Option<Entity>,
    manufacturer: Option<Entity>,
    purl: Option<String>,
    cpe: Option<String>,
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    hashes: Option<Vec<JHash>>,
    components: Option<Vec<JComponent>>,
}

#[derive(Deserialize)]
struct JSource {
    name: Option<String>,
}

#[derive(Deserialize)]
struct JReference {
    id: Option<String>,
}

#[derive(Deserialize)]
struct JRating {
    source: Option<JSource>,
    score: Option<serde_json::Value>,
    severity: Option<String>,
    method: Option<String>,
    vector: Option<String>,
}

#[derive(Deserialize)]
struct JVersion {
    version: Option<String>,
    range: Option<String>,
    status: Option<String>,
}

#[derive(Deserialize)]
struct JAffects {
    #[serde(rename = "ref")]
    bom_ref: Option<String>,
    versions: Option<Vec<JVersion>>,
}

#[derive(Deserialize)]
struct JAnalysis {
    state: Option<String>,
    justification: Option<String>,
    response: Option<Vec<String>>,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct JVuln {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    id: Option<String>,
    source: Option<JSource>,
    references: Option<Vec<JReference>>,
    ratings: Option<Vec<JRating>>,
    cwes: Option<Vec<u32>>,
    description: Option<String>,
    affects: Option<Vec<JAffects>>,
    analysis: Option<JAnalysis>,
}

/// Reads a JSON document into `T`, errors naming the line, column and JSON path.
pub(crate) fn from_json<T: for<'de> Deserialize<'de>>(input: impl BufRead, file: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_reader(input);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Error::Json {
            file: file.to_string(),
            line: inner.line(),
            column: inner.column(),
            path,
            what: inner.to_string(),
        }
    })?;
    de.end().map_err(|e| Error::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        path: "$".into(),
        what: e.to_string(),
    })?;
    Ok(value)
}

pub(crate) fn read_json(input: impl BufRead, file: &str, sink: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let bom: Bom = from_json(input, file)?;
    if bom.bom_format.as_deref() != Some("CycloneDX") {
        return Err(Error::Format { file: file.to_string(), what: "bomFormat is not \"CycloneDX\"".into() });
    }
    let mut emit = |c: Component| sink(Item::Component(c));
    if let Some(c) = bom.metadata.and_then(|m| m.component) {
        json_component(c, None, true, &mut emit)?;
    }
    for c in bom.components.unwrap_or_default() {
        json_component(c, None, false, &mut emit)?;
    }
    for v in bom.vulnerabilities.unwrap_or_default() {
        sink(Item::Vulnerability(json_vuln(v)))?;
    }
    Ok(())
}

fn json_component(
    c: JComponent,
    parent: Option<&str>,
    subject: bool,
    emit: &mut dyn FnMut(Component) -> Result<()>,
) -> Result<()> {
    let kind = c.kind.as_deref().map(ComponentKind::parse).unwrap_or(ComponentKind::Library);
    let name =
        c.name.as_deref().and_then(text::field).or_else(|| c.purl.as_deref().and_then(text::field)).unwrap_or_default();
    let mut out = Component::new(kind, name);
    out.version = c.version.as_deref().and_then(text::field);
    out.group = c.group.as_deref().and_then(text::field);
    out.supplier = c
        .supplier
        .and_then(|s| s.name)
        .or_else(|| c.manufacturer.and_then(|s| s.name))
        .or(c.publisher)
        .or(c.author)
        .as_deref()
        .and_then(text::field);
    out.purl = c.purl.as_deref().and_then(text::field);
    if let Some(cpe) = c.cpe.as_deref().and_then(text::field) {
        out.cpes.push(cpe);
    }
    for h in c.hashes.unwrap_or_default().into_iter().take(text::MAX_LIST) {
        if let (Some(alg), Some(value)) =
            (h.alg.as_deref().and_then(text::field), h.content.as_deref().and_then(text::field))
        {
            out.hashes.push(Hash { alg, value });
        }
    }
    out.bom_ref = c.bom_ref.as_deref().and_then(text::field);
    out.parent = parent.map(str::to_string);
    out.subject = subject;
    let me = out.bom_ref.clone();
    emit(out)?;
    for child in c.components.unwrap_or_default() {
        json_component(child, me.as_deref(), false, emit)?;
    }
    Ok(())
}

fn json_vuln(v: JVuln) -> BomVulnerability {
    let mut out = BomVulnerability {
        id: v.id.as_deref().and_then(text::field).unwrap_or_default(),
        source: v.source.and_then(|s| s.name).as_deref().and_then(text::field),
        bom_ref: v.bom_ref.as_deref().and_then(text::field),
        description: v.description.as_deref().and_then(text::long),
        cwes: v.cwes.unwrap_or_default().into_iter().take(text::MAX_LIST).collect(),
        ..BomVulnerability::default()
    };
    if let Some(c) = text::as_cve(&out.id) {
        out.cves.push(c);
    }
    for r in v.references.unwrap_or_default() {
        if let Some(c) = r.id.as_deref().and_then(text::as_cve) {
            push_unique(&mut out.cves, c);
        }
    }
    for r in v.ratings.unwrap_or_default().into_iter().take(text::MAX_LIST) {
        let score = match r.score {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        out.ratings.push(Rating {
            source: r.source.and_then(|s| s.name).as_deref().and_then(text::field),
            score: score.filter(|f| f.is_finite()),
            severity: r.severity.as_deref().and_then(text::field),
            method: r.method.as_deref().and_then(text::field),
            vector: r.vector.as_deref().and_then(text::field),
        });
    }
    for a in v.affects.unwrap_or_default().into_iter().take(text::MAX_LIST) {
        let Some(bom_ref) = a.bom_ref.as_deref().and_then(text::field) else { continue };
        let versions = a
            .versions
            .unwrap_or_default()
            .into_iter()
            .take(text::MAX_LIST)
            .filter_map(|x| {
                let v = x.version.or(x.range)?;
                Some((text::field(&v)?, x.status.as_deref().and_then(text::field)))
            })
            .collect();
        out.affects.push(Affects { bom_ref, versions });
    }
    out.analysis = v.analysis.map(|a| Analysis {
        state: a.state.as_deref().and_then(text::field),
        justification: a.justification.as_deref().and_then(text::field),
        responses: a.response.unwrap_or_default().iter().take(text::MAX_LIST).filter_map(|r| text::field(r)).collect(),
        detail: a.detail.as_deref().and_then(text::long),
    });
    out
}

// ---------------------------------------------------------------------------------------------
// XML

pub(crate) fn read_xml(input: impl BufRead, file: &str, sink: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let mut h = CdxXml { sink, comps: Vec::new(), vuln: None, hash_alg: None };
    xml::drive(input, file, &["bom"], &mut h)
}

struct CdxXml<'s> {
    sink: &'s mut dyn FnMut(Item) -> Result<()>,
    /// Open components, outermost first; `None` for a `component` that is not one of ours
    /// (a tool's), kept so the stack matches the document.
    comps: Vec<Option<Component>>,
    vuln: Option<BomVulnerability>,
    hash_alg: Option<String>,
}

impl CdxXml<'_> {
    fn comp(&mut self) -> Option<&mut Component> {
        self.comps.last_mut().and_then(Option::as_mut)
    }
}

/// Whether a `component` element here is a component of the document (not a tool, not part of
/// a formula).
fn is_document_component(cx: &Cx<'_>) -> bool {
    matches!(cx.parent(), "components" | "metadata") && !cx.inside("tools") && !cx.inside("formulation")
}

impl Handler for CdxXml<'_> {
    fn start(&mut self, cx: &Cx<'_>, name: &str, a: &Attrs) -> Result<()> {
        match (name, cx.parent()) {
            ("component", _) if is_document_component(cx) => {
                let kind = a.get("type").map(ComponentKind::parse).unwrap_or(ComponentKind::Library);
                let mut c = Component::new(kind, String::new());
                c.bom_ref = a.get("bom-ref").and_then(text::field);
                c.subject = cx.parent() == "metadata";
                // The nearest open document component is the parent.
                c.parent = self.comps.iter().rev().flatten().next().and_then(|p| p.bom_ref.clone());
                self.comps.push(Some(c));
            }
            ("component", _) => self.comps.push(None),
            ("hash", "hashes") => self.hash_alg = a.get("alg").and_then(text::field),
            ("vulnerability", "vulnerabilities") => {
                let mut v =
                    BomVulnerability { bom_ref: a.get("bom-ref").and_then(text::field), ..BomVulnerability::default() };
                // 1.2/1.3 extension: the vulnerability names the component it affects.
                if let Some(r) = a.get("ref").and_then(text::field) {
                    v.affects.push(Affects { bom_ref: r, versions: Vec::new() });
                }
                self.vuln = Some(v);
            }
            _ => {}
        }
        if let Some(v) = self.vuln.as_mut() {
            match (name, cx.parent()) {
                ("source", "vulnerability") => v.source = a.get("name").and_then(text::field),
                ("rating", "ratings") => v.ratings.push(Rating::default()),
                ("target", "affects") => v.affects.push(Affects::default()),
                ("version", "versions") => {
                    if let Some(t) = v.affects.last_mut() {
                        t.versions.push((String::new(), None));
                    }
                }
                ("analysis", "vulnerability") => v.analysis = Some(Analysis::default()),
                _ => {}
            }
        }
        Ok(())
    }

    fn end(&mut self, cx: &Cx<'_>, name: &str, t: &str) -> Result<()> {
        if let Some(v) = self.vuln.as_mut() {
            match (name, cx.parent()) {
                ("vulnerability", "vulnerabilities") => {
                    if let Some(mut v) = self.vuln.take() {
                        v.affects.retain(|a| !a.bom_ref.is_empty());
                        for a in &mut v.affects {
                            a.versions.retain(|(x, _)| !x.is_empty());
                        }
                        if let Some(c) = text::as_cve(&v.id) {
                            v.cves.insert(0, c);
                            v.cves.dedup();
                        }
                        (self.sink)(Item::Vulnerability(v))?;
                    }
                }
                ("id", "vulnerability") => v.id = text::field(t).unwrap_or_default(),
                ("name", "source") if cx.up(1) == "vulnerability" => v.source = text::field(t),
                ("id", "reference") => {
                    if let Some(c) = text::as_cve(t) {
                        push_unique(&mut v.cves, c);
                    }
                }
                ("name", "source") if cx.up(1) == "rating" => {
                    if let Some(r) = v.ratings.last_mut() {
                        r.source = text::field(t);
                    }
                }
                ("score", "rating") | ("base", "score") => {
                    if let Some(r) = v.ratings.last_mut()
                        && let Ok(s) = t.trim().parse::<f64>()
                        && s.is_finite()
                    {
                        r.score = Some(s);
                    }
                }
                ("severity", "rating") | ("method", "rating") | ("vector", "rating") => {
                    if let Some(r) = v.ratings.last_mut() {
                        let slot = match name {
                            "severity" => &mut r.severity,
                            "method" => &mut r.method,
                            _ => &mut r.vector,
                        };
                        *slot = text::field(t);
                    }
                }
                ("cwe", "cwes") => {
                    if let Ok(n) = t.trim().parse::<u32>()
                        && v.cwes.len() < text::MAX_LIST
                    {
                        v.cwes.push(n);
                    }
                }
                ("description", "vulnerability") => v.description = text::long(t),
                ("ref", "target") => {
                    if let Some(a) = v.affects.last_mut() {
                        a.bom_ref = text::field(t).unwrap_or_default();
                    }
                }
                ("version" | "range", "version") => {
                    if let Some(x) = v.affects.last_mut().and_then(|a| a.versions.last_mut()) {
                        x.0 = text::field(t).unwrap_or_default();
                    }
                }
                ("status", "version") => {
                    if let Some(x) = v.affects.last_mut().and_then(|a| a.versions.last_mut()) {
                        x.1 = text::field(t);
                    }
                }
                ("state" | "justification" | "detail", "analysis") | ("response", "responses") => {
                    if let Some(an) = v.analysis.as_mut() {
                        match name {
                            "state" => an.state = text::field(t),
                            "justification" => an.justification = text::field(t),
                            "detail" => an.detail = text::long(t),
                            _ => {
                                if let Some(r) = text::field(t)
                                    && an.responses.len() < text::MAX_LIST
                                {
                                    an.responses.push(r);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match (name, cx.parent()) {
            ("component", _) => {
                if let Some(Some(mut c)) = self.comps.pop() {
                    if c.name.is_empty()
                        && let Some(p) = c.purl.clone()
                    {
                        c.name = p;
                    }
                    (self.sink)(Item::Component(c))?;
                }
            }
            ("name" | "version" | "group" | "publisher" | "author" | "purl" | "cpe", "component") => {
                if let Some(c) = self.comp() {
                    let v = text::field(t);
                    match name {
                        "name" => c.name = v.unwrap_or_default(),
                        "version" => c.version = v,
                        "group" => c.group = v,
                        "purl" => c.purl = v,
                        "cpe" => {
                            if let Some(v) = v {
                                push_unique(&mut c.cpes, v);
                            }
                        }
                        _ => {
                            if c.supplier.is_none() {
                                c.supplier = v;
                            }
                        }
                    }
                }
            }
            ("name", "supplier" | "manufacturer" | "manufacture") if cx.up(1) == "component" => {
                if let Some(c) = self.comp() {
                    // The supplier outranks a publisher or author read before it.
                    if let Some(v) = text::field(t) {
                        c.supplier = Some(v);
                    }
                }
            }
            ("hash", "hashes") => {
                let alg = self.hash_alg.take();
                if let (Some(c), Some(alg), Some(value)) = (self.comp(), alg, text::field(t))
                    && c.hashes.len() < text::MAX_LIST
                {
                    c.hashes.push(Hash { alg, value });
                }
            }
            _ => {}
        }
        Ok(())
    }
}
