use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use domain::{InviteToken, OrgName, OrgRole, UserId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::invites::{self, Acceptance};
use store::orgs::Org;
use store::{access, orgs};
use utoipa::ToSchema;
use web::{ApiError, ApiJson, Caller, Core, UserScope, WriteErrors};

/// Create an org, or join one with an invite.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum OnboardRequest {
    Create(CreateOrg),
    Join(JoinOrg),
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    /// 1 to 120 printable characters (spaces around it are dropped); the caller becomes the new
    /// org's admin.
    #[schema(
        max_length = 120,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    org_name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinOrg {
    /// The invite's token (32 random bytes, base64url); the caller joins the inviting org with the
    /// invited role.
    #[schema(pattern = "^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$")]
    invite_token: String,
}

/// The org the caller now belongs to and their role in it.
#[derive(Serialize, ToSchema)]
pub struct OnboardReply {
    org: Org,
    role: OrgRole,
}

type Onboarded = (StatusCode, Json<OnboardReply>);

fn onboarded(status: StatusCode, org: Org, role: OrgRole) -> Onboarded {
    (status, Json(OnboardReply { org, role }))
}

/// Creates an org (`org_name`; the caller becomes its org admin) or joins one (`invite_token`, with
/// the invited role): 201. Repeating a request returns the same org with 200 instead of creating or
/// joining twice; a used invite never adds anyone.
#[utoipa::path(post, path = "/api/user/onboard", tag = "user", request_body = OnboardRequest,
    responses((status = 201, body = OnboardReply), (status = 200, body = OnboardReply), WriteErrors))]
pub async fn onboard(
    State(core): State<Core>,
    caller: Caller,
    ApiJson(body): ApiJson<OnboardRequest>,
) -> Result<Onboarded, ApiError> {
    // The profile must exist before a membership can point at it.
    let scope = UserScope::open(&core, caller).await?;
    crate::profile::ensure(scope.tx(), &scope.caller.user).await?;
    let caller = scope.caller.clone();
    scope.commit().await?;
    match body {
        OnboardRequest::Create(create) => create_org(&core, &caller, &create.org_name).await,
        OnboardRequest::Join(join) => accept_invite(&core, &caller, &join.invite_token).await,
    }
}

async fn create_org(core: &Core, caller: &Caller, raw_name: &str) -> Result<Onboarded, ApiError> {
    let user = caller.user.user_id;
    let name = OrgName::parse(raw_name).map_err(|e| ApiError::Unprocessable {
        code: "invalid_org_name",
        message: e.0,
    })?;
    // Service path: a new org has no members yet, so no member policy could allow its creation;
    // the rule enforced here is "the caller becomes its only admin".
    let tx = core.db.as_service().await?;
    if let Some(org) = orgs::find_created_org(&tx, user, name.as_str()).await? {
        return Ok(onboarded(StatusCode::OK, org, OrgRole::OrgAdmin));
    }
    let org = orgs::create_org(&tx, user, name.as_str()).await?;
    caller
        .audit(
            &tx,
            org.id,
            "org.created",
            Some(&org.id.to_string()),
            json!({ "name": org.name }),
        )
        .await?;
    tx.commit().await?;
    Ok(onboarded(StatusCode::CREATED, org, OrgRole::OrgAdmin))
}

async fn accept_invite(core: &Core, caller: &Caller, token: &str) -> Result<Onboarded, ApiError> {
    let user = &caller.user;
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
        return replayed(&tx, org, user.user_id, acceptance).await;
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
    caller
        .audit(
            &tx,
            org.id,
            "invite.accepted",
            Some(&invite.id.to_string()),
            json!({ "role": role }),
        )
        .await?;
    tx.commit().await?;
    Ok(onboarded(StatusCode::CREATED, org, role))
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
    org: Org,
    user: UserId,
    acceptance: Acceptance,
) -> Result<Onboarded, ApiError> {
    if acceptance.by != Some(user) {
        return Err(invite_used());
    }
    match access::access(tx, user, org.id).await?.role {
        Some(role) => Ok(onboarded(StatusCode::OK, org, role)),
        None => Err(invite_used()),
    }
}
