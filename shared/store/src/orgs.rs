use chrono::{DateTime, Utc};
use domain::{OrgId, OrgRole, UserId};
use serde::Serialize;

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

/// The caller's organisations; a platform admin sees every org (RLS lets them) with that role.
pub async fn orgs_for_user(
    tx: &Tx,
    user: UserId,
    platform_admin: bool,
) -> Result<Vec<OrgWithRole>, StoreError> {
    let rows = if platform_admin {
        tx.client()
            .query(
                "select id, name, 'platform_admin' from organizations order by name, id",
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
    Ok(rows
        .iter()
        .map(|r| OrgWithRole {
            id: OrgId::new(r.get(0)),
            name: r.get(1),
            role: r.get(2),
        })
        .collect())
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
    Ok(row.map(|r| Org {
        id: OrgId::new(r.get(0)),
        name: r.get(1),
        created_at: r.get(2),
    }))
}

/// Creates an org with `creator` as its first org admin. Service path: nobody is a member yet, so no
/// member policy could allow it.
pub async fn create_org(tx: &ServiceTx, creator: UserId, name: &str) -> Result<Org, StoreError> {
    let row = tx
        .client()
        .query_one(
            "insert into organizations (name, created_by) values ($1, $2) returning id, name, created_at",
            &[&name, &creator.as_uuid()],
        )
        .await?;
    let org = Org {
        id: OrgId::new(row.get(0)),
        name: row.get(1),
        created_at: row.get(2),
    };
    add_member(tx, org.id, creator, OrgRole::OrgAdmin).await?;
    Ok(org)
}

pub async fn get_org(tx: &Tx, org: OrgId) -> Result<Option<Org>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select id, name, created_at from organizations where id = $1",
            &[&org.as_uuid()],
        )
        .await?;
    Ok(row.map(|r| Org {
        id: OrgId::new(r.get(0)),
        name: r.get(1),
        created_at: r.get(2),
    }))
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
    row.get::<_, String>(0)
        .parse()
        .map_err(|_| StoreError::Query("org_users.role holds an unknown role".into()))
}
