//! Reading a stored advisory for matching, fast: only the fields matching uses are kept (the
//! rest is skipped without being built), and the affected-statement targets — serialised as
//! internally tagged enums, which serde would otherwise buffer whole before reading — are read
//! directly when their `kind` tag comes first, as Patchwise always writes it.
//!
//! [`advisory`] gives a [`model::advisory::Advisory`] whose descriptive fields (title,
//! description, CWEs, dates, CVSS, references, warnings) are empty.

use std::fmt;

use model::advisory::{
    Advisory, AdvisoryKind, AffectedStatement, Configuration, Justification, ProductName, ProductStatus, Provenance,
    Remediation, Target, VersionSpec,
};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

#[derive(Deserialize)]
struct Lean {
    id: String,
    kind: AdvisoryKind,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    rejected: bool,
    #[serde(default)]
    affected: Vec<LeanStatement>,
    #[serde(default)]
    remediations: Vec<Remediation>,
    provenance: Provenance,
}

#[derive(Deserialize)]
struct LeanStatement {
    vulnerability: String,
    target: LeanTarget,
    status: ProductStatus,
    #[serde(default)]
    justification: Option<Justification>,
    #[serde(default)]
    detail: Option<String>,
}

struct LeanTarget(Target);

impl<'de> Deserialize<'de> for LeanTarget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TargetVisitor)
    }
}

struct TargetVisitor;

impl<'de> Visitor<'de> for TargetVisitor {
    type Value = LeanTarget;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an affected-statement target with its `kind` first")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LeanTarget, A::Error> {
        let first: Option<String> = map.next_key()?;
        if first.as_deref() != Some("kind") {
            return Err(de::Error::custom("target `kind` is not the first field"));
        }
        let kind: String = map.next_value()?;
        let mut configuration: Option<Configuration> = None;
        let mut product: Option<ProductName> = None;
        let mut versions: Option<VersionSpec> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "configuration" => configuration = Some(map.next_value()?),
                "product" => product = Some(map.next_value()?),
                "versions" => versions = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match kind.as_str() {
            "configuration" => Ok(LeanTarget(Target::Configuration {
                configuration: configuration.ok_or_else(|| de::Error::missing_field("configuration"))?,
            })),
            "product" => Ok(LeanTarget(Target::Product {
                product: product.ok_or_else(|| de::Error::missing_field("product"))?,
                versions: versions.ok_or_else(|| de::Error::missing_field("versions"))?,
            })),
            other => Err(de::Error::unknown_variant(other, &["configuration", "product"])),
        }
    }
}

/// Reads a stored advisory document keeping what matching needs.
pub fn advisory(doc: &str) -> Result<Advisory, serde_json::Error> {
    let lean: Lean = serde_json::from_str(doc)?;
    Ok(Advisory {
        id: lean.id,
        kind: lean.kind,
        aliases: lean.aliases,
        title: None,
        description: None,
        cwes: Vec::new(),
        published: None,
        modified: None,
        rejected: lean.rejected,
        cvss: Vec::new(),
        affected: lean
            .affected
            .into_iter()
            .map(|s| AffectedStatement {
                vulnerability: s.vulnerability,
                target: s.target.0,
                status: s.status,
                justification: s.justification,
                detail: s.detail,
            })
            .collect(),
        remediations: lean.remediations,
        references: Vec::new(),
        warnings: Vec::new(),
        provenance: lean.provenance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::advisory::{Bound, ConfigNode, CpeMatch, Operator, Source};

    #[test]
    fn reads_what_the_model_writes() {
        let adv = Advisory {
            id: "ICSA-24-102-03".into(),
            kind: AdvisoryKind::VendorAdvisory,
            aliases: vec!["CVE-2022-0028".into()],
            title: Some("t".into()),
            description: Some("d".into()),
            cwes: vec!["CWE-20".into()],
            published: None,
            modified: None,
            rejected: false,
            cvss: Vec::new(),
            affected: vec![
                AffectedStatement {
                    vulnerability: "CVE-2022-0028".into(),
                    target: Target::Product {
                        product: ProductName { vendor: Some("Siemens".into()), ..ProductName::default() },
                        versions: VersionSpec::Range {
                            start: None,
                            end: Some(Bound { version: "V2.9.4".into(), inclusive: false }),
                        },
                    },
                    status: ProductStatus::Affected,
                    justification: None,
                    detail: None,
                },
                AffectedStatement {
                    vulnerability: "CVE-2022-0028".into(),
                    target: Target::Configuration {
                        configuration: Configuration {
                            operator: Operator::Or,
                            negate: false,
                            nodes: vec![ConfigNode {
                                operator: Operator::Or,
                                negate: false,
                                matches: vec![CpeMatch {
                                    vulnerable: true,
                                    criteria: "cpe:2.3:o:x:y:*:*:*:*:*:*:*:*".into(),
                                    version_start_including: None,
                                    version_start_excluding: None,
                                    version_end_including: None,
                                    version_end_excluding: Some("2".into()),
                                    match_criteria_id: None,
                                }],
                                children: Vec::new(),
                            }],
                        },
                    },
                    status: ProductStatus::Affected,
                    justification: None,
                    detail: None,
                },
            ],
            remediations: Vec::new(),
            references: Vec::new(),
            warnings: vec!["w".into()],
            provenance: Provenance {
                source: Source::Csaf,
                document: "ICSA-24-102-03".into(),
                revision: Some("1".into()),
                file: None,
                digest: None,
                retrieved_at: None,
            },
        };
        let doc = serde_json::to_string(&adv).unwrap();
        let lean = advisory(&doc).unwrap();
        assert_eq!(lean.affected, adv.affected);
        assert_eq!(lean.provenance, adv.provenance);
        assert_eq!(lean.aliases, adv.aliases);
        assert!(lean.description.is_none());
        // A target whose tag is not first is refused (the caller falls back to the full reader).
        assert!(advisory(&doc.replace(r#"{"kind":"product","#, r#"{"x":1,"kind":"product","#)).is_err());
    }
}
