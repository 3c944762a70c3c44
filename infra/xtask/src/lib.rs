//! Developer commands' building blocks, a library so that tests can use them: the demo stack, the
//! production router table, the whole API in one process, and the merged API document.

// Developer tooling: a demo that cannot start fails loudly, like a test.
#![allow(clippy::expect_used, clippy::panic)]

pub mod api;
pub mod demo;
pub mod functions;
pub mod openapi;
pub mod router;
