use std::sync::Arc;

use chrono::{DateTime, Utc};
use startup::{Deps, StartupError};
use sync_engine::{Dispatcher, Engine, SyncWiring, WiringConfig};
use web::{Core, CoreConfig};

/// What the function reads from the environment, parsed only.
#[derive(Clone, Debug)]
pub struct TriggerConfig {
    pub core: CoreConfig,
    pub wiring: WiringConfig,
    /// This function's clock (`Utc::now`), for the days of a re-sync window. Tests set it apart
    /// from the database's, whose clock alone judges signatures.
    pub clock: fn() -> DateTime<Utc>,
}

impl TriggerConfig {
    pub fn from_env() -> Result<Self, StartupError> {
        Ok(Self {
            core: CoreConfig::from_env()?,
            wiring: WiringConfig::from_env()?,
            clock: Utc::now,
        })
    }
}

#[derive(Clone)]
pub struct TriggerState {
    pub(crate) core: Core,
    /// Where queued jobs go (`SYNC_DISPATCH`), as in the `sync` function.
    pub(crate) dispatcher: Arc<Dispatcher>,
    /// Runs a webhook's single-call fetch in this process, whatever the dispatcher.
    pub(crate) engine: Engine,
    pub(crate) max_range_days: i64,
    pub(crate) clock: fn() -> DateTime<Utc>,
}

impl TriggerState {
    /// Used by `main` and the tests alike. Webhooks open the org's credentials to check their
    /// `ApiKey`: no keyring, no start.
    pub async fn build(config: TriggerConfig, deps: Deps) -> Result<Self, StartupError> {
        let wiring = SyncWiring::build(config.wiring, &deps).await?;
        let core = Core::build(config.core, deps).await?;
        core.auth.secrets.current().await?.keyring()?;
        Ok(Self {
            core,
            dispatcher: wiring.dispatcher,
            engine: wiring.engine,
            max_range_days: wiring.max_range_days,
            clock: config.clock,
        })
    }
}
