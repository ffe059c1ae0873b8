//! One CVE JSON 5.x record (a `cvelistV5` or `cisagov/vulnrichment` file) into neutral records.
//!
//! A record yields, in this order:
//! * one [`Advisory`] for the CNA container (source `Cve5`): title, English description, CWEs,
//!   dates, CVSS vectors, references, and an affected statement per `affected[].versions[]` entry;
//! * one [`Advisory`] per ADP container that states something about the vulnerability (affected
//!   products, CVSS vectors or CWEs; source `Cve5Adp`, revision = the container's `dateUpdated`).
//!   ADP `affected[]` entries with `cpes` become single-node CPE configurations, the form
//!   matching already reads for NVD;
//! * [`SsvcPoints`] for each ADP `metrics[].other` of type `ssvc` (CISA Vulnrichment);
//! * a [`KevEntry`] for each ADP `metrics[].other` of type `kev` (date added and reference only).
//!
//! Keeping the CNA and each ADP apart means a view can always say who claimed what.
//!
//! Version texts are read as published and normalised only where that is unambiguous
//! (`All versions < V4.1.1` becomes a range, with a warning on the advisory). Anything else stays
//! `Unparsed` with a warning: this module must never turn text it cannot read into "not
//! affected", and never read a missing SSVC value as `none`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use model::advisory::{
    Advisory, AdvisoryKind, AffectedStatement, Bound, ConfigNode, Configuration, CpeMatch, CvssVector, Exploitation,
    IntelRecord, KevEntry, Operator, ProductName, ProductStatus, Provenance, RansomwareUse, Reference, Source,
    SsvcPoints, Target, TechnicalImpact, VersionSpec,
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::{DocumentInfo, IntelError, ReadSummary, Sink};

/// Reads one CVE JSON 5.x record and hands its advisories, SSVC points and KEV entries to the sink.
///
/// The record is read whole (a record is one vulnerability, at most a few hundred kilobytes), and
/// nothing reaches the sink unless the whole record could be read.
pub fn read<R: Read>(mut r: R, doc: &DocumentInfo, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let file = doc.file.as_str();
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|source| IntelError::Read { file: file.to_string(), source })?;
    let record: Record = serde_json::from_slice(&bytes).map_err(|e| json_error(file, &e))?;

    let mut out = Vec::new();
    let mut summary = ReadSummary::default();
    convert(record, doc, &mut out, &mut summary.warnings)?;
    for item in out {
        sink(item)?;
        summary.records += 1;
    }
    Ok(summary)
}

// ---------------------------------------------------------------------------------------------
// The record as published. Every field is optional or defaulted (and `null` reads as absent) so
// that the reader accepts what CNAs actually write; required fields are checked afterwards with
// their JSON path.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    data_type: Option<String>,
    data_version: Option<String>,
    cve_metadata: Option<Metadata>,
    containers: Option<Containers>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    cve_id: Option<String>,
    state: Option<String>,
    date_published: Option<String>,
    date_updated: Option<String>,
    assigner_short_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Containers {
    cna: Option<Container>,
    #[serde(default, deserialize_with = "nullable")]
    adp: Vec<Container>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Container {
    provider_metadata: Option<ProviderMetadata>,
    title: Option<String>,
    date_public: Option<String>,
    #[serde(deserialize_with = "nullable")]
    descriptions: Vec<Description>,
    #[serde(deserialize_with = "nullable")]
    rejected_reasons: Vec<Description>,
    #[serde(deserialize_with = "nullable")]
    problem_types: Vec<ProblemType>,
    #[serde(deserialize_with = "nullable")]
    metrics: Vec<Metric>,
    #[serde(deserialize_with = "nullable")]
    references: Vec<RawReference>,
    #[serde(deserialize_with = "nullable")]
    affected: Vec<Affected>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProviderMetadata {
    short_name: Option<String>,
    date_updated: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Description {
    lang: Option<String>,
    value: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ProblemType {
    #[serde(default, deserialize_with = "nullable")]
    descriptions: Vec<ProblemDescription>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProblemDescription {
    cwe_id: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Metric {
    #[serde(rename = "cvssV2_0")]
    cvss_v2_0: Option<Cvss>,
    #[serde(rename = "cvssV3_0")]
    cvss_v3_0: Option<Cvss>,
    #[serde(rename = "cvssV3_1")]
    cvss_v3_1: Option<Cvss>,
    #[serde(rename = "cvssV4_0")]
    cvss_v4_0: Option<Cvss>,
    other: Option<Other>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cvss {
    vector_string: Option<String>,
    /// A number as published (some CNAs write a string).
    base_score: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Other {
    #[serde(rename = "type")]
    kind: Option<String>,
    /// Shape depends on `type`; read into [`SsvcContent`] or [`KevContent`] once the type is known.
    content: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SsvcContent {
    id: Option<String>,
    role: Option<String>,
    version: Option<String>,
    timestamp: Option<String>,
    #[serde(deserialize_with = "nullable")]
    options: Vec<BTreeMap<String, Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct KevContent {
    date_added: Option<String>,
    reference: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawReference {
    url: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    tags: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Affected {
    vendor: Option<String>,
    product: Option<String>,
    #[serde(deserialize_with = "nullable")]
    versions: Vec<RawVersion>,
    default_status: Option<String>,
    #[serde(deserialize_with = "nullable")]
    cpes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RawVersion {
    version: Option<String>,
    status: Option<String>,
    version_type: Option<String>,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
    #[serde(deserialize_with = "nullable")]
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
struct Change {
    at: Option<String>,
    status: Option<String>,
}

/// `null` reads as the default (CNAs write `"cpes": null`).
fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

// ---------------------------------------------------------------------------------------------
// Conversion.

/// What one container is read as, before it becomes an advisory.
struct Context<'a> {
    cve: &'a str,
    /// Who stated it (CNA or ADP short name).
    who: Option<String>,
    /// JSON path of the container, for warnings (`$.containers.adp[1]`).
    path: String,
    warnings: Vec<String>,
    /// Version entries and default statuses with status `unknown` (or none), skipped.
    unknown: usize,
}

impl Context<'_> {
    fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }
}

fn convert(
    record: Record,
    doc: &DocumentInfo,
    out: &mut Vec<IntelRecord>,
    summary_warnings: &mut Vec<String>,
) -> Result<(), IntelError> {
    let file = doc.file.as_str();
    if let Some(kind) = &record.data_type
        && kind != "CVE_RECORD"
    {
        return Err(invalid(file, "$.dataType", &format!("`{kind}`, expected `CVE_RECORD` (a CVE JSON 5 record)")));
    }
    let meta = record
        .cve_metadata
        .ok_or_else(|| invalid(file, "$.cveMetadata", "missing; this is not a CVE JSON 5 record"))?;
    let cve = text(meta.cve_id.as_deref())
        .ok_or_else(|| invalid(file, "$.cveMetadata.cveId", "missing; every CVE record names its CVE"))?
        .to_ascii_uppercase();
    if !is_cve_id(&cve) {
        return Err(invalid(file, "$.cveMetadata.cveId", &format!("`{cve}` is not a CVE id (CVE-YYYY-NNNN)")));
    }
    let containers =
        record.containers.ok_or_else(|| invalid(file, "$.containers", "missing; expected the cna container"))?;
    let cna = containers.cna.ok_or_else(|| invalid(file, "$.containers.cna", "missing; every record has one"))?;
    let rejected = meta.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("REJECTED"));
    let published = text(meta.date_published.as_deref()).or_else(|| text(cna.date_public.as_deref()));
    let record_updated = text(meta.date_updated.as_deref());
    let mut record_warnings = Vec::new();
    if let Some(version) = &record.data_version
        && !version.starts_with("5.")
    {
        record_warnings.push(format!("dataVersion `{version}` is not 5.x; read as 5.x"));
    }

    // The CNA container.
    let cna_meta = cna.provider_metadata.as_ref();
    let who =
        cna_meta.and_then(|m| text(m.short_name.as_deref())).or_else(|| text(meta.assigner_short_name.as_deref()));
    let updated = cna_meta.and_then(|m| text(m.date_updated.as_deref())).or(record_updated.clone());
    let mut cx = Context { cve: &cve, who, path: "$.containers.cna".into(), warnings: record_warnings, unknown: 0 };
    let mut description = english(&cna.descriptions, &mut cx, "descriptions");
    if description.is_none() && rejected {
        description = english(&cna.rejected_reasons, &mut cx, "rejectedReasons");
    }
    let mut affected = Vec::new();
    for entry in &cna.affected {
        product_statements(entry, &mut cx, &mut affected);
    }
    let advisory = build_advisory(
        &mut cx,
        &cna,
        text(cna.title.as_deref()),
        description,
        published.clone(),
        updated.clone(),
        rejected,
        affected,
        doc.provenance(Source::Cve5, cve.clone(), updated),
    );
    push_advisory(advisory, &cx, out, summary_warnings);

    // Each ADP container.
    let mut extra = Vec::new();
    for (i, adp) in containers.adp.iter().enumerate() {
        let adp_meta = adp.provider_metadata.as_ref();
        let who = adp_meta.and_then(|m| text(m.short_name.as_deref()));
        let updated = adp_meta.and_then(|m| text(m.date_updated.as_deref())).or(record_updated.clone());
        // Each ADP container is its own document, `CVE-…#adp/<shortName>`, so several ADPs of
        // one CVE stay apart in the store.
        let adp_doc = format!("{cve}#adp/{}", who.as_deref().unwrap_or("unnamed"));
        let provenance = doc.provenance(Source::Cve5Adp, adp_doc, updated.clone());
        let mut cx =
            Context { cve: &cve, who, path: format!("$.containers.adp[{i}]"), warnings: Vec::new(), unknown: 0 };

        for (j, metric) in adp.metrics.iter().enumerate() {
            let Some(other) = &metric.other else { continue };
            let kind = other.kind.as_deref().map(str::trim).unwrap_or_default();
            let path = format!("{}.metrics[{j}].other.content", cx.path);
            if kind.eq_ignore_ascii_case("ssvc") {
                extra.push(IntelRecord::Ssvc(ssvc(other.content.as_ref(), &mut cx, &path, provenance.clone(), file)?));
            } else if kind.eq_ignore_ascii_case("kev") {
                extra.push(IntelRecord::Kev(kev(other.content.as_ref(), &cx, &path, provenance.clone(), file)?));
            }
        }

        let mut affected = Vec::new();
        for entry in &adp.affected {
            if entry.cpes.iter().all(|c| c.trim().is_empty()) {
                product_statements(entry, &mut cx, &mut affected);
            } else {
                cpe_statements(entry, &mut cx, &mut affected);
            }
        }
        let description = english(&adp.descriptions, &mut cx, "descriptions");
        let advisory =
            build_advisory(&mut cx, adp, None, description, published.clone(), updated, rejected, affected, provenance);
        // A container that only carries metrics of other kinds (SSVC, KEV) or copies of the CNA's
        // references says nothing an advisory would add.
        if !advisory.affected.is_empty() || !advisory.cvss.is_empty() || !advisory.cwes.is_empty() {
            push_advisory(advisory, &cx, out, summary_warnings);
        } else {
            push_warnings(&cx, summary_warnings);
        }
    }
    out.extend(extra);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn build_advisory(
    cx: &mut Context,
    container: &Container,
    title: Option<String>,
    description: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    rejected: bool,
    affected: Vec<AffectedStatement>,
    provenance: Provenance,
) -> Advisory {
    if cx.unknown > 0 {
        let n = cx.unknown;
        cx.warn(format!("{n} version entries or default statuses with status `unknown` (or none) skipped"));
    }
    Advisory {
        id: cx.cve.to_string(),
        kind: AdvisoryKind::Cve,
        aliases: Vec::new(),
        title,
        description,
        cwes: cwes(&container.problem_types),
        published,
        modified,
        rejected,
        cvss: cvss(&container.metrics, cx.who.as_deref()),
        affected,
        remediations: Vec::new(),
        references: references(&container.references, cx),
        warnings: cx.warnings.clone(),
        provenance,
    }
}

fn push_advisory(advisory: Advisory, cx: &Context, out: &mut Vec<IntelRecord>, summary_warnings: &mut Vec<String>) {
    push_warnings(cx, summary_warnings);
    out.push(IntelRecord::Advisory(Box::new(advisory)));
}

fn push_warnings(cx: &Context, summary_warnings: &mut Vec<String>) {
    for w in &cx.warnings {
        summary_warnings.push(format!("{} {}: {w}", cx.cve, cx.path));
    }
}

/// The English text (`en`, `en-US`, …); failing that the first one, with a warning.
fn english(list: &[Description], cx: &mut Context, field: &str) -> Option<String> {
    let is_english = |d: &&Description| {
        d.lang.as_deref().is_some_and(|l| {
            let l = l.trim().to_ascii_lowercase();
            l == "en" || l.starts_with("en-") || l.starts_with("en_") || l == "eng"
        })
    };
    if let Some(d) = list.iter().find(is_english).and_then(|d| text(d.value.as_deref())) {
        return Some(d);
    }
    let first = list.iter().find_map(|d| text(d.value.as_deref()).map(|v| (d.lang.clone(), v)))?;
    cx.warn(format!("no English {field}; kept the one in `{}`", first.0.unwrap_or_default()));
    Some(first.1)
}

/// `CWE-<n>` from `cweId`, or from a description that starts with one.
fn cwes(problem_types: &[ProblemType]) -> Vec<String> {
    let mut out = Vec::new();
    for d in problem_types.iter().flat_map(|p| &p.descriptions) {
        let id = d.cwe_id.as_deref().and_then(cwe_id).or_else(|| d.description.as_deref().and_then(cwe_id));
        if let Some(id) = id
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

/// `CWE-79` from `CWE-79`, `cwe-79: Cross-site…`, ` CWE-79 Improper…`.
fn cwe_id(s: &str) -> Option<String> {
    let s = s.trim();
    let rest = s.get(..4).filter(|p| p.eq_ignore_ascii_case("CWE-")).and_then(|_| s.get(4..))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| format!("CWE-{digits}"))
}

fn cvss(metrics: &[Metric], who: Option<&str>) -> Vec<CvssVector> {
    let mut out = Vec::new();
    for m in metrics {
        for c in [&m.cvss_v2_0, &m.cvss_v3_0, &m.cvss_v3_1, &m.cvss_v4_0].into_iter().flatten() {
            let Some(vector) = text(c.vector_string.as_deref()) else { continue };
            let published_score = match &c.base_score {
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::String(s)) => text(Some(s)),
                _ => None,
            };
            out.push(CvssVector { vector, scored_by: who.map(str::to_string), published_score, vulnerability: None });
        }
    }
    out
}

fn references(list: &[RawReference], cx: &mut Context) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut missing = 0;
    for r in list {
        match text(r.url.as_deref()) {
            Some(url) => out.push(Reference { url, tags: r.tags.clone() }),
            None => missing += 1,
        }
    }
    if missing > 0 {
        cx.warn(format!("{missing} references without a url skipped"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SSVC and KEV metrics (CISA ADP).

fn ssvc(
    content: Option<&Value>,
    cx: &mut Context,
    path: &str,
    provenance: Provenance,
    file: &str,
) -> Result<SsvcPoints, IntelError> {
    let content: SsvcContent = match content {
        Some(v) => SsvcContent::deserialize(v).map_err(|e| invalid(file, path, &e.to_string()))?,
        None => SsvcContent::default(),
    };
    if let Some(id) = text(content.id.as_deref())
        && !id.eq_ignore_ascii_case(cx.cve)
    {
        cx.warn(format!("{path}.id is {id}, not the record's {}; kept under the record's id", cx.cve));
    }
    let mut points = SsvcPoints {
        cve: cx.cve.to_string(),
        exploitation: None,
        automatable: None,
        technical_impact: None,
        role: text(content.role.as_deref()),
        version: text(content.version.as_deref()),
        timestamp: text(content.timestamp.as_deref()),
        provenance,
    };
    for option in &content.options {
        for (key, value) in option {
            let Some(value) = value.as_str().map(|v| v.trim().to_ascii_lowercase()) else {
                cx.warn(format!("{path}.options: `{key}` is not a string; read as unknown"));
                continue;
            };
            let mut unreadable =
                || cx.warn(format!("{path}.options: `{key}: {value}` not understood; read as unknown"));
            match key.trim().to_ascii_lowercase().as_str() {
                "exploitation" => {
                    points.exploitation = match value.as_str() {
                        "none" => Some(Exploitation::None),
                        "poc" | "public poc" => Some(Exploitation::Poc),
                        "active" => Some(Exploitation::Active),
                        _ => {
                            unreadable();
                            None
                        }
                    }
                }
                "automatable" => {
                    points.automatable = match value.as_str() {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => {
                            unreadable();
                            None
                        }
                    }
                }
                "technical impact" | "technical_impact" | "technicalimpact" => {
                    points.technical_impact = match value.as_str() {
                        "partial" => Some(TechnicalImpact::Partial),
                        "total" => Some(TechnicalImpact::Total),
                        _ => {
                            unreadable();
                            None
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(points)
}

fn kev(
    content: Option<&Value>,
    cx: &Context,
    path: &str,
    provenance: Provenance,
    file: &str,
) -> Result<KevEntry, IntelError> {
    let content: KevContent = match content {
        Some(v) => KevContent::deserialize(v).map_err(|e| invalid(file, path, &e.to_string()))?,
        None => KevContent::default(),
    };
    let date = text(content.date_added.as_deref())
        .ok_or_else(|| invalid(file, &format!("{path}.dateAdded"), "missing; a KEV metric names the date added"))?;
    let date_added = date.get(..10).filter(|d| crate::kev::is_date(d)).map(str::to_string).ok_or_else(|| {
        invalid(file, &format!("{path}.dateAdded"), &format!("`{date}` does not start with a YYYY-MM-DD date"))
    })?;
    Ok(KevEntry {
        cve: cx.cve.to_string(),
        vendor_project: None,
        product: None,
        name: None,
        date_added,
        due_date: None,
        required_action: None,
        // The ADP metric does not say; "unknown" is KEV's own word for that.
        ransomware: RansomwareUse::Unknown,
        description: None,
        notes: text(content.reference.as_deref()),
        cwes: Vec::new(),
        provenance,
    })
}

// ---------------------------------------------------------------------------------------------
// Affected products.

/// What a CVE 5 status word says; `None` for `unknown` and for words nobody defined.
fn status(word: Option<&str>, cx: &mut Context, product: &str) -> Option<ProductStatus> {
    match word.map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("affected") => Some(ProductStatus::Affected),
        Some(s) if s.eq_ignore_ascii_case("unaffected") => Some(ProductStatus::NotAffected),
        Some(s) if s.eq_ignore_ascii_case("unknown") => {
            cx.unknown += 1;
            None
        }
        None => {
            cx.unknown += 1;
            None
        }
        Some(other) => {
            cx.unknown += 1;
            cx.warn(format!("{product}: status `{other}` not understood; skipped"));
            None
        }
    }
}

fn label(entry: &Affected) -> String {
    let vendor = entry.vendor.as_deref().map(str::trim).unwrap_or_default();
    let product = entry.product.as_deref().map(str::trim).unwrap_or_default();
    match (vendor.is_empty(), product.is_empty()) {
        (false, false) => format!("{vendor} {product}"),
        (true, false) => product.to_string(),
        (false, true) => vendor.to_string(),
        (true, true) => "(unnamed product)".to_string(),
    }
}

/// Statements for an `affected[]` entry named by vendor and product: one per `versions[]` entry
/// (more when `changes` split a range), plus the `defaultStatus` where it says something the
/// listed versions do not. An entry with several `cpes` gives each statement once per CPE.
fn product_statements(entry: &Affected, cx: &mut Context, out: &mut Vec<AffectedStatement>) {
    let label = label(entry);
    let mut specs: Vec<(ProductStatus, VersionSpec)> = Vec::new();
    for v in &entry.versions {
        version_statements(v, cx, &label, &mut specs);
    }
    let default = entry.default_status.as_deref();
    if default.is_some() || entry.versions.is_empty() {
        match status(default, cx, &label) {
            // Versions not listed are affected: the listed unaffected ranges are the exceptions.
            Some(ProductStatus::Affected) => {
                if !entry.versions.is_empty() {
                    cx.warn(format!(
                        "{label}: defaultStatus `affected` kept as an all-versions statement beside the listed versions"
                    ));
                }
                specs.push((ProductStatus::Affected, VersionSpec::All));
            }
            // "Everything else is unaffected" adds nothing to a list of affected versions, and as
            // a blanket statement it could hide them; alone it is a plain not-affected statement.
            Some(ProductStatus::NotAffected) if entry.versions.is_empty() => {
                specs.push((ProductStatus::NotAffected, VersionSpec::All));
            }
            _ => {}
        }
    }
    let product = ProductName {
        vendor: text(entry.vendor.as_deref()),
        product: text(entry.product.as_deref()),
        ..ProductName::default()
    };
    let cpes: Vec<Option<String>> =
        if entry.cpes.is_empty() { vec![None] } else { entry.cpes.iter().map(|c| text(Some(c))).collect() };
    for (status, versions) in specs {
        for cpe in &cpes {
            out.push(AffectedStatement {
                vulnerability: cx.cve.to_string(),
                target: Target::Product {
                    product: ProductName { cpe: cpe.clone(), ..product.clone() },
                    versions: versions.clone(),
                },
                status,
                justification: None,
                detail: None,
            });
        }
    }
}

/// The statements one `versions[]` entry makes.
fn version_statements(v: &RawVersion, cx: &mut Context, label: &str, out: &mut Vec<(ProductStatus, VersionSpec)>) {
    let main = status(v.status.as_deref(), cx, label);
    let version = v.version.as_deref().map(str::trim).unwrap_or_default();
    let is_git = v.version_type.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case("git"));
    let end = upper(v, cx, label);
    let changes: Vec<&Change> = v.changes.iter().filter(|c| text(c.at.as_deref()).is_some()).collect();

    if is_git {
        if let Some(status) = main {
            cx.warn(format!("{label}: git commit range `{}` kept unparsed", describe(v)));
            out.push((status, VersionSpec::Unparsed { text: format!("git: {}", describe(v)) }));
        }
        return;
    }
    let Some(end) = end else {
        // A single version.
        if let Some(status) = main {
            out.push((status, single(version, cx, label)));
        }
        return;
    };
    let start = if is_open_start(version) {
        Some(None)
    } else if is_range_bound(version) {
        Some(Some(Bound { version: version.to_string(), inclusive: true }))
    } else {
        None
    };
    let (Some(start), Ok(end)) = (start, end) else {
        if let Some(status) = main {
            cx.warn(format!("{label}: range `{}` kept unparsed", describe(v)));
            out.push((status, VersionSpec::Unparsed { text: describe(v) }));
        }
        return;
    };
    if changes.is_empty() {
        if let Some(status) = main {
            out.push((status, range(start, end)));
        }
        return;
    }

    // `changes` split the range: the entry's status up to the first change, each change's status
    // from its version to the next. The schema asks readers to sort them by version; with no
    // ordering here, they are taken in published order and the split is flagged unless it is the
    // usual redundant "fixed at the range end".
    let redundant = changes.len() == 1
        && end.as_ref().is_some_and(|e| !e.inclusive && changes[0].at.as_deref().map(str::trim) == Some(&e.version));
    if !redundant {
        cx.warn(format!("{label}: range `{}` split at its status changes in published order", describe(v)));
    }
    let mut from = start;
    let mut current = main;
    for change in changes {
        let at = change.at.as_deref().map(str::trim).unwrap_or_default().to_string();
        let starts_here = from.as_ref().is_some_and(|b| b.version == at);
        if let Some(status) = current
            && !starts_here
        {
            out.push((status, range(from.clone(), Some(Bound { version: at.clone(), inclusive: false }))));
        }
        from = Some(Bound { version: at, inclusive: true });
        current = status(change.status.as_deref(), cx, label);
    }
    let empty = matches!((&from, &end), (Some(f), Some(e)) if !e.inclusive && f.version == e.version);
    if let Some(status) = current
        && !empty
    {
        out.push((status, range(from, end)));
    }
}

/// The entry's upper bound: `None` without `lessThan`/`lessThanOrEqual`, `Ok(None)` when it is
/// `*`, `Err` when it cannot be a bound (a list, a wildcard, a placeholder).
#[allow(clippy::type_complexity)]
fn upper(v: &RawVersion, cx: &mut Context, label: &str) -> Option<Result<Option<Bound>, ()>> {
    let less = text(v.less_than.as_deref());
    let less_eq = text(v.less_than_or_equal.as_deref());
    if less.is_some() && less_eq.is_some() {
        cx.warn(format!("{label}: both lessThan and lessThanOrEqual given; used lessThan"));
    }
    let (bound, inclusive) = match (less, less_eq) {
        (Some(b), _) => (b, false),
        (None, Some(b)) => (b, true),
        (None, None) => return None,
    };
    Some(if bound == "*" {
        Ok(None)
    } else if is_range_bound(&bound) {
        Ok(Some(Bound { version: bound, inclusive }))
    } else {
        Err(())
    })
}

fn range(start: Option<Bound>, end: Option<Bound>) -> VersionSpec {
    if start.is_none() && end.is_none() { VersionSpec::All } else { VersionSpec::Range { start, end } }
}

/// The entry as published, for `Unparsed` text and warnings.
fn describe(v: &RawVersion) -> String {
    let mut s = format!("version {}", v.version.as_deref().unwrap_or("(none)"));
    if let Some(b) = &v.less_than {
        s.push_str(&format!(", lessThan {b}"));
    }
    if let Some(b) = &v.less_than_or_equal {
        s.push_str(&format!(", lessThanOrEqual {b}"));
    }
    for c in &v.changes {
        s.push_str(&format!(
            ", from {} {}",
            c.at.as_deref().unwrap_or("(none)"),
            c.status.as_deref().unwrap_or("(no status)")
        ));
    }
    s
}

/// Placeholders CNAs write where they mean "we do not say".
fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    s.is_empty()
        || s == "-"
        || ["n/a", "na", "unspecified", "unknown", "none", "publication"].iter().any(|p| s.eq_ignore_ascii_case(p))
}

/// A range start that means "from the beginning".
fn is_open_start(s: &str) -> bool {
    s == "0" || s == "*" || is_placeholder(s)
}

/// Text that can stand as one end of a range: not a placeholder, not a list, no operators.
fn is_bound(s: &str) -> bool {
    !is_placeholder(s) && !s.contains([',', ';', '<', '>', '=', '|', '&'])
}

/// One end of a structured range (`version`, `lessThan`, `lessThanOrEqual`): a token
/// (`V2.1.82`, `FW13`), or a version with a qualifier (`V4.1.1 Patch04`, `8.1.17 LTS`), but not
/// a list, a wildcard or a sentence (`next of 2.0`, `See references`).
fn is_range_bound(s: &str) -> bool {
    is_bound(s)
        && !s.contains('*')
        && (!s.contains(char::is_whitespace)
            || (s.trim_start_matches(['v', 'V', 'r', 'R']).starts_with(|c: char| c.is_ascii_digit())
                && !contains_word(s, CONNECTIVES)))
}

/// A version given alone: `*` is every version, a plain token is exact, loose English is
/// normalised where unambiguous, anything else is kept unparsed.
fn single(version: &str, cx: &mut Context, label: &str) -> VersionSpec {
    if version == "*" {
        return VersionSpec::All;
    }
    if is_placeholder(version) || version == "0" {
        cx.warn(format!("{label}: version `{version}` does not say which versions; kept unparsed"));
        return VersionSpec::Unparsed { text: version.to_string() };
    }
    let plain = !version.contains(char::is_whitespace) && !version.contains(['<', '>', '=', ',', ';', '*', '|']);
    if plain {
        return VersionSpec::Exact { version: version.to_string() };
    }
    if let Some(spec) = loose(version) {
        cx.warn(format!("{label}: version text `{version}` read as {}", show(&spec)));
        return spec;
    }
    // `V4.7 HF27`, `8.1.17 LTS`, `2.1 SP1`: a version with a qualifier, not a sentence.
    if is_range_bound(version) {
        return VersionSpec::Exact { version: version.to_string() };
    }
    cx.warn(format!("{label}: version text `{version}` kept unparsed"));
    VersionSpec::Unparsed { text: version.to_string() }
}

/// Words that make version text a sentence rather than a version with a qualifier.
const CONNECTIVES: &[&str] =
    &["and", "or", "to", "before", "prior", "earlier", "later", "through", "all", "versions", "see", "from"];

fn contains_word(s: &str, words: &[&str]) -> bool {
    s.split(|c: char| !c.is_alphanumeric()).any(|w| words.iter().any(|x| w.eq_ignore_ascii_case(x)))
}

/// Short form of a normalised spec for warnings: `< V4.1`, `>= 2.0, < 2.9`.
fn show(spec: &VersionSpec) -> String {
    match spec {
        VersionSpec::All => "all versions".into(),
        VersionSpec::Exact { version } => format!("= {version}"),
        VersionSpec::Range { start, end } => {
            let mut parts = Vec::new();
            if let Some(b) = start {
                parts.push(format!("{} {}", if b.inclusive { ">=" } else { ">" }, b.version));
            }
            if let Some(b) = end {
                parts.push(format!("{} {}", if b.inclusive { "<=" } else { "<" }, b.version));
            }
            parts.join(", ")
        }
        VersionSpec::Vers { vers } => vers.clone(),
        VersionSpec::Unparsed { text } => format!("unparsed `{text}`"),
    }
}

/// Loose English CNAs write in the `version` field: `All versions`, `All versions < V4.1.1`,
/// `< 2.0`, `<= 2.0`, `>= 1.0, < 2.0`, `before 2.0`, `prior to 2.0`, `2.0 and prior`,
/// `2.0 and earlier`. `None` for anything else.
fn loose(text: &str) -> Option<VersionSpec> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower == "all" || lower == "all versions" {
        return Some(VersionSpec::All);
    }
    let strip = |prefix: &str| lower.starts_with(prefix).then(|| t[prefix.len()..].trim());
    if let Some(rest) = strip("all versions").filter(|r| r.starts_with(['<', '>'])) {
        return comparators(rest);
    }
    if let Some(rest) = strip("before ").or_else(|| strip("prior to ")).or_else(|| strip("earlier than ")) {
        return single_bound(rest).map(|b| range(None, Some(Bound { version: b, inclusive: false })));
    }
    for suffix in [" and prior", " and earlier", " or earlier", " and below", " and lower", " and older", " or older"] {
        if lower.ends_with(suffix) {
            let rest = t[..t.len() - suffix.len()].trim();
            let rest = ["versions ", "version "]
                .iter()
                .find_map(|p| rest.to_ascii_lowercase().starts_with(p).then(|| rest[p.len()..].trim()))
                .unwrap_or(rest);
            return single_bound(rest).map(|b| range(None, Some(Bound { version: b, inclusive: true })));
        }
    }
    if t.starts_with(['<', '>']) {
        return comparators(t);
    }
    None
}

/// A lone version token after `before`, `prior to`, … (no spaces: `2.0 SP1` is fine in a bound
/// field, but in free text it may be a sentence).
fn single_bound(s: &str) -> Option<String> {
    let s = s.trim();
    (is_bound(s) && !s.contains(char::is_whitespace) && !s.contains('*')).then(|| s.to_string())
}

/// `< X`, `<= X`, `> X`, `>= X`, and a lower and an upper one together (`>= 1.0, < 2.0`,
/// `>=1.0 <2.0`). A version may contain spaces (`V4.5 SP6 HF2`) and ends at the next operator or
/// comma.
fn comparators(s: &str) -> Option<VersionSpec> {
    let mut start = None;
    let mut end = None;
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (op, after) = ["<=", ">=", "<", ">"].iter().find_map(|op| rest.strip_prefix(op).map(|a| (*op, a)))?;
        let stop = after.find(['<', '>', ',', '=']).unwrap_or(after.len());
        let version = after[..stop].trim();
        if !is_bound(version) || version.contains('*') || contains_word(version, CONNECTIVES) {
            return None;
        }
        let bound = Bound { version: version.to_string(), inclusive: op.len() == 2 };
        let slot = if op.starts_with('<') { &mut end } else { &mut start };
        if slot.replace(bound).is_some() {
            return None;
        }
        rest = after[stop..].trim_start_matches([',', ' ']).trim();
    }
    (start.is_some() || end.is_some()).then(|| range(start, end))
}

/// Statements for an ADP `affected[]` entry that carries `cpes`: per status, one configuration
/// with a single OR node of CPE matches, bounded by the entry's versions.
///
/// Linear in CPEs plus versions except where each range applies to each CPE: Cisco entries list
/// thousands of CPEs, one per exact version.
fn cpe_statements(entry: &Affected, cx: &mut Context, out: &mut Vec<AffectedStatement>) {
    let label = label(entry);
    let cpes: Vec<Cpe> =
        entry.cpes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).map(|text| Cpe::new(text, cx, &label)).collect();
    // Which CPEs name each version (case-folded), and which name none (`*`, `-`).
    let mut naming: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, cpe) in cpes.iter().enumerate() {
        if let Some(v) = &cpe.version {
            naming.entry(v.to_ascii_lowercase()).or_default().push(i);
        }
    }
    let versionless: Vec<usize> =
        (0..cpes.len()).filter(|&i| matches!(cpes[i].version.as_deref(), Some("*" | "-"))).collect();
    let mut matches = Matches::default();
    let mut used = vec![false; cpes.len()];

    for v in &entry.versions {
        let Some(status) = status(v.status.as_deref(), cx, &label) else { continue };
        let version = v.version.as_deref().map(str::trim).unwrap_or_default();
        if !v.changes.is_empty() {
            cx.warn(format!("{label}: status changes in `{}` ignored for the CPE form", describe(v)));
        }
        match upper(v, cx, &label) {
            Some(end) => {
                let end = match end {
                    Ok(end) => end,
                    // A wider range errs towards "affected"; never widen "not affected".
                    Err(()) if status == ProductStatus::Affected => {
                        cx.warn(format!("{label}: upper bound in `{}` unreadable; range left open", describe(v)));
                        None
                    }
                    Err(()) => {
                        cx.warn(format!("{label}: upper bound in `{}` unreadable; statement skipped", describe(v)));
                        continue;
                    }
                };
                let start = (!is_open_start(version)).then(|| version.to_string());
                let (end_incl, end_excl) = match end {
                    Some(b) if b.inclusive => (Some(b.version), None),
                    Some(b) => (None, Some(b.version)),
                    None => (None, None),
                };
                for (i, cpe) in cpes.iter().enumerate() {
                    used[i] = true;
                    if let (Some(cv), Some(start)) = (cpe.version.as_deref(), &start)
                        && !matches!(cv, "*" | "-")
                        && cv != start
                    {
                        cx.warn(format!(
                            "{label}: {} names version {cv} but the range starts at {start}; CPE version widened to *",
                            cpe.text
                        ));
                    }
                    let m = cpe_match(cpe.any.clone(), start.clone(), end_incl.clone(), end_excl.clone());
                    matches.add(status, m);
                }
            }
            None if version == "*" => {
                for (i, cpe) in cpes.iter().enumerate() {
                    used[i] = true;
                    matches.add(status, cpe_match(cpe.any.clone(), None, None, None));
                }
            }
            None if is_open_start(version) => {
                cx.warn(format!("{label}: version `{version}` without an upper bound; CPEs kept as published"));
                for (i, cpe) in cpes.iter().enumerate() {
                    used[i] = true;
                    matches.add(status, cpe_match(cpe.text.to_string(), None, None, None));
                }
            }
            None => {
                // An exact version: the CPEs that name it, else the version-less ones bounded to it.
                if let Some(named) = naming.get(&version.to_ascii_lowercase()) {
                    for &i in named {
                        used[i] = true;
                        matches.add(status, cpe_match(cpes[i].text.to_string(), None, None, None));
                    }
                    continue;
                }
                let all: Vec<usize>;
                let targets = if versionless.is_empty() {
                    cx.warn(format!("{label}: no CPE names version {version}; bounded every CPE to it"));
                    all = (0..cpes.len()).collect();
                    &all
                } else {
                    &versionless
                };
                for &i in targets {
                    used[i] = true;
                    let exact = Some(version.to_string());
                    matches.add(status, cpe_match(cpes[i].any.clone(), exact.clone(), exact, None));
                }
            }
        }
    }

    if entry.versions.is_empty() {
        match status(entry.default_status.as_deref(), cx, &label) {
            Some(status) => {
                for (i, cpe) in cpes.iter().enumerate() {
                    used[i] = true;
                    matches.add(status, cpe_match(cpe.text.to_string(), None, None, None));
                }
            }
            None => used.iter_mut().for_each(|u| *u = true),
        }
    } else if entry.default_status.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case("affected")) {
        cx.warn(format!("{label}: defaultStatus `affected` beside CPEs ignored; only the listed versions are kept"));
    }
    if matches.by_status.contains_key(&ProductStatus::Affected) {
        for (i, cpe) in cpes.iter().enumerate() {
            if !used[i] {
                cx.warn(format!("{label}: {} matches none of the listed versions; kept as published", cpe.text));
                matches.add(ProductStatus::Affected, cpe_match(cpe.text.to_string(), None, None, None));
            }
        }
    }

    for (status, matches) in matches.by_status {
        out.push(AffectedStatement {
            vulnerability: cx.cve.to_string(),
            target: Target::Configuration {
                configuration: Configuration {
                    operator: Operator::Or,
                    negate: false,
                    nodes: vec![ConfigNode { operator: Operator::Or, negate: false, matches, children: Vec::new() }],
                },
            },
            status,
            justification: None,
            detail: None,
        });
    }
}

/// One CPE of an ADP entry, split once.
struct Cpe<'a> {
    text: &'a str,
    /// Its version component (`None` when it is not a CPE 2.3 formatted string).
    version: Option<String>,
    /// The CPE with its version component set to `*`, so that bounds decide; as published (with
    /// a warning) when it is not a CPE 2.3 formatted string.
    any: String,
}

impl<'a> Cpe<'a> {
    fn new(text: &'a str, cx: &mut Context, label: &str) -> Cpe<'a> {
        match cpe_parts(text) {
            Some(mut parts) => {
                let version = Some(parts[5].to_string());
                parts[5] = "*";
                Cpe { text, version, any: parts.join(":") }
            }
            None => {
                cx.warn(format!("{label}: `{text}` is not a CPE 2.3 formatted string; kept as published"));
                Cpe { text, version: None, any: text.to_string() }
            }
        }
    }
}

/// CPE matches per status, each once, in the order first seen.
#[derive(Default)]
struct Matches {
    by_status: BTreeMap<ProductStatus, Vec<CpeMatch>>,
    seen: HashSet<(ProductStatus, String)>,
}

impl Matches {
    fn add(&mut self, status: ProductStatus, m: CpeMatch) {
        let key = format!(
            "{}|{:?}|{:?}|{:?}|{:?}",
            m.criteria,
            m.version_start_including,
            m.version_start_excluding,
            m.version_end_including,
            m.version_end_excluding
        );
        if self.seen.insert((status, key)) {
            self.by_status.entry(status).or_default().push(m);
        }
    }
}

fn cpe_match(
    criteria: String,
    start_incl: Option<String>,
    end_incl: Option<String>,
    end_excl: Option<String>,
) -> CpeMatch {
    CpeMatch {
        vulnerable: true,
        criteria,
        version_start_including: start_incl,
        version_start_excluding: None,
        version_end_including: end_incl,
        version_end_excluding: end_excl,
        match_criteria_id: None,
    }
}

/// The components of a CPE 2.3 formatted string, split at unescaped colons (both ASCII, so a
/// byte scan is safe in UTF-8).
fn cpe_parts(cpe: &str) -> Option<Vec<&str>> {
    if !cpe.starts_with("cpe:2.3:") {
        return None;
    }
    let mut parts = Vec::with_capacity(13);
    let mut begin = 0;
    let mut escaped = false;
    for (i, b) in cpe.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b':' => {
                parts.push(cpe.get(begin..i)?);
                begin = i + 1;
            }
            _ => {}
        }
    }
    parts.push(cpe.get(begin..)?);
    (parts.len() == 13).then_some(parts)
}

// ---------------------------------------------------------------------------------------------

/// Trimmed, `None` when empty.
fn text(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn is_cve_id(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    parts.next() == Some("CVE")
        && parts.next().is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts.next().is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

fn invalid(file: &str, place: &str, message: &str) -> IntelError {
    IntelError::Invalid { file: file.to_string(), place: place.to_string(), message: message.to_string() }
}

/// A serde_json error at the line and column it reports.
fn json_error(file: &str, e: &serde_json::Error) -> IntelError {
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    IntelError::Invalid { file: file.to_string(), place: format!("line {} column {}", e.line(), e.column()), message }
}
