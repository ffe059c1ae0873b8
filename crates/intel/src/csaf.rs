//! CSAF 2.0 reader: one document (`csaf_security_advisory`, `csaf_vex`, `csaf_base`; CSAF 2.1
//! documents read on a best-effort basis) becomes one [`Advisory`] with an affected statement per
//! product and product status, the remediations with their products resolved, CVSS vectors, CWEs
//! and references.
//!
//! # Product tree
//! Branches are walked recursively, accumulating `vendor`, `product_family` (nested families are
//! joined with ` / `), `product_name` (the innermost wins) and the version: `product_version` →
//! [`VersionSpec::Exact`] (unless it plainly holds a range, see [`quality::normalise_version`]),
//! `product_version_range` → [`quality::normalise_range`]; `service_pack` / `patch_level` extend an
//! exact version (`V14` + `SP1` → `V14 SP1`). `architecture`, `language`, `host_name`,
//! `specification` and `legacy` do not change the neutral name (the leaf's cpe/purl carry them).
//! A leaf with no `product_name` above it is named by its full product name. A product with no
//! version in its branch path is [`VersionSpec::All`] unless its purl carries `@version`.
//! `full_product_names[]` are products named only by their full name.
//!
//! **Relationships** (`installed_on`, `default_component_of`, …) define a product that names both
//! sides: `product` is `"<component> <category in words> <platform>"` (e.g. `P3 Firmware installed
//! on D24M`), the versions are the component's (the thing the relationship is about), vendor,
//! family, cpe and purl are the component's falling back to the platform's, and model numbers and
//! SKUs are the union (the platform's hardware order numbers identify the asset). A platform with a
//! version is named with it (`… installed on HMI V2.0`). Relationships may chain.
//!
//! # Statuses
//! `known_affected`, `first_affected`, `last_affected` → Affected; `known_not_affected` →
//! NotAffected with the justification from a `flags[].label` naming the product (directly or via a
//! product group) and the `threats[]` of category `impact` as detail; `fixed`, `first_fixed` →
//! Fixed; `under_investigation` → UnderInvestigation; `recommended` is skipped. CSAF 2.1 `unknown`
//! is read as UnderInvestigation with a warning (never as not affected).
//!
//! # What is rejected
//! Only what the reader relies on, with the rule and the JSON path: no `document`, no
//! `document.category`, no `document.tracking.id`; a product id in `product_status` or in a
//! relationship / product path that is not defined (CSAF 6.1.1) — a status about an unknown
//! product cannot be stated; a product id defined twice differently (6.1.2); a circular
//! relationship or product path (6.1.3); a group id defined twice (6.1.5); a product definition
//! without `product_id`; a relationship without its references. Malformed JSON, or a field of the
//! wrong type, is rejected with its line and column.
//!
//! Kept, with a warning naming the rule and path: an undefined product id (6.1.1) or group id
//! (6.1.4) in `product_groups`, `remediations`, `flags`, `threats`, `scores` / `metrics` (the
//! reference is skipped; real Red Hat advisories have these); a product id defined repeatedly with
//! identical content (Red Hat VEX repeats whole branches) is read once; contradicting statuses
//! (6.1.6) keep both statements, so the matcher sees both and errs towards affected. References
//! the reader does not use (CSAF 2.1 `involvements`, `ids[].product_ids`) are not checked.
//!
//! This module never compares versions and never reads files: bytes in, records out.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use model::advisory::{
    Advisory, AdvisoryKind, AffectedStatement, CvssVector, IntelRecord, Justification, ProductName, ProductStatus,
    Reference, Remediation, RemediationKind, Source, Target, VersionSpec,
};

use crate::{DocumentInfo, IntelError, ReadSummary, Sink};

pub(crate) mod json;
pub mod quality;

/// Reads one CSAF document and hands one [`Advisory`] to the sink.
pub fn read<R: Read>(r: R, doc: &DocumentInfo, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let bytes = read_all(r, doc)?;
    let csaf: json::Csaf = parse_json(&bytes, doc)?;
    let advisory = convert(&csaf, doc)?;
    let warnings = advisory.warnings.clone();
    sink(IntelRecord::Advisory(Box::new(advisory)))?;
    Ok(ReadSummary { records: 1, warnings })
}

/// The whole stream: one CSAF / VEX document is one JSON value.
pub(crate) fn read_all<R: Read>(mut r: R, doc: &DocumentInfo) -> Result<Vec<u8>, IntelError> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|source| IntelError::Read { file: doc.file.clone(), source })?;
    Ok(bytes)
}

/// Deserialises with serde; a syntax or type error names its line and column.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], doc: &DocumentInfo) -> Result<T, IntelError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let full = e.to_string();
        let message = match full.rsplit_once(" at line ") {
            Some((m, _)) => m.to_string(),
            None => full,
        };
        IntelError::Invalid {
            file: doc.file.clone(),
            place: format!("line {}, column {}", e.line(), e.column()),
            message: format!("not a readable JSON document: {message}"),
        }
    })
}

pub(crate) fn invalid(doc: &DocumentInfo, place: impl Into<String>, message: impl Into<String>) -> IntelError {
    IntelError::Invalid { file: doc.file.clone(), place: place.into(), message: message.into() }
}

/// A defined product: its neutral name and the versions it stands for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NamedProduct {
    pub(crate) name: ProductName,
    pub(crate) versions: VersionSpec,
}

/// Branch-walk state: what the branches above a leaf said.
#[derive(Debug, Clone, Default)]
struct Ctx {
    vendor: Option<String>,
    family: Option<String>,
    product: Option<String>,
    version: Option<VersionSpec>,
    names: Vec<String>,
}

struct Reader<'a> {
    doc: &'a DocumentInfo,
    products: HashMap<&'a str, NamedProduct>,
    groups: HashMap<&'a str, Vec<&'a str>>,
    /// Product ids defined more than once with identical content, and where first repeated.
    identical_duplicates: Vec<(&'a str, String)>,
    warnings: Vec<String>,
}

fn convert(csaf: &json::Csaf, doc: &DocumentInfo) -> Result<Advisory, IntelError> {
    let document = csaf.document.as_ref().ok_or_else(|| {
        invalid(doc, "$.document", "CSAF schema: required property `document` is missing (is this a CSAF document?)")
    })?;
    let category = nonempty(&document.category).ok_or_else(|| {
        invalid(doc, "$.document.category", "CSAF schema: required property `document.category` is missing")
    })?;
    let tracking = document.tracking.as_ref().ok_or_else(|| {
        invalid(doc, "$.document.tracking", "CSAF schema: required property `document.tracking` is missing")
    })?;
    let tracking_id = nonempty(&tracking.id).ok_or_else(|| {
        invalid(
            doc,
            "$.document.tracking.id",
            "CSAF schema: required property `document.tracking.id` is missing or empty; the advisory has no id",
        )
    })?;
    let publisher = document.publisher.as_ref().and_then(|p| nonempty(&p.name)).map(str::to_string);

    let mut reader = Reader {
        doc,
        products: HashMap::new(),
        groups: HashMap::new(),
        identical_duplicates: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(tree) = &csaf.product_tree {
        reader.product_tree(tree)?;
    }

    let mut advisory = Advisory {
        id: tracking_id.trim().to_uppercase(),
        kind: if category == "csaf_vex" { AdvisoryKind::Vex } else { AdvisoryKind::VendorAdvisory },
        aliases: Vec::new(),
        title: nonempty(&document.title).map(str::to_string),
        description: notes_text(&document.notes),
        cwes: Vec::new(),
        published: nonempty(&tracking.initial_release_date).map(str::to_string),
        modified: nonempty(&tracking.current_release_date).map(str::to_string),
        rejected: false,
        cvss: Vec::new(),
        affected: Vec::new(),
        remediations: Vec::new(),
        references: Vec::new(),
        warnings: Vec::new(),
        provenance: doc.provenance(Source::Csaf, tracking_id, tracking.version.as_ref().map(|t| t.0.clone())),
    };
    let mut seen_refs = HashSet::new();
    push_references(&mut advisory.references, &mut seen_refs, &document.references);

    for (vi, v) in csaf.vulnerabilities.iter().enumerate() {
        reader.vulnerability(vi, v, tracking_id, publisher.as_deref(), &mut advisory, &mut seen_refs)?;
    }
    advisory.warnings = reader.warnings;
    Ok(advisory)
}

impl<'a> Reader<'a> {
    fn product_tree(&mut self, tree: &'a json::ProductTree) -> Result<(), IntelError> {
        self.branches(&tree.branches, &Ctx::default(), "$.product_tree")?;
        for (i, fpn) in tree.full_product_names.iter().enumerate() {
            let path = format!("$.product_tree.full_product_names[{i}]");
            let product = leaf_product(&Ctx::default(), fpn);
            self.define(fpn, product, &path)?;
        }
        self.relationships(tree)?;
        if let Some((pid, path)) = self.identical_duplicates.first() {
            self.warnings.push(format!(
                "{path}: CSAF 6.1.2 (Multiple Definition of Product ID): {} product id(s) defined more than once, \
                 identically (first `{pid}`); each read once",
                self.identical_duplicates.len()
            ));
        }
        for (i, g) in tree.product_groups.iter().enumerate() {
            let path = format!("$.product_tree.product_groups[{i}]");
            let gid = nonempty(&g.group_id).ok_or_else(|| {
                invalid(self.doc, format!("{path}.group_id"), "CSAF schema: product group without `group_id`")
            })?;
            let mut ids = Vec::new();
            for (j, pid) in g.product_ids.iter().enumerate() {
                if self.products.contains_key(pid.as_str()) {
                    ids.push(pid.as_str());
                } else {
                    self.warnings.push(undefined_product_note(&format!("{path}.product_ids[{j}]"), pid));
                }
            }
            if self.groups.insert(gid, ids).is_some() {
                return Err(invalid(
                    self.doc,
                    format!("{path}.group_id"),
                    format!("CSAF 6.1.5 (Multiple Definition of Product Group ID): `{gid}` is defined more than once"),
                ));
            }
        }
        Ok(())
    }

    fn branches(&mut self, branches: &'a [json::Branch], ctx: &Ctx, path: &str) -> Result<(), IntelError> {
        for (i, b) in branches.iter().enumerate() {
            let path = format!("{path}.branches[{i}]");
            let mut ctx = ctx.clone();
            let name = b.name.as_deref().unwrap_or("").trim();
            ctx.names.push(name.to_string());
            match b.category.as_deref().unwrap_or("") {
                "vendor" => ctx.vendor = Some(name.to_string()),
                "product_family" => {
                    ctx.family = Some(match ctx.family.take() {
                        Some(f) => format!("{f} / {name}"),
                        None => name.to_string(),
                    });
                }
                "product_name" => ctx.product = Some(name.to_string()),
                "product_version" => {
                    let raw = b.name.as_deref().unwrap_or("");
                    let (spec, warning) = quality::normalise_version(raw);
                    self.branch_warning(&path, &ctx, warning);
                    ctx.version = Some(spec);
                }
                "product_version_range" => {
                    let raw = b.name.as_deref().unwrap_or("");
                    let (spec, warning) = quality::normalise_range(raw);
                    self.branch_warning(&path, &ctx, warning);
                    ctx.version = Some(spec);
                }
                "service_pack" | "patch_level" => {
                    ctx.version = Some(match ctx.version.take() {
                        Some(VersionSpec::Exact { version }) => {
                            VersionSpec::Exact { version: format!("{version} {name}") }
                        }
                        None => VersionSpec::Exact { version: name.to_string() },
                        Some(other) => other,
                    });
                }
                _ => {}
            }
            if let Some(fpn) = &b.product {
                let product = leaf_product(&ctx, fpn);
                self.define(fpn, product, &format!("{path}.product"))?;
            }
            self.branches(&b.branches, &ctx, &path)?;
        }
        Ok(())
    }

    fn branch_warning(&mut self, path: &str, ctx: &Ctx, warning: Option<String>) {
        if let Some(w) = warning {
            self.warnings.push(format!("{path} ({}): {w}", ctx.names.join(" / ")));
        }
    }

    fn define(&mut self, fpn: &'a json::FullProductName, product: NamedProduct, path: &str) -> Result<(), IntelError> {
        let pid = nonempty(&fpn.product_id).ok_or_else(|| {
            invalid(self.doc, format!("{path}.product_id"), "CSAF schema: product definition without `product_id`")
        })?;
        match self.products.get(pid) {
            None => {
                self.products.insert(pid, product);
            }
            // Real feeds (Red Hat VEX) repeat whole branches; an identical repeat is harmless.
            Some(existing) if *existing == product => {
                self.identical_duplicates.push((pid, format!("{path}.product_id")));
            }
            Some(_) => {
                return Err(invalid(
                    self.doc,
                    format!("{path}.product_id"),
                    format!(
                        "CSAF 6.1.2 (Multiple Definition of Product ID): `{pid}` is defined more than once, differently"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Relationships (2.0) and product paths (2.1): products defined in terms of others.
    fn relationships(&mut self, tree: &'a json::ProductTree) -> Result<(), IntelError> {
        /// `start`, then `(category, next)` steps; each reference with its JSON path.
        struct Pending<'r> {
            path: String,
            start: (&'r str, String),
            steps: Vec<(&'r str, &'r str, String)>,
            fpn: &'r json::FullProductName,
        }
        let mut pending = Vec::new();
        for (i, r) in tree.relationships.iter().enumerate() {
            let path = format!("$.product_tree.relationships[{i}]");
            let missing = |field: &str| {
                invalid(self.doc, format!("{path}.{field}"), format!("CSAF schema: relationship without `{field}`"))
            };
            let component = nonempty(&r.product_reference).ok_or_else(|| missing("product_reference"))?;
            let platform =
                nonempty(&r.relates_to_product_reference).ok_or_else(|| missing("relates_to_product_reference"))?;
            let fpn = r.full_product_name.as_ref().ok_or_else(|| missing("full_product_name"))?;
            let category = r.category.as_deref().unwrap_or("relates_to");
            pending.push(Pending {
                start: (component, format!("{path}.product_reference")),
                steps: vec![(category, platform, format!("{path}.relates_to_product_reference"))],
                path,
                fpn,
            });
        }
        for (i, pp) in tree.product_paths.iter().enumerate() {
            let path = format!("$.product_tree.product_paths[{i}]");
            let missing = |field: &str| {
                invalid(self.doc, format!("{path}.{field}"), format!("CSAF schema: product path without `{field}`"))
            };
            let start =
                nonempty(&pp.beginning_product_reference).ok_or_else(|| missing("beginning_product_reference"))?;
            let fpn = pp.full_product_name.as_ref().ok_or_else(|| missing("full_product_name"))?;
            if pp.subpaths.is_empty() {
                return Err(missing("subpaths"));
            }
            let mut steps = Vec::new();
            for (k, sp) in pp.subpaths.iter().enumerate() {
                let field = format!("subpaths[{k}].next_product_reference");
                let next = nonempty(&sp.next_product_reference).ok_or_else(|| missing(&field))?;
                steps.push((sp.category.as_deref().unwrap_or("relates_to"), next, format!("{path}.{field}")));
            }
            pending.push(Pending { start: (start, format!("{path}.beginning_product_reference")), steps, path, fpn });
        }
        for p in &pending {
            let own = nonempty(&p.fpn.product_id).ok_or_else(|| {
                invalid(
                    self.doc,
                    format!("{}.full_product_name.product_id", p.path),
                    "CSAF schema: product definition without `product_id`",
                )
            })?;
            if p.start.0 == own || p.steps.iter().any(|s| s.1 == own) {
                return Err(invalid(
                    self.doc,
                    format!("{}.full_product_name.product_id", p.path),
                    format!("CSAF 6.1.3 (Circular Definition of Product ID): `{own}` is defined in terms of itself"),
                ));
            }
        }
        let defined_later: HashSet<&str> = pending.iter().filter_map(|p| p.fpn.product_id.as_deref()).collect();
        // Chains resolve over several passes; what never resolves is undefined or circular.
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for p in pending {
                let ready =
                    self.products.contains_key(p.start.0) && p.steps.iter().all(|s| self.products.contains_key(s.1));
                if !ready {
                    rest.push(p);
                    continue;
                }
                let Some(first) = self.products.get(p.start.0) else { continue };
                let mut current = first.clone();
                for (category, next, _) in &p.steps {
                    let Some(platform) = self.products.get(next) else { continue };
                    let (name, versions) = compose_names(&current, category, platform);
                    current = NamedProduct { name, versions };
                }
                self.define(p.fpn, current, &format!("{}.full_product_name", p.path))?;
            }
            if rest.len() == before {
                for p in &rest {
                    let refs = std::iter::once((p.start.0, &p.start.1)).chain(p.steps.iter().map(|s| (s.1, &s.2)));
                    for (id, path) in refs {
                        if !self.products.contains_key(id) && !defined_later.contains(id) {
                            return Err(undefined_product(self.doc, path, id));
                        }
                    }
                }
                return Err(invalid(
                    self.doc,
                    rest.first().map_or_else(|| "$.product_tree".to_string(), |p| p.path.clone()),
                    "CSAF 6.1.3 (Circular Definition of Product ID): product definitions refer to each other in a cycle",
                ));
            }
            pending = rest;
        }
        Ok(())
    }

    fn check_product(&self, pid: &str, path: &str) -> Result<(), IntelError> {
        if self.products.contains_key(pid) { Ok(()) } else { Err(undefined_product(self.doc, path, pid)) }
    }

    /// Product ids and the members of group ids, deduplicated, in order. An undefined id here
    /// (a remediation, flag, threat) loses only that reference: it is skipped with a warning.
    fn expand(&mut self, product_ids: &'a [String], group_ids: &'a [String], path: &str) -> Vec<&'a str> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (j, pid) in product_ids.iter().enumerate() {
            if !self.products.contains_key(pid.as_str()) {
                self.warnings.push(undefined_product_note(&format!("{path}.product_ids[{j}]"), pid));
                continue;
            }
            if seen.insert(pid.as_str()) {
                out.push(pid.as_str());
            }
        }
        for (j, gid) in group_ids.iter().enumerate() {
            let Some(members) = self.groups.get(gid.as_str()) else {
                self.warnings.push(format!(
                    "{path}.group_ids[{j}]: CSAF 6.1.4 (Missing Definition of Product Group ID): `{gid}` is not defined \
                     in the product tree; reference skipped"
                ));
                continue;
            };
            for &pid in members {
                if seen.insert(pid) {
                    out.push(pid);
                }
            }
        }
        out
    }

    fn names(&self, ids: &[&str]) -> Vec<ProductName> {
        ids.iter().filter_map(|id| self.products.get(id)).map(|p| p.name.clone()).collect()
    }

    fn vulnerability(
        &mut self,
        vi: usize,
        v: &'a json::Vulnerability,
        tracking_id: &str,
        publisher: Option<&str>,
        advisory: &mut Advisory,
        seen_refs: &mut HashSet<String>,
    ) -> Result<(), IntelError> {
        let path = format!("$.vulnerabilities[{vi}]");
        let cve = nonempty(&v.cve).map(str::trim);
        let first_id = v.ids.iter().find_map(|i| nonempty(&i.text)).map(str::trim);
        let vuln = cve.or(first_id).unwrap_or(tracking_id).to_string();
        for alias in cve.into_iter().chain(v.ids.iter().filter_map(|i| nonempty(&i.text)).map(str::trim)) {
            push_unique(&mut advisory.aliases, alias);
        }
        for cwe in v.cwe.iter().chain(&v.cwes) {
            if let Some(id) = nonempty(&cwe.id) {
                push_unique(&mut advisory.cwes, id.trim());
            }
        }

        // Justifications and impact statements by product.
        let mut justification: HashMap<&str, Justification> = HashMap::new();
        for (fi, f) in v.flags.iter().enumerate() {
            let fpath = format!("{path}.flags[{fi}]");
            let ids = self.expand(&f.product_ids, &f.group_ids, &fpath);
            let label = f.label.as_deref().unwrap_or("");
            match justification_label(label) {
                Some(j) => {
                    for id in ids {
                        justification.entry(id).or_insert(j);
                    }
                }
                None => self.warnings.push(format!("{fpath}.label: unknown VEX justification `{label}`; ignored")),
            }
        }
        let mut impact: HashMap<&str, &str> = HashMap::new();
        let mut impact_all: Option<&str> = None;
        for (ti, t) in v.threats.iter().enumerate() {
            let ids = self.expand(&t.product_ids, &t.group_ids, &format!("{path}.threats[{ti}]"));
            if t.category.as_deref() != Some("impact") {
                continue;
            }
            let Some(details) = nonempty(&t.details) else { continue };
            if ids.is_empty() {
                impact_all.get_or_insert(details);
            }
            for id in ids {
                impact.entry(id).or_insert(details);
            }
        }

        if let Some(ps) = &v.product_status {
            let lists: [(&str, &'a [String], Option<ProductStatus>); 9] = [
                ("known_affected", &ps.known_affected, Some(ProductStatus::Affected)),
                ("first_affected", &ps.first_affected, Some(ProductStatus::Affected)),
                ("last_affected", &ps.last_affected, Some(ProductStatus::Affected)),
                ("known_not_affected", &ps.known_not_affected, Some(ProductStatus::NotAffected)),
                ("fixed", &ps.fixed, Some(ProductStatus::Fixed)),
                ("first_fixed", &ps.first_fixed, Some(ProductStatus::Fixed)),
                ("under_investigation", &ps.under_investigation, Some(ProductStatus::UnderInvestigation)),
                ("unknown", &ps.unknown, Some(ProductStatus::UnderInvestigation)),
                ("recommended", &ps.recommended, None),
            ];
            let mut status_of: HashMap<&str, ProductStatus> = HashMap::new();
            for (key, ids, status) in lists {
                for (j, pid) in ids.iter().enumerate() {
                    let ppath = format!("{path}.product_status.{key}[{j}]");
                    self.check_product(pid, &ppath)?;
                    let Some(status) = status else { continue };
                    match status_of.get(pid.as_str()) {
                        Some(prev) if *prev == status => continue,
                        Some(prev) => self.warnings.push(format!(
                            "{ppath}: CSAF 6.1.6 (Contradicting Product Status): `{pid}` is also {prev:?} for {vuln}; both statements kept"
                        )),
                        None => {
                            status_of.insert(pid.as_str(), status);
                        }
                    }
                    if key == "unknown" {
                        self.warnings.push(format!(
                            "{ppath}: CSAF 2.1 status `unknown` for `{pid}` read as under investigation"
                        ));
                    }
                    let Some(product) = self.products.get(pid.as_str()) else { continue };
                    let (justification, detail) = if status == ProductStatus::NotAffected {
                        (
                            justification.get(pid.as_str()).copied(),
                            impact.get(pid.as_str()).copied().or(impact_all).map(str::to_string),
                        )
                    } else {
                        (None, None)
                    };
                    advisory.affected.push(AffectedStatement {
                        vulnerability: vuln.clone(),
                        target: Target::Product { product: product.name.clone(), versions: product.versions.clone() },
                        status,
                        justification,
                        detail,
                    });
                }
            }
        }

        for (ri, r) in v.remediations.iter().enumerate() {
            let rpath = format!("{path}.remediations[{ri}]");
            let ids = self.expand(&r.product_ids, &r.group_ids, &rpath);
            let category = r.category.as_deref().unwrap_or("");
            let Some(kind) = remediation_kind(category) else {
                self.warnings
                    .push(format!("{rpath}.category: remediation category `{category}` not supported; skipped"));
                continue;
            };
            if ids.is_empty() {
                self.warnings.push(format!("{rpath}: remediation names no product; kept without products"));
            }
            let details = r.details.clone().unwrap_or_default();
            let fixed_version =
                if kind == RemediationKind::VendorFix { quality::fixed_version(&details) } else { None };
            advisory.remediations.push(Remediation {
                vulnerability: vuln.clone(),
                kind,
                products: self.names(&ids),
                fixed_version,
                url: nonempty(&r.url).map(str::to_string),
                date: nonempty(&r.date).map(str::to_string),
                restart_required: r.restart_required.as_ref().and_then(|x| nonempty(&x.category)).map(str::to_string),
                details,
            });
        }

        for (si, s) in v.scores.iter().enumerate() {
            self.expand(&s.products, &[], &format!("{path}.scores[{si}]"));
            for cvss in [&s.cvss_v3, &s.cvss_v2].into_iter().flatten() {
                push_cvss(&mut advisory.cvss, cvss, publisher, &vuln);
            }
        }
        for (mi, m) in v.metrics.iter().enumerate() {
            self.expand(&m.products, &[], &format!("{path}.metrics[{mi}]"));
            if let Some(c) = &m.content {
                for cvss in [&c.cvss_v4, &c.cvss_v3, &c.cvss_v2].into_iter().flatten() {
                    push_cvss(&mut advisory.cvss, cvss, publisher, &vuln);
                }
            }
        }
        push_references(&mut advisory.references, seen_refs, &v.references);
        Ok(())
    }
}

fn undefined_product_note(path: &str, pid: &str) -> String {
    format!(
        "{path}: CSAF 6.1.1 (Missing Definition of Product ID): `{pid}` is not defined in the product tree; reference skipped"
    )
}

fn undefined_product(doc: &DocumentInfo, path: &str, pid: &str) -> IntelError {
    invalid(
        doc,
        path,
        format!("CSAF 6.1.1 (Missing Definition of Product ID): `{pid}` is not defined in the product tree"),
    )
}

fn leaf_product(ctx: &Ctx, fpn: &json::FullProductName) -> NamedProduct {
    let helper = fpn.product_identification_helper.as_ref();
    let purl =
        helper.and_then(|h| nonempty(&h.purl).or_else(|| h.purls.first().map(String::as_str))).map(str::to_string);
    let versions = match &ctx.version {
        Some(v) => v.clone(),
        None => match purl.as_deref().and_then(purl_version) {
            Some(version) => VersionSpec::Exact { version },
            None => VersionSpec::All,
        },
    };
    let name = ProductName {
        vendor: ctx.vendor.clone(),
        family: ctx.family.clone(),
        product: ctx.product.clone().or_else(|| nonempty(&fpn.name).map(str::to_string)),
        model_numbers: helper.map(|h| h.model_numbers.clone()).unwrap_or_default(),
        skus: helper.map(|h| h.skus.clone()).unwrap_or_default(),
        cpe: helper.and_then(|h| nonempty(&h.cpe)).map(str::to_string),
        purl,
    };
    NamedProduct { name, versions }
}

/// A relationship's product, naming both sides: see the module documentation.
pub(crate) fn compose_names(
    component: &NamedProduct,
    category: &str,
    platform: &NamedProduct,
) -> (ProductName, VersionSpec) {
    let c = &component.name;
    let p = &platform.name;
    let platform_text = {
        let base = p.product.clone().unwrap_or_else(|| "?".to_string());
        match &platform.versions {
            VersionSpec::All => base,
            VersionSpec::Exact { version } => format!("{base} {version}"),
            other => format!("{base} ({})", quality::describe(other)),
        }
    };
    let mut model_numbers = c.model_numbers.clone();
    for m in &p.model_numbers {
        push_unique(&mut model_numbers, m);
    }
    let mut skus = c.skus.clone();
    for s in &p.skus {
        push_unique(&mut skus, s);
    }
    let name = ProductName {
        vendor: c.vendor.clone().or_else(|| p.vendor.clone()),
        family: c.family.clone().or_else(|| p.family.clone()),
        product: Some(format!(
            "{} {} {}",
            c.product.as_deref().unwrap_or("?"),
            category.replace('_', " "),
            platform_text
        )),
        model_numbers,
        skus,
        cpe: c.cpe.clone().or_else(|| p.cpe.clone()),
        purl: c.purl.clone().or_else(|| p.purl.clone()),
    };
    (name, component.versions.clone())
}

/// `pkg:type/ns/name@1.2.3?q#s` → `1.2.3` (percent-decoded for `%3A` and `%2B` and the like).
pub(crate) fn purl_version(purl: &str) -> Option<String> {
    let body = purl.split(['?', '#']).next()?;
    let (_, version) = body.rsplit_once('@')?;
    if version.is_empty() { None } else { Some(percent_decode(version)) }
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn justification_label(label: &str) -> Option<Justification> {
    Some(match label {
        "component_not_present" => Justification::ComponentNotPresent,
        "vulnerable_code_not_present" => Justification::VulnerableCodeNotPresent,
        "vulnerable_code_not_in_execute_path" => Justification::VulnerableCodeNotInExecutePath,
        "vulnerable_code_cannot_be_controlled_by_adversary" => {
            Justification::VulnerableCodeCannotBeControlledByAdversary
        }
        "inline_mitigations_already_exist" => Justification::InlineMitigationsAlreadyExist,
        _ => return None,
    })
}

/// OpenVEX uses the CSAF labels.
pub(crate) fn justification_from_label(label: &str) -> Option<Justification> {
    justification_label(label)
}

fn remediation_kind(category: &str) -> Option<RemediationKind> {
    Some(match category {
        "vendor_fix" => RemediationKind::VendorFix,
        "mitigation" => RemediationKind::Mitigation,
        "workaround" => RemediationKind::Workaround,
        "none_available" => RemediationKind::NoneAvailable,
        "no_fix_planned" => RemediationKind::NoFixPlanned,
        _ => return None,
    })
}

/// A score of one of the document's vulnerabilities, kept once per vulnerability and vector.
fn push_cvss(out: &mut Vec<CvssVector>, cvss: &json::Cvss, publisher: Option<&str>, vulnerability: &str) {
    let Some(vector) = nonempty(&cvss.vector_string) else { return };
    if out.iter().any(|c| c.vector == vector && c.vulnerability.as_deref() == Some(vulnerability)) {
        return;
    }
    out.push(CvssVector {
        vector: vector.to_string(),
        scored_by: publisher.map(str::to_string),
        published_score: cvss.base_score.as_ref().map(ToString::to_string),
        vulnerability: Some(vulnerability.to_string()),
    });
}

fn push_references(out: &mut Vec<Reference>, seen: &mut HashSet<String>, refs: &[json::Reference]) {
    for r in refs {
        let Some(url) = nonempty(&r.url) else { continue };
        if seen.insert(url.to_string()) {
            out.push(Reference { url: url.to_string(), tags: r.category.iter().cloned().collect() });
        }
    }
}

/// Document notes of category `summary` or `description`, in order.
fn notes_text(notes: &[json::Note]) -> Option<String> {
    let texts: Vec<&str> = notes
        .iter()
        .filter(|n| matches!(n.category.as_deref(), Some("summary" | "description")))
        .filter_map(|n| nonempty(&n.text))
        .collect();
    if texts.is_empty() { None } else { Some(texts.join("\n\n")) }
}

pub(crate) fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

pub(crate) fn push_unique(out: &mut Vec<String>, s: &str) {
    if !out.iter().any(|x| x == s) {
        out.push(s.to_string());
    }
}
