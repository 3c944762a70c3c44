//! Changing an org's settings (org admins, and platform admins): validated, written in the
//! caller's own RLS transaction (the `organizations_update` policy allows exactly them) and
//! audited as `org.settings_updated` with the new values — for the API's `PATCH` and the
//! settings page alike.

use domain::OrgName;
use serde_json::json;
use store::org_settings::{self, OrgSettings, SettingsChange};
use web::{ApiError, OrgScope};

/// Applies `change` in `scope` (an org admin's, opened with `Need::Admin { write: true }`), with
/// `name` as sent (1 to 120 printable characters once trimmed, 422 `invalid_org_name`) in place of
/// its name; 400 `nothing_to_change` when it changes no field. All of the settings after it.
pub async fn update(
    scope: OrgScope,
    name: Option<&str>,
    mut change: SettingsChange,
) -> Result<OrgSettings, ApiError> {
    change.name = name
        .map(OrgName::parse)
        .transpose()
        .map_err(|e| ApiError::Unprocessable {
            code: "invalid_org_name",
            message: e.0,
        })?;
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
