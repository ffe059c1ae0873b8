//! The server's one integration-test binary: the JSON API and the pages over an in-memory store,
//! and a real loopback server over a SQLite database file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod pages;
mod serve;
mod support;
