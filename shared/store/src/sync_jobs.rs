use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{JobStatus, OrgId, PageLimit, Resource, SyncTrigger, UserId};
use serde::Serialize;
use serde_json::Value;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::page::{Page, TimeKey};
use crate::row::{FromRow, all, get, optional, parse};
use crate::{ServiceTx, StoreError, Tx};

/// One sync run, as the jobs API shows it and the engine drives it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: Uuid,
    pub org_id: OrgId,
    pub resource: Resource,
    pub status: JobStatus,
    pub trigger: SyncTrigger,
    pub requested_by: Option<UserId>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    /// Where a paused job resumes (engine-defined JSON); the engine's business, not the API's.
    #[serde(skip)]
    pub progress: Value,
    pub pages: i32,
    pub records_fetched: i32,
    pub records_upserted: i32,
    pub records_skipped: i32,
    pub api_requests: i32,
    pub attempts: i32,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The run holding the job; internal (a fencing token), so not shown.
    #[serde(skip)]
    pub lease_owner: Option<Uuid>,
    /// Running: the holder's lease ends then unless a page renews it. Queued: a run should have
    /// claimed it by then. Past it, the next trigger or scheduled tick dispatches the job again.
    pub lease_expires_at: DateTime<Utc>,
    pub cancelled_by: Option<UserId>,
}

impl Job {
    /// The lease this job was claimed with, if it is held.
    pub fn lease(&self, duration: Duration) -> Option<Lease> {
        self.lease_owner.map(|owner| Lease {
            job: self.id,
            owner,
            duration,
        })
    }
}

/// A run's hold on its job. Every write of the run is fenced on it, and each saved page renews it
/// for `duration`, so a run that lost it (taken over after it expired, or cancelled) writes nothing.
#[derive(Clone, Copy, Debug)]
pub struct Lease {
    pub job: Uuid,
    pub owner: Uuid,
    pub duration: Duration,
}

impl Lease {
    fn seconds(&self) -> f64 {
        self.duration.as_secs_f64()
    }
}

const COLUMNS: &str = "id, org_id, resource, status, trigger, requested_by, window_start, window_end, progress,
    pages, records_fetched, records_upserted, records_skipped, api_requests, attempts, error_code, error_message,
    created_at, started_at, finished_at, lease_owner, lease_expires_at, cancelled_by";

impl FromRow for Job {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "id")?,
            org_id: OrgId::new(get(row, "org_id")?),
            resource: parse(row, "resource")?,
            status: parse(row, "status")?,
            trigger: match get(row, "trigger")? {
                "user" => SyncTrigger::User,
                "schedule" => SyncTrigger::Schedule,
                "service" => SyncTrigger::Service,
                "webhook" => SyncTrigger::Webhook,
                _ => return Err(StoreError::UnknownValue("trigger")),
            },
            requested_by: get::<Option<Uuid>>(row, "requested_by")?.map(UserId::new),
            window_start: get(row, "window_start")?,
            window_end: get(row, "window_end")?,
            progress: get(row, "progress")?,
            pages: get(row, "pages")?,
            records_fetched: get(row, "records_fetched")?,
            records_upserted: get(row, "records_upserted")?,
            records_skipped: get(row, "records_skipped")?,
            api_requests: get(row, "api_requests")?,
            attempts: get(row, "attempts")?,
            error_code: get(row, "error_code")?,
            error_message: get(row, "error_message")?,
            created_at: get(row, "created_at")?,
            started_at: get(row, "started_at")?,
            finished_at: get(row, "finished_at")?,
            lease_owner: get(row, "lease_owner")?,
            lease_expires_at: get(row, "lease_expires_at")?,
            cancelled_by: get::<Option<Uuid>>(row, "cancelled_by")?.map(UserId::new),
        })
    }
}

/// What a trigger asks for.
pub struct NewJob {
    pub org: OrgId,
    pub resource: Resource,
    pub trigger: SyncTrigger,
    pub requested_by: Option<UserId>,
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// How a trigger's request for a job was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queued {
    /// A new job: the trigger dispatches it.
    Created,
    /// The org's active job. Left to its run, unless its lease expired: then the trigger resumes
    /// it (see [`resume_expired`]).
    Active,
    /// An active job whose lease expired (its run died, or its event was lost), queued again from
    /// its checkpoint: the trigger dispatches it.
    Resumed,
}

/// Queues a job, or returns the org's active job for that resource when one exists: the partial
/// unique index decides, so two concurrent triggers cannot both start one. Runs in the caller's
/// transaction (a user's, under RLS); resuming an expired job is the service's part.
pub async fn queue_job(tx: &Tx, new: &NewJob) -> Result<(Job, Queued), StoreError> {
    let (start, end) = new.window.map_or((None, None), |(s, e)| (Some(s), Some(e)));
    for _ in 0..3 {
        let sql = format!(
            "insert into integration_sync_jobs (org_id, resource, trigger, requested_by, window_start, window_end)
             values ($1, $2, $3, $4, $5, $6)
             on conflict (org_id, resource) where status in ('queued', 'running') do nothing
             returning {COLUMNS}"
        );
        // `authenticated` may not insert jobs (through PostgREST a never-dispatched job would
        // block the org's syncs); a user route has checked the caller's role before calling this.
        let inserted = tx
            .as_service_role(async {
                Ok(tx
                    .client()
                    .query_opt(
                        &sql,
                        &[
                            &new.org.as_uuid(),
                            &new.resource.as_str(),
                            &new.trigger.as_str(),
                            &new.requested_by.map(|u| u.as_uuid()),
                            &start,
                            &end,
                        ],
                    )
                    .await?)
            })
            .await?;
        if let Some(row) = inserted {
            return Ok((Job::from_row(&row)?, Queued::Created));
        }
        let sql = format!(
            "select {COLUMNS} from integration_sync_jobs
             where org_id = $1 and resource = $2 and status in ('queued', 'running')"
        );
        // The active job may finish between the statements: then try the insert again.
        if let Some(row) = tx
            .client()
            .query_opt(&sql, &[&new.org.as_uuid(), &new.resource.as_str()])
            .await?
        {
            return Ok((Job::from_row(&row)?, Queued::Active));
        }
    }
    Err(StoreError::Unavailable("sync job contention".into()))
}

/// Queues again, from their checkpoints, the active jobs whose lease expired (of one org and
/// resource, or all of them for the scheduled tick), with a fresh dispatch grace, so a dead run
/// or a lost event never blocks the (org, resource) for long. The row lock makes one caller win
/// each job, so a stale job is dispatched once. Service path.
pub async fn resume_expired(
    tx: &ServiceTx,
    only: Option<(OrgId, Resource)>,
) -> Result<Vec<Job>, StoreError> {
    let (org, resource) = only.map_or((None, None), |(o, r)| (Some(o.as_uuid()), Some(r.as_str())));
    let sql = format!(
        "update integration_sync_jobs set status = 'queued', lease_owner = null, lease_expires_at = default
         where status in ('queued', 'running') and lease_expires_at < now()
           and ($1::uuid is null or org_id = $1) and ($2::text is null or resource = $2)
         returning {COLUMNS}"
    );
    let mut jobs: Vec<Job> = all(&tx.client().query(&sql, &[&org, &resource]).await?)?;
    // Per org in creation order, so an org's calls still run before its recordings.
    jobs.sort_by_key(|j| (j.org_id, j.created_at, j.id));
    Ok(jobs)
}

pub async fn get_job(tx: &Tx, id: Uuid) -> Result<Option<Job>, StoreError> {
    let sql = format!("select {COLUMNS} from integration_sync_jobs where id = $1");
    optional(tx.client().query_opt(&sql, &[&id]).await?)
}

/// Filters and keyset position for the jobs list (newest first).
pub struct JobQuery {
    /// `None`: every org the caller can see (RLS decides).
    pub org: Option<OrgId>,
    pub status: Option<JobStatus>,
    pub limit: PageLimit,
    pub after: Option<TimeKey>,
}

pub async fn list_jobs(tx: &Tx, q: &JobQuery) -> Result<Page<Job, TimeKey>, StoreError> {
    let (after_time, after_id) = q.after.map_or((None, None), |k| (Some(k.at), Some(k.id)));
    let sql = format!(
        "select {COLUMNS} from integration_sync_jobs
         where ($1::uuid is null or org_id = $1) and ($2::text is null or status = $2)
           and ($3::timestamptz is null or (created_at, id) < ($3, $4::uuid))
         order by created_at desc, id desc limit $5"
    );
    let rows = tx
        .client()
        .query(
            &sql,
            &[
                &q.org.map(|o| o.as_uuid()),
                &q.status.map(|s| s.as_str()),
                &after_time,
                &after_id,
                &(q.limit.get() + 1),
            ],
        )
        .await?;
    Ok(Page::from_overfetch(
        all(&rows)?,
        q.limit.get(),
        |j: &Job| TimeKey {
            at: j.created_at,
            id: j.id,
        },
    ))
}

/// Claims a job for a run: only a queued job, or a running one whose lease expired (its run died).
/// `None` when the job ended or another run holds a live lease (a duplicate event).
pub async fn claim_job(tx: &ServiceTx, id: Uuid, lease: Lease) -> Result<Option<Job>, StoreError> {
    let sql = format!(
        "update integration_sync_jobs set status = 'running', started_at = coalesce(started_at, now()),
           attempts = attempts + 1, lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3)
         where id = $1 and (status = 'queued' or (status = 'running' and lease_expires_at < now()))
         returning {COLUMNS}"
    );
    optional(
        tx.client()
            .query_opt(&sql, &[&id, &lease.owner, &lease.seconds()])
            .await?,
    )
}

/// Counters of one fetched page, added to the job in the page's transaction.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageCounts {
    pub fetched: i32,
    pub upserted: i32,
    pub skipped: i32,
    pub requests: i32,
}

/// Records a page and renews the lease. `false`: the run no longer holds the job (taken over or
/// cancelled), nothing was recorded, and the caller must roll the page back.
pub async fn record_page(
    tx: &ServiceTx,
    lease: &Lease,
    counts: PageCounts,
    progress: &Value,
) -> Result<bool, StoreError> {
    let updated = tx
        .client()
        .execute(
            "update integration_sync_jobs set pages = pages + 1, records_fetched = records_fetched + $2,
               records_upserted = records_upserted + $3, records_skipped = records_skipped + $4,
               api_requests = api_requests + $5, progress = $6,
               lease_expires_at = now() + make_interval(secs => $8)
             where id = $1 and lease_owner = $7",
            &[
                &lease.job,
                &counts.fetched,
                &counts.upserted,
                &counts.skipped,
                &counts.requests,
                progress,
                &lease.owner,
                &lease.seconds(),
            ],
        )
        .await?;
    Ok(updated == 1)
}

/// Requests spent outside a page (token calls, a failed page), so the job tells the whole cost.
pub async fn add_requests(tx: &ServiceTx, id: Uuid, requests: i32) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "update integration_sync_jobs set api_requests = api_requests + $2 where id = $1",
            &[&id, &requests],
        )
        .await?;
    Ok(())
}

/// Stops a run at a page boundary: queued again (with a fresh dispatch grace), progress kept, to
/// be re-dispatched. `false`: the run had lost the job.
pub async fn pause_job(
    tx: &ServiceTx,
    lease: &Lease,
    progress: &Value,
) -> Result<bool, StoreError> {
    let updated = tx
        .client()
        .execute(
            "update integration_sync_jobs set status = 'queued', progress = $3, lease_owner = null,
               lease_expires_at = default
             where id = $1 and lease_owner = $2",
            &[&lease.job, &lease.owner, progress],
        )
        .await?;
    Ok(updated == 1)
}

/// Ends a run's job. `error_message` is for people and must not carry secrets. `false`: the run
/// had lost the job, which is left as it is.
pub async fn finish_run(
    tx: &ServiceTx,
    lease: &Lease,
    status: JobStatus,
    error: Option<(&str, &str)>,
) -> Result<bool, StoreError> {
    let (code, message) = error_parts(error);
    let updated = tx
        .client()
        .execute(
            "update integration_sync_jobs set status = $3, error_code = $4, error_message = $5,
               finished_at = now(), lease_owner = null
             where id = $1 and lease_owner = $2",
            &[&lease.job, &lease.owner, &status.as_str(), &code, &message],
        )
        .await?;
    Ok(updated == 1)
}

/// Fails a job no run has claimed yet (its dispatch failed), so it does not wait for its grace.
pub async fn fail_unclaimed(
    tx: &ServiceTx,
    id: Uuid,
    code: &str,
    message: &str,
) -> Result<(), StoreError> {
    let (code, message) = error_parts(Some((code, message)));
    tx.client()
        .execute(
            "update integration_sync_jobs set status = 'failed', error_code = $2, error_message = $3,
               finished_at = now()
             where id = $1 and status = 'queued'",
            &[&id, &code, &message],
        )
        .await?;
    Ok(())
}

fn error_parts<'a>(error: Option<(&'a str, &str)>) -> (Option<&'a str>, Option<String>) {
    error.map_or((None, None), |(c, m)| {
        (Some(c), Some(m.chars().take(1000).collect::<String>()))
    })
}

/// Cancels an active job for `by`, an org admin (RLS checks that role again). Its run notices at
/// the next page boundary: it no longer holds the lease, so that page is rolled back and the run
/// stops. `None`: the job is not active (or RLS refused).
pub async fn cancel_job(tx: &Tx, id: Uuid, by: UserId) -> Result<Option<Job>, StoreError> {
    let sql = format!(
        "update integration_sync_jobs set status = 'cancelled', cancelled_by = $2, lease_owner = null,
           error_code = 'cancelled', error_message = 'cancelled by an org admin', finished_at = now()
         where id = $1 and status in ('queued', 'running')
         returning {COLUMNS}"
    );
    optional(tx.client().query_opt(&sql, &[&id, &by.as_uuid()]).await?)
}

/// The per (org, resource) high-water mark.
pub async fn watermark(
    tx: &ServiceTx,
    org: OrgId,
    resource: Resource,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select watermark from sync_state where org_id = $1 and resource = $2",
            &[&org.as_uuid(), &resource.as_str()],
        )
        .await?;
    Ok(match row {
        Some(row) => get(&row, "watermark")?,
        None => None,
    })
}

/// Moves the watermark forward (never back: an older re-sync range leaves it alone).
pub async fn advance_watermark(
    tx: &ServiceTx,
    org: OrgId,
    resource: Resource,
    to: DateTime<Utc>,
    job: Uuid,
) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "insert into sync_state (org_id, resource, watermark, last_job_id, last_success_at)
             values ($1, $2, $3, $4, now())
             on conflict (org_id, resource) do update set
               watermark = greatest(sync_state.watermark, excluded.watermark),
               last_job_id = excluded.last_job_id, last_success_at = excluded.last_success_at",
            &[&org.as_uuid(), &resource.as_str(), &to, &job],
        )
        .await?;
    Ok(())
}

/// Adds requests spent with the org's MightyCall account on `day` (the org's own accounting; the
/// quota itself is reserved per api key in [`crate::usage`]).
pub async fn count_requests(
    tx: &Tx,
    org: OrgId,
    day: NaiveDate,
    requests: i32,
) -> Result<(), StoreError> {
    if requests == 0 {
        return Ok(());
    }
    tx.client()
        .execute(
            "insert into mightycall_request_usage (org_id, day, requests) values ($1, $2, $3)
             on conflict (org_id, day) do update set requests = mightycall_request_usage.requests + excluded.requests",
            &[&org.as_uuid(), &day, &requests],
        )
        .await?;
    Ok(())
}
