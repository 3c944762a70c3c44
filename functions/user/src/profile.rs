use axum::Json;
use axum::extract::State;
use serde::Serialize;
use store::orgs::OrgWithRole;
use store::profiles::{self, Profile};
use utoipa::ToSchema;
use web::{ApiError, Caller, Core, ReadErrors, UserScope};

#[derive(Serialize, ToSchema)]
pub struct ProfileReply {
    profile: Profile,
}

/// The caller's profile, created from the token on first sight.
#[utoipa::path(get, path = "/api/user/profile", tag = "user",
    responses((status = 200, body = ProfileReply), ReadErrors))]
pub async fn get_profile(
    State(core): State<Core>,
    caller: Caller,
) -> Result<Json<ProfileReply>, ApiError> {
    let scope = UserScope::open(&core, caller).await?;
    let profile = onboarding::ensure_profile(scope.tx(), &scope.caller.user).await?;
    scope.commit().await?;
    Ok(Json(ProfileReply { profile }))
}

#[derive(Serialize, ToSchema)]
pub struct OrgsReply {
    orgs: Vec<OrgWithRole>,
}

/// The caller's organisations with their role in each (every org for platform admins).
#[utoipa::path(get, path = "/api/user/orgs", tag = "user",
    responses((status = 200, body = OrgsReply), ReadErrors))]
pub async fn list_orgs(
    State(core): State<Core>,
    caller: Caller,
) -> Result<Json<OrgsReply>, ApiError> {
    let scope = UserScope::open(&core, caller).await?;
    let platform_admin = profiles::is_platform_admin(scope.tx(), scope.user_id()).await?;
    let orgs = store::orgs::orgs_for_user(scope.tx(), scope.user_id(), platform_admin).await?;
    Ok(Json(OrgsReply { orgs }))
}
