use domain::JobStatus;
use mightycall::MightyCallError;

/// The run itself could not proceed (database or configuration): the job is left to be retried.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("could not dispatch: {0}")]
    Dispatch(String),
    /// The run no longer holds its job (cancelled, or taken over after its lease expired): it
    /// stops and writes nothing more.
    #[error("the run no longer holds the job")]
    LeaseLost,
}

/// Why a run stopped early, as the job will record it: a status, a stable code, and a message for
/// people. Built from typed errors only, so no secret can reach it.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Deadline near: the job is queued again with this progress.
    Pause(serde_json::Value),
    End {
        status: JobStatus,
        code: &'static str,
        message: String,
    },
    Engine(EngineError),
}

impl From<store::StoreError> for Stop {
    fn from(e: store::StoreError) -> Self {
        Self::Engine(e.into())
    }
}

impl From<MightyCallError> for Stop {
    fn from(e: MightyCallError) -> Self {
        let (status, code, message) = match &e {
            MightyCallError::QuotaExhausted { used, limit } => (
                JobStatus::Partial,
                "quota_exhausted",
                format!(
                    "today's MightyCall request budget is spent ({used} of {limit}); the sync continues tomorrow"
                ),
            ),
            MightyCallError::Unauthorized { .. } => (
                JobStatus::Failed,
                "invalid_credentials",
                "MightyCall rejected the organisation's credentials; an org admin must update them"
                    .into(),
            ),
            MightyCallError::BudgetUnavailable { .. } => (
                JobStatus::Failed,
                "budget_unavailable",
                "the request budget could not be checked, so nothing was sent; start the sync again"
                    .into(),
            ),
            MightyCallError::RateLimited { .. } => (
                JobStatus::Partial,
                "rate_limited",
                "MightyCall asked us to slow down; the next run continues from the last saved page"
                    .into(),
            ),
            other => (
                JobStatus::Failed,
                other.code(),
                format!(
                    "MightyCall request failed ({}); the next run continues from the last saved page",
                    other.code()
                ),
            ),
        };
        Self::End {
            status,
            code,
            message,
        }
    }
}

/// A function that wires the engine refuses to start with the engine's reason.
impl From<EngineError> for startup::StartupError {
    fn from(err: EngineError) -> Self {
        Self::Config(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_budget_ends_the_job_without_the_database_error() {
        let stop = Stop::from(MightyCallError::BudgetUnavailable {
            reason: "connection refused to db.internal:5432".into(),
        });
        let Stop::End {
            status,
            code,
            message,
        } = stop
        else {
            panic!("expected an end, got {stop:?}");
        };
        assert_eq!((status, code), (JobStatus::Failed, "budget_unavailable"));
        assert!(!message.contains("db.internal"), "{message}");
    }
}
