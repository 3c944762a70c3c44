//! The code step of signing in (Supabase's `aal2`): after a password or a link, a user with a
//! verified authenticator-app factor enters its 6-digit code before any session starts. Meanwhile
//! Supabase's `aal1` tokens live only in a sealed cookie of their own ([`PENDING`]) that expires
//! with the step and that opens no page.

use axum::Form;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::WebState;
use crate::errors::PageError;
use crate::pages::layout;
use crate::pages::sign_in::{enter, sign_in_page};
use crate::session::{self, PENDING, PENDING_SECONDS, PRE_SESSION, Pending};
use crate::supabase::{SignInError, Tokens};
use crate::viewer::{secrets, unavailable};

fn form(csrf: &str, notice: Option<&str>) -> Markup {
    layout::form_page(
        "Enter your code",
        notice,
        html! {
            form.stack method="post" action="/login/code" {
                input type="hidden" name="csrf" value=(csrf);
                label for="code" { "Enter the 6-digit code from your authenticator app" }
                input #code type="text" name="code" inputmode="numeric" pattern="[0-9]{6}"
                    maxlength="6" autocomplete="one-time-code" required;
                button type="submit" { "Verify" }
            }
            p { a href="/login" { "Sign in again" } }
        },
    )
}

/// Keeps Supabase's `aal1` `tokens` in the pending cookie and sends the browser to the code form.
pub async fn begin(
    state: &WebState,
    keys: &crypto::Keyring,
    tokens: Tokens,
) -> Result<Response, PageError> {
    let Some(factor) = tokens.totp_factor() else {
        // Another kind of factor (phone, WebAuthn): not a step these pages offer.
        state.supabase.sign_out(&tokens.access_token).await;
        return sign_in_page(
            state,
            StatusCode::FORBIDDEN,
            Some("This account's second sign-in step is not an authenticator app, which is the one these pages support."),
        )
        .await;
    };
    let pending = Pending {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        factor,
        csrf: session::new_csrf(),
        expires_at: chrono::Utc::now().timestamp() + PENDING_SECONDS,
    };
    let sealed = session::seal(keys, PENDING, &pending).ok_or_else(unavailable)?;
    Ok((
        StatusCode::SEE_OTHER,
        AppendHeaders([
            (LOCATION, "/login/code".to_owned()),
            (
                SET_COOKIE,
                session::set_short_cookie(PENDING, &sealed, PENDING_SECONDS),
            ),
            (SET_COOKIE, session::set_cookie(PRE_SESSION, None)),
        ]),
    )
        .into_response())
}

/// The pending step of this browser, if it is still on.
async fn pending(state: &WebState, headers: &HeaderMap) -> Result<Option<Pending>, PageError> {
    let secrets = secrets(state).await?;
    let keys = secrets.session_keyring().map_err(|_| unavailable())?;
    Ok(session::opened::<Pending>(keys, headers, PENDING)
        .filter(|p| p.expires_at > chrono::Utc::now().timestamp()))
}

/// Back to the sign-in page: the step is over or was never started.
async fn start_again(state: &WebState) -> Result<Response, PageError> {
    sign_in_page(
        state,
        StatusCode::UNAUTHORIZED,
        Some("That sign-in took too long or has ended. Sign in again."),
    )
    .await
}

fn code_page(status: StatusCode, csrf: &str, notice: Option<&str>) -> Response {
    (status, form(csrf, notice)).into_response()
}

pub async fn show(
    State(state): State<WebState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    match pending(&state, &headers).await? {
        Some(pending) => Ok(code_page(StatusCode::OK, &pending.csrf, None)),
        None => start_again(&state).await,
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// Six digits, spaces (as apps group them) left out; anything else is not a code.
fn six_digits(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

pub async fn verify(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let Some(pending) = pending(&state, &headers).await? else {
        return start_again(&state).await;
    };
    if !session::csrf_matches(&pending.csrf, &form.csrf) {
        return Err(PageError::shown(
            StatusCode::FORBIDDEN,
            "This form has expired. Go back, reload the page and try again.",
        ));
    }
    let Some(code) = six_digits(&form.code) else {
        return Ok(code_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &pending.csrf,
            Some("Enter the 6 digits your authenticator app shows."),
        ));
    };
    match state
        .supabase
        .verify_totp(&pending.access_token, pending.factor, &code)
        .await
    {
        Ok(tokens) => enter(&state, tokens, None).await,
        Err(SignInError::Refused) => Ok(code_page(
            StatusCode::UNAUTHORIZED,
            &pending.csrf,
            Some("That code is not right. Enter the code your authenticator app shows now."),
        )),
        Err(SignInError::Ended) => start_again(&state).await,
        Err(SignInError::Unavailable) => Ok(code_page(
            StatusCode::SERVICE_UNAVAILABLE,
            &pending.csrf,
            Some("Signing in is not possible right now. Try again in a moment."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::six_digits;

    #[test]
    fn a_code_is_six_digits_however_grouped() {
        assert_eq!(six_digits("123456").as_deref(), Some("123456"));
        assert_eq!(six_digits(" 123 456 ").as_deref(), Some("123456"));
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６"] {
            assert_eq!(six_digits(bad), None, "{bad}");
        }
    }
}
