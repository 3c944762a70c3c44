use std::sync::Arc;

use chrono::{DateTime, Utc};

use startup::StartupError;
use sync_engine::{Dispatcher, Engine, SyncWiring};
use web::Core;

#[derive(Clone)]
pub struct TriggerState {
    pub core: Core,
    /// Where queued jobs go (`SYNC_DISPATCH`), as in the `sync` function.
    pub dispatcher: Arc<Dispatcher>,
    /// Runs a webhook's single-call fetch in this process, whatever the dispatcher.
    pub engine: Engine,
    /// `SYNC_MAX_RANGE_DAYS`, as in the `sync` function.
    pub max_range_days: i64,
    /// This function's clock (`Utc::now`), for the days of a re-sync window. Tests set it apart
    /// from the database's, whose clock alone judges signatures.
    pub clock: fn() -> DateTime<Utc>,
}

impl TriggerState {
    pub async fn from_env() -> Result<Self, StartupError> {
        let core = Core::from_env().await?;
        // Webhooks open the org's credentials to check their `ApiKey`: no keyring, no start.
        core.auth.secrets.current().await?.keyring()?;
        let wiring = SyncWiring::from_env(core.db.clone(), Arc::clone(&core.auth.secrets))
            .await
            .map_err(|e| StartupError::Config(e.to_string()))?;
        Ok(Self {
            core,
            dispatcher: wiring.dispatcher,
            engine: wiring.engine,
            max_range_days: wiring.max_range_days,
            clock: Utc::now,
        })
    }
}
