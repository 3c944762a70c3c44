//! Supabase Auth's REST API as the pages use it (`SUPABASE_URL`/auth/v1 with `SUPABASE_ANON_KEY`):
//! the password grant, refresh, magic links by `token_hash`, the TOTP factor step to `aal2`, and
//! sign-out. Nothing from an answer but the tokens and the user's verified factors is kept, and no
//! error carries a token, a code or a password.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;
use uuid::Uuid;
use zeroize::Zeroizing;

/// Where Supabase Auth is and the key every request shows.
#[derive(Clone, Debug)]
pub struct SupabaseConfig {
    /// `SUPABASE_URL`: the project's URL (`https://<ref>.supabase.co`).
    pub url: Url,
    /// `SUPABASE_ANON_KEY`: the project's public anon key.
    pub anon_key: String,
}

/// The tokens of a signed-in session, and the user's factors as Supabase listed them with them.
#[derive(Clone, Deserialize)]
pub struct Tokens {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
    #[serde(default)]
    user: TokenUser,
}

#[derive(Clone, Default, Deserialize)]
struct TokenUser {
    /// GoTrue leaves `factors` out when there are none.
    #[serde(default)]
    factors: Vec<Factor>,
}

#[derive(Clone, Deserialize)]
struct Factor {
    id: Uuid,
    factor_type: String,
    status: String,
}

impl Factor {
    fn is_verified(&self) -> bool {
        self.status == "verified"
    }
}

impl Tokens {
    /// Supabase's rule: a user with a verified factor (of any type) is to reach `aal2`.
    pub fn needs_aal2(&self) -> bool {
        self.user.factors.iter().any(Factor::is_verified)
    }

    /// The verified authenticator-app factor the code step challenges.
    pub fn totp_factor(&self) -> Option<Uuid> {
        self.user
            .factors
            .iter()
            .find(|f| f.is_verified() && f.factor_type == "totp")
            .map(|f| f.id)
    }
}

/// Why Supabase did not sign someone in.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong email or password, a spent link or refresh token, a wrong code: the user can do
    /// something.
    #[error("refused")]
    Refused,
    /// The session a code step stands on is gone at Supabase (ended, or its factor removed).
    #[error("the pending sign-in has ended")]
    Ended,
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

    /// A 2xx with tokens; a 4xx refused (a 429 unavailable); anything else unavailable.
    async fn tokens(&self, path: &str, body: Value) -> Result<Tokens, SignInError> {
        let answer = self.post(path, None, body).await?;
        read_tokens(answer).await
    }

    pub async fn password(&self, email: &str, password: &str) -> Result<Tokens, SignInError> {
        self.tokens(
            "token?grant_type=password",
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Registers `email`: its first session when the project confirms addresses without mail
    /// ("Confirm email" off), `None` when Supabase mailed a confirmation link first. An address
    /// already registered, or a password the project refuses, is refused.
    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<Tokens>, SignInError> {
        let answer = self
            .post(
                "signup",
                None,
                json!({ "email": email, "password": password }),
            )
            .await?;
        if let Some(error) = refusal(answer.status()) {
            return Err(error);
        }
        let body: Value = answer.json().await.map_err(|_| SignInError::Unavailable)?;
        if body.get("access_token").is_none() {
            return Ok(None);
        }
        serde_json::from_value(body)
            .map(Some)
            .map_err(|_| SignInError::Unavailable)
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

    /// Passes the TOTP step of the session of `access_token` with `code`: a challenge of `factor`,
    /// then its answer; the session's new `aal2` tokens.
    pub async fn verify_totp(
        &self,
        access_token: &str,
        factor: Uuid,
        code: &str,
    ) -> Result<Tokens, SignInError> {
        let answer = self
            .post(
                &format!("factors/{factor}/challenge"),
                Some(access_token),
                json!({}),
            )
            .await?;
        let challenge = match refusal(answer.status()) {
            None => answer
                .json::<Challenge>()
                .await
                .map_err(|_| SignInError::Unavailable)?,
            Some(SignInError::Refused) => return Err(SignInError::Ended),
            Some(other) => return Err(other),
        };
        let answer = self
            .post(
                &format!("factors/{factor}/verify"),
                Some(access_token),
                json!({ "challenge_id": challenge.id, "code": code }),
            )
            .await?;
        // 422 is GoTrue's answer to a wrong code; 401/403/404 mean the session or factor is gone.
        match answer.status().as_u16() {
            401 | 403 | 404 => Err(SignInError::Ended),
            _ => read_tokens(answer).await,
        }
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

#[derive(Deserialize)]
struct Challenge {
    id: Uuid,
}

/// Why a non-2xx answer failed: a 4xx is refused (but a 429, rate limiting, is unavailable like
/// a 5xx); `None` for a success.
fn refusal(status: reqwest::StatusCode) -> Option<SignInError> {
    if status.is_success() {
        None
    } else if status.is_client_error() && status != reqwest::StatusCode::TOO_MANY_REQUESTS {
        Some(SignInError::Refused)
    } else {
        tracing::warn!(%status, "Supabase Auth failed");
        Some(SignInError::Unavailable)
    }
}

async fn read_tokens(answer: reqwest::Response) -> Result<Tokens, SignInError> {
    if let Some(error) = refusal(answer.status()) {
        return Err(error);
    }
    answer
        .json::<Tokens>()
        .await
        .map_err(|_| SignInError::Unavailable)
}
