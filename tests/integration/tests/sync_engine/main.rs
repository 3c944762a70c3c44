//! The sync engine end to end against the fake MightyCall and a real database: runs, faults,
//! leases, key budgets, poison records, the platform account and dispatch to EventBridge.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod dispatch;
mod engine;
mod faults;
mod key_budget;
mod leases;
mod platform_account;
mod poison;
