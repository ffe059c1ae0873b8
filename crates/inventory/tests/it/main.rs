//! Integration tests of the inventory crate: broken plant files with the exact place of every
//! problem, reading and round-tripping valid plants, hostile input, and CSV inventories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod asset_csv;
mod hostile;
mod plant_broken;
mod plant_read;
mod roundtrip;

use std::path::Path;

/// The text of a file under `tests/`.
pub fn fixture(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
