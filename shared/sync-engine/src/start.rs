//! Starting syncs, whoever asks (a user, a service, the schedule): queue one job per (org,
//! resource) — or get the active one back — then dispatch only the new ones, one ordered set per
//! org. Shared so every trigger behaves, and answers, the same way.

use std::sync::Arc;

use chrono::Utc;
use domain::{JobStatus, OrgId, Resource, ResyncWindow, SyncTrigger, UserId};
use serde::Serialize;
use store::sync_jobs::{self, Job, NewJob, Queued};
use store::{Db, ServiceTx, StoreError, Tx};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{Dispatcher, Engine, EngineError, EventBus, SyncSettings};

/// What one trigger asks for.
pub struct StartRequest<'a> {
    pub orgs: &'a [OrgId],
    pub resources: &'a [Resource],
    pub trigger: SyncTrigger,
    pub requested_by: Option<UserId>,
    pub window: Option<ResyncWindow>,
}

/// A queued job and how: created by this trigger, the org's active job, or an expired one resumed.
pub type Started = (Job, Queued);

/// Queues the jobs inside `tx` (the caller commits, with its audit record).
pub async fn queue_jobs(tx: &Tx, req: &StartRequest<'_>) -> Result<Vec<Started>, StoreError> {
    let mut jobs = Vec::new();
    for &org in req.orgs {
        for &resource in req.resources {
            let new = NewJob {
                org,
                resource,
                trigger: req.trigger,
                requested_by: req.requested_by,
                window: req.window,
            };
            jobs.push(sync_jobs::queue_job(tx, &new).await?);
        }
    }
    Ok(jobs)
}

/// Dispatches the new and resumed jobs, and takes over the active ones whose lease expired (a
/// dead run, a lost event); a job with a live lease is already on its way and must not run twice.
/// One ordered set per org, so its resources run one after another. When dispatch fails they are
/// marked failed, so none stays queued forever, and the error is returned.
pub async fn dispatch_new(
    db: &Db,
    dispatcher: &Dispatcher,
    jobs: &[Started],
) -> Result<(), EngineError> {
    let mut sets: Vec<(OrgId, Vec<Uuid>)> = Vec::new();
    let mut service: Option<ServiceTx> = None;
    for (job, how) in jobs {
        let id = match how {
            Queued::Created | Queued::Resumed => job.id,
            Queued::Active if job.lease_expires_at < Utc::now() => {
                if service.is_none() {
                    service = Some(db.as_service().await?);
                }
                let Some(tx) = &service else { continue };
                match sync_jobs::resume_expired(tx, Some((job.org_id, job.resource)))
                    .await?
                    .pop()
                {
                    Some(resumed) => resumed.id,
                    None => continue,
                }
            }
            Queued::Active => continue,
        };
        match sets.iter_mut().find(|(org, _)| *org == job.org_id) {
            Some((_, set)) => set.push(id),
            None => sets.push((job.org_id, vec![id])),
        }
    }
    if let Some(tx) = service {
        tx.commit().await?;
    }
    let sets: Vec<Vec<Uuid>> = sets.into_iter().map(|(_, set)| set).collect();
    let Err(e) = dispatcher.dispatch(&sets).await else {
        return Ok(());
    };
    tracing::error!(error = %e, "sync dispatch failed");
    let tx = db.as_service().await?;
    for id in sets.iter().flatten() {
        sync_jobs::fail_unclaimed(
            &tx,
            *id,
            "dispatch_failed",
            "the sync could not be started; try again",
        )
        .await?;
    }
    tx.commit().await?;
    Err(e)
}

/// One queued (or already active) job in a 202 reply.
#[derive(Serialize, ToSchema)]
pub struct StartedJob {
    pub job_id: Uuid,
    pub status: JobStatus,
    /// False when the org's active job for the resource was returned instead of a new one.
    pub created: bool,
    pub job: Job,
}

/// The 202 body: the job itself for one job, `{"jobs":[…]}` for several.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum StartedReply {
    One(Box<StartedJob>),
    Many { jobs: Vec<StartedJob> },
}

impl StartedReply {
    pub fn of(jobs: &[Started]) -> Self {
        let view = |(job, how): &Started| StartedJob {
            job_id: job.id,
            status: job.status,
            created: *how == Queued::Created,
            job: job.clone(),
        };
        match jobs {
            [single] => Self::One(Box::new(view(single))),
            many => Self::Many {
                jobs: many.iter().map(view).collect(),
            },
        }
    }
}

/// What a function that starts syncs builds once per cold start.
#[derive(Clone)]
pub struct SyncWiring {
    /// Runs syncs (or single fetches) in this process; needs the keyring.
    pub engine: Engine,
    pub dispatcher: Arc<Dispatcher>,
    /// `SYNC_MAX_RANGE_DAYS`: the longest explicit re-sync range a request may ask for.
    pub max_range_days: i64,
}

/// Where the jobs a function queues are run.
#[derive(Clone, Debug, Default)]
pub enum DispatchConfig {
    /// In this process (locally, tests).
    #[default]
    Inline,
    /// As `SyncRequested` events on this EventBridge bus, for the sync worker (in AWS).
    EventBridge { bus: String },
}

/// What a function that starts syncs reads from the environment, parsed only.
#[derive(Clone, Debug)]
pub struct WiringConfig {
    pub settings: SyncSettings,
    pub dispatch: DispatchConfig,
    /// `SYNC_MAX_RANGE_DAYS`: the longest explicit re-sync range a request may ask for.
    pub max_range_days: i64,
}

impl Default for WiringConfig {
    fn default() -> Self {
        Self {
            settings: SyncSettings::default(),
            dispatch: DispatchConfig::Inline,
            max_range_days: 92,
        }
    }
}

impl WiringConfig {
    /// `SYNC_DISPATCH` = `eventbridge` (with `SYNC_EVENT_BUS`) in AWS, `inline` locally, plus the
    /// engine's own settings (`SyncSettings::from_env`) and `SYNC_MAX_RANGE_DAYS` (default 92).
    pub fn from_env() -> Result<Self, EngineError> {
        let config = |m: &str| EngineError::Config(m.to_owned());
        let dispatch = match settings::env_optional("SYNC_DISPATCH").as_deref() {
            Some("eventbridge") => DispatchConfig::EventBridge {
                bus: settings::env_optional("SYNC_EVENT_BUS").ok_or_else(|| {
                    config("SYNC_EVENT_BUS is required with SYNC_DISPATCH=eventbridge")
                })?,
            },
            Some("inline") | None => DispatchConfig::Inline,
            Some(_) => return Err(config("SYNC_DISPATCH must be eventbridge or inline")),
        };
        Ok(Self {
            settings: SyncSettings::from_env()?,
            dispatch,
            max_range_days: settings::env_number("SYNC_MAX_RANGE_DAYS", 1..=366)
                .map_err(|e| config(&e.to_string()))?
                .unwrap_or(92),
        })
    }
}

impl SyncWiring {
    /// The engine and the dispatcher `config` asks for. Inline dispatch runs syncs in this process,
    /// so without a keyring to open credentials it refuses to start.
    pub async fn build(config: WiringConfig, deps: &startup::Deps) -> Result<Self, EngineError> {
        let engine = Engine::new(deps.db.clone(), Arc::clone(&deps.secrets), config.settings);
        let dispatcher = match config.dispatch {
            DispatchConfig::EventBridge { bus } => {
                Dispatcher::EventBridge(EventBus::new(deps.aws(), bus))
            }
            DispatchConfig::Inline => {
                let loaded = deps
                    .secrets
                    .current()
                    .await
                    .map_err(|e| EngineError::Config(e.to_string()))?;
                loaded
                    .keyring()
                    .map_err(|e| EngineError::Config(e.to_string()))?;
                Dispatcher::Inline(engine.clone())
            }
        };
        Ok(Self {
            engine,
            dispatcher: Arc::new(dispatcher),
            max_range_days: config.max_range_days,
        })
    }
}
