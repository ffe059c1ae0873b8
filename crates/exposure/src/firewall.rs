//! Firewall configurations into conduit rules: `iptables-save` output ([`iptables`]) and a neutral
//! CSV any rule list can be exported to ([`csv`]). Readers are pure over a byte stream, line by
//! line; every rule keeps the file, line and text it came from. [`assign`] decides which of the
//! plant's conduits each rule belongs to. See docs/firewall-import.md.

pub mod csv;
pub mod iptables;

use std::collections::BTreeSet;
use std::net::IpAddr;

use ipnet::IpNet;
use model::{Action, Direction, Endpoint, Plant, Protocol, Rule, RuleSource};
use serde::Serialize;

/// A configuration that cannot be read, with the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct FirewallError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

/// Something read but not fully understood, with the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: u32,
    pub message: String,
}

/// A destination NAT rule (a port forward) found in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortForward {
    pub line: u32,
    pub public_address: Option<IpAddr>,
    pub public_port: Option<u16>,
    pub protocol: Protocol,
    pub address: IpAddr,
    pub port: Option<u16>,
}

/// What a configuration holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ruleset {
    /// `iptables-save` or `csv`.
    pub format: &'static str,
    /// What happens to traffic no rule matches (the chain policy; deny for the CSV).
    pub default: Action,
    /// The rules in evaluation order.
    pub rules: Vec<Rule>,
    /// For the CSV: the conduit each rule names, if any (parallel to `rules`).
    pub conduits: Vec<Option<String>>,
    pub port_forwards: Vec<PortForward>,
    pub warnings: Vec<Warning>,
    /// Rules left out: return traffic only (ESTABLISHED/RELATED), non-terminating targets, or
    /// conditions that cannot be expressed (each with a warning).
    pub skipped: usize,
}

/// Which format a file is in, from its first meaningful line.
pub fn detect(first_bytes: &[u8]) -> &'static str {
    let text = String::from_utf8_lossy(first_bytes);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with('#') && !line.contains(',') {
            continue;
        }
        return if line.starts_with('*') || line.starts_with(':') || line.starts_with("-A ") {
            "iptables-save"
        } else {
            "csv"
        };
    }
    "csv"
}

/// Where the imported rules go.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// Conduit id → its new rules, for every conduit the import replaces (in plant order).
    pub conduits: Vec<(String, Vec<Rule>)>,
    /// Rules that join zones no conduit of this firewall joins: connectivity the firewall allows
    /// that no conduit documents. With the zones each side touches.
    pub unassigned: Vec<(Rule, Vec<String>, Vec<String>)>,
}

/// The zones an endpoint can cover.
fn zones_of(plant: &Plant, e: &Endpoint) -> BTreeSet<String> {
    match e {
        Endpoint::Any => plant.zones.iter().map(|z| z.id.clone()).collect(),
        Endpoint::Zone(z) => std::iter::once(z.clone()).collect(),
        Endpoint::Asset(a) => plant.assets.iter().filter(|x| &x.id == a).map(|x| x.zone.clone()).collect(),
        Endpoint::Net(n) => {
            let mut out: BTreeSet<String> = plant
                .zones
                .iter()
                .filter(|z| z.subnets.iter().any(|s| s.contains(n) || n.contains(s)))
                .map(|z| z.id.clone())
                .collect();
            out.extend(plant.assets.iter().filter(|a| a.ips.iter().any(|ip| n.contains(ip))).map(|a| a.zone.clone()));
            out
        }
    }
}

/// Assigns imported rules to conduits: by the CSV's conduit column, else to the conduits the
/// firewall (`enforced_by`) enforces whose two zones the rule can connect. Rules keep file order.
pub fn assign(plant: &Plant, firewall: Option<&str>, set: &Ruleset) -> Result<Assignment, String> {
    let named: Vec<&str> = set.conduits.iter().flatten().map(String::as_str).collect();
    for c in &named {
        if !plant.conduits.iter().any(|x| x.id == *c) {
            return Err(format!("the file names conduit `{c}`, which the plant does not have"));
        }
    }
    let enforced: Vec<usize> = match firewall {
        Some(fw) => {
            let list: Vec<usize> = plant
                .conduits
                .iter()
                .enumerate()
                .filter(|(_, c)| c.enforcement.name.as_deref() == Some(fw))
                .map(|(i, _)| i)
                .collect();
            if list.is_empty() && named.len() < set.rules.len() {
                let mut known: Vec<&str> =
                    plant.conduits.iter().filter_map(|c| c.enforcement.name.as_deref()).collect();
                known.sort_unstable();
                known.dedup();
                return Err(format!(
                    "no conduit is enforced by `{fw}`; the plant's enforcers are: {}",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ));
            }
            list
        }
        None if named.len() < set.rules.len() => {
            return Err(
                "rules without a conduit column need --firewall NAME (the `enforced_by` of its conduits)".into()
            );
        }
        None => Vec::new(),
    };
    let mut out: Vec<(String, Vec<Rule>)> = Vec::new();
    fn slot(out: &mut Vec<(String, Vec<Rule>)>, id: &str) -> usize {
        match out.iter().position(|(c, _)| c == id) {
            Some(i) => i,
            None => {
                out.push((id.to_string(), Vec::new()));
                out.len() - 1
            }
        }
    }
    for &i in &enforced {
        slot(&mut out, &plant.conduits[i].id);
    }
    let mut unassigned = Vec::new();
    for (k, rule) in set.rules.iter().enumerate() {
        if let Some(Some(c)) = set.conduits.get(k) {
            let i = slot(&mut out, c);
            out[i].1.push(rule.clone());
            continue;
        }
        let (from, to) = (zones_of(plant, &rule.from), zones_of(plant, &rule.to));
        let mut placed = false;
        for &ci in &enforced {
            let c = &plant.conduits[ci];
            let [a, b] = [&c.zones[0], &c.zones[1]];
            let joins = (from.contains(a) && to.contains(b)) || (from.contains(b) && to.contains(a));
            if joins {
                let i = slot(&mut out, &c.id);
                out[i].1.push(rule.clone());
                placed = true;
            }
        }
        if !placed {
            unassigned.push((rule.clone(), from.into_iter().collect(), to.into_iter().collect()));
        }
    }
    if set.default == Action::Allow {
        for &ci in &enforced {
            let i = slot(&mut out, &plant.conduits[ci].id);
            out[i].1.push(Rule {
                id: "policy".into(),
                from: Endpoint::Any,
                to: Endpoint::Any,
                protocol: Protocol::Any,
                ports: Vec::new(),
                direction: Direction::OneWay,
                action: Action::Allow,
                application: None,
                description: Some("chain policy ACCEPT: everything no rule denies passes".into()),
                source: None,
            });
        }
    }
    // Plant order, so the report reads like the plant file.
    out.sort_by_key(|(id, _)| plant.conduits.iter().position(|c| &c.id == id));
    Ok(Assignment { conduits: out, unassigned })
}

/// A rule read from a file, with its place.
pub(crate) fn rule_at(file: &str, line: u32, text: &str, id: String) -> Rule {
    Rule {
        id,
        from: Endpoint::Any,
        to: Endpoint::Any,
        protocol: Protocol::Any,
        ports: Vec::new(),
        direction: Direction::OneWay,
        action: Action::Allow,
        application: None,
        description: None,
        source: Some(RuleSource { file: file.to_string(), line, text: text.to_string() }),
    }
}

/// An address block as a rule endpoint (`0.0.0.0/0` and `::/0` are `any`).
pub(crate) fn endpoint(net: IpNet) -> Endpoint {
    if net.prefix_len() == 0 { Endpoint::Any } else { Endpoint::Net(net.trunc()) }
}
