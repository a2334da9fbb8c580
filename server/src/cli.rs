//! The command line: `serve` (the default), `seed --count N`, `migrate`, `check`.

use crate::{config::SettingsArgs, seed, shutdown, startup::Application};
use app::lists::ssr::{Database, ListStore, StoreError};
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
    #[command(flatten)]
    pub settings: SettingsArgs,
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
    /// Report lists whose stored data the app cannot show (written by another tool, say).
    Check,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Database(#[from] app::lists::ssr::OpenError),
    #[error(transparent)]
    Startup(#[from] crate::startup::StartupError),
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
    #[error("{0} list(s) cannot be shown; see above")]
    Unreadable(usize),
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let settings = cli.settings.into_settings()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let application = Application::build(settings).await?;
            shutdown::cancel_on_signal(application.shutdown_token());
            application.run_until_stopped().await?;
        }
        Command::Seed { count } => {
            let db = Database::open(&settings.database_url, settings.database()).await?;
            let store = ListStore::new(db.clone());
            seed::insert_fake_lists(&store, count).await?;
            db.close().await;
            tracing::info!(count, "seeded");
        }
        Command::Migrate => {
            Database::open(&settings.database_url, settings.database())
                .await?
                .close()
                .await;
            tracing::info!("migrated");
        }
        Command::Check => {
            let db = Database::open(&settings.database_url, settings.database()).await?;
            let unreadable = ListStore::new(db.clone()).unreadable_rows().await?;
            db.close().await;
            for (id, reason) in &unreadable {
                println!("list {id}: {reason}");
            }
            if !unreadable.is_empty() {
                return Err(CliError::Unreadable(unreadable.len()));
            }
            println!("every list can be shown");
        }
    }
    Ok(())
}
