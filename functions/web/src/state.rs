use startup::{Deps, StartupError};
use url::Url;
use web::{Core, CoreConfig};

use crate::supabase::{Supabase, SupabaseConfig};

/// What the function reads from the environment, parsed only.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub core: CoreConfig,
    pub supabase: SupabaseConfig,
}

impl WebConfig {
    /// [`CoreConfig::from_env`], `SUPABASE_URL` and `SUPABASE_ANON_KEY`.
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
        })
    }
}

#[derive(Clone)]
pub struct WebState {
    pub(crate) core: Core,
    pub(crate) supabase: Supabase,
}

impl WebState {
    /// Used by `main` and the tests alike. Sessions are sealed with `WEB_SESSION_KEYS`: no keys,
    /// no start.
    pub async fn build(config: WebConfig, deps: Deps) -> Result<Self, StartupError> {
        let core = Core::build(config.core, deps).await?;
        core.auth.secrets.current().await?.session_keyring()?;
        let supabase = Supabase::new(config.supabase)
            .map_err(|e| StartupError::Config(format!("HTTP client: {e}")))?;
        Ok(Self { core, supabase })
    }
}
