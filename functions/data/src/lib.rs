//! The `data` function: synced MightyCall data, reports and dashboard metrics for members of an
//! organisation (any role) and for platform admins.

mod dashboard;
mod lists;
mod params;
mod reply;
mod reports;
pub mod routes;

pub use routes::openapi;
pub use web::export::MAX_ROWS as MAX_EXPORT_ROWS;
