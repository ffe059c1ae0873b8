//! Readers of evidence about assets, and the plant-file writer.
//!
//! - [`plant_file`]: the plant file (TOML, docs/plant-file.md) to a [`model::Plant`], reporting
//!   every problem with file, line, column and key.
//! - [`plant_export`]: a [`model::Plant`] back to a plant file, canonical and deterministic.
//! - [`asset_csv`]: spreadsheet asset inventories (CSV, docs/asset-csv.md), row by row.
//!
//! This crate does no file IO of its own (callers pass text or a reader) and never panics on bad
//! input: every problem becomes an error value that names the place.

pub mod asset_csv;
pub mod plant_export;
pub mod plant_file;
pub mod scan_tie;

pub use asset_csv::{CsvError, CsvImport, IgnoredColumn, RowError, read_assets_csv};
pub use plant_export::write_plant;
pub use plant_file::{PlantFileError, PlantFileErrors, read_plant};
