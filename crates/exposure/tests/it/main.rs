//! Integration tests of the exposure crate: one binary, one module per topic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod brute;
mod demo;
mod firewall;
mod property;
mod whatif;
