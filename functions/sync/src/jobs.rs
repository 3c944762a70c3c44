use axum::Json;
use axum::extract::State;
use domain::{JobStatus, OrgId, PageLimit};
use serde::{Deserialize, Serialize};
use store::page::TimeKey;
use store::sync_jobs::{self, Job, JobQuery};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use web::paging::{decode_cursor, next_cursor, page_limit};
use web::{ApiError, ApiPath, ApiQuery, Caller, Need, ReadErrors, UserScope, WriteErrors};

use crate::SyncState;

/// The scope of job-list cursors.
const SCOPE: &str = "jobs";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One org's jobs; without it every job the caller can see.
    #[param(inline)]
    org_id: Option<OrgId>,
    #[param(inline)]
    status: Option<JobStatus>,
    /// Jobs per page, 1 to 500 (default 50).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct JobsReply {
    jobs: Vec<Job>,
    next_cursor: Option<String>,
}

/// Sync jobs, newest first: of one org (members), or of every org the caller can see.
#[utoipa::path(get, path = "/api/mightycall/sync/jobs", operation_id = "list_sync_jobs", tag = "sync", params(ListQuery),
    responses((status = 200, body = JobsReply), ReadErrors))]
pub async fn list(
    State(state): State<SyncState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<JobsReply>, ApiError> {
    let limit = page_limit(query.limit.as_deref(), PageLimit::JOBS)?;
    let after: Option<TimeKey> = decode_cursor(SCOPE, query.cursor.as_deref())?;
    let scope = UserScope::open(&state.core, caller).await?;
    if query.org_id.is_some() {
        scope.check(query.org_id, Need::Member).await?;
    }
    // Without orgId: every job RLS lets the caller see (their orgs, or all for platform admins).
    let page = sync_jobs::list_jobs(
        scope.tx(),
        &JobQuery {
            org: query.org_id,
            status: query.status,
            limit,
            after,
        },
    )
    .await?;
    Ok(Json(JobsReply {
        next_cursor: next_cursor(SCOPE, &page),
        jobs: page.rows,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JobPath {
    job_id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct JobReply {
    job: Job,
}

/// One job, for members of its org (RLS hides the rest: 404).
#[utoipa::path(get, path = "/api/mightycall/sync/jobs/{job_id}", operation_id = "get_sync_job", tag = "sync", params(JobPath),
    responses((status = 200, body = JobReply), ReadErrors))]
pub async fn get(
    State(state): State<SyncState>,
    caller: Caller,
    ApiPath(path): ApiPath<JobPath>,
) -> Result<Json<JobReply>, ApiError> {
    let scope = UserScope::open(&state.core, caller).await?;
    let job = sync_jobs::get_job(scope.tx(), path.job_id)
        .await?
        .ok_or(ApiError::NotFound("job"))?;
    Ok(Json(JobReply { job }))
}

/// Org admins (and platform admins) end an active job as `cancelled`; its run stops at the next
/// page boundary, keeping the pages saved before. Other members get 403, everyone else 404 (RLS
/// hides the job); a job that already ended is 409.
#[utoipa::path(post, path = "/api/mightycall/sync/jobs/{job_id}/cancel", operation_id = "cancel_sync_job", tag = "sync",
    params(JobPath), responses((status = 200, body = JobReply), WriteErrors))]
pub async fn cancel(
    State(state): State<SyncState>,
    caller: Caller,
    ApiPath(path): ApiPath<JobPath>,
) -> Result<Json<JobReply>, ApiError> {
    let job = actions::sync::cancel(&state.core, caller, None, path.job_id).await?;
    Ok(Json(JobReply { job }))
}
