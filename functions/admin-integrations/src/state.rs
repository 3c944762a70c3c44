use axum::extract::FromRef;
use startup::StartupError;
use web::{AuthContext, Core};

#[derive(Clone)]
pub struct AdminState {
    pub core: Core,
    /// `MIGHTYCALL_BASE_URL`: a deployment-wide override (the fake locally); orgs only pick a host.
    pub mightycall_base_override: Option<String>,
    /// `MIGHTYCALL_DAILY_REQUEST_BUDGET`: the api key's daily budget, shared with the sync engine;
    /// a credential check reserves its token request from it.
    pub daily_request_budget: u32,
}

impl AdminState {
    pub async fn from_env() -> Result<Self, StartupError> {
        let core = Core::from_env().await?;
        // This function seals credentials: without a keyring it must not start.
        core.auth.secrets.current().await?.keyring()?;
        Ok(Self {
            core,
            mightycall_base_override: settings::env_optional(mightycall::config::BASE_URL_ENV),
            daily_request_budget: sync_engine::SyncSettings::from_env()
                .map_err(|e| StartupError::Config(e.to_string()))?
                .daily_budget,
        })
    }
}

impl FromRef<AdminState> for AuthContext {
    fn from_ref(state: &AdminState) -> Self {
        state.core.auth.clone()
    }
}
