use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use domain::{Email, InviteToken, OrgId, OrgRole, UserId};
use serde::Deserialize;
use serde_json::{Value, json};
use store::invites::{self, NewInvite};
use store::members;
use web::{ApiError, ApiJson, ApiPath, CurrentUser, RequestId};

use crate::AdminState;
use crate::audit_log::record;
use crate::guard::{Intent, org_admin_tx};
use crate::integrations::OrgPath;

/// How long an invite stays valid.
const INVITE_TTL_DAYS: i64 = 7;

#[derive(Deserialize)]
pub struct MemberPath {
    org_id: OrgId,
    user_id: UserId,
}

/// `GET /api/admin/orgs/{orgId}/members`
pub async fn list(
    State(state): State<AdminState>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<Json<Value>, ApiError> {
    let tx = org_admin_tx(&state, &user, path.org_id(), Intent::Read).await?;
    let members = members::list_members(&tx, path.org_id()).await?;
    Ok(Json(json!({ "members": members })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    email: String,
    role: OrgRole,
}

/// `POST /api/admin/orgs/{orgId}/invites` → 201 with the invite token, shown this once.
pub async fn invite(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let email = Email::parse(&body.email).map_err(|e| ApiError::Unprocessable {
        code: "invalid_email",
        message: e.to_string(),
    })?;
    let org = path.org_id();
    let tx = org_admin_tx(&state, &user, org, Intent::Write).await?;
    let token = InviteToken::generate();
    let invite = invites::create_invite(
        &tx,
        &NewInvite {
            org,
            email: email.as_str(),
            role: body.role,
            token_hash: &token.hash(),
            invited_by: user.user_id,
            expires_at: Utc::now() + Duration::days(INVITE_TTL_DAYS),
        },
    )
    .await?;
    record(
        &tx,
        org,
        user.user_id,
        "invite.created",
        &invite.id.to_string(),
        json!({ "email": email, "role": body.role }),
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "invite": invite, "invite_token": token.expose() })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    role: OrgRole,
}

/// `PATCH /api/admin/orgs/{orgId}/members/{userId}` with `{"role"}`.
pub async fn change_role(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<MemberPath>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<Json<Value>, ApiError> {
    let tx = org_admin_tx(&state, &user, path.org_id, Intent::Write).await?;
    let member = members::set_role(&tx, path.org_id, path.user_id, body.role)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    record(
        &tx,
        path.org_id,
        user.user_id,
        "member.role_changed",
        &path.user_id.to_string(),
        json!({ "role": body.role }),
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "member": member })))
}

/// `DELETE /api/admin/orgs/{orgId}/members/{userId}` (204).
pub async fn remove(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<MemberPath>,
) -> Result<StatusCode, ApiError> {
    let tx = org_admin_tx(&state, &user, path.org_id, Intent::Write).await?;
    if !members::remove_member(&tx, path.org_id, path.user_id).await? {
        return Err(ApiError::NotFound("member"));
    }
    record(
        &tx,
        path.org_id,
        user.user_id,
        "member.removed",
        &path.user_id.to_string(),
        json!({}),
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
