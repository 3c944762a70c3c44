use chrono::{DateTime, Utc};
use domain::{Extension, OrgId, OrgRole, UserId};
use serde::Serialize;
use tokio_postgres::Row;

use crate::row::{FromRow, all, get, optional, parse};
use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub user_id: UserId,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub role: OrgRole,
    pub mightycall_extension: Option<String>,
    pub joined_at: DateTime<Utc>,
}

const MEMBER_COLUMNS: &str = "ou.user_id, p.email, p.full_name, ou.role, ou.mightycall_extension,
       ou.created_at as joined_at
     from org_users ou join profiles p on p.id = ou.user_id";

impl FromRow for Member {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            user_id: UserId::new(get(row, "user_id")?),
            email: get(row, "email")?,
            full_name: get(row, "full_name")?,
            role: parse(row, "role")?,
            mightycall_extension: get(row, "mightycall_extension")?,
            joined_at: get(row, "joined_at")?,
        })
    }
}

pub async fn list_members(tx: &Tx, org: OrgId) -> Result<Vec<Member>, StoreError> {
    let sql =
        format!("select {MEMBER_COLUMNS} where ou.org_id = $1 order by ou.created_at, ou.user_id");
    all(&tx.client().query(&sql, &[&org.as_uuid()]).await?)
}

/// Changes a member's role; `None` when they are not a member. Demoting the last org admin fails
/// with `StoreError::Rule(DataRule::OrgKeepsAnAdmin)` (a database trigger).
pub async fn set_role(
    tx: &Tx,
    org: OrgId,
    user: UserId,
    role: OrgRole,
) -> Result<Option<Member>, StoreError> {
    let changed = tx
        .client()
        .execute(
            "update org_users set role = $3 where org_id = $1 and user_id = $2",
            &[&org.as_uuid(), &user.as_uuid(), &role.as_str()],
        )
        .await?;
    if changed == 0 {
        return Ok(None);
    }
    get_member(tx, org, user).await
}

/// Sets or clears a member's MightyCall extension; `None` when they are not a member. An extension
/// another member of the org has fails with `StoreError::Rule(DataRule::ExtensionTaken)`.
pub async fn set_extension(
    tx: &Tx,
    org: OrgId,
    user: UserId,
    extension: Option<&Extension>,
) -> Result<Option<Member>, StoreError> {
    let changed = tx
        .client()
        .execute(
            "update org_users set mightycall_extension = $3 where org_id = $1 and user_id = $2",
            &[
                &org.as_uuid(),
                &user.as_uuid(),
                &extension.map(Extension::as_str),
            ],
        )
        .await?;
    if changed == 0 {
        return Ok(None);
    }
    get_member(tx, org, user).await
}

async fn get_member(tx: &Tx, org: OrgId, user: UserId) -> Result<Option<Member>, StoreError> {
    let sql = format!("select {MEMBER_COLUMNS} where ou.org_id = $1 and ou.user_id = $2");
    let row = tx
        .client()
        .query_opt(&sql, &[&org.as_uuid(), &user.as_uuid()])
        .await?;
    optional(row)
}

/// Removes a member; `false` when they were not one. Same last-admin rule as [`set_role`].
pub async fn remove_member(tx: &Tx, org: OrgId, user: UserId) -> Result<bool, StoreError> {
    let removed = tx
        .client()
        .execute(
            "delete from org_users where org_id = $1 and user_id = $2",
            &[&org.as_uuid(), &user.as_uuid()],
        )
        .await?;
    Ok(removed > 0)
}
