use std::sync::Arc;

use axum::extract::FromRef;
use startup::{Deps, StartupError};
use sync_engine::{Dispatcher, SyncWiring, WiringConfig};
use web::{AuthContext, Core, CoreConfig};

/// What the function reads from the environment, parsed only.
#[derive(Clone, Debug, Default)]
pub struct SyncConfig {
    pub core: CoreConfig,
    pub wiring: WiringConfig,
}

impl SyncConfig {
    pub fn from_env() -> Result<Self, StartupError> {
        Ok(Self {
            core: CoreConfig::from_env()?,
            wiring: WiringConfig::from_env()?,
        })
    }
}

#[derive(Clone)]
pub struct SyncState {
    pub(crate) core: Core,
    pub(crate) dispatcher: Arc<Dispatcher>,
    /// The longest explicit re-sync range a request may ask for.
    pub(crate) max_range_days: i64,
}

impl SyncState {
    /// Used by `main` and the tests alike.
    pub async fn build(config: SyncConfig, deps: Deps) -> Result<Self, StartupError> {
        let wiring = SyncWiring::build(config.wiring, &deps).await?;
        Ok(Self {
            core: Core::build(config.core, deps).await?,
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
