//! Observed network flows: who talked to whom, seen in a capture or another tool's logs.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::Protocol;

/// Connections from one address to one service of another, aggregated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: Protocol,
    /// Destination port (0 for protocols without ports).
    pub port: u16,
    /// First and last time seen (RFC 3339), where the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Connections (or packets, as the source counts) seen.
    pub count: u64,
    /// Where it was seen: the file it came from (`conn.log`, `span-2024-05.pcap`).
    pub source: String,
}
