use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::ApiError;

/// What authentication needs, shared by every HTTP function's state.
#[derive(Clone)]
pub struct AuthContext {
    pub authenticator: Arc<auth::Authenticator>,
    pub secrets: Arc<settings::Secrets>,
}

/// The caller, verified from `Authorization: Bearer …` and nothing else: identity headers such as
/// a client-sent user id are ignored on purpose.
pub struct CurrentUser(pub auth::VerifiedUser);

impl<S> FromRequestParts<S> for CurrentUser
where
    AuthContext: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = AuthContext::from_ref(state);
        let secrets = ctx.secrets.current().await.map_err(|e| {
            tracing::error!(error = %e, "secrets unavailable");
            ApiError::Unavailable("authentication")
        })?;
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("\u{0}"));
        ctx.authenticator
            .verify(header, secrets.jwt_secret())
            .await
            .map(CurrentUser)
            .map_err(ApiError::from)
    }
}

impl From<auth::AuthError> for ApiError {
    fn from(err: auth::AuthError) -> Self {
        match err {
            auth::AuthError::JwksUnavailable => Self::Unavailable("authentication"),
            other => Self::Unauthenticated(other.code()),
        }
    }
}
