//! `POST /api/webhooks/mightycall/{orgId}/{token}`: MightyCall's call notifications. They are
//! unsigned, so the URL carries a per-org secret (stored as SHA-256, compared in constant time) and
//! the payload's `ApiKey` must be the org's own MightyCall api key. Events are kept once per Guid;
//! a whole-call `…Completed` event fetches that call (one request, counted against the org's
//! budget) unless a newer completion of the same call was already acted on (delivery order is
//! undefined). MightyCall only needs a 2xx: an event is stored and answered 202 even when the
//! fetch fails, and stays unprocessed for the next sync to cover. While the org's integration is
//! disabled, events are answered 200 `ignored` and neither stored nor acted on.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bytes::Bytes;
use domain::{OrgId, WebhookToken};
use mightycall::models::{CALL_COMPLETED_EVENTS, WebhookEvent};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::webhooks::{self, NewEvent};
use subtle::ConstantTimeEq;
use utoipa::{IntoParams, ToSchema};
use web::{ApiError, WriteErrors};

use crate::{TriggerState, webhook_input};

const PROVIDER: &str = domain::Provider::MightyCall.as_str();

/// One answer for a malformed org id, an unknown org, an org without a webhook token and a wrong
/// token, so the URL cannot be probed piece by piece.
fn not_this_webhook() -> ApiError {
    ApiError::Unauthenticated("invalid_webhook_token")
}

/// Both parts are checked only after the route matched, so a malformed one gets the same 401 as a
/// wrong one.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WebhookPath {
    #[param(format = Uuid)]
    org_id: String,
    /// The org's webhook token (from the admin route that generates it).
    token: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    /// Stored (and acted on).
    Accepted,
    /// The same event (Guid) was stored before.
    Duplicate,
    /// The org's integration is disabled: acknowledged, not stored.
    Ignored,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookReply {
    status: WebhookOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<uuid::Uuid>,
    /// Whether the ended call was fetched now (false: the next sync covers it).
    #[serde(skip_serializing_if = "Option::is_none")]
    call_fetched: Option<bool>,
}

impl WebhookReply {
    fn only(status: WebhookOutcome) -> Self {
        Self {
            status,
            reason: None,
            event_id: None,
            call_fetched: None,
        }
    }
}

/// A MightyCall webhook event (unsigned: the URL's token and the payload's api key authenticate it).
#[utoipa::path(post, path = "/api/webhooks/mightycall/{org_id}/{token}", operation_id = "receive_mightycall_webhook", tag = "trigger",
    params(WebhookPath), security(()),
    request_body(content = Object, description = "MightyCall's webhook event", content_type = "application/json"),
    responses((status = 202, body = WebhookReply), (status = 200, body = WebhookReply), WriteErrors))]
pub async fn receive(
    State(state): State<TriggerState>,
    Path(path): Path<WebhookPath>,
    body: Bytes,
) -> Result<(StatusCode, Json<WebhookReply>), ApiError> {
    let org: OrgId = path.org_id.parse().map_err(|_| not_this_webhook())?;
    let token = WebhookToken::parse(&path.token).map_err(|_| not_this_webhook())?;
    let tx = state.core.db.as_service().await?;
    let target = webhooks::target(&tx, org, PROVIDER)
        .await?
        .ok_or_else(not_this_webhook)?;
    let expected = target.token_hash.ok_or_else(not_this_webhook)?;
    if !bool::from(token.hash().as_slice().ct_eq(&expected)) {
        return Err(not_this_webhook());
    }

    if !target.enabled {
        // The org switched syncing off. MightyCall only stops retrying on a 2xx, so the event is
        // acknowledged and dropped; once re-enabled, the regular sync covers these calls.
        return Ok((
            StatusCode::OK,
            Json(WebhookReply {
                reason: Some("integration_disabled"),
                ..WebhookReply::only(WebhookOutcome::Ignored)
            }),
        ));
    }

    let mut payload: Value = crate::body::parse(&body)?;
    let event: WebhookEvent = crate::body::parse(&body)?;
    let checked = webhook_input::check(&event, &payload, (state.clock)())?;
    let (call_id, occurred_at) = (checked.call_id, checked.occurred_at);
    check_api_key(&state, org, &target.credentials_ciphertext, &event.api_key).await?;

    // The api key is a credential: it is checked above and never stored in clear.
    if let Some(fields) = payload.as_object_mut() {
        fields.remove("ApiKey");
    }
    let Some(id) = webhooks::insert_event(
        &tx,
        &NewEvent {
            org,
            provider: PROVIDER,
            guid: checked.guid,
            event_type: checked.event_type,
            call_id,
            occurred_at: Some(occurred_at),
            payload: &payload,
        },
    )
    .await?
    else {
        return Ok((
            StatusCode::OK,
            Json(WebhookReply::only(WebhookOutcome::Duplicate)),
        ));
    };
    let fetch = match call_id.filter(|_| event.completes_call()) {
        Some(call) => {
            !webhooks::superseded(&tx, org, call, &CALL_COMPLETED_EVENTS, occurred_at).await?
        }
        None => false,
    };
    if !fetch {
        // Nothing to do for this state of the call (a leg's event, or an older completion).
        webhooks::mark_processed(&tx, id).await?;
    }
    tx.commit().await?;

    let fetched = match call_id.filter(|_| fetch) {
        Some(call) => fetch_call(&state, org, id, call).await?,
        None => false,
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(WebhookReply {
            event_id: Some(id),
            call_fetched: Some(fetched),
            ..WebhookReply::only(WebhookOutcome::Accepted)
        }),
    ))
}

/// 422 when the payload names another MightyCall account: the URL token proved the sender knows
/// this org's webhook address, so saying why is safe and tells the admin what is misconfigured.
async fn check_api_key(
    state: &TriggerState,
    org: OrgId,
    sealed: &str,
    presented: &str,
) -> Result<(), ApiError> {
    let secrets = state.core.auth.secrets.current().await?;
    let keyring = secrets.keyring()?;
    let credentials = vault::Vault::new(keyring)
        .open_credentials(org, PROVIDER, sealed)
        .map_err(ApiError::internal)?;
    if credentials.api_key.matches(presented) {
        Ok(())
    } else {
        Err(ApiError::Unprocessable {
            code: "api_key_mismatch",
            message: "ApiKey is not this organisation's MightyCall api key".into(),
        })
    }
}

/// Fetches the ended call; `false` (event left unprocessed) when MightyCall could not deliver it.
async fn fetch_call(
    state: &TriggerState,
    org: OrgId,
    event: uuid::Uuid,
    call: &str,
) -> Result<bool, ApiError> {
    match state.engine.fetch_call(org, call).await {
        Ok(()) => {
            let tx = state.core.db.as_service().await?;
            webhooks::mark_processed(&tx, event).await?;
            tx.commit().await?;
            Ok(true)
        }
        Err(e) => {
            tracing::warn!(error = %e, %event, "webhook call fetch failed; left for the next sync");
            Ok(false)
        }
    }
}
