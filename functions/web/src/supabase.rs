//! Supabase Auth's REST API as the pages use it (`SUPABASE_URL`/auth/v1 with `SUPABASE_ANON_KEY`):
//! the password grant, refresh, magic links by `token_hash`, and sign-out. Nothing from an answer
//! but the tokens is kept, and no error carries a token or a password.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;
use zeroize::Zeroizing;

/// Where Supabase Auth is and the key every request shows.
#[derive(Clone, Debug)]
pub struct SupabaseConfig {
    /// `SUPABASE_URL`: the project's URL (`https://<ref>.supabase.co`).
    pub url: Url,
    /// `SUPABASE_ANON_KEY`: the project's public anon key.
    pub anon_key: String,
}

/// The tokens of a signed-in session.
#[derive(Clone, Deserialize)]
pub struct Tokens {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
}

/// Why Supabase did not sign someone in.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong email or password, a spent link or refresh token: the user can do something.
    #[error("refused")]
    Refused,
    /// Supabase did not answer usefully.
    #[error("Supabase Auth is unavailable")]
    Unavailable,
}

#[derive(Clone)]
pub struct Supabase {
    config: SupabaseConfig,
    http: reqwest::Client,
}

impl Supabase {
    pub fn new(config: SupabaseConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self { config, http })
    }

    fn endpoint(&self, path: &str) -> Result<Url, SignInError> {
        self.config
            .url
            .join(&format!("auth/v1/{path}"))
            .map_err(|_| SignInError::Unavailable)
    }

    async fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: Value,
    ) -> Result<reqwest::Response, SignInError> {
        let mut request = self
            .http
            .post(self.endpoint(path)?)
            .header("apikey", &self.config.anon_key)
            .json(&body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.map_err(|e| {
            tracing::warn!(error = %e.without_url(), "Supabase Auth unreachable");
            SignInError::Unavailable
        })
    }

    /// A 2xx with tokens; a 4xx refused; anything else unavailable.
    async fn tokens(&self, path: &str, body: Value) -> Result<Tokens, SignInError> {
        let answer = self.post(path, None, body).await?;
        let status = answer.status();
        if status.is_client_error() {
            return Err(SignInError::Refused);
        }
        if !status.is_success() {
            tracing::warn!(%status, "Supabase Auth failed");
            return Err(SignInError::Unavailable);
        }
        answer
            .json::<Tokens>()
            .await
            .map_err(|_| SignInError::Unavailable)
    }

    pub async fn password(&self, email: &str, password: &str) -> Result<Tokens, SignInError> {
        self.tokens(
            "token?grant_type=password",
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// A new pair for a refresh token (which Supabase then spends).
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, SignInError> {
        self.tokens(
            "token?grant_type=refresh_token",
            json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    /// Mails a magic link to an existing user; whether one exists is not told.
    pub async fn send_link(&self, email: &str) -> Result<(), SignInError> {
        let answer = self
            .post("otp", None, json!({ "email": email, "create_user": false }))
            .await?;
        if answer.status().is_server_error() {
            return Err(SignInError::Unavailable);
        }
        Ok(())
    }

    /// The session a magic link's `token_hash` stands for.
    pub async fn verify_link(&self, token_hash: &str) -> Result<Tokens, SignInError> {
        self.tokens(
            "verify",
            json!({ "type": "magiclink", "token_hash": token_hash }),
        )
        .await
    }

    /// Ends the Supabase session of `access_token` (its refresh tokens stop working).
    pub async fn sign_out(&self, access_token: &str) {
        if let Err(e) = self
            .post("logout?scope=local", Some(access_token), json!({}))
            .await
        {
            tracing::warn!(error = %e, "Supabase sign-out failed; the page session ends anyway");
        }
    }
}
