//! The test plant, the test intelligence, an in-memory `Store` over them (with findings a test
//! fills in), and a request helper over the router.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use model::advisory::*;
use model::finding::Finding;
use model::*;
use server::StoreOpener;
use store::{
    AssetFilter, FindingFilter, FindingSummary, ImportRecord, ImportSource, IntelImport, IntelKind, IntelSourceStatus,
    IntelView, QualityReport, Store, StoreError,
};
use tower::ServiceExt;

/// A name no page may print unescaped.
pub const HOSTILE: &str = "<script>alert(\"pw\")</script> & 'x'";

/// Intelligence held in memory: the records, and the status a store would report for them.
#[derive(Default)]
pub struct MemIntel {
    pub records: Vec<IntelRecord>,
    pub status: Vec<IntelSourceStatus>,
}

/// Findings held in memory, and where matching stands (what `finding_summary` reports beside
/// the counts it computes from `findings`).
#[derive(Default, Clone)]
pub struct MemFindings {
    pub findings: Vec<Finding>,
    pub last_run: Option<String>,
    pub last_kind: Option<String>,
    pub stale: bool,
    pub unmatched_advisories: usize,
}

/// A read-only store over a plant, intelligence and findings held in memory.
pub struct MemStore(pub Arc<Plant>, pub Arc<MemIntel>, pub Arc<MemFindings>);

impl MemStore {
    fn advisories(&self) -> impl Iterator<Item = &Advisory> {
        self.1.records.iter().filter_map(|r| if let IntelRecord::Advisory(a) = r { Some(&**a) } else { None })
    }
}

fn refused<T>() -> Result<T, StoreError> {
    Err(StoreError::Refused("the test store is read-only".into()))
}

impl Store for MemStore {
    fn plant(&self) -> Result<Plant, StoreError> {
        Ok((*self.0).clone())
    }
    fn preview_plant(&self, _: &Plant) -> Result<PlantDiff, StoreError> {
        refused()
    }
    fn import_plant(&mut self, _: &Plant, _: &ImportSource) -> Result<PlantDiff, StoreError> {
        refused()
    }
    fn upsert_assets(&mut self, _: &[Asset], _: &ImportSource) -> Result<PlantDiff, StoreError> {
        refused()
    }
    fn sites(&self) -> Result<Vec<Site>, StoreError> {
        Ok(self.0.sites.clone())
    }
    fn zones(&self) -> Result<Vec<Zone>, StoreError> {
        Ok(self.0.zones.clone())
    }
    fn conduits(&self) -> Result<Vec<Conduit>, StoreError> {
        Ok(self.0.conduits.clone())
    }
    fn entry_points(&self) -> Result<Vec<EntryPoint>, StoreError> {
        Ok(self.0.entry_points.clone())
    }
    fn asset(&self, id: &str) -> Result<Option<Asset>, StoreError> {
        Ok(self.0.assets.iter().find(|a| a.id == id).cloned())
    }
    fn asset_summaries(
        &self,
        filter: &AssetFilter,
        visit: &mut dyn FnMut(AssetSummary) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let mut assets: Vec<&Asset> = self.0.assets.iter().collect();
        assets.sort_by(|a, b| a.id.cmp(&b.id));
        let mut n = 0;
        for a in assets {
            let Some(zone) = self.0.zones.iter().find(|z| z.id == a.zone) else { continue };
            let text = filter.text.as_ref().map(|t| t.to_lowercase());
            let hay = [
                Some(&a.id),
                Some(&a.name),
                a.identity.vendor.as_ref(),
                a.identity.product.as_ref(),
                a.identity.model.as_ref(),
            ];
            let text_ok = text.as_ref().is_none_or(|t| {
                hay.iter().flatten().any(|h| h.to_lowercase().contains(t))
                    || a.ips.iter().any(|ip| ip.to_string().contains(t))
            });
            if filter.site.as_ref().is_some_and(|s| s != &zone.site)
                || filter.zone.as_ref().is_some_and(|z| z != &a.zone)
                || filter.kind.is_some_and(|k| k != a.kind)
                || !text_ok
            {
                continue;
            }
            n += 1;
            visit(AssetSummary {
                id: a.id.clone(),
                name: a.name.clone(),
                site: zone.site.clone(),
                zone: a.zone.clone(),
                purdue: zone.purdue,
                kind: a.kind,
                vendor: a.identity.vendor.clone(),
                product: a.identity.product.clone(),
                model: a.identity.model.clone(),
                firmware: a.identity.firmware.clone(),
                ips: a.ips.iter().map(|i| i.to_string()).collect(),
                owner: a.owner.clone(),
                mission_impact: a.mission_impact,
                safety_impact: a.safety_impact,
            })?;
        }
        Ok(n)
    }
    fn asset_counts_by_zone(&self) -> Result<Vec<(String, usize)>, StoreError> {
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for a in &self.0.assets {
            *counts.entry(a.zone.clone()).or_default() += 1;
        }
        Ok(counts.into_iter().collect())
    }
    fn dependents(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let mut ids: Vec<String> =
            self.0.assets.iter().filter(|a| a.depends_on.iter().any(|d| d == id)).map(|a| a.id.clone()).collect();
        ids.sort();
        Ok(ids)
    }
    fn redundancy_peers(&self, group: &str) -> Result<Vec<String>, StoreError> {
        let mut ids: Vec<String> = self
            .0
            .assets
            .iter()
            .filter(|a| a.redundancy_group.as_deref() == Some(group))
            .map(|a| a.id.clone())
            .collect();
        ids.sort();
        Ok(ids)
    }
    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        Ok(Vec::new())
    }
    fn begin_intel_import(&mut self, _: &str) -> Result<Box<dyn IntelImport + '_>, StoreError> {
        refused()
    }
    fn intel_status(&self) -> Result<Vec<IntelSourceStatus>, StoreError> {
        Ok(self.1.status.clone())
    }
    fn intel_lookup(&self, id: &str) -> Result<IntelView, StoreError> {
        let id = id.trim();
        let mut view = IntelView::default();
        if id.is_empty() {
            return Ok(view);
        }
        let is = |s: &str| s.trim().eq_ignore_ascii_case(id);
        view.advisories = self.advisories().filter(|a| is(&a.id) || a.aliases.iter().any(|x| is(x))).cloned().collect();
        view.advisories.sort_by(|a, b| {
            (a.provenance.source, &a.id, &a.provenance.document).cmp(&(
                b.provenance.source,
                &b.id,
                &b.provenance.document,
            ))
        });
        for r in &self.1.records {
            match r {
                IntelRecord::Kev(k) if is(&k.cve) => view.kev.push(k.clone()),
                IntelRecord::Epss(e) if is(&e.cve) => view.epss = Some(e.clone()),
                IntelRecord::Ssvc(p) if is(&p.cve) => view.ssvc.push(p.clone()),
                _ => {}
            }
        }
        view.kev.sort_by_key(|k| k.provenance.source);
        view.ssvc.sort_by(|a, b| (&a.role, a.provenance.source).cmp(&(&b.role, b.provenance.source)));
        Ok(view)
    }
    /// Not used by the server; in record order, not the store's key order.
    fn intel_export(
        &self,
        filter: Option<&[String]>,
        visit: &mut dyn FnMut(IntelRecord) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let about = |id: &str| filter.is_none_or(|ids| ids.iter().any(|x| x.trim().eq_ignore_ascii_case(id.trim())));
        let mut n = 0;
        for r in &self.1.records {
            let keep = match r {
                IntelRecord::Advisory(a) => about(&a.id) || a.aliases.iter().any(|x| about(x)),
                IntelRecord::Kev(k) => about(&k.cve),
                IntelRecord::Epss(e) => about(&e.cve),
                IntelRecord::Ssvc(p) => about(&p.cve),
            };
            if keep {
                visit(r.clone())?;
                n += 1;
            }
        }
        Ok(n)
    }
    fn intel_quality(&self, limit: usize) -> Result<Vec<QualityReport>, StoreError> {
        let mut out: Vec<QualityReport> = self
            .advisories()
            .filter(|a| !a.warnings.is_empty())
            .map(|a| QualityReport {
                source: a.provenance.source,
                id: a.id.clone(),
                document: a.provenance.document.clone(),
                file: a.provenance.file.clone(),
                warnings: a.warnings.clone(),
            })
            .collect();
        out.sort_by(|a, b| {
            (a.source, a.id.to_ascii_uppercase(), &a.document).cmp(&(b.source, b.id.to_ascii_uppercase(), &b.document))
        });
        if limit > 0 {
            out.truncate(limit);
        }
        Ok(out)
    }
    /// Filters like the SQLite store: asset, vulnerability or any advisory with evidence
    /// (case-insensitive), confidence, statuses, KEV; sorted by asset, vulnerability, slot.
    fn findings(&self, f: &FindingFilter) -> Result<Vec<Finding>, StoreError> {
        let about = |x: &Finding, id: &str| {
            let is = |s: &str| s.eq_ignore_ascii_case(id.trim());
            is(&x.verdict.vulnerability) || is(&x.verdict.advisory) || x.verdict.advisories.iter().any(|a| is(a))
        };
        let mut out: Vec<&Finding> = self
            .2
            .findings
            .iter()
            .filter(|x| {
                f.asset.as_ref().is_none_or(|a| &x.asset == a)
                    && f.vulnerability.as_deref().is_none_or(|v| about(x, v))
                    && f.min_confidence.is_none_or(|c| x.verdict.confidence >= c)
                    && (f.statuses.is_empty() || f.statuses.contains(&x.verdict.status))
                    && (!f.kev_only || x.kev.is_some())
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.asset, &a.verdict.vulnerability, &a.verdict.slot).cmp(&(
                &b.asset,
                &b.verdict.vulnerability,
                &b.verdict.slot,
            ))
        });
        let limit = if f.limit == 0 { usize::MAX } else { f.limit };
        Ok(out.into_iter().skip(f.offset).take(limit).cloned().collect())
    }
    fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError> {
        Ok(self.2.findings.iter().find(|x| x.id == id).cloned())
    }
    fn finding_summary(&self) -> Result<FindingSummary, StoreError> {
        let m = &*self.2;
        let mut by = std::collections::BTreeMap::<(FindingStatus, Confidence), usize>::new();
        let mut assets = std::collections::BTreeSet::new();
        let mut open_kev = 0;
        for x in &m.findings {
            *by.entry((x.verdict.status, x.verdict.confidence)).or_default() += 1;
            if x.verdict.status.is_open() {
                assets.insert(&x.asset);
                open_kev += usize::from(x.kev.is_some());
            }
        }
        Ok(FindingSummary {
            by_status: by.into_iter().map(|((s, c), n)| (s, c, n)).collect(),
            open_kev,
            assets_with_open: assets.len(),
            last_run: m.last_run.clone(),
            last_kind: m.last_kind.clone(),
            stale: m.stale,
            unmatched_advisories: m.unmatched_advisories,
        })
    }
}

/// An opener handing out [`MemStore`]s over one plant and no intelligence.
pub fn mem_opener(plant: Plant) -> StoreOpener {
    mem_opener_with(plant, MemIntel::default())
}

/// An opener handing out [`MemStore`]s over one plant and the intelligence given.
pub fn mem_opener_with(plant: Plant, intel: MemIntel) -> StoreOpener {
    mem_opener_full(plant, intel, MemFindings::default())
}

/// An opener handing out [`MemStore`]s over one plant, the intelligence and the findings given.
pub fn mem_opener_full(plant: Plant, intel: MemIntel, findings: MemFindings) -> StoreOpener {
    let (plant, intel, findings) = (Arc::new(plant), Arc::new(intel), Arc::new(findings));
    Arc::new(move || Ok(Box::new(MemStore(plant.clone(), intel.clone(), findings.clone())) as Box<dyn Store>))
}

pub fn app() -> Router {
    server::router(mem_opener(plant()))
}

/// The test plant with the test intelligence.
pub fn intel_app() -> Router {
    let status = vec![
        status_line(Source::Nvd2, IntelKind::Advisories, 1, "2024-02-01T00:00:00Z"),
        status_line(Source::Cve5Adp, IntelKind::Ssvc, 2, "2024-05-01T00:00:00Z"),
        status_line(Source::Kev, IntelKind::Kev, 1, "2024-02-01"),
        status_line(Source::Epss, IntelKind::Epss, 1, "2025-02-20"),
        status_line(Source::Csaf, IntelKind::Advisories, 1, "2024-01-20T00:00:00Z"),
    ];
    server::router(mem_opener_with(plant(), MemIntel { records: intel_records(), status }))
}

fn status_line(source: Source, kind: IntelKind, records: usize, newest: &str) -> IntelSourceStatus {
    IntelSourceStatus {
        source,
        kind,
        records,
        newest: Some(newest.into()),
        last_import: Some("2025-03-01T10:00:00Z".into()),
    }
}

/// The CVE the test intelligence is about, and a second one only the CSAF advisory names.
pub const CVE: &str = "CVE-2024-0001";
pub const CVE2: &str = "CVE-2024-0002";
pub const CSAF_ID: &str = "ICSA-24-001-01";
/// A URL no page may turn into a link.
pub const JS_URL: &str = "javascript:alert(document.cookie)";
/// The warning the CSAF advisory carries.
pub const UNPARSED_WARNING: &str = "product `ACME HMI` version range `all versions before SP3 Upd 2` left unparsed";

fn prov(source: Source, document: &str, revision: Option<&str>) -> Provenance {
    Provenance {
        source,
        document: document.into(),
        revision: revision.map(Into::into),
        file: Some(format!("feeds/{document}.json")),
        digest: Some("0123456789abcdef".repeat(4)),
        retrieved_at: Some("2025-03-01T10:00:00Z".into()),
    }
}

fn product(vendor: &str, name: &str, models: &[&str]) -> ProductName {
    ProductName {
        vendor: Some(vendor.into()),
        product: Some(name.into()),
        model_numbers: models.iter().map(|m| m.to_string()).collect(),
        ..ProductName::default()
    }
}

fn cpe(vulnerable: bool, criteria: &str, end_excluding: Option<&str>) -> CpeMatch {
    CpeMatch {
        vulnerable,
        criteria: criteria.into(),
        version_start_including: None,
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: end_excluding.map(Into::into),
        match_criteria_id: None,
    }
}

/// An NVD record with hostile text, a published score that is not ours, an invalid vector, a
/// CPE configuration and a `javascript:` reference; a CSAF advisory with a hostile title, an
/// unreadable range, a remediation with a `javascript:` URL and a warning; the KEV entry, an EPSS
/// score and SSVC points that state nothing about exploitation.
pub fn intel_records() -> Vec<IntelRecord> {
    let nvd = Advisory {
        id: CVE.into(),
        kind: AdvisoryKind::Cve,
        aliases: vec![],
        title: None,
        description: Some(format!("A crafted packet crashes the web server. {HOSTILE}")),
        cwes: vec!["CWE-787".into()],
        published: Some("2024-01-10T10:00:00.000".into()),
        modified: Some("2024-02-01T00:00:00.000".into()),
        rejected: false,
        cvss: vec![
            CvssVector {
                vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
                scored_by: Some("nvd@nist.gov".into()),
                published_score: Some("9.1".into()),
                vulnerability: None,
            },
            CvssVector {
                vector: "CVSS:3.1/AV:Q".into(),
                scored_by: Some("ACME".into()),
                published_score: Some("5.0".into()),
                vulnerability: None,
            },
        ],
        affected: vec![AffectedStatement {
            vulnerability: CVE.into(),
            target: Target::Configuration {
                configuration: Configuration {
                    operator: Operator::And,
                    negate: false,
                    nodes: vec![
                        ConfigNode {
                            operator: Operator::Or,
                            negate: false,
                            matches: vec![cpe(true, "cpe:2.3:o:acme:web_plc_firmware:*:*:*:*:*:*:*:*", Some("4.1.1"))],
                            children: vec![],
                        },
                        ConfigNode {
                            operator: Operator::Or,
                            negate: false,
                            matches: vec![cpe(false, "cpe:2.3:h:acme:web_plc_1200:-:*:*:*:*:*:*:*", None)],
                            children: vec![],
                        },
                    ],
                },
            },
            status: ProductStatus::Affected,
            justification: None,
            detail: None,
        }],
        remediations: vec![],
        references: vec![
            Reference { url: "https://vendor.example/advisories/0001".into(), tags: vec!["Vendor Advisory".into()] },
            Reference { url: JS_URL.into(), tags: vec![] },
        ],
        warnings: vec![],
        provenance: prov(Source::Nvd2, "nvdcve-2.0-2024", Some("2024-02-01T00:00:00.000")),
    };
    let unparsed = "all versions before SP3 Upd 2 <b>bold</b>";
    let csaf = Advisory {
        id: CSAF_ID.into(),
        kind: AdvisoryKind::VendorAdvisory,
        aliases: vec![CVE.into(), CVE2.into()],
        title: Some(HOSTILE.into()),
        description: None,
        cwes: vec![],
        published: Some("2024-01-20T00:00:00Z".into()),
        modified: Some("2024-01-20T00:00:00Z".into()),
        rejected: false,
        cvss: vec![],
        affected: vec![
            AffectedStatement {
                vulnerability: CVE.into(),
                target: Target::Product {
                    product: product("ACME", "Web PLC 1200", &["6ES7 212-1AE40-0XB0"]),
                    versions: VersionSpec::Range {
                        start: Some(Bound { version: "2.0".into(), inclusive: true }),
                        end: Some(Bound { version: "4.1.1".into(), inclusive: false }),
                    },
                },
                status: ProductStatus::Affected,
                justification: None,
                detail: None,
            },
            AffectedStatement {
                vulnerability: CVE.into(),
                target: Target::Product {
                    product: product("ACME", "HMI", &[]),
                    versions: VersionSpec::Unparsed { text: unparsed.into() },
                },
                status: ProductStatus::Affected,
                justification: None,
                detail: None,
            },
            AffectedStatement {
                vulnerability: CVE2.into(),
                target: Target::Product {
                    product: product("ACME", "Web PLC 1200", &[]),
                    versions: VersionSpec::Exact { version: "4.1.1".into() },
                },
                status: ProductStatus::NotAffected,
                justification: Some(Justification::VulnerableCodeNotPresent),
                detail: None,
            },
        ],
        remediations: vec![
            Remediation {
                vulnerability: CVE.into(),
                kind: RemediationKind::VendorFix,
                details: format!("Update to V4.1.1. {HOSTILE}"),
                products: vec![product("ACME", "Web PLC 1200", &[])],
                fixed_version: Some("4.1.1".into()),
                url: Some("https://vendor.example/downloads/4.1.1".into()),
                date: Some("2024-01-20".into()),
                restart_required: Some("machine".into()),
            },
            Remediation {
                vulnerability: CVE.into(),
                kind: RemediationKind::Mitigation,
                details: "Block TCP port 80 at the cell firewall.".into(),
                products: vec![],
                fixed_version: None,
                url: Some(JS_URL.into()),
                date: None,
                restart_required: None,
            },
        ],
        references: vec![Reference {
            url: "https://cert.example/csaf/icsa-24-001-01.json".into(),
            tags: vec!["self".into()],
        }],
        warnings: vec![UNPARSED_WARNING.into()],
        provenance: prov(Source::Csaf, "ICSA-24-001-01", Some("3")),
    };
    let kev = KevEntry {
        cve: CVE.into(),
        vendor_project: Some("ACME".into()),
        product: Some("Web PLC".into()),
        name: Some("ACME Web PLC Out-of-Bounds Write".into()),
        date_added: "2024-02-01".into(),
        due_date: Some("2024-02-22".into()),
        required_action: Some("Apply mitigations per vendor instructions or discontinue use of the product.".into()),
        ransomware: RansomwareUse::Known,
        description: None,
        notes: Some(format!("https://vendor.example/advisories/0001; {JS_URL} {HOSTILE}")),
        cwes: vec!["CWE-787".into()],
        provenance: prov(Source::Kev, "cisa-kev", Some("2025.02.20")),
    };
    let epss = EpssScore {
        cve: CVE.into(),
        score: 0.94312,
        percentile: 0.99123,
        date: "2025-02-20".into(),
        model_version: Some("v2025.03.14".into()),
        provenance: prov(Source::Epss, "first-epss", Some("2025-02-20T00:00:00+0000")),
    };
    // Vulnrichment that states technical impact only: exploitation and automatable are unknown.
    let ssvc = SsvcPoints {
        cve: CVE.into(),
        exploitation: None,
        automatable: None,
        technical_impact: Some(TechnicalImpact::Total),
        role: Some("CISA Coordinator".into()),
        version: Some("2.0.3".into()),
        timestamp: Some("2024-05-01T00:00:00Z".into()),
        provenance: prov(Source::Cve5Adp, &format!("{CVE}#adp/CISA-ADP"), Some("2024-05-01T00:00:00Z")),
    };
    // And for the second CVE, an explicit "none": no evidence of exploitation.
    let ssvc2 = SsvcPoints {
        cve: CVE2.into(),
        exploitation: Some(Exploitation::None),
        automatable: Some(false),
        technical_impact: Some(TechnicalImpact::Partial),
        role: Some("CISA Coordinator".into()),
        version: Some("2.0.3".into()),
        timestamp: Some("2024-04-01T00:00:00Z".into()),
        provenance: prov(Source::Cve5Adp, &format!("{CVE2}#adp/CISA-ADP"), Some("2024-04-01T00:00:00Z")),
    };
    vec![
        IntelRecord::Advisory(Box::new(nvd)),
        IntelRecord::Advisory(Box::new(csaf)),
        IntelRecord::Kev(kev),
        IntelRecord::Epss(epss),
        IntelRecord::Ssvc(ssvc),
        IntelRecord::Ssvc(ssvc2),
    ]
}

fn zone(id: &str, name: &str, purdue: Purdue, subnet: &str, safety: bool) -> Zone {
    Zone {
        id: id.into(),
        site: "north".into(),
        name: name.into(),
        purdue,
        subnets: vec![parse_subnet(subnet).unwrap()],
        target_sl: Some(SecurityLevels::uniform(2).unwrap()),
        safety,
        description: None,
    }
}

fn rule(id: &str, from: &str, to: &str, protocol: Protocol, ports: &[&str], app: Option<&str>) -> Rule {
    Rule {
        id: id.into(),
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
        protocol,
        ports: ports.iter().map(|p| p.parse().unwrap()).collect(),
        direction: Direction::OneWay,
        action: Action::Allow,
        application: app.map(str::to_string),
        description: None,
        source: None,
    }
}

fn conduit(id: &str, a: &str, b: &str, kind: EnforcementKind, name: &str, rules: Vec<Rule>) -> Conduit {
    Conduit {
        id: id.into(),
        name: format!("{a} to {b}"),
        zones: [a.into(), b.into()],
        enforcement: Enforcement { kind, name: Some(name.into()) },
        rules,
        description: None,
    }
}

/// A small plant: enterprise (4), DMZ (3.5), operations (3), supervisory (2), a safety cell (1)
/// with twelve PLCs, an Internet port forward to the historian and a vendor VPN.
pub fn plant() -> Plant {
    let sites = vec![Site {
        id: "north".into(),
        name: "North Works".into(),
        location: Some("Riverside".into()),
        timezone: Some("Europe/Berlin".into()),
        description: None,
        policy: Default::default(),
    }];
    // Deliberately not in Purdue order: the overview must sort them.
    let zones = vec![
        zone("cell1", "Filling cell 1", Purdue::L1, "10.1.1.0/24", true),
        zone("ent", "Enterprise LAN", Purdue::L4, "10.9.0.0/16", false),
        zone("ops", "Site operations", Purdue::L3, "10.3.0.0/24", false),
        zone("dmz", "Industrial DMZ", Purdue::L3_5, "10.4.0.0/24", false),
        zone("sup", "Supervisory", Purdue::L2, "10.2.0.0/24", false),
    ];

    let mut assets = Vec::new();
    for i in 1..=12 {
        let mut plc = Asset::new(format!("PLC-{i:02}"), format!("Filler PLC {i}"), "cell1", AssetKind::Plc);
        plc.ips = vec![format!("10.1.1.{i}").parse().unwrap()];
        plc.identity.vendor = Some("Siemens".into());
        plc.identity.product = Some("S7-1500".into());
        plc.owner = Some("Line 1 automation".into());
        plc.redundancy_group = if i <= 2 { Some("filler-pair".into()) } else { None };
        plc.depends_on = if i == 1 { vec!["SCADA-1".into()] } else { Vec::new() };
        assets.push(plc);
    }

    let mut scada = Asset::new("SCADA-1", HOSTILE, "sup", AssetKind::ScadaServer);
    scada.ips = vec!["10.2.0.10".parse().unwrap()];
    scada.macs = vec!["00:1b:1b:aa:bb:cc".parse().unwrap()];
    scada.identity = Identity {
        vendor: Some("Siemens".into()),
        product: Some("WinCC".into()),
        model: Some("6AV6 381-1BM06-0AV0".into()),
        hardware_version: Some("HW 3".into()),
        firmware: None,
        os: Some("Windows Server 2012 R2".into()),
        serial: Some("SN-000123".into()),
    };
    scada.components = vec![Component {
        kind: ComponentKind::Application,
        vendor: Some("Siemens".into()),
        name: "WinCC".into(),
        version: Some("7.5 SP2".into()),
        cpe: Some("cpe:2.3:a:siemens:wincc:7.5:sp2:*:*:*:*:*:*".into()),
        purl: None,
    }];
    scada.services = vec![Service { protocol: Protocol::Tcp, port: 4840, name: Some("opcua".into()) }];
    scada.mission_impact = Some(MissionImpact::MefFailure);
    scada.safety_impact = Some(SafetyImpact::Critical);
    scada.support = Some(Support {
        status: SupportStatus::EndOfLife,
        end_of_life: Some(Date::from_calendar_date(2023, time::Month::October, 10).unwrap()),
    });
    scada.certified_baseline = Some(CertifiedBaseline {
        source: "Siemens compatibility tool".into(),
        name: "WinCC 7.5 SP2 on 2012 R2".into(),
        date: None,
        items: vec!["WinCC V7.5 SP2 Update 5".into()],
    });
    scada.depends_on = vec!["HIST-1".into()];
    assets.push(scada);

    let mut hist = Asset::new("HIST-1", "Plant historian", "dmz", AssetKind::Historian);
    hist.ips = vec!["10.4.0.5".parse().unwrap()];
    hist.owner = Some("OT operations".into());
    assets.push(hist);

    let mut vpn = Asset::new("VPN-1", "Vendor VPN gateway", "dmz", AssetKind::Firewall);
    vpn.ips = vec!["10.4.0.1".parse().unwrap()];
    vpn.owner = Some("IT networks".into());
    assets.push(vpn);

    let mut erp = Asset::new("ERP-1", "ERP server", "ent", AssetKind::Server);
    erp.ips = vec!["10.9.1.1".parse().unwrap()];
    erp.owner = Some("IT".into());
    assets.push(erp);

    let conduits = vec![
        conduit(
            "c-ent-dmz",
            "ent",
            "dmz",
            EnforcementKind::Firewall,
            "FW-EDGE",
            vec![rule("r1", "zone:ent", "asset:HIST-1", Protocol::Tcp, &["443"], Some("https"))],
        ),
        conduit(
            "c-dmz-sup",
            "dmz",
            "sup",
            EnforcementKind::Firewall,
            "FW-OT",
            vec![rule("r1", "asset:SCADA-1", "asset:HIST-1", Protocol::Tcp, &["5450-5460"], Some("historian"))],
        ),
        conduit(
            "c-sup-cell1",
            "sup",
            "cell1",
            EnforcementKind::Firewall,
            "FW-CELL",
            vec![rule("r1", "zone:sup", "zone:cell1", Protocol::Tcp, &["102"], Some("s7comm"))],
        ),
    ];

    let entry_points = vec![
        EntryPoint {
            id: "internet".into(),
            kind: EntryKind::Internet,
            name: "The Internet".into(),
            attachments: vec![Attachment::PortForward {
                public_address: Some("203.0.113.7".parse().unwrap()),
                public_port: 8443,
                asset: "HIST-1".into(),
                protocol: Protocol::Tcp,
                port: 443,
            }],
            description: None,
        },
        EntryPoint {
            id: "vendor".into(),
            kind: EntryKind::VendorRemoteAccess,
            name: "Vendor remote access".into(),
            attachments: vec![Attachment::Vpn {
                gateway: "VPN-1".into(),
                zone: "dmz".into(),
                mfa: false,
                ports: vec![],
            }],
            description: None,
        },
    ];

    Plant { sites, zones, conduits, entry_points, assets }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// Sends one request with `Host: localhost` (as a browser on this machine would).
pub async fn send(app: &Router, method: &str, uri: &str, host: Option<&str>) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(h) = host {
        req = req.header(header::HOST, h);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20).await.unwrap();
    Reply { status, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, "GET", uri, Some("localhost:8080")).await
}
