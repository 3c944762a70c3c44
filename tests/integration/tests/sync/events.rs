//! Every sample event in `events/sync` goes through lambda_http's parser into the real router.
//! Placeholders (`DEMO_TOKEN`, the sample org and job ids, `DEMO_START`/`DEMO_END`) are replaced by
//! a live token, the seeded org, a real job and dates inside the allowed range. The cancel sample
//! cancels a job queued for it (the started ones have finished by then).

use integration_tests::World;
use integration_tests::events::{SAMPLE_JOB, SAMPLE_ORG, invoke, samples};
use mightycall_fake::FakeConfig;

#[tokio::test]
async fn every_sync_sample_event_succeeds() {
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
    let expected = [
        ("start-reports.json", 202),
        ("start-all-range.json", 202),
        ("list-jobs.json", 200),
        ("get-job.json", 200),
        ("cancel-job.json", 200),
    ];
    let today = chrono::Utc::now().date_naive();
    let mut job = String::new();
    for ((name, text), (_, status)) in samples("sync", &expected.map(|(n, _)| n))
        .into_iter()
        .zip(expected)
    {
        if name == "cancel-job.json" {
            job = w
                .queue(w.t.org_a, domain::Resource::Sms)
                .await
                .id
                .to_string();
        }
        let text = text
            .replace(
                "DEMO_TOKEN",
                &test_harness::identity::token(w.t.admin_a, "a@example.test"),
            )
            .replace(SAMPLE_ORG, &w.t.org_a.to_string())
            .replace(SAMPLE_JOB, &job)
            .replace("DEMO_START", &(today - chrono::Days::new(2)).to_string())
            .replace("DEMO_END", &today.to_string());
        let reply = invoke(&router, &text).await;
        assert_eq!(reply.status, status, "{name}: {}", reply.text());
        if let Some(id) = reply.json()["job_id"].as_str() {
            job = id.to_owned();
            w.finished(id.parse().unwrap()).await;
        }
    }
}
