//! The sync engine end to end against the fake MightyCall and a real database, and the `sync`
//! function's routes.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod dispatch;
mod engine;
mod events;
mod faults;
mod key_budget;
mod leases;
mod platform_account;
mod poison;
mod routes;
mod support;
mod worker;
