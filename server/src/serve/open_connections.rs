//! The open connections, so that when every slot is taken the oldest idle one can make
//! room for a newcomer.
//!
//! A connection is idle when no request on it is being answered: it has not finished
//! sending its first request head, or it is a keep-alive connection between requests.
//! Closing such a connection loses nothing (a browser retries on a fresh one), while
//! making the newcomer wait would let a flood of sockets that never speak hold every slot
//! until the header deadline frees them.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, PoisonError,
    },
};
use tokio_util::sync::CancellationToken;

/// Every open connection, oldest first.
#[derive(Default)]
pub struct OpenConnections {
    inner: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    // Ids only grow, so iterating the map visits the oldest connection first.
    open: BTreeMap<u64, Arc<Connection>>,
}

/// What the accept loop knows about one connection.
#[derive(Default)]
pub struct Connection {
    in_flight: AtomicUsize,
    evicted: CancellationToken,
}

impl Connection {
    /// Resolves when the connection should close to make room.
    pub async fn evicted(&self) {
        self.evicted.cancelled().await;
    }

    /// A handle that closes this connection, for a handler whose response has outlived
    /// its use (an event stream whose client stopped reading).
    pub fn closer(&self) -> ConnectionCloser {
        ConnectionCloser::new(self.evicted.clone())
    }

    /// Marks a request as being answered until the returned guard is dropped.
    pub fn start_request(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(Arc::clone(self))
    }

    fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0 && !self.evicted.is_cancelled()
    }
}

/// Closes the connection a request came on (found in the request's extensions). The
/// connection's task drops it at once, with whatever the kernel still buffers for it.
#[derive(Clone, Debug)]
pub struct ConnectionCloser(CancellationToken);

impl ConnectionCloser {
    pub fn new(token: CancellationToken) -> Self {
        Self(token)
    }

    pub fn close(&self) {
        self.0.cancel();
    }
}

/// A request being answered; dropping it (with the response body) makes the connection
/// idle again.
pub struct InFlight(Arc<Connection>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection's place in the registry, given up on drop.
pub struct Registered {
    id: u64,
    connection: Arc<Connection>,
    registry: Arc<OpenConnections>,
}

impl Registered {
    pub fn connection(&self) -> &Arc<Connection> {
        &self.connection
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.lock().open.remove(&self.id);
    }
}

impl OpenConnections {
    pub fn register(self: &Arc<Self>) -> Registered {
        let connection = Arc::new(Connection::default());
        let mut registry = self.lock();
        let id = registry.next_id;
        registry.next_id += 1;
        registry.open.insert(id, Arc::clone(&connection));
        Registered {
            id,
            connection,
            registry: Arc::clone(self),
        }
    }

    /// Asks the oldest idle connection to close. Returns whether there was one.
    pub fn evict_oldest_idle(&self) -> bool {
        let registry = self.lock();
        match registry
            .open
            .values()
            .find(|connection| connection.is_idle())
        {
            Some(connection) => {
                connection.evicted.cancel();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        // The registry holds no invariant a panic elsewhere could break.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_idle_connection_is_evicted_and_busy_ones_are_kept() {
        let open = Arc::new(OpenConnections::default());
        let oldest = open.register();
        let middle = open.register();
        let newest = open.register();
        let busy = oldest.connection().start_request();

        assert!(open.evict_oldest_idle());
        assert!(!oldest.connection().evicted.is_cancelled());
        assert!(middle.connection().evicted.is_cancelled());
        assert!(!newest.connection().evicted.is_cancelled());

        assert!(open.evict_oldest_idle());
        assert!(newest.connection().evicted.is_cancelled());
        assert!(!open.evict_oldest_idle(), "only a busy connection is left");

        drop(busy);
        assert!(
            open.evict_oldest_idle(),
            "the request ended, so it is idle again"
        );
        assert!(oldest.connection().evicted.is_cancelled());
    }

    #[test]
    fn a_closed_connection_leaves_the_registry() {
        let open = Arc::new(OpenConnections::default());
        let first = open.register();
        drop(first);
        assert!(!open.evict_oldest_idle());
    }
}
