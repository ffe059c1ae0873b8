//! Compact views of records for lists (`assets list`, `/api/v1/assets`).

use serde::{Deserialize, Serialize};

use crate::values::{AssetKind, MissionImpact, Purdue, SafetyImpact};

/// One row of the asset list. The full record is [`crate::Asset`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetSummary {
    pub id: String,
    pub name: String,
    pub site: String,
    pub zone: String,
    pub purdue: Purdue,
    pub kind: AssetKind,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub model: Option<String>,
    pub firmware: Option<String>,
    pub ips: Vec<String>,
    pub owner: Option<String>,
    pub mission_impact: Option<MissionImpact>,
    pub safety_impact: Option<SafetyImpact>,
}
