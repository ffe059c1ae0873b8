//! Integration tests of the cvss crate, one binary:
//!
//! * [`redhat`] — every vector with expected scores in the Red Hat `cvss` library's test files;
//! * [`nvd`] — NVD's published v3.0 / v3.1 base scores (pablotron/nvd-go test data);
//! * [`real_world`] — a soft check against 12,439 vector/score pairs published by CISA and CNAs;
//! * [`examples`] — the worked examples of DOMAIN.md §2.2;
//! * [`errors`] — what the parser rejects and how it says so;
//! * [`laws`] — properties over every v3.1 and every v4.0 base vector;
//! * [`robustness`] — truncated and mutated vectors never panic and round-trip when valid.
//!
//! The fixture-driven modules read `../shared/fixtures` through [`fixtures::fixtures_dir`]: absent
//! fixtures skip those tests with a message, except under `CI=true`, where they fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod errors;
mod examples;
mod fixtures;
mod laws;
mod nvd;
mod real_world;
mod redhat;
mod robustness;
