use actions::Actions;
use actions::sync::Syncs;
use startup::{Deps, StartupError};
use sync_engine::{SyncWiring, WiringConfig};
use url::Url;
use web::{Core, CoreConfig};

use crate::supabase::{Supabase, SupabaseConfig};

/// What the function reads from the environment, parsed only.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub core: CoreConfig,
    pub supabase: SupabaseConfig,
    /// The MightyCall client's settings (playback and SMS use the org's account) and where the
    /// syncs the Sync page starts run, as the `sync` function's (`WiringConfig::from_env`).
    pub wiring: WiringConfig,
}

impl WebConfig {
    /// [`CoreConfig::from_env`], `SUPABASE_URL`, `SUPABASE_ANON_KEY` and
    /// [`WiringConfig::from_env`].
    pub fn from_env() -> Result<Self, StartupError> {
        let required = |name: &'static str| {
            settings::env_optional(name)
                .ok_or_else(|| StartupError::Config(format!("{name} is required")))
        };
        let url = Url::parse(&required("SUPABASE_URL")?)
            .map_err(|_| StartupError::Config("SUPABASE_URL is not a URL".into()))?;
        Ok(Self {
            core: CoreConfig::from_env()?,
            supabase: SupabaseConfig {
                url,
                anon_key: required("SUPABASE_ANON_KEY")?,
            },
            wiring: WiringConfig::from_env()?,
        })
    }
}

#[derive(Clone)]
pub struct WebState {
    pub(crate) core: Core,
    pub(crate) supabase: Supabase,
    /// Playback and sending, with the org's MightyCall account.
    pub(crate) actions: Actions,
    /// Starting syncs from the Sync page.
    pub(crate) syncs: Syncs,
}

impl WebState {
    /// Used by `main` and the tests alike. Sessions are sealed with `WEB_SESSION_KEYS` and
    /// requests to MightyCall open the org's credentials: no keys or keyring, no start.
    pub async fn build(config: WebConfig, deps: Deps) -> Result<Self, StartupError> {
        let wiring = SyncWiring::build(config.wiring, &deps).await?;
        let core = Core::build(config.core, deps).await?;
        let secrets = core.auth.secrets.current().await?;
        secrets.session_keyring()?;
        secrets.keyring()?;
        let supabase = Supabase::new(config.supabase)
            .map_err(|e| StartupError::Config(format!("HTTP client: {e}")))?;
        let actions = Actions {
            core: core.clone(),
            engine: wiring.engine.clone(),
        };
        Ok(Self {
            syncs: Syncs::new(core.clone(), &wiring),
            core,
            supabase,
            actions,
        })
    }
}
