use domain::{Resource, SyncTrigger};
use store::Db;
use sync_engine::{StartRequest, Started, queue_jobs};

use crate::WorkerError;

/// Claims the due organisations and queues every resource for each, the way any other trigger
/// does; returns how many orgs were due and their jobs (an org's already active job comes back
/// as not new and is left to the run it belongs to).
pub(crate) async fn queue_due(db: &Db) -> Result<(usize, Vec<Started>), WorkerError> {
    let tx = db.as_service().await?;
    let orgs = store::schedule::claim_due_orgs(&tx).await?;
    let request = StartRequest {
        orgs: &orgs,
        resources: &Resource::ALL,
        trigger: SyncTrigger::Schedule,
        requested_by: None,
        window: None,
    };
    let jobs = queue_jobs(&tx, &request).await?;
    tx.commit().await?;
    Ok((orgs.len(), jobs))
}
