//! Turns a raw `Authorization` header into a [`VerifiedUser`], or says why not.

use std::str::FromStr;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::UserId;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;

use crate::jwks::JwksCache;
use crate::{AuthConfig, AuthError, JwtSecret, VerifiedUser};

/// Supabase signs user sessions with this audience and role; `anon` and `service_role` keys
/// are JWTs too, and must never authenticate a user.
const AUDIENCE: &str = "authenticated";
const ROLE: &str = "authenticated";
/// Real access tokens are a few KiB; refuse to parse or hash anything far larger.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Verifies bearer tokens. Build once per process and share it (e.g. in an `Arc`); the JWKS
/// cache inside is shared by all requests.
pub struct Authenticator {
    config: AuthConfig,
    jwks: Option<JwksCache>,
}

/// The part of the JOSE header we decide on. Read by us rather than trusted from the library's
/// parser, so that `alg: none` or an unknown algorithm is a clean `UnsupportedAlgorithm`.
/// Key-carrying header fields (`jwk`, `jku`, `x5u`, `x5c`) are ignored: keys come only from
/// our configuration.
#[derive(Deserialize)]
struct JoseHeader {
    alg: String,
    kid: Option<String>,
    /// We implement no JWS extensions, so any critical one makes the token unusable (RFC 7515).
    crit: Option<Value>,
}

impl Authenticator {
    /// Fetches the JWKS (if `config` names one) with `client`.
    pub fn new(config: AuthConfig, client: reqwest::Client) -> Self {
        Self::build(config, Some(client))
    }

    /// Like [`Self::new`], but the JWKS client is built on the first JWKS fetch rather than now:
    /// building a reqwest client loads and parses the system's root certificates (about 3 ms of
    /// a Lambda cold start, see the README's cold-start figures), which HS256 tokens never need.
    pub fn with_lazy_client(config: AuthConfig) -> Self {
        Self::build(config, None)
    }

    fn build(config: AuthConfig, client: Option<reqwest::Client>) -> Self {
        let jwks = config
            .jwks_url
            .clone()
            .map(|url| JwksCache::new(url, client, config.jwks_ttl, config.min_refresh_interval));
        Self { config, jwks }
    }

    /// Verifies the raw `Authorization` header value. `hs256_secret` is the current project
    /// secret (it can rotate at runtime); without it HS256 tokens are refused.
    pub async fn verify(
        &self,
        authorization: Option<&str>,
        hs256_secret: Option<&JwtSecret>,
    ) -> Result<VerifiedUser, AuthError> {
        let result = self.verify_inner(authorization, hs256_secret).await;
        if let Err(error) = &result {
            tracing::debug!(?error, "bearer token rejected");
        }
        result
    }

    async fn verify_inner(
        &self,
        authorization: Option<&str>,
        hs256_secret: Option<&JwtSecret>,
    ) -> Result<VerifiedUser, AuthError> {
        let token = bearer_token(authorization)?;
        let header = jose_header(token)?;
        if header.crit.is_some() {
            return Err(AuthError::Malformed);
        }
        // The header only names the algorithm; whether it is acceptable depends on which keys
        // are configured, so an attacker cannot pick HS256 against a public key or `none`.
        let (alg, key) = match (header.alg.as_str(), &self.jwks) {
            ("HS256", _) => {
                let secret = hs256_secret.ok_or(AuthError::UnsupportedAlgorithm)?;
                (
                    Algorithm::HS256,
                    Arc::new(DecodingKey::from_secret(secret.as_bytes())),
                )
            }
            ("ES256", Some(jwks)) => (
                Algorithm::ES256,
                jwks_key(jwks, header.kid, Algorithm::ES256).await?,
            ),
            ("RS256", Some(jwks)) => (
                Algorithm::RS256,
                jwks_key(jwks, header.kid, Algorithm::RS256).await?,
            ),
            _ => return Err(AuthError::UnsupportedAlgorithm),
        };
        let data = jsonwebtoken::decode::<Value>(token, &key, &self.validation(alg))
            .map_err(|e| map_jwt_error(e.kind()))?;
        user_from_claims(data.claims)
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        validation.leeway = self.config.leeway.as_secs();
        validation.validate_nbf = true;
        validation.set_audience(&[AUDIENCE]);
        let mut required = vec!["exp", "aud", "sub"];
        if let Some(issuer) = &self.config.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        validation.set_required_spec_claims(&required);
        validation
    }
}

async fn jwks_key(
    jwks: &JwksCache,
    kid: Option<String>,
    alg: Algorithm,
) -> Result<Arc<DecodingKey>, AuthError> {
    let kid = kid.ok_or(AuthError::UnknownKey)?;
    jwks.key(&kid, alg).await
}

/// RFC 7235 makes the scheme case-insensitive, so `bearer` is accepted like `Bearer`. The token
/// must follow after a single space and be one compact JWS (three base64url parts).
fn bearer_token(authorization: Option<&str>) -> Result<&str, AuthError> {
    let value = authorization.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(AuthError::Missing);
    }
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.len() > MAX_TOKEN_BYTES {
        return Err(AuthError::Malformed);
    }
    let is_compact_jws = token.split('.').count() == 3
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !is_compact_jws {
        return Err(AuthError::Malformed);
    }
    Ok(token)
}

fn jose_header(token: &str) -> Result<JoseHeader, AuthError> {
    let encoded = token.split('.').next().unwrap_or_default();
    let json = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| AuthError::Malformed)?;
    serde_json::from_slice(&json).map_err(|_| AuthError::Malformed)
}

fn map_jwt_error(kind: &ErrorKind) -> AuthError {
    match kind {
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidSubject => AuthError::InvalidSubject,
        ErrorKind::MissingRequiredClaim(claim) => match claim.as_str() {
            "aud" => AuthError::WrongAudience,
            "iss" => AuthError::WrongIssuer,
            "sub" => AuthError::InvalidSubject,
            _ => AuthError::Malformed,
        },
        ErrorKind::InvalidAlgorithm | ErrorKind::UnsupportedAlgorithm => {
            AuthError::UnsupportedAlgorithm
        }
        // A key that the crypto backend refuses (e.g. RSA under 2048 bits) cannot vouch for the token.
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidKeyFormat => AuthError::InvalidSignature,
        _ => AuthError::Malformed,
    }
}

/// The checks Supabase-specific enough that the JWT library does not know them.
fn user_from_claims(claims: Value) -> Result<VerifiedUser, AuthError> {
    if claims.get("role").and_then(Value::as_str) != Some(ROLE) {
        return Err(AuthError::WrongRole);
    }
    let user_id = claims
        .get("sub")
        .and_then(Value::as_str)
        .and_then(|sub| UserId::from_str(sub).ok())
        .ok_or(AuthError::InvalidSubject)?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    Ok(VerifiedUser {
        user_id,
        email: text("email").filter(|email| !email.is_empty()),
        aal: text("aal"),
        claims,
    })
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn a_lazy_jwks_client_is_built_by_the_first_jwks_fetch_only()
    -> Result<(), Box<dyn std::error::Error>> {
        let config = AuthConfig {
            // Nothing listens on the discard port: the fetch fails fast, after building the client.
            jwks_url: Some("http://127.0.0.1:9/jwks".parse()?),
            ..AuthConfig::default()
        };
        let auth = Authenticator::with_lazy_client(config);
        let built = || auth.jwks.as_ref().is_some_and(JwksCache::has_client);
        assert!(!built());

        let claims = json!({ "sub": "00000000-0000-4000-8000-000000000001",
            "aud": "authenticated", "role": "authenticated", "exp": 4_000_000_000u64 });
        let hs256 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&[7u8; 32]),
        )?;
        let secret = JwtSecret::new(vec![7u8; 32])?;
        let user = auth
            .verify(Some(&format!("Bearer {hs256}")), Some(&secret))
            .await;
        assert!(user.is_ok());
        assert!(!built(), "an HS256 token needs no JWKS client");

        let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let es256 = format!(
            "{}.{}.c2ln",
            part(&json!({ "alg": "ES256", "kid": "k1" })),
            part(&claims)
        );
        let refused = auth.verify(Some(&format!("Bearer {es256}")), None).await;
        assert_eq!(refused.err(), Some(AuthError::JwksUnavailable));
        assert!(built(), "the JWKS fetch built the client");
        Ok(())
    }
}
