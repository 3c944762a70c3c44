//! The `operations` function end to end: real router, real database with RLS, real token
//! verification, the fake MightyCall where a route reaches it.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod missed_calls;
