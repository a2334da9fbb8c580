//! The async-streamer server: wires the `app` crate into axum.
//!
//! `cli` dispatches the commands; `config` reads the environment; `capacity` sizes the
//! connection caps from the machine (the database opens and migrates itself: `app::lists::ssr::Database::open`); `startup`
//! builds the application; `routes` maps URLs to handlers; `live` fans the change log
//! out to browsers; `operator` counts what it all does and serves the figures; `shutdown` ends it all on a signal.

pub mod assets;
pub mod capacity;
pub mod cli;
pub mod config;
pub mod live;
pub mod operator;
pub mod routes;
pub mod seed;
pub mod serve;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
