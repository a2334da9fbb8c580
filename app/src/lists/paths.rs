//! Where the lists live on the server.

/// The notes screen.
pub const NOTES_PATH: &str = "/notes";
/// Where the server sends list changes (Server-Sent Events), as JSON by default.
pub const EVENTS_PATH: &str = "/api/lists/events";
