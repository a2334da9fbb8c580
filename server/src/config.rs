//! Settings: command-line flags or environment variables (through clap), read once at
//! start-up. Every one has a default, so the binary runs from the repository root with
//! no environment at all.

use app::lists::ssr::{DatabaseSettings, Observer, Simulation, SimulationError};
use clap::Parser;
use leptos::config::LeptosOptions;
use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};

/// Where the SQLite file lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/async_streamer.db";

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

/// The settings as flags and variables. Flags win over variables.
#[derive(Debug, Clone, clap::Args)]
pub struct SettingsArgs {
    /// The database: sqlite://PATH (the file and its folder are created when missing).
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// PostgreSQL connections this instance keeps (reads and writes). Instances that
    /// share a database share its connections: divide them.
    #[arg(
        long,
        global = true,
        env = "DATABASE_CONNECTIONS",
        default_value_t = 16
    )]
    pub database_connections: u32,
    /// Delay before each lists load returns, in milliseconds (a timer, no thread blocked).
    #[arg(long, global = true, env = "SIMULATED_LATENCY_MS", default_value_t = 0)]
    pub simulated_latency_ms: u64,
    /// Probability, 0.0 to 1.0, that a lists load fails.
    #[arg(
        long,
        global = true,
        env = "SIMULATED_FAILURE_RATE",
        default_value_t = 0.0
    )]
    pub simulated_failure_rate: f64,
    /// How long change-log entries are kept, in seconds.
    #[arg(long, global = true, env = "CHANGE_LOG_RETENTION_SECS", default_value_t = 7 * 24 * 3600)]
    pub change_log_retention_secs: u64,
    /// How long a write waits for its turn before it is answered 503, in milliseconds.
    #[arg(long, global = true, env = "WRITE_WAIT_MS", default_value_t = 5000)]
    pub write_wait_ms: u64,
    /// Host names the server answers to besides the address it listens on (comma-separated
    /// `name` or `name:port`; `*` for any), e.g. the public name behind a proxy.
    #[arg(long, global = true, env = "ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// Open connections at most, kept below the open-file limit; a further one takes the
    /// place of the oldest idle connection, or waits while all are busy. Default: what
    /// the open-file limit and the memory allow (see `capacity`).
    #[arg(long, global = true, env = "MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Open event streams at most; more are answered 503 with Retry-After. Default: seven
    /// eighths of the connections.
    #[arg(long, global = true, env = "MAX_EVENT_STREAMS")]
    pub max_event_streams: Option<usize>,
    /// Seconds an event stream may leave an event unsent because its client stopped
    /// reading before it is closed (its slot and socket buffers are freed; a browser
    /// reconnects and resumes).
    #[arg(
        long,
        global = true,
        env = "EVENT_STREAM_STALL_SECS",
        default_value_t = 20
    )]
    pub event_stream_stall_secs: u64,
    /// Seconds a client has to send a request's headers (and a keep-alive connection may idle).
    #[arg(
        long,
        global = true,
        env = "HEADER_READ_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub header_read_timeout_secs: u64,
    /// Seconds a request body may go without sending anything.
    #[arg(
        long,
        global = true,
        env = "BODY_READ_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub body_read_timeout_secs: u64,
    /// Where to serve Prometheus metrics (`GET /metrics`), e.g. 127.0.0.1:9100: an
    /// address of its own, never the app's, so that they are not public along with the app.
    /// Off unless set.
    #[arg(long, global = true, env = "METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Addresses of proxies whose `X-Request-Id` is kept as the request's id
    /// (comma-separated IP addresses); from anyone else the server makes its own.
    #[arg(long, global = true, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// How log lines are written: `text` for people, `json` for log collectors.
    #[arg(long, global = true, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The settings, checked and typed.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    /// PostgreSQL connections per instance.
    pub database_connections: u32,
    pub leptos: LeptosOptions,
    pub simulation: Simulation,
    pub change_log_retention: Duration,
    pub write_wait: Duration,
    pub allowed_hosts: Vec<String>,
    /// `None`: derived from the machine (see `capacity`).
    pub max_connections: Option<usize>,
    /// `None`: derived from the connections (see `capacity`).
    pub max_event_streams: Option<usize>,
    pub event_stream_stall: Duration,
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    /// `None`: no metrics served.
    pub metrics_addr: Option<SocketAddr>,
    pub trusted_proxies: Vec<IpAddr>,
}

impl Settings {
    /// How to open the database.
    pub fn database(&self) -> DatabaseSettings {
        DatabaseSettings {
            write_wait: self.write_wait,
            postgres_connections: self.database_connections,
            observer: Observer::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Simulation(#[from] SimulationError),
    #[error("the Leptos settings are invalid: {0}")]
    Leptos(String),
    #[error("{0}")]
    Arguments(String),
    #[error(
        "METRICS_ADDR {metrics} is the app's own address ({app}): metrics are served on an \
         address of their own, so that they are not public along with the app"
    )]
    MetricsOnAppAddress {
        metrics: SocketAddr,
        app: SocketAddr,
    },
}

/// Whether two listen addresses would take the same port (an unspecified address, such
/// as `0.0.0.0`, takes it on every interface). Port 0 is a new port each time.
fn same_listener(one: SocketAddr, other: SocketAddr) -> bool {
    one.port() != 0
        && one.port() == other.port()
        && (one.ip() == other.ip() || one.ip().is_unspecified() || other.ip().is_unspecified())
}

impl SettingsArgs {
    pub fn into_settings(self) -> Result<Settings, ConfigError> {
        let leptos = leptos::config::get_config_from_str(LEPTOS_DEFAULTS)
            .map_err(|error| ConfigError::Leptos(error.to_string()))?;
        if let Some(metrics) = self.metrics_addr {
            let app = leptos.site_addr;
            if same_listener(metrics, app) {
                return Err(ConfigError::MetricsOnAppAddress { metrics, app });
            }
        }
        Ok(Settings {
            database_url: self.database_url,
            database_connections: self.database_connections.max(2),
            leptos,
            simulation: Simulation::new(
                Duration::from_millis(self.simulated_latency_ms),
                self.simulated_failure_rate,
            )?,
            change_log_retention: Duration::from_secs(self.change_log_retention_secs),
            write_wait: Duration::from_millis(self.write_wait_ms),
            allowed_hosts: self.allowed_hosts,
            max_connections: self.max_connections,
            max_event_streams: self.max_event_streams,
            event_stream_stall: Duration::from_secs(self.event_stream_stall_secs.max(1)),
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs.max(1)),
            body_read_timeout: Duration::from_secs(self.body_read_timeout_secs.max(1)),
            metrics_addr: self.metrics_addr,
            trusted_proxies: self.trusted_proxies,
        })
    }
}

/// Only the settings, from the environment: for tests and tools that have no command line.
#[derive(Debug, Parser)]
struct EnvOnly {
    #[command(flatten)]
    settings: SettingsArgs,
}

impl Settings {
    /// The settings the environment gives (defaults for what it does not).
    pub fn from_env() -> Result<Self, ConfigError> {
        EnvOnly::try_parse_from(["async-streamer"])
            .map_err(|error| ConfigError::Arguments(error.to_string()))?
            .settings
            .into_settings()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn metrics_never_share_the_apps_port() {
        assert!(same_listener(
            addr("127.0.0.1:3000"),
            addr("127.0.0.1:3000")
        ));
        assert!(same_listener(addr("0.0.0.0:3000"), addr("127.0.0.1:3000")));
        assert!(same_listener(addr("127.0.0.1:3000"), addr("[::]:3000")));
        assert!(!same_listener(
            addr("127.0.0.1:9100"),
            addr("127.0.0.1:3000")
        ));
        assert!(!same_listener(
            addr("127.0.0.2:3000"),
            addr("127.0.0.1:3000")
        ));
        assert!(!same_listener(addr("127.0.0.1:0"), addr("127.0.0.1:0")));
    }

    #[test]
    fn metrics_on_the_apps_address_are_refused_with_a_reason() {
        // The app's address as this process would listen on it (LEPTOS_SITE_ADDR, else
        // the default), given again for the metrics.
        let app = leptos::config::get_config_from_str(LEPTOS_DEFAULTS)
            .expect("the default Leptos settings")
            .site_addr;
        let arguments =
            EnvOnly::try_parse_from(["async-streamer", "--metrics-addr", &app.to_string()])
                .expect("arguments");
        let error = arguments.settings.into_settings().map(|_| ()).unwrap_err();
        assert!(
            matches!(error, ConfigError::MetricsOnAppAddress { .. }),
            "{error}"
        );
        assert!(
            error.to_string().contains("address of their own"),
            "{error}"
        );
    }
}
