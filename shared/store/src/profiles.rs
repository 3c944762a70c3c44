use domain::{GlobalRole, UserId};
use serde::Serialize;
use tokio_postgres::Row;

use crate::row::get;
use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub id: UserId,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub global_role: Option<GlobalRole>,
}

/// What a verified token says about a user: their profile is created from it on first sight.
pub struct NewProfile<'a> {
    pub id: UserId,
    pub email: Option<&'a str>,
    pub full_name: Option<&'a str>,
}

/// Creates the caller's profile if it does not exist yet and returns it. The email follows the
/// verified token whenever it carries one: `authenticated` may not write profiles, so this one
/// statement runs as `service_role`. `full_name` is only a first value, the user's afterwards; the
/// database cleans it (`private.clean_display_name`: trimmed, no control or invisible characters,
/// not a role's name) and stores no name rather than a bad one.
pub async fn ensure_profile(tx: &Tx, new: &NewProfile<'_>) -> Result<Profile, StoreError> {
    tx.as_service_role(async {
        tx.client()
            .execute(
                "insert into profiles (id, email, full_name)
                 values ($1, $2, private.clean_display_name($3))
                 on conflict (id) do update set email = excluded.email
                 where excluded.email is not null and profiles.email is distinct from excluded.email",
                &[&new.id.as_uuid(), &new.email, &new.full_name],
            )
            .await?;
        Ok(())
    })
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
        email: get(&row, "email")?,
        full_name: get(&row, "full_name")?,
        global_role: global_role(&row)?,
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
    let role = match row {
        Some(row) => global_role(&row)?,
        None => None,
    };
    Ok(role == Some(GlobalRole::PlatformAdmin))
}

/// `global_role`; a value this code does not know grants nothing.
fn global_role(row: &Row) -> Result<Option<GlobalRole>, StoreError> {
    Ok(get::<Option<&str>>(row, "global_role")?.and_then(|v| v.parse().ok()))
}
