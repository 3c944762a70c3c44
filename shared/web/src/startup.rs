use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;

use startup::StartupError;

use crate::{AccessPolicy, AuthContext};

/// What every HTTP function builds once per cold start: the database pool and authentication.
#[derive(Clone)]
pub struct Core {
    pub db: store::Db,
    pub auth: AuthContext,
    pub policy: AccessPolicy,
}

impl Core {
    /// `DATABASE_*`, `APP_SECRET_ARN`/secret variables, `SUPABASE_JWKS_URL`, `SUPABASE_JWT_ISSUER`,
    /// `REQUIRE_MFA_FOR_ADMIN`.
    /// Loads the secrets once so a missing or malformed one stops the cold start, not a request.
    pub async fn from_env() -> Result<Self, StartupError> {
        let secrets = Arc::new(settings::Secrets::from_env().await?);
        let loaded = secrets.current().await?;
        let db = store::Db::connect(&store::DbConfig::from_env(loaded.database_url())?)?;
        let jwks_url = settings::env_optional("SUPABASE_JWKS_URL")
            .map(|u| url::Url::parse(&u))
            .transpose()
            .map_err(|_| StartupError::Config("SUPABASE_JWKS_URL is not a URL".into()))?;
        if jwks_url.is_none() && loaded.jwt_secret().is_none() {
            return Err(StartupError::Config(
                "set SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL: no token could be verified".into(),
            ));
        }
        let config = auth::AuthConfig {
            jwks_url,
            issuer: settings::env_optional("SUPABASE_JWT_ISSUER"),
            ..auth::AuthConfig::default()
        };
        config
            .validate()
            .map_err(|e| StartupError::Config(format!("authentication settings: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let mut core = Self::new(db, auth::Authenticator::new(config, http), secrets);
        core.policy.require_mfa_for_admin = settings::env_flag("REQUIRE_MFA_FOR_ADMIN", false)?;
        Ok(core)
    }

    pub fn new(
        db: store::Db,
        authenticator: auth::Authenticator,
        secrets: Arc<settings::Secrets>,
    ) -> Self {
        Self {
            db,
            auth: AuthContext {
                authenticator: Arc::new(authenticator),
                secrets,
            },
            policy: AccessPolicy::default(),
        }
    }
}

impl FromRef<Core> for AuthContext {
    fn from_ref(core: &Core) -> Self {
        core.auth.clone()
    }
}
