//! The `sync` function: starting MightyCall syncs and following their jobs.

pub mod routes;
