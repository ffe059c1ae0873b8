//! The matching crate's one integration-test binary. Each module owns one area.

mod acceptance;
mod cpe;
mod engine;
mod support;
mod tables;
mod vers;
mod version;
