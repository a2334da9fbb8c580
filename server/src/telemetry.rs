//! Logging through `tracing`, filtered by `RUST_LOG` (default: info, quiet sqlx), as text
//! or as one JSON object per line (`LOG_FORMAT=json`). Each line written while a request
//! is handled carries that request's span: its id, method and route.

use crate::config::LogFormat;
use tracing_subscriber::{fmt, EnvFilter};

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // Logs go to stderr, so that what a command prints (`check`'s report) stays on stdout.
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    // `try_init` so that tests, which may call this more than once, do not panic.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
