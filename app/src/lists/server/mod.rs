//! Server-only half of the lists feature: the store (all SQL), the simulation knobs and
//! the context server functions read them from.

mod simulation;
mod store;

pub use simulation::{Simulation, SimulationError};
pub use store::{ListStore, LogBounds, StoreError};

use super::ListError;
use leptos::prelude::use_context;

/// What the list server functions need, provided once per request by the server.
#[derive(Clone, Debug)]
pub struct ListsContext {
    pub store: ListStore,
    pub simulation: Simulation,
}

impl ListsContext {
    /// The context of the current request. Its absence is a wiring bug, not the user's fault.
    pub fn current() -> Result<Self, ListError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("ListsContext was not provided to the server function");
            ListError::Internal
        })
    }
}
