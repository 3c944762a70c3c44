//! Every org, for platform admins: the list with each org's size and activity, and creating an org
//! whose first admin joins by invite.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::PageLimit;
use serde::{Deserialize, Serialize};
use store::orgs::Org;
use store::platform_orgs::{self, OrgSummary};
use utoipa::{IntoParams, ToSchema};
use web::paging::{decode_cursor, next_cursor, page_limit};
use web::{ApiError, ApiJson, ApiQuery, Caller, Need, ReadErrors, UserScope, WriteErrors};

use crate::AdminState;
use crate::members::InviteReply;
use actions::platform;

/// The scope of platform org list cursors.
const SCOPE: &str = "platform_orgs";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrgsQuery {
    /// Orgs per page, 1 to 500 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlatformOrgsReply {
    orgs: Vec<OrgSummary>,
    next_cursor: Option<String>,
}

/// Every org, newest first, with its member count, integration, last sync and calls of the last
/// 30 days. Platform admins only.
#[utoipa::path(get, path = "/api/platform/orgs", operation_id = "list_platform_orgs", tag = "platform",
    params(OrgsQuery), responses((status = 200, body = PlatformOrgsReply), ReadErrors))]
pub async fn list(
    State(state): State<AdminState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<OrgsQuery>,
) -> Result<Json<PlatformOrgsReply>, ApiError> {
    let scope = UserScope::open(&state.core, caller).await?;
    scope
        .require_platform(Need::PlatformAdmin { write: false })
        .await?;
    let limit = page_limit(query.limit.as_deref(), PageLimit::DEFAULT)?;
    let after = decode_cursor(SCOPE, query.cursor.as_deref())?;
    let page = platform_orgs::list_orgs(scope.tx(), limit, after).await?;
    Ok(Json(PlatformOrgsReply {
        next_cursor: next_cursor(SCOPE, &page),
        orgs: page.rows,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    /// 1 to 120 printable characters (spaces around it are dropped).
    #[schema(
        max_length = 120,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    name: String,
    /// Who is invited as the org's first org admin.
    #[schema(format = Email)]
    admin_email: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedOrgReply {
    org: Org,
    /// The first admin's invite, as `POST …/invites` returns it (the token shown this once).
    #[serde(flatten)]
    invite: InviteReply,
}

/// Creates an org with no members and an `org_admin` invite for `admin_email`, in one transaction;
/// audited `platform.org_created`. Platform admins only.
#[utoipa::path(post, path = "/api/platform/orgs", operation_id = "create_platform_org", tag = "platform",
    request_body = NewOrg, responses((status = 201, body = CreatedOrgReply), WriteErrors))]
pub async fn create(
    State(state): State<AdminState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewOrg>,
) -> Result<(StatusCode, Json<CreatedOrgReply>), ApiError> {
    let (org, invite) =
        platform::create_org(&state.core, caller, &body.name, &body.admin_email).await?;
    let invite = invite.into();
    Ok((StatusCode::CREATED, Json(CreatedOrgReply { org, invite })))
}
