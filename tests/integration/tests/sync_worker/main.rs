//! The `sync-worker` function: scheduled fan-out and `SyncRequested` runs, against the AWS
//! emulator's EventBridge and the fake MightyCall.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod worker;
