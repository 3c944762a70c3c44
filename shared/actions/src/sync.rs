//! Starting a sync (org admins and managers; for every integrated org's numbers, platform admins)
//! and cancelling a job (org admins), audited — for the `sync` function's routes and the
//! dashboard's Sync page alike.

use std::sync::Arc;

use domain::{OrgId, SyncKind, SyncTrigger};
use serde_json::json;
use store::integrations;
use store::sync_jobs::{self, Job};
use sync_engine::{Dispatcher, StartRequest, Started, SyncWiring};
use uuid::Uuid;
use web::{ApiError, Caller, Core, Need, UserScope};

/// The database and authorisation, and where queued jobs go to run.
#[derive(Clone)]
pub struct Syncs {
    pub core: Core,
    pub dispatcher: Arc<Dispatcher>,
    /// The longest explicit re-sync range a request may ask for.
    pub max_range_days: i64,
}

impl Syncs {
    pub fn new(core: Core, wiring: &SyncWiring) -> Self {
        Self {
            core,
            dispatcher: Arc::clone(&wiring.dispatcher),
            max_range_days: wiring.max_range_days,
        }
    }
}

/// What a caller asks to sync.
pub struct SyncAsked<'a> {
    pub kind: SyncKind,
    /// Without it the caller's only org, or for `phone-numbers` every org with an integration
    /// (platform admins only).
    pub org: Option<OrgId>,
    /// A re-sync range, `YYYY-MM-DD`, both or neither.
    pub start_date: Option<&'a str>,
    pub end_date: Option<&'a str>,
}

/// Queues the jobs (or gets the orgs' active ones back), audits `sync.requested`, then dispatches
/// the new ones (503 when they cannot be dispatched: they are then marked failed).
pub async fn start(
    syncs: &Syncs,
    caller: Caller,
    asked: &SyncAsked<'_>,
) -> Result<Vec<Started>, ApiError> {
    let window = domain::resync_window(
        asked.start_date,
        asked.end_date,
        syncs.max_range_days,
        chrono::Utc::now(),
    )?;
    let scope = UserScope::open(&syncs.core, caller).await?;
    let orgs = match asked.org {
        // The whole platform's numbers: every org with an integration, platform admins only.
        None if asked.kind == SyncKind::PhoneNumbers => {
            scope.require_platform_admin().await?;
            integrations::integrated_orgs(scope.tx()).await?
        }
        org => vec![scope.check(org, Need::Sync).await?],
    };
    let resources = asked.kind.resources();
    let jobs = sync_engine::queue_jobs(
        scope.tx(),
        &StartRequest {
            orgs: &orgs,
            resources: &resources,
            trigger: SyncTrigger::User,
            requested_by: Some(scope.user_id()),
            window,
        },
    )
    .await?;
    for &org in &orgs {
        scope
            .audit(
                org,
                "sync.requested",
                None,
                json!({ "resources": resources, "window": window }),
            )
            .await?;
    }
    scope.commit().await?;
    sync_engine::dispatch_new(&syncs.core.db, &syncs.dispatcher, &jobs)
        .await
        .map_err(|_| ApiError::Unavailable("the sync service"))?;
    Ok(jobs)
}

/// Org admins (and platform admins) end an active job as `cancelled`; its run stops at the next
/// page boundary, keeping the pages saved before. Audited as `sync.cancelled`. Other members get
/// 403, everyone else 404 (RLS hides the job), as does a job of another org than `org` when given;
/// a job that already ended is 409.
pub async fn cancel(
    core: &Core,
    caller: Caller,
    org: Option<OrgId>,
    job_id: Uuid,
) -> Result<Job, ApiError> {
    let scope = UserScope::open(core, caller).await?;
    let job = sync_jobs::get_job(scope.tx(), job_id)
        .await?
        .filter(|job| org.is_none_or(|org| org == job.org_id))
        .ok_or(ApiError::NotFound("job"))?;
    let scope = scope
        .into_org(Some(job.org_id), Need::Admin { write: true })
        .await?;
    let Some(cancelled) = sync_jobs::cancel_job(scope.tx(), job.id, scope.user_id()).await? else {
        return Err(ApiError::Conflict {
            code: "job_not_active",
            message: "the job has already ended".into(),
        });
    };
    scope
        .audit(
            "sync.cancelled",
            Some(&job.id.to_string()),
            json!({ "resource": job.resource, "was": job.status }),
        )
        .await?;
    scope.commit().await?;
    Ok(cancelled)
}
