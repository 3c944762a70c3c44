use domain::{Resource, SyncTrigger};
use store::Db;
use store::sync_jobs::{NewJob, queue_job};
use uuid::Uuid;

use crate::WorkerError;

/// Claims the due organisations and queues every resource for each; returns, per organisation,
/// the jobs that were created (an org's already active job is left to the run it belongs to).
pub(crate) async fn queue_due(db: &Db) -> Result<Vec<Vec<Uuid>>, WorkerError> {
    let tx = db.as_service().await?;
    let orgs = store::schedule::claim_due_orgs(&tx).await?;
    let mut sets = Vec::with_capacity(orgs.len());
    for org in orgs {
        let mut created = Vec::new();
        for resource in Resource::ALL {
            let new = NewJob {
                org,
                resource,
                trigger: SyncTrigger::Schedule,
                requested_by: None,
                window: None,
            };
            let (job, is_new) = queue_job(&tx, &new).await?;
            if is_new {
                created.push(job.id);
            }
        }
        sets.push(created);
    }
    tx.commit().await?;
    Ok(sets)
}
