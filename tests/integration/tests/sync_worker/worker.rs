//! The sync worker: scheduled fan-out to due organisations and `SyncRequested` runs with
//! continuation, against the AWS emulator's EventBridge and the fake MightyCall.

use std::time::{Duration, Instant};

use domain::{JobStatus, Resource};
use mightycall_fake::FakeConfig;
use serde_json::json;
use sync_engine::{DispatchConfig, WiringConfig};
use sync_worker::Worker;

use integration_tests::World;
use integration_tests::bus::Bus;
use integration_tests::events::samples;

/// The worker, built as `main` builds it, publishing to `bus`.
async fn worker(w: &World, bus: &Bus) -> Worker {
    let config = WiringConfig {
        dispatch: DispatchConfig::EventBridge {
            bus: bus.name.clone(),
        },
        ..w.wiring()
    };
    Worker::build(config, w.deps.clone()).await.unwrap()
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(600)
}

#[tokio::test]
async fn a_tick_queues_every_resource_of_each_due_org_and_publishes_one_event_per_org() {
    let w = World::connected(FakeConfig::default()).await;
    let bus = Bus::new().await;
    let worker = worker(&w, &bus).await;
    let admin = w.db.admin().await;
    admin
        .execute(
            "update org_integrations set enabled = false where org_id = $1",
            &[&w.t.org_b],
        )
        .await
        .unwrap();

    let tick = json!({ "version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "detail": {} });
    let answer = worker.handle(tick.clone(), far()).await.unwrap();
    assert_eq!(
        answer,
        json!({ "orgs": 1, "jobs": 6, "resumed": 0 }),
        "only org A is enabled and due"
    );
    let events = bus.receive(1).await;
    assert_eq!(events.len(), 1);
    let mut resources = Vec::new();
    for id in &events[0].job_ids {
        let job = w.job(*id).await;
        assert_eq!(job.org_id.as_uuid(), w.t.org_a);
        assert_eq!(job.trigger, domain::SyncTrigger::Schedule);
        resources.push(job.resource);
    }
    assert_eq!(resources, Resource::ALL.to_vec(), "calls before recordings");

    let again = worker.handle(tick.clone(), far()).await.unwrap();
    assert_eq!(
        again,
        json!({ "orgs": 0, "jobs": 0, "resumed": 0 }),
        "not due again before its interval"
    );

    admin
        .execute(
            "update org_integrations set enabled = true where org_id = $1",
            &[&w.t.org_b],
        )
        .await
        .unwrap();
    admin
        .execute(
            "update org_integrations set last_scheduled_at = now() - interval '61 minutes' where org_id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let third = worker
        .handle(json!({ "action": "fan_out" }), far())
        .await
        .unwrap();
    assert_eq!(
        third["orgs"], 2,
        "A's interval passed and B is enabled: {third}"
    );
    assert_eq!(
        third["jobs"], 6,
        "A's jobs are still queued from the first tick; only B's are new"
    );
}

#[tokio::test]
async fn sync_requested_runs_jobs_in_order_and_continues_past_the_deadline() {
    let w = World::connected(FakeConfig::default()).await;
    let bus = Bus::new().await;
    let worker = worker(&w, &bus).await;
    let calls = w.queue(w.t.org_a, Resource::Calls).await;
    let recordings = w.queue(w.t.org_a, Resource::Recordings).await;
    let event = json!({
        "detail-type": "SyncRequested",
        "source": "victorysync.sync",
        "detail": { "job_ids": [calls.id, recordings.id] },
    });

    // An invocation with no time left stops before the first page and hands everything on.
    let answer = worker.handle(event, Instant::now()).await.unwrap();
    assert_eq!(answer["continued"], json!([calls.id, recordings.id]));
    let continuation = bus.receive(1).await;
    assert_eq!(continuation[0].job_ids, vec![calls.id, recordings.id]);
    assert_eq!(w.job(calls.id).await.status, JobStatus::Queued);

    let event =
        json!({ "detail-type": "SyncRequested", "detail": { "job_ids": continuation[0].job_ids } });
    let answer = worker.handle(event, far()).await.unwrap();
    assert_eq!(answer["continued"], json!([]));
    assert_eq!(w.job(calls.id).await.status, JobStatus::Succeeded);
    assert_eq!(w.job(recordings.id).await.status, JobStatus::Succeeded);
    let recorded = w
        .fake
        .account(&w.api_key(0))
        .unwrap()
        .calls
        .iter()
        .filter(|c| c.recorded)
        .count();
    assert_eq!(
        w.ids("mightycall_recordings", w.t.org_a).await.len(),
        recorded,
        "recordings ran after calls"
    );
}

#[tokio::test]
async fn the_tick_dispatches_again_a_job_whose_event_was_lost_and_it_runs_once() {
    let w = World::connected(FakeConfig::default()).await;
    let bus = Bus::new().await;
    let worker = worker(&w, &bus).await;
    // Neither org is due; org A has a job whose SyncRequested event never arrived (dead-lettered).
    w.db.admin()
        .await
        .execute("update org_integrations set last_scheduled_at = now()", &[])
        .await
        .unwrap();
    let lost = w.queue(w.t.org_a, Resource::Calls).await;
    let tick = json!({ "action": "fan_out" });
    let within_grace = worker.handle(tick.clone(), far()).await.unwrap();
    assert_eq!(
        within_grace["resumed"], 0,
        "a job within its dispatch grace is left alone"
    );

    w.expire_lease(lost.id).await;
    let answer = worker.handle(tick.clone(), far()).await.unwrap();
    assert_eq!(answer, json!({ "orgs": 0, "jobs": 0, "resumed": 1 }));
    let events = bus.receive(1).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].job_ids, vec![lost.id]);
    let again = worker.handle(tick, far()).await.unwrap();
    assert_eq!(again["resumed"], 0, "dispatched once, with a fresh grace");

    // The event arrives twice (EventBridge delivers at least once): the job runs once.
    let event = json!({ "detail-type": "SyncRequested", "detail": { "job_ids": [lost.id] } });
    let (first, second) = tokio::join!(
        worker.handle(event.clone(), far()),
        worker.handle(event, far())
    );
    let answers = [first.unwrap(), second.unwrap()];
    assert_eq!(
        answers
            .iter()
            .filter(|a| a["held"] == json!(lost.id))
            .count()
            + answers
                .iter()
                .filter(|a| a["finished"][0]["status"] == "succeeded")
                .count(),
        2,
        "one run finished it, the other found it held or already done: {answers:?}"
    );
    let done = w.job(lost.id).await;
    assert_eq!((done.status, done.attempts), (JobStatus::Succeeded, 1));
    assert_eq!(
        w.ids("calls", w.t.org_a).await.len(),
        w.fake.account(&w.api_key(0)).unwrap().calls.len()
    );
}

#[tokio::test]
async fn health_answers_and_unknown_events_fail_the_invocation() {
    let w = World::connected(FakeConfig::default()).await;
    let bus = Bus::new().await;
    let worker = worker(&w, &bus).await;
    let health: serde_json::Value =
        serde_json::from_str(include_str!("../../../../events/sync-worker/health.json")).unwrap();
    let answer = worker.handle(health, far()).await.unwrap();
    assert_eq!(answer["status"], "ok");
    for event in [
        json!({ "detail-type": "Something Else", "detail": {} }),
        json!({ "detail-type": "SyncRequested", "detail": { "job_id": "x" } }),
        json!({ "hello": "world" }),
    ] {
        let err = worker.handle(event.clone(), far()).await.unwrap_err();
        assert!(
            err.to_string().starts_with("unsupported event"),
            "{event}: {err}"
        );
    }
}

#[tokio::test]
async fn every_worker_sample_event_is_handled() {
    let w = World::connected(FakeConfig::default()).await;
    let bus = Bus::new().await;
    let worker = worker(&w, &bus).await;
    let job = w.queue(w.t.org_a, Resource::Contacts).await;
    let order = [
        "health.json",
        "scheduled-event.json",
        "scheduler-tick.json",
        "sync-requested.json",
    ];
    for (name, text) in samples("sync-worker", &order) {
        // The SyncRequested sample names a placeholder job: it runs the one queued here.
        let text = text.replace("44444444-4444-4444-8444-444444444444", &job.id.to_string());
        let answer = worker
            .handle(serde_json::from_str(&text).unwrap(), far())
            .await;
        assert!(answer.is_ok(), "{name}: {answer:?}");
    }
    assert_eq!(w.job(job.id).await.status, JobStatus::Succeeded);
}
