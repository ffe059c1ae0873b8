//! Scan hosts tied to the plant's assets, and a scanner's vulnerability claims reconciled with
//! Patchwise's own findings. Pure.
//!
//! A host is tied by the strongest evidence it carries, in this order: a MAC address, a serial
//! number from a device identity, an IP address, then a name (host name, FQDN and its first label,
//! NetBIOS name, the scanner's name for the host) equal to an asset's id or name, ignoring case.
//! An IP or name that belongs to more than one asset ties nothing.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use model::Asset;
use scan::ScanHost;
use serde::Serialize;

/// The plant's assets indexed by what a scan can show of them.
pub struct AssetIndex {
    macs: HashMap<String, Option<usize>>,
    serials: HashMap<String, Option<usize>>,
    ips: HashMap<IpAddr, Option<usize>>,
    names: HashMap<String, Option<usize>>,
}

fn insert<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Option<usize>>, k: K, i: usize) {
    m.entry(k)
        .and_modify(|v| {
            if *v != Some(i) {
                *v = None
            }
        })
        .or_insert(Some(i));
}

fn norm_mac(s: &str) -> String {
    s.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_lowercase()
}

impl AssetIndex {
    pub fn new(assets: &[Asset]) -> AssetIndex {
        let mut x =
            AssetIndex { macs: HashMap::new(), serials: HashMap::new(), ips: HashMap::new(), names: HashMap::new() };
        for (i, a) in assets.iter().enumerate() {
            for m in &a.macs {
                insert(&mut x.macs, norm_mac(&m.to_string()), i);
            }
            if let Some(s) = a.identity.serial.as_deref().filter(|s| !s.trim().is_empty()) {
                insert(&mut x.serials, s.trim().to_ascii_lowercase(), i);
            }
            for ip in &a.ips {
                insert(&mut x.ips, *ip, i);
            }
            for n in [a.id.as_str(), a.name.as_str()] {
                insert(&mut x.names, n.trim().to_ascii_lowercase(), i);
            }
        }
        x
    }

    /// The asset a host is, and why; `None` when nothing ties it unambiguously.
    pub fn tie(&self, h: &ScanHost) -> Option<(usize, String)> {
        if let Some(m) = h.mac.as_deref()
            && let Some(Some(i)) = self.macs.get(&norm_mac(m))
        {
            return Some((*i, format!("mac {m}")));
        }
        for id in &h.identities {
            if let Some(s) = id.serial.as_deref()
                && let Some(Some(i)) = self.serials.get(&s.trim().to_ascii_lowercase())
            {
                return Some((*i, format!("serial {s}")));
            }
        }
        for ip in h.ip.iter().chain(&h.other_ips) {
            if let Ok(addr) = ip.trim().parse::<IpAddr>()
                && let Some(Some(i)) = self.ips.get(&addr)
            {
                return Some((*i, format!("ip {addr}")));
            }
        }
        let mut names: Vec<&str> = h.hostnames.iter().map(String::as_str).collect();
        names.extend(h.fqdn.as_deref());
        names.extend(h.netbios.as_deref());
        names.extend(h.name.as_deref());
        for n in names {
            let n = n.trim().to_ascii_lowercase();
            let first = n.split('.').next().unwrap_or("").to_string();
            for k in [n.clone(), first] {
                if let Some(Some(i)) = self.names.get(&k) {
                    return Some((*i, format!("hostname {n}")));
                }
            }
        }
        None
    }
}

/// Scanner claims against Patchwise's open findings, on the assets the scan covered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// (asset, CVE) both say.
    pub agreed: Vec<(String, String)>,
    /// Only the scanner says (Patchwise's intelligence or inventory lacks it: look).
    pub scanner_only: Vec<(String, String)>,
    /// Only Patchwise says (the scanner did not test it, could not see it, or the finding is
    /// wrong: look).
    pub patchwise_only: Vec<(String, String)>,
}

/// Compares claims with findings per (asset, CVE), CVE ids compared case-insensitively; findings
/// on assets the scan did not cover are left out.
pub fn reconcile(
    claims: impl IntoIterator<Item = (String, String)>,
    findings: impl IntoIterator<Item = (String, String)>,
    covered: &BTreeSet<String>,
) -> Reconciliation {
    let claims: BTreeSet<(String, String)> = claims
        .into_iter()
        .map(|(a, c)| (a, c.trim().to_ascii_uppercase()))
        .filter(|(_, c)| c.starts_with("CVE-"))
        .collect();
    let findings: BTreeSet<(String, String)> = findings
        .into_iter()
        .map(|(a, c)| (a, c.trim().to_ascii_uppercase()))
        .filter(|(a, _)| covered.contains(a))
        .collect();
    Reconciliation {
        agreed: claims.intersection(&findings).cloned().collect(),
        scanner_only: claims.difference(&findings).cloned().collect(),
        patchwise_only: findings.difference(&claims).cloned().collect(),
    }
}
