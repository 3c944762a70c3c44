use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::{AppSecrets, SecretSource, SettingsError};

/// The secrets of one function process, fetched at cold start and refreshed after `ttl`.
pub struct Secrets {
    source: SecretSource,
    ttl: Duration,
    current: Mutex<Option<(Instant, Arc<AppSecrets>)>>,
}

impl Secrets {
    pub fn new(source: SecretSource, ttl: Duration) -> Self {
        Self {
            source,
            ttl,
            current: Mutex::new(None),
        }
    }

    /// The source chosen by `APP_SECRET_ARN`, with the TTL from `SECRETS_TTL_SECS` (default 300).
    pub async fn from_env() -> Result<Self, SettingsError> {
        let ttl =
            crate::env_secs("SECRETS_TTL_SECS", 0..=86_400)?.unwrap_or(Duration::from_secs(300));
        Ok(Self::new(SecretSource::from_env().await, ttl))
    }

    /// The current secrets. A refresh that fails after a successful one keeps serving the last good
    /// values (a Secrets Manager hiccup must not take the API down); the first load must succeed.
    pub async fn current(&self) -> Result<Arc<AppSecrets>, SettingsError> {
        let mut current = self.current.lock().await;
        if let Some((fetched, secrets)) = current.as_ref()
            && fetched.elapsed() < self.ttl
        {
            return Ok(Arc::clone(secrets));
        }
        let loaded = self
            .source
            .fetch()
            .await
            .and_then(|raw| AppSecrets::parse(&raw));
        match (loaded, current.as_mut()) {
            (Ok(secrets), _) => {
                let secrets = Arc::new(secrets);
                *current = Some((Instant::now(), Arc::clone(&secrets)));
                Ok(secrets)
            }
            (Err(e), Some((fetched, stale))) => {
                tracing::warn!(error = %e, "secret refresh failed; keeping the previous values");
                // Retry after another TTL rather than on every request.
                *fetched = Instant::now();
                Ok(Arc::clone(stale))
            }
            (Err(e), None) => Err(e),
        }
    }
}
