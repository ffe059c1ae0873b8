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
//! The crate does no IO: the plant file is compiled in.

mod scale;

pub use scale::{scaled_from, scaled_plant};

/// The demo plant file, as written in `data/demo-plant.toml`.
pub const DEMO_PLANT_TOML: &str = include_str!("../data/demo-plant.toml");

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
