use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use domain::{JobStatus, Resource};
use store::Db;
use store::sync_jobs::{self, Job};
use uuid::Uuid;

use crate::failure::Stop;
use crate::resources::{
    Calls, RunCtx, Sms, Voicemails, sync_contacts, sync_phone_numbers, sync_recordings,
    sync_windowed,
};
use crate::{EngineError, SyncSettings, client};

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// The job reached a final status (or already had one).
    Finished(JobStatus),
    /// Stopped at a page boundary before the deadline; dispatch the same job again to continue.
    Paused,
}

#[derive(Clone)]
pub struct Engine {
    db: Db,
    pub(crate) secrets: Arc<settings::Secrets>,
    pub(crate) settings: SyncSettings,
}

impl Engine {
    pub fn new(db: Db, secrets: Arc<settings::Secrets>, settings: SyncSettings) -> Self {
        Self {
            db,
            secrets,
            settings,
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Runs job `id` until it ends or `deadline` (minus the margin) is near.
    pub async fn run(&self, id: Uuid, deadline: Instant) -> Result<RunOutcome, EngineError> {
        let tx = self.db.as_service().await?;
        let Some(job) = sync_jobs::claim_job(&tx, id).await? else {
            let status = sync_jobs::get_job(&tx, id)
                .await?
                .map_or(JobStatus::Failed, |j| j.status);
            return Ok(RunOutcome::Finished(status));
        };
        tx.commit().await?;
        let secrets = self
            .secrets
            .current()
            .await
            .map_err(|e| EngineError::Config(e.to_string()))?;
        let (result, unaccounted) =
            match client::for_org(&self.db, &secrets, &self.settings, job.org_id).await {
                Err(stop) => (Err(stop), 0),
                Ok(org_client) => {
                    let mut ctx = RunCtx {
                        db: &self.db,
                        settings: &self.settings,
                        job: &job,
                        org: &org_client,
                        deadline,
                        accounted: org_client.client.budget().map_or(0, |b| b.spent()),
                    };
                    let result = match job.resource {
                        Resource::PhoneNumbers => sync_phone_numbers(&mut ctx).await,
                        Resource::Calls => sync_windowed::<Calls>(&mut ctx).await,
                        Resource::Recordings => sync_recordings(&mut ctx).await,
                        Resource::Sms => sync_windowed::<Sms>(&mut ctx).await,
                        Resource::Voicemails => sync_windowed::<Voicemails>(&mut ctx).await,
                        Resource::Contacts => sync_contacts(&mut ctx).await,
                    };
                    let unaccounted = ctx.take_requests();
                    // Keep the token whatever the outcome: it cost a request.
                    if let Err(e) =
                        client::persist_token(&self.db, &secrets, job.org_id, &org_client).await
                    {
                        tracing::warn!(error = ?e, "could not save the MightyCall token");
                    }
                    (result, unaccounted)
                }
            };
        self.conclude(&job, result, unaccounted).await
    }

    /// Records how the run ended, with the requests not yet counted (e.g. a failed page's).
    async fn conclude(
        &self,
        job: &Job,
        result: Result<(), Stop>,
        unaccounted: i32,
    ) -> Result<RunOutcome, EngineError> {
        let tx = self.db.as_service().await?;
        if unaccounted > 0 {
            sync_jobs::add_requests(&tx, job.id, unaccounted).await?;
            sync_jobs::count_requests(&tx, job.org_id, Utc::now().date_naive(), unaccounted)
                .await?;
        }
        let outcome = match result {
            Ok(()) => {
                let skipped = sync_jobs::get_job(&tx, job.id)
                    .await?
                    .map_or(0, |j| j.records_skipped);
                if skipped > 0 {
                    let message = format!(
                        "{skipped} records could not be read or kept as sent and were skipped (counted by reason in progress.skipped); the rest was saved"
                    );
                    sync_jobs::finish_job(
                        &tx,
                        job.id,
                        JobStatus::Partial,
                        Some(("records_skipped", &message)),
                    )
                    .await?;
                    RunOutcome::Finished(JobStatus::Partial)
                } else {
                    sync_jobs::finish_job(&tx, job.id, JobStatus::Succeeded, None).await?;
                    RunOutcome::Finished(JobStatus::Succeeded)
                }
            }
            Err(Stop::Pause(progress)) => {
                sync_jobs::pause_job(&tx, job.id, &progress).await?;
                RunOutcome::Paused
            }
            Err(Stop::End {
                status,
                code,
                message,
            }) => {
                sync_jobs::finish_job(&tx, job.id, status, Some((code, &message))).await?;
                RunOutcome::Finished(status)
            }
            Err(Stop::Engine(e)) => {
                tracing::error!(error = %e, job = %job.id, "sync stopped on an internal error");
                let message = "the sync stopped on an internal error; start it again";
                sync_jobs::finish_job(
                    &tx,
                    job.id,
                    JobStatus::Failed,
                    Some(("internal_error", message)),
                )
                .await?;
                RunOutcome::Finished(JobStatus::Failed)
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }
}
