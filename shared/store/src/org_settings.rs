//! An org's settings: the time zone its days are counted in, its service-level target and
//! abandonment threshold, business hours and agent scoping.

use domain::{OrgId, TimeZone};
use tokio_postgres::Row;

use crate::row::{FromRow, get, optional, parse};
use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct OrgSettings {
    pub name: String,
    pub time_zone: TimeZone,
    pub sla_target_percent: i16,
    pub sla_target_seconds: i32,
    pub short_abandon_seconds: i32,
    pub business_hours: Option<serde_json::Value>,
    pub agents_see_own_calls_only: bool,
}

impl FromRow for OrgSettings {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            name: get(row, "name")?,
            time_zone: parse(row, "time_zone")?,
            sla_target_percent: get(row, "sla_target_percent")?,
            sla_target_seconds: get(row, "sla_target_seconds")?,
            short_abandon_seconds: get(row, "short_abandon_seconds")?,
            business_hours: get(row, "business_hours")?,
            agents_see_own_calls_only: get(row, "agents_see_own_calls_only")?,
        })
    }
}

const COLUMNS: &str =
    "name, time_zone, sla_target_percent, sla_target_seconds, short_abandon_seconds,
    business_hours, agents_see_own_calls_only";

/// The settings of an org the transaction's user can see (`None` otherwise).
pub async fn get_settings(tx: &Tx, org: OrgId) -> Result<Option<OrgSettings>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            &format!("select {COLUMNS} from organizations where id = $1"),
            &[&org.as_uuid()],
        )
        .await?;
    optional(row)
}
