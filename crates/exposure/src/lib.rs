//! Exposure: which services an attacker can reach, from where, through which rules — and which
//! assets an attacker can take on the way.
//!
//! Pure over values, apart from [`run`] (the IO edge, through the store's traits):
//!
//! - [`graph`]: the plant's network compiled into integer intervals and indexes;
//! - [`reach`]: one breadth-first search per entry point over zones, conduits, rules and
//!   findings (MulVAL-style monotone attack graph with the conduit model's default deny);
//! - [`report`]: exposures, paths and per-asset answers in the plant's names;
//! - [`governance`]: IDMZ bypasses, any-any rules, unenforced conduits, ungoverned observed flows;
//! - [`whatif`]: changes applied to a copy of the network, and the delta they make;
//! - [`flows`]: observed flows from Zeek `conn.log` (TSV or JSON) and a neutral CSV;
//! - [`firewall`]: reading firewall configurations (`iptables-save`, a neutral CSV) into rules.

pub mod export;
pub mod firewall;
pub mod flows;
pub mod governance;
pub mod graph;
pub mod reach;
pub mod report;
pub mod run;
pub mod whatif;

pub use reach::{Analysis, AttackVector, Exploit};
pub use report::{AssetExposure, AssetPath, EntryReach, FindingExposure, Query, ServiceExposure, Step, is_crown_jewel};
