//! Reader tests over the real public scanner and SBOM files in ../shared/fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cyclonedx;
mod detect;
mod nessus;
mod nmap;
mod openvas;
mod qualys;
mod spdx;
mod support;
