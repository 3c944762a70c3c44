use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use store::profiles::{self, NewProfile, Profile};

use web::{ApiError, Core, CurrentUser};

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

/// `GET /api/user/profile`
pub async fn get_profile(
    State(core): State<Core>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let tx = core.db.as_user(&user.claims).await?;
    let profile = ensure(&tx, &user).await?;
    tx.commit().await?;
    Ok(Json(json!({ "profile": profile })))
}

/// `GET /api/user/orgs`
pub async fn list_orgs(
    State(core): State<Core>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let tx = core.db.as_user(&user.claims).await?;
    let platform_admin = profiles::is_platform_admin(&tx, user.user_id).await?;
    let orgs = store::orgs::orgs_for_user(&tx, user.user_id, platform_admin).await?;
    Ok(Json(json!({ "orgs": orgs })))
}
