//! The tick's fan-out and a bounded fleet of workers. The fan-out is the scheduled tick's: claim
//! the due orgs, queue every resource for each, publish one `SyncRequested` per org in PutEvents
//! batches of 10 (here into an in-memory bus). Each worker is a sandbox running the real
//! `sync-worker` handler on one event at a time. A share of the runs is killed mid-page (the
//! sandbox and its connections are dropped) and the event is delivered again once the lease has
//! run out, as Lambda's retry of a failed invocation would; a share of the events is delivered
//! twice at once, as EventBridge may.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use domain::{Resource, SyncTrigger};
use serde_json::{Value, json};
use store::sync_jobs::Queued;
use sync_engine::{EngineError, EventSink, StartRequest, SyncRequested};
use tokio::sync::{Mutex, mpsc, watch};
use uuid::Uuid;

use crate::world::World;

/// One event on its way to a worker.
#[derive(Clone)]
pub struct Delivery {
    detail: SyncRequested,
    /// Kill the run once its calls job has saved a page.
    kill: bool,
}

#[derive(Default)]
pub struct Counters {
    pub kills: AtomicUsize,
    pub kills_missed: AtomicUsize,
    pub held: AtomicUsize,
    pub continued: AtomicUsize,
    pub errors: AtomicUsize,
}

/// The bus: PutEvents entries land in a queue the workers read.
struct Bus(mpsc::UnboundedSender<Delivery>);

impl EventSink for Bus {
    async fn put(&self, details: &[String]) -> Result<Vec<bool>, EngineError> {
        Ok(details
            .iter()
            .map(|d| {
                let detail = serde_json::from_str(d).unwrap();
                self.0
                    .send(Delivery {
                        detail,
                        kill: false,
                    })
                    .is_ok()
            })
            .collect())
    }
}

pub struct FanOut {
    pub orgs: usize,
    pub created: usize,
    pub duplicates: usize,
    pub seconds: f64,
}

/// The tick: due orgs claimed, jobs queued, one event per org published; every `kill_every`-th
/// org's run is marked for a kill and every `duplicate_every`-th other event is delivered twice.
pub async fn fan_out(
    world: &World,
    sender: &mpsc::UnboundedSender<Delivery>,
    kill_every: usize,
    duplicate_every: usize,
) -> FanOut {
    let started = Instant::now();
    let db = world.db.store();
    let tx = db.as_service().await.unwrap();
    let orgs = store::schedule::claim_due_orgs(&tx).await.unwrap();
    let jobs = sync_engine::queue_jobs(
        &tx,
        &StartRequest {
            orgs: &orgs,
            resources: &Resource::ALL,
            trigger: SyncTrigger::Schedule,
            requested_by: None,
            window: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let created = jobs
        .iter()
        .filter(|(_, how)| *how == Queued::Created)
        .count();
    let details: Vec<String> = orgs
        .iter()
        .map(|org| {
            let job_ids = jobs
                .iter()
                .filter(|(job, _)| job.org_id == *org)
                .map(|(job, _)| job.id)
                .collect();
            json!(SyncRequested { job_ids }).to_string()
        })
        .collect();
    let (bus_sender, mut published) = mpsc::unbounded_channel();
    sync_engine::publish(&Bus(bus_sender), &details)
        .await
        .unwrap();
    let (mut i, mut duplicates) = (0, 0);
    while let Ok(mut delivery) = published.try_recv() {
        i += 1;
        delivery.kill = kill_every > 0 && i % kill_every == 0;
        // Not on a killed run's event: the duplicate would run it and leave nothing to kill.
        if !delivery.kill && duplicate_every > 0 && i % duplicate_every == 0 {
            sender.send(delivery.clone()).unwrap();
            duplicates += 1;
        }
        sender.send(delivery).unwrap();
    }
    FanOut {
        orgs: orgs.len(),
        created,
        duplicates,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Runs `workers` workers until `done` turns true.
pub async fn run_fleet(
    world: Arc<World>,
    workers: usize,
    sender: mpsc::UnboundedSender<Delivery>,
    receiver: mpsc::UnboundedReceiver<Delivery>,
    done: watch::Receiver<bool>,
    counters: Arc<Counters>,
) {
    let receiver = Arc::new(Mutex::new(receiver));
    let fleet: Vec<_> = (0..workers)
        .map(|_| {
            let (world, sender, receiver, mut done, counters) = (
                Arc::clone(&world),
                sender.clone(),
                Arc::clone(&receiver),
                done.clone(),
                Arc::clone(&counters),
            );
            tokio::spawn(async move {
                let mut sandbox = world.sandbox();
                loop {
                    let next = tokio::select! {
                        next = async { receiver.lock().await.recv().await } => next,
                        _ = done.wait_for(|d| *d) => None,
                    };
                    let Some(delivery) = next else { break };
                    if delivery.kill {
                        kill_mid_page(&world, sandbox, &delivery, &sender, &counters).await;
                        // A new sandbox replaces the killed one, with new connections.
                        sandbox = world.sandbox();
                    } else {
                        handle(&sandbox, &delivery, &counters).await;
                    }
                }
            })
        })
        .collect();
    for worker in fleet {
        worker.await.unwrap();
    }
}

fn event(delivery: &Delivery) -> Value {
    json!({ "detail-type": sync_engine::SYNC_REQUESTED, "detail": delivery.detail })
}

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(900)
}

async fn handle(sandbox: &sync_worker::Worker, delivery: &Delivery, counters: &Counters) {
    match sandbox.handle(event(delivery), deadline()).await {
        Ok(answer) => {
            if !answer["held"].is_null() {
                counters.held.fetch_add(1, Ordering::Relaxed);
            }
            if answer["continued"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
            {
                counters.continued.fetch_add(1, Ordering::Relaxed);
            }
        }
        Err(e) => {
            eprintln!("worker error: {e}");
            counters.errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Runs the event, and drops the sandbox (its run and its connections) as soon as the org's
/// calls job has saved a page and is fetching the next one; the event comes back once the lease
/// has run out.
async fn kill_mid_page(
    world: &Arc<World>,
    sandbox: sync_worker::Worker,
    delivery: &Delivery,
    sender: &mpsc::UnboundedSender<Delivery>,
    counters: &Arc<Counters>,
) {
    let calls = calls_job(world, &delivery.detail.job_ids).await;
    let run = tokio::spawn({
        let (delivery, counters) = (delivery.clone(), Arc::clone(counters));
        async move { handle(&sandbox, &delivery, &counters).await }
    });
    let admin = world.db.admin().await;
    loop {
        if run.is_finished() {
            counters.kills_missed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let row = admin
            .query_one(
                "select pages, status from integration_sync_jobs where id = $1",
                &[&calls],
            )
            .await
            .unwrap();
        if row.get::<_, i32>(0) >= 1 && row.get::<_, String>(1) == "running" {
            run.abort();
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    counters.kills.fetch_add(1, Ordering::Relaxed);
    let retry = Delivery {
        detail: delivery.detail.clone(),
        kill: false,
    };
    let (sender, wait) = (sender.clone(), world.lease + Duration::from_secs(1));
    tokio::spawn(async move {
        tokio::time::sleep(wait).await;
        let _ = sender.send(retry);
    });
}

async fn calls_job(world: &World, jobs: &[Uuid]) -> Uuid {
    let row = world
        .db
        .admin()
        .await
        .query_one(
            "select id from integration_sync_jobs where id = any($1) and resource = 'calls'",
            &[&jobs],
        )
        .await
        .unwrap();
    row.get(0)
}
