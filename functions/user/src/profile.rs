use axum::Json;
use axum::extract::State;
use serde::Serialize;
use store::orgs::OrgWithRole;
use store::profiles::{self, NewProfile, Profile};
use utoipa::ToSchema;
use web::{ApiError, Caller, Core, ReadErrors, UserScope};

/// Creates the profile from the verified token on first sight, and keeps its email equal to the
/// token's. `full_name` comes from the token's user metadata, which is display data only (rights
/// come from the database, never from metadata); the store cleans it.
pub(crate) async fn ensure(tx: &store::Tx, user: &auth::VerifiedUser) -> Result<Profile, ApiError> {
    let metadata = &user.claims["user_metadata"];
    let full_name = metadata["full_name"]
        .as_str()
        .or_else(|| metadata["name"].as_str());
    let email = user.email.as_deref().filter(|e| e.len() <= 320);
    Ok(profiles::ensure_profile(
        tx,
        &NewProfile {
            id: user.user_id,
            email,
            full_name,
        },
    )
    .await?)
}

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
    let profile = ensure(scope.tx(), &scope.caller.user).await?;
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
