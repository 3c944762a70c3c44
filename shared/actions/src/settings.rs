//! Changing an org's settings (org admins, and platform admins): validated, written in the
//! caller's own RLS transaction (the `organizations_update` policy allows exactly them) and
//! audited as `org.settings_updated` with the new values — for the API's `PATCH` and the
//! settings page alike.

use domain::{
    BusinessHours, OrgName, ShortAbandonSeconds, SlaPercent, SlaSeconds, TimeZone,
    UnknownAfterMinutes,
};
use serde_json::json;
use store::org_settings::{self, OrgSettings, SettingsChange};
use web::{ApiError, OrgScope};

/// The settings to change; a field left `None` keeps its value. Every value but the name is
/// parsed already; `business_hours: Some(None)` clears the hours.
#[derive(Default)]
pub struct SettingsEdit {
    /// As sent: 1 to 120 printable characters once trimmed (422 `invalid_org_name`).
    pub name: Option<String>,
    pub time_zone: Option<TimeZone>,
    pub sla_target_percent: Option<SlaPercent>,
    pub sla_target_seconds: Option<SlaSeconds>,
    pub short_abandon_seconds: Option<ShortAbandonSeconds>,
    pub business_hours: Option<Option<BusinessHours>>,
    pub agents_see_own_calls_only: Option<bool>,
    pub live_status_unknown_after_minutes: Option<UnknownAfterMinutes>,
}

impl SettingsEdit {
    fn into_change(self) -> Result<SettingsChange, ApiError> {
        let name = self
            .name
            .map(|raw| OrgName::parse(&raw))
            .transpose()
            .map_err(|e| ApiError::Unprocessable {
                code: "invalid_org_name",
                message: e.0,
            })?;
        Ok(SettingsChange {
            name,
            time_zone: self.time_zone,
            sla_target_percent: self.sla_target_percent,
            sla_target_seconds: self.sla_target_seconds,
            short_abandon_seconds: self.short_abandon_seconds,
            business_hours: self.business_hours,
            agents_see_own_calls_only: self.agents_see_own_calls_only,
            live_status_unknown_after_minutes: self.live_status_unknown_after_minutes,
        })
    }
}

/// Applies `edit` in `scope` (an org admin's, opened with `Need::Admin { write: true }`; 400
/// `nothing_to_change` when it changes no field): all of the settings after the change.
pub async fn update(scope: OrgScope, edit: SettingsEdit) -> Result<OrgSettings, ApiError> {
    let change = edit.into_change()?;
    let changes = serde_json::to_value(&change).map_err(ApiError::internal)?;
    if changes.as_object().is_none_or(|fields| fields.is_empty()) {
        return Err(ApiError::BadRequest {
            code: "nothing_to_change",
            message: "send at least one setting to change".into(),
        });
    }
    let settings = org_settings::update_settings(scope.tx(), scope.org, &change)
        .await?
        .ok_or(ApiError::NotFound("organization"))?;
    scope
        .audit(
            "org.settings_updated",
            Some(&scope.org.to_string()),
            json!({ "changes": changes }),
        )
        .await?;
    scope.commit().await?;
    Ok(settings)
}
