//! `Position`: a place in the change log.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in the change log: every committed change gets the next one, and every
/// reader sees them in that one order. A page of rows is read at a position (it holds
/// every change up to it), an event is at one, and a screen's feed resumes after the
/// last it applied.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Position(i64);

impl Position {
    pub const fn new(position: i64) -> Self {
        Self(position)
    }

    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An entry of a change log: whatever its collection, it sits at one position. What the
/// feed's both ends (the server's fan-out, a screen's subscription) need of an event.
pub trait LogEvent {
    fn position(&self) -> Position;
}
