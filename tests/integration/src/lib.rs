//! What the integration test binaries share: one [`world::World`] built the production way, the
//! sample-event replay, and an event bus to read dispatches back. The tests live in `tests/`, one
//! binary per function or crate (each starts one database server).

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod bus;
pub mod call_gen;
pub mod events;
pub mod site;
pub mod world;

pub use world::World;
