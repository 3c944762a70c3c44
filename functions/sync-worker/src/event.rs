use serde::Deserialize;
use sync_engine::{SYNC_REQUESTED, SyncRequested};

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("unsupported event: {0}")]
    Unsupported(String),
    #[error(transparent)]
    Engine(#[from] sync_engine::EngineError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Lambda reports the error type; unknown events fail the invocation, so EventBridge retries and
/// then dead-letters them instead of dropping them silently.
impl From<WorkerError> for lambda_runtime::Diagnostic {
    fn from(err: WorkerError) -> Self {
        let error_type = match &err {
            WorkerError::Unsupported(_) => "UnsupportedEvent",
            WorkerError::Engine(_) | WorkerError::Store(_) => "SyncError",
        };
        Self {
            error_type: error_type.into(),
            error_message: err.to_string(),
        }
    }
}

/// What an invocation asks for.
pub(crate) enum WorkerEvent {
    Health,
    FanOut,
    Run(SyncRequested),
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Health,
    FanOut,
}

#[derive(Deserialize)]
struct Direct {
    action: Action,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "detail-type")]
    detail_type: String,
    #[serde(default)]
    detail: serde_json::Value,
}

impl WorkerEvent {
    pub(crate) fn parse(event: serde_json::Value) -> Result<Self, WorkerError> {
        if let Ok(direct) = serde_json::from_value::<Direct>(event.clone()) {
            return Ok(match direct.action {
                Action::Health => Self::Health,
                Action::FanOut => Self::FanOut,
            });
        }
        let envelope: Envelope = serde_json::from_value(event).map_err(|_| {
            WorkerError::Unsupported("an event without `action` or `detail-type`".into())
        })?;
        match envelope.detail_type.as_str() {
            "Scheduled Event" => Ok(Self::FanOut),
            SYNC_REQUESTED => serde_json::from_value(envelope.detail)
                .map(Self::Run)
                .map_err(|_| WorkerError::Unsupported("SyncRequested without job_ids".into())),
            other => Err(WorkerError::Unsupported(other.chars().take(100).collect())),
        }
    }
}
