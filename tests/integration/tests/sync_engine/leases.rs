//! Job leases: a killed run blocks its (org, resource) only until its lease expires, then the next
//! trigger resumes the job from its checkpoint; a duplicate event runs nothing twice; a stalled
//! run that lost its lease writes nothing; a cancelled job stops at the next page boundary; and a
//! slow page cannot carry a run past its deadline. After each, the rows equal the source's and the
//! job tells the truth.

use std::time::{Duration, Instant};

use axum::http::Method;
use domain::{JobStatus, Resource};
use mightycall::{RetryPolicy, Timeouts};
use mightycall_fake::{Fault, FaultRule};
use serde_json::json;
use sync_engine::RunOutcome;
use test_harness::http::call;
use uuid::Uuid;

use crate::faults::config;
use integration_tests::World;
use integration_tests::world::succeeded;

fn far() -> Instant {
    Instant::now() + Duration::from_secs(600)
}

/// Requests that outlast a hanging page, so only the test decides when a run dies.
async fn world() -> World {
    World::builder()
        .fake(config())
        .connected()
        .tune(|s| {
            s.timeouts = Timeouts {
                connect: Duration::from_secs(2),
                request: Duration::from_secs(30),
            };
        })
        .build()
        .await
}

/// The second /calls page hangs for `delay`.
fn second_page_hangs(w: &World, delay: Duration) {
    w.fake.push_fault(
        FaultRule::once(Fault::Slow { delay })
            .on_path("/calls")
            .after(1),
    );
}

fn token(user: Uuid) -> String {
    test_harness::identity::token(user, "x@example.test")
}

#[tokio::test]
async fn a_killed_run_holds_its_job_only_until_the_lease_expires_then_the_next_trigger_resumes_it()
{
    let w = world().await;
    let job = w.queue(w.t.org_a, Resource::Calls).await;
    // Hangs far longer than a loaded machine needs to save the first page.
    second_page_hangs(&w, Duration::from_secs(60));
    // The process "dies" mid-page: the run is dropped with its connections.
    let run = tokio::spawn({
        let engine = w.engine.clone();
        async move { engine.run(job.id, far()).await }
    });
    w.saved_pages(job.id, 1).await;
    run.abort();
    assert!(
        run.await.unwrap_err().is_cancelled(),
        "the run was still going"
    );
    w.fake.clear_faults();
    let killed = w.job(job.id).await;
    assert_eq!((killed.status, killed.pages), (JobStatus::Running, 1));

    // Its lease is still live: a redelivered event does not run it a second time.
    let spent = w.fake.requests(&w.api_key(0));
    assert_eq!(w.engine.run(job.id, far()).await.unwrap(), RunOutcome::Held);
    assert_eq!(w.fake.requests(&w.api_key(0)), spent, "nothing was fetched");

    // Once it expired, a user's trigger takes the job over instead of returning it stuck.
    w.expire_lease(job.id).await;
    let reply = call(
        &w.sync().await,
        Method::POST,
        "/api/mightycall/sync/reports",
        Some(&token(w.t.admin_a)),
        Some(&json!({ "orgId": w.t.org_a })),
    )
    .await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    assert_eq!(reply.body["job_id"], job.id.to_string());
    assert_eq!(reply.body["created"], false);
    let done = w.finished(job.id).await;
    succeeded(&done);
    assert_eq!(
        done.pages, 3,
        "resumed after the saved page, not from the start"
    );
    assert_eq!(done.attempts, 2);
    assert_eq!(done.records_upserted, 2500);
    assert_eq!(done.error_code, None);
    w.expect_all_calls().await;
}

#[tokio::test]
async fn a_duplicate_event_runs_the_job_once() {
    let w = world().await;
    let job = w.queue(w.t.org_a, Resource::Calls).await;
    w.fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_millis(500),
        })
        .on_path("/calls"),
    );
    let (first, second) = tokio::join!(w.engine.run(job.id, far()), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        w.engine.run(job.id, far()).await
    });
    let mut outcomes = [first.unwrap(), second.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(
        outcomes,
        [RunOutcome::Finished(JobStatus::Succeeded), RunOutcome::Held]
    );
    let done = w.job(job.id).await;
    succeeded(&done);
    assert_eq!((done.attempts, done.pages), (1, 3));
    assert_eq!(done.records_upserted, 2500, "no page was written twice");
    assert_eq!(
        w.fake.requests(&w.api_key(0)),
        4,
        "one token and three pages, fetched once"
    );
    assert_eq!(done.api_requests, 4);
    w.expect_all_calls().await;
}

#[tokio::test]
async fn a_stalled_run_that_lost_its_lease_writes_nothing_after_the_takeover() {
    let w = world().await;
    let job = w.queue(w.t.org_a, Resource::Calls).await;
    second_page_hangs(&w, Duration::from_secs(2));
    let stalled = tokio::spawn({
        let engine = w.engine.clone();
        async move { engine.run(job.id, far()).await }
    });
    w.saved_pages(job.id, 1).await;
    w.expire_lease(job.id).await;

    let done = w.run(job.id).await;
    succeeded(&done);
    // The stalled run's page arrives during or after the takeover: it is rolled back, and the
    // run stops without touching the job.
    let late = stalled.await.unwrap().unwrap();
    assert!(
        matches!(
            late,
            RunOutcome::Held | RunOutcome::Finished(JobStatus::Succeeded)
        ),
        "{late:?}"
    );
    let after = w.job(job.id).await;
    assert_eq!(after.status, JobStatus::Succeeded);
    assert_eq!((after.pages, after.attempts), (3, 2));
    assert_eq!(
        after.records_upserted, 2500,
        "the late page was not counted"
    );
    assert_eq!(
        after.api_requests as usize,
        w.fake.requests(&w.api_key(0)),
        "every request spent is on the job, the late run's too"
    );
    w.expect_all_calls().await;
}

#[tokio::test]
async fn a_cancelled_job_stops_at_the_next_page_boundary_and_says_so() {
    let w = world().await;
    let router = w.sync().await;
    let job = w.queue(w.t.org_a, Resource::Calls).await;
    second_page_hangs(&w, Duration::from_secs(3));
    let run = tokio::spawn({
        let engine = w.engine.clone();
        async move { engine.run(job.id, far()).await }
    });
    w.saved_pages(job.id, 1).await;
    let reply = call(
        &router,
        Method::POST,
        &format!("/api/mightycall/sync/jobs/{}/cancel", job.id),
        Some(&token(w.t.admin_a)),
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["job"]["status"], "cancelled");

    assert_eq!(
        run.await.unwrap().unwrap(),
        RunOutcome::Finished(JobStatus::Cancelled)
    );
    let cancelled = w.job(job.id).await;
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert_eq!(cancelled.error_code.as_deref(), Some("cancelled"));
    assert_eq!(cancelled.pages, 1, "the page in flight was not saved");
    assert_eq!(
        (
            cancelled.records_upserted,
            w.ids("calls", w.t.org_a).await.len()
        ),
        (1000, 1000),
        "the job's counters match the rows it saved"
    );
    assert!(cancelled.finished_at.is_some());

    // The (org, resource) is free at once, and the next sync finishes the rows.
    let next = w.sync_job(w.t.org_a, Resource::Calls).await;
    assert_ne!(next.id, job.id);
    succeeded(&next);
    w.expect_all_calls().await;
}

#[tokio::test]
async fn a_slow_page_cannot_carry_a_run_past_its_deadline() {
    // A 1 s margin configured, but a page may take up to its 5 s timeout: the margin grows.
    let w = World::builder()
        .fake(config())
        .connected()
        .tune(|s| {
            s.deadline_margin = Duration::from_secs(1);
            s.timeouts = Timeouts {
                connect: Duration::from_secs(1),
                request: Duration::from_secs(5),
            };
            s.retry = RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            };
        })
        .build()
        .await;
    assert!(w.engine.settings().deadline_margin >= w.engine.settings().page_bound());
    let job = w.queue(w.t.org_a, Resource::Calls).await;
    second_page_hangs(&w, Duration::from_secs(4));
    let deadline = Instant::now() + Duration::from_secs(3);
    let outcome = w.engine.run(job.id, deadline).await.unwrap();
    assert!(Instant::now() <= deadline, "the run outlived its deadline");
    assert_eq!(outcome, RunOutcome::Paused);
    assert_eq!(w.job(job.id).await.status, JobStatus::Queued);
    w.fake.clear_faults();
    succeeded(&w.run(job.id).await);
    w.expect_all_calls().await;
}
