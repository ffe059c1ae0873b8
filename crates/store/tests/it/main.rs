//! Integration tests of the store: one binary, with the backend-independent conformance suite
//! (`conformance`) instantiated for every backend, and backend-specific tests beside it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conformance;
mod fixtures;
mod sqlite;
