//! Logging through `tracing`, filtered by `RUST_LOG` (default: info, quiet sqlx), as text
//! or as one JSON object per line (`LOG_FORMAT=json`). Each line written while a request
//! is handled carries that request's span: its id, method and route.

use crate::config::LogFormat;
use std::io::{BufWriter, IsTerminal};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::{fmt, fmt::MakeWriter, EnvFilter};

/// The server's logging, to stderr, so that what a command prints (`check`'s report)
/// stays on stdout. Colours only on a terminal: a file or a journal gets plain text.
///
/// A thread of its own writes the lines, as many as have come since its last write in
/// one (stderr is unbuffered: written in place, each line was a system call on the
/// request's thread; BENCHMARKS.md has what that cost). It never drops a line:
/// when it falls behind, whoever logs waits. Hold the guard until the end: dropping it
/// writes what is left.
#[must_use = "the log's last lines are written when this is dropped"]
pub fn init(format: LogFormat) -> WorkerGuard {
    let colours = std::io::stderr().is_terminal();
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("log-writer")
        .finish(BufWriter::new(std::io::stderr()));
    init_to(format, writer, colours);
    guard
}

/// The server's logging, written by `writer` (the benches write it nowhere, to measure
/// what formatting a line costs).
pub fn init_to<W>(format: LogFormat, writer: W, colours: bool)
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(colours)
        .with_writer(writer);
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
