//! Logging through `tracing`, filtered by `RUST_LOG` (default: info, quiet sqlx).

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // `try_init` so that tests, which may call this more than once, do not panic.
    // Logs go to stderr, so that what a command prints (`check`'s report) stays on stdout.
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}
