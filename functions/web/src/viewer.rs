//! Who is looking at a page: the session cookie opened, its server-side session still on, its
//! access token verified by the same `auth` crate as the API. A session whose user has a verified
//! second factor is accepted only with an `aal2` token, however it came to be.
//!
//! An expired access token is refreshed once per request, before the page runs
//! ([`renew_expired_session`]): the request then carries the renewed cookie, so every page the
//! handler opens or shows again sees the rotated tokens, and whatever the answer (a redirect, a
//! refused form, an error page) sends the renewed cookie back. Supabase rotates refresh tokens and
//! a spent one presented again ends the session, so the browser must always get the new one.

use axum::extract::{Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use web::{Caller, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::session::{self, SESSION, Session};

pub struct Viewer {
    pub caller: Caller,
    pub session: Session,
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
    let session: Session = session::opened(keys, headers, SESSION).ok_or(PageError::SignIn)?;
    let user = match verify(state, secrets.jwt_secret(), &session.access_token).await {
        Ok(user) => user,
        Err(auth::AuthError::JwksUnavailable) => return Err(unavailable()),
        // Expired here means the refresh before the page failed: sign in again.
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
    })
}

/// Middleware of the signed-in routes: a session whose access token has expired is refreshed
/// through Supabase and sealed again, the request's cookie replaced by it, and the answer sets it —
/// unless the answer sets the session cookie itself (signing in or out). A session that cannot be
/// refreshed is left as it came: the page then asks to sign in.
pub async fn renew_expired_session(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    let renewed = renewed(&state, request.headers()).await;
    if let Some(sealed) = &renewed {
        session::replace_cookie(request.headers_mut(), SESSION, sealed);
    }
    let mut response = next.run(request).await;
    let answer_sets_session = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(format!("{SESSION}=").as_bytes()));
    if let Some(sealed) = renewed
        && !answer_sets_session
        && let Ok(value) = HeaderValue::from_str(&session::set_cookie(SESSION, Some(&sealed)))
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// The request's session sealed again with refreshed tokens, when its access token has expired
/// and Supabase refreshes it.
async fn renewed(state: &WebState, headers: &HeaderMap) -> Option<String> {
    // Without cookies there is nothing to renew (and no secrets to read).
    headers.get(COOKIE)?;
    let secrets = state.core.auth.secrets.current().await.ok()?;
    let keys = secrets.session_keyring().ok()?;
    let mut session: Session = session::opened(keys, headers, SESSION)?;
    let expired = matches!(
        verify(state, secrets.jwt_secret(), &session.access_token).await,
        Err(auth::AuthError::Expired)
    );
    if !expired {
        return None;
    }
    let tokens = state.supabase.refresh(&session.refresh_token).await.ok()?;
    // Once Supabase listed a factor, a later answer without one does not lower the bar.
    session.second_factor |= tokens.needs_aal2();
    session.access_token = tokens.access_token;
    session.refresh_token = tokens.refresh_token;
    session::seal(keys, SESSION, &session)
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
