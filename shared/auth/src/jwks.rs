//! The project's JSON Web Key Set: fetched on demand, cached for at most the TTL, refreshed
//! at most once per `min_refresh_interval`, and never trusted past its TTL (fail closed).

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use tokio::sync::{Mutex, OnceCell, RwLock};
use url::Url;

use crate::AuthError;
use crate::config::{ConfigError, check_jwks_url};

/// A slow key server must not hold a request (and its Lambda invocation) for long.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);
/// A real JWKS is a few KiB; anything much larger is not one.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub(crate) struct JwksCache {
    url: Url,
    /// Built on the first fetch unless the caller gave one: building a reqwest client loads the
    /// system's root certificates, milliseconds of a cold start that HS256 tokens never need.
    client: OnceCell<reqwest::Client>,
    ttl: Duration,
    min_refresh_interval: Duration,
    current: RwLock<Option<KeySet>>,
    /// When the last fetch started. Held across the fetch, so concurrent misses wait for one
    /// fetch instead of each starting their own.
    last_attempt: Mutex<Option<Instant>>,
}

struct KeySet {
    fetched_at: Instant,
    keys: Vec<SigningKey>,
}

/// A key is identified by `kid` *and* algorithm: an RS256 token naming an EC key's `kid`
/// finds nothing.
struct SigningKey {
    kid: String,
    alg: Algorithm,
    key: Arc<DecodingKey>,
}

impl JwksCache {
    pub(crate) fn new(
        url: Url,
        client: Option<reqwest::Client>,
        ttl: Duration,
        min_refresh_interval: Duration,
    ) -> Self {
        Self {
            url,
            client: OnceCell::new_with(client),
            ttl,
            min_refresh_interval,
            current: RwLock::new(None),
            last_attempt: Mutex::new(None),
        }
    }

    /// The key for `kid`/`alg`. `UnknownKey` when a fresh key set lacks it (even after the
    /// allowed refresh); `JwksUnavailable` when there is no fresh key set at all.
    pub(crate) async fn key(
        &self,
        kid: &str,
        alg: Algorithm,
    ) -> Result<Arc<DecodingKey>, AuthError> {
        if let Some(key) = self.cached(kid, alg).await {
            return Ok(key);
        }
        let mut last_attempt = self.last_attempt.lock().await;
        // Another request may have refreshed the set while this one waited for the lock.
        if let Some(key) = self.cached(kid, alg).await {
            return Ok(key);
        }
        let may_fetch = last_attempt.is_none_or(|at| at.elapsed() >= self.min_refresh_interval);
        if may_fetch {
            *last_attempt = Some(Instant::now());
            match self.fetch().await {
                Ok(keys) => {
                    tracing::debug!(keys = keys.len(), "JWKS refreshed");
                    *self.current.write().await = Some(KeySet {
                        fetched_at: Instant::now(),
                        keys,
                    });
                }
                Err(error) => tracing::warn!(%error, "JWKS fetch failed"),
            }
        }
        drop(last_attempt);

        match &*self.current.read().await {
            Some(set) if self.is_fresh(set) => set.find(kid, alg).ok_or(AuthError::UnknownKey),
            _ => Err(AuthError::JwksUnavailable),
        }
    }

    async fn cached(&self, kid: &str, alg: Algorithm) -> Option<Arc<DecodingKey>> {
        match &*self.current.read().await {
            Some(set) if self.is_fresh(set) => set.find(kid, alg),
            _ => None,
        }
    }

    fn is_fresh(&self, set: &KeySet) -> bool {
        set.fetched_at.elapsed() < self.ttl
    }

    #[cfg(test)]
    pub(crate) fn has_client(&self) -> bool {
        self.client.initialized()
    }

    async fn fetch(&self) -> Result<Vec<SigningKey>, FetchError> {
        // Checked here as well as in `AuthConfig::validate`, because the fields are public.
        check_jwks_url(&self.url)?;
        let client = self
            .client
            .get_or_try_init(|| async { reqwest::Client::builder().build() })
            .await
            .map_err(FetchError::Http)?;
        let mut response = client
            .get(self.url.clone())
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| FetchError::Http(e.without_url()))?;
        // A redirect must not downgrade the key source to plain http.
        check_jwks_url(response.url())?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Http(e.without_url()))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let document: JwksDocument =
            serde_json::from_slice(&body).map_err(|_| FetchError::NotJwks)?;
        Ok(document
            .keys
            .into_iter()
            .filter_map(SigningKey::from_jwk)
            .collect())
    }
}

impl KeySet {
    fn find(&self, kid: &str, alg: Algorithm) -> Option<Arc<DecodingKey>> {
        self.keys
            .iter()
            .find(|k| k.kid == kid && k.alg == alg)
            .map(|k| Arc::clone(&k.key))
    }
}

#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("request failed: {0}")]
    Http(reqwest::Error),
    #[error("unexpected status {0}")]
    Status(u16),
    #[error("response larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("response is not a JWKS document")]
    NotJwks,
}

#[derive(Deserialize)]
struct JwksDocument {
    // Raw values, so one key of a kind we do not understand cannot hide the others.
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    key_use: Option<String>,
    key_ops: Option<Vec<String>>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

impl SigningKey {
    /// Keeps only P-256 EC keys (ES256) and RSA keys (RS256) meant for verifying signatures;
    /// symmetric (`oct`) keys are never taken from a JWKS, so HS256 needs the configured secret.
    fn from_jwk(raw: serde_json::Value) -> Option<Self> {
        let jwk: Jwk = serde_json::from_value(raw).ok()?;
        let kid = jwk.kid?;
        if jwk.key_use.as_deref().is_some_and(|u| u != "sig")
            || jwk
                .key_ops
                .as_ref()
                .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
        {
            return None;
        }
        let (alg, alg_name, key) = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("EC", Some("P-256")) => {
                let (x, y) = (jwk.x?, jwk.y?);
                // from_ec_components does not check lengths; a short coordinate is a broken key.
                if !is_coordinate(&x) || !is_coordinate(&y) {
                    return None;
                }
                let key = DecodingKey::from_ec_components(&x, &y).ok()?;
                (Algorithm::ES256, "ES256", key)
            }
            // RSA keys below 2048 bits are refused by aws-lc at verification time.
            ("RSA", _) => {
                let key = DecodingKey::from_rsa_components(&jwk.n?, &jwk.e?).ok()?;
                (Algorithm::RS256, "RS256", key)
            }
            _ => return None,
        };
        // A key that declares another algorithm (e.g. PS256) must not be used for this one.
        let alg_matches = jwk
            .alg
            .as_deref()
            .is_none_or(|declared| declared == alg_name);
        alg_matches.then(|| Self {
            kid,
            alg,
            key: Arc::new(key),
        })
    }
}

fn is_coordinate(b64: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(b64)
        .is_ok_and(|bytes| bytes.len() == 32)
}
