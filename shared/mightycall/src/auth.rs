//! `POST {base}/auth/token`: form-encoded, with `x-api-key`. `client_credentials` issues a token
//! (`client_id` = api key, `client_secret` = user key); `refresh_token` renews one and resets its
//! 24 h lifetime. Both cost a request of the quota.

use crate::config::BaseUrl;
use crate::config::Credentials;
use crate::decode::parse_body;
use crate::error::MightyCallError;
use crate::token::{self, CachedToken};
use crate::transport::{Transport, error_for};
use chrono::Utc;
use serde::Deserialize;

pub(crate) enum Grant<'a> {
    ClientCredentials,
    Refresh(&'a str),
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

pub(crate) async fn request_token(
    transport: &Transport,
    base_url: &BaseUrl,
    credentials: &Credentials,
    grant: Grant<'_>,
) -> Result<CachedToken, MightyCallError> {
    let form: Vec<(&str, &str)> = match grant {
        Grant::ClientCredentials => vec![
            ("grant_type", "client_credentials"),
            ("client_id", credentials.api_key.expose()),
            ("client_secret", credentials.user_key.expose()),
        ],
        Grant::Refresh(refresh_token) => vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    };
    let url = base_url.token_endpoint();
    let response = transport
        .send("auth/token", || {
            transport
                .http()
                .post(&url)
                .header("x-api-key", credentials.api_key.expose())
                .form(&form)
        })
        .await?;
    if !response.status.is_success() {
        return Err(match error_for(response.status, &response.body) {
            // The token endpoint has no "not found" resource: any client error means rejected credentials.
            MightyCallError::NotFound { message } => {
                MightyCallError::Unauthorized { reason: message }
            }
            other => other,
        });
    }
    let token: TokenResponse = parse_body("token response", &response.body)?;
    if token.access_token.is_empty() {
        return Err(MightyCallError::decode(
            "token response",
            "empty access_token",
        ));
    }
    let expires_in = token.expires_in.and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let expires_at = token::expiry(Utc::now(), expires_in);
    Ok(CachedToken::new(
        &credentials.api_key,
        token.access_token,
        token.refresh_token,
        expires_at,
    ))
}
