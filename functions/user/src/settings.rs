//! An org's settings: every member reads them, org admins (and platform admins) change them, in
//! their own RLS transaction (the `organizations_update` policy allows exactly them).

use axum::Json;
use axum::extract::State;
use domain::{
    BusinessHours, OrgId, ShortAbandonSeconds, SlaPercent, SlaSeconds, TimeZone,
    UnknownAfterMinutes,
};
use serde::Deserialize;
use store::org_settings::{self, OrgSettings, SettingsChange};
use utoipa::{IntoParams, ToSchema};
use web::{ApiError, ApiJson, ApiPath, Caller, Core, Need, OrgScope, ReadErrors, WriteErrors};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// The organisation.
    #[param(inline)]
    org_id: OrgId,
}

/// The settings to change: at least one field. A field left out keeps its value; no field takes
/// `null` except `business_hours`, which clears the hours.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// 1 to 120 printable characters (spaces around it are dropped).
    #[serde(default, deserialize_with = "web::present")]
    #[schema(
        nullable = false,
        max_length = 120,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    name: Option<String>,
    #[serde(default, deserialize_with = "web::present")]
    #[schema(nullable = false)]
    time_zone: Option<TimeZone>,
    #[serde(default, deserialize_with = "web::present")]
    #[schema(nullable = false)]
    sla_target_percent: Option<SlaPercent>,
    #[serde(default, deserialize_with = "web::present")]
    #[schema(nullable = false)]
    sla_target_seconds: Option<SlaSeconds>,
    #[serde(default, deserialize_with = "web::present")]
    #[schema(nullable = false)]
    short_abandon_seconds: Option<ShortAbandonSeconds>,
    #[serde(default, deserialize_with = "web::present")]
    #[schema(value_type = Option<BusinessHours>, nullable)]
    business_hours: Option<Option<BusinessHours>>,
    #[serde(default, deserialize_with = "web::present")]
    #[schema(nullable = false)]
    agents_see_own_calls_only: Option<bool>,
    #[serde(default, deserialize_with = "web::present")]
    #[schema(nullable = false)]
    live_status_unknown_after_minutes: Option<UnknownAfterMinutes>,
}

impl SettingsPatch {
    /// The change but the name, which the action parses.
    fn into_change(self) -> (Option<String>, SettingsChange) {
        let change = SettingsChange {
            name: None,
            time_zone: self.time_zone,
            sla_target_percent: self.sla_target_percent,
            sla_target_seconds: self.sla_target_seconds,
            short_abandon_seconds: self.short_abandon_seconds,
            business_hours: self.business_hours,
            agents_see_own_calls_only: self.agents_see_own_calls_only,
            live_status_unknown_after_minutes: self.live_status_unknown_after_minutes,
        };
        (self.name, change)
    }
}

/// The org's settings; any member (and platform admins).
#[utoipa::path(get, path = "/api/orgs/{org_id}/settings", operation_id = "get_org_settings", tag = "user",
    params(OrgPath), responses((status = 200, body = OrgSettings), ReadErrors))]
pub async fn get(
    State(core): State<Core>,
    caller: Caller,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<Json<OrgSettings>, ApiError> {
    let scope = OrgScope::open(&core, caller, Some(path.org_id), Need::Member).await?;
    let settings = org_settings::get_settings(scope.tx(), scope.org)
        .await?
        .ok_or(ApiError::NotFound("organization"))?;
    Ok(Json(settings))
}

/// Changes some of the org's settings (org admins): the reply is all of them after the change;
/// audited as `org.settings_updated` with the new values.
#[utoipa::path(patch, path = "/api/orgs/{org_id}/settings", operation_id = "update_org_settings", tag = "user",
    params(OrgPath), request_body = SettingsPatch,
    responses((status = 200, body = OrgSettings), WriteErrors))]
pub async fn update(
    State(core): State<Core>,
    caller: Caller,
    ApiPath(path): ApiPath<OrgPath>,
    ApiJson(body): ApiJson<SettingsPatch>,
) -> Result<Json<OrgSettings>, ApiError> {
    let need = Need::Admin { write: true };
    let scope = OrgScope::open(&core, caller, Some(path.org_id), need).await?;
    let (name, change) = body.into_change();
    let settings = actions::settings::update(scope, name.as_deref(), change).await?;
    Ok(Json(settings))
}
