//! `SYNC_DISPATCH=eventbridge` against the AWS emulator with the real SDK: every job becomes one
//! `SyncRequested` event on the bus, read back through a rule whose target is an SQS queue.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use sync_engine::{Dispatcher, SYNC_REQUESTED};
use test_harness::AwsEmulator;
use uuid::Uuid;

#[tokio::test]
async fn every_job_is_published_once_in_batches_of_ten() {
    let aws = AwsEmulator::get();
    let (events, sqs) = (aws.eventbridge(), aws.sqs());
    let name = format!("victorysync-test-{}", Uuid::new_v4().simple());
    events.create_event_bus().name(&name).send().await.unwrap();
    let queue = sqs.create_queue().queue_name(&name).send().await.unwrap();
    let queue_url = queue.queue_url().unwrap().to_owned();
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap();
    let queue_arn =
        attributes.attributes().unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn].clone();
    events
        .put_rule()
        .name(&name)
        .event_bus_name(&name)
        .event_pattern(serde_json::json!({ "detail-type": [SYNC_REQUESTED] }).to_string())
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(&name)
        .event_bus_name(&name)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("queue")
                .arn(&queue_arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let jobs: Vec<Uuid> = (0..23).map(|_| Uuid::new_v4()).collect();
    let dispatcher = Dispatcher::EventBridge {
        client: events.clone(),
        bus: name.clone(),
    };
    dispatcher.dispatch(&jobs).await.unwrap();

    let mut seen = Vec::new();
    for _ in 0..50 {
        let received = sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        for message in received.messages() {
            let event: Value = serde_json::from_str(message.body().unwrap()).unwrap();
            assert_eq!(event["detail-type"], SYNC_REQUESTED);
            assert_eq!(event["source"], "victorysync.sync");
            seen.push(
                event["detail"]["job_id"]
                    .as_str()
                    .unwrap()
                    .parse::<Uuid>()
                    .unwrap(),
            );
        }
        if seen.len() >= jobs.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen.len(), jobs.len(), "one event per job, no duplicates");
    let seen: BTreeSet<Uuid> = seen.into_iter().collect();
    assert_eq!(seen, jobs.into_iter().collect::<BTreeSet<_>>());

    let missing_bus = Dispatcher::EventBridge {
        client: events,
        bus: format!("{name}-missing"),
    };
    let err = missing_bus.dispatch(&[Uuid::new_v4()]).await.unwrap_err();
    assert!(err.to_string().contains("could not dispatch"), "{err}");
}
