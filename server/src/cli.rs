//! The command line: `serve` (the default), `seed --count N`, `migrate`.

use crate::{config::Settings, database, seed, shutdown, startup::Application};
use app::lists::server::ListStore;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "async-streamer",
    version,
    about = "Lists that load asynchronously and stay live."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, then serve the app (the default).
    Serve,
    /// Create and migrate the database if needed, then insert lists with fake names.
    Seed {
        /// How many lists to insert.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
        count: u64,
    },
    /// Create the database if needed and apply pending migrations.
    Migrate,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Database(#[from] database::DatabaseError),
    #[error(transparent)]
    Startup(#[from] crate::startup::StartupError),
    #[error("seeding failed: {0}")]
    Seed(#[from] app::lists::server::StoreError),
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let application = Application::build(settings).await?;
            shutdown::cancel_on_signal(application.shutdown_token());
            application.run_until_stopped().await?;
        }
        Command::Seed { count } => {
            let pool = database::open(&settings.database_url).await?;
            let store = ListStore::new(pool.clone());
            seed::insert_fake_lists(&store, count).await?;
            pool.close().await;
            tracing::info!(count, "seeded");
        }
        Command::Migrate => {
            let pool = database::open(&settings.database_url).await?;
            pool.close().await;
            tracing::info!("migrated");
        }
    }
    Ok(())
}
