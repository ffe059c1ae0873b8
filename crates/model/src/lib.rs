//! Domain types of Patchwise: the plant model (sites, zones, conduits and rules, entry points,
//! assets with identities, components and services) and the vocabulary the other stages share.
//!
//! This crate does no IO and knows no file format or database: readers in `inventory` build these
//! types, `store` persists them, engines compute over them.

pub mod advisory;
pub mod control;
pub mod diff;
pub mod finding;
pub mod flow;
pub mod net;
pub mod plant;
pub mod summary;
pub mod values;
pub mod window;

pub use control::Control;
pub use diff::{Change, PlantDiff, RecordKind, asset_upsert_diff, plant_diff};
pub use flow::Flow;
pub use net::{Endpoint, MacAddr, PortRange, overlaps, parse_subnet};
pub use plant::*;
pub use summary::AssetSummary;
pub use values::*;
pub use window::{Certification, MaintenanceWindow};

/// Re-exported so every crate names dates and networks with the same types.
pub use ipnet::IpNet;
pub use time::Date;
