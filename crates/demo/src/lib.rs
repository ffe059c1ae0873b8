//! The demo plant and the synthetic plant generator.
//!
//! - [`demo_plant`]: Marlstett Specialty Chemicals Works, a made-up but realistic plant (14 zones
//!   across Purdue levels 0–5 and the industrial DMZ, 22 conduits, 7 entry points, 189 assets). It
//!   is kept as a plant file, `data/demo-plant.toml`, embedded in the binary and read with the
//!   ordinary plant-file reader, so the demo also exercises the reader. Its products and versions
//!   are real and named advisories affect them; `data/README.md` lists the facts and their sources.
//! - [`scaled_plant`]: a synthetic plant of exactly `n` assets with the demo's structure, for
//!   benchmarks and scale tests. Deterministic, no randomness from outside.
//!
//! - [`DEMO_INTEL`]: the demo intelligence, `data/demo-intel.bundle` — the public records (CISA
//!   CSAF advisories, NVD entries, CVE 5 records with CISA Vulnrichment SSVC points, CISA KEV
//!   entries) that cover the demo plant's products, in Patchwise's own bundle format, each record
//!   keeping its provenance. `data/make-demo-intel.sh` rebuilds it from the public feeds. It lets
//!   `patchwise demo` work with real intelligence on a machine with no network and no feeds.
//!
//! The crate does no IO: the plant file and the bundle are compiled in.

mod network;
mod scale;

pub use network::synthetic_network;
pub use scale::{scaled_from, scaled_plant};

/// The demo plant file, as written in `data/demo-plant.toml`.
pub const DEMO_PLANT_TOML: &str = include_str!("../data/demo-plant.toml");

/// The demo intelligence bundle (`patchwise-intel-bundle/1`, gzip), as in `data/demo-intel.bundle`.
pub const DEMO_INTEL: &[u8] = include_bytes!("../data/demo-intel.bundle");

/// The name the demo intelligence bundle goes by in messages and provenance.
pub const DEMO_INTEL_FILE: &str = "demo-intel.bundle";

/// The name the demo plant file goes by in messages.
pub const DEMO_PLANT_FILE: &str = "demo-plant.toml";

/// Why the demo plant could not be built. Only a broken edit of the embedded file causes this;
/// the tests read the file on every run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoError {
    /// The embedded plant file does not read cleanly; every problem is listed.
    #[error("the embedded demo plant does not read cleanly:\n{0}")]
    PlantFile(#[from] inventory::PlantFileErrors),
}

/// The demo plant, read from the embedded plant file.
pub fn demo_plant() -> Result<model::Plant, DemoError> {
    Ok(inventory::read_plant(DEMO_PLANT_FILE, DEMO_PLANT_TOML)?)
}
