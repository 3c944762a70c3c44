//! An org admin connects the org's MightyCall account: saves its credentials (checked with one
//! token request first, sealed with the active key; only a hint of the api key is ever shown
//! again), sets the sync schedule, removes them, and generates the webhook token — for the API's
//! routes and the integration page alike. Each change is audited; no secret goes into the log.

use domain::{IntegrationHost, Label, OrgId, Provider, SyncInterval, UserId, WebhookToken};
use mightycall::{
    BaseUrl, ClientConfig, Credentials, KeyFingerprint, MightyCallClient, MightyCallError,
};
use serde_json::json;
use store::integrations::{self as store_integrations, IntegrationView, IntegrationWrite};
use store::{usage, webhooks};
use sync_engine::StoreLedger;
use web::{ApiError, Core, Need, OrgScope};

/// Where credentials are checked, and the budget the check's token request is reserved from.
#[derive(Clone, Debug)]
pub struct CredentialCheck {
    /// `MIGHTYCALL_BASE_URL`: a deployment-wide override (the fake locally); orgs only pick a host.
    pub base_override: Option<String>,
    /// `MIGHTYCALL_DAILY_REQUEST_BUDGET`: the api key's daily budget, shared with the sync engine.
    pub daily_request_budget: u32,
}

/// Credentials to save, as sent.
pub struct NewCredentials<'a> {
    pub provider: Provider,
    pub api_key: &'a str,
    pub user_key: &'a str,
    /// The classic host when absent.
    pub host: Option<IntegrationHost>,
    /// At most 100 printable characters; blank is none.
    pub label: Option<&'a str>,
    /// Check the credentials with one token request first.
    pub verify: bool,
}

/// The saved integration as everyone may see it, and whether it was created (or replaced).
pub struct Saved {
    pub integration: Option<IntegrationView>,
    pub created: bool,
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

/// Checks the credentials with one token request (unless `verify` is off), seals them, saves them
/// with the token, and audits the change (`integration.saved`). No transaction is open while
/// MightyCall answers: `checked` (an org admin's write scope) is ended at once, and access is
/// checked again in the transaction that writes.
pub async fn save(
    core: &Core,
    check: &CredentialCheck,
    checked: OrgScope,
    new: NewCredentials<'_>,
) -> Result<Saved, ApiError> {
    let (org, user, caller) = (checked.org, checked.user_id(), checked.caller().clone());
    checked.commit().await?;
    let label = match new.label {
        Some(raw) => Label::parse(raw).map_err(|e| invalid("invalid_label", &e.0))?,
        None => None,
    };
    let host = new.host.unwrap_or_default();
    let credentials = Credentials {
        api_key: mightycall::ApiKey::parse(new.api_key).map_err(|_| {
            invalid(
                "invalid_credentials",
                "credentials.api_key is not a MightyCall api key",
            )
        })?,
        user_key: mightycall::UserKey::parse(new.user_key).map_err(|_| {
            invalid(
                "invalid_credentials",
                "credentials.user_key is not a MightyCall user key",
            )
        })?,
    };
    let checked_key = new.verify.then(|| credentials.api_key.fingerprint());
    count_save(core, org, user, checked_key.as_ref()).await?;
    let token = if new.verify {
        Some(verify_credentials(core, check, host, credentials).await?)
    } else {
        None
    };

    let secrets = core
        .auth
        .secrets
        .current()
        .await
        .map_err(ApiError::internal)?;
    let vault = vault::Vault::new(secrets.keyring().map_err(ApiError::internal)?);
    let provider = new.provider.as_str();
    let internal = |e: vault::VaultError| ApiError::internal(e);
    let sealed = vault
        .seal_credentials(org, provider, new.api_key, new.user_key)
        .map_err(internal)?;
    let sealed_token = token
        .as_ref()
        .map(|t| vault.seal_token(org, provider, t))
        .transpose()
        .map_err(internal)?;
    let key_id = vault.active_key_id().to_owned();
    let hint: String = {
        let chars: Vec<char> = new.api_key.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    let scope = OrgScope::open(core, caller, Some(org), Need::Admin { write: true }).await?;
    let created = store_integrations::save_integration(
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
            json!({ "provider": provider, "host": host.as_str(), "verified": new.verify, "created": created }),
        )
        .await?;
    let integration = store_integrations::get_integration(scope.tx(), org, provider).await?;
    scope.commit().await?;
    Ok(Saved {
        integration,
        created,
    })
}

/// Counts the save against the org's and the user's limits and, when the credentials are to be
/// checked, the check against the key's: all or nothing, committed at once so concurrent saves see
/// it, and before the check reserves anything of the key's budget.
async fn count_save(
    core: &Core,
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
    let tx = core.db.as_service().await?;
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
    core: &Core,
    check: &CredentialCheck,
    host: IntegrationHost,
    credentials: Credentials,
) -> Result<mightycall::CachedToken, ApiError> {
    let base = BaseUrl::resolve(
        sync_engine::mightycall_host(host),
        check.base_override.as_deref(),
    )
    .map_err(ApiError::internal)?;
    let mut config = ClientConfig::new(credentials, base);
    // One attempt: an admin is waiting, and a token request costs quota.
    config.retry.max_retries = 0;
    config.budget = Some(StoreLedger::budget(
        core.db.clone(),
        check.daily_request_budget,
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

/// Turns scheduled syncs on or off and/or sets their interval in minutes (at least one of the two:
/// 422 `nothing_to_change`; 422 `invalid_interval` outside 15 to 10080); audited as
/// `integration.schedule_changed`. The integration as it is afterwards.
pub async fn update_schedule(
    scope: OrgScope,
    provider: Provider,
    enabled: Option<bool>,
    interval_minutes: Option<i64>,
) -> Result<Option<IntegrationView>, ApiError> {
    if enabled.is_none() && interval_minutes.is_none() {
        return Err(invalid(
            "nothing_to_change",
            "send enabled and/or sync_interval_minutes",
        ));
    }
    let interval = interval_minutes
        .map(SyncInterval::minutes)
        .transpose()
        .map_err(|e| invalid("invalid_interval", &e.0))?;
    let provider = provider.as_str();
    if !store_integrations::update_schedule(scope.tx(), scope.org, provider, enabled, interval)
        .await?
    {
        return Err(ApiError::NotFound("integration"));
    }
    scope
        .audit(
            "integration.schedule_changed",
            Some(provider),
            json!({ "enabled": enabled, "sync_interval_minutes": interval }),
        )
        .await?;
    let integration = store_integrations::get_integration(scope.tx(), scope.org, provider).await?;
    scope.commit().await?;
    Ok(integration)
}

/// Removes the credentials (404 `integration` when there are none); audited as
/// `integration.deleted`.
pub async fn remove(scope: OrgScope, provider: Provider) -> Result<(), ApiError> {
    let provider = provider.as_str();
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
    scope.commit().await
}

/// A new MightyCall webhook token for the scope's org (404 `integration` when the org has no
/// MightyCall integration): only its hash is stored, the old one stops working at once. Audited
/// as `integration.webhook_token_generated` (never the token).
pub async fn generate_webhook_token(scope: OrgScope) -> Result<WebhookToken, ApiError> {
    let provider = Provider::MightyCall;
    let token = WebhookToken::generate();
    if !webhooks::set_token_hash(scope.tx(), scope.org, provider.as_str(), &token.hash()).await? {
        return Err(ApiError::NotFound("integration"));
    }
    scope
        .audit(
            "integration.webhook_token_generated",
            Some(provider.as_str()),
            json!({ "provider": provider }),
        )
        .await?;
    scope.commit().await?;
    Ok(token)
}

/// The path MightyCall posts `org`'s events to, with its token.
pub fn webhook_path(org: OrgId, token: &WebhookToken) -> String {
    format!("/api/webhooks/mightycall/{org}/{}", token.expose())
}
