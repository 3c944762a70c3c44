use std::time::{Duration, Instant};

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Engine, EngineError, RunOutcome};

/// `detail-type` of the event that asks the worker to run (or continue) a job.
pub const SYNC_REQUESTED: &str = "SyncRequested";
const SOURCE: &str = "victorysync.sync";
/// PutEvents takes at most 10 entries per call.
const BATCH: usize = 10;

/// The `detail` of a `SyncRequested` event.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncRequested {
    pub job_id: Uuid,
}

/// Where queued jobs go to run: the worker via EventBridge in AWS (`SYNC_DISPATCH=eventbridge`), or
/// a task in this process when running locally (`SYNC_DISPATCH=inline`).
#[derive(Clone)]
pub enum Dispatcher {
    Inline(Engine),
    EventBridge {
        client: aws_sdk_eventbridge::Client,
        bus: String,
    },
}

impl Dispatcher {
    pub async fn dispatch(&self, jobs: &[Uuid]) -> Result<(), EngineError> {
        match self {
            Self::Inline(engine) => {
                for &job in jobs {
                    let engine = engine.clone();
                    tokio::spawn(async move { run_to_end(&engine, job).await });
                }
                Ok(())
            }
            Self::EventBridge { client, bus } => publish(client, bus, jobs).await,
        }
    }
}

/// Locally there is no Lambda deadline: run in 15-minute slices (like a worker would) until done.
async fn run_to_end(engine: &Engine, job: Uuid) {
    loop {
        match engine
            .run(job, Instant::now() + Duration::from_secs(15 * 60))
            .await
        {
            Ok(RunOutcome::Paused) => continue,
            Ok(RunOutcome::Finished(status)) => {
                tracing::info!(%job, status = status.as_str(), "sync job finished");
                return;
            }
            Err(e) => {
                tracing::error!(%job, error = %e, "sync job could not run");
                return;
            }
        }
    }
}

/// Publishes one `SyncRequested` event per job in batches of 10, retrying only the entries
/// EventBridge reports as failed (a partial failure still returns 200).
async fn publish(
    client: &aws_sdk_eventbridge::Client,
    bus: &str,
    jobs: &[Uuid],
) -> Result<(), EngineError> {
    for batch in jobs.chunks(BATCH) {
        let mut pending: Vec<Uuid> = batch.to_vec();
        for attempt in 0..4u32 {
            if pending.is_empty() {
                break;
            }
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 * 2u64.pow(attempt))).await;
            }
            let entries = pending
                .iter()
                .map(|job| {
                    PutEventsRequestEntry::builder()
                        .event_bus_name(bus)
                        .source(SOURCE)
                        .detail_type(SYNC_REQUESTED)
                        .detail(serde_json::json!(SyncRequested { job_id: *job }).to_string())
                        .build()
                })
                .collect();
            let output = client
                .put_events()
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| {
                    EngineError::Dispatch(
                        aws_sdk_eventbridge::error::DisplayErrorContext(&e).to_string(),
                    )
                })?;
            // Results line up with entries; an entry with an error code was not published.
            pending = pending
                .iter()
                .zip(output.entries())
                .filter(|(_, result)| result.error_code().is_some())
                .map(|(job, _)| *job)
                .collect();
        }
        if !pending.is_empty() {
            return Err(EngineError::Dispatch(format!(
                "{} sync events could not be published",
                pending.len()
            )));
        }
    }
    Ok(())
}
