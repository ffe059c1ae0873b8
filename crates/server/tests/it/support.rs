//! The test plant, an in-memory `Store` over it, and a request helper over the router.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use model::*;
use server::StoreOpener;
use store::{AssetFilter, ImportRecord, ImportSource, IntelImport, IntelSourceStatus, IntelView, Store, StoreError};
use tower::ServiceExt;

/// A name no page may print unescaped.
pub const HOSTILE: &str = "<script>alert(\"pw\")</script> & 'x'";

/// A read-only store over a plant held in memory.
pub struct MemStore(pub Arc<Plant>);

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
        Ok(Vec::new())
    }
    fn intel_lookup(&self, _: &str) -> Result<IntelView, StoreError> {
        Ok(IntelView::default())
    }
}

/// An opener handing out [`MemStore`]s over one plant.
pub fn mem_opener(plant: Plant) -> StoreOpener {
    let plant = Arc::new(plant);
    Arc::new(move || Ok(Box::new(MemStore(plant.clone())) as Box<dyn Store>))
}

pub fn app() -> Router {
    server::router(mem_opener(plant()))
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
            attachments: vec![Attachment::Vpn { gateway: "VPN-1".into(), zone: "dmz".into(), mfa: false }],
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
