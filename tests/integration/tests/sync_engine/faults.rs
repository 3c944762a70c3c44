//! Every injected fault ends in a correct final state after at most one re-run, and the job tells
//! the truth about what happened.

use std::time::Duration;

use domain::{JobStatus, Resource};
use mightycall::{RetryPolicy, Timeouts};
use mightycall_fake::{FakeConfig, Fault, FaultRule};

use integration_tests::World;
use integration_tests::world::succeeded;

pub(crate) fn config() -> FakeConfig {
    FakeConfig {
        calls: 2500,
        messages: 30,
        ..FakeConfig::default()
    }
}

/// Fast retries and timeouts so the faults cost milliseconds, not seconds.
pub(crate) async fn world() -> World {
    World::builder()
        .fake(config())
        .connected()
        .tune(|s| {
            s.retry = RetryPolicy {
                max_retries: 3,
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(50),
                max_retry_after: Duration::from_secs(2),
            };
            // Long enough that a loaded test machine never times out an answer the fake meant to be
            // good (a timed-out good page would shift which request a fault rule hits).
            s.timeouts = Timeouts {
                connect: Duration::from_secs(2),
                request: Duration::from_secs(3),
            };
        })
        .build()
        .await
}

#[tokio::test]
async fn rate_limits_server_errors_and_slow_answers_are_retried_within_the_run() {
    let w = world().await;
    w.fake.push_fault(
        FaultRule::once(Fault::RateLimited {
            retry_after: Duration::from_secs(1),
        })
        .on_path("/calls"),
    );
    w.fake.push_fault(
        FaultRule::once(Fault::ServerError { status: 503 })
            .on_path("/calls")
            .after(1)
            .times(2),
    );
    w.fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_secs(5),
        })
        .on_path("/calls")
        .after(2),
    );
    let job = w.sync_job(w.t.org_a, Resource::Calls).await;
    succeeded(&job);
    w.expect_all_calls().await;
    assert_eq!(
        job.api_requests as usize,
        w.fake.requests(&w.api_key(0)),
        "retries are counted too"
    );
    assert!(
        job.api_requests >= 4 + 4,
        "token, 3 pages and 4 retried attempts: {}",
        job.api_requests
    );
}

#[tokio::test]
async fn a_malformed_page_fails_the_job_and_one_rerun_completes_it() {
    let w = world().await;
    w.fake.push_fault(
        FaultRule::once(Fault::MalformedJson)
            .on_path("/calls")
            .after(1),
    );
    let failed = w.sync_job(w.t.org_a, Resource::Calls).await;
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(
        failed.error_code.as_deref(),
        Some("mightycall_decode_error")
    );
    assert_eq!(failed.pages, 1, "the page before the bad one was kept");
    let message = failed.error_message.unwrap_or_default();
    assert!(!message.contains(&w.api_key(0)), "{message}");

    succeeded(&w.sync_job(w.t.org_a, Resource::Calls).await);
    w.expect_all_calls().await;
}

#[tokio::test]
async fn a_token_expiring_mid_sync_is_renewed_once() {
    let w = world().await;
    w.fake.push_fault(
        FaultRule::once(Fault::ExpireToken)
            .on_path("/calls")
            .after(1),
    );
    let job = w.sync_job(w.t.org_a, Resource::Calls).await;
    succeeded(&job);
    w.expect_all_calls().await;
    assert_eq!(
        w.fake.token_grants(&w.api_key(0)).len(),
        2,
        "the first token and one renewal"
    );
}

#[tokio::test]
async fn the_daily_budget_stops_a_sync_before_it_is_spent_and_the_next_day_finishes() {
    let w = World::builder()
        .fake(config())
        .connected()
        .tune(|s| s.daily_budget = 3)
        .build()
        .await;
    let job = w.sync_job(w.t.org_a, Resource::Calls).await;
    assert_eq!(job.status, JobStatus::Partial);
    assert_eq!(job.error_code.as_deref(), Some("quota_exhausted"));
    assert_eq!(
        w.fake.requests(&w.api_key(0)),
        3,
        "never more than the budget"
    );
    assert_eq!(job.api_requests, 3);
    assert_eq!(
        w.ids("calls", w.t.org_a).await.len(),
        2000,
        "two pages saved"
    );

    // The next day the budget is fresh: one more run completes the window.
    w.db.admin()
        .await
        .batch_execute(
            "update mightycall_request_usage set day = day - 1;
             update mightycall_key_usage set day = day - 1",
        )
        .await
        .unwrap();
    succeeded(&w.sync_job(w.t.org_a, Resource::Calls).await);
    w.expect_all_calls().await;
}

#[tokio::test]
async fn mightycalls_own_quota_ends_the_job_truthfully() {
    let w = world().await;
    w.fake.set_quota(Some(2));
    let job = w.sync_job(w.t.org_a, Resource::Calls).await;
    assert_eq!(job.status, JobStatus::Partial, "{:?}", job.error_message);
    assert_eq!(job.error_code.as_deref(), Some("rate_limited"));
    assert_eq!(job.pages, 1);
    w.fake.set_quota(None);
    succeeded(&w.sync_job(w.t.org_a, Resource::Calls).await);
    w.expect_all_calls().await;
}

#[tokio::test]
async fn duplicates_across_pages_and_calls_arriving_during_paging_leave_exact_rows() {
    let w = world().await;
    w.fake.set_duplicate_rows(true);
    w.fake.set_new_calls_per_page(3);
    let job = w.sync_job(w.t.org_a, Resource::Calls).await;
    succeeded(&job);
    w.fake.set_duplicate_rows(false);
    w.fake.set_new_calls_per_page(0);
    // Calls that arrived during paging are after the closed window; the next run picks them up
    // once they are inside one (windows end on a whole second, so let that second pass).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    succeeded(&w.sync_job(w.t.org_a, Resource::Calls).await);
    w.expect_all_calls().await;
}
