//! The `operations` function end to end: real router, real database with RLS, the fake MightyCall
//! over HTTP, secrets from the AWS emulator.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audio;
mod missed_calls;
mod sms;
