use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use startup::{Deps, StartupError};
use store::sync_jobs::Queued;
use sync_engine::{Dispatcher, Engine, RunOutcome, SyncWiring, WiringConfig};

use crate::event::WorkerEvent;
use crate::{WorkerError, fan_out};

/// What the worker builds once per cold start.
pub struct Worker {
    pub engine: Engine,
    /// Where fan-out and continuations are published (EventBridge in AWS, inline locally).
    pub dispatcher: Dispatcher,
}

/// The Lambda context's deadline as an `Instant` (the context gives wall-clock milliseconds).
pub fn deadline_of(context: &lambda_runtime::Context) -> Instant {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default();
    Instant::now() + Duration::from_millis(context.deadline.saturating_sub(now_ms))
}

impl Worker {
    /// Used by `main` and the tests alike. The worker always runs syncs itself, whatever it
    /// dispatches to, so without a keyring it refuses to start.
    pub async fn build(config: WiringConfig, deps: Deps) -> Result<Self, StartupError> {
        deps.secrets.current().await?.keyring()?;
        let wiring = SyncWiring::build(config, &deps).await?;
        Ok(Self {
            engine: wiring.engine,
            dispatcher: wiring.dispatcher.as_ref().clone(),
        })
    }

    pub async fn handle(&self, event: Value, deadline: Instant) -> Result<Value, WorkerError> {
        match WorkerEvent::parse(event)? {
            WorkerEvent::Health => Ok(json!({
                "status": "ok",
                "function": "sync-worker",
                "version": env!("CARGO_PKG_VERSION"),
            })),
            WorkerEvent::FanOut => {
                let (orgs, jobs) = fan_out::queue_due(self.engine.db()).await?;
                // Shared with the other triggers: new jobs only, one set per org, and jobs whose
                // dispatch failed are marked failed instead of blocking the org's next sync.
                sync_engine::dispatch_new(self.engine.db(), &self.dispatcher, &jobs).await?;
                let count = |how| jobs.iter().filter(|(_, h)| *h == how).count();
                let (created, resumed) = (count(Queued::Created), count(Queued::Resumed));
                tracing::info!(orgs, jobs = created, resumed, "scheduled syncs dispatched");
                Ok(json!({ "orgs": orgs, "jobs": created, "resumed": resumed }))
            }
            WorkerEvent::Run(request) => self.run(&request.job_ids, deadline).await,
        }
    }

    /// Runs the jobs in order. When one pauses before the deadline, it and the rest go back on
    /// the bus as a continuation, so a backfill longer than one invocation carries on. When
    /// another run holds one (a duplicate event), that run carries the set: this one stops.
    async fn run(&self, jobs: &[uuid::Uuid], deadline: Instant) -> Result<Value, WorkerError> {
        let mut finished = Vec::new();
        for (i, &job) in jobs.iter().enumerate() {
            match self.engine.run(job, deadline).await? {
                RunOutcome::Finished(status) => {
                    finished.push(json!({ "job_id": job, "status": status }))
                }
                RunOutcome::Paused => {
                    let rest = jobs[i..].to_vec();
                    self.dispatcher
                        .dispatch(std::slice::from_ref(&rest))
                        .await?;
                    return Ok(json!({ "finished": finished, "continued": rest }));
                }
                RunOutcome::Held => {
                    return Ok(json!({ "finished": finished, "continued": [], "held": job }));
                }
            }
        }
        Ok(json!({ "finished": finished, "continued": [] }))
    }
}
