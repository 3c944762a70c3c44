use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use chrono::Utc;
use domain::{InviteToken, OrgRole, UserId};
use serde::Deserialize;
use serde_json::{Value, json};
use store::audit::{self, Actor, AuditEvent};
use store::invites::{self, Acceptance};
use store::{access, orgs};

use web::{ApiError, ApiJson, Core, CurrentUser, RequestId};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnboardRequest {
    org_name: Option<String>,
    invite_token: Option<String>,
}

/// `POST /api/user/onboard` with `{"org_name"}` (create an org, caller becomes its org admin) or
/// `{"invite_token"}` (join the inviting org with the invited role). Repeating a request returns
/// the same org with 200 instead of creating or joining twice; a used invite never adds anyone.
pub async fn onboard(
    State(core): State<Core>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<OnboardRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    // The profile must exist before a membership can point at it.
    let tx = core.db.as_user(&user.claims).await?;
    crate::profile::ensure(&tx, &user).await?;
    tx.commit().await?;
    match (body.org_name, body.invite_token) {
        (Some(name), None) => create_org(&core, user.user_id, &name, &request_id).await,
        (None, Some(token)) => accept_invite(&core, &user, &token, &request_id).await,
        _ => Err(ApiError::BadRequest {
            code: "invalid_body",
            message: "send exactly one of org_name or invite_token".into(),
        }),
    }
}

fn org_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let length = name.chars().count();
    if !(1..=120).contains(&length) || name.chars().any(char::is_control) {
        return Err(ApiError::Unprocessable {
            code: "invalid_org_name",
            message: "org_name must be 1 to 120 printable characters".into(),
        });
    }
    Ok(name.to_owned())
}

async fn create_org(
    core: &Core,
    user: UserId,
    raw_name: &str,
    request_id: &RequestId,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = org_name(raw_name)?;
    // Service path: a new org has no members yet, so no member policy could allow its creation;
    // the rule enforced here is "the caller becomes its only admin".
    let tx = core.db.as_service().await?;
    if let Some(org) = orgs::find_created_org(&tx, user, &name).await? {
        return Ok((
            StatusCode::OK,
            Json(json!({ "org": org, "role": OrgRole::OrgAdmin })),
        ));
    }
    let org = orgs::create_org(&tx, user, &name).await?;
    audit::record(
        &tx,
        &AuditEvent {
            org: Some(org.id),
            actor: Actor::User(user),
            action: "org.created",
            target: Some(&org.id.to_string()),
            details: json!({ "name": org.name }),
            request_id: Some(request_id.as_str()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "org": org, "role": OrgRole::OrgAdmin })),
    ))
}

async fn accept_invite(
    core: &Core,
    user: &auth::VerifiedUser,
    token: &str,
    request_id: &RequestId,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let hash = InviteToken::parse(token)
        .map_err(|e| ApiError::BadRequest {
            code: "invalid_invite_token",
            message: e.to_string(),
        })?
        .hash();
    let tx = core.db.as_service().await?;
    let invite = invites::lock_invite(&tx, &hash)
        .await?
        .ok_or(ApiError::NotFound("invite"))?;
    let org = orgs::get_org(&tx, invite.org_id)
        .await?
        .ok_or(ApiError::NotFound("invite"))?;
    if let Some(acceptance) = invite.acceptance {
        return replayed(&tx, &org, user.user_id, acceptance).await;
    }
    if invite.expires_at <= Utc::now() {
        return Err(ApiError::Unprocessable {
            code: "invite_expired",
            message: "this invite has expired; ask for a new one".into(),
        });
    }
    // The token alone is not enough: it must reach the person it was sent to.
    let email_matches = user
        .email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(&invite.email));
    if !email_matches {
        return Err(ApiError::Forbidden {
            code: "invite_email_mismatch",
            message: "this invite was sent to another email address".into(),
        });
    }
    let role = orgs::add_member(&tx, org.id, user.user_id, invite.role).await?;
    if !invites::mark_accepted(&tx, invite.id, user.user_id).await? {
        return Err(invite_used());
    }
    audit::record(
        &tx,
        &AuditEvent {
            org: Some(org.id),
            actor: Actor::User(user.user_id),
            action: "invite.accepted",
            target: Some(&invite.id.to_string()),
            details: json!({ "role": role }),
            request_id: Some(request_id.as_str()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "org": org, "role": role })),
    ))
}

fn invite_used() -> ApiError {
    ApiError::Conflict {
        code: "invite_used",
        message: "this invite has already been used".into(),
    }
}

/// A used invite never adds a membership again: a member who was removed must be invited anew.
/// Only its acceptor, while still a member, gets the org back (with the role they have now), so
/// that repeating a successful request is harmless.
async fn replayed(
    tx: &store::Tx,
    org: &orgs::Org,
    user: UserId,
    acceptance: Acceptance,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if acceptance.by != Some(user) {
        return Err(invite_used());
    }
    match access::access(tx, user, org.id).await?.role {
        Some(role) => Ok((StatusCode::OK, Json(json!({ "org": org, "role": role })))),
        None => Err(invite_used()),
    }
}
