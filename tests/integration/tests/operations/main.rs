//! The `operations` function end to end: real routers, real database with RLS, the webhooks it
//! reads arriving through the `trigger` function's real route from the fake MightyCall's account.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod events;
mod live_status;
