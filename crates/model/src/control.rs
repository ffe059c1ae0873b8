//! Compensating controls as data: what a control does (changes to the network model, or the
//! findings it neutralises on hosts), who owns it, what proves it, and when it stops counting.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::values::ControlKind;

/// A compensating control.
///
/// Its effect on decisions: `changes` (what-if changes in their text form — `close-conduit C`,
/// `disable-rule C/R`, `isolate A`, `close-entry E#N`, `add-rule C: FROM -> TO PROTO/PORTS deny`)
/// are applied to the plant before the exposure analysis; a host control neutralises the findings
/// of its `vulnerabilities` on its `assets` and the assets of its `zones` (their System Exposure
/// becomes small, and they serve no pivot). A control counts until the day it `expires`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    pub id: String,
    pub kind: ControlKind,
    /// Who answers for it.
    pub owner: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// CVE ids it neutralises on the assets in scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<String>,
    /// Changes to the network model, in the what-if text form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// What proves it: a change ticket, a configuration line, a screenshot's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverify_days: Option<u16>,
    /// The first day it no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Control {
    /// Whether it counts on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.expires.is_none_or(|e| day < e)
    }

    /// Whether it neutralises `vulnerability` on an asset with this id in this zone.
    pub fn neutralises(&self, asset: &str, zone: &str, vulnerability: &str) -> bool {
        self.kind != ControlKind::Monitoring
            && (self.assets.iter().any(|a| a == asset) || self.zones.iter().any(|z| z == zone))
            && self.vulnerabilities.iter().any(|v| v.eq_ignore_ascii_case(vulnerability))
    }

    /// What is wrong with it as data (the what-if text of `changes` is checked by the exposure
    /// stage, which reads it).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.id.trim().is_empty() || self.id.chars().any(char::is_whitespace) {
            out.push(format!("control id `{}` must be one word such as `CC-7`", self.id));
        }
        if self.owner.trim().is_empty() {
            out.push(format!("control {}: an owner is required (who answers for it)", self.id));
        }
        let host = !self.vulnerabilities.is_empty();
        if self.kind == ControlKind::Monitoring && host {
            out.push(format!("control {}: monitoring detects, it does not neutralise findings", self.id));
        }
        if host && self.assets.is_empty() && self.zones.is_empty() {
            out.push(format!("control {}: name the assets or zones whose findings it neutralises", self.id));
        }
        if !host && (!self.assets.is_empty() || !self.zones.is_empty()) && self.changes.is_empty() {
            out.push(format!("control {}: name the vulnerabilities it neutralises on its assets", self.id));
        }
        if self.kind == ControlKind::Network && self.changes.is_empty() {
            out.push(format!("control {}: a network control names its changes to the network model", self.id));
        }
        if self.kind != ControlKind::Monitoring && !host && self.changes.is_empty() {
            out.push(format!("control {}: it neither changes the network nor neutralises a finding", self.id));
        }
        if let (Some(v), Some(e)) = (self.verified_on, self.expires)
            && e <= v
        {
            out.push(format!("control {}: expires {e}, before it was verified ({v})", self.id));
        }
        out
    }
}
