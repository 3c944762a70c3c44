//! Which orgs may use the platform's own MightyCall account: only those a platform admin bound to
//! it. Writes run as the platform admin (RLS admits no one else); the engine reads as the service.

use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use serde::Serialize;

use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize)]
pub struct Binding {
    pub org_id: OrgId,
    pub bound_by: Option<UserId>,
    pub bound_at: DateTime<Utc>,
}

/// Binds `org`; `false` when it already was (the first binding is kept as it is).
pub async fn bind(tx: &Tx, org: OrgId, by: UserId) -> Result<bool, StoreError> {
    let inserted = tx
        .client()
        .execute(
            "insert into platform_account_bindings (org_id, bound_by) values ($1, $2)
             on conflict (org_id) do nothing",
            &[&org.as_uuid(), &by.as_uuid()],
        )
        .await?;
    Ok(inserted == 1)
}

/// `false` when `org` was not bound.
pub async fn unbind(tx: &Tx, org: OrgId) -> Result<bool, StoreError> {
    let deleted = tx
        .client()
        .execute(
            "delete from platform_account_bindings where org_id = $1",
            &[&org.as_uuid()],
        )
        .await?;
    Ok(deleted == 1)
}

pub async fn binding(tx: &Tx, org: OrgId) -> Result<Option<Binding>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select org_id, bound_by, bound_at from platform_account_bindings where org_id = $1",
            &[&org.as_uuid()],
        )
        .await?;
    Ok(row.map(|r| Binding {
        org_id: OrgId::new(r.get(0)),
        bound_by: r.get::<_, Option<uuid::Uuid>>(1).map(UserId::new),
        bound_at: r.get(2),
    }))
}
