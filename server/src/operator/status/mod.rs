//! The status screen's figures: sampled once a second ([`sampler`]) into an in-memory
//! log of the last fifteen minutes ([`StatusLog`]), which a feed of its own fans out to
//! the open status screens exactly as the lists' log is fanned out to `/notes`.

mod log;
pub mod sampler;

pub use log::StatusLog;
