//! The `user` function end to end: real router, a real database with RLS, real token verification
//! and secrets from the AWS emulator.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod events;
mod routes;
mod settings;
