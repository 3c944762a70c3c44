//! The `sync` function: starts MightyCall syncs for an organisation (org admins and managers, or
//! platform admins) and shows their jobs to the org's members.

mod jobs;
pub mod routes;
mod state;
mod trigger;

pub use routes::openapi;
pub use state::{SyncConfig, SyncState};
