use actions::members::{self, Invited};
use axum::Json;
use axum::http::StatusCode;
use domain::{Extension, OrgRole};
use serde::{Deserialize, Serialize};
use store::invites::Invite;
use store::members::Member;
use utoipa::ToSchema;
use web::{ApiError, ApiJson, ApiPath, ReadErrors, WriteErrors};

use crate::admin_scope::OrgAdmin;
use crate::paths::{MemberPath, OrgPath};

#[derive(Serialize, ToSchema)]
pub struct MembersReply {
    members: Vec<Member>,
}

/// The org's members and their roles.
#[utoipa::path(get, path = "/api/admin/orgs/{org_id}/members", operation_id = "list_members", tag = "admin", params(OrgPath),
    responses((status = 200, body = MembersReply), ReadErrors))]
pub async fn list(OrgAdmin(scope): OrgAdmin) -> Result<Json<MembersReply>, ApiError> {
    let members = store::members::list_members(scope.tx(), scope.org).await?;
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

impl From<Invited> for InviteReply {
    fn from(invited: Invited) -> Self {
        Self {
            invite: invited.invite,
            invite_token: invited.token,
        }
    }
}

/// Invites someone by email with a role; the token in the reply is shown this once.
#[utoipa::path(post, path = "/api/admin/orgs/{org_id}/invites", operation_id = "invite_member", tag = "admin", params(OrgPath),
    request_body = InviteRequest,
    responses((status = 201, body = InviteReply), WriteErrors))]
pub async fn invite(
    OrgAdmin(scope): OrgAdmin,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<InviteReply>), ApiError> {
    let invited = members::invite(scope, &body.email, body.role).await?;
    Ok((StatusCode::CREATED, Json(invited.into())))
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
    let member = members::change_role(scope, path.user_id, body.role).await?;
    Ok(Json(MemberReply { member }))
}

/// Removes a member; the last org admin cannot be removed (409).
#[utoipa::path(delete, path = "/api/admin/orgs/{org_id}/members/{user_id}", operation_id = "remove_member", tag = "admin",
    params(OrgPath, MemberPath), responses((status = 204, description = "Removed"), WriteErrors))]
pub async fn remove(
    OrgAdmin(scope): OrgAdmin,
    ApiPath(path): ApiPath<MemberPath>,
) -> Result<StatusCode, ApiError> {
    members::remove(scope, path.user_id).await?;
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
    let member = members::set_extension(scope, path.user_id, body.mightycall_extension).await?;
    Ok(Json(MemberReply { member }))
}
