//! Closed value sets of the plant model (asset kinds, SSVC impact values, Purdue levels, …).
//!
//! Every value set has one canonical lower-case spelling, used in the plant file, the CSV import,
//! the database, the JSON API and the UI alike. Parsing accepts the canonical spelling and a few
//! documented aliases; error messages list the canonical spellings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that was not one of a value set's spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}; expected one of: {expected}")]
pub struct BadValue {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

/// Defines a closed value set: canonical names, accepted aliases, `FromStr`, `Display` and serde
/// as the canonical string.
macro_rules! value_set {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $canon:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in ascending order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the value set is called in messages.
            pub const WHAT: &'static str = $what;

            /// The canonical spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $canon),+ }
            }

            /// The canonical spellings joined for an error message.
            pub fn expected() -> String {
                [$($canon),+].join(", ")
            }
        }

        impl FromStr for $name {
            type Err = BadValue;
            fn from_str(s: &str) -> Result<Self, BadValue> {
                let norm = normalise(s);
                $(
                    if norm == $canon $(|| norm == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err(BadValue { what: $what, value: s.to_string(), expected: Self::expected() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Lower-cases and turns spaces and underscores into hyphens, so `Mission Failure`,
/// `mission_failure` and `mission-failure` are one spelling.
pub fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '_' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

value_set! {
    /// Purdue reference model level. 3.5 is the industrial DMZ.
    Purdue, "Purdue level" {
        L0 = "0" | "level-0" | "l0",
        L1 = "1" | "level-1" | "l1",
        L2 = "2" | "level-2" | "l2",
        L3 = "3" | "level-3" | "l3",
        L3_5 = "3.5" | "level-3.5" | "l3.5" | "idmz" | "dmz",
        L4 = "4" | "level-4" | "l4",
        L5 = "5" | "level-5" | "l5",
    }
}

impl Purdue {
    /// A short description used by the dashboard.
    pub fn label(self) -> &'static str {
        match self {
            Purdue::L0 => "Level 0 — process (sensors, actuators)",
            Purdue::L1 => "Level 1 — basic control (PLC, RTU, SIS)",
            Purdue::L2 => "Level 2 — supervisory control (HMI, SCADA)",
            Purdue::L3 => "Level 3 — site operations (historian, MES)",
            Purdue::L3_5 => "Level 3.5 — industrial DMZ",
            Purdue::L4 => "Level 4 — enterprise (business logistics)",
            Purdue::L5 => "Level 5 — enterprise network / Internet edge",
        }
    }
}

value_set! {
    /// What kind of device or host an asset is.
    AssetKind, "asset kind" {
        Plc = "plc",
        SafetyController = "safety-controller" | "sis" | "safety-plc",
        Rtu = "rtu",
        Ied = "ied" | "protection-relay" | "relay",
        Drive = "drive" | "vfd",
        IoModule = "io-module" | "remote-io" | "io",
        Hmi = "hmi" | "operator-panel",
        EngineeringWorkstation = "engineering-workstation" | "ews",
        OperatorWorkstation = "operator-workstation" | "ows",
        ScadaServer = "scada-server" | "scada",
        Historian = "historian",
        Server = "server",
        Workstation = "workstation" | "pc" | "laptop",
        NetworkDevice = "network-device" | "switch" | "router",
        Firewall = "firewall",
        ProtocolGateway = "protocol-gateway" | "gateway" | "serial-server",
        IiotSensor = "iiot-sensor" | "iiot" | "sensor",
        Camera = "camera",
        Printer = "printer",
        Other = "other",
        Unknown = "unknown",
    }
}

value_set! {
    /// SSVC Mission Impact 2.0.0 (ssvc:MI).
    MissionImpact, "mission impact" {
        Degraded = "degraded" | "d",
        MefSupportCrippled = "mef-support-crippled" | "msc" | "crippled",
        MefFailure = "mef-failure" | "mef",
        MissionFailure = "mission-failure" | "mf",
    }
}

value_set! {
    /// What a maintenance window allows: a planned shutdown or a turnaround stops the process; a
    /// hot swap or a redundancy switchover keeps it running on the partner.
    WindowKind, "window kind" {
        PlannedShutdown = "planned-shutdown" | "shutdown",
        Turnaround = "turnaround",
        HotSwap = "hot-swap",
        RedundancySwitchover = "redundancy-switchover" | "switchover",
    }
}

value_set! {
    /// What kind of compensating control: a change to the network (a rule, segmentation), or a
    /// measure on the host; `monitoring` detects and never neutralises.
    ControlKind, "control kind" {
        Network = "network" | "network-rule" | "segmentation",
        AccessRestriction = "access-restriction",
        Allowlisting = "allowlisting" | "application-allowlisting",
        ServiceDisabled = "service-disabled",
        Monitoring = "monitoring",
        RemoteAccessHardening = "remote-access-hardening",
    }
}

value_set! {
    /// SSVC Safety Impact 2.0.1 (ssvc:SI), after IEC 61508.
    SafetyImpact, "safety impact" {
        Negligible = "negligible" | "n",
        Marginal = "marginal" | "m",
        Critical = "critical" | "r",
        Catastrophic = "catastrophic" | "c",
    }
}

value_set! {
    /// Vendor support state of an asset's hardware or software.
    SupportStatus, "support status" {
        Supported = "supported" | "active",
        Extended = "extended" | "extended-support",
        EndOfLife = "end-of-life" | "eol" | "unsupported" | "discontinued",
        Unknown = "unknown",
    }
}

value_set! {
    /// What a component on an asset is.
    ComponentKind, "component kind" {
        Hardware = "hardware" | "h",
        Firmware = "firmware",
        OperatingSystem = "operating-system" | "os" | "o",
        Application = "application" | "app" | "a",
        Library = "library" | "lib",
    }
}

value_set! {
    /// Transport protocol of a service or a rule.
    Protocol, "protocol" {
        Tcp = "tcp",
        Udp = "udp",
        Icmp = "icmp",
        /// Layer-2 protocols (PROFINET RT, GOOSE) that never cross a router.
        Ethernet = "ethernet" | "l2",
        Any = "any" | "ip" | "*",
    }
}

value_set! {
    /// How a conduit is enforced.
    EnforcementKind, "enforcement kind" {
        Firewall = "firewall",
        DataDiode = "data-diode" | "diode" | "unidirectional-gateway",
        RouterAcl = "router-acl" | "acl",
        Vlan = "vlan" | "switch",
        None = "none" | "unenforced",
    }
}

value_set! {
    /// Direction of a rule: `one-way` allows connections from `from` to `to` only.
    Direction, "rule direction" {
        OneWay = "one-way" | "forward" | "->",
        Both = "both" | "bidirectional" | "<->",
    }
}

value_set! {
    /// Whether a rule allows or denies what it matches.
    Action, "rule action" {
        Allow = "allow" | "accept" | "permit",
        Deny = "deny" | "drop" | "reject",
    }
}

value_set! {
    /// Where an attacker can start.
    EntryKind, "entry point kind" {
        Internet = "internet",
        Enterprise = "enterprise" | "enterprise-network" | "corporate",
        VendorRemoteAccess = "vendor-remote-access" | "vendor" | "remote-access",
        Wireless = "wireless" | "wifi",
        TransientDevice = "transient-device" | "transient" | "usb",
    }
}

value_set! {
    /// Where an asset record came from; a plant re-import only removes assets it owns.
    Origin, "asset origin" {
        PlantFile = "plant-file",
        Csv = "csv",
    }
}

/// IEC 62443 security level (0–4) per foundational requirement FR1–FR7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<u8>", into = "Vec<u8>")]
pub struct SecurityLevels(pub [u8; 7]);

impl SecurityLevels {
    /// Names of the seven foundational requirements, in vector order.
    pub const FR_NAMES: [&'static str; 7] = [
        "FR1 identification and authentication control",
        "FR2 use control",
        "FR3 system integrity",
        "FR4 data confidentiality",
        "FR5 restricted data flow",
        "FR6 timely response to events",
        "FR7 resource availability",
    ];

    /// One level for every foundational requirement.
    pub fn uniform(level: u8) -> Result<Self, String> {
        Self::try_from(vec![level; 7])
    }

    /// The highest level over all foundational requirements.
    pub fn max(&self) -> u8 {
        self.0.iter().copied().max().unwrap_or(0)
    }
}

impl TryFrom<Vec<u8>> for SecurityLevels {
    type Error = String;
    fn try_from(v: Vec<u8>) -> Result<Self, String> {
        let arr: [u8; 7] = v
            .try_into()
            .map_err(|v: Vec<u8>| format!("a security level vector has 7 entries (FR1–FR7), found {}", v.len()))?;
        if let Some(bad) = arr.iter().find(|l| **l > 4) {
            return Err(format!("security levels run from 0 to 4, found {bad}"));
        }
        Ok(SecurityLevels(arr))
    }
}

impl From<SecurityLevels> for Vec<u8> {
    fn from(s: SecurityLevels) -> Self {
        s.0.to_vec()
    }
}

impl fmt::Display for SecurityLevels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g, h] = self.0;
        write!(f, "SL-T({a},{b},{c},{d},{e},{g},{h})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_aliases_parse() {
        assert_eq!("Mission Failure".parse::<MissionImpact>(), Ok(MissionImpact::MissionFailure));
        assert_eq!("mef_support_crippled".parse::<MissionImpact>(), Ok(MissionImpact::MefSupportCrippled));
        assert_eq!("3.5".parse::<Purdue>(), Ok(Purdue::L3_5));
        assert_eq!("EWS".parse::<AssetKind>(), Ok(AssetKind::EngineeringWorkstation));
        let err = "severe".parse::<SafetyImpact>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`severe` is not a valid safety impact; expected one of: negligible, marginal, critical, catastrophic"
        );
    }

    #[test]
    fn every_canonical_spelling_round_trips() {
        for k in AssetKind::ALL {
            assert_eq!(k.as_str().parse::<AssetKind>(), Ok(*k));
        }
        for p in Purdue::ALL {
            assert_eq!(p.as_str().parse::<Purdue>(), Ok(*p));
        }
    }

    #[test]
    fn ordering_follows_the_ssvc_scale() {
        assert!(SafetyImpact::Negligible < SafetyImpact::Catastrophic);
        assert!(MissionImpact::Degraded < MissionImpact::MissionFailure);
        assert!(Purdue::L3 < Purdue::L3_5 && Purdue::L3_5 < Purdue::L4);
    }

    #[test]
    fn security_levels_are_checked() {
        assert!(SecurityLevels::try_from(vec![1, 2, 3]).is_err());
        assert!(SecurityLevels::try_from(vec![1, 2, 3, 4, 5, 1, 1]).is_err());
        let sl = SecurityLevels::try_from(vec![2, 2, 3, 1, 2, 1, 3]).unwrap();
        assert_eq!(sl.to_string(), "SL-T(2,2,3,1,2,1,3)");
        assert_eq!(sl.max(), 3);
    }
}

value_set! {
    /// How sure matching is that a finding is about this asset (ascending).
    Confidence, "confidence" {
        /// Vendor and product only, or a version nobody could compare.
        Low = "low",
        /// The product family and the version, or a CPE derived from the asset's names.
        Medium = "medium",
        /// The model number or the exact product, and a version inside the range.
        High = "high",
    }
}

value_set! {
    /// Where a finding stands after every statement about it is weighed.
    FindingStatus, "finding status" {
        /// A statement says the asset's version is affected.
        Affected = "affected",
        /// The vendor is investigating; stays open and is labelled.
        UnderInvestigation = "under-investigation" | "investigating",
        /// A VEX or vendor statement says not affected: suppressed, shown with its justification.
        NotAffected = "not-affected",
        /// The asset runs a version a statement names as fixed: closed.
        Fixed = "fixed",
    }
}

impl FindingStatus {
    /// Open findings need a decision; suppressed and fixed ones do not.
    pub fn is_open(self) -> bool {
        matches!(self, FindingStatus::Affected | FindingStatus::UnderInvestigation)
    }
}

value_set! {
    /// SSVC System Exposure 1.0.1 (ssvc:EXP), derived by the exposure stage (ascending).
    SystemExposure, "system exposure" {
        /// No path from any entry point: only local operators can reach the system.
        Small = "small" | "s",
        /// Reachable only through authenticated or restricted paths, or only after a pivot.
        Controlled = "controlled" | "c",
        /// Reachable from the Internet without authentication.
        Open = "open" | "o",
    }
}
