//! `/invite/{token}`: where an invite link lands. Signed out, the invitee signs in (the sign-in
//! form brings them back here) or creates their account through Supabase Auth; signed in, they
//! join the org with the invited role (`onboarding::accept_invite`, as `POST /api/user/onboard`
//! does: the invite must be live and sent to their address, and works once).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::{InviteToken, OrgRole};
use maud::{Markup, html};
use serde::Deserialize;
use web::{ApiError, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::pages::layout;
use crate::pages::sign_in::{check_form, enter, with_form_token};
use crate::supabase::SignInError;
use crate::viewer::{submitter, viewer};

/// What the page says about an invite it found.
struct Invited {
    org_name: String,
    role: OrgRole,
    email: String,
}

fn role_name(role: OrgRole) -> &'static str {
    match role {
        OrgRole::OrgAdmin => "an org admin",
        OrgRole::OrgManager => "a manager",
        OrgRole::Agent => "an agent",
    }
}

/// The open invite `token` names; an unknown, malformed, used or expired one is its error page.
async fn look_up(state: &WebState, token: &str) -> Result<Invited, PageError> {
    let gone = |message: &str| PageError::shown(StatusCode::GONE, message);
    let unknown = || PageError::shown(StatusCode::NOT_FOUND, "This invite link is not valid.");
    let hash = InviteToken::parse(token).map_err(|_| unknown())?.hash();
    let tx = state.core.db.as_service().await?;
    let invite = store::invites::lock_invite(&tx, &hash)
        .await?
        .ok_or_else(unknown)?;
    let org = store::orgs::get_org(&tx, invite.org_id)
        .await?
        .ok_or_else(unknown)?;
    // Only read: the transaction ends without a change.
    drop(tx);
    if invite.acceptance.is_some() {
        return Err(gone(
            "This invite has been used already. If it was yours, sign in; otherwise ask for a new one.",
        ));
    }
    if invite.expires_at <= Utc::now() {
        return Err(gone(
            "This invite has expired. Ask an admin of the organisation for a new one.",
        ));
    }
    Ok(Invited {
        org_name: org.name,
        role: invite.role,
        email: invite.email,
    })
}

fn heading(invited: &Invited) -> Markup {
    html! {
        p.lead {
            "You are invited to join " strong { (invited.org_name) } " as " (role_name(invited.role))
            " (the invite is for " (invited.email) ")."
        }
    }
}

/// Signed out: sign in (back here after) or create the account the invite is for.
fn signed_out(invited: &Invited, path: &str, csrf: &str, notice: Option<&str>) -> Markup {
    layout::form_page(
        "Join your team",
        notice,
        html! {
            (heading(invited))
            h2 { "I have an account" }
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(path);
                label for="email" { "Email" }
                input #email type="email" name="email" autocomplete="username" required value=(invited.email);
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
            h2 { "I am new here" }
            form.stack method="post" action={ (path) "/signup" } {
                input type="hidden" name="csrf" value=(csrf);
                label for="new-email" { "Email" }
                input #new-email type="email" name="email" autocomplete="username" required value=(invited.email);
                label for="new-password" { "Choose a password (at least 6 characters)" }
                input #new-password type="password" name="password" autocomplete="new-password" minlength="6" required;
                button type="submit" { "Create my account" }
            }
        },
    )
}

pub async fn show(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let invited = look_up(&state, &token).await?;
    let path = format!("/invite/{token}");
    let viewer = match viewer(&state, &headers, request_id).await {
        Ok(viewer) => viewer,
        Err(PageError::SignIn) => {
            return with_form_token(&state, StatusCode::OK, |csrf| {
                signed_out(&invited, &path, csrf, None)
            })
            .await;
        }
        Err(e) => return Err(e),
    };
    let email = viewer.caller.user.email.clone().unwrap_or_default();
    let theirs = email.eq_ignore_ascii_case(&invited.email);
    let body = layout::form_page(
        "Join your team",
        None,
        html! {
            (heading(&invited))
            @if theirs {
                form.stack method="post" action=(path) {
                    input type="hidden" name="csrf" value=(viewer.session.csrf);
                    button type="submit" { "Join " (invited.org_name) }
                }
            } @else {
                p.notice role="alert" {
                    "You are signed in as " (email) ". Sign out, then open this link again and sign in as "
                    (invited.email) "."
                }
                form.signout method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(viewer.session.csrf);
                    button type="submit" { "Sign out" }
                }
            }
        },
    );
    Ok(body.into_response())
}

#[derive(Deserialize)]
pub struct JoinForm {
    csrf: String,
}

/// Joins with the invite, then opens the org's dashboard.
pub async fn join(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(token): Path<String>,
    Form(form): Form<JoinForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id, &form.csrf).await?;
    let joined = onboarding::accept_invite(&state.core, viewer.caller, &token)
        .await
        .map_err(|e| match e {
            ApiError::BadRequest { .. } => {
                PageError::shown(StatusCode::NOT_FOUND, "This invite link is not valid.")
            }
            other => other.into(),
        })?;
    let dashboard = format!("/orgs/{}/dashboard", joined.org.id);
    Ok((StatusCode::SEE_OTHER, [(LOCATION, dashboard)]).into_response())
}

#[derive(Deserialize)]
pub struct SignUpForm {
    csrf: String,
    email: String,
    password: String,
}

/// Creates the invitee's account through Supabase Auth and signs them in, back on the invite to
/// join; a project that confirms addresses by mail first says so.
pub async fn sign_up(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<SignUpForm>,
) -> Result<Response, PageError> {
    check_form(&state, &headers, &form.csrf).await?;
    let invited = look_up(&state, &token).await?;
    let path = format!("/invite/{token}");
    let email = form.email.trim();
    let again = |status: StatusCode, notice: &'static str| {
        let (invited, path) = (&invited, &path);
        with_form_token(&state, status, move |csrf| {
            signed_out(invited, path, csrf, Some(notice))
        })
    };
    if !email.eq_ignore_ascii_case(&invited.email) {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Create the account with the address the invite was sent to.",
        )
        .await;
    }
    match state.supabase.sign_up(email, &form.password).await {
        Ok(Some(tokens)) => enter(&state, tokens, Some(&path)).await,
        Ok(None) => Ok(layout::form_page(
            "Confirm your address",
            None,
            html! {
                p { "We sent a confirmation link to " (email) ". Open it, then open your invite link again to join." }
            },
        )
        .into_response()),
        Err(SignInError::Refused | SignInError::Ended) => {
            again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "That account could not be created: the address may have an account already (then \
                 sign in above), or the password is too short.",
            )
            .await
        }
        Err(SignInError::Unavailable) => {
            again(
                StatusCode::SERVICE_UNAVAILABLE,
                "Creating accounts is not possible right now. Try again in a moment.",
            )
            .await
        }
    }
}
