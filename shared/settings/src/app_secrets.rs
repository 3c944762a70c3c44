use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::SettingsError;
use crate::source::RawSecrets;

/// The parsed secrets of one refresh. Every field is optional here; a function states what it needs
/// at start-up with the `require_*` methods so a missing value stops it with a clear message.
pub struct AppSecrets {
    database_url: Option<Zeroizing<String>>,
    jwt_secret: Option<auth::JwtSecret>,
    keyring: Option<crypto::Keyring>,
    session_keyring: Option<crypto::Keyring>,
    service_keys: Vec<ServiceKey>,
    platform_mightycall: Option<mightycall::Credentials>,
}

/// A key that lets an external system call the `trigger` function.
pub struct ServiceKey(Zeroizing<String>);

impl ServiceKey {
    /// Constant-time comparison, so response timing does not reveal how much of a guess matched.
    pub fn matches(&self, candidate: &str) -> bool {
        self.0.as_bytes().ct_eq(candidate.as_bytes()).into()
    }

    /// Whether `mac` is the HMAC-SHA256 of the concatenated `message` parts under this key, compared
    /// in constant time: for callers that sign requests instead of sending the key.
    pub fn verifies_hmac_sha256(&self, message: &[&[u8]], mac: &[u8]) -> bool {
        let Ok(mut hmac) = Hmac::<Sha256>::new_from_slice(self.0.as_bytes()) else {
            return false;
        };
        for part in message {
            hmac.update(part);
        }
        hmac.verify_slice(mac).is_ok()
    }
}

impl fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServiceKey([redacted])")
    }
}

impl AppSecrets {
    pub(crate) fn parse(raw: &RawSecrets) -> Result<Self, SettingsError> {
        let jwt_secret = raw
            .get("SUPABASE_JWT_SECRET")
            .map(|s| auth::JwtSecret::new(s.as_bytes().to_vec()))
            .transpose()
            .map_err(|e| SettingsError::Invalid {
                name: "SUPABASE_JWT_SECRET",
                reason: e.to_string(),
            })?;
        let keyring = raw
            .get("INTEGRATIONS_KEYS")
            .map(|s| crypto::Keyring::from_json(s))
            .transpose()
            .map_err(|e| SettingsError::Invalid {
                name: "INTEGRATIONS_KEYS",
                reason: e.to_string(),
            })?;
        let session_keyring = raw
            .get("WEB_SESSION_KEYS")
            .map(|s| crypto::Keyring::from_json(s))
            .transpose()
            .map_err(|e| SettingsError::Invalid {
                name: "WEB_SESSION_KEYS",
                reason: e.to_string(),
            })?;
        let service_keys = match raw.get("SERVICE_KEYS") {
            None => Vec::new(),
            Some(list) => parse_service_keys(list)?,
        };
        let platform_mightycall = match (
            raw.get("MIGHTYCALL_API_KEY"),
            raw.get("MIGHTYCALL_USER_KEY"),
        ) {
            (None, None) => None,
            (Some(api), Some(user)) => Some(mightycall::Credentials {
                api_key: mightycall::ApiKey::parse(api).map_err(|e| SettingsError::Invalid {
                    name: "MIGHTYCALL_API_KEY",
                    reason: e.to_string(),
                })?,
                user_key: mightycall::UserKey::parse(user).map_err(|e| SettingsError::Invalid {
                    name: "MIGHTYCALL_USER_KEY",
                    reason: e.to_string(),
                })?,
            }),
            (Some(_), None) => {
                return Err(SettingsError::Missing {
                    name: "MIGHTYCALL_USER_KEY",
                });
            }
            (None, Some(_)) => {
                return Err(SettingsError::Missing {
                    name: "MIGHTYCALL_API_KEY",
                });
            }
        };
        Ok(Self {
            database_url: raw.get("DATABASE_URL").cloned(),
            jwt_secret,
            keyring,
            session_keyring,
            service_keys,
            platform_mightycall,
        })
    }

    /// The PostgreSQL URL (it carries a password), from a secret in AWS or `DATABASE_URL` locally.
    pub fn database_url(&self) -> Option<&str> {
        self.database_url.as_deref().map(String::as_str)
    }

    /// The HS256 secret, if the project signs tokens with one (JWKS-only projects do not).
    pub fn jwt_secret(&self) -> Option<&auth::JwtSecret> {
        self.jwt_secret.as_ref()
    }

    pub fn keyring(&self) -> Result<&crypto::Keyring, SettingsError> {
        self.keyring.as_ref().ok_or(SettingsError::Missing {
            name: "INTEGRATIONS_KEYS",
        })
    }

    /// The keys that seal the dashboard's session cookies (`WEB_SESSION_KEYS`, a keyring like
    /// `INTEGRATIONS_KEYS`, kept apart so either can rotate alone).
    pub fn session_keyring(&self) -> Result<&crypto::Keyring, SettingsError> {
        self.session_keyring.as_ref().ok_or(SettingsError::Missing {
            name: "WEB_SESSION_KEYS",
        })
    }

    pub fn service_keys(&self) -> &[ServiceKey] {
        &self.service_keys
    }

    /// The platform's own MightyCall account, for orgs without credentials of their own.
    pub fn platform_mightycall(&self) -> Option<&mightycall::Credentials> {
        self.platform_mightycall.as_ref()
    }
}

fn parse_service_keys(list: &str) -> Result<Vec<ServiceKey>, SettingsError> {
    let keys: Vec<ServiceKey> = list
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| ServiceKey(Zeroizing::new(k.to_owned())))
        .collect();
    // Short keys are guessable; 32 characters is what `openssl rand -hex 16` prints.
    if keys.iter().any(|k| k.0.len() < 32) {
        return Err(SettingsError::Invalid {
            name: "SERVICE_KEYS",
            reason: "every key must be at least 32 characters".into(),
        });
    }
    Ok(keys)
}
