//! Every sample event in `events/trigger` goes through lambda_http's parser into the real router.
//! Placeholders are replaced by live values: the seeded org, a configured service key, a signature
//! over the sample's body, a webhook token, the org's api key and a call the fake knows.

use std::path::Path;

use chrono::{TimeDelta, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::{KEY_1, World, sign};

const SAMPLE_ORG: &str = "11111111-1111-4111-8111-111111111111";

#[tokio::test]
async fn every_trigger_sample_event_succeeds() {
    let w = World::new().await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/trigger");
    let expected = [
        ("service-key-sync-reports.json", 202),
        ("signed-sync-contacts.json", 202),
        ("webhook-call-completed.json", 202),
    ];
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        expected.map(|(n, _)| n.to_owned()),
        "every sample has an expectation"
    );
    let token = w.webhook_token(w.s.t.org_a, w.s.t.admin_a).await;
    let key = w.s.api_key(0);
    let call =
        w.s.fake
            .add_calls(&key, &[Utc::now() - TimeDelta::minutes(3)])[0]
            .id;
    for (name, status) in expected {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap()
            .replace(SAMPLE_ORG, &w.s.t.org_a.to_string())
            .replace("DEMO_SERVICE_KEY", KEY_1)
            .replace("DEMO_WEBHOOK_TOKEN", &token)
            .replace("DEMO_API_KEY", &key)
            .replace("DEMO_CALL_ID", &call.to_string())
            .replace(
                "DEMO_TIMESTAMP",
                &Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f0Z").to_string(),
            );
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        let body = event["body"].as_str().unwrap_or_default().to_owned();
        event["headers"]["content-length"] = body.len().to_string().into();
        if event["headers"]["x-signature"] == "DEMO_SIGNATURE" {
            event["headers"]["x-signature"] = sign(KEY_1, Utc::now().timestamp(), &body).into();
        }
        let request = lambda_http::request::from_str(&event.to_string()).unwrap();
        let response = w.router.clone().oneshot(request).await.unwrap();
        let got = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(got, status, "{name}: {}", String::from_utf8_lossy(&bytes));
        let reply: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        if let Some(id) = reply["job_id"].as_str() {
            w.s.finished(id.parse().unwrap()).await;
        }
    }
    assert!(
        w.s.ids("calls", w.s.t.org_a)
            .await
            .contains(&call.to_string())
    );
}
