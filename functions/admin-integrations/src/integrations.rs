use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{IntegrationHost, Label, OrgId, Provider, SyncInterval, UserId};
use mightycall::{
    BaseUrl, ClientConfig, Credentials, KeyFingerprint, MightyCallClient, MightyCallError,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::integrations::{self as store_integrations, IntegrationView, IntegrationWrite};
use store::usage;
use sync_engine::StoreLedger;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use web::{
    ApiError, ApiJson, ApiPath, Caller, Need, OrgScope, ReadErrors, WholeNumber, WriteErrors,
};
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

fn invalid(code: &'static str, message: &str) -> ApiError {
    ApiError::Unprocessable {
        code,
        message: message.to_owned(),
    }
}

/// Saves per org, and per user, per window: each verified save spends a token request of the key's
/// quota, and anyone can create orgs.
const SAVES_PER_WINDOW: u32 = 5;
const SAVES_PER_USER_PER_WINDOW: u32 = 10;
const SAVE_WINDOW_MINUTES: i32 = 10;

/// Credential checks per api key and UTC day, whichever orgs ask. Each spends a request of the key's
/// daily budget, shared with its syncs, and MightyCall shows the api key in webhook payloads: with
/// junk user keys from orgs of their own, someone who learnt it could otherwise spend its owner's
/// budget and stop their syncs. 20 leaves an owner room to retry and costs them under 1%.
const CHECKS_PER_KEY_PER_DAY: u32 = 20;

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
    caller: Caller,
    OrgAdmin(checked): OrgAdmin,
    ApiJson(body): ApiJson<SaveIntegration>,
) -> Result<(StatusCode, Json<IntegrationReply>), ApiError> {
    let org = checked.org;
    let user = checked.user_id();
    checked.commit().await?;
    let label = match body.metadata.label.as_deref() {
        Some(raw) => Label::parse(raw).map_err(|e| invalid("invalid_label", &e.0))?,
        None => None,
    };
    let host = body.metadata.host.unwrap_or_default();
    let credentials = Credentials {
        api_key: mightycall::ApiKey::parse(&body.credentials.api_key).map_err(|_| {
            invalid(
                "invalid_credentials",
                "credentials.api_key is not a MightyCall api key",
            )
        })?,
        user_key: mightycall::UserKey::parse(&body.credentials.user_key).map_err(|_| {
            invalid(
                "invalid_credentials",
                "credentials.user_key is not a MightyCall user key",
            )
        })?,
    };
    let checked_key = body.verify.then(|| credentials.api_key.fingerprint());
    count_save(&state, org, user, checked_key.as_ref()).await?;
    let token = if body.verify {
        Some(verify_credentials(&state, host, credentials).await?)
    } else {
        None
    };

    let secrets = state
        .core
        .auth
        .secrets
        .current()
        .await
        .map_err(ApiError::internal)?;
    let vault = vault::Vault::new(secrets.keyring().map_err(ApiError::internal)?);
    let provider = body.provider.as_str();
    let internal = |e: vault::VaultError| ApiError::internal(e);
    let sealed = vault
        .seal_credentials(
            org,
            provider,
            &body.credentials.api_key,
            &body.credentials.user_key,
        )
        .map_err(internal)?;
    let sealed_token = token
        .as_ref()
        .map(|t| vault.seal_token(org, provider, t))
        .transpose()
        .map_err(internal)?;
    let key_id = vault.active_key_id().to_owned();
    let hint: String = {
        let chars: Vec<char> = body.credentials.api_key.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    let scope = OrgScope::open(&state.core, caller, Some(org), Need::Admin { write: true }).await?;
    let inserted = store_integrations::save_integration(
        scope.tx(),
        &IntegrationWrite {
            org,
            provider,
            credentials_ciphertext: &sealed,
            credentials_key_id: &key_id,
            api_key_hint: &hint,
            metadata: json!({ "host": host.as_str(), "label": label }),
            token_cache_ciphertext: sealed_token.as_deref(),
            token_expires_at: token.as_ref().map(|t| t.expires_at()),
            created_by: user,
        },
    )
    .await?;
    scope
        .audit(
            "integration.saved",
            Some(provider),
            json!({ "provider": provider, "host": host.as_str(), "verified": body.verify, "created": inserted }),
        )
        .await?;
    let integration = store_integrations::get_integration(scope.tx(), org, provider).await?;
    scope.commit().await?;
    let status = if inserted {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(IntegrationReply { integration })))
}

/// Counts the save against the org's and the user's limits and, when the credentials are to be
/// checked, the check against the key's: all or nothing, committed at once so concurrent saves see
/// it, and before the check reserves anything of the key's budget.
async fn count_save(
    state: &AdminState,
    org: OrgId,
    user: UserId,
    checked_key: Option<&KeyFingerprint>,
) -> Result<(), ApiError> {
    let too_many_saves = || ApiError::TooManyRequests {
        code: "too_many_saves",
        message: format!(
            "at most {SAVES_PER_WINDOW} integration saves per org and {SAVES_PER_USER_PER_WINDOW} per user in {SAVE_WINDOW_MINUTES} minutes; try again later"
        ),
    };
    // Dropping `tx` on a refusal rolls back what it counted.
    let tx = state.core.db.as_service().await?;
    if !usage::count_integration_save(&tx, org, SAVES_PER_WINDOW, SAVE_WINDOW_MINUTES).await? {
        return Err(too_many_saves());
    }
    if !usage::count_user_integration_save(
        &tx,
        user,
        SAVES_PER_USER_PER_WINDOW,
        SAVE_WINDOW_MINUTES,
    )
    .await?
    {
        return Err(too_many_saves());
    }
    if let Some(key) = checked_key
        && !usage::count_credential_check(&tx, key.as_str(), CHECKS_PER_KEY_PER_DAY).await?
    {
        return Err(ApiError::TooManyRequests {
            code: "too_many_credential_checks",
            message: format!(
                "this MightyCall api key was checked {CHECKS_PER_KEY_PER_DAY} times today (UTC); try again tomorrow or save without verification"
            ),
        });
    }
    tx.commit().await?;
    Ok(())
}

/// One token request, reserved from the api key's daily budget like every sync request.
async fn verify_credentials(
    state: &AdminState,
    host: IntegrationHost,
    credentials: Credentials,
) -> Result<mightycall::CachedToken, ApiError> {
    let base = BaseUrl::resolve(
        sync_engine::mightycall_host(host),
        state.mightycall_base_override.as_deref(),
    )
    .map_err(ApiError::internal)?;
    let mut config = ClientConfig::new(credentials, base);
    // One attempt: an admin is waiting, and a token request costs quota.
    config.retry.max_retries = 0;
    config.budget = Some(StoreLedger::budget(
        state.core.db.clone(),
        state.daily_request_budget,
    ));
    let client = MightyCallClient::new(config, None).map_err(ApiError::internal)?;
    match client.authenticate().await {
        Ok(()) => client
            .token_snapshot()
            .ok_or_else(|| ApiError::internal("MightyCall returned no token")),
        Err(MightyCallError::Unauthorized { .. } | MightyCallError::BadRequest { .. }) => {
            Err(invalid(
                "invalid_credentials",
                "MightyCall rejected these credentials",
            ))
        }
        Err(MightyCallError::QuotaExhausted { limit, .. }) => Err(ApiError::TooManyRequests {
            code: "mightycall_budget_spent",
            message: format!(
                "this MightyCall api key has used its {limit} requests for today (UTC); save again tomorrow or without verification"
            ),
        }),
        Err(MightyCallError::BudgetUnavailable { reason }) => {
            tracing::warn!(%reason, "request budget unavailable while verifying credentials");
            Err(ApiError::Unavailable("the database"))
        }
        Err(e) => {
            tracing::warn!(error = %e, "MightyCall unreachable while verifying credentials");
            Err(ApiError::Unavailable("MightyCall"))
        }
    }
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
    if body.enabled.is_none() && body.sync_interval_minutes.is_none() {
        return Err(invalid(
            "nothing_to_change",
            "send enabled and/or sync_interval_minutes",
        ));
    }
    let interval = body
        .sync_interval_minutes
        .map(|m| SyncInterval::minutes(m.0))
        .transpose()
        .map_err(|e| invalid("invalid_interval", &e.0))?;
    let provider = path.provider.as_str();
    if !store_integrations::update_schedule(scope.tx(), scope.org, provider, body.enabled, interval)
        .await?
    {
        return Err(ApiError::NotFound("integration"));
    }
    scope
        .audit(
            "integration.schedule_changed",
            Some(provider),
            json!({ "enabled": body.enabled, "sync_interval_minutes": interval }),
        )
        .await?;
    let integration = store_integrations::get_integration(scope.tx(), scope.org, provider).await?;
    scope.commit().await?;
    Ok(Json(IntegrationReply { integration }))
}

/// Removes the credentials (204).
#[utoipa::path(delete, path = "/api/admin/orgs/{org_id}/integrations/{provider}", operation_id = "remove_integration", tag = "admin",
    params(OrgPath, ProviderPath), responses((status = 204, description = "Removed"), WriteErrors))]
pub async fn remove(
    OrgAdmin(scope): OrgAdmin,
    ApiPath(path): ApiPath<ProviderPath>,
) -> Result<StatusCode, ApiError> {
    let provider = path.provider.as_str();
    if !store_integrations::delete_integration(scope.tx(), scope.org, provider).await? {
        return Err(ApiError::NotFound("integration"));
    }
    scope
        .audit(
            "integration.deleted",
            Some(provider),
            json!({ "provider": provider }),
        )
        .await?;
    scope.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
