//! Who is looking at a page: the session cookie opened, its server-side session still on, its
//! access token verified by the same `auth` crate as the API — refreshed through Supabase when it
//! has expired (the cookie is then sealed again with the rotated tokens). A session whose user has
//! a verified second factor is accepted only with an `aal2` token, however it came to be.

use axum::http::HeaderMap;
use web::{Caller, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::session::{self, SESSION, Session};

pub struct Viewer {
    pub caller: Caller,
    pub session: Session,
    /// The sealed cookie to send back when the tokens were refreshed.
    pub renewed: Option<String>,
}

pub fn unavailable() -> PageError {
    PageError::shown(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "Signing in is not possible right now. Try again in a moment.",
    )
}

/// The deployment's secrets (cached), or a page saying signing in is unavailable.
pub async fn secrets(state: &WebState) -> Result<std::sync::Arc<settings::AppSecrets>, PageError> {
    state.core.auth.secrets.current().await.map_err(|e| {
        tracing::error!(error = %e, "secrets unavailable");
        unavailable()
    })
}

/// The viewer submitting a form of a signed-in page, which carried back the session's form token
/// `csrf`; a missing or wrong one is the 403 page and nothing happens.
pub async fn submitter(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    csrf: &str,
) -> Result<Viewer, PageError> {
    let viewer = viewer(state, headers, request_id).await?;
    if !session::csrf_matches(&viewer.session.csrf, csrf) {
        return Err(PageError::shown(
            axum::http::StatusCode::FORBIDDEN,
            "This form has expired. Reload the page and try again.",
        ));
    }
    Ok(viewer)
}

pub async fn viewer(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
) -> Result<Viewer, PageError> {
    let secrets = secrets(state).await?;
    let keys = secrets.session_keyring().map_err(|_| unavailable())?;
    let mut session: Session = session::opened(keys, headers, SESSION).ok_or(PageError::SignIn)?;
    let secret = secrets.jwt_secret();
    let mut renewed = None;
    let user = match verify(state, secret, &session.access_token).await {
        Ok(user) => user,
        Err(auth::AuthError::Expired) => {
            let tokens = state
                .supabase
                .refresh(&session.refresh_token)
                .await
                .map_err(|_| PageError::SignIn)?;
            // Once Supabase listed a factor, a later answer without one does not lower the bar.
            session.second_factor |= tokens.needs_aal2();
            session.access_token = tokens.access_token;
            session.refresh_token = tokens.refresh_token;
            renewed = Some(session::seal(keys, SESSION, &session).ok_or_else(unavailable)?);
            verify(state, secret, &session.access_token)
                .await
                .map_err(|_| PageError::SignIn)?
        }
        Err(auth::AuthError::JwksUnavailable) => return Err(unavailable()),
        Err(_) => return Err(PageError::SignIn),
    };
    if session.second_factor && !user.is_aal2() {
        return Err(PageError::SignIn);
    }
    let tx = state.core.db.as_service().await?;
    if !store::web_sessions::touch(&tx, session.id, user.user_id).await? {
        return Err(PageError::SignIn);
    }
    tx.commit().await?;
    Ok(Viewer {
        caller: Caller { user, request_id },
        session,
        renewed,
    })
}

async fn verify(
    state: &WebState,
    secret: Option<&auth::JwtSecret>,
    token: &str,
) -> Result<auth::VerifiedUser, auth::AuthError> {
    let header = format!("Bearer {token}");
    state
        .core
        .auth
        .authenticator
        .verify(Some(&header), secret)
        .await
}
