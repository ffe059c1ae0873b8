//! The server's one integration-test binary: the JSON API and the pages (plant, intelligence and
//! findings) over an in-memory store, intelligence over a SQLite database file, and a real loopback server
//! over a SQLite database file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod decisions;
mod exposure;
mod findings;
mod intel;
mod pages;
mod serve;
mod support;
