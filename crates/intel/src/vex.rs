//! CycloneDX VEX and OpenVEX readers: one document becomes one [`Advisory`] of kind
//! [`AdvisoryKind::Vex`] whose affected statements carry the VEX status, justification and
//! detail. (CSAF VEX is read by [`crate::csaf`].)
//!
//! # CycloneDX (`bomFormat: CycloneDX`, `vulnerabilities[]`)
//! Each `affects[].ref` is resolved against the document's `metadata.component` and
//! `components[]` (recursively) by `bom-ref`; a BOM-Link (`urn:cdx:<serial>/<version>#<bom-ref>`)
//! is resolved by its fragment. A reference that is not in the document (VEX often points into a
//! separate SBOM) names the product by the purl it contains, or by the reference itself, with a
//! warning. Versions come from `affects[].versions[]` (`version` → exact, `range` →
//! [`crate::csaf::quality::normalise_range`]) or else the component's version.
//!
//! Status: a version entry's explicit `status` wins (`affected`, `unaffected` → not affected,
//! `unknown` → under investigation); otherwise `analysis.state`: `exploitable` → affected,
//! `not_affected` / `false_positive` → not affected, `resolved` / `resolved_with_pedigree` →
//! fixed, `in_triage` → under investigation; no analysis → affected (a vulnerability listed
//! against a component is a claim that it is affected, as in a VDR).
//!
//! Justification (`analysis.justification`) onto the CSAF labels of the model:
//!
//! | CycloneDX                         | Justification                                   | exact? |
//! |-----------------------------------|-------------------------------------------------|--------|
//! | `code_not_present`                | `VulnerableCodeNotPresent`                      | yes    |
//! | `code_not_reachable`              | `VulnerableCodeNotInExecutePath`                | yes    |
//! | `requires_configuration`          | `VulnerableCodeCannotBeControlledByAdversary`   | no     |
//! | `requires_dependency`             | `ComponentNotPresent`                           | no     |
//! | `requires_environment`            | `VulnerableCodeCannotBeControlledByAdversary`   | no     |
//! | `protected_by_compiler`           | `InlineMitigationsAlreadyExist`                 | no     |
//! | `protected_at_runtime`            | `InlineMitigationsAlreadyExist`                 | no     |
//! | `protected_at_perimeter`          | `InlineMitigationsAlreadyExist`                 | no     |
//! | `protected_by_mitigating_control` | `InlineMitigationsAlreadyExist`                 | no     |
//!
//! Where the mapping is not exact the original value is appended to the statement's detail
//! (`(CycloneDX justification: protected_at_perimeter)`), so nothing is lost.
//!
//! `analysis.response` becomes remediations for the vulnerability's products: `update` → vendor
//! fix (details = `recommendation`, fixed version read from it when unambiguous),
//! `workaround_available` → workaround, `rollback` → mitigation, `can_not_fix` → none
//! available, `will_not_fix` → no fix planned. `ratings[]` with a CVSS method become vectors; a
//! vector published without its `CVSS:3.x/` prefix gets the prefix its method names, so it can
//! be scored.
//!
//! # OpenVEX (`@context` `https://openvex.dev/ns…`)
//! v0.0.1 (strings) and v0.2.0 (objects) statements: `vulnerability` (`name` / `@id`, `aliases`),
//! `products` (`@id`, `identifiers.purl/cpe23/cpe22`, `subcomponents`), `status`,
//! `justification` (already the CSAF labels), `impact_statement` (detail of not-affected),
//! `action_statement` (a remediation: vendor fix if it names a fixed version, else mitigation).
//! A statement about subcomponents names "<subcomponent> in <product>", as CSAF relationships do.
//! Unknown statuses are read as under investigation with a warning — never as not affected.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use model::advisory::{
    Advisory, AdvisoryKind, AffectedStatement, CvssVector, IntelRecord, Justification, ProductName, ProductStatus,
    Reference, Remediation, RemediationKind, Source, Target, VersionSpec,
};
use serde::Deserialize;

use crate::csaf::json::Text;
use crate::csaf::{self, invalid, nonempty, parse_json, push_unique, quality, read_all};
use crate::{DocumentInfo, IntelError, ReadSummary, Sink};

// --- CycloneDX ---------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Bom {
    #[serde(rename = "bomFormat")]
    bom_format: Option<String>,
    #[serde(rename = "serialNumber")]
    serial_number: Option<String>,
    version: Option<Text>,
    metadata: Option<Metadata>,
    components: Vec<Component>,
    vulnerabilities: Option<Vec<CdxVulnerability>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Metadata {
    timestamp: Option<String>,
    component: Option<Component>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Component {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    name: Option<String>,
    version: Option<String>,
    purl: Option<String>,
    cpe: Option<String>,
    publisher: Option<String>,
    supplier: Option<Organization>,
    manufacturer: Option<Organization>,
    components: Vec<Component>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Organization {
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CdxVulnerability {
    id: Option<String>,
    source: Option<CdxSource>,
    references: Vec<CdxReference>,
    ratings: Vec<Rating>,
    cwes: Vec<u32>,
    description: Option<String>,
    recommendation: Option<String>,
    workaround: Option<String>,
    advisories: Vec<CdxAdvisory>,
    published: Option<String>,
    updated: Option<String>,
    analysis: Option<Analysis>,
    affects: Vec<Affects>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CdxSource {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CdxReference {
    id: Option<String>,
    source: Option<CdxSource>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CdxAdvisory {
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Rating {
    source: Option<CdxSource>,
    score: Option<serde_json::Number>,
    method: Option<String>,
    vector: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Analysis {
    state: Option<String>,
    justification: Option<String>,
    response: Vec<String>,
    detail: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Affects {
    #[serde(rename = "ref")]
    reference: Option<String>,
    versions: Vec<AffectedVersion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AffectedVersion {
    version: Option<String>,
    range: Option<String>,
    status: Option<String>,
}

/// Reads one CycloneDX document (JSON) with a `vulnerabilities` array and hands one advisory to
/// the sink. A BOM without `vulnerabilities` yields no record and a warning.
pub fn read_cyclonedx<R: Read>(r: R, doc: &DocumentInfo, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let bytes = read_all(r, doc)?;
    let bom: Bom = parse_json(&bytes, doc)?;
    match bom.bom_format.as_deref() {
        Some("CycloneDX") => {}
        Some(other) => {
            return Err(invalid(doc, "$.bomFormat", format!("CycloneDX: expected `CycloneDX`, found `{other}`")));
        }
        None => return Err(invalid(doc, "$.bomFormat", "CycloneDX: required property `bomFormat` is missing")),
    }
    let Some(vulnerabilities) = &bom.vulnerabilities else {
        return Ok(ReadSummary {
            records: 0,
            warnings: vec![format!("{}: CycloneDX document has no `vulnerabilities`; not a VEX", doc.file)],
        });
    };

    let mut index: HashMap<&str, &Component> = HashMap::new();
    let meta_component = bom.metadata.as_ref().and_then(|m| m.component.as_ref());
    for c in meta_component.into_iter().chain(&bom.components) {
        index_components(c, &mut index);
    }

    let id = nonempty(&bom.serial_number).map(str::to_string).unwrap_or_else(|| doc.file.clone());
    let mut advisory =
        empty_advisory(id.clone(), doc.provenance(Source::CycloneDxVex, id, bom.version.as_ref().map(|t| t.0.clone())));
    advisory.published = bom.metadata.as_ref().and_then(|m| nonempty(&m.timestamp)).map(str::to_string);
    if let [only] = vulnerabilities.as_slice() {
        advisory.description = nonempty(&only.description).map(str::to_string);
        advisory.modified = nonempty(&only.updated).or(nonempty(&only.published)).map(str::to_string);
    }
    let mut seen_refs = HashSet::new();

    for (vi, v) in vulnerabilities.iter().enumerate() {
        let path = format!("$.vulnerabilities[{vi}]");
        let vuln = nonempty(&v.id)
            .ok_or_else(|| invalid(doc, format!("{path}.id"), "CycloneDX: vulnerability without `id`"))?
            .trim()
            .to_string();
        push_unique(&mut advisory.aliases, &vuln);
        for r in &v.references {
            if let Some(rid) = nonempty(&r.id) {
                push_unique(&mut advisory.aliases, rid.trim());
            }
        }
        for cwe in &v.cwes {
            push_unique(&mut advisory.cwes, &format!("CWE-{cwe}"));
        }
        for rating in &v.ratings {
            if let Some(c) = cdx_cvss(rating)
                && !advisory.cvss.iter().any(|x| x.vector == c.vector && x.scored_by == c.scored_by)
            {
                advisory.cvss.push(c);
            }
        }
        let urls = v
            .source
            .iter()
            .filter_map(|s| nonempty(&s.url))
            .chain(v.references.iter().filter_map(|r| r.source.as_ref().and_then(|s| nonempty(&s.url))))
            .chain(v.advisories.iter().filter_map(|a| nonempty(&a.url)));
        for url in urls {
            if seen_refs.insert(url.to_string()) {
                advisory.references.push(Reference { url: url.to_string(), tags: Vec::new() });
            }
        }

        let analysis = v.analysis.as_ref();
        let state = analysis.and_then(|a| nonempty(&a.state));
        let state_status = match state {
            None => ProductStatus::Affected,
            Some(s) => match cdx_state(s) {
                Some(st) => st,
                None => {
                    advisory
                        .warnings
                        .push(format!("{path}.analysis.state: unknown state `{s}`; read as under investigation"));
                    ProductStatus::UnderInvestigation
                }
            },
        };
        let (justification, lossy) = match analysis.and_then(|a| nonempty(&a.justification)) {
            Some(j) => match cdx_justification(j) {
                Some((jj, exact)) => (Some(jj), (!exact).then(|| j.to_string())),
                None => {
                    advisory.warnings.push(format!("{path}.analysis.justification: unknown justification `{j}`"));
                    (None, Some(j.to_string()))
                }
            },
            None => (None, None),
        };
        let mut detail = analysis.and_then(|a| nonempty(&a.detail)).map(str::to_string);
        if state == Some("false_positive") {
            detail = Some(match detail {
                Some(d) => format!("False positive: {d}"),
                None => "False positive".to_string(),
            });
        }
        if let Some(j) = &lossy {
            let note = format!("(CycloneDX justification: {j})");
            detail = Some(match detail {
                Some(d) => format!("{d} {note}"),
                None => note,
            });
        }

        if v.affects.is_empty() {
            advisory.warnings.push(format!("{path}.affects: `{vuln}` names no affected component; no statement made"));
        }
        let mut products: Vec<ProductName> = Vec::new();
        for (ai, a) in v.affects.iter().enumerate() {
            let apath = format!("{path}.affects[{ai}]");
            let reference = nonempty(&a.reference)
                .ok_or_else(|| invalid(doc, format!("{apath}.ref"), "CycloneDX: `affects` entry without `ref`"))?;
            let (name, own_version) = resolve_ref(reference, &index, &apath, &mut advisory.warnings);
            if !products.contains(&name) {
                products.push(name.clone());
            }
            let mut targets: Vec<(VersionSpec, ProductStatus)> = Vec::new();
            for (xi, ver) in a.versions.iter().enumerate() {
                let vpath = format!("{apath}.versions[{xi}]");
                let spec = if let Some(version) = nonempty(&ver.version) {
                    VersionSpec::Exact { version: version.trim().to_string() }
                } else if let Some(range) = nonempty(&ver.range) {
                    let (spec, warning) = quality::normalise_range(range);
                    if let Some(w) = warning {
                        advisory.warnings.push(format!("{vpath}.range: {w}"));
                    }
                    spec
                } else {
                    return Err(invalid(doc, vpath, "CycloneDX: affected version without `version` or `range`"));
                };
                let status = match nonempty(&ver.status) {
                    Some("affected") => ProductStatus::Affected,
                    Some("unaffected") => ProductStatus::NotAffected,
                    Some("unknown") => ProductStatus::UnderInvestigation,
                    Some(other) => {
                        advisory
                            .warnings
                            .push(format!("{vpath}.status: unknown status `{other}`; read as under investigation"));
                        ProductStatus::UnderInvestigation
                    }
                    None => state_status,
                };
                targets.push((spec, status));
            }
            if targets.is_empty() {
                let spec = own_version.map_or(VersionSpec::All, |version| VersionSpec::Exact { version });
                targets.push((spec, state_status));
            }
            for (versions, status) in targets {
                let not_affected = status == ProductStatus::NotAffected;
                advisory.affected.push(AffectedStatement {
                    vulnerability: vuln.clone(),
                    target: Target::Product { product: name.clone(), versions },
                    status,
                    justification: if not_affected { justification } else { None },
                    detail: detail.clone(),
                });
            }
        }

        for response in analysis.map(|a| a.response.as_slice()).unwrap_or_default() {
            let recommendation = nonempty(&v.recommendation).map(str::to_string);
            let (kind, details) = match response.as_str() {
                "update" => (RemediationKind::VendorFix, recommendation.clone()),
                "workaround_available" => (
                    RemediationKind::Workaround,
                    nonempty(&v.workaround).map(str::to_string).or(recommendation.clone()),
                ),
                "rollback" => (RemediationKind::Mitigation, recommendation.clone()),
                "can_not_fix" => (RemediationKind::NoneAvailable, None),
                "will_not_fix" => (RemediationKind::NoFixPlanned, None),
                other => {
                    advisory.warnings.push(format!("{path}.analysis.response: unknown response `{other}`; skipped"));
                    continue;
                }
            };
            let fixed_version = match (&kind, &details) {
                (RemediationKind::VendorFix, Some(d)) => quality::fixed_version(d),
                _ => None,
            };
            advisory.remediations.push(Remediation {
                vulnerability: vuln.clone(),
                kind,
                details: details.unwrap_or_else(|| format!("CycloneDX analysis response `{response}`")),
                products: products.clone(),
                fixed_version,
                url: None,
                date: None,
                restart_required: None,
            });
        }
    }
    finish(advisory, sink)
}

fn index_components<'a>(c: &'a Component, index: &mut HashMap<&'a str, &'a Component>) {
    if let Some(r) = nonempty(&c.bom_ref) {
        index.entry(r).or_insert(c);
    }
    for child in &c.components {
        index_components(child, index);
    }
}

/// The product a `ref` names, and the component's own version.
fn resolve_ref(
    reference: &str,
    index: &HashMap<&str, &Component>,
    path: &str,
    warnings: &mut Vec<String>,
) -> (ProductName, Option<String>) {
    let fragment = if reference.starts_with("urn:cdx:") {
        reference.split_once('#').map(|(_, f)| f.to_string()).map(|f| csaf::percent_decode(&f))
    } else {
        None
    };
    let key = fragment.as_deref().unwrap_or(reference);
    if let Some(c) = index.get(reference).or_else(|| index.get(key)) {
        let purl = nonempty(&c.purl).map(str::to_string);
        let version = nonempty(&c.version).map(str::to_string).or_else(|| purl.as_deref().and_then(csaf::purl_version));
        let vendor = c
            .supplier
            .as_ref()
            .and_then(|s| nonempty(&s.name))
            .or_else(|| c.manufacturer.as_ref().and_then(|m| nonempty(&m.name)))
            .or(nonempty(&c.publisher))
            .map(str::to_string);
        let name = ProductName {
            vendor,
            product: nonempty(&c.name).map(str::to_string),
            cpe: nonempty(&c.cpe).map(str::to_string),
            purl,
            ..ProductName::default()
        };
        return (name, version);
    }
    if key.starts_with("pkg:") {
        warnings.push(format!("{path}.ref: `{reference}` is not in this document; product named by its purl"));
        return (purl_product(key, None), csaf::purl_version(key));
    }
    warnings.push(format!("{path}.ref: `{reference}` is not in this document; product named by the reference"));
    (ProductName { product: Some(key.to_string()), ..ProductName::default() }, None)
}

fn cdx_state(state: &str) -> Option<ProductStatus> {
    Some(match state {
        "exploitable" => ProductStatus::Affected,
        "not_affected" | "false_positive" => ProductStatus::NotAffected,
        "resolved" | "resolved_with_pedigree" => ProductStatus::Fixed,
        "in_triage" => ProductStatus::UnderInvestigation,
        _ => return None,
    })
}

/// The justification and whether the mapping is exact (see the table in the module docs).
fn cdx_justification(j: &str) -> Option<(Justification, bool)> {
    Some(match j {
        "code_not_present" => (Justification::VulnerableCodeNotPresent, true),
        "code_not_reachable" => (Justification::VulnerableCodeNotInExecutePath, true),
        "requires_configuration" | "requires_environment" => {
            (Justification::VulnerableCodeCannotBeControlledByAdversary, false)
        }
        "requires_dependency" => (Justification::ComponentNotPresent, false),
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => (Justification::InlineMitigationsAlreadyExist, false),
        _ => return None,
    })
}

fn cdx_cvss(rating: &Rating) -> Option<CvssVector> {
    let vector = nonempty(&rating.vector)?.trim();
    let prefix = match rating.method.as_deref()? {
        "CVSSv2" => "",
        "CVSSv3" => "CVSS:3.0/",
        "CVSSv31" => "CVSS:3.1/",
        "CVSSv4" => "CVSS:4.0/",
        _ => return None,
    };
    let vector = if vector.starts_with("CVSS:") || prefix.is_empty() {
        vector.to_string()
    } else {
        format!("{prefix}{}", vector.trim_start_matches('/'))
    };
    Some(CvssVector {
        vector,
        scored_by: rating.source.as_ref().and_then(|s| nonempty(&s.name)).map(str::to_string),
        published_score: rating.score.as_ref().map(ToString::to_string),
        vulnerability: None,
    })
}

// --- OpenVEX -----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OpenVex {
    #[serde(rename = "@context")]
    context: Option<String>,
    #[serde(rename = "@id")]
    id: Option<String>,
    timestamp: Option<String>,
    last_updated: Option<String>,
    version: Option<Text>,
    statements: Vec<Statement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Statement {
    vulnerability: Option<VulnerabilityRef>,
    products: Vec<ProductRef>,
    /// v0.0.1: subcomponents at statement level.
    subcomponents: Vec<ProductRef>,
    status: Option<String>,
    status_notes: Option<String>,
    justification: Option<String>,
    impact_statement: Option<String>,
    action_statement: Option<String>,
    action_statement_timestamp: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum VulnerabilityRef {
    Name(String),
    Object {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ProductRef {
    Id(String),
    Object {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        identifiers: Option<Identifiers>,
        #[serde(default)]
        subcomponents: Vec<ProductRef>,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Identifiers {
    purl: Option<String>,
    cpe23: Option<String>,
    cpe22: Option<String>,
}

/// Reads one OpenVEX document (v0.0.1 or v0.2.0 JSON) and hands one advisory to the sink.
pub fn read_openvex<R: Read>(r: R, doc: &DocumentInfo, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let bytes = read_all(r, doc)?;
    let vex: OpenVex = parse_json(&bytes, doc)?;
    match vex.context.as_deref() {
        Some(c) if c.contains("openvex") => {}
        Some(c) => return Err(invalid(doc, "$.@context", format!("OpenVEX: `{c}` is not an OpenVEX context"))),
        None => return Err(invalid(doc, "$.@context", "OpenVEX: required property `@context` is missing")),
    }
    let id = nonempty(&vex.id).map(str::to_string).unwrap_or_else(|| doc.file.clone());
    let mut advisory =
        empty_advisory(id.clone(), doc.provenance(Source::OpenVex, id, vex.version.as_ref().map(|t| t.0.clone())));
    advisory.published = nonempty(&vex.timestamp).map(str::to_string);
    advisory.modified = nonempty(&vex.last_updated).map(str::to_string);

    for (si, s) in vex.statements.iter().enumerate() {
        let path = format!("$.statements[{si}]");
        let (vuln, aliases) = match &s.vulnerability {
            Some(VulnerabilityRef::Name(n)) if !n.trim().is_empty() => (n.trim().to_string(), Vec::new()),
            Some(VulnerabilityRef::Object { id, name, aliases }) => match nonempty(name).or(nonempty(id)) {
                Some(n) => (n.trim().to_string(), aliases.clone()),
                None => {
                    return Err(invalid(
                        doc,
                        format!("{path}.vulnerability.name"),
                        "OpenVEX: vulnerability without `name` or `@id`",
                    ));
                }
            },
            _ => {
                return Err(invalid(
                    doc,
                    format!("{path}.vulnerability"),
                    "OpenVEX: statement without `vulnerability`",
                ));
            }
        };
        push_unique(&mut advisory.aliases, &vuln);
        for a in &aliases {
            push_unique(&mut advisory.aliases, a.trim());
        }
        let status_text = nonempty(&s.status)
            .ok_or_else(|| invalid(doc, format!("{path}.status"), "OpenVEX: statement without `status`"))?;
        let status = match status_text {
            "not_affected" => ProductStatus::NotAffected,
            "affected" => ProductStatus::Affected,
            "fixed" => ProductStatus::Fixed,
            "under_investigation" => ProductStatus::UnderInvestigation,
            other => {
                advisory.warnings.push(format!("{path}.status: unknown status `{other}`; read as under investigation"));
                ProductStatus::UnderInvestigation
            }
        };
        let justification = match nonempty(&s.justification) {
            Some(j) => {
                let parsed = csaf::justification_from_label(j);
                if parsed.is_none() {
                    advisory.warnings.push(format!("{path}.justification: unknown justification `{j}`"));
                }
                parsed
            }
            None => None,
        };
        let detail = if status == ProductStatus::NotAffected {
            nonempty(&s.impact_statement).or(nonempty(&s.status_notes))
        } else {
            nonempty(&s.status_notes)
        }
        .map(str::to_string);

        let mut targets: Vec<(ProductName, VersionSpec)> = Vec::new();
        for p in &s.products {
            let (product, version) = openvex_product(p);
            let subs: Vec<&ProductRef> = match p {
                ProductRef::Object { subcomponents, .. } if !subcomponents.is_empty() => subcomponents.iter().collect(),
                _ => s.subcomponents.iter().collect(),
            };
            if subs.is_empty() {
                targets.push((product, version));
                continue;
            }
            let platform = csaf_product(product, version);
            for sub in subs {
                let (sp, sv) = openvex_product(sub);
                let composed = csaf::compose_names(&csaf_product(sp, sv), "in", &platform);
                targets.push(composed);
            }
        }
        if targets.is_empty() {
            advisory.warnings.push(format!("{path}.products: statement names no product; skipped"));
            continue;
        }
        let mut products = Vec::new();
        for (product, versions) in targets {
            if !products.contains(&product) {
                products.push(product.clone());
            }
            advisory.affected.push(AffectedStatement {
                vulnerability: vuln.clone(),
                target: Target::Product { product, versions },
                status,
                justification: if status == ProductStatus::NotAffected { justification } else { None },
                detail: detail.clone(),
            });
        }
        if let Some(action) = nonempty(&s.action_statement) {
            let fixed_version = quality::fixed_version(action);
            advisory.remediations.push(Remediation {
                vulnerability: vuln.clone(),
                kind: if fixed_version.is_some() { RemediationKind::VendorFix } else { RemediationKind::Mitigation },
                details: action.to_string(),
                products,
                fixed_version,
                url: None,
                date: nonempty(&s.action_statement_timestamp).map(str::to_string),
                restart_required: None,
            });
        }
    }
    finish(advisory, sink)
}

fn csaf_product(name: ProductName, versions: VersionSpec) -> csaf::NamedProduct {
    csaf::NamedProduct { name, versions }
}

fn openvex_product(p: &ProductRef) -> (ProductName, VersionSpec) {
    let (id, identifiers) = match p {
        ProductRef::Id(s) => (Some(s.as_str()), None),
        ProductRef::Object { id, identifiers, .. } => (id.as_deref(), identifiers.as_ref()),
    };
    let id = id.map(str::trim).filter(|s| !s.is_empty());
    let purl = identifiers.and_then(|i| nonempty(&i.purl)).or(id.filter(|s| s.starts_with("pkg:"))).map(str::to_string);
    let cpe = identifiers
        .and_then(|i| nonempty(&i.cpe23).or(nonempty(&i.cpe22)))
        .or(id.filter(|s| s.starts_with("cpe:")))
        .map(str::to_string);
    let version = purl.as_deref().and_then(csaf::purl_version);
    let mut name = match &purl {
        Some(p) => purl_product(p, cpe.clone()),
        None => ProductName { product: id.map(str::to_string), cpe: cpe.clone(), ..ProductName::default() },
    };
    if name.product.is_none() {
        name.product = id.map(str::to_string);
    }
    (name, version.map_or(VersionSpec::All, |version| VersionSpec::Exact { version }))
}

/// A product named by a purl: the name segment as product.
fn purl_product(purl: &str, cpe: Option<String>) -> ProductName {
    let body = purl.split(['?', '#']).next().unwrap_or(purl);
    let body = body.rsplit_once('@').map_or(body, |(b, _)| b);
    let name = body.rsplit('/').next().filter(|s| !s.is_empty() && !s.starts_with("pkg:"));
    ProductName { product: name.map(csaf::percent_decode), purl: Some(purl.to_string()), cpe, ..ProductName::default() }
}

// --- shared ------------------------------------------------------------------------------------

fn empty_advisory(id: String, provenance: model::advisory::Provenance) -> Advisory {
    Advisory {
        id,
        kind: AdvisoryKind::Vex,
        aliases: Vec::new(),
        title: None,
        description: None,
        cwes: Vec::new(),
        published: None,
        modified: None,
        rejected: false,
        cvss: Vec::new(),
        affected: Vec::new(),
        remediations: Vec::new(),
        references: Vec::new(),
        warnings: Vec::new(),
        provenance,
    }
}

fn finish(advisory: Advisory, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let warnings = advisory.warnings.clone();
    sink(IntelRecord::Advisory(Box::new(advisory)))?;
    Ok(ReadSummary { records: 1, warnings })
}
