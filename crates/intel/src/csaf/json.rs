//! The parts of a CSAF 2.0 document the reader uses, as lenient serde types: every field optional
//! or defaulted, unknown fields ignored, so a document missing an optional part still reads and
//! the reader itself decides which absences are fatal (with the JSON path). CSAF 2.1 additions
//! the reader understands (`cwes`, `metrics`, `purls`, `product_status.unknown`) are here too.

use serde::Deserialize;

/// A string that some producers write as a number (`"version": 1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Csaf {
    pub document: Option<Document>,
    pub product_tree: Option<ProductTree>,
    pub vulnerabilities: Vec<Vulnerability>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Document {
    pub category: Option<String>,
    pub csaf_version: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<Publisher>,
    pub tracking: Option<Tracking>,
    pub notes: Vec<Note>,
    pub references: Vec<Reference>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Publisher {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Tracking {
    pub id: Option<String>,
    pub version: Option<Text>,
    pub initial_release_date: Option<String>,
    pub current_release_date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Note {
    pub category: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Reference {
    pub url: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ProductTree {
    pub branches: Vec<Branch>,
    pub full_product_names: Vec<FullProductName>,
    pub relationships: Vec<Relationship>,
    /// CSAF 2.1: replaces `relationships`.
    pub product_paths: Vec<ProductPath>,
    pub product_groups: Vec<ProductGroup>,
}

/// CSAF 2.1 `product_paths[]`: a product reached from a beginning product through subpaths.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ProductPath {
    pub beginning_product_reference: Option<String>,
    pub subpaths: Vec<Subpath>,
    pub full_product_name: Option<FullProductName>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Subpath {
    pub category: Option<String>,
    pub next_product_reference: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Branch {
    pub category: Option<String>,
    pub name: Option<String>,
    pub branches: Vec<Branch>,
    pub product: Option<FullProductName>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FullProductName {
    pub name: Option<String>,
    pub product_id: Option<String>,
    pub product_identification_helper: Option<Helper>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Helper {
    pub cpe: Option<String>,
    pub purl: Option<String>,
    /// CSAF 2.1.
    pub purls: Vec<String>,
    pub model_numbers: Vec<String>,
    pub skus: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Relationship {
    pub category: Option<String>,
    pub product_reference: Option<String>,
    pub relates_to_product_reference: Option<String>,
    pub full_product_name: Option<FullProductName>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ProductGroup {
    pub group_id: Option<String>,
    pub product_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Vulnerability {
    pub cve: Option<String>,
    pub ids: Vec<VulnerabilityId>,
    pub notes: Vec<Note>,
    pub cwe: Option<Cwe>,
    /// CSAF 2.1.
    pub cwes: Vec<Cwe>,
    pub product_status: Option<ProductStatus>,
    pub flags: Vec<Flag>,
    pub threats: Vec<Threat>,
    pub remediations: Vec<Remediation>,
    pub scores: Vec<Score>,
    /// CSAF 2.1.
    pub metrics: Vec<Metric>,
    pub references: Vec<Reference>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct VulnerabilityId {
    pub system_name: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Cwe {
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ProductStatus {
    pub first_affected: Vec<String>,
    pub first_fixed: Vec<String>,
    pub fixed: Vec<String>,
    pub known_affected: Vec<String>,
    pub known_not_affected: Vec<String>,
    pub last_affected: Vec<String>,
    pub recommended: Vec<String>,
    pub under_investigation: Vec<String>,
    /// CSAF 2.1.
    pub unknown: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Flag {
    pub label: Option<String>,
    pub product_ids: Vec<String>,
    pub group_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Threat {
    pub category: Option<String>,
    pub details: Option<String>,
    pub product_ids: Vec<String>,
    pub group_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Remediation {
    pub category: Option<String>,
    pub details: Option<String>,
    pub product_ids: Vec<String>,
    pub group_ids: Vec<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub restart_required: Option<RestartRequired>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RestartRequired {
    pub category: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Score {
    pub cvss_v2: Option<Cvss>,
    pub cvss_v3: Option<Cvss>,
    pub products: Vec<String>,
}

/// CSAF 2.1 `metrics[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Metric {
    pub content: Option<MetricContent>,
    pub products: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MetricContent {
    pub cvss_v2: Option<Cvss>,
    pub cvss_v3: Option<Cvss>,
    pub cvss_v4: Option<Cvss>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Cvss {
    #[serde(rename = "vectorString")]
    pub vector_string: Option<String>,
    #[serde(rename = "baseScore")]
    pub base_score: Option<serde_json::Number>,
}
