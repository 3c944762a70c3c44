//! Every sample event in `events/trigger` goes through lambda_http's parser into the real router.
//! Placeholders are replaced by live values: the seeded org, a configured service key, a signature
//! over the sample's body, a webhook token, the org's api key and a call the fake knows.

use chrono::{TimeDelta, Utc};
use integration_tests::events::{SAMPLE_ORG, invoke, samples};

use crate::support::{KEY_1, TriggerCalls, sign, world};

#[tokio::test]
async fn every_trigger_sample_event_succeeds() {
    let w = world().await;
    let expected = [
        ("service-key-sync-reports.json", 202),
        ("signed-sync-contacts.json", 202),
        ("webhook-call-completed.json", 202),
    ];
    let token = w.webhook_token(w.t.org_a, w.t.admin_a).await;
    let key = w.api_key(0);
    let call = w
        .fake
        .add_calls(&key, &[Utc::now() - TimeDelta::minutes(3)])[0]
        .id;
    let router = w.trigger().await;
    for ((name, text), (_, status)) in samples("trigger", &expected.map(|(n, _)| n))
        .into_iter()
        .zip(expected)
    {
        let text = text
            .replace(SAMPLE_ORG, &w.t.org_a.to_string())
            .replace("DEMO_SERVICE_KEY", KEY_1)
            .replace("DEMO_WEBHOOK_TOKEN", &token)
            .replace("DEMO_API_KEY", &key)
            .replace("DEMO_CALL_ID", &call.to_string())
            .replace(
                "DEMO_TIMESTAMP",
                &Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f0Z").to_string(),
            );
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        if event["headers"]["x-signature"] == "DEMO_SIGNATURE" {
            let body = event["body"].as_str().unwrap_or_default().to_owned();
            event["headers"]["x-signature"] = sign(KEY_1, Utc::now().timestamp(), &body).into();
        }
        let reply = invoke(&router, &event.to_string()).await;
        assert_eq!(reply.status, status, "{name}: {}", reply.text());
        if let Some(id) = reply.json()["job_id"].as_str() {
            w.finished(id.parse().unwrap()).await;
        }
    }
    assert!(w.ids("calls", w.t.org_a).await.contains(&call.to_string()));
}
