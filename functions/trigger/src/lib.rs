//! The `trigger` function: service-key and webhook entry points that start syncs from outside.

pub mod routes;
