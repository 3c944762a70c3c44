use axum::Json;
use axum::extract::{Extension, State};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::{JobStatus, OrgId};
use serde::Deserialize;
use serde_json::{Value, json};
use store::access;
use store::audit::{self, Actor, AuditEvent};
use store::sync_jobs::{self, JobQuery};
use uuid::Uuid;
use web::{ApiError, ApiPath, ApiQuery, CurrentUser, RequestId};

use crate::SyncState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListQuery {
    org_id: Option<OrgId>,
    status: Option<JobStatus>,
    limit: Option<i64>,
    cursor: Option<String>,
}

fn invalid_cursor() -> ApiError {
    ApiError::BadRequest {
        code: "invalid_cursor",
        message: "cursor is not one this API returned".into(),
    }
}

/// Opaque to clients: the last job's creation time and id.
fn encode_cursor(created_at: DateTime<Utc>, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", created_at.to_rfc3339()))
}

fn decode_cursor(cursor: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let text = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid_cursor)?;
    let (time, id) = text.split_once('|').ok_or_else(invalid_cursor)?;
    let time = DateTime::parse_from_rfc3339(time)
        .map_err(|_| invalid_cursor())?
        .with_timezone(&Utc);
    Ok((time, Uuid::parse_str(id).map_err(|_| invalid_cursor())?))
}

/// `GET /api/mightycall/sync/jobs?orgId&status&limit&cursor` → `{"jobs":[…],"next_cursor"}`.
pub async fn list(
    State(state): State<SyncState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::BadRequest {
            code: "invalid_limit",
            message: "limit must be between 1 and 500".into(),
        });
    }
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let tx = state.core.db.as_user(&user.claims).await?;
    if let Some(org) = query.org_id
        && !access::access(&tx, user.user_id, org).await?.is_member()
    {
        return Err(ApiError::NotFound("organization"));
    }
    // Without orgId: every job RLS lets the caller see (their orgs, or all for platform admins).
    let jobs = sync_jobs::list_jobs(
        &tx,
        &JobQuery {
            org: query.org_id,
            status: query.status,
            limit: limit + 1,
            after,
        },
    )
    .await?;
    let more = jobs.len() as i64 > limit;
    let page: Vec<_> = jobs.into_iter().take(limit as usize).collect();
    let next_cursor = page
        .last()
        .filter(|_| more)
        .map(|j| encode_cursor(j.created_at, j.id));
    Ok(Json(json!({ "jobs": page, "next_cursor": next_cursor })))
}

#[derive(Deserialize)]
pub struct JobPath {
    job_id: Uuid,
}

/// `GET /api/mightycall/sync/jobs/{id}`: members of the job's org (RLS hides the rest: 404).
pub async fn get(
    State(state): State<SyncState>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<JobPath>,
) -> Result<Json<Value>, ApiError> {
    let tx = state.core.db.as_user(&user.claims).await?;
    let job = sync_jobs::get_job(&tx, path.job_id)
        .await?
        .ok_or(ApiError::NotFound("job"))?;
    Ok(Json(json!({ "job": job })))
}

/// `POST /api/mightycall/sync/jobs/{id}/cancel`: org admins (and platform admins) end an active
/// job as `cancelled`; its run stops at the next page boundary, keeping the pages saved before.
/// Other members get 403, everyone else 404 (RLS hides the job); a job that already ended is 409.
pub async fn cancel(
    State(state): State<SyncState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<JobPath>,
) -> Result<Json<Value>, ApiError> {
    let tx = state.core.db.as_user(&user.claims).await?;
    let job = sync_jobs::get_job(&tx, path.job_id)
        .await?
        .ok_or(ApiError::NotFound("job"))?;
    let access = access::access(&tx, user.user_id, job.org_id).await?;
    if !access.is_member() {
        return Err(ApiError::NotFound("job"));
    }
    if !access.is_admin() {
        return Err(ApiError::Forbidden {
            code: "cancel_not_allowed",
            message: "only org admins can cancel a sync".into(),
        });
    }
    let Some(cancelled) = sync_jobs::cancel_job(&tx, job.id, user.user_id).await? else {
        return Err(ApiError::Conflict {
            code: "job_not_active",
            message: "the job has already ended".into(),
        });
    };
    audit::record(
        &tx,
        &AuditEvent {
            org: Some(job.org_id),
            actor: Actor::User(user.user_id),
            action: "sync.cancelled",
            target: Some(&job.id.to_string()),
            details: json!({ "resource": job.resource, "was": job.status }),
            request_id: Some(request_id.as_str()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "job": cancelled })))
}
