//! Which orgs may use the platform's own MightyCall account: only those a platform admin bound to
//! it. Users may not write bindings (V12: through PostgREST they would skip the audit and the MFA
//! check), so the API writes them as `service_role` after checking the caller here as well; the
//! engine reads as the service.

use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use serde::Serialize;
use tokio_postgres::Row;

use crate::row::{FromRow, get, optional};
use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Binding {
    pub org_id: OrgId,
    pub bound_by: Option<UserId>,
    pub bound_at: DateTime<Utc>,
}

impl FromRow for Binding {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            org_id: OrgId::new(get(row, "org_id")?),
            bound_by: get::<Option<uuid::Uuid>>(row, "bound_by")?.map(UserId::new),
            bound_at: get(row, "bound_at")?,
        })
    }
}

/// Whether the transaction's caller, by its verified claims, is a platform admin.
async fn caller_is_platform_admin(tx: &Tx) -> Result<bool, StoreError> {
    let row = tx
        .client()
        .query_one("select private.is_platform_admin() as platform_admin", &[])
        .await?;
    get(&row, "platform_admin")
}

/// Binds `org`; `false` when it already was (the first binding is kept as it is).
/// [`StoreError::Denied`] unless the caller is a platform admin.
pub async fn bind(tx: &Tx, org: OrgId, by: UserId) -> Result<bool, StoreError> {
    if !caller_is_platform_admin(tx).await? {
        return Err(StoreError::Denied);
    }
    let inserted = tx
        .as_service_role(async {
            Ok(tx
                .client()
                .execute(
                    "insert into platform_account_bindings (org_id, bound_by) values ($1, $2)
                     on conflict (org_id) do nothing",
                    &[&org.as_uuid(), &by.as_uuid()],
                )
                .await?)
        })
        .await?;
    Ok(inserted == 1)
}

/// `false` when `org` was not bound or the caller is not a platform admin.
pub async fn unbind(tx: &Tx, org: OrgId) -> Result<bool, StoreError> {
    if !caller_is_platform_admin(tx).await? {
        return Ok(false);
    }
    let deleted = tx
        .as_service_role(async {
            Ok(tx
                .client()
                .execute(
                    "delete from platform_account_bindings where org_id = $1",
                    &[&org.as_uuid()],
                )
                .await?)
        })
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
    optional(row)
}

/// Which of `orgs` are bound, as the transaction's user may see (platform admins: all).
pub async fn bound_among(tx: &Tx, orgs: &[OrgId]) -> Result<Vec<OrgId>, StoreError> {
    let ids: Vec<uuid::Uuid> = orgs.iter().map(OrgId::as_uuid).collect();
    let rows = tx
        .client()
        .query(
            "select org_id from platform_account_bindings where org_id = any($1)",
            &[&ids],
        )
        .await?;
    rows.iter()
        .map(|row| get::<uuid::Uuid>(row, "org_id").map(OrgId::new))
        .collect()
}
