//! The `admin-integrations` function: an organisation's MightyCall integration, its members and
//! invites, and its audit log. Org admins of that org, or platform admins, only.

mod audit_log;
mod guard;
mod integrations;
mod members;
pub mod routes;
mod state;
mod webhook_token;

pub use state::AdminState;
