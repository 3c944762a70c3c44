use actions::integrations::CredentialCheck;
use axum::extract::FromRef;
use startup::{Deps, StartupError};
use web::{AuthContext, Core, CoreConfig};

/// What the function reads from the environment, parsed only.
#[derive(Clone, Debug)]
pub struct AdminConfig {
    pub core: CoreConfig,
    /// `MIGHTYCALL_BASE_URL`: a deployment-wide override (the fake locally); orgs only pick a host.
    pub mightycall_base_override: Option<String>,
    /// `MIGHTYCALL_DAILY_REQUEST_BUDGET`: the api key's daily budget, shared with the sync engine;
    /// a credential check reserves its token request from it.
    pub daily_request_budget: u32,
}

impl AdminConfig {
    pub fn from_env() -> Result<Self, StartupError> {
        Ok(Self {
            core: CoreConfig::from_env()?,
            mightycall_base_override: settings::env_optional(mightycall::config::BASE_URL_ENV),
            daily_request_budget: sync_engine::SyncSettings::from_env()?.daily_budget,
        })
    }
}

#[derive(Clone)]
pub struct AdminState {
    pub(crate) core: Core,
    pub(crate) check: CredentialCheck,
}

impl AdminState {
    /// Used by `main` and the tests alike. This function seals credentials: without a keyring it
    /// must not start.
    pub async fn build(config: AdminConfig, deps: Deps) -> Result<Self, StartupError> {
        let core = Core::build(config.core, deps).await?;
        core.auth.secrets.current().await?.keyring()?;
        Ok(Self {
            core,
            check: CredentialCheck {
                base_override: config.mightycall_base_override,
                daily_request_budget: config.daily_request_budget,
            },
        })
    }
}

impl FromRef<AdminState> for AuthContext {
    fn from_ref(state: &AdminState) -> Self {
        state.core.auth.clone()
    }
}
