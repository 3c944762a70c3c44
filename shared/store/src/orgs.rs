use chrono::{DateTime, Utc};
use domain::{OrgId, OrgRole, UserId};
use serde::Serialize;
use tokio_postgres::Row;

use crate::row::{FromRow, all, get, optional, parse};
use crate::{ServiceTx, StoreError, Tx};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// An org as a user sees it in their list: with their role, or `platform_admin`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrgWithRole {
    pub id: OrgId,
    pub name: String,
    pub role: String,
}

impl FromRow for Org {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: OrgId::new(get(row, "id")?),
            name: get(row, "name")?,
            created_at: get(row, "created_at")?,
        })
    }
}

impl FromRow for OrgWithRole {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: OrgId::new(get(row, "id")?),
            name: get(row, "name")?,
            role: get(row, "role")?,
        })
    }
}

/// The caller's organisations; a platform admin sees every org (RLS lets them) with that role.
pub async fn orgs_for_user(
    tx: &Tx,
    user: UserId,
    platform_admin: bool,
) -> Result<Vec<OrgWithRole>, StoreError> {
    let rows = if platform_admin {
        tx.client()
            .query(
                "select id, name, 'platform_admin' as role from organizations order by name, id",
                &[],
            )
            .await?
    } else {
        tx.client()
            .query(
                "select o.id, o.name, ou.role from organizations o
                 join org_users ou on ou.org_id = o.id and ou.user_id = $1
                 order by o.name, o.id",
                &[&user.as_uuid()],
            )
            .await?
    };
    all(&rows)
}

/// An org this user already created under this name (case-insensitive), so that a repeated
/// onboarding request returns it instead of creating a twin.
pub async fn find_created_org(
    tx: &ServiceTx,
    creator: UserId,
    name: &str,
) -> Result<Option<Org>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select o.id, o.name, o.created_at from organizations o
             join org_users ou on ou.org_id = o.id and ou.user_id = $1
             where o.created_by = $1 and lower(o.name) = lower($2)
             order by o.created_at limit 1",
            &[&creator.as_uuid(), &name],
        )
        .await?;
    optional(row)
}

/// Creates an org with `creator` as its first org admin. Service path: nobody is a member yet, so no
/// member policy could allow it.
pub async fn create_org(tx: &ServiceTx, creator: UserId, name: &str) -> Result<Org, StoreError> {
    let org = insert_org(tx, creator, name).await?;
    add_member(tx, org.id, creator, OrgRole::OrgAdmin).await?;
    Ok(org)
}

/// Creates an org without members (a platform admin's, whose first admin joins by invite).
pub async fn insert_org(tx: &ServiceTx, created_by: UserId, name: &str) -> Result<Org, StoreError> {
    let row = tx
        .client()
        .query_one(
            "insert into organizations (name, created_by) values ($1, $2) returning id, name, created_at",
            &[&name, &created_by.as_uuid()],
        )
        .await?;
    Org::from_row(&row)
}

pub async fn get_org(tx: &Tx, org: OrgId) -> Result<Option<Org>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select id, name, created_at from organizations where id = $1",
            &[&org.as_uuid()],
        )
        .await?;
    optional(row)
}

/// Adds a member; an existing membership is kept as it is (so replays change nothing).
pub async fn add_member(
    tx: &ServiceTx,
    org: OrgId,
    user: UserId,
    role: OrgRole,
) -> Result<OrgRole, StoreError> {
    tx.client()
        .execute(
            "insert into org_users (org_id, user_id, role) values ($1, $2, $3) on conflict (org_id, user_id) do nothing",
            &[&org.as_uuid(), &user.as_uuid(), &role.as_str()],
        )
        .await?;
    let row = tx
        .client()
        .query_one(
            "select role from org_users where org_id = $1 and user_id = $2",
            &[&org.as_uuid(), &user.as_uuid()],
        )
        .await?;
    parse(&row, "role")
}
