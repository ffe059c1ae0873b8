//! Maintenance windows and vendor patch qualification statements: the facts the planner places
//! remediation jobs with.

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

use crate::values::WindowKind;

/// A maintenance window: when, for what part of the plant, what it allows, how much labour.
/// Times are local to the site (its `timezone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    pub id: String,
    pub site: String,
    pub kind: WindowKind,
    pub start: PrimitiveDateTime,
    pub end: PrimitiveDateTime,
    /// What it covers: zones, production lines, assets (any of them; all empty: the whole site).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<String>,
    /// Labour available for patching in it, in person-hours.
    pub capacity_hours: u32,
    /// Safety systems may be patched in it: a proof-test slot is booked.
    #[serde(default)]
    pub proof_test: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl MaintenanceWindow {
    /// What is wrong with it as data (references to the plant are checked by the caller).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.id.trim().is_empty() || self.id.chars().any(char::is_whitespace) {
            out.push(format!("window id `{}` must be one word such as `MW-2026-12`", self.id));
        }
        if self.end <= self.start {
            out.push(format!("window {}: ends ({}) before it starts ({})", self.id, self.end, self.start));
        }
        if self.capacity_hours == 0 {
            out.push(format!("window {}: no labour capacity (person-hours)", self.id));
        }
        out
    }

    /// Whether it covers an asset in this zone on this line.
    pub fn covers(&self, asset: &str, zone: &str, line: Option<&str>) -> bool {
        (self.zones.is_empty() && self.lines.is_empty() && self.assets.is_empty())
            || self.assets.iter().any(|a| a == asset)
            || self.zones.iter().any(|z| z == zone)
            || line.is_some_and(|l| self.lines.iter().any(|x| x == l))
    }
}

/// A vendor's qualification statement about a patch or version of a product, as OEMs publish them
/// (patch qualification matrices, compatibility lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub vendor: String,
    pub product: String,
    /// The patch (KB number, hotfix id) or version the statement is about.
    pub patch: String,
    /// `qualified`, `partially-qualified`, `not-qualified`, `not-tested`.
    pub status: String,
    pub date: Option<Date>,
    pub source: String,
}
