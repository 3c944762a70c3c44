//! The `trigger` function: the entry points that start syncs from outside. `POST /api/trigger` for
//! systems holding a service key (stands in for the old Edge Function), and
//! `POST /api/webhooks/mightycall/{orgId}/{token}` for MightyCall's call notifications.

mod body;
mod caller;
pub mod routes;
mod service;
mod state;
mod webhook;
mod webhook_input;

pub use routes::openapi;
pub use state::{TriggerConfig, TriggerState};
