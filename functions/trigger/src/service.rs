//! `POST /api/trigger`: a service starts a sync for one org. Not a relay: only the sync actions
//! below are accepted. Every request of a key holder is audited, accepted or refused, without the
//! key; a caller who proves no key only gets a log line.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use domain::{OrgId, ResyncWindow, SyncKind, SyncTrigger};
use serde::Deserialize;
use serde_json::{Value, json};
use store::audit::{self, Actor, AuditEvent};
use sync_engine::{StartRequest, StartedReply};
use utoipa::ToSchema;
use web::{ApiError, RequestId, WriteErrors};

use crate::TriggerState;
use crate::caller::{self, Caller};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TriggerRequest {
    org_id: OrgId,
    /// `sync-phone-numbers`, `sync-reports`, `sync-recordings`, `sync-sms`, `sync-voicemails`,
    /// `sync-contacts` or `sync-all`.
    #[schema(pattern = "^sync-(phone-numbers|reports|recordings|sms|voicemails|contacts|all)$")]
    action: String,
    /// A re-sync range, `YYYY-MM-DD`, both or neither.
    #[schema(format = Date)]
    start_date: Option<String>,
    #[schema(format = Date)]
    end_date: Option<String>,
}

/// `sync-<kind>`, with the kinds of `POST /api/mightycall/sync/{kind}`.
fn parse_action(action: &str) -> Result<SyncKind, ApiError> {
    action
        .strip_prefix("sync-")
        .and_then(|kind| kind.parse().ok())
        .ok_or_else(|| ApiError::BadRequest {
            code: "unknown_action",
            message: "action must be one of sync-phone-numbers, sync-reports, sync-recordings, \
                      sync-sms, sync-voicemails, sync-contacts, sync-all"
                .into(),
        })
}

type Accepted = (StatusCode, Json<StartedReply>);

/// A service starts a sync for one org: 202 with the job (or the org's already active job).
#[utoipa::path(post, path = "/api/trigger", operation_id = "trigger_sync", tag = "trigger",
    security(("service_key" = []), ("signature" = [])), request_body = TriggerRequest,
    responses((status = 202, body = StartedReply), WriteErrors))]
pub async fn trigger(
    State(state): State<TriggerState>,
    request_id: RequestId,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Accepted, ApiError> {
    let secrets = state.core.auth.secrets.current().await?;
    let identified =
        caller::identify(&state.core.db, secrets.service_keys(), &headers, &body).await?;
    let caller = match identified {
        Ok(caller) => caller,
        Err(refusal) => {
            // Anyone can send these, so they cost a log line (the request span carries the
            // request id), never a database row. Never the key or the signature.
            tracing::warn!(reason = refusal.code(), "trigger request refused");
            return Err(refusal.into_error());
        }
    };
    let result = accept(&state, caller, &request_id, &body).await;
    if let Err(refused) = &result {
        audit_refusal(&state, caller, &request_id, refused).await;
    }
    result
}

async fn accept(
    state: &TriggerState,
    caller: Caller,
    request_id: &RequestId,
    body: &[u8],
) -> Result<Accepted, ApiError> {
    let request: TriggerRequest = crate::body::parse(body)?;
    let kind = parse_action(&request.action)?;
    let window = domain::resync_window(
        request.start_date.as_deref(),
        request.end_date.as_deref(),
        state.max_range_days,
        (state.clock)(),
    )?;
    let org = request.org_id;
    // A service acts as service_role: there is no user whose RLS could apply.
    let tx = state.core.db.as_service().await?;
    if store::orgs::get_org(&tx, org).await?.is_none() {
        return Err(ApiError::NotFound("organization"));
    }
    let resources = kind.resources();
    let jobs = sync_engine::queue_jobs(
        &tx,
        &StartRequest {
            orgs: &[org],
            resources: &resources,
            trigger: SyncTrigger::Service,
            requested_by: None,
            window,
        },
    )
    .await?;
    audit::record(
        &tx,
        &AuditEvent {
            org: Some(org),
            actor: Actor::Service,
            action: "trigger.accepted",
            target: Some(&request.action),
            details: accepted_details(caller, &resources, window),
            request_id: Some(request_id.as_str()),
        },
    )
    .await?;
    tx.commit().await?;
    sync_engine::dispatch_new(&state.core.db, &state.dispatcher, &jobs)
        .await
        .map_err(|_| ApiError::Unavailable("the sync service"))?;
    Ok((StatusCode::ACCEPTED, Json(StartedReply::of(&jobs))))
}

fn accepted_details(
    caller: Caller,
    resources: &[domain::Resource],
    window: Option<ResyncWindow>,
) -> Value {
    json!({
        "auth": caller.method(),
        "key_index": caller.key_index(),
        "resources": resources,
        "window": window,
    })
}

/// Records a key holder's refused request (bad input, unknown org…) under no org: the body must
/// not decide which org's trail it lands in. Which key, never the key, never the body.
async fn audit_refusal(
    state: &TriggerState,
    caller: Caller,
    request_id: &RequestId,
    refused: &ApiError,
) {
    let recorded = async {
        let tx = state.core.db.as_service().await?;
        audit::record(
            &tx,
            &AuditEvent {
                org: None,
                actor: Actor::Service,
                action: "trigger.rejected",
                target: None,
                details: json!({
                    "reason": refused.code(),
                    "status": refused.status().as_u16(),
                    "auth": caller.method(),
                    "key_index": caller.key_index(),
                }),
                request_id: Some(request_id.as_str()),
            },
        )
        .await?;
        tx.commit().await
    };
    if let Err(e) = recorded.await {
        tracing::warn!(error = %e, "could not audit a refused trigger request");
    }
}
