use actions::sync::Syncs;
use axum::extract::FromRef;
use startup::{Deps, StartupError};
use sync_engine::{SyncWiring, WiringConfig};
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
    /// Starting syncs: where the jobs go to run.
    pub(crate) syncs: Syncs,
}

impl SyncState {
    /// Used by `main` and the tests alike.
    pub async fn build(config: SyncConfig, deps: Deps) -> Result<Self, StartupError> {
        let wiring = SyncWiring::build(config.wiring, &deps).await?;
        let core = Core::build(config.core, deps).await?;
        Ok(Self {
            syncs: Syncs::new(core.clone(), &wiring),
            core,
        })
    }
}

impl FromRef<SyncState> for AuthContext {
    fn from_ref(state: &SyncState) -> Self {
        state.core.auth.clone()
    }
}
