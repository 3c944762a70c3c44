//! `SYNC_DISPATCH=eventbridge` against the AWS emulator with the real SDK: every job becomes one
//! `SyncRequested` event on the bus, read back through a rule whose target is an SQS queue.

use std::collections::BTreeSet;
use std::sync::Mutex;

use sync_engine::{Dispatcher, EngineError, EventSink, publish};
use test_harness::AwsEmulator;
use uuid::Uuid;

use integration_tests::bus::Bus;

#[tokio::test]
async fn every_job_is_published_once_in_batches_of_ten() {
    let bus = Bus::new().await;
    // 23 orgs' job sets (three jobs each, in order): three PutEvents batches.
    let sets: Vec<Vec<Uuid>> = (0..23)
        .map(|_| (0..3).map(|_| Uuid::new_v4()).collect())
        .collect();
    bus.dispatcher().dispatch(&sets).await.unwrap();

    let seen: Vec<Vec<Uuid>> = bus
        .receive(sets.len())
        .await
        .into_iter()
        .map(|d| d.job_ids)
        .collect();
    assert_eq!(seen.len(), sets.len(), "one event per set, no duplicates");
    let seen: BTreeSet<Vec<Uuid>> = seen.into_iter().collect();
    assert_eq!(
        seen,
        sets.into_iter().collect::<BTreeSet<_>>(),
        "each set arrives whole and in order"
    );

    let missing_bus = Dispatcher::EventBridge(sync_engine::EventBus::new(
        AwsEmulator::get().sdk_config(),
        format!("{}-missing", bus.name),
    ));
    let err = missing_bus
        .dispatch(&[vec![Uuid::new_v4()]])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("could not dispatch"), "{err}");
}

/// An in-memory sink that refuses every entry whose text is in `flaky` the first time it sees it,
/// like EventBridge's partial failures (FailedEntryCount > 0 inside a 200).
#[derive(Default)]
struct FlakySink {
    flaky: Vec<String>,
    calls: Mutex<Vec<Vec<String>>>,
}

impl EventSink for FlakySink {
    async fn put(&self, details: &[String]) -> Result<Vec<bool>, EngineError> {
        let mut calls = self.calls.lock().unwrap();
        let seen_before: Vec<String> = calls.iter().flatten().cloned().collect();
        calls.push(details.to_vec());
        Ok(details
            .iter()
            .map(|d| !self.flaky.contains(d) || seen_before.contains(d))
            .collect())
    }
}

#[tokio::test]
async fn batches_of_ten_and_only_failed_entries_are_retried() {
    let details: Vec<String> = (0..23).map(|i| format!("event-{i}")).collect();
    let sink = FlakySink {
        flaky: vec!["event-3".into(), "event-7".into(), "event-21".into()],
        ..FlakySink::default()
    };
    publish(&sink, &details).await.unwrap();
    let calls = sink.calls.lock().unwrap().clone();
    let sizes: Vec<usize> = calls.iter().map(Vec::len).collect();
    assert_eq!(
        sizes,
        vec![10, 2, 10, 3, 1],
        "three batches, each followed by a retry of its failures"
    );
    assert_eq!(calls[1], vec!["event-3".to_owned(), "event-7".to_owned()]);
    assert_eq!(calls[4], vec!["event-21".to_owned()]);
    let mut published: Vec<String> = calls.iter().flatten().cloned().collect();
    published.sort();
    published.dedup();
    assert_eq!(published.len(), 23);
}
