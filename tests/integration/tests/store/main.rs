//! The `store` crate's schema as a whole: migrations apply and re-apply, the catalog obeys the
//! security rules, and Row Level Security alone keeps tenants apart.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod catalog;
mod errors;
mod migrations;
mod rls;
mod web_sessions;
