//! Settings, read from the environment once at start-up. Every one has a default, so the
//! binary runs from the repository root with no environment at all.

use app::lists::server::{Simulation, SimulationError};
use leptos::config::LeptosOptions;
use std::{env, time::Duration};

/// Where the SQLite file lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/async_streamer.db";
/// How long the change log keeps events: a page away for longer reloads its rows once.
pub const DEFAULT_CHANGE_LOG_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// The Leptos settings the binary needs, with the values of the workspace's
/// `[[workspace.metadata.leptos]]`; `LEPTOS_*` variables override them (as cargo-leptos
/// sets them when it runs the server). Embedded so the binary runs on its own.
const LEPTOS_DEFAULTS: &str = r#"
[package.metadata.leptos]
output-name = "async-streamer"
site-root = "target/site"
site-pkg-dir = "pkg"
site-addr = "127.0.0.1:3000"
reload-port = 3001
"#;

#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub leptos: LeptosOptions,
    pub simulation: Simulation,
    pub change_log_retention: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be {expected}, not {value:?}")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error(transparent)]
    Simulation(#[from] SimulationError),
    #[error("the Leptos settings are invalid: {0}")]
    Leptos(String),
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        let leptos = leptos::config::get_config_from_str(LEPTOS_DEFAULTS)
            .map_err(|error| ConfigError::Leptos(error.to_string()))?;
        let latency_ms: u64 =
            parse_var("SIMULATED_LATENCY_MS", "a whole number of milliseconds")?.unwrap_or(0);
        let failure_rate: f64 =
            parse_var("SIMULATED_FAILURE_RATE", "a number from 0.0 to 1.0")?.unwrap_or(0.0);
        let retention_secs: u64 =
            parse_var("CHANGE_LOG_RETENTION_SECS", "a whole number of seconds")?
                .unwrap_or(DEFAULT_CHANGE_LOG_RETENTION.as_secs());
        Ok(Self {
            database_url: env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned()),
            leptos,
            simulation: Simulation::new(Duration::from_millis(latency_ms), failure_rate)?,
            change_log_retention: Duration::from_secs(retention_secs),
        })
    }
}

fn parse_var<T: std::str::FromStr>(
    name: &'static str,
    expected: &'static str,
) -> Result<Option<T>, ConfigError> {
    match env::var(name) {
        Err(_) => Ok(None),
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => value
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError::Invalid {
                name,
                expected,
                value,
            }),
    }
}
