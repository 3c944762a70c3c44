//! What `org_integrations` keeps encrypted, and how: the provider credentials and the cached
//! MightyCall token, each sealed with the keyring and bound (AES-GCM associated data) to the org and
//! provider, so a ciphertext copied to another org, provider or column does not open.

use domain::OrgId;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Failures name what could not be done, never a value.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("cannot seal or open: {0}")]
    Crypto(#[from] crypto::CryptoError),
    #[error("the opened value is not the expected JSON")]
    Shape,
    #[error("the stored credentials are not valid MightyCall credentials")]
    InvalidCredentials,
}

/// The credentials as stored inside the ciphertext.
#[derive(Serialize, Deserialize)]
struct StoredCredentials {
    api_key: Zeroizing<String>,
    user_key: Zeroizing<String>,
}

/// A row's ciphertexts after [`Vault::reseal`].
pub struct Resealed {
    pub credentials: String,
    pub token: Option<String>,
    /// The row had a cached token that no longer opened; it is gone.
    pub token_dropped: bool,
}

/// A keyring applied to integration rows.
pub struct Vault<'a> {
    keyring: &'a crypto::Keyring,
}

impl<'a> Vault<'a> {
    pub fn new(keyring: &'a crypto::Keyring) -> Self {
        Self { keyring }
    }

    pub fn active_key_id(&self) -> &str {
        self.keyring.active_key_id().as_str()
    }

    pub fn seal_credentials(
        &self,
        org: OrgId,
        provider: &str,
        api_key: &str,
        user_key: &str,
    ) -> Result<String, VaultError> {
        let plain = Zeroizing::new(
            serde_json::to_vec(&StoredCredentials {
                api_key: Zeroizing::new(api_key.to_owned()),
                user_key: Zeroizing::new(user_key.to_owned()),
            })
            .map_err(|_| VaultError::Shape)?,
        );
        self.seal(&credentials_binding(org, provider)?, &plain)
    }

    pub fn open_credentials(
        &self,
        org: OrgId,
        provider: &str,
        sealed: &str,
    ) -> Result<mightycall::Credentials, VaultError> {
        let plain = self
            .keyring
            .open(sealed, credentials_binding(org, provider)?.as_bytes())?;
        let stored: StoredCredentials =
            serde_json::from_slice(&plain).map_err(|_| VaultError::Shape)?;
        Ok(mightycall::Credentials {
            api_key: mightycall::ApiKey::parse(&stored.api_key)
                .map_err(|_| VaultError::InvalidCredentials)?,
            user_key: mightycall::UserKey::parse(&stored.user_key)
                .map_err(|_| VaultError::InvalidCredentials)?,
        })
    }

    pub fn seal_token(
        &self,
        org: OrgId,
        provider: &str,
        token: &mightycall::CachedToken,
    ) -> Result<String, VaultError> {
        let plain = Zeroizing::new(serde_json::to_vec(token).map_err(|_| VaultError::Shape)?);
        self.seal(&token_binding(org, provider)?, &plain)
    }

    pub fn open_token(
        &self,
        org: OrgId,
        provider: &str,
        sealed: &str,
    ) -> Result<mightycall::CachedToken, VaultError> {
        let plain = self
            .keyring
            .open(sealed, token_binding(org, provider)?.as_bytes())?;
        serde_json::from_slice(&plain).map_err(|_| VaultError::Shape)
    }

    /// Re-encrypts a row's ciphertexts under the active key (key rotation). `None` when both are
    /// already under it. Credentials that do not open fail the row; a cached token that does not
    /// open is dropped instead: it is disposable (the next sync asks for a new one) and must not
    /// hold up a rotation.
    pub fn reseal(
        &self,
        org: OrgId,
        provider: &str,
        credentials: &str,
        token: Option<&str>,
    ) -> Result<Option<Resealed>, VaultError> {
        if !self.is_current(credentials, token) {
            let credentials = self
                .keyring
                .reseal(credentials, credentials_binding(org, provider)?.as_bytes())?;
            let token_binding = token_binding(org, provider)?;
            let token = token.map(|t| self.keyring.reseal(t, token_binding.as_bytes()).ok());
            return Ok(Some(Resealed {
                credentials,
                token_dropped: matches!(token, Some(None)),
                token: token.flatten(),
            }));
        }
        Ok(None)
    }

    /// Whether a row's ciphertexts are all under the active key.
    pub fn is_current(&self, credentials: &str, token: Option<&str>) -> bool {
        !self.keyring.needs_rotation(credentials)
            && !token.is_some_and(|t| self.keyring.needs_rotation(t))
    }

    fn seal(&self, binding: &crypto::Binding, plain: &[u8]) -> Result<String, VaultError> {
        Ok(self.keyring.seal(plain, binding.as_bytes())?)
    }
}

fn credentials_binding(org: OrgId, provider: &str) -> Result<crypto::Binding, VaultError> {
    Ok(crypto::Binding::new(&org.to_string(), provider)?)
}

/// Tokens are bound under their own name so a token ciphertext can never pass for credentials.
fn token_binding(org: OrgId, provider: &str) -> Result<crypto::Binding, VaultError> {
    Ok(crypto::Binding::new(
        &org.to_string(),
        &format!("{provider}/token"),
    )?)
}
