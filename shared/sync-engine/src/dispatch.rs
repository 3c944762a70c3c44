use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Engine, EngineError, RunOutcome};

/// `detail-type` of the event that asks the worker to run (or continue) jobs.
pub const SYNC_REQUESTED: &str = "SyncRequested";
pub const SYNC_SOURCE: &str = "victorysync.sync";
/// PutEvents takes at most 10 entries per call.
const BATCH: usize = 10;

/// The `detail` of a `SyncRequested` event: one org's jobs, run in this order (recordings are
/// derived from calls, so calls must finish first).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncRequested {
    pub job_ids: Vec<Uuid>,
}

/// Where queued jobs go to run: the worker via EventBridge in AWS (`SYNC_DISPATCH=eventbridge`), or
/// a task in this process when running locally (`SYNC_DISPATCH=inline`).
#[derive(Clone)]
pub enum Dispatcher {
    Inline(Engine),
    EventBridge(EventBus),
}

/// An EventBridge bus whose client is built on the first publish: building an AWS SDK client
/// loads the system's root certificates (about 3 ms of a cold start, see the README's figures),
/// which a function that has not published yet does not need.
#[derive(Clone)]
pub struct EventBus {
    name: String,
    config: Arc<aws_config::SdkConfig>,
    client: Arc<OnceLock<aws_sdk_eventbridge::Client>>,
}

impl EventBus {
    pub fn new(config: aws_config::SdkConfig, name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            config: Arc::new(config),
            client: Arc::default(),
        }
    }

    fn client(&self) -> &aws_sdk_eventbridge::Client {
        self.client
            .get_or_init(|| aws_sdk_eventbridge::Client::new(&self.config))
    }
}

impl Dispatcher {
    /// Each element is one ordered set of jobs (one org's); empty sets are skipped.
    pub async fn dispatch(&self, sets: &[Vec<Uuid>]) -> Result<(), EngineError> {
        let sets: Vec<&Vec<Uuid>> = sets.iter().filter(|s| !s.is_empty()).collect();
        match self {
            Self::Inline(engine) => {
                for set in sets {
                    let (engine, set) = (engine.clone(), set.clone());
                    tokio::spawn(async move { run_in_order(&engine, &set).await });
                }
                Ok(())
            }
            Self::EventBridge(bus) => {
                let details: Vec<String> = sets
                    .into_iter()
                    .map(|set| {
                        serde_json::json!(SyncRequested {
                            job_ids: set.clone()
                        })
                        .to_string()
                    })
                    .collect();
                let sink = EventBridgeSink {
                    client: bus.client(),
                    bus: &bus.name,
                };
                publish(&sink, &details).await
            }
        }
    }
}

/// Locally there is no Lambda deadline: run in 15-minute slices (like the worker) until done.
async fn run_in_order(engine: &Engine, jobs: &[Uuid]) {
    for &job in jobs {
        loop {
            match engine
                .run(job, Instant::now() + Duration::from_secs(15 * 60))
                .await
            {
                Ok(RunOutcome::Paused) => continue,
                Ok(RunOutcome::Finished(status)) => {
                    tracing::info!(%job, status = status.as_str(), "sync job finished");
                    break;
                }
                // Another run holds it and carries the rest of the set.
                Ok(RunOutcome::Held) => return,
                Err(e) => {
                    tracing::error!(%job, error = %e, "sync job could not run");
                    break;
                }
            }
        }
    }
}

/// Where `SyncRequested` details are published, one PutEvents call per batch. Answers, entry by
/// entry, whether it was accepted: EventBridge reports a partial failure inside a 200.
pub trait EventSink {
    fn put(
        &self,
        details: &[String],
    ) -> impl std::future::Future<Output = Result<Vec<bool>, EngineError>> + Send;
}

struct EventBridgeSink<'a> {
    client: &'a aws_sdk_eventbridge::Client,
    bus: &'a str,
}

impl EventSink for EventBridgeSink<'_> {
    async fn put(&self, details: &[String]) -> Result<Vec<bool>, EngineError> {
        let entries = details
            .iter()
            .map(|detail| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(self.bus)
                    .source(SYNC_SOURCE)
                    .detail_type(SYNC_REQUESTED)
                    .detail(detail)
                    .build()
            })
            .collect();
        let output = self
            .client
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
        Ok(output
            .entries()
            .iter()
            .map(|r| r.error_code().is_none())
            .collect())
    }
}

/// Publishes every detail in batches of 10, retrying (with backoff) only the entries the sink
/// reports as failed.
pub async fn publish(sink: &impl EventSink, details: &[String]) -> Result<(), EngineError> {
    for batch in details.chunks(BATCH) {
        let mut pending: Vec<&String> = batch.iter().collect();
        for attempt in 0..4u32 {
            if pending.is_empty() {
                break;
            }
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(50 * 2u64.pow(attempt))).await;
            }
            let owned: Vec<String> = pending.iter().map(|d| (*d).clone()).collect();
            let accepted = sink.put(&owned).await?;
            pending = pending
                .into_iter()
                .zip(accepted.into_iter().chain(std::iter::repeat(false)))
                .filter(|(_, ok)| !ok)
                .map(|(d, _)| d)
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
