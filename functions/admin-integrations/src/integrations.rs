use actions::integrations::{self, NewCredentials};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{IntegrationHost, Provider, SyncInterval};
use serde::{Deserialize, Serialize};
use store::integrations::{self as store_integrations, IntegrationView};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use web::{ApiError, ApiJson, ApiPath, ReadErrors, WholeNumber, WriteErrors};
use zeroize::Zeroizing;

use crate::AdminState;
use crate::admin_scope::OrgAdmin;
use crate::paths::{OrgPath, ProviderPath};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveIntegration {
    provider: Provider,
    credentials: CredentialsIn,
    #[serde(default)]
    metadata: MetadataIn,
    /// Check the credentials with one token request first (default true).
    #[serde(default = "verify_by_default")]
    #[schema(default = true)]
    verify: bool,
}

fn verify_by_default() -> bool {
    true
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CredentialsIn {
    /// 1 to 256 printable ASCII characters, as `mightycall::ApiKey::parse` accepts.
    #[schema(value_type = String, pattern = "^[!-~]{1,256}$")]
    api_key: Zeroizing<String>,
    #[schema(value_type = String, pattern = "^[!-~]{1,256}$")]
    user_key: Zeroizing<String>,
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct MetadataIn {
    host: Option<IntegrationHost>,
    /// At most 100 printable characters.
    #[schema(max_length = 100, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    label: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationsReply {
    integrations: Vec<IntegrationView>,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationReply {
    integration: Option<IntegrationView>,
}

/// The org's integrations: never the credentials or the token, only a hint of the api key.
#[utoipa::path(get, path = "/api/admin/orgs/{org_id}/integrations", operation_id = "list_integrations", tag = "admin",
    params(OrgPath), responses((status = 200, body = IntegrationsReply), ReadErrors))]
pub async fn list(OrgAdmin(scope): OrgAdmin) -> Result<Json<IntegrationsReply>, ApiError> {
    let integrations = store_integrations::list_integrations(scope.tx(), scope.org).await?;
    Ok(Json(IntegrationsReply { integrations }))
}

/// Checks the credentials with one token request (unless `"verify": false`), seals them, saves
/// them with the token, and audits the change: 201 when created, 200 when replaced. No transaction
/// is open while MightyCall answers: access is checked, then checked again in the transaction
/// that writes.
#[utoipa::path(post, path = "/api/admin/orgs/{org_id}/integrations", operation_id = "save_integration", tag = "admin",
    params(OrgPath), request_body = SaveIntegration,
    responses((status = 201, body = IntegrationReply), (status = 200, body = IntegrationReply),
        WriteErrors))]
pub async fn save(
    State(state): State<AdminState>,
    OrgAdmin(checked): OrgAdmin,
    ApiJson(body): ApiJson<SaveIntegration>,
) -> Result<(StatusCode, Json<IntegrationReply>), ApiError> {
    let saved = integrations::save(
        &state.core,
        &state.check,
        checked,
        NewCredentials {
            provider: body.provider,
            api_key: &body.credentials.api_key,
            user_key: &body.credentials.user_key,
            host: body.metadata.host,
            label: body.metadata.label.as_deref(),
            verify: body.verify,
        },
    )
    .await?;
    let status = if saved.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let integration = saved.integration;
    Ok((status, Json(IntegrationReply { integration })))
}

/// At least one of the two; `null` is not a value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSchedule {
    #[serde(default, deserialize_with = "web::present")]
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "web::present")]
    sync_interval_minutes: Option<WholeNumber>,
}

// Written out because utoipa's derive emits `min_properties` as `maxProperties`.
impl utoipa::PartialSchema for UpdateSchedule {
    fn schema() -> RefOr<Schema> {
        let interval = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(*SyncInterval::MINUTES.start()))
            .maximum(Some(*SyncInterval::MINUTES.end()))
            .description(Some(
                "Minutes between scheduled syncs: 15 to 10080 (one week).",
            ));
        ObjectBuilder::new()
            .property("enabled", ObjectBuilder::new().schema_type(Type::Boolean))
            .property("sync_interval_minutes", interval)
            .min_properties(Some(1))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl ToSchema for UpdateSchedule {}

/// Scheduled sync on/off and its interval.
#[utoipa::path(patch, path = "/api/admin/orgs/{org_id}/integrations/{provider}", operation_id = "update_integration", tag = "admin",
    params(OrgPath, ProviderPath), request_body = UpdateSchedule,
    responses((status = 200, body = IntegrationReply), WriteErrors))]
pub async fn update(
    OrgAdmin(scope): OrgAdmin,
    ApiPath(path): ApiPath<ProviderPath>,
    ApiJson(body): ApiJson<UpdateSchedule>,
) -> Result<Json<IntegrationReply>, ApiError> {
    let interval = body.sync_interval_minutes.map(|m| m.0);
    let integration =
        integrations::update_schedule(scope, path.provider, body.enabled, interval).await?;
    Ok(Json(IntegrationReply { integration }))
}

/// Removes the credentials (204).
#[utoipa::path(delete, path = "/api/admin/orgs/{org_id}/integrations/{provider}", operation_id = "remove_integration", tag = "admin",
    params(OrgPath, ProviderPath), responses((status = 204, description = "Removed"), WriteErrors))]
pub async fn remove(
    OrgAdmin(scope): OrgAdmin,
    ApiPath(path): ApiPath<ProviderPath>,
) -> Result<StatusCode, ApiError> {
    integrations::remove(scope, path.provider).await?;
    Ok(StatusCode::NO_CONTENT)
}
