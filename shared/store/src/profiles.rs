use domain::{GlobalRole, UserId};
use serde::Serialize;

use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    pub id: UserId,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub global_role: Option<GlobalRole>,
}

/// What a verified token says about a user, used to create their profile on first sight.
pub struct NewProfile<'a> {
    pub id: UserId,
    pub email: Option<&'a str>,
    pub full_name: Option<&'a str>,
}

/// Creates the caller's profile if it does not exist yet (RLS lets a user insert only their own row,
/// never with a global role) and returns it.
pub async fn ensure_profile(tx: &Tx, new: &NewProfile<'_>) -> Result<Profile, StoreError> {
    tx.client()
        .execute(
            "insert into profiles (id, email, full_name) values ($1, $2, $3) on conflict (id) do nothing",
            &[&new.id.as_uuid(), &new.email, &new.full_name],
        )
        .await?;
    let row = tx
        .client()
        .query_one(
            "select email, full_name, global_role from profiles where id = $1",
            &[&new.id.as_uuid()],
        )
        .await?;
    Ok(Profile {
        id: new.id,
        email: row.get(0),
        full_name: row.get(1),
        global_role: parse_global_role(row.get(2)),
    })
}

/// Whether the user is a platform admin: decided by `profiles.global_role` only.
pub async fn is_platform_admin(tx: &Tx, user: UserId) -> Result<bool, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select global_role from profiles where id = $1",
            &[&user.as_uuid()],
        )
        .await?;
    Ok(row.and_then(|r| parse_global_role(r.get(0))) == Some(GlobalRole::PlatformAdmin))
}

fn parse_global_role(value: Option<String>) -> Option<GlobalRole> {
    value.and_then(|v| v.parse().ok())
}
