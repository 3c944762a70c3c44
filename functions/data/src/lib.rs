//! The `data` function: synced MightyCall data, reports and dashboard metrics for members of an organisation.

pub mod routes;
