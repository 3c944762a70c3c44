//! The `sync` function's routes end to end: real router, a real database with RLS, jobs run inline
//! against the fake MightyCall.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod events;
mod routes;
