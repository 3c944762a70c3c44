//! MightyCall's quota belongs to the api key: every run, webhook fetch and org on one key draws
//! from one daily budget, reserved in the database, so together they never exceed it.

use domain::{JobStatus, OrgId, Resource};
use mightycall_fake::FakeConfig;

use integration_tests::World;

const BUDGET: u32 = 4;

/// Calls need the token and five pages: more than the budget, so every run here runs out.
async fn world() -> World {
    World::builder()
        .fake(FakeConfig {
            calls: 5000,
            ..FakeConfig::default()
        })
        .connected()
        .tune(|s| s.daily_budget = BUDGET)
        .build()
        .await
}

fn quota_exhausted(job: &store::sync_jobs::Job) {
    assert_eq!(
        (job.status, job.error_code.as_deref()),
        (JobStatus::Partial, Some("quota_exhausted")),
        "{:?}",
        job.error_message
    );
}

#[tokio::test]
async fn two_orgs_on_one_key_syncing_at_once_share_its_budget() {
    let w = world().await;
    // Org B is connected to the same MightyCall account as org A.
    w.connect(w.t.org_b, 0).await;
    let (a, b) = (
        w.queue(w.t.org_a, Resource::Calls).await,
        w.queue(w.t.org_b, Resource::Calls).await,
    );
    let (a, b) = tokio::join!(w.run(a.id), w.run(b.id));
    assert_eq!(
        w.fake.requests(&w.api_key(0)),
        BUDGET as usize,
        "both runs together stay within the key's budget"
    );
    assert_eq!(a.api_requests + b.api_requests, BUDGET as i32);
    quota_exhausted(&a);
    quota_exhausted(&b);
    assert_eq!(w.fake.requests(&w.api_key(1)), 0);
}

#[tokio::test]
async fn two_resources_of_one_org_syncing_at_once_share_the_budget() {
    let w = world().await;
    let (calls, contacts) = (
        w.queue(w.t.org_a, Resource::Calls).await,
        w.queue(w.t.org_a, Resource::Contacts).await,
    );
    let (calls, contacts) = tokio::join!(w.run(calls.id), w.run(contacts.id));
    assert_eq!(w.fake.requests(&w.api_key(0)), BUDGET as usize);
    assert_eq!(calls.api_requests + contacts.api_requests, BUDGET as i32);
    quota_exhausted(&calls);
}

#[tokio::test]
async fn once_one_org_spent_the_keys_budget_another_org_and_a_webhook_fetch_send_nothing() {
    let w = world().await;
    quota_exhausted(&w.sync_job(w.t.org_a, Resource::Calls).await);
    let spent = w.fake.requests(&w.api_key(0));
    assert_eq!(spent, BUDGET as usize);

    w.connect(w.t.org_b, 0).await;
    let b = w.sync_job(w.t.org_b, Resource::Calls).await;
    quota_exhausted(&b);
    assert_eq!(b.api_requests, 0);
    let call = w.fake.account(&w.api_key(0)).unwrap().calls[0]
        .id
        .to_string();
    let fetched = w.engine.fetch_call(OrgId::new(w.t.org_b), &call).await;
    assert!(
        matches!(
            fetched,
            Err(sync_engine::FetchCallError::Upstream(
                "mightycall_quota_exhausted"
            ))
        ),
        "{fetched:?}"
    );
    assert_eq!(
        w.fake.requests(&w.api_key(0)),
        spent,
        "nothing more was sent"
    );

    // One count for the key, which names it only by its hash.
    let rows =
        w.db.admin()
            .await
            .query(
                "select key_fingerprint, requests from mightycall_key_usage",
                &[],
            )
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    let fingerprint: String = rows[0].get(0);
    assert_eq!(fingerprint.len(), 64);
    assert!(!fingerprint.contains(&w.api_key(0)));
    assert_eq!(rows[0].get::<_, i32>(1), BUDGET as i32);
}
