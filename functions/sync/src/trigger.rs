use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use domain::{OrgId, SyncKind, SyncTrigger};
use serde::Deserialize;
use serde_json::{Value, json};
use store::audit::{self, Actor, AuditEvent};
use store::{Tx, access, integrations, orgs, profiles};
use sync_engine::StartRequest;
use web::{ApiError, ApiJson, ApiPath, CurrentUser, RequestId};

use crate::SyncState;

#[derive(Deserialize)]
pub struct KindPath {
    kind: SyncKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SyncRequest {
    org_id: Option<OrgId>,
    start_date: Option<String>,
    end_date: Option<String>,
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        code,
        message: message.into(),
    }
}

/// Which orgs the request targets, after checking that the caller may sync them.
async fn target_orgs(
    tx: &Tx,
    user: &auth::VerifiedUser,
    kind: SyncKind,
    org: Option<OrgId>,
) -> Result<Vec<OrgId>, ApiError> {
    match org {
        Some(org) => {
            let access = access::access(tx, user.user_id, org).await?;
            if !access.is_member() {
                return Err(ApiError::NotFound("organization"));
            }
            if !access.can_sync() {
                return Err(ApiError::Forbidden {
                    code: "sync_not_allowed",
                    message: "only org admins and managers can start a sync".into(),
                });
            }
            Ok(vec![org])
        }
        // The whole platform's numbers: every org with an integration, platform admins only.
        None if kind == SyncKind::PhoneNumbers => {
            if !profiles::is_platform_admin(tx, user.user_id).await? {
                return Err(ApiError::Forbidden {
                    code: "platform_admin_required",
                    message: "only platform admins can sync every organisation".into(),
                });
            }
            Ok(integrations::integrated_orgs(tx).await?)
        }
        None => {
            let mine = orgs::orgs_for_user(tx, user.user_id, false).await?;
            match mine.as_slice() {
                [only] => Box::pin(target_orgs(tx, user, kind, Some(only.id))).await,
                _ => Err(bad(
                    "org_required",
                    "orgId is required when you belong to several organisations",
                )),
            }
        }
    }
}

/// `POST /api/mightycall/sync/{kind}` → 202 with the job (or the org's already active job).
pub async fn start(
    State(state): State<SyncState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<KindPath>,
    ApiJson(body): ApiJson<SyncRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let window = domain::resync_window(
        body.start_date.as_deref(),
        body.end_date.as_deref(),
        state.max_range_days,
        chrono::Utc::now(),
    )?;
    let tx = state.core.db.as_user(&user.claims).await?;
    let orgs = target_orgs(&tx, &user, path.kind, body.org_id).await?;
    let resources = path.kind.resources();
    let jobs = sync_engine::queue_jobs(
        &tx,
        &StartRequest {
            orgs: &orgs,
            resources: &resources,
            trigger: SyncTrigger::User,
            requested_by: Some(user.user_id),
            window,
        },
    )
    .await?;
    for &org in &orgs {
        audit::record(
            &tx,
            &AuditEvent {
                org: Some(org),
                actor: Actor::User(user.user_id),
                action: "sync.requested",
                target: None,
                details: json!({ "resources": resources, "window": window }),
                request_id: Some(request_id.as_str()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    sync_engine::dispatch_new(&state.core.db, &state.dispatcher, &jobs)
        .await
        .map_err(|_| ApiError::Unavailable("the sync service"))?;
    Ok((StatusCode::ACCEPTED, Json(sync_engine::started_body(&jobs))))
}
