//! Matching: which assets an advisory's statements are about, and with what certainty.
//!
//! Pure over values: no files, no store, no clock. The modules, bottom up:
//!
//! - [`version`]: comparing two version strings, with a generic algorithm and named vendor
//!   profiles (`siemens`, `rockwell`, …) for the forms ICS advisories use;
//! - [`vers`]: `vers:` ranges (purl version-range specification) and per-scheme comparators;
//! - [`range`]: containment of a version in a [`model::advisory::VersionSpec`] or in NVD
//!   start/end bounds, answering inside / outside / unknown and naming the comparator;
//! - [`cpe`]: CPE 2.3 names (formatted string and URI bindings), NISTIR 7696 name comparison and
//!   the evaluation of NVD configuration trees against an asset's platform;
//! - [`identity`]: the vendor alias and model-number tables (data files in `data/`) and the
//!   normalisation of names;
//! - [`engine`]: subjects (what an asset is made of) × statements → verdicts with evidence.

pub mod cpe;
pub mod decode;
pub mod engine;
pub mod identity;
pub mod range;
pub mod run;
pub mod vers;
pub mod version;
