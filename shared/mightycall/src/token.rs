//! The access-token cache. A token costs one request of the 2,500/day quota, so the caller persists
//! a [`CachedToken`] (opaque, serialisable) and hands it back to the next client.

use crate::config::ApiKey;
use crate::secret::Secret;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Refresh this long before expiry (the reference: "refresh ~1 h before expiry"), so a long sync
/// never starts with a token about to die.
pub(crate) const REFRESH_MARGIN: TimeDelta = TimeDelta::hours(1);

/// MightyCall's documented token lifetime.
const DOCUMENTED_LIFETIME_SECS: i64 = 86_399;

/// When a token issued at `now` with `expires_in` seconds expires. The number comes from upstream:
/// a missing, negative or longer-than-documented lifetime is not believed (and never overflows).
pub(crate) fn expiry(now: DateTime<Utc>, expires_in: Option<i64>) -> DateTime<Utc> {
    let seconds = expires_in
        .filter(|s| (0..=DOCUMENTED_LIFETIME_SECS).contains(s))
        .unwrap_or(DOCUMENTED_LIFETIME_SECS);
    now + TimeDelta::seconds(seconds)
}

/// Debug output never shows the tokens. Serialised form contains them: store it encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedToken {
    access_token: Secret,
    refresh_token: Option<Secret>,
    expires_at: DateTime<Utc>,
    /// Hash of the api key the token belongs to, so a token persisted for one account is never
    /// sent with another account's key (tenants must not mix).
    api_key_fingerprint: String,
}

impl CachedToken {
    pub(crate) fn new(
        api_key: &ApiKey,
        access_token: String,
        refresh_token: Option<String>,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            access_token: Secret::new(access_token),
            refresh_token: refresh_token.map(Secret::new),
            expires_at,
            api_key_fingerprint: api_key.fingerprint().as_str().to_owned(),
        }
    }

    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    pub(crate) fn belongs_to(&self, api_key: &ApiKey) -> bool {
        self.api_key_fingerprint == api_key.fingerprint().as_str()
    }

    pub(crate) fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        now + REFRESH_MARGIN >= self.expires_at
    }

    pub(crate) fn access_token(&self) -> &str {
        self.access_token.expose()
    }

    pub(crate) fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_ref().map(Secret::expose)
    }
}
