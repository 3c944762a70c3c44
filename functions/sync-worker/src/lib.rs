//! The event-driven sync worker: EventBridge schedule ticks (fan-out) and `SyncRequested` events
//! (run one sync) arrive here. This first version understands only the health probe used by
//! deploy checks and local runs; the sync events are added by the serverless-wiring issue.

use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("unsupported event: {0}")]
    Unsupported(String),
}

#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
enum WorkerEvent {
    Health,
}

/// Handles one invocation. Unknown events fail the invocation (so EventBridge retries and then
/// dead-letters them) instead of being dropped silently.
pub fn handle(event: Value) -> Result<Value, WorkerError> {
    let kind = event
        .get("detail-type")
        .or_else(|| event.get("action"))
        .map(ToString::to_string)
        .unwrap_or_else(|| "an event without `action` or `detail-type`".into());
    match serde_json::from_value::<WorkerEvent>(event) {
        Ok(WorkerEvent::Health) => Ok(json!({
            "status": "ok",
            "function": "sync-worker",
            "version": env!("CARGO_PKG_VERSION"),
        })),
        Err(_) => Err(WorkerError::Unsupported(kind)),
    }
}

impl From<WorkerError> for lambda_runtime::Diagnostic {
    fn from(err: WorkerError) -> Self {
        Self {
            error_type: "UnsupportedEvent".into(),
            error_message: err.to_string(),
        }
    }
}
