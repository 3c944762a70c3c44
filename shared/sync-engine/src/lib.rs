//! The sync engine: runs one `integration_sync_jobs` row to an honest end. Per resource it opens the
//! org's sealed credentials (or the platform's, for an org a platform admin bound to it), reuses
//! the cached token, fetches pages over a closed time window from the watermark, upserts each page
//! in one statement and records the page, its requests and the resume point in the same
//! transaction. It pauses at a page boundary before the Lambda deadline and stops before the api
//! key's daily MightyCall budget (shared by every org and run on that key) is spent.

mod client;
mod config;
mod dispatch;
mod failure;
mod key_budget;
mod mapping;
mod read_ahead;
mod resources;
mod run;
mod single_call;
mod start;
mod window;

pub use client::mightycall_host;
pub use config::SyncSettings;
pub use dispatch::{
    Dispatcher, EventBus, EventSink, SYNC_REQUESTED, SYNC_SOURCE, SyncRequested, publish,
};
pub use failure::EngineError;
pub use key_budget::StoreLedger;
pub use run::{Engine, RunOutcome};
pub use single_call::FetchCallError;
pub use start::{
    DispatchConfig, StartRequest, Started, StartedJob, StartedReply, SyncWiring, WiringConfig,
    dispatch_new, queue_jobs,
};
