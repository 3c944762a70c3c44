//! Signing in (password or magic link, through Supabase Auth) and out. The sign-in forms carry a
//! CSRF token sealed in a short cookie of their own; a new session gets a fresh one. A user with a
//! verified factor passes the code step ([`super::second_factor`]) before the session starts.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use web::RequestId;

use crate::WebState;
use crate::errors::PageError;
use crate::pages::{layout, second_factor};
use crate::session::{self, PENDING, PRE_SESSION, SESSION, Session};
use crate::supabase::{SignInError, Tokens};
use crate::viewer::{secrets, submitter, unavailable};

fn form(csrf: &str, notice: Option<&str>) -> Markup {
    layout::form_page(
        "Sign in",
        notice,
        html! {
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                label for="email" { "Email" }
                input #email type="email" name="email" autocomplete="username" required;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
            h2 { "Or get a sign-in link" }
            form.stack method="post" action="/login/link" {
                input type="hidden" name="csrf" value=(csrf);
                label for="link-email" { "Email" }
                input #link-email type="email" name="email" autocomplete="username" required;
                button type="submit" { "Email me a link" }
            }
        },
    )
}

/// A page of sign-in forms (`forms` renders them with a new form token, sealed in its cookie),
/// with `status`. Any pending code step is dropped: signing in starts again.
pub async fn with_form_token(
    state: &WebState,
    status: StatusCode,
    forms: impl FnOnce(&str) -> Markup,
) -> Result<Response, PageError> {
    let secrets = secrets(state).await?;
    let keys = secrets.session_keyring().map_err(|_| unavailable())?;
    let csrf = session::new_csrf();
    let sealed = session::seal(keys, PRE_SESSION, &csrf).ok_or_else(unavailable)?;
    Ok((
        status,
        AppendHeaders([
            (SET_COOKIE, session::set_cookie(PRE_SESSION, Some(&sealed))),
            (SET_COOKIE, session::set_cookie(PENDING, None)),
        ]),
        forms(&csrf),
    )
        .into_response())
}

/// The sign-in page with `status` and a notice.
pub async fn sign_in_page(
    state: &WebState,
    status: StatusCode,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    with_form_token(state, status, |csrf| form(csrf, notice)).await
}

pub async fn show(State(state): State<WebState>) -> Result<Response, PageError> {
    sign_in_page(&state, StatusCode::OK, None).await
}

/// The form token `given` matches the one sealed in the sign-in cookie.
pub async fn check_form(
    state: &WebState,
    headers: &HeaderMap,
    given: &str,
) -> Result<(), PageError> {
    let secrets = secrets(state).await?;
    let expected: Option<String> = secrets
        .session_keyring()
        .ok()
        .and_then(|keys| session::opened(keys, headers, PRE_SESSION));
    match expected {
        Some(expected) if session::csrf_matches(&expected, given) => Ok(()),
        _ => Err(PageError::shown(
            StatusCode::FORBIDDEN,
            "This form has expired. Go back, reload the page and try again.",
        )),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    email: String,
    password: String,
    /// The page to go to once signed in (an invite's), instead of the start page.
    next: Option<String>,
}

/// `next` when it is a path of this site, else the start page: a sign-in form must not send
/// anyone elsewhere.
fn landing(next: Option<&str>) -> &str {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
    })
    .unwrap_or("/")
}

/// Where Supabase's `tokens` lead: the code step when the user has a verified factor and the token
/// is not `aal2` yet (which then lands on the start page); otherwise the page session — its row,
/// its sealed cookie, then `next` (a path of this site) or the start page.
pub async fn enter(
    state: &WebState,
    tokens: Tokens,
    next: Option<&str>,
) -> Result<Response, PageError> {
    let secrets = secrets(state).await?;
    let user = state
        .core
        .auth
        .authenticator
        .verify(
            Some(&format!("Bearer {}", tokens.access_token.as_str())),
            secrets.jwt_secret(),
        )
        .await
        .map_err(|_| {
            PageError::shown(
                StatusCode::BAD_GATEWAY,
                "Supabase Auth answered with a token this deployment does not accept.",
            )
        })?;
    let keys = secrets.session_keyring().map_err(|_| unavailable())?;
    let second_factor = tokens.needs_aal2();
    if second_factor && !user.is_aal2() {
        return second_factor::begin(state, keys, tokens).await;
    }
    let tx = state.core.db.as_service().await?;
    let id = store::web_sessions::start(&tx, user.user_id).await?;
    tx.commit().await?;
    let session = Session {
        id,
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        csrf: session::new_csrf(),
        second_factor,
    };
    let sealed = session::seal(keys, SESSION, &session).ok_or_else(unavailable)?;
    Ok((
        StatusCode::SEE_OTHER,
        AppendHeaders([
            (LOCATION, landing(next).to_owned()),
            (SET_COOKIE, session::set_cookie(SESSION, Some(&sealed))),
            (SET_COOKIE, session::set_cookie(PRE_SESSION, None)),
            (SET_COOKIE, session::set_cookie(PENDING, None)),
        ]),
    )
        .into_response())
}

pub async fn password(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    check_form(&state, &headers, &form.csrf).await?;
    let signed = state
        .supabase
        .password(form.email.trim(), &form.password)
        .await;
    signed_in(
        &state,
        signed,
        "That email and password do not match an account.",
        form.next.as_deref(),
    )
    .await
}

/// The session Supabase's answer starts, or the sign-in page again saying why not (`refused`
/// when Supabase said no).
async fn signed_in(
    state: &WebState,
    signed: Result<Tokens, SignInError>,
    refused: &str,
    next: Option<&str>,
) -> Result<Response, PageError> {
    let (status, notice) = match signed {
        Ok(tokens) => return enter(state, tokens, next).await,
        Err(SignInError::Refused | SignInError::Ended) => (StatusCode::UNAUTHORIZED, refused),
        Err(SignInError::Unavailable) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Signing in is not possible right now. Try again in a moment.",
        ),
    };
    sign_in_page(state, status, Some(notice)).await
}

#[derive(Deserialize)]
pub struct LinkForm {
    csrf: String,
    email: String,
}

pub async fn link(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<LinkForm>,
) -> Result<Response, PageError> {
    check_form(&state, &headers, &form.csrf).await?;
    match state.supabase.send_link(form.email.trim()).await {
        // Whether the address has an account is not told.
        Ok(()) | Err(SignInError::Refused | SignInError::Ended) => {
            sign_in_page(
                &state,
                StatusCode::OK,
                Some("If that address has an account, a sign-in link is on its way."),
            )
            .await
        }
        Err(SignInError::Unavailable) => {
            sign_in_page(
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                Some("Sending links is not possible right now. Try again in a moment."),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct LinkQuery {
    token_hash: String,
    #[serde(rename = "type")]
    kind: String,
}

/// Where a magic link lands.
pub async fn confirm(
    State(state): State<WebState>,
    Query(query): Query<LinkQuery>,
) -> Result<Response, PageError> {
    if query.kind != "magiclink" && query.kind != "email" {
        return Err(PageError::shown(
            StatusCode::BAD_REQUEST,
            "This is not a sign-in link.",
        ));
    }
    let signed = state.supabase.verify_link(&query.token_hash).await;
    signed_in(
        &state,
        signed,
        "That link has expired or was used already. Ask for a new one.",
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Ends the session here and at Supabase, and forgets the cookie.
pub async fn sign_out(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id, &form.csrf).await?;
    let tx = state.core.db.as_service().await?;
    store::web_sessions::end(&tx, viewer.session.id).await?;
    tx.commit().await?;
    state.supabase.sign_out(&viewer.session.access_token).await;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (LOCATION, "/login".to_owned()),
            (SET_COOKIE, session::set_cookie(SESSION, None)),
        ],
    )
        .into_response())
}
