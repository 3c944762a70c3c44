use std::sync::Arc;

use axum::extract::FromRef;
use startup::StartupError;
use sync_engine::{Dispatcher, SyncWiring};
use web::{AuthContext, Core};

#[derive(Clone)]
pub struct SyncState {
    pub core: Core,
    pub dispatcher: Arc<Dispatcher>,
    /// `SYNC_MAX_RANGE_DAYS`: the longest explicit re-sync range a request may ask for.
    pub max_range_days: i64,
}

impl SyncState {
    /// `SYNC_DISPATCH` = `eventbridge` (with `SYNC_EVENT_BUS`) in AWS, `inline` locally.
    pub async fn from_env() -> Result<Self, StartupError> {
        let core = Core::from_env().await?;
        let wiring = SyncWiring::from_env(core.db.clone(), Arc::clone(&core.auth.secrets))
            .await
            .map_err(|e| StartupError::Config(e.to_string()))?;
        Ok(Self {
            core,
            dispatcher: wiring.dispatcher,
            max_range_days: wiring.max_range_days,
        })
    }
}

impl FromRef<SyncState> for AuthContext {
    fn from_ref(state: &SyncState) -> Self {
        state.core.auth.clone()
    }
}
