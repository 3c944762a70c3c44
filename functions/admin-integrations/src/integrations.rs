use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use domain::{OrgId, UserId};
use mightycall::{
    BaseUrl, ClientConfig, Credentials, KeyFingerprint, MightyCallClient, MightyCallError,
    MightyCallHost,
};
use serde::Deserialize;
use serde_json::{Value, json};
use store::integrations::{self as store_integrations, IntegrationWrite};
use store::usage;
use sync_engine::StoreLedger;
use web::{ApiError, ApiJson, ApiPath, CurrentUser, RequestId};
use zeroize::Zeroizing;

use crate::AdminState;
use crate::audit_log::record;
use crate::guard::{Intent, org_admin_tx};

/// Providers an org can connect. The path and body only accept these names.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Mightycall,
}

impl Provider {
    fn as_str(self) -> &'static str {
        match self {
            Self::Mightycall => "mightycall",
        }
    }
}

#[derive(Deserialize)]
pub struct OrgPath {
    org_id: OrgId,
}

impl OrgPath {
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }
}

#[derive(Deserialize)]
pub struct ProviderPath {
    org_id: OrgId,
    provider: Provider,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveIntegration {
    provider: Provider,
    credentials: CredentialsIn,
    #[serde(default)]
    metadata: MetadataIn,
    #[serde(default = "verify_by_default")]
    verify: bool,
}

fn verify_by_default() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsIn {
    api_key: Zeroizing<String>,
    user_key: Zeroizing<String>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetadataIn {
    host: Option<HostChoice>,
    label: Option<String>,
}

/// Orgs choose one of MightyCall's two API hosts, never a URL.
#[derive(Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum HostChoice {
    #[default]
    Api,
    Ccapi,
}

impl HostChoice {
    fn host(self) -> MightyCallHost {
        match self {
            Self::Api => MightyCallHost::Api,
            Self::Ccapi => MightyCallHost::Ccapi,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Ccapi => "ccapi",
        }
    }
}

/// `GET /api/admin/orgs/{orgId}/integrations`
pub async fn list(
    State(state): State<AdminState>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<Json<Value>, ApiError> {
    let tx = org_admin_tx(&state, &user, path.org_id, Intent::Read).await?;
    let integrations = store_integrations::list_integrations(&tx, path.org_id).await?;
    Ok(Json(json!({ "integrations": integrations })))
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

/// `POST /api/admin/orgs/{orgId}/integrations`: checks the credentials with one token request
/// (unless `"verify": false`), seals them, saves them with the token, and audits the change.
/// No transaction is open while MightyCall answers: access is checked, then checked again in the
/// transaction that writes.
pub async fn save(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
    ApiJson(body): ApiJson<SaveIntegration>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let org = path.org_id;
    org_admin_tx(&state, &user, org, Intent::Write)
        .await?
        .commit()
        .await?;
    let label = body
        .metadata
        .label
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty());
    if label
        .as_ref()
        .is_some_and(|l| l.chars().count() > 100 || l.chars().any(char::is_control))
    {
        return Err(invalid(
            "invalid_label",
            "metadata.label must be at most 100 printable characters",
        ));
    }
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
    count_save(&state, org, user.user_id, checked_key.as_ref()).await?;
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
    let tx = org_admin_tx(&state, &user, org, Intent::Write).await?;
    let inserted = store_integrations::save_integration(
        &tx,
        &IntegrationWrite {
            org,
            provider,
            credentials_ciphertext: &sealed,
            credentials_key_id: &key_id,
            api_key_hint: &hint,
            metadata: json!({ "host": host.as_str(), "label": label }),
            token_cache_ciphertext: sealed_token.as_deref(),
            token_expires_at: token.as_ref().map(|t| t.expires_at()),
            created_by: user.user_id,
        },
    )
    .await?;
    record(
        &tx,
        org,
        user.user_id,
        "integration.saved",
        provider,
        json!({ "provider": provider, "host": host.as_str(), "verified": body.verify, "created": inserted }),
        &request_id,
    )
    .await?;
    let view = store_integrations::get_integration(&tx, org, provider).await?;
    tx.commit().await?;
    let status = if inserted {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "integration": view }))))
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
    host: HostChoice,
    credentials: Credentials,
) -> Result<mightycall::CachedToken, ApiError> {
    let base = BaseUrl::resolve(host.host(), state.mightycall_base_override.as_deref())
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSchedule {
    enabled: Option<bool>,
    sync_interval_minutes: Option<i32>,
}

/// `PATCH /api/admin/orgs/{orgId}/integrations/{provider}`: scheduled sync on/off and its interval.
pub async fn update(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<ProviderPath>,
    ApiJson(body): ApiJson<UpdateSchedule>,
) -> Result<Json<Value>, ApiError> {
    if body.enabled.is_none() && body.sync_interval_minutes.is_none() {
        return Err(invalid(
            "nothing_to_change",
            "send enabled and/or sync_interval_minutes",
        ));
    }
    if body
        .sync_interval_minutes
        .is_some_and(|m| !(15..=10080).contains(&m))
    {
        return Err(invalid(
            "invalid_interval",
            "sync_interval_minutes must be between 15 and 10080 (one week)",
        ));
    }
    let tx = org_admin_tx(&state, &user, path.org_id, Intent::Write).await?;
    let provider = path.provider.as_str();
    if !store_integrations::update_schedule(
        &tx,
        path.org_id,
        provider,
        body.enabled,
        body.sync_interval_minutes,
    )
    .await?
    {
        return Err(ApiError::NotFound("integration"));
    }
    record(
        &tx,
        path.org_id,
        user.user_id,
        "integration.schedule_changed",
        provider,
        json!({ "enabled": body.enabled, "sync_interval_minutes": body.sync_interval_minutes }),
        &request_id,
    )
    .await?;
    let view = store_integrations::get_integration(&tx, path.org_id, provider).await?;
    tx.commit().await?;
    Ok(Json(json!({ "integration": view })))
}

/// `DELETE /api/admin/orgs/{orgId}/integrations/{provider}`: removes the credentials (204).
pub async fn remove(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<ProviderPath>,
) -> Result<StatusCode, ApiError> {
    let tx = org_admin_tx(&state, &user, path.org_id, Intent::Write).await?;
    let provider = path.provider.as_str();
    if !store_integrations::delete_integration(&tx, path.org_id, provider).await? {
        return Err(ApiError::NotFound("integration"));
    }
    record(
        &tx,
        path.org_id,
        user.user_id,
        "integration.deleted",
        provider,
        json!({ "provider": provider }),
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
