//! Every org at a glance, for platform admins: size, integration, last sync, recent calls. Runs in
//! the platform admin's own RLS transaction, which shows every org.

use chrono::{DateTime, Utc};
use domain::{OrgId, PageLimit};
use serde::Serialize;
use tokio_postgres::Row;

use crate::page::{Page, TimeKey};
use crate::row::{FromRow, all, get, parse};
use crate::{StoreError, Tx};

/// Whether an org has a MightyCall integration and whether it syncs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum IntegrationState {
    None,
    Enabled,
    Disabled,
}

impl std::str::FromStr for IntegrationState {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "none" => Ok(Self::None),
            "enabled" => Ok(Self::Enabled),
            "disabled" => Ok(Self::Disabled),
            _ => Err(()),
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrgSummary {
    pub id: OrgId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub member_count: i64,
    pub integration: IntegrationState,
    /// When the newest finished sync job finished; `null` before the first.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Calls on the last 30 UTC days and today.
    pub calls_last_30_days: i64,
}

impl FromRow for OrgSummary {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: OrgId::new(get(row, "id")?),
            name: get(row, "name")?,
            created_at: get(row, "created_at")?,
            member_count: get(row, "member_count")?,
            integration: parse(row, "integration")?,
            last_sync_at: get(row, "last_sync_at")?,
            calls_last_30_days: get(row, "calls_last_30_days")?,
        })
    }
}

/// A page of every org the transaction's user sees, newest first, after `after`.
pub async fn list_orgs(
    tx: &Tx,
    limit: PageLimit,
    after: Option<TimeKey>,
) -> Result<Page<OrgSummary, TimeKey>, StoreError> {
    let (after_time, after_id) = after.map_or((None, None), |k| (Some(k.at), Some(k.id)));
    let rows = tx
        .client()
        .query(
            "select o.id, o.name, o.created_at,
               (select count(*) from org_users ou where ou.org_id = o.id) as member_count,
               coalesce((select case when bool_or(i.enabled) then 'enabled' else 'disabled' end
                         from org_integrations i where i.org_id = o.id having count(*) > 0), 'none')
                 as integration,
               (select max(j.finished_at) from integration_sync_jobs j where j.org_id = o.id)
                 as last_sync_at,
               (select coalesce(sum(r.calls), 0)::bigint from call_rollups r
                where r.org_id = o.id and r.grain = 'day' and r.day >= current_date - 30)
                 as calls_last_30_days
             from organizations o
             where ($1::timestamptz is null or (o.created_at, o.id) < ($1, $2::uuid))
             order by o.created_at desc, o.id desc limit $3",
            &[&after_time, &after_id, &(limit.get() + 1)],
        )
        .await?;
    Ok(Page::from_overfetch(
        all(&rows)?,
        limit.get(),
        |o: &OrgSummary| TimeKey {
            at: o.created_at,
            id: o.id.as_uuid(),
        },
    ))
}
