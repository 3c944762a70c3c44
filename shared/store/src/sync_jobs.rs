use chrono::{DateTime, NaiveDate, Utc};
use domain::{JobStatus, OrgId, Resource, SyncTrigger, UserId};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{StoreError, Tx};

/// One sync run, as the jobs API shows it and the engine drives it.
#[derive(Clone, Debug, Serialize)]
pub struct Job {
    pub id: Uuid,
    pub org_id: OrgId,
    pub resource: Resource,
    pub status: JobStatus,
    pub trigger: SyncTrigger,
    pub requested_by: Option<UserId>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    /// Where a paused job resumes (engine-defined JSON).
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
}

const COLUMNS: &str = "id, org_id, resource, status, trigger, requested_by, window_start, window_end, progress,
    pages, records_fetched, records_upserted, records_skipped, api_requests, attempts, error_code, error_message,
    created_at, started_at, finished_at";

fn job(row: &tokio_postgres::Row) -> Result<Job, StoreError> {
    let bad = |what: &str| {
        StoreError::Query(format!(
            "integration_sync_jobs.{what} holds an unknown value"
        ))
    };
    Ok(Job {
        id: row.get(0),
        org_id: OrgId::new(row.get(1)),
        resource: row
            .get::<_, String>(2)
            .parse()
            .map_err(|_| bad("resource"))?,
        status: row.get::<_, String>(3).parse().map_err(|_| bad("status"))?,
        trigger: match row.get::<_, String>(4).as_str() {
            "user" => SyncTrigger::User,
            "schedule" => SyncTrigger::Schedule,
            "service" => SyncTrigger::Service,
            "webhook" => SyncTrigger::Webhook,
            _ => return Err(bad("trigger")),
        },
        requested_by: row.get::<_, Option<Uuid>>(5).map(UserId::new),
        window_start: row.get(6),
        window_end: row.get(7),
        progress: row.get(8),
        pages: row.get(9),
        records_fetched: row.get(10),
        records_upserted: row.get(11),
        records_skipped: row.get(12),
        api_requests: row.get(13),
        attempts: row.get(14),
        error_code: row.get(15),
        error_message: row.get(16),
        created_at: row.get(17),
        started_at: row.get(18),
        finished_at: row.get(19),
    })
}

/// What a trigger asks for.
pub struct NewJob {
    pub org: OrgId,
    pub resource: Resource,
    pub trigger: SyncTrigger,
    pub requested_by: Option<UserId>,
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Queues a job, or returns the org's active job for that resource (`false`) when one exists: the
/// partial unique index decides, so two concurrent triggers cannot both start one.
pub async fn queue_job(tx: &Tx, new: &NewJob) -> Result<(Job, bool), StoreError> {
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
            return Ok((job(&row)?, true));
        }
        let sql = format!(
            "select {COLUMNS} from integration_sync_jobs
             where org_id = $1 and resource = $2 and status in ('queued', 'running')"
        );
        // The active job may finish between the two statements: then try the insert again.
        if let Some(row) = tx
            .client()
            .query_opt(&sql, &[&new.org.as_uuid(), &new.resource.as_str()])
            .await?
        {
            return Ok((job(&row)?, false));
        }
    }
    Err(StoreError::Unavailable("sync job contention".into()))
}

pub async fn get_job(tx: &Tx, id: Uuid) -> Result<Option<Job>, StoreError> {
    let sql = format!("select {COLUMNS} from integration_sync_jobs where id = $1");
    tx.client()
        .query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(job)
        .transpose()
}

/// Filters and keyset position for the jobs list (newest first).
pub struct JobQuery {
    /// `None`: every org the caller can see (RLS decides).
    pub org: Option<OrgId>,
    pub status: Option<JobStatus>,
    pub limit: i64,
    pub after: Option<(DateTime<Utc>, Uuid)>,
}

pub async fn list_jobs(tx: &Tx, q: &JobQuery) -> Result<Vec<Job>, StoreError> {
    let (after_time, after_id) = q.after.map_or((None, None), |(t, i)| (Some(t), Some(i)));
    let sql = format!(
        "select {COLUMNS} from integration_sync_jobs
         where ($1::uuid is null or org_id = $1) and ($2::text is null or status = $2)
           and ($3::timestamptz is null or (created_at, id) < ($3, $4::uuid))
         order by created_at desc, id desc limit $5"
    );
    tx.client()
        .query(
            &sql,
            &[
                &q.org.map(|o| o.as_uuid()),
                &q.status.map(|s| s.as_str()),
                &after_time,
                &after_id,
                &q.limit,
            ],
        )
        .await?
        .iter()
        .map(job)
        .collect()
}

/// Takes a queued (or interrupted running) job for a run; `None` when it has already ended.
pub async fn claim_job(tx: &Tx, id: Uuid) -> Result<Option<Job>, StoreError> {
    let sql = format!(
        "update integration_sync_jobs set status = 'running', started_at = coalesce(started_at, now()),
           attempts = attempts + 1
         where id = $1 and status in ('queued', 'running') returning {COLUMNS}"
    );
    tx.client()
        .query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(job)
        .transpose()
}

/// Counters of one fetched page, added to the job in the page's transaction.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageCounts {
    pub fetched: i32,
    pub upserted: i32,
    pub skipped: i32,
    pub requests: i32,
}

pub async fn record_page(
    tx: &Tx,
    id: Uuid,
    counts: PageCounts,
    progress: &Value,
) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "update integration_sync_jobs set pages = pages + 1, records_fetched = records_fetched + $2,
               records_upserted = records_upserted + $3, records_skipped = records_skipped + $4,
               api_requests = api_requests + $5, progress = $6
             where id = $1",
            &[&id, &counts.fetched, &counts.upserted, &counts.skipped, &counts.requests, progress],
        )
        .await?;
    Ok(())
}

/// Requests spent outside a page (token calls, a failed page), so the job tells the whole cost.
pub async fn add_requests(tx: &Tx, id: Uuid, requests: i32) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "update integration_sync_jobs set api_requests = api_requests + $2 where id = $1",
            &[&id, &requests],
        )
        .await?;
    Ok(())
}

/// Stops a run at a page boundary: queued again, progress kept, to be re-dispatched.
pub async fn pause_job(tx: &Tx, id: Uuid, progress: &Value) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "update integration_sync_jobs set status = 'queued', progress = $2 where id = $1",
            &[&id, progress],
        )
        .await?;
    Ok(())
}

/// Ends a job. `error_message` is for people and must not carry secrets.
pub async fn finish_job(
    tx: &Tx,
    id: Uuid,
    status: JobStatus,
    error: Option<(&str, &str)>,
) -> Result<(), StoreError> {
    let (code, message) = error.map_or((None, None), |(c, m)| {
        (Some(c), Some(m.chars().take(1000).collect::<String>()))
    });
    tx.client()
        .execute(
            "update integration_sync_jobs set status = $2, error_code = $3, error_message = $4, finished_at = now()
             where id = $1",
            &[&id, &status.as_str(), &code, &message],
        )
        .await?;
    Ok(())
}

/// The per (org, resource) high-water mark.
pub async fn watermark(
    tx: &Tx,
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
    Ok(row.and_then(|r| r.get(0)))
}

/// Moves the watermark forward (never back: an older re-sync range leaves it alone).
pub async fn advance_watermark(
    tx: &Tx,
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
