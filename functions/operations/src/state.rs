use actions::Actions;
use axum::extract::FromRef;
use startup::{Deps, StartupError};
use sync_engine::{Engine, SyncSettings};
use web::{AuthContext, Core, CoreConfig};

/// What the function reads from the environment, parsed only.
#[derive(Clone, Debug)]
pub struct OperationsConfig {
    pub core: CoreConfig,
    /// The MightyCall client's settings, as the sync engine's (`SyncSettings::from_env`).
    pub settings: SyncSettings,
}

impl OperationsConfig {
    pub fn from_env() -> Result<Self, StartupError> {
        Ok(Self {
            core: CoreConfig::from_env()?,
            settings: SyncSettings::from_env()?,
        })
    }
}

#[derive(Clone)]
pub struct OperationsState {
    pub(crate) core: Core,
    /// Playback and sending, with the org's MightyCall account.
    pub(crate) actions: Actions,
}

impl OperationsState {
    /// Used by `main` and the tests alike. Requests to MightyCall open the org's credentials: no
    /// keyring, no start.
    pub async fn build(config: OperationsConfig, deps: Deps) -> Result<Self, StartupError> {
        let engine = Engine::new(deps.db.clone(), deps.secrets.clone(), config.settings);
        let core = Core::build(config.core, deps).await?;
        core.auth.secrets.current().await?.keyring()?;
        let actions = Actions {
            core: core.clone(),
            engine,
        };
        Ok(Self { core, actions })
    }
}

impl FromRef<OperationsState> for AuthContext {
    fn from_ref(state: &OperationsState) -> Self {
        state.core.auth.clone()
    }
}
