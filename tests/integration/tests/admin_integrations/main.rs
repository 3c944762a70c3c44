//! The `admin-integrations` function end to end: real router, a real database with RLS, real token
//! verification, secrets from the AWS emulator, and the fake MightyCall.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod auth_failures;
mod bad_input;
mod events;
mod integration_saves;
mod leaks;
mod platform_account;
mod platform_orgs;
mod support;
mod tenancy;
