//! Server-only half of the lists feature: the store over its database (all SQL, one
//! module per database), the simulation knobs, and the context the server functions
//! read them from.

mod backend;
mod change_log;
mod database;
mod error;
mod observer;
mod postgres;
mod rows;
mod simulation;
mod sqlite;
mod store;

pub use crate::collection::log::{LogBounds, LogRead};
pub use database::{Database, DatabaseSettings};
pub use error::{NotReady, OpenError, StoreError};
pub use observer::{ChangeOutcome, Observer, PoolRole, PoolState, StoreObserver};
pub use postgres::PostgresDb;
pub use postgres::Role as NumberingRole;
pub use postgres::MIGRATIONS as POSTGRES_MIGRATIONS;
pub use simulation::{Simulation, SimulationError};
pub use sqlite::SqliteDb;
pub use sqlite::MIGRATIONS as SQLITE_MIGRATIONS;
pub use store::{FirstPage, ListStore};

use super::error::ListError;
use super::page::{ListsPage, ListsQuery};
use leptos::prelude::use_context;

/// What the list server functions need, provided once per request by the server.
#[derive(Clone, Debug)]
pub struct ListsContext {
    pub store: ListStore,
    pub simulation: Simulation,
}

/// A page, and for the shared newest page, the store generation it belongs to: anything
/// rendered from it (the `/notes` document) is valid for as long as that generation
/// lasts.
#[derive(Clone, Debug)]
pub struct LoadedPage {
    pub page: ListsPage,
    pub generation: Option<u64>,
}

impl ListsContext {
    /// The context of the current request. Its absence is a wiring bug, not the user's fault.
    pub fn current() -> Result<Self, ListError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("ListsContext was not provided to the server function");
            ListError::Internal
        })
    }

    /// Loads one page, after the simulated latency and failure if they are turned on.
    /// The newest page without a search comes from the store's shared copy.
    pub async fn load(&self, query: &ListsQuery) -> Result<LoadedPage, ListError> {
        if let Err(failure) = self.simulation.before_load().await {
            tracing::warn!(%failure, "lists load failed on purpose");
            return Err(ListError::LoadFailed);
        }
        let failed = |error: StoreError| {
            tracing::error!(%error, "loading the lists failed");
            ListError::LoadFailed
        };
        if *query != ListsQuery::default() {
            let page = self.store.page(query).await.map_err(failed)?;
            return Ok(LoadedPage {
                page,
                generation: None,
            });
        }
        let first = self.store.first_page().await.map_err(failed)?;
        Ok(LoadedPage {
            page: ListsPage::clone(&first.page),
            generation: Some(first.generation),
        })
    }
}
