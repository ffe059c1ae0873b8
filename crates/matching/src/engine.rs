//! The matching engine: what an asset is made of (its *platform*) × advisory statements →
//! [`Verdict`]s with evidence.
//!
//! # Platforms
//! An asset's platform is its identity (vendor, product, model / order number, firmware) and its
//! components (each with vendor, name, version, CPE, purl), turned into *parts*: the device itself
//! (slot `device`) and one part per component (slot `c:<normalised name>`). Assets made of the
//! same things have the same [`PlatformInput`], so a plant of 100,000 assets built from a few
//! hundred kinds of device is matched a few hundred times, not 100,000 times.
//!
//! The platform's CPEs are the components' stated CPEs (basis `cpe`) and CPEs derived from the
//! device's names (basis `derived-cpe`): hardware `h:<vendor>:<product>` and firmware
//! `o:<vendor>:<product>_firmware:<firmware>`, for the product as written and as the model table
//! resolves it, with the vendor's first CPE vendor name from `vendors.tsv`.
//!
//! # Index keys
//! Statements and platforms both reduce to keys — `v:<vendor key>`, `cpe:<cpe vendor>:<cpe
//! product>`, `purl:<type>/<namespace>/<name>` — and only statements sharing a key with a
//! platform are evaluated against it. The store keeps the keys of every advisory and platform, so
//! a new advisory is matched only against the platforms that share one of its keys.
//!
//! # Statements
//! - **Product statements** (CSAF, CVE 5 CNA): the vendor keys must agree; then, in order, a
//!   model number the statement lists matches the asset's (`*`/`?` globs; basis `model-number`);
//!   the product name equals the asset's product, or the product the model table resolves, or the
//!   statement names the product with a version that the asset's version starts with
//!   (`SIMATIC WinCC V7.5` for WinCC `V7.5 SP2 Update 12`) — basis `product`; when the statement
//!   lists model numbers and the asset's model is known and none matches, nothing else is tried;
//!   the statement's product (minus `family`, `series`, `all`, parenthesised text) or family is
//!   the asset's family, or a token prefix of at least two tokens of the asset's product, one of
//!   them with a digit — basis `family`. Then the asset's version is compared with the
//!   statement's range under the vendor's profile ([`crate::range::contains`]).
//! - **Configurations** (NVD, CVE 5 ADP): evaluated by [`crate::cpe::evaluate`] over the
//!   platform's CPEs; a criterion's version and bounds are decided by [`crate::range`].
//! - **Purls**: type, namespace and name equal, then the version as a range.
//!
//! # Confidence
//! `high`: basis model number, product, stated CPE or purl, and a version inside the range (or a
//! statement about all versions). `medium`: basis family or derived CPE, and the version inside.
//! `low`: the version could not be compared (no version, unparsed range, a version that does not
//! read).
//!
//! # Weighing
//! Per part and vulnerability, the evidence of each status is weighed by its best confidence:
//! not affected wins when at least as confident as every affected / under-investigation
//! statement (unless the same advisory says both — then affected); fixed wins only when strictly
//! more confident (an advisory that contradicts itself errs towards affected); then affected;
//! then under investigation. Rejected CVE records are never evidence.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use model::advisory::{
    Advisory, AdvisoryKind, Configuration, ProductName, ProductStatus, Remediation, Source, Target, VersionSpec,
};
use model::finding::{DEVICE_SLOT, Evidence, FindingRemedy, MatchBasis, Verdict, status_of};
use model::{Component, ComponentKind, Confidence, FindingStatus, Identity};
use serde::{Deserialize, Serialize};

use crate::cpe::{self, Cpe, Truth};
use crate::identity::{Tables, glob, norm_model, norm_product};
use crate::range::{self, Containment, Decision};
use crate::version::{self, Profile};

/// What matching needs to know about an asset. Equal inputs give equal verdicts; the store keeps
/// one row per distinct input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

impl PlatformInput {
    pub fn new(identity: &Identity, components: &[Component]) -> PlatformInput {
        let clean = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        PlatformInput {
            vendor: clean(&identity.vendor),
            product: clean(&identity.product),
            model: clean(&identity.model),
            hardware_version: clean(&identity.hardware_version),
            firmware: clean(&identity.firmware),
            components: components.to_vec(),
        }
    }

    /// A canonical text of the input: equal inputs, equal fingerprints.
    pub fn fingerprint(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Nothing to match on.
    pub fn is_empty(&self) -> bool {
        self.vendor.is_none() && self.product.is_none() && self.model.is_none() && self.components.is_empty()
    }
}

/// One part of a platform: the device, or a component.
#[derive(Debug, Clone)]
pub struct Part {
    pub slot: String,
    /// The component's name, for a component part.
    pub component: Option<String>,
    pub kind: Option<ComponentKind>,
    pub vendor: Option<String>,
    pub vendor_key: Option<String>,
    /// [`short_hash`] of `vendor_key` (0 when none): compared before the strings.
    vendor_hash: u64,
    pub product: Option<String>,
    product_norm: Option<String>,
    /// Product and family the model table resolves the model number to.
    pub resolved_product: Option<String>,
    resolved_norm: Option<String>,
    pub family: Option<String>,
    family_norm: Option<String>,
    pub model: Option<String>,
    model_norm: Option<String>,
    pub version: Option<String>,
    pub profile: Profile,
    pub purl: Option<String>,
    /// Vendor and product of the CPE the inventory states for this part (lower case).
    cpe_vp: Option<(String, String, u64)>,
    /// Type and `namespace/name` of the part's purl.
    purl_parts: Option<(String, String)>,
    /// First words of the product, resolved product and family names: a product statement can
    /// only match by name when its own first word is one of these.
    first_words: Vec<String>,
}

/// A platform CPE and where it came from.
#[derive(Debug, Clone)]
pub struct PlatformCpe {
    pub cpe: Cpe,
    pub text: String,
    /// Index into [`Platform::parts`].
    pub part: usize,
    /// Stated by the inventory (`true`) or derived from names (`false`).
    pub stated: bool,
}

/// An asset's parts and CPEs, ready to match.
#[derive(Debug, Clone)]
pub struct Platform {
    pub parts: Vec<Part>,
    pub cpes: Vec<PlatformCpe>,
    /// The CPEs alone, in the order of `cpes`, as configuration evaluation takes them.
    cpe_list: Vec<Cpe>,
    /// [`Platform::keys`], computed once.
    keys: Vec<String>,
}

/// Slug of a product name as NVD writes CPE products: lower case, spaces to `_`.
fn cpe_slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The part of a version that matters for a CPE version attribute: the leading `V` of ICS
/// versions dropped (`V2.9.4` → `2.9.4`).
fn cpe_version(v: &str) -> String {
    let t = v.trim();
    match t.strip_prefix(['V', 'v']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_string(),
        _ => t.to_string(),
    }
}

fn opt_norm(s: &Option<String>, f: fn(&str) -> String) -> Option<String> {
    s.as_deref().map(f).filter(|s| !s.is_empty())
}

impl Platform {
    pub fn new(input: &PlatformInput, tables: &Tables) -> Platform {
        let mut parts = Vec::with_capacity(1 + input.components.len());
        let mut cpes = Vec::new();
        let vendor_key = input.vendor.as_deref().map(|v| tables.vendor_key(v));
        let resolved = match (&vendor_key, &input.model) {
            (Some(k), Some(m)) => tables.model(k, m),
            _ => None,
        };
        let device = Part {
            slot: DEVICE_SLOT.to_string(),
            component: None,
            kind: None,
            vendor: input.vendor.clone(),
            vendor_key: vendor_key.clone(),
            vendor_hash: vendor_key.as_deref().map_or(0, short_hash),
            product: input.product.clone(),
            product_norm: opt_norm(&input.product, norm_product),
            resolved_product: resolved.map(|r| r.product.clone()),
            resolved_norm: resolved.map(|r| norm_product(&r.product)),
            family: resolved.and_then(|r| r.family.clone()),
            family_norm: resolved.and_then(|r| r.family.as_deref().map(norm_product)),
            model: input.model.clone(),
            model_norm: opt_norm(&input.model, norm_model),
            version: input.firmware.clone(),
            profile: input.vendor.as_deref().map_or(Profile::Generic, |v| tables.profile(v)),
            purl: None,
            cpe_vp: None,
            purl_parts: None,
            first_words: Vec::new(),
        };
        // Derived CPEs of the device: hardware and firmware, by product name and resolved product.
        if let Some(cpe_vendor) =
            input.vendor.as_deref().and_then(|v| tables.vendor(v)).and_then(|v| v.cpe_vendors.first())
        {
            let mut names: Vec<&str> = Vec::new();
            if let Some(p) = input.product.as_deref() {
                names.push(p);
            }
            if let Some(r) = resolved
                && !names.iter().any(|n| norm_product(n) == norm_product(&r.product))
            {
                names.push(&r.product);
            }
            for name in names {
                let slug = cpe_slug(name);
                let hw_version = input.hardware_version.as_deref().map(cpe_version);
                let hw = Cpe::new("h", cpe_vendor, &slug, hw_version.as_deref());
                let fw_version = input.firmware.as_deref().map(cpe_version);
                let fw = Cpe::new("o", cpe_vendor, &format!("{slug}_firmware"), fw_version.as_deref());
                for c in [hw, fw].into_iter().flatten() {
                    cpes.push(PlatformCpe { text: c.to_fs(), cpe: c, part: 0, stated: false });
                }
            }
        }
        parts.push(device);
        let mut slots: HashSet<String> = HashSet::new();
        for c in &input.components {
            let mut slot = format!("c:{}", cpe_slug(&norm_product(&c.name)));
            let mut n = 2;
            while !slots.insert(slot.clone()) {
                slot = format!("c:{}-{n}", cpe_slug(&norm_product(&c.name)));
                n += 1;
            }
            let vendor = c.vendor.clone().or_else(|| input.vendor.clone());
            let idx = parts.len();
            if let Some(text) = c.cpe.as_deref()
                && let Ok(cpe) = Cpe::parse(text)
            {
                cpes.push(PlatformCpe { text: cpe.to_fs(), cpe, part: idx, stated: true });
            }
            parts.push(Part {
                slot,
                component: Some(c.name.clone()),
                kind: Some(c.kind),
                vendor_key: vendor.as_deref().map(|v| tables.vendor_key(v)),
                vendor_hash: vendor.as_deref().map_or(0, |v| short_hash(&tables.vendor_key(v))),
                profile: vendor.as_deref().map_or(Profile::Generic, |v| tables.profile(v)),
                vendor,
                product: Some(c.name.clone()),
                product_norm: Some(norm_product(&c.name)).filter(|s| !s.is_empty()),
                resolved_product: None,
                resolved_norm: None,
                family: None,
                family_norm: None,
                model: None,
                model_norm: None,
                version: c.version.clone(),
                purl: c.purl.clone(),
                cpe_vp: c.cpe.as_deref().and_then(|t| Cpe::parse(t).ok()).as_ref().and_then(cpe_vp),
                purl_parts: c.purl.as_deref().and_then(purl_parts),
                first_words: Vec::new(),
            });
        }
        for p in &mut parts {
            p.first_words = first_words([&p.product_norm, &p.resolved_norm, &p.family_norm].into_iter().flatten());
        }
        let cpe_list = cpes.iter().map(|c| c.cpe.clone()).collect();
        let mut p = Platform { parts, cpes, cpe_list, keys: Vec::new() };
        p.keys = p.compute_keys();
        p
    }

    /// The index keys of this platform.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    fn compute_keys(&self) -> Vec<String> {
        let mut keys = BTreeSet::new();
        for p in &self.parts {
            if let Some(k) = &p.vendor_key {
                keys.insert(format!("v:{k}"));
            }
            if let Some(k) = p.purl.as_deref().and_then(purl_key) {
                keys.insert(k);
            }
        }
        for c in &self.cpes {
            if let Some(k) = cpe_key(&c.cpe) {
                keys.insert(k);
            }
        }
        keys.into_iter().collect()
    }
}

/// FNV-1a 64 of a string: a cheap first comparison of keys (equal strings, equal hashes).
fn short_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Part, vendor and product of a CPE (`o:redhat:enterprise_linux`), lower case: a statement
/// naming the application `a:redhat:enterprise_linux` (a package stream on RHEL) is not about the
/// operating system `o:redhat:enterprise_linux`.
fn cpe_vp(c: &Cpe) -> Option<(String, String, u64)> {
    let part = c.part.as_text().unwrap_or("*").to_lowercase();
    let vendor = format!("{part}:{}", c.vendor.as_text()?.to_lowercase());
    let product = c.product.as_text()?.to_lowercase();
    let hash = short_hash(&vendor) ^ short_hash(&product).rotate_left(1);
    Some((vendor, product, hash))
}

fn cpe_key(c: &Cpe) -> Option<String> {
    let v = c.vendor.as_text()?;
    let p = c.product.as_text()?;
    if v.contains(['*', '?']) || p.contains(['*', '?']) {
        return None;
    }
    Some(format!("cpe:{}:{}", v.to_lowercase(), p.to_lowercase()))
}

/// `pkg:type/namespace/name@version?…#…` → `purl:type/namespace/name` (lower case).
fn purl_key(purl: &str) -> Option<String> {
    let (ty, path) = purl_parts(purl)?;
    Some(format!("purl:{ty}/{path}"))
}

/// Type and `namespace/name` of a purl, lower-cased; `None` when it is not a purl.
fn purl_parts(purl: &str) -> Option<(String, String)> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let rest = rest.split(['#', '?']).next()?;
    let rest = rest.rsplit_once('@').map_or(rest, |(a, _)| a);
    let (ty, path) = rest.split_once('/')?;
    if ty.is_empty() || path.is_empty() {
        return None;
    }
    Some((ty.to_lowercase(), path.trim_matches('/').to_lowercase()))
}

fn purl_version(purl: &str) -> Option<String> {
    let rest = purl.trim().split(['#', '?']).next()?;
    let (_, v) = rest.rsplit_once('@')?;
    Some(v.to_string()).filter(|v| !v.is_empty())
}

/// The index keys of an advisory, each with the vulnerability its statement is about.
pub fn advisory_keys(adv: &Advisory, tables: &Tables) -> Vec<(String, String)> {
    let mut out = BTreeSet::new();
    if adv.rejected {
        return Vec::new();
    }
    for st in &adv.affected {
        match &st.target {
            Target::Product { product, .. } => {
                for k in product_keys(product, tables) {
                    out.insert((k, st.vulnerability.clone()));
                }
            }
            Target::Configuration { configuration } => {
                for k in configuration_keys(configuration) {
                    out.insert((k, st.vulnerability.clone()));
                }
            }
        }
    }
    out.into_iter().collect()
}

fn product_keys(p: &ProductName, tables: &Tables) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(v) = p.vendor.as_deref().filter(|v| !v.trim().is_empty()) {
        keys.push(format!("v:{}", tables.vendor_key(v)));
    }
    if let Some(c) = p.cpe.as_deref().and_then(|c| Cpe::parse(c).ok()) {
        if let Some(k) = cpe_key(&c) {
            keys.push(k);
        }
        if p.vendor.is_none()
            && let Some(v) = c.vendor.as_text()
        {
            keys.push(format!("v:{}", tables.vendor_key(v)));
        }
    }
    if let Some(k) = p.purl.as_deref().and_then(purl_key) {
        keys.push(k);
    }
    keys
}

fn configuration_keys(c: &Configuration) -> Vec<String> {
    fn walk(n: &model::advisory::ConfigNode, out: &mut Vec<String>) {
        for m in &n.matches {
            if m.vulnerable
                && let Ok(c) = Cpe::parse(&m.criteria)
                && let Some(k) = cpe_key(&c)
            {
                out.push(k);
            }
        }
        for ch in &n.children {
            walk(ch, out);
        }
    }
    let mut out = Vec::new();
    for n in &c.nodes {
        walk(n, &mut out);
    }
    out
}

/// A product name of a statement, normalised once.
#[derive(Debug, Clone)]
struct NameKey {
    vendor_key: Option<String>,
    vendor_hash: u64,
    product: Option<String>,
    /// The product without filler words (`family`, `series`, `all`, parenthesised text).
    product_core: Option<String>,
    /// The product name split into a base and a trailing version (`simatic wincc` + `V7.5`).
    product_versioned: Option<(String, String)>,
    family: Option<String>,
    /// Model numbers without wildcards, sorted (binary search), and those with wildcards.
    models: Vec<String>,
    model_globs: Vec<String>,
    purl: Option<(String, String)>,
    /// Vendor and product of the statement's CPE (lower case).
    cpe_vp: Option<(String, String, u64)>,
    /// The version attribute of the statement's CPE, when it names one.
    cpe_version: Option<String>,
    /// First words of every name of the statement (see [`Part::first_words`]).
    first_words: Vec<String>,
}

const FILLER: &[&str] = &["family", "series", "all", "devices", "device", "products", "product", "versions", "and"];

fn strip_parens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn looks_like_version(token: &str) -> bool {
    let t = token.trim_start_matches(['v', 'V']);
    t.starts_with(|c: char| c.is_ascii_digit()) && t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == 'x')
}

impl NameKey {
    fn new(p: &ProductName, tables: &Tables) -> NameKey {
        let cpe = p.cpe.as_deref().and_then(|c| Cpe::parse(c).ok());
        let vendor = p.vendor.clone().or_else(|| cpe.as_ref().and_then(|c| c.vendor.as_text().map(str::to_string)));
        let product = p.product.as_deref().map(norm_product).filter(|s| !s.is_empty());
        let product_core = p.product.as_deref().map(|s| {
            norm_product(&strip_parens(s)).split(' ').filter(|w| !FILLER.contains(w)).collect::<Vec<_>>().join(" ")
        });
        let product_versioned = p.product.as_deref().and_then(|s| {
            let words: Vec<&str> = s.split_whitespace().collect();
            let (last, base) = words.split_last()?;
            if base.is_empty() || !looks_like_version(last) {
                return None;
            }
            Some((norm_product(&base.join(" ")), (*last).to_string()))
        });
        let mut key = NameKey {
            vendor_key: vendor.as_deref().map(|v| tables.vendor_key(v)),
            vendor_hash: 0,
            product,
            product_core: product_core.filter(|s| !s.is_empty()),
            product_versioned,
            family: p.family.as_deref().map(norm_product).filter(|s| !s.is_empty()),
            models: Vec::new(),
            model_globs: Vec::new(),
            purl: p.purl.as_deref().and_then(purl_parts),
            cpe_vp: cpe.as_ref().and_then(cpe_vp),
            cpe_version: cpe.as_ref().and_then(|c| c.version.as_text()).filter(|v| !v.is_empty()).map(str::to_string),
            first_words: Vec::new(),
        };
        key.vendor_hash = key.vendor_key.as_deref().map_or(0, short_hash);
        key.first_words = first_words(
            [
                key.product.as_ref(),
                key.product_core.as_ref(),
                key.family.as_ref(),
                key.product_versioned.as_ref().map(|(b, _)| b),
            ]
            .into_iter()
            .flatten(),
        );
        for m in p.model_numbers.iter().map(|m| norm_model(m)).filter(|m| !m.is_empty()) {
            if m.contains(['*', '?']) {
                key.model_globs.push(m);
            } else {
                key.models.push(m);
            }
        }
        key.models.sort();
        key.models.dedup();
        key
    }

    /// How this name matches a part, if it does.
    fn matches(&self, part: &Part) -> Option<(MatchBasis, String)> {
        if let (Some(a), Some(b)) = (&self.purl, &part.purl_parts)
            && a == b
        {
            return Some((MatchBasis::Purl, format!("purl {}", part.purl.as_deref().unwrap_or_default())));
        }
        if let (Some(a), Some(b)) = (&self.cpe_vp, &part.cpe_vp) {
            // Both name a CPE: they decide (a package stream `a:redhat:enterprise_linux` is not
            // the operating system `o:redhat:enterprise_linux`, whatever the names say).
            if a.2 != b.2 || a.0 != b.0 || a.1 != b.1 {
                return None;
            }
            return Some((MatchBasis::Cpe, format!("cpe product {}:{}", b.0, b.1)));
        }
        let vk = self.vendor_key.as_deref()?;
        if part.vendor_hash != self.vendor_hash || part.vendor_key.as_deref() != Some(vk) {
            return None;
        }
        if let Some(model) = &part.model_norm
            && (self.models.binary_search(model).is_ok() || self.model_globs.iter().any(|m| glob(m, model)))
        {
            return Some((MatchBasis::ModelNumber, format!("model {}", part.model.as_deref().unwrap_or_default())));
        }
        if !self.first_words.iter().any(|w| part.first_words.binary_search(w).is_ok()) {
            return None;
        }
        let product_names = [part.product_norm.as_deref(), part.resolved_norm.as_deref()];
        if let Some(p) = &self.product
            && product_names.iter().flatten().any(|n| n == p)
        {
            return Some((MatchBasis::Product, format!("product {}", self.display_product(part))));
        }
        if let Some((base, v)) = &self.product_versioned
            && product_names.iter().flatten().any(|n| n == base)
            && let Some(av) = part.version.as_deref()
            && version_prefix(v, av, part.profile)
        {
            return Some((MatchBasis::Product, format!("product {} {av}", self.display_product(part))));
        }
        if !(self.models.is_empty() && self.model_globs.is_empty()) && part.model_norm.is_some() {
            return None;
        }
        let family_match = |f: &str| {
            part.family_norm.as_deref() == Some(f)
                || product_names.iter().flatten().any(|n| token_prefix(f, n) && family_worthy(f))
        };
        if let Some(f) = &self.family
            && family_match(f)
        {
            return Some((MatchBasis::Family, format!("family {f}")));
        }
        if let Some(core) = &self.product_core
            && family_match(core)
        {
            return Some((MatchBasis::Family, format!("family {core}")));
        }
        None
    }

    fn display_product(&self, part: &Part) -> String {
        part.product.clone().or_else(|| part.resolved_product.clone()).unwrap_or_default()
    }
}

/// The first word of each name, sorted and deduplicated (for binary search).
fn first_words<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut words: Vec<String> = names.filter_map(|n| n.split(' ').next().map(str::to_string)).collect();
    words.sort();
    words.dedup();
    words
}

/// `prefix`'s words are the first words of `name`.
fn token_prefix(prefix: &str, name: &str) -> bool {
    let mut a = prefix.split(' ');
    let mut b = name.split(' ');
    loop {
        match (a.next(), b.next()) {
            (None, _) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

/// A family name specific enough to match on: two words or more, one of them with a digit.
fn family_worthy(f: &str) -> bool {
    f.split(' ').count() >= 2 && f.chars().any(|c| c.is_ascii_digit())
}

/// The asset version starts with the version a product name carries (`V7.5` for `V7.5 SP2`).
fn version_prefix(name_version: &str, asset_version: &str, profile: Profile) -> bool {
    let nv = name_version.trim_start_matches(['v', 'V']);
    let av = asset_version.trim().trim_start_matches(['v', 'V']);
    if !av.starts_with(nv) {
        return false;
    }
    let rest = &av[nv.len()..];
    let boundary = rest.is_empty() || rest.starts_with(|c: char| !c.is_ascii_digit());
    boundary && version::validate(nv, profile).is_ok()
}

/// One compiled statement.
#[derive(Debug)]
struct Stmt {
    advisory: u32,
    vulnerability: String,
    status: ProductStatus,
    justification: Option<String>,
    detail: Option<String>,
    body: Body,
}

#[derive(Debug)]
enum Body {
    Product { name: Box<NameKey>, display: String, versions: VersionSpec },
    Config { configuration: Box<cpe::CompiledConfiguration> },
}

#[derive(Debug)]
struct AdvMeta {
    id: String,
    kind: AdvisoryKind,
    source: Source,
    revision: Option<String>,
    aliases: Vec<String>,
    remediations: Vec<(Remediation, Vec<NameKey>)>,
}

/// Statements of many advisories, indexed by key.
#[derive(Debug, Default)]
pub struct Index {
    advisories: Vec<AdvMeta>,
    statements: Vec<Stmt>,
    by_key: HashMap<String, Vec<u32>>,
}

fn describe_product(p: &ProductName) -> String {
    let mut s = String::new();
    for part in [p.vendor.as_deref(), p.family.as_deref(), p.product.as_deref()].into_iter().flatten() {
        if !s.is_empty() && !part.starts_with(&*s) {
            s.push(' ');
        } else if part.starts_with(&*s) {
            s.clear();
        }
        s.push_str(part);
    }
    let unnamed: Vec<&str> = p.model_numbers.iter().map(String::as_str).filter(|m| !s.contains(m)).collect();
    if !unnamed.is_empty() {
        s.push_str(&format!(" ({})", unnamed.join(", ")));
    }
    if let Some(c) = &p.cpe {
        s.push_str(&format!(" [{c}]"));
    }
    if let Some(u) = &p.purl {
        s.push_str(&format!(" [{u}]"));
    }
    s
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Number of advisories added.
    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// Appends another index's advisories and statements (built from other advisories).
    pub fn merge(&mut self, other: Index) {
        let a_off = self.advisories.len() as u32;
        let s_off = self.statements.len() as u32;
        self.advisories.extend(other.advisories);
        self.statements.extend(other.statements.into_iter().map(|mut st| {
            st.advisory += a_off;
            st
        }));
        for (k, v) in other.by_key {
            self.by_key.entry(k).or_default().extend(v.into_iter().map(|s| s + s_off));
        }
    }

    /// Adds an advisory's statements. Rejected records add nothing.
    pub fn add(&mut self, adv: &Advisory, tables: &Tables) {
        if adv.rejected || adv.affected.is_empty() {
            return;
        }
        let a = self.advisories.len() as u32;
        self.advisories.push(AdvMeta {
            id: adv.id.clone(),
            kind: adv.kind,
            source: adv.provenance.source,
            revision: adv.provenance.revision.clone(),
            aliases: adv.aliases.clone(),
            remediations: adv
                .remediations
                .iter()
                .map(|r| (r.clone(), r.products.iter().map(|p| NameKey::new(p, tables)).collect()))
                .collect(),
        });
        for st in &adv.affected {
            let (keys, body) = match &st.target {
                Target::Product { product, versions } => (
                    product_keys(product, tables),
                    Body::Product {
                        name: Box::new(NameKey::new(product, tables)),
                        display: describe_product(product),
                        versions: versions.clone(),
                    },
                ),
                Target::Configuration { configuration } => (
                    configuration_keys(configuration),
                    Body::Config { configuration: Box::new(cpe::CompiledConfiguration::compile(configuration)) },
                ),
            };
            if keys.is_empty() {
                continue;
            }
            let s = self.statements.len() as u32;
            self.statements.push(Stmt {
                advisory: a,
                vulnerability: st.vulnerability.clone(),
                status: st.status,
                justification: st.justification.map(|j| {
                    serde_json::to_value(j).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
                }),
                detail: st.detail.clone(),
                body,
            });
            let mut seen = HashSet::new();
            for k in keys {
                if seen.insert(k.clone()) {
                    self.by_key.entry(k).or_default().push(s);
                }
            }
        }
    }

    /// Verdicts for a platform, sorted by slot and vulnerability. With `only`, just the
    /// verdicts about those vulnerabilities.
    pub fn evaluate(&self, platform: &Platform, only: Option<&HashSet<String>>) -> Vec<Verdict> {
        let mut candidates: Vec<u32> = Vec::new();
        for k in platform.keys() {
            if let Some(v) = self.by_key.get(k) {
                candidates.extend_from_slice(v);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        // (slot part index, vulnerability) → evidence with the advisory index.
        let mut found: HashMap<(usize, String), Vec<(u32, Evidence)>> = HashMap::new();
        for s in candidates {
            let st = &self.statements[s as usize];
            if only.is_some_and(|o| !o.contains(&st.vulnerability)) {
                continue;
            }
            for (part, ev) in self.eval_statement(st, platform) {
                found.entry((part, st.vulnerability.clone())).or_default().push((st.advisory, ev));
            }
        }
        let mut per_vuln: BTreeMap<String, Vec<Verdict>> = BTreeMap::new();
        for ((part, vuln), ev) in found {
            if let Some(v) = self.weigh(platform, part, vuln, ev) {
                per_vuln.entry(v.vulnerability.clone()).or_default().push(v);
            }
        }
        per_vuln.into_values().filter_map(collapse).collect()
    }

    fn eval_statement(&self, st: &Stmt, platform: &Platform) -> Vec<(usize, Evidence)> {
        let meta = &self.advisories[st.advisory as usize];
        let mut out = Vec::new();
        match &st.body {
            Body::Product { name, display, versions } => {
                for (i, part) in platform.parts.iter().enumerate() {
                    let Some((basis, matched)) = name.matches(part) else { continue };
                    let version = match basis {
                        MatchBasis::Purl => {
                            part.purl.as_deref().and_then(purl_version).or_else(|| part.version.clone())
                        }
                        _ => part.version.clone(),
                    };
                    let decision = match version.as_deref() {
                        Some(v) => range::contains(versions, v, part.profile),
                        None if matches!(versions, VersionSpec::All) => range::contains(versions, "", part.profile),
                        None => Decision {
                            containment: Containment::Unknown { reason: "the asset's version is not known".into() },
                            comparator: "none".into(),
                            range: range::contains(versions, "0", part.profile).range,
                        },
                    };
                    let decision = match (&name.cpe_version, basis, versions) {
                        // A product named by a CPE with a version (`cpe:/o:redhat:enterprise_linux:8`)
                        // and no range: the CPE's version is the range (8 covers 8.8, not 9.0).
                        (Some(cv), MatchBasis::Cpe, VersionSpec::All) => match version.as_deref() {
                            Some(v) => {
                                let inside = version_prefix(cv, v, part.profile)
                                    || version::compare(cv, v, part.profile).is_ok_and(|o| o.is_eq());
                                Decision {
                                    containment: if inside { Containment::Inside } else { Containment::Outside },
                                    comparator: part.profile.as_str().into(),
                                    range: format!("version {cv} (from the CPE)"),
                                }
                            }
                            None => Decision {
                                containment: Containment::Unknown { reason: "the asset's version is not known".into() },
                                comparator: "none".into(),
                                range: format!("version {cv} (from the CPE)"),
                            },
                        },
                        (_, _, VersionSpec::All) => Decision { containment: Containment::Inside, ..decision },
                        _ => decision,
                    };
                    if matches!(decision.containment, Containment::Outside) {
                        continue;
                    }
                    let confidence = confidence(basis, &decision.containment);
                    out.push((
                        i,
                        self.evidence(st, meta, display.clone(), basis, matched, version, decision, confidence),
                    ));
                }
            }
            Body::Config { configuration } => {
                if platform.cpe_list.is_empty() {
                    return out;
                }
                // Decisions by (criterion, asset CPE) identity: both live through the evaluation.
                let mut decisions: HashMap<(usize, usize), Decision> = HashMap::new();
                let mut check = |m: &model::advisory::CpeMatch, crit: &Cpe, asset: &Cpe| -> Truth {
                    let d = cpe_version_decision(m, crit, asset, self_profile(crit));
                    let t = match d.containment {
                        Containment::Inside => Truth::True,
                        Containment::Outside => Truth::False,
                        Containment::Unknown { .. } => Truth::Unknown,
                    };
                    decisions.insert((std::ptr::from_ref(m) as usize, std::ptr::from_ref(asset) as usize), d);
                    t
                };
                let verdict = configuration.evaluate(&platform.cpe_list, &mut check);
                if verdict.truth == Truth::False {
                    return out;
                }
                let platform_text: Vec<String> = verdict
                    .platform
                    .iter()
                    .filter(|h| h.truth != Truth::False)
                    .map(|h| h.criteria.criteria.clone())
                    .collect();
                for hit in verdict.vulnerable.iter().filter(|h| h.truth != Truth::False) {
                    let Some(pc) = platform.cpes.get(hit.platform) else { continue };
                    let key = configuration.criteria().map(|(m, _)| m).find(|m| **m == hit.criteria).map(|m| {
                        (std::ptr::from_ref(m) as usize, std::ptr::from_ref(&platform.cpe_list[hit.platform]) as usize)
                    });
                    let decision = key.and_then(|k| decisions.remove(&k)).unwrap_or(Decision {
                        containment: Containment::Unknown { reason: "configuration truth unknown".into() },
                        comparator: "none".into(),
                        range: String::new(),
                    });
                    let decision =
                        if verdict.truth == Truth::Unknown && matches!(decision.containment, Containment::Inside) {
                            Decision {
                                containment: Containment::Unknown {
                                    reason: "the platform the configuration requires is not known".into(),
                                },
                                ..decision
                            }
                        } else {
                            decision
                        };
                    if matches!(decision.containment, Containment::Outside) {
                        continue;
                    }
                    let basis = if pc.stated { MatchBasis::Cpe } else { MatchBasis::DerivedCpe };
                    let confidence = confidence(basis, &decision.containment);
                    let part = &platform.parts[pc.part];
                    let mut ev = self.evidence(
                        st,
                        meta,
                        hit.criteria.criteria.clone(),
                        basis,
                        format!("cpe {}", pc.text),
                        part.version.clone().or_else(|| pc.cpe.version.as_text().map(str::to_string)),
                        decision,
                        confidence,
                    );
                    ev.platform = platform_text.clone();
                    out.push((pc.part, ev));
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn evidence(
        &self,
        st: &Stmt,
        meta: &AdvMeta,
        statement: String,
        basis: MatchBasis,
        matched: String,
        version: Option<String>,
        decision: Decision,
        confidence: Confidence,
    ) -> Evidence {
        Evidence {
            advisory: meta.id.clone(),
            source: meta.source,
            revision: meta.revision.clone(),
            statement,
            status: st.status,
            basis,
            matched,
            version,
            range: decision.range,
            comparator: decision.comparator,
            containment: match decision.containment {
                Containment::Inside => "inside".into(),
                Containment::Outside => "outside".into(),
                Containment::Unknown { reason } => format!("unknown: {reason}"),
            },
            confidence,
            platform: Vec::new(),
            justification: st.justification.clone(),
            detail: st.detail.clone(),
        }
    }

    fn weigh(
        &self,
        platform: &Platform,
        part: usize,
        vulnerability: String,
        ev: Vec<(u32, Evidence)>,
    ) -> Option<Verdict> {
        let best = |s: ProductStatus| ev.iter().filter(|(_, e)| e.status == s).map(|(_, e)| e.confidence).max();
        let aff = best(ProductStatus::Affected);
        let inv = best(ProductStatus::UnderInvestigation);
        let na = best(ProductStatus::NotAffected);
        let fx = best(ProductStatus::Fixed);
        let open = aff.max(inv);
        let self_contradiction = |s: ProductStatus| {
            ev.iter()
                .any(|(a, e)| e.status == s && ev.iter().any(|(b, f)| a == b && f.status == ProductStatus::Affected))
        };
        let status =
            if na.is_some() && na >= open && !(open.is_some() && self_contradiction(ProductStatus::NotAffected)) {
                ProductStatus::NotAffected
            } else if fx.is_some() && fx > open {
                ProductStatus::Fixed
            } else if aff.is_some() {
                ProductStatus::Affected
            } else if inv.is_some() {
                ProductStatus::UnderInvestigation
            } else {
                return None;
            };
        let confidence = best(status)?;
        // The deciding advisory: most confident, vendor documents before CVE records, then by id.
        let (primary, _) =
            ev.iter().filter(|(_, e)| e.status == status && e.confidence == confidence).min_by_key(|(a, e)| {
                let m = &self.advisories[*a as usize];
                (matches!(m.kind, AdvisoryKind::Cve), e.advisory.clone())
            })?;
        let primary = *primary;
        let part_ref = &platform.parts[part];
        let mut advisories: Vec<String> = ev.iter().map(|(_, e)| e.advisory.clone()).collect();
        advisories.sort();
        advisories.dedup();
        let mut adv_idx: Vec<u32> = ev.iter().map(|(a, _)| *a).collect();
        adv_idx.sort_unstable();
        adv_idx.dedup();
        let mut remedies = Vec::new();
        for a in adv_idx {
            let m = &self.advisories[a as usize];
            for (r, names) in &m.remediations {
                if r.vulnerability != vulnerability && !m.aliases.contains(&r.vulnerability) {
                    continue;
                }
                if !names.is_empty() && !names.iter().any(|n| n.matches(part_ref).is_some()) {
                    continue;
                }
                let remedy = FindingRemedy {
                    advisory: m.id.clone(),
                    kind: r.kind,
                    details: r.details.chars().take(600).collect(),
                    fixed_version: r.fixed_version.clone(),
                    url: r.url.clone(),
                    restart_required: r.restart_required.clone(),
                };
                if !remedies.contains(&remedy) {
                    remedies.push(remedy);
                }
            }
        }
        let fixed_version = remedies.iter().find_map(|r| r.fixed_version.clone());
        let mut evidence: Vec<Evidence> = ev.into_iter().map(|(_, e)| e).collect();
        evidence
            .sort_by(|a, b| (b.confidence, &a.advisory, &a.statement).cmp(&(a.confidence, &b.advisory, &b.statement)));
        evidence.dedup();
        Some(Verdict {
            slot: part_ref.slot.clone(),
            component: part_ref.component.clone(),
            vulnerability,
            status: status_of(status),
            confidence,
            advisory: self.advisories[primary as usize].id.clone(),
            advisories,
            fixed_version,
            evidence,
            remedies,
        })
    }
}

/// One verdict per vulnerability and asset: when several parts of a platform (the device and a
/// firmware component describing it, two applications) have verdicts about one vulnerability,
/// the open one wins over closed ones, then the most confident, then the device; the others'
/// evidence and remedies are kept beside it.
fn collapse(mut parts: Vec<Verdict>) -> Option<Verdict> {
    parts
        .sort_by_key(|v| (!v.status.is_open(), std::cmp::Reverse(v.confidence), v.slot != DEVICE_SLOT, v.slot.clone()));
    let mut it = parts.into_iter();
    let mut first = it.next()?;
    for other in it {
        for e in other.evidence {
            if !first.evidence.contains(&e) {
                first.evidence.push(e);
            }
        }
        for r in other.remedies {
            if !first.remedies.contains(&r) {
                first.remedies.push(r);
            }
        }
        first.advisories.extend(other.advisories);
        if first.fixed_version.is_none() {
            first.fixed_version = other.fixed_version;
        }
    }
    first.advisories.sort();
    first.advisories.dedup();
    Some(first)
}

/// The profile for a criterion's vendor.
fn self_profile(crit: &Cpe) -> Profile {
    crit.vendor.as_text().map_or(Profile::Generic, |v| Tables::builtin().profile(v))
}

/// Decides a CPE criterion's version (its version attribute and NVD bounds) for an asset CPE.
fn cpe_version_decision(m: &model::advisory::CpeMatch, crit: &Cpe, asset: &Cpe, profile: Profile) -> Decision {
    let bounds = [
        m.version_start_including.as_deref(),
        m.version_start_excluding.as_deref(),
        m.version_end_including.as_deref(),
        m.version_end_excluding.as_deref(),
    ];
    let asset_version = asset.version.as_text().map(str::to_string);
    let with_update = |v: &str| match asset.update.as_text() {
        Some(u) if !u.is_empty() => format!("{v} {u}"),
        _ => v.to_string(),
    };
    if bounds.iter().any(Option::is_some) {
        let Some(v) = asset_version else {
            return unknown("the asset's version is not known", profile);
        };
        return range::within_bounds(&v, bounds[0], bounds[1], bounds[2], bounds[3], profile);
    }
    match crit.version.as_text() {
        None => match crit.version.as_pattern() {
            // A version with wildcards (`8.*`): matched as a CPE pattern.
            Some(p) => {
                let Some(v) = asset_version else {
                    return unknown("the asset's version is not known", profile);
                };
                let containment = if p.matches(&v) { Containment::Inside } else { Containment::Outside };
                Decision {
                    containment,
                    comparator: "cpe-pattern".into(),
                    range: format!("version {}", crit.version.to_fs()),
                }
            }
            // NA (`-`): NVD names the product without a version (`windows_server_2019:-`); which
            // builds it meant cannot be told, so a stated version is neither inside nor outside.
            // Hardware is named with `-`: no version applies, any unit of the model is meant.
            None if crit.version.is_na() && crit.part.as_text() == Some("h") => Decision {
                containment: Containment::Inside,
                comparator: "none".into(),
                range: "hardware (no version)".into(),
            },
            None if crit.version.is_na() => Decision {
                containment: Containment::Unknown {
                    reason: "the criterion gives no version (`-`), so which versions it means is not stated".into(),
                },
                comparator: "none".into(),
                range: "version -".into(),
            },
            None => {
                Decision { containment: Containment::Inside, comparator: "none".into(), range: "all versions".into() }
            }
        },
        Some(cv) => {
            let Some(v) = asset_version else {
                return unknown("the asset's version is not known", profile);
            };
            let cv_full = match crit.update.as_text() {
                Some(u) if !u.is_empty() => format!("{cv} {u}"),
                _ => cv.to_string(),
            };
            let containment = match version::compare(&with_update(&v), &cv_full, profile) {
                Ok(std::cmp::Ordering::Equal) => Containment::Inside,
                Ok(_) => Containment::Outside,
                Err(e) => Containment::Unknown { reason: e.to_string() },
            };
            Decision { containment, comparator: profile.as_str().into(), range: format!("= {cv_full}") }
        }
    }
}

fn unknown(reason: &str, profile: Profile) -> Decision {
    Decision {
        containment: Containment::Unknown { reason: reason.into() },
        comparator: profile.as_str().into(),
        range: String::new(),
    }
}

fn confidence(basis: MatchBasis, c: &Containment) -> Confidence {
    match c {
        Containment::Unknown { .. } | Containment::Outside => Confidence::Low,
        Containment::Inside => match basis {
            MatchBasis::ModelNumber | MatchBasis::Product | MatchBasis::Cpe | MatchBasis::Purl => Confidence::High,
            MatchBasis::Family | MatchBasis::DerivedCpe => Confidence::Medium,
            MatchBasis::Vendor => Confidence::Low,
        },
    }
}

/// Open findings first, then by confidence: the order lists use.
pub fn status_rank(s: FindingStatus) -> u8 {
    match s {
        FindingStatus::Affected => 0,
        FindingStatus::UnderInvestigation => 1,
        FindingStatus::Fixed => 2,
        FindingStatus::NotAffected => 3,
    }
}

/// Convenience for tests and small inputs: every verdict of one asset against some advisories.
pub fn match_asset(identity: &Identity, components: &[Component], advisories: &[Advisory]) -> Vec<Verdict> {
    let tables = Tables::builtin();
    let mut index = Index::new();
    for a in advisories {
        index.add(a, tables);
    }
    index.evaluate(&Platform::new(&PlatformInput::new(identity, components), tables), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::norm_name;

    #[test]
    fn purls_split() {
        assert_eq!(purl_key("pkg:npm/%40angular/core@1.2.3?x=y#p"), Some("purl:npm/%40angular/core".into()));
        assert_eq!(purl_version("pkg:pypi/django@4.2.1"), Some("4.2.1".into()));
        assert_eq!(purl_key("npm/x"), None);
    }

    #[test]
    fn names_compare() {
        assert!(token_prefix("simatic s7-1500 cpu", "simatic s7-1500 cpu 1516-3 pn/dp"));
        assert!(!token_prefix("simatic s7-1500 cpu", "simatic s7-1200 cpu 1214c"));
        assert!(family_worthy("simatic s7-1500"));
        assert!(!family_worthy("simatic"));
        assert_eq!(norm_name("SIEMENS AG"), "siemens");
    }
}
