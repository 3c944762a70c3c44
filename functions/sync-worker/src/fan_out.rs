use domain::{Resource, SyncTrigger};
use store::Db;
use store::sync_jobs::{self, Queued};
use sync_engine::{StartRequest, Started, queue_jobs};

use crate::WorkerError;

/// Takes over every active job whose lease expired (its run died, or its event was lost), then
/// claims the due organisations and queues every resource for each, the way any other trigger
/// does; returns how many orgs were due and the jobs (an org's already active job comes back as
/// such and is left to the run it belongs to).
pub(crate) async fn queue_due(db: &Db) -> Result<(usize, Vec<Started>), WorkerError> {
    let tx = db.as_service().await?;
    let mut jobs: Vec<Started> = sync_jobs::resume_expired(&tx, None)
        .await?
        .into_iter()
        .map(|job| (job, Queued::Resumed))
        .collect();
    let orgs = store::schedule::claim_due_orgs(&tx).await?;
    let request = StartRequest {
        orgs: &orgs,
        resources: &Resource::ALL,
        trigger: SyncTrigger::Schedule,
        requested_by: None,
        window: None,
    };
    jobs.extend(queue_jobs(&tx, &request).await?);
    tx.commit().await?;
    Ok((orgs.len(), jobs))
}
