//! The item structures of both NVD formats, read leniently (see [`super::lenient`]), and their
//! conversion to the neutral parts of an advisory.
//!
//! The two formats share the leaf shapes (`{url, tags}` references, CPE match criteria, CVSS
//! data, `{lang, value}` texts), so one structure reads both spellings of a member
//! (`cpe23Uri` / `criteria`, `cpe_match` / `cpeMatch`).

use model::advisory::{ConfigNode, Configuration, CpeMatch, CvssVector, Operator, Reference};
use serde::de::MapAccess;

use super::lenient::{Arr, CvssData, LangString, Lenient, Obj, Op, Score, Seg, Trail, english, non_empty};

/// What one CVE item yields before provenance is attached.
#[derive(Debug, Default)]
pub(super) struct Parts {
    pub(super) id: String,
    pub(super) description: Option<String>,
    pub(super) cwes: Vec<String>,
    pub(super) published: Option<String>,
    pub(super) modified: Option<String>,
    pub(super) rejected: bool,
    pub(super) cvss: Vec<CvssVector>,
    pub(super) references: Vec<Reference>,
    pub(super) configurations: Vec<Configuration>,
    pub(super) warnings: Vec<String>,
}

/// An item without a CVE id: the path of the id (below the item) that is missing.
#[derive(Debug)]
pub(super) struct MissingId(pub(super) &'static [Seg]);

// ---------------------------------------------------------------------------------------------
// Shared leaves

/// A reference: `{url, tags}` (1.1 `reference_data[]`, 2.0 `references[]`).
#[derive(Debug, Default)]
pub(super) struct RawRef {
    url: Option<String>,
    tags: Option<Vec<String>>,
}

impl Lenient for RawRef {
    const KEYS: &'static [&'static str] = &["url", "tags"];
    const EXPECTING: &'static str = "a reference object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, _: &mut Trail) -> Result<(), A::Error> {
        match key {
            "url" => self.url = map.next_value()?,
            _ => self.tags = map.next_value()?,
        }
        Ok(())
    }
}

/// A CPE match criterion (1.1 `cpe_match[]` with `cpe23Uri`, 2.0 `cpeMatch[]` with `criteria`).
#[derive(Debug, Default)]
pub(super) struct RawMatch {
    vulnerable: Option<bool>,
    criteria: Option<String>,
    start_including: Option<String>,
    start_excluding: Option<String>,
    end_including: Option<String>,
    end_excluding: Option<String>,
    match_criteria_id: Option<String>,
}

impl Lenient for RawMatch {
    const KEYS: &'static [&'static str] = &[
        "vulnerable",
        "cpe23Uri",
        "criteria",
        "versionStartIncluding",
        "versionStartExcluding",
        "versionEndIncluding",
        "versionEndExcluding",
        "matchCriteriaId",
    ];
    const EXPECTING: &'static str = "a CPE match object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, _: &mut Trail) -> Result<(), A::Error> {
        match key {
            "vulnerable" => self.vulnerable = map.next_value()?,
            "cpe23Uri" | "criteria" => self.criteria = map.next_value()?,
            "versionStartIncluding" => self.start_including = map.next_value()?,
            "versionStartExcluding" => self.start_excluding = map.next_value()?,
            "versionEndIncluding" => self.end_including = map.next_value()?,
            "matchCriteriaId" => self.match_criteria_id = map.next_value()?,
            _ => self.end_excluding = map.next_value()?,
        }
        Ok(())
    }
}

/// A configuration node: 1.1 `{operator, negate, cpe_match[], children[]}`, 2.0 `{operator,
/// negate, cpeMatch[]}`.
#[derive(Debug, Default)]
pub(super) struct RawNode {
    operator: Option<Op>,
    negate: Option<bool>,
    matches: Vec<RawMatch>,
    children: Vec<RawNode>,
}

impl Lenient for RawNode {
    const KEYS: &'static [&'static str] = &["operator", "negate", "cpe_match", "cpeMatch", "children"];
    const EXPECTING: &'static str = "a configuration node";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        match key {
            "operator" => self.operator = map.next_value()?,
            "negate" => self.negate = map.next_value()?,
            "cpe_match" | "cpeMatch" => self.matches = map.next_value_seed(Arr::new(t))?,
            _ => self.children = map.next_value_seed(Arr::new(t))?,
        }
        Ok(())
    }
}

impl RawNode {
    fn is_empty(&self) -> bool {
        self.matches.is_empty() && self.children.is_empty()
    }
}

/// Converts a node; `None` when nothing matchable is left in it. `at` names it in warnings
/// (`configuration 2, node 1`).
fn node(raw: RawNode, at: &str, warnings: &mut Vec<String>) -> Option<ConfigNode> {
    let mut matches = Vec::with_capacity(raw.matches.len());
    for (k, m) in raw.matches.into_iter().enumerate() {
        let Some(criteria) = non_empty(m.criteria) else {
            warnings.push(format!("{at}, match {k}: no CPE criteria; match skipped"));
            continue;
        };
        let vulnerable = m.vulnerable.unwrap_or_else(|| {
            warnings.push(format!("{at}, match {k}: `vulnerable` missing; taken as vulnerable"));
            true
        });
        matches.push(CpeMatch {
            vulnerable,
            criteria,
            version_start_including: non_empty(m.start_including),
            version_start_excluding: non_empty(m.start_excluding),
            version_end_including: non_empty(m.end_including),
            version_end_excluding: non_empty(m.end_excluding),
            match_criteria_id: non_empty(m.match_criteria_id),
        });
    }
    let mut children = Vec::with_capacity(raw.children.len());
    for (k, child) in raw.children.into_iter().enumerate() {
        let child_at = format!("{at}, child {k}");
        if child.is_empty() {
            warnings.push(format!("{child_at}: empty node dropped"));
            continue;
        }
        children.extend(node(child, &child_at, warnings));
    }
    if matches.is_empty() && children.is_empty() {
        return None;
    }
    Some(ConfigNode {
        operator: raw.operator.map_or(Operator::Or, |o| o.0),
        negate: raw.negate.unwrap_or(false),
        matches,
        children,
    })
}

fn references(raw: Vec<RawRef>, warnings: &mut Vec<String>) -> Vec<Reference> {
    let mut out = Vec::with_capacity(raw.len());
    for (k, r) in raw.into_iter().enumerate() {
        match non_empty(r.url) {
            Some(url) => out.push(Reference { url, tags: r.tags.unwrap_or_default() }),
            None => warnings.push(format!("reference {k}: no url; skipped")),
        }
    }
    out
}

/// CWE ids in first-seen order without repeats. NVD's placeholders `NVD-CWE-Other` and
/// `NVD-CWE-noinfo` are kept as written: their `NVD-CWE-` prefix marks them (a real weakness id
/// always starts with `CWE-`), and they record that NVD looked and found no specific CWE.
fn push_cwes(out: &mut Vec<String>, list: Vec<LangString>) {
    for entry in list {
        if let Some(value) = non_empty(entry.value) {
            let value = if value.trim().len() == value.len() { value } else { value.trim().to_owned() };
            if !out.contains(&value) {
                out.push(value);
            }
        }
    }
}

fn push_cvss(out: &mut Vec<CvssVector>, data: CvssData, scored_by: Option<String>, what: &str, w: &mut Vec<String>) {
    match non_empty(data.vector) {
        Some(vector) => out.push(CvssVector {
            vector,
            scored_by,
            published_score: data.score.map(|Score(s)| s),
            vulnerability: None,
        }),
        None => w.push(format!("{what}: no vectorString; skipped")),
    }
}

fn is_reject_text(description: Option<&str>) -> bool {
    description.is_some_and(|d| d.trim_start().starts_with("** REJECT **"))
}

// ---------------------------------------------------------------------------------------------
// NVD JSON 1.1 feed: `CVE_Items[]`

/// One `CVE_Items[]` entry.
#[derive(Debug, Default)]
pub(super) struct Item11 {
    cve: Cve11,
    nodes: Configurations11,
    impact: Impact11,
    published: Option<String>,
    modified: Option<String>,
}

impl Lenient for Item11 {
    const KEYS: &'static [&'static str] = &["cve", "configurations", "impact", "publishedDate", "lastModifiedDate"];
    const EXPECTING: &'static str = "an NVD 1.1 CVE item";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        match key {
            "cve" => self.cve = map.next_value_seed(Obj::new(t))?,
            "configurations" => self.nodes = map.next_value_seed(Obj::new(t))?,
            "impact" => self.impact = map.next_value_seed(Obj::new(t))?,
            "publishedDate" => self.published = map.next_value()?,
            _ => self.modified = map.next_value()?,
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Cve11 {
    id: Option<String>,
    problemtypes: Vec<ListOf<LangString>>,
    references: Vec<RawRef>,
    descriptions: Vec<LangString>,
}

impl Lenient for Cve11 {
    const KEYS: &'static [&'static str] = &["CVE_data_meta", "problemtype", "references", "description"];
    const EXPECTING: &'static str = "an NVD 1.1 `cve` object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        match key {
            "CVE_data_meta" => self.id = map.next_value_seed(Obj::<Meta11>::new(t))?.id,
            "problemtype" => {
                self.problemtypes = map.next_value_seed(Obj::<Wrapped<ListOf<LangString>>>::new(t))?.items;
            }
            "references" => self.references = map.next_value_seed(Obj::<Wrapped<RawRef>>::new(t))?.items,
            _ => self.descriptions = map.next_value_seed(Obj::<Wrapped<LangString>>::new(t))?.items,
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Meta11 {
    id: Option<String>,
}

impl Lenient for Meta11 {
    const KEYS: &'static [&'static str] = &["ID"];
    const EXPECTING: &'static str = "a `CVE_data_meta` object";

    fn field<'de, A: MapAccess<'de>>(&mut self, _: &'static str, map: &mut A, _: &mut Trail) -> Result<(), A::Error> {
        self.id = map.next_value()?;
        Ok(())
    }
}

/// 1.1 wraps each list in an object: `{problemtype_data: []}`, `{reference_data: []}`,
/// `{description_data: []}`.
#[derive(Debug)]
struct Wrapped<T> {
    items: Vec<T>,
}

impl<T> Default for Wrapped<T> {
    fn default() -> Self {
        Wrapped { items: Vec::new() }
    }
}

impl<T: Lenient> Lenient for Wrapped<T> {
    const KEYS: &'static [&'static str] = &["problemtype_data", "reference_data", "description_data"];
    const EXPECTING: &'static str = "an object wrapping a list";

    fn field<'de, A: MapAccess<'de>>(&mut self, _: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        self.items = map.next_value_seed(Arr::new(t))?;
        Ok(())
    }
}

/// `{description: [...]}`: a 1.1 `problemtype_data[]` entry and a 2.0 `weaknesses[]` entry.
#[derive(Debug)]
struct ListOf<T> {
    items: Vec<T>,
}

impl<T> Default for ListOf<T> {
    fn default() -> Self {
        ListOf { items: Vec::new() }
    }
}

impl<T: Lenient> Lenient for ListOf<T> {
    const KEYS: &'static [&'static str] = &["description"];
    const EXPECTING: &'static str = "an object with a `description` list";

    fn field<'de, A: MapAccess<'de>>(&mut self, _: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        self.items = map.next_value_seed(Arr::new(t))?;
        Ok(())
    }
}

/// `configurations: {nodes: []}`.
#[derive(Debug, Default)]
struct Configurations11 {
    nodes: Vec<RawNode>,
}

impl Lenient for Configurations11 {
    const KEYS: &'static [&'static str] = &["nodes"];
    const EXPECTING: &'static str = "an NVD 1.1 `configurations` object";

    fn field<'de, A: MapAccess<'de>>(&mut self, _: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        self.nodes = map.next_value_seed(Arr::new(t))?;
        Ok(())
    }
}

/// `impact: {baseMetricV3: {cvssV3: {…}}, baseMetricV2: {cvssV2: {…}}}`.
#[derive(Debug, Default)]
struct Impact11 {
    v3: BaseMetric11,
    v2: BaseMetric11,
}

impl Lenient for Impact11 {
    const KEYS: &'static [&'static str] = &["baseMetricV3", "baseMetricV2"];
    const EXPECTING: &'static str = "an NVD 1.1 `impact` object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        match key {
            "baseMetricV3" => self.v3 = map.next_value_seed(Obj::new(t))?,
            _ => self.v2 = map.next_value_seed(Obj::new(t))?,
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct BaseMetric11 {
    cvss: Option<CvssData>,
}

impl Lenient for BaseMetric11 {
    const KEYS: &'static [&'static str] = &["cvssV3", "cvssV2"];
    const EXPECTING: &'static str = "a `baseMetricV3` / `baseMetricV2` object";

    fn field<'de, A: MapAccess<'de>>(&mut self, _: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        self.cvss = Some(map.next_value_seed(Obj::new(t))?);
        Ok(())
    }
}

const ID_11: &[Seg] = &[Seg::Key("cve"), Seg::Key("CVE_data_meta"), Seg::Key("ID")];

impl Item11 {
    /// The neutral parts. Each top-level node becomes one configuration, the way NVD itself
    /// converted 1.1 to 2.0: a node with only children (the running-on/with pattern, `AND` over
    /// a vulnerable node and a platform node) becomes a configuration with the node's operator
    /// and negation over those children; any other node becomes a one-node configuration (with
    /// its children, if it has both). Empty nodes, which NVD leaves beside real ones, are dropped
    /// with a warning: as an `AND` operand an empty node would be vacuously true.
    pub(super) fn parts(self) -> Result<Parts, MissingId> {
        let id = non_empty(self.cve.id).ok_or(MissingId(ID_11))?;
        let mut warnings = Vec::new();
        let description = english(self.cve.descriptions);
        let mut cwes = Vec::new();
        for pt in self.cve.problemtypes {
            push_cwes(&mut cwes, pt.items);
        }
        let mut cvss = Vec::with_capacity(2);
        for (data, what) in [(self.impact.v3.cvss, "baseMetricV3"), (self.impact.v2.cvss, "baseMetricV2")] {
            if let Some(data) = data {
                push_cvss(&mut cvss, data, Some("nvd".to_owned()), what, &mut warnings);
            }
        }
        let mut configurations = Vec::with_capacity(self.nodes.nodes.len());
        for (k, top) in self.nodes.nodes.into_iter().enumerate() {
            let at = format!("configuration node {k}");
            if top.is_empty() {
                warnings.push(format!("{at}: empty node dropped"));
                continue;
            }
            let running_on = top.matches.is_empty();
            let (operator, negate) = (top.operator.map_or(Operator::Or, |o| o.0), top.negate.unwrap_or(false));
            if running_on {
                let mut nodes = Vec::with_capacity(top.children.len());
                for (c, child) in top.children.into_iter().enumerate() {
                    let child_at = format!("{at}, child {c}");
                    match node(child, &child_at, &mut warnings) {
                        Some(n) => nodes.push(n),
                        None => warnings.push(format!("{child_at}: empty node dropped")),
                    }
                }
                if nodes.is_empty() {
                    warnings.push(format!("{at}: nothing left to match; dropped"));
                } else {
                    configurations.push(Configuration { operator, negate, nodes });
                }
            } else {
                match node(top, &at, &mut warnings) {
                    Some(n) => configurations.push(Configuration { operator, negate: false, nodes: vec![n] }),
                    None => warnings.push(format!("{at}: nothing left to match; dropped")),
                }
            }
        }
        let references = references(self.cve.references, &mut warnings);
        Ok(Parts {
            rejected: is_reject_text(description.as_deref()),
            id,
            description,
            cwes,
            published: self.published,
            modified: self.modified,
            cvss,
            references,
            configurations,
            warnings,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// NVD API 2.0 response / 2.0 feed: `vulnerabilities[].cve`

/// One `vulnerabilities[]` entry: `{cve: {…}}`.
#[derive(Debug, Default)]
pub(super) struct Vuln2 {
    pub(super) cve: Cve2,
}

impl Lenient for Vuln2 {
    const KEYS: &'static [&'static str] = &["cve"];
    const EXPECTING: &'static str = "an NVD API 2.0 vulnerability item";

    fn field<'de, A: MapAccess<'de>>(&mut self, _: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        self.cve = map.next_value_seed(Obj::new(t))?;
        Ok(())
    }
}

/// The 2.0 `cve` object.
#[derive(Debug, Default)]
pub(super) struct Cve2 {
    id: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    status: Option<String>,
    descriptions: Vec<LangString>,
    metrics: Metrics2,
    weaknesses: Vec<Weakness2>,
    configurations: Vec<Config2>,
    references: Vec<RawRef>,
}

impl Lenient for Cve2 {
    const KEYS: &'static [&'static str] = &[
        "id",
        "published",
        "lastModified",
        "vulnStatus",
        "descriptions",
        "metrics",
        "weaknesses",
        "configurations",
        "references",
    ];
    const EXPECTING: &'static str = "an NVD API 2.0 `cve` object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        match key {
            "id" => self.id = map.next_value()?,
            "published" => self.published = map.next_value()?,
            "lastModified" => self.modified = map.next_value()?,
            "vulnStatus" => self.status = map.next_value()?,
            "descriptions" => self.descriptions = map.next_value_seed(Arr::new(t))?,
            "metrics" => self.metrics = map.next_value_seed(Obj::new(t))?,
            "weaknesses" => self.weaknesses = map.next_value_seed(Arr::new(t))?,
            "configurations" => self.configurations = map.next_value_seed(Arr::new(t))?,
            _ => self.references = map.next_value_seed(Arr::new(t))?,
        }
        Ok(())
    }
}

/// `metrics: {cvssMetricV40: [], cvssMetricV31: [], cvssMetricV30: [], cvssMetricV2: []}`.
#[derive(Debug, Default)]
struct Metrics2 {
    v40: Vec<Metric2>,
    v31: Vec<Metric2>,
    v30: Vec<Metric2>,
    v2: Vec<Metric2>,
}

impl Lenient for Metrics2 {
    const KEYS: &'static [&'static str] = &["cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"];
    const EXPECTING: &'static str = "an NVD API 2.0 `metrics` object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        let list = map.next_value_seed(Arr::new(t))?;
        match key {
            "cvssMetricV40" => self.v40 = list,
            "cvssMetricV31" => self.v31 = list,
            "cvssMetricV30" => self.v30 = list,
            _ => self.v2 = list,
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Metric2 {
    source: Option<String>,
    data: Option<CvssData>,
}

impl Lenient for Metric2 {
    const KEYS: &'static [&'static str] = &["source", "cvssData"];
    const EXPECTING: &'static str = "a CVSS metric object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        match key {
            "source" => self.source = map.next_value()?,
            _ => self.data = Some(map.next_value_seed(Obj::new(t))?),
        }
        Ok(())
    }
}

type Weakness2 = ListOf<LangString>;

/// A 2.0 configuration: `{operator?, negate?, nodes[]}`.
#[derive(Debug, Default)]
struct Config2 {
    operator: Option<Op>,
    negate: Option<bool>,
    nodes: Vec<RawNode>,
}

impl Lenient for Config2 {
    const KEYS: &'static [&'static str] = &["operator", "negate", "nodes"];
    const EXPECTING: &'static str = "an NVD API 2.0 configuration";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &'static str, map: &mut A, t: &mut Trail) -> Result<(), A::Error> {
        match key {
            "operator" => self.operator = map.next_value()?,
            "negate" => self.negate = map.next_value()?,
            _ => self.nodes = map.next_value_seed(Arr::new(t))?,
        }
        Ok(())
    }
}

/// NVD's own source identifier, written `nvd` like the 1.1 scores.
fn scorer(source: Option<String>) -> String {
    match source {
        Some(s) if s.eq_ignore_ascii_case("nvd@nist.gov") => "nvd".to_owned(),
        Some(s) if !s.trim().is_empty() => s,
        _ => "nvd".to_owned(),
    }
}

impl Cve2 {
    /// The neutral parts: each configuration as written (operator absent ⇒ `OR`), CVSS vectors
    /// newest version first (4.0, 3.1, 3.0, 2) and within a version in document order.
    pub(super) fn parts(self, id_path: &'static [Seg]) -> Result<Parts, MissingId> {
        let id = non_empty(self.id).ok_or(MissingId(id_path))?;
        let mut warnings = Vec::new();
        let description = english(self.descriptions);
        let mut cwes = Vec::new();
        for weakness in self.weaknesses {
            push_cwes(&mut cwes, weakness.items);
        }
        let m = self.metrics;
        let mut cvss = Vec::with_capacity(m.v40.len() + m.v31.len() + m.v30.len() + m.v2.len());
        for (list, what) in
            [(m.v40, "cvssMetricV40"), (m.v31, "cvssMetricV31"), (m.v30, "cvssMetricV30"), (m.v2, "cvssMetricV2")]
        {
            for (k, metric) in list.into_iter().enumerate() {
                let what = format!("{what}[{k}]");
                match metric.data {
                    Some(data) => push_cvss(&mut cvss, data, Some(scorer(metric.source)), &what, &mut warnings),
                    None => warnings.push(format!("{what}: no cvssData; skipped")),
                }
            }
        }
        let mut configurations = Vec::with_capacity(self.configurations.len());
        for (c, config) in self.configurations.into_iter().enumerate() {
            let mut nodes = Vec::with_capacity(config.nodes.len());
            for (k, raw) in config.nodes.into_iter().enumerate() {
                let at = format!("configuration {c}, node {k}");
                match node(raw, &at, &mut warnings) {
                    Some(n) => nodes.push(n),
                    None => warnings.push(format!("{at}: empty node dropped")),
                }
            }
            if nodes.is_empty() {
                warnings.push(format!("configuration {c}: no nodes; dropped"));
                continue;
            }
            configurations.push(Configuration {
                operator: config.operator.map_or(Operator::Or, |o| o.0),
                negate: config.negate.unwrap_or(false),
                nodes,
            });
        }
        let references = references(self.references, &mut warnings);
        let rejected = self.status.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case("Rejected"))
            || is_reject_text(description.as_deref());
        Ok(Parts {
            id,
            description,
            cwes,
            published: self.published,
            modified: self.modified,
            rejected,
            cvss,
            references,
            configurations,
            warnings,
        })
    }
}
