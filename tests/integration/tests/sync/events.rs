//! Every sample event in `events/sync` goes through lambda_http's parser into the real router.
//! Placeholders (`DEMO_TOKEN`, the sample org and job ids, `DEMO_START`/`DEMO_END`) are replaced by
//! a live token, the seeded org, a real job and dates inside the allowed range. The cancel sample
//! cancels a job queued for it (the started ones have finished by then).

use std::path::Path;

use http_body_util::BodyExt;
use mightycall_fake::FakeConfig;
use tower::ServiceExt;

use crate::support::World;

const SAMPLE_ORG: &str = "11111111-1111-4111-8111-111111111111";
const SAMPLE_JOB: &str = "33333333-3333-4333-8333-333333333333";

#[tokio::test]
async fn every_sync_sample_event_succeeds() {
    let w = World::new(FakeConfig::default()).await;
    let router = w.router().await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/sync");
    let expected = [
        ("start-reports.json", 202),
        ("start-all-range.json", 202),
        ("list-jobs.json", 200),
        ("get-job.json", 200),
        ("cancel-job.json", 200),
    ];
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut listed: Vec<String> = expected.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(names, listed, "every sample has an expectation");
    let today = chrono::Utc::now().date_naive();
    let mut job = String::new();
    for (name, status) in expected {
        if name == "cancel-job.json" {
            job = w
                .queue(w.t.org_a, domain::Resource::Sms)
                .await
                .id
                .to_string();
        }
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap()
            .replace(
                "DEMO_TOKEN",
                &test_harness::identity::token(w.t.admin_a, "a@example.test"),
            )
            .replace(SAMPLE_ORG, &w.t.org_a.to_string())
            .replace(SAMPLE_JOB, &job)
            .replace("DEMO_START", &(today - chrono::Days::new(2)).to_string())
            .replace("DEMO_END", &today.to_string());
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        if let Some(len) = event["body"].as_str().map(str::len) {
            event["headers"]["content-length"] = len.to_string().into();
        }
        let request = lambda_http::request::from_str(&event.to_string()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let got = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(got, status, "{name}: {}", String::from_utf8_lossy(&bytes));
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        if let Some(id) = body["job_id"].as_str() {
            job = id.to_owned();
            w.finished(id.parse().unwrap()).await;
        }
    }
}
