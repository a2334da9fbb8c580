//! The server's integration tests: the real application on real databases. One test
//! binary rather than one per file, because each links the whole server: eight of them
//! cost eight links and eight large binaries on disk for nothing.
//!
//! Run one group with `cargo test -p server --test integration store::`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test's helpers fail the test on the spot: that is their report.

#[macro_use]
mod support;

mod cli;
mod documents;
mod hardening;
mod language;
mod live_feed;
mod operator;
mod second_collection;
mod server_functions;
mod static_assets;
mod store;
