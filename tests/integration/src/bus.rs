//! An event bus in the AWS emulator whose `SyncRequested` events a test can read back.

use serde_json::json;
use sync_engine::Dispatcher;
use uuid::Uuid;

/// An event bus with a rule that copies `SyncRequested` events to an SQS queue.
pub struct Bus {
    pub name: String,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
}

impl Bus {
    pub async fn new() -> Self {
        let aws = test_harness::AwsEmulator::get();
        let (events, sqs) = (aws.eventbridge(), aws.sqs());
        let name = format!("victorysync-test-{}", Uuid::new_v4().simple());
        events.create_event_bus().name(&name).send().await.unwrap();
        let queue = sqs.create_queue().queue_name(&name).send().await.unwrap();
        let queue_url = queue.queue_url().unwrap().to_owned();
        let arn_name = aws_sdk_sqs::types::QueueAttributeName::QueueArn;
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(arn_name.clone())
            .send()
            .await
            .unwrap();
        let queue_arn = attributes.attributes().unwrap()[&arn_name].clone();
        events
            .put_rule()
            .name(&name)
            .event_bus_name(&name)
            .event_pattern(json!({ "detail-type": [sync_engine::SYNC_REQUESTED] }).to_string())
            .send()
            .await
            .unwrap();
        let target = aws_sdk_eventbridge::types::Target::builder()
            .id("queue")
            .arn(&queue_arn)
            .build()
            .unwrap();
        events
            .put_targets()
            .rule(&name)
            .event_bus_name(&name)
            .targets(target)
            .send()
            .await
            .unwrap();
        Self {
            name,
            sqs,
            queue_url,
        }
    }

    pub fn dispatcher(&self) -> Dispatcher {
        Dispatcher::EventBridge(sync_engine::EventBus::new(
            test_harness::AwsEmulator::get().sdk_config(),
            self.name.clone(),
        ))
    }

    /// Waits (bounded) for `count` events and returns their details.
    pub async fn receive(&self, count: usize) -> Vec<sync_engine::SyncRequested> {
        let mut details = Vec::new();
        for _ in 0..50 {
            let received = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .unwrap();
            for message in received.messages() {
                let event: serde_json::Value =
                    serde_json::from_str(message.body().unwrap()).unwrap();
                assert_eq!(event["detail-type"], sync_engine::SYNC_REQUESTED);
                assert_eq!(event["source"], sync_engine::SYNC_SOURCE);
                details.push(serde_json::from_value(event["detail"].clone()).unwrap());
            }
            if details.len() >= count {
                break;
            }
        }
        details
    }
}
