use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::OrgRole;
use serde::{Deserialize, Serialize};
use store::orgs::Org;
use utoipa::ToSchema;
use web::{ApiError, ApiJson, Caller, Core, WriteErrors};

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
    let done = match body {
        OnboardRequest::Create(create) => {
            onboarding::create_org(&core, caller, &create.org_name).await
        }
        OnboardRequest::Join(join) => {
            onboarding::accept_invite(&core, caller, &join.invite_token).await
        }
    }?;
    let status = if done.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let (org, role) = (done.org, done.role);
    Ok((status, Json(OnboardReply { org, role })))
}
