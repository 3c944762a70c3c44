//! GoTrue's REST paths under `/auth/v1`. Every request carries the anon key in `apikey`; the
//! signed-in routes also a user's access token as `Authorization: Bearer`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::state::{AuthError, Issued, Shared};
use crate::tokens::{session_json, user_json};

type Reply = Result<Response, AuthError>;

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = json!({ "code": self.status, "error_code": self.code, "msg": self.msg });
        (status, Json(body)).into_response()
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/auth/v1/token", post(token))
        .route("/auth/v1/signup", post(sign_up))
        .route("/auth/v1/otp", post(otp))
        .route("/auth/v1/verify", post(verify))
        .route("/auth/v1/user", get(user))
        .route("/auth/v1/logout", post(logout))
        .route("/auth/v1/factors/{factor}/challenge", post(challenge))
        .route("/auth/v1/factors/{factor}/verify", post(verify_factor))
        .with_state(shared)
}

fn require_apikey(shared: &Shared, headers: &HeaderMap) -> Result<(), AuthError> {
    let given = headers.get("apikey").and_then(|v| v.to_str().ok());
    if given == Some(shared.config.anon_key.as_str()) {
        Ok(())
    } else {
        Err(AuthError::new(
            401,
            "no_api_key",
            "No API key found in request",
        ))
    }
}

/// The user and session a bearer access token names, if it verifies.
fn bearer(shared: &Shared, headers: &HeaderMap) -> Result<(Uuid, Uuid), AuthError> {
    let bad = AuthError::new(
        401,
        "bad_jwt",
        "invalid JWT: unable to parse or verify signature",
    );
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(AuthError::new(
            401,
            "no_authorization",
            "This endpoint requires a Bearer token",
        ))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["authenticated"]);
    validation.set_issuer(&[&shared.issuer]);
    let claims = jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(shared.config.jwt_secret.as_bytes()),
        &validation,
    )
    .map_err(|_| bad)?
    .claims;
    let id = |name: &str| {
        claims[name]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or(AuthError::new(
                401,
                "bad_jwt",
                "invalid JWT: missing claims",
            ))
    };
    Ok((id("sub")?, id("session_id")?))
}

fn session_reply(shared: &Shared, issued: &Issued) -> Reply {
    session_json(shared, issued)
        .map(|body| Json(body).into_response())
        .map_err(|_| AuthError::new(500, "unexpected_failure", "could not sign the token"))
}

#[derive(Deserialize)]
struct Grant {
    grant_type: String,
}

#[derive(Deserialize)]
struct TokenBody {
    email: Option<String>,
    password: Option<String>,
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct SignUpBody {
    email: String,
    password: String,
}

async fn sign_up(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<SignUpBody>,
) -> Reply {
    require_apikey(&shared, &headers)?;
    let issued = shared.lock().sign_up(&body.email, &body.password)?;
    session_reply(&shared, &issued)
}

async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(grant): Query<Grant>,
    Json(body): Json<TokenBody>,
) -> Reply {
    require_apikey(&shared, &headers)?;
    let issued = match (grant.grant_type.as_str(), body) {
        (
            "password",
            TokenBody {
                email: Some(email),
                password: Some(password),
                ..
            },
        ) => shared.lock().password_grant(&email, &password)?,
        (
            "refresh_token",
            TokenBody {
                refresh_token: Some(token),
                ..
            },
        ) => shared.lock().refresh(&token)?,
        ("password" | "refresh_token", _) => {
            return Err(AuthError::new(
                400,
                "validation_failed",
                "missing grant parameters",
            ));
        }
        _ => {
            return Err(AuthError::new(
                400,
                "unsupported_grant_type",
                "unsupported_grant_type",
            ));
        }
    };
    session_reply(&shared, &issued)
}

#[derive(Deserialize)]
struct OtpBody {
    email: String,
}

/// Sends a magic link to an existing user (sign-ups are off, as a B2B project runs it, whatever
/// `create_user` says): the link
/// is captured for [`crate::FakeAuthHandle::magic_links`].
async fn otp(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<OtpBody>,
) -> Reply {
    require_apikey(&shared, &headers)?;
    let ttl =
        chrono::Duration::from_std(shared.config.link_ttl).unwrap_or(chrono::Duration::hours(1));
    let sent = shared
        .lock()
        .send_link(&body.email, &shared.config.site_url, ttl);
    if !sent {
        return Err(AuthError::new(
            422,
            "otp_disabled",
            "Signups not allowed for otp",
        ));
    }
    Ok(Json(json!({})).into_response())
}

#[derive(Deserialize)]
struct VerifyBody {
    #[serde(rename = "type")]
    kind: String,
    token_hash: String,
}

async fn verify(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<VerifyBody>,
) -> Reply {
    require_apikey(&shared, &headers)?;
    if !matches!(body.kind.as_str(), "magiclink" | "email") {
        return Err(AuthError::new(
            400,
            "validation_failed",
            "Verify requires a verification type",
        ));
    }
    let issued = shared.lock().verify_link(&body.token_hash)?;
    session_reply(&shared, &issued)
}

async fn user(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    require_apikey(&shared, &headers)?;
    let (user, session) = bearer(&shared, &headers)?;
    let state = shared.lock();
    state.session(session, user)?;
    let user = state
        .user(user)
        .ok_or(AuthError::new(404, "user_not_found", "User not found"))?;
    Ok(Json(user_json(user)).into_response())
}

#[derive(Deserialize)]
struct LogoutScope {
    scope: Option<String>,
}

async fn logout(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(scope): Query<LogoutScope>,
) -> Reply {
    require_apikey(&shared, &headers)?;
    let (user, session) = bearer(&shared, &headers)?;
    let scope = scope.scope.unwrap_or_else(|| "global".to_owned());
    if !matches!(scope.as_str(), "global" | "local" | "others") {
        return Err(AuthError::new(
            400,
            "validation_failed",
            "Unsupported logout scope",
        ));
    }
    shared.lock().logout(session, user, &scope)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn challenge(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(factor): Path<Uuid>,
) -> Reply {
    require_apikey(&shared, &headers)?;
    let (user, session) = bearer(&shared, &headers)?;
    let (id, expires) = shared.lock().challenge(session, user, factor)?;
    Ok(
        Json(json!({ "id": id, "type": "totp", "expires_at": expires.timestamp() }))
            .into_response(),
    )
}

#[derive(Deserialize)]
struct FactorVerifyBody {
    challenge_id: Uuid,
    code: String,
}

async fn verify_factor(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(factor): Path<Uuid>,
    Json(body): Json<FactorVerifyBody>,
) -> Reply {
    require_apikey(&shared, &headers)?;
    let (user, session) = bearer(&shared, &headers)?;
    if body.code.is_empty() {
        return Err(AuthError::new(
            400,
            "validation_failed",
            "Code needs to be non-empty",
        ));
    }
    let issued =
        shared
            .lock()
            .verify_factor(session, user, factor, body.challenge_id, &body.code)?;
    session_reply(&shared, &issued)
}
