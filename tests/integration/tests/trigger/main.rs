//! The `trigger` function: service-key and signed triggers, MightyCall webhooks, and the
//! admin route that issues webhook tokens.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod events;
mod leaks;
mod service;
mod signed;
mod support;
mod webhook_token;
mod webhooks;
