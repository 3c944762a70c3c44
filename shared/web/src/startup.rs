use std::sync::Arc;

use axum::extract::FromRef;
use startup::{Deps, StartupError};

use crate::{AccessPolicy, AuthContext};

/// What the HTTP functions read from the environment, parsed and checked, nothing connected.
#[derive(Clone, Debug, Default)]
pub struct CoreConfig {
    pub auth: auth::AuthConfig,
    pub policy: AccessPolicy,
}

impl CoreConfig {
    /// `SUPABASE_JWKS_URL`, `SUPABASE_JWT_ISSUER`, `REQUIRE_MFA_FOR_ADMIN`.
    pub fn from_env() -> Result<Self, StartupError> {
        let jwks_url = settings::env_optional("SUPABASE_JWKS_URL")
            .map(|u| url::Url::parse(&u))
            .transpose()
            .map_err(|_| StartupError::Config("SUPABASE_JWKS_URL is not a URL".into()))?;
        Ok(Self {
            auth: auth::AuthConfig {
                jwks_url,
                issuer: settings::env_optional("SUPABASE_JWT_ISSUER"),
                ..auth::AuthConfig::default()
            },
            policy: AccessPolicy {
                require_mfa_for_admin: settings::env_flag("REQUIRE_MFA_FOR_ADMIN", false)?,
            },
        })
    }
}

/// What every HTTP function builds once per cold start: the database pool and authentication.
#[derive(Clone)]
pub struct Core {
    pub db: store::Db,
    pub auth: AuthContext,
    pub policy: AccessPolicy,
}

impl Core {
    /// The one way a `Core` is made, by `main` and by the tests alike. Refuses to start when no
    /// token could ever be verified (neither a JWKS URL nor a JWT secret) or the authentication
    /// settings are invalid.
    pub async fn build(config: CoreConfig, deps: Deps) -> Result<Self, StartupError> {
        let loaded = deps.secrets.current().await?;
        if config.auth.jwks_url.is_none() && loaded.jwt_secret().is_none() {
            return Err(StartupError::Config(
                "set SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL: no token could be verified".into(),
            ));
        }
        config
            .auth
            .validate()
            .map_err(|e| StartupError::Config(format!("authentication settings: {e}")))?;
        Ok(Self {
            db: deps.db,
            auth: AuthContext {
                // The JWKS client (and the root certificates it loads) waits for the first JWKS
                // fetch: about 3 ms of every cold start, which HS256 tokens never need.
                authenticator: Arc::new(auth::Authenticator::with_lazy_client(config.auth)),
                secrets: deps.secrets,
            },
            policy: config.policy,
        })
    }

    /// [`CoreConfig::from_env`] and [`Deps::from_env`], built.
    pub async fn from_env() -> Result<Self, StartupError> {
        Self::build(CoreConfig::from_env()?, Deps::from_env().await?).await
    }
}

impl FromRef<Core> for AuthContext {
    fn from_ref(core: &Core) -> Self {
        core.auth.clone()
    }
}
