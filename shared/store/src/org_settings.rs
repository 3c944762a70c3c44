//! An org's settings: the time zone its days are counted in, its service-level target and
//! abandonment threshold, business hours, agent scoping and when live status stops trusting silence.

use domain::{
    BusinessHours, OrgId, OrgName, ShortAbandonSeconds, SlaPercent, SlaSeconds, TimeZone,
    UnknownAfterMinutes,
};
use serde::Serialize;
use tokio_postgres::Row;

use crate::row::{FromRow, get, optional, parse};
use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrgSettings {
    pub org_id: OrgId,
    pub name: String,
    pub time_zone: TimeZone,
    pub sla_target_percent: SlaPercent,
    pub sla_target_seconds: SlaSeconds,
    pub short_abandon_seconds: ShortAbandonSeconds,
    /// `null` when the org has not set any.
    pub business_hours: Option<BusinessHours>,
    pub agents_see_own_calls_only: bool,
    pub live_status_unknown_after_minutes: UnknownAfterMinutes,
}

/// A value the database holds outside the API's bounds (written past the API, or by a later
/// migration) is an unknown value, not a silent clamp.
fn bounded<T>(
    value: i64,
    column: &'static str,
    new: fn(i64) -> Result<T, domain::ParseError>,
) -> Result<T, StoreError> {
    new(value).map_err(|_| StoreError::UnknownValue(column))
}

impl FromRow for OrgSettings {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let business_hours = get::<Option<serde_json::Value>>(row, "business_hours")?
            .map(serde_json::from_value)
            .transpose()
            .map_err(|_| StoreError::UnknownValue("business_hours"))?;
        Ok(Self {
            org_id: OrgId::new(get(row, "id")?),
            name: get(row, "name")?,
            time_zone: parse(row, "time_zone")?,
            sla_target_percent: bounded(
                get::<i16>(row, "sla_target_percent")?.into(),
                "sla_target_percent",
                SlaPercent::new,
            )?,
            sla_target_seconds: bounded(
                get::<i32>(row, "sla_target_seconds")?.into(),
                "sla_target_seconds",
                SlaSeconds::new,
            )?,
            short_abandon_seconds: bounded(
                get::<i32>(row, "short_abandon_seconds")?.into(),
                "short_abandon_seconds",
                ShortAbandonSeconds::new,
            )?,
            business_hours,
            agents_see_own_calls_only: get(row, "agents_see_own_calls_only")?,
            live_status_unknown_after_minutes: bounded(
                get::<i32>(row, "live_status_unknown_after_minutes")?.into(),
                "live_status_unknown_after_minutes",
                UnknownAfterMinutes::new,
            )?,
        })
    }
}

const COLUMNS: &str =
    "id, name, time_zone, sla_target_percent, sla_target_seconds, short_abandon_seconds,
    business_hours, agents_see_own_calls_only, live_status_unknown_after_minutes";

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

/// The settings to change; `None` keeps a value. `business_hours: Some(None)` clears the hours.
/// Serialises as the changed fields and their new values (for the audit log).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SettingsChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<OrgName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_target_percent: Option<SlaPercent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_target_seconds: Option<SlaSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_abandon_seconds: Option<ShortAbandonSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<Option<BusinessHours>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents_see_own_calls_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live_status_unknown_after_minutes: Option<UnknownAfterMinutes>,
}

/// Applies `change` to an org the transaction's user may update (RLS: its org admins and platform
/// admins) and returns the settings after it; `None` when RLS shows or lets them change no such org.
pub async fn update_settings(
    tx: &Tx,
    org: OrgId,
    change: &SettingsChange,
) -> Result<Option<OrgSettings>, StoreError> {
    let business_hours = match &change.business_hours {
        Some(Some(hours)) => Some(
            serde_json::to_value(hours).map_err(|_| StoreError::UnknownValue("business_hours"))?,
        ),
        _ => None,
    };
    let row = tx
        .client()
        .query_opt(
            &format!(
                "update organizations set
                   name = coalesce($2, name),
                   time_zone = coalesce($3, time_zone),
                   sla_target_percent = coalesce($4, sla_target_percent),
                   sla_target_seconds = coalesce($5, sla_target_seconds),
                   short_abandon_seconds = coalesce($6, short_abandon_seconds),
                   business_hours = case when $7 then $8 else business_hours end,
                   agents_see_own_calls_only = coalesce($9, agents_see_own_calls_only),
                   live_status_unknown_after_minutes = coalesce($10, live_status_unknown_after_minutes)
                 where id = $1
                 returning {COLUMNS}"
            ),
            &[
                &org.as_uuid(),
                &change.name.as_ref().map(OrgName::as_str),
                &change.time_zone.map(TimeZone::name),
                &change.sla_target_percent.map(SlaPercent::get),
                &change.sla_target_seconds.map(SlaSeconds::get),
                &change.short_abandon_seconds.map(ShortAbandonSeconds::get),
                &change.business_hours.is_some(),
                &business_hours,
                &change.agents_see_own_calls_only,
                &change
                    .live_status_unknown_after_minutes
                    .map(UnknownAfterMinutes::get),
            ],
        )
        .await?;
    optional(row)
}
