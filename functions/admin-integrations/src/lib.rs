//! The `admin-integrations` function: an organisation's MightyCall integration, its members and
//! invites, and its audit log. Org admins of that org, or platform admins, only; binding an org to
//! the platform's MightyCall account, and listing or creating orgs, is for platform admins alone.

mod admin_scope;
mod audit_log;
mod integrations;
mod members;
mod paths;
mod platform_account;
mod platform_orgs;
pub mod routes;
mod state;
mod webhook_token;

pub use routes::openapi;
pub use state::{AdminConfig, AdminState};
