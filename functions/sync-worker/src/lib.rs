//! The event-driven sync worker. EventBridge invokes it with
//! - the scheduler tick (`detail-type: Scheduled Event`, or `{"action":"fan_out"}`): it resumes the
//!   jobs whose lease expired (a dead run, a lost event), claims the organisations whose
//!   integration is due, queues their jobs and publishes one `SyncRequested` event per organisation;
//! - `SyncRequested` (`detail: {"job_ids":[…]}`): it runs those jobs in order within the Lambda
//!   deadline and, when the engine stops early, publishes a continuation with the jobs left; a job
//!   another run holds (a duplicate event) stops it, as that run carries the rest.
//! - `{"action":"health"}` for deploy checks.

mod event;
mod fan_out;
mod worker;

pub use event::WorkerError;
pub use worker::{Worker, deadline_of};
