use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use domain::{JobStatus, Resource};
use store::Db;
use store::sync_jobs::{self, Job, Lease};
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
    /// Another run holds the job (a duplicate event), or took it over from this one after its
    /// lease expired: this run stopped without touching it, and the holder carries on.
    Held,
}

#[derive(Clone)]
pub struct Engine {
    db: Db,
    pub(crate) secrets: Arc<settings::Secrets>,
    /// Shared, not copied: the settings are large and every clone of the engine reads the same.
    pub(crate) settings: Arc<SyncSettings>,
}

impl Engine {
    pub fn new(db: Db, secrets: Arc<settings::Secrets>, settings: SyncSettings) -> Self {
        Self {
            db,
            secrets,
            settings: Arc::new(settings.bounded()),
        }
    }

    pub fn settings(&self) -> &SyncSettings {
        &self.settings
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Runs job `id` until it ends or `deadline` (minus the margin) is near, holding its lease.
    pub async fn run(&self, id: Uuid, deadline: Instant) -> Result<RunOutcome, EngineError> {
        let lease = Lease {
            job: id,
            owner: Uuid::new_v4(),
            duration: self.settings.lease,
        };
        let tx = self.db.as_service().await?;
        let Some(job) = sync_jobs::claim_job(&tx, id, lease).await? else {
            return self.not_claimed(&tx, id).await;
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
                        lease,
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
        self.conclude(&job, lease, result, unaccounted).await
    }

    /// Why a job was not (or is no longer) this run's: it ended, or another run holds it.
    async fn not_claimed(&self, tx: &store::Tx, id: Uuid) -> Result<RunOutcome, EngineError> {
        Ok(match sync_jobs::get_job(tx, id).await? {
            Some(job) if job.status.is_active() => RunOutcome::Held,
            Some(job) => RunOutcome::Finished(job.status),
            None => RunOutcome::Finished(JobStatus::Failed),
        })
    }

    /// Records how the run ended, with the requests not yet counted (e.g. a failed page's). Every
    /// write of the end is fenced on the lease: a run that lost its job leaves it to its holder.
    async fn conclude(
        &self,
        job: &Job,
        lease: Lease,
        result: Result<(), Stop>,
        unaccounted: i32,
    ) -> Result<RunOutcome, EngineError> {
        let tx = self.db.as_service().await?;
        if unaccounted > 0 {
            // Spent whoever holds the job now: the job and the org's budget count them.
            sync_jobs::add_requests(&tx, job.id, unaccounted).await?;
            sync_jobs::count_requests(&tx, job.org_id, Utc::now().date_naive(), unaccounted)
                .await?;
        }
        let (held, outcome) = match result {
            Ok(()) => {
                let skipped = sync_jobs::get_job(&tx, job.id)
                    .await?
                    .map_or(0, |j| j.records_skipped);
                if skipped > 0 {
                    let message = format!(
                        "{skipped} records could not be read or kept as sent and were skipped (counted by reason in progress.skipped); the rest was saved"
                    );
                    let error = Some(("records_skipped", message.as_str()));
                    let held =
                        sync_jobs::finish_run(&tx, &lease, JobStatus::Partial, error).await?;
                    (held, RunOutcome::Finished(JobStatus::Partial))
                } else {
                    let held =
                        sync_jobs::finish_run(&tx, &lease, JobStatus::Succeeded, None).await?;
                    (held, RunOutcome::Finished(JobStatus::Succeeded))
                }
            }
            Err(Stop::Pause(progress)) => (
                sync_jobs::pause_job(&tx, &lease, &progress).await?,
                RunOutcome::Paused,
            ),
            Err(Stop::End {
                status,
                code,
                message,
            }) => (
                sync_jobs::finish_run(&tx, &lease, status, Some((code, &message))).await?,
                RunOutcome::Finished(status),
            ),
            Err(Stop::Engine(EngineError::LeaseLost)) => (false, RunOutcome::Held),
            Err(Stop::Engine(e)) => {
                tracing::error!(error = %e, job = %job.id, "sync stopped on an internal error");
                let message = "the sync stopped on an internal error; start it again";
                let error = Some(("internal_error", message));
                (
                    sync_jobs::finish_run(&tx, &lease, JobStatus::Failed, error).await?,
                    RunOutcome::Finished(JobStatus::Failed),
                )
            }
        };
        let outcome = if held {
            outcome
        } else {
            tracing::info!(job = %job.id, "the run lost its job (cancelled or taken over)");
            self.not_claimed(&tx, job.id).await?
        };
        tx.commit().await?;
        Ok(outcome)
    }
}
