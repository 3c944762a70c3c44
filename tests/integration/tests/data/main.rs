//! The `data` function end to end: real router, real database with RLS and the call rollups, real
//! token verification, secrets from the AWS emulator. Expected figures are computed independently
//! with plain GROUP BY queries over `calls` through the admin connection.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod agent_scoping;
mod bad_input;
mod csv;
mod events;
mod export;
mod kpis;
mod lists;
mod local_days;
mod openapi;
mod reports;
mod rollups;
mod support;
