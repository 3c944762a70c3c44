//! The `operations` function end to end: real routers, real database with RLS, the fake MightyCall
//! over HTTP (its account's webhooks arriving through the `trigger` function's real route), secrets
//! from the AWS emulator.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audio;
mod events;
mod live_status;
mod missed_calls;
mod sms;
