//! Reader tests over the real public feeds in ../shared/fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bundle;
mod csaf_vex;
mod feeds;
mod files;
mod nvd;
mod support;
