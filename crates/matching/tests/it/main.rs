//! The matching crate's one integration-test binary. Each module owns one area.

mod cpe;
mod support;
mod tables;
mod vers;
mod version;
