use axum::Json;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use domain::{Email, Extension, InviteToken, OrgId, OrgRole};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::Tx;
use store::invites::{self, Invite, NewInvite};
use store::members::{self, Member};
use utoipa::ToSchema;
use web::{ApiError, ApiJson, ApiPath, Caller, ReadErrors, WriteErrors};

use crate::admin_scope::OrgAdmin;
use crate::paths::{MemberPath, OrgPath};

/// How long an invite stays valid.
const INVITE_TTL_DAYS: i64 = 7;

#[derive(Serialize, ToSchema)]
pub struct MembersReply {
    members: Vec<Member>,
}

/// The org's members and their roles.
#[utoipa::path(get, path = "/api/admin/orgs/{org_id}/members", operation_id = "list_members", tag = "admin", params(OrgPath),
    responses((status = 200, body = MembersReply), ReadErrors))]
pub async fn list(OrgAdmin(scope): OrgAdmin) -> Result<Json<MembersReply>, ApiError> {
    let members = members::list_members(scope.tx(), scope.org).await?;
    Ok(Json(MembersReply { members }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    #[schema(format = Email)]
    email: String,
    role: OrgRole,
}

#[derive(Serialize, ToSchema)]
pub struct InviteReply {
    invite: Invite,
    /// Shown this once; only its hash is stored.
    invite_token: String,
}

pub(crate) fn parse_email(raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw).map_err(|e| ApiError::Unprocessable {
        code: "invalid_email",
        message: e.to_string(),
    })
}

/// Creates an invite to `org` in `tx` and audits it as `invite.created` (never the token).
pub(crate) async fn create_invite(
    tx: &Tx,
    caller: &Caller,
    org: OrgId,
    email: &Email,
    role: OrgRole,
) -> Result<InviteReply, ApiError> {
    let token = InviteToken::generate();
    let invite = invites::create_invite(
        tx,
        &NewInvite {
            org,
            email: email.as_str(),
            role,
            token_hash: &token.hash(),
            invited_by: caller.user.user_id,
            expires_at: Utc::now() + Duration::days(INVITE_TTL_DAYS),
        },
    )
    .await?;
    caller
        .audit(
            tx,
            org,
            "invite.created",
            Some(&invite.id.to_string()),
            json!({ "email": email, "role": role }),
        )
        .await?;
    Ok(InviteReply {
        invite,
        invite_token: token.expose().to_owned(),
    })
}

/// Invites someone by email with a role; the token in the reply is shown this once.
#[utoipa::path(post, path = "/api/admin/orgs/{org_id}/invites", operation_id = "invite_member", tag = "admin", params(OrgPath),
    request_body = InviteRequest,
    responses((status = 201, body = InviteReply), WriteErrors))]
pub async fn invite(
    OrgAdmin(scope): OrgAdmin,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<InviteReply>), ApiError> {
    let email = parse_email(&body.email)?;
    let reply = create_invite(scope.tx(), scope.caller(), scope.org, &email, body.role).await?;
    scope.commit().await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    role: OrgRole,
}

#[derive(Serialize, ToSchema)]
pub struct MemberReply {
    member: Member,
}

/// Changes a member's role; the last org admin cannot be demoted (409).
#[utoipa::path(patch, path = "/api/admin/orgs/{org_id}/members/{user_id}", operation_id = "change_member_role", tag = "admin",
    params(OrgPath, MemberPath), request_body = RoleChange,
    responses((status = 200, body = MemberReply), WriteErrors))]
pub async fn change_role(
    OrgAdmin(scope): OrgAdmin,
    ApiPath(path): ApiPath<MemberPath>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<Json<MemberReply>, ApiError> {
    let member = members::set_role(scope.tx(), scope.org, path.user_id, body.role)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    scope
        .audit(
            "member.role_changed",
            Some(&path.user_id.to_string()),
            json!({ "role": body.role }),
        )
        .await?;
    scope.commit().await?;
    Ok(Json(MemberReply { member }))
}

/// Removes a member; the last org admin cannot be removed (409).
#[utoipa::path(delete, path = "/api/admin/orgs/{org_id}/members/{user_id}", operation_id = "remove_member", tag = "admin",
    params(OrgPath, MemberPath), responses((status = 204, description = "Removed"), WriteErrors))]
pub async fn remove(
    OrgAdmin(scope): OrgAdmin,
    ApiPath(path): ApiPath<MemberPath>,
) -> Result<StatusCode, ApiError> {
    if !members::remove_member(scope.tx(), scope.org, path.user_id).await? {
        return Err(ApiError::NotFound("member"));
    }
    scope
        .audit("member.removed", Some(&path.user_id.to_string()), json!({}))
        .await?;
    scope.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionChange {
    /// 1 to 10 digits; `null` clears it. Required: leaving it out is not clearing it.
    #[serde(deserialize_with = "Option::deserialize")]
    #[schema(nullable, required = true)]
    mightycall_extension: Option<Extension>,
}

/// Sets or clears a member's MightyCall extension, which decides whose calls are theirs; one member
/// per extension in an org (409 `extension_taken`).
#[utoipa::path(put, path = "/api/admin/orgs/{org_id}/members/{user_id}", operation_id = "set_member_extension", tag = "admin",
    params(OrgPath, MemberPath), request_body = ExtensionChange,
    responses((status = 200, body = MemberReply), WriteErrors))]
pub async fn set_extension(
    OrgAdmin(scope): OrgAdmin,
    ApiPath(path): ApiPath<MemberPath>,
    ApiJson(body): ApiJson<ExtensionChange>,
) -> Result<Json<MemberReply>, ApiError> {
    let extension = body.mightycall_extension;
    let member = members::set_extension(scope.tx(), scope.org, path.user_id, extension.as_ref())
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    scope
        .audit(
            "member.extension_set",
            Some(&path.user_id.to_string()),
            json!({ "mightycall_extension": extension }),
        )
        .await?;
    scope.commit().await?;
    Ok(Json(MemberReply { member }))
}
