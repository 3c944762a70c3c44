//! HTTP plumbing every HTTP function shares: the router scaffold (health, fallback, middleware),
//! the one place where errors become `{"error","message","request_id"}` JSON, request ids, and
//! tracing set-up.

mod app;
mod csv;
mod error;
pub mod export;
mod extract;
mod identity;
pub mod openapi;
pub mod paging;
pub mod params;
mod request_id;
mod scope;
mod startup;

pub use app::{AppConfig, app, hardened, serve_lambda};
pub use error::ApiError;
pub use extract::{ApiJson, ApiPath, ApiQuery, WholeNumber, present};
pub use identity::{AuthContext, CurrentUser};
pub use openapi::{ReadErrors, WriteErrors, document};
pub use request_id::{RequestId, assign_request_id};
pub use scope::{AccessPolicy, Caller, Need, OrgScope, UserScope};
pub use startup::{Core, CoreConfig};
