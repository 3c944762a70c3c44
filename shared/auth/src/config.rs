//! Verification settings and the HS256 secret, both supplied by the caller's config loader.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};
use zeroize::Zeroizing;

/// What a token must satisfy besides its signature, and where ES256/RS256 keys come from.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The project's JWKS (`SUPABASE_JWKS_URL`). `None` disables ES256/RS256 entirely.
    /// Must be https; plain http is accepted only for a loopback host (tests, local runs).
    pub jwks_url: Option<Url>,
    /// Required `iss` (`SUPABASE_JWT_ISSUER`); `None` skips the issuer check.
    pub issuer: Option<String>,
    /// Clock skew tolerated on `exp`/`nbf` (whole seconds are used).
    pub leeway: Duration,
    /// How long a fetched JWKS may be used before it must be fetched again.
    pub jwks_ttl: Duration,
    /// Minimum gap between two JWKS fetch attempts, so that a storm of tokens with unknown
    /// `kid`s (or a JWKS outage) cannot turn every request into an outbound call.
    pub min_refresh_interval: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwks_url: None,
            issuer: None,
            leeway: Duration::from_secs(30),
            jwks_ttl: Duration::from_secs(10 * 60),
            min_refresh_interval: Duration::from_secs(30),
        }
    }
}

impl AuthConfig {
    /// Checks the settings at start-up so that a bad JWKS URL fails the cold start instead of
    /// every ES256/RS256 request (which would still fail closed with `JwksUnavailable`).
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.jwks_url.as_ref().map_or(Ok(()), check_jwks_url)
    }
}

/// A setting that cannot be used safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the JWKS URL must use https (plain http only on a loopback host)")]
    InsecureJwksUrl,
    #[error("the JWT secret must be at least 32 bytes long")]
    WeakJwtSecret,
}

/// Keys fetched over plain http could be swapped by anyone on the path, so only loopback
/// (where there is no path) may skip TLS.
pub(crate) fn check_jwks_url(url: &Url) -> Result<(), ConfigError> {
    let loopback = match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(ConfigError::InsecureJwksUrl),
    }
}

/// The project's HS256 secret (`SUPABASE_JWT_SECRET`), used as raw bytes like Supabase does.
/// Never printed, and wiped from memory when dropped.
#[derive(Clone)]
pub struct JwtSecret(Zeroizing<Vec<u8>>);

impl JwtSecret {
    /// Shorter secrets can be brute-forced offline from any one token, so they are refused.
    pub const MIN_LEN: usize = 32;

    pub fn new(secret: impl Into<Vec<u8>>) -> Result<Self, ConfigError> {
        let secret = Zeroizing::new(secret.into());
        if secret.len() < Self::MIN_LEN {
            return Err(ConfigError::WeakJwtSecret);
        }
        Ok(Self(secret))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for JwtSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtSecret([redacted])")
    }
}
