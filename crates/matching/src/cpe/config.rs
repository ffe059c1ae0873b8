//! NVD configurations (applicability statements) evaluated against the CPEs of one asset.

use model::advisory::{ConfigNode, Configuration, CpeMatch, Operator};
use serde::{Deserialize, Serialize};

use super::{AttrRelation, Attribute, Cpe, CpeError, Value, compare_values};

/// Three-valued truth (Kleene logic) for configuration evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    pub fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
    /// Kleene conjunction: False wins, then Unknown.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }
    /// Kleene disjunction: True wins, then Unknown.
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// One criterion of a configuration that an asset CPE satisfied (or may satisfy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionHit {
    /// The criterion as published.
    pub criteria: CpeMatch,
    /// Index into the platform slice given to [`evaluate`].
    pub platform: usize,
    /// True, or Unknown (never False: those are not listed).
    pub truth: Truth,
}

/// Why a criterion was Unknown without any platform CPE to show for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum UnresolvedReason {
    /// The criterion's CPE string does not parse.
    Unparsable { error: String },
    /// A non-vulnerable (running-on / with) criterion of a part (`h`, `o`, `a`) of which the
    /// asset has no CPE at all: the inventory is silent about, say, the hardware model.
    PartNotDescribed,
}

/// A criterion taken as Unknown for lack of information rather than by a platform CPE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    pub criteria: CpeMatch,
    pub reason: UnresolvedReason,
}

/// What [`evaluate`] concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigVerdict {
    /// The tree's truth, AND "some vulnerable criterion held": a tree satisfied by platform
    /// criteria alone is not a match.
    pub truth: Truth,
    /// Vulnerable criteria that held (or may hold) for a platform CPE, whatever the tree's
    /// outcome: with `truth` False they explain a near miss (firmware in range, other hardware).
    pub vulnerable: Vec<CriterionHit>,
    /// Non-vulnerable criteria (running-on / with platforms) that held (or may hold).
    pub platform: Vec<CriterionHit>,
    /// Criteria that are Unknown for lack of information, see [`UnresolvedReason`].
    pub unresolved: Vec<Unresolved>,
}

/// Nodes nested deeper than this are taken as Unknown (NVD nests at most two levels).
const MAX_DEPTH: usize = 32;

/// A configuration with its criteria parsed once, for evaluation against many assets.
///
/// # Semantics
/// - A criterion holds for one asset CPE when the names agree on every attribute but version
///   (the criterion is the NISTIR 7696 source, the asset CPE the target) and `version_check`
///   says True; it holds for the asset when it holds for some platform CPE (Kleene OR).
/// - Per attribute: EQUAL or SUPERSET is True, DISJOINT False; a target with wildcards is
///   Unknown. SUBSET — the criterion names a value the asset leaves ANY — is **Unknown** for
///   part, vendor and product (the asset may or may not be that product) and **True** for
///   update, edition, language, sw_edition, target_sw, target_hw and other, which inventories
///   rarely know and which NVD rarely uses to exclude; an asset that states them is held to
///   them (a different stated value is DISJOINT, so False).
/// - `version_check` is called only for pairs whose names are not DISJOINT; its Unknown
///   propagates.
/// - A criterion string that does not parse is Unknown (listed in [`ConfigVerdict::unresolved`]).
/// - A **non-vulnerable** criterion whose part (`h`, `o`, `a`) is not the part of any platform
///   CPE is Unknown rather than False: firmware in range on an asset whose hardware model the
///   inventory does not give makes a firmware-on-hardware configuration Unknown, not "not
///   affected". A vulnerable criterion has no such allowance: an asset without the software is
///   not affected by it.
/// - Nodes: OR is any, AND is all, over matches and children; `negate` inverts (Unknown stays
///   Unknown). The configuration combines its nodes with its operator (AND: vulnerable software
///   *running on* a platform) and its own `negate`.
/// - The verdict is the tree AND (OR of the vulnerable criteria's truths).
#[derive(Debug, Clone)]
pub struct CompiledConfiguration {
    operator: Operator,
    negate: bool,
    nodes: Vec<Node>,
    criteria: Vec<Criterion>,
}

#[derive(Debug, Clone)]
struct Node {
    operator: Operator,
    negate: bool,
    /// Indices into `criteria`.
    matches: Vec<usize>,
    children: Vec<Node>,
    too_deep: bool,
}

#[derive(Debug, Clone)]
struct Criterion {
    m: CpeMatch,
    cpe: Result<Cpe, CpeError>,
}

impl CompiledConfiguration {
    /// Parses every criterion of `config` once.
    pub fn compile(config: &Configuration) -> CompiledConfiguration {
        let mut criteria = Vec::new();
        let nodes = config.nodes.iter().map(|n| compile_node(n, 1, &mut criteria)).collect();
        CompiledConfiguration { operator: config.operator, negate: config.negate, nodes, criteria }
    }

    /// Every criterion with its parsed name (or why it does not parse), in tree order — for an
    /// engine that indexes configurations by vendor and product.
    pub fn criteria(&self) -> impl Iterator<Item = (&CpeMatch, Result<&Cpe, &CpeError>)> {
        self.criteria.iter().map(|c| (&c.m, c.cpe.as_ref()))
    }

    /// Evaluates against the CPEs an asset is made of; see [`evaluate`].
    pub fn evaluate(
        &self,
        platform: &[Cpe],
        version_check: &mut dyn FnMut(&CpeMatch, &Cpe, &Cpe) -> Truth,
    ) -> ConfigVerdict {
        let mut verdict =
            ConfigVerdict { truth: Truth::False, vulnerable: Vec::new(), platform: Vec::new(), unresolved: Vec::new() };
        let truths: Vec<Truth> =
            self.criteria.iter().map(|c| criterion_truth(c, platform, version_check, &mut verdict)).collect();
        let tree = combine(self.operator, self.nodes.iter().map(|n| node_truth(n, &truths)));
        let tree = if self.negate { !tree } else { tree };
        let vulnerable = self
            .criteria
            .iter()
            .zip(&truths)
            .filter(|(c, _)| c.m.vulnerable)
            .fold(Truth::False, |acc, (_, t)| acc.or(*t));
        verdict.truth = tree.and(vulnerable);
        verdict
    }
}

fn compile_node(node: &ConfigNode, depth: usize, criteria: &mut Vec<Criterion>) -> Node {
    if depth > MAX_DEPTH {
        // Unknown as a node, but its criteria still count (a vulnerable one that holds makes
        // the verdict Unknown rather than False). Walked without recursion.
        let mut matches = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            for m in &n.matches {
                criteria.push(Criterion { m: m.clone(), cpe: Cpe::parse(&m.criteria) });
                matches.push(criteria.len() - 1);
            }
            stack.extend(n.children.iter());
        }
        return Node { operator: node.operator, negate: false, matches, children: Vec::new(), too_deep: true };
    }
    let matches = node
        .matches
        .iter()
        .map(|m| {
            criteria.push(Criterion { m: m.clone(), cpe: Cpe::parse(&m.criteria) });
            criteria.len() - 1
        })
        .collect();
    let children = node.children.iter().map(|c| compile_node(c, depth + 1, criteria)).collect();
    Node { operator: node.operator, negate: node.negate, matches, children, too_deep: false }
}

fn combine(operator: Operator, truths: impl Iterator<Item = Truth>) -> Truth {
    match operator {
        Operator::And => truths.fold(Truth::True, Truth::and),
        Operator::Or => truths.fold(Truth::False, Truth::or),
    }
}

fn node_truth(node: &Node, truths: &[Truth]) -> Truth {
    if node.too_deep {
        return Truth::Unknown;
    }
    let own = node.matches.iter().map(|i| truths.get(*i).copied().unwrap_or(Truth::Unknown));
    let children = node.children.iter().map(|c| node_truth(c, truths));
    let t = combine(node.operator, own.chain(children));
    if node.negate { !t } else { t }
}

fn criterion_truth(
    c: &Criterion,
    platform: &[Cpe],
    version_check: &mut dyn FnMut(&CpeMatch, &Cpe, &Cpe) -> Truth,
    verdict: &mut ConfigVerdict,
) -> Truth {
    let crit = match &c.cpe {
        Ok(crit) => crit,
        Err(e) => {
            verdict.unresolved.push(Unresolved {
                criteria: c.m.clone(),
                reason: UnresolvedReason::Unparsable { error: e.to_string() },
            });
            return Truth::Unknown;
        }
    };
    let mut result = Truth::False;
    for (index, asset) in platform.iter().enumerate() {
        let name = name_holds(crit, asset);
        if name == Truth::False {
            continue;
        }
        let t = name.and(version_check(&c.m, crit, asset));
        if t == Truth::False {
            continue;
        }
        let hit = CriterionHit { criteria: c.m.clone(), platform: index, truth: t };
        if c.m.vulnerable {
            verdict.vulnerable.push(hit);
        } else {
            verdict.platform.push(hit);
        }
        result = result.or(t);
    }
    if result != Truth::True && !c.m.vulnerable && !part_described(&crit.part, platform) {
        verdict.unresolved.push(Unresolved { criteria: c.m.clone(), reason: UnresolvedReason::PartNotDescribed });
        result = result.or(Truth::Unknown);
    }
    result
}

/// Attributes checked by name, the most selective first; version is left to `version_check`.
const NAME_ATTRIBUTES: [Attribute; 10] = [
    Attribute::Product,
    Attribute::Vendor,
    Attribute::Part,
    Attribute::Update,
    Attribute::Edition,
    Attribute::Language,
    Attribute::SwEdition,
    Attribute::TargetSw,
    Attribute::TargetHw,
    Attribute::Other,
];

/// Whether an asset CPE is named by a criterion on every attribute but version, with the
/// Unknown rules of [`CompiledConfiguration`].
pub fn name_holds(criteria: &Cpe, asset: &Cpe) -> Truth {
    let mut acc = Truth::True;
    for attribute in NAME_ATTRIBUTES {
        let t = match compare_values(criteria.get(attribute), asset.get(attribute)) {
            AttrRelation::Equal | AttrRelation::Superset => Truth::True,
            AttrRelation::Disjoint => return Truth::False,
            AttrRelation::Undefined => Truth::Unknown,
            AttrRelation::Subset => match attribute {
                Attribute::Part | Attribute::Vendor | Attribute::Product => Truth::Unknown,
                _ => Truth::True,
            },
        };
        acc = acc.and(t);
    }
    acc
}

/// Whether some platform CPE could be of the criterion's part (a part that is ANY, NA or a
/// pattern on either side counts as described).
fn part_described(part: &Value, platform: &[Cpe]) -> bool {
    let Some(p) = part.as_text() else { return true };
    platform.iter().any(|c| match c.part.as_text() {
        Some(q) => q.eq_ignore_ascii_case(p),
        None => true,
    })
}

/// Evaluates one NVD configuration against the CPEs an asset is made of (parsing its criteria
/// each time: an engine evaluating one configuration for many assets should
/// [`CompiledConfiguration::compile`] it once). `version_check` decides whether an asset CPE's
/// version satisfies a criterion's version (its version attribute and its start/end bounds);
/// it gets the criterion, the criterion's parsed name and the asset CPE, and is called only for
/// pairs whose names are not DISJOINT on every other attribute. The semantics are those of
/// [`CompiledConfiguration`].
pub fn evaluate(
    config: &Configuration,
    platform: &[Cpe],
    version_check: &mut dyn FnMut(&CpeMatch, &Cpe, &Cpe) -> Truth,
) -> ConfigVerdict {
    CompiledConfiguration::compile(config).evaluate(platform, version_check)
}

/// [`CompiledConfiguration::evaluate`] as a function.
pub fn evaluate_compiled(
    compiled: &CompiledConfiguration,
    platform: &[Cpe],
    version_check: &mut dyn FnMut(&CpeMatch, &Cpe, &Cpe) -> Truth,
) -> ConfigVerdict {
    compiled.evaluate(platform, version_check)
}
