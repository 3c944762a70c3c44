//! The platform's MightyCall account serves only orgs a platform admin bound to it, never an org
//! just because it has no credentials (anyone can create one).

use axum::http::Method;
use chrono::{TimeDelta, Utc};
use domain::{JobStatus, Resource};
use mightycall_fake::FakeConfig;
use serde_json::{Value, json};
use uuid::Uuid;

use integration_tests::World;
use integration_tests::world::succeeded;

const PLATFORM: usize = 2;

/// Fake account 2 is the platform's; the deployment allows the platform account (master switch).
async fn world(allow: bool) -> World {
    World::builder()
        .fake(FakeConfig {
            accounts: 3,
            ..FakeConfig::default()
        })
        .connected()
        .secrets(|fake| {
            let keys = &fake.accounts()[PLATFORM];
            json!({ "MIGHTYCALL_API_KEY": keys.api_key, "MIGHTYCALL_USER_KEY": keys.user_key })
        })
        .tune(|s| s.allow_platform_credentials = allow)
        .build()
        .await
}

/// Starts `sync/reports` for `org` through the sync function and waits for the job to end.
async fn sync_reports(w: &World, org: Uuid, user: Uuid) -> store::sync_jobs::Job {
    let reply = w
        .call(
            &w.sync().await,
            Method::POST,
            "/api/mightycall/sync/reports",
            user,
            Some(json!({ "orgId": org })),
        )
        .await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    let id = reply.body["job_id"].as_str().unwrap().parse().unwrap();
    w.finished(id).await
}

/// The org's call reports for the fake's whole data range, through the data function.
async fn reports(w: &World, org: Uuid, user: Uuid) -> Vec<Value> {
    let today = Utc::now().date_naive();
    let path = format!(
        "/api/mightycall/reports?orgId={org}&type=calls&startDate={}&endDate={today}&limit=100",
        today - TimeDelta::days(10)
    );
    let reply = w.call(&w.data(), Method::GET, &path, user, None).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["reports"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_self_made_org_without_credentials_gets_no_credentials_and_none_of_the_platforms_calls() {
    let w = world(true).await;
    // The review's case: a user who belongs to no org makes one, then syncs it.
    let reply = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            w.t.outsider,
            Some(json!({ "org_name": "Self made" })),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let org: Uuid = reply.body["org"]["id"].as_str().unwrap().parse().unwrap();

    let job = sync_reports(&w, org, w.t.outsider).await;
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.error_code.as_deref(), Some("no_credentials"));
    // A webhook's fetch of one of the platform's calls is refused the same way.
    let platform_call = w.fake.account(&w.api_key(PLATFORM)).unwrap().calls[0].id;
    let fetched = w
        .engine
        .fetch_call(domain::OrgId::new(org), &platform_call.to_string())
        .await;
    assert!(
        matches!(
            fetched,
            Err(sync_engine::FetchCallError::Upstream("no_credentials"))
        ),
        "{fetched:?}"
    );
    assert_eq!(
        w.fake.requests(&w.api_key(PLATFORM)),
        0,
        "the platform account was not used"
    );
    assert!(w.ids("calls", org).await.is_empty());
    assert!(reports(&w, org, w.t.outsider).await.is_empty());
}

#[tokio::test]
async fn an_org_a_platform_admin_bound_syncs_the_platform_account_until_unbound() {
    let w = world(true).await;
    let org = w.t.org_b;
    w.db.admin()
        .await
        .execute("delete from org_integrations where org_id = $1", &[&org])
        .await
        .unwrap();
    let admin = w.admin().await;
    let path = format!("/api/admin/orgs/{org}/platform-account");
    let bound = w
        .call(&admin, Method::PUT, &path, w.t.platform_admin, None)
        .await;
    assert_eq!(bound.status, 201, "{:?}", bound.body);

    succeeded(&w.sync_job(org, Resource::Calls).await);
    let platform_calls: Vec<String> = w
        .fake
        .account(&w.api_key(PLATFORM))
        .unwrap()
        .calls
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let mut expected = platform_calls.clone();
    expected.sort();
    assert_eq!(
        w.ids("calls", org).await,
        expected,
        "the platform account's calls, in org B"
    );
    assert_eq!(
        reports(&w, org, w.t.admin_b).await.len(),
        platform_calls.len().min(100)
    );
    assert!(
        w.ids("calls", w.t.org_a)
            .await
            .iter()
            .all(|id| !platform_calls.contains(id)),
        "and nowhere else"
    );

    let unbound = w
        .call(&admin, Method::DELETE, &path, w.t.platform_admin, None)
        .await;
    assert_eq!(unbound.status, 204, "{:?}", unbound.body);
    let job = w.sync_job(org, Resource::Calls).await;
    assert_eq!(job.error_code.as_deref(), Some("no_credentials"));
}

#[tokio::test]
async fn a_bound_org_gets_no_platform_account_where_the_deployment_switch_is_off() {
    let w = world(false).await;
    let org = w.t.org_b;
    w.db.admin()
        .await
        .execute("delete from org_integrations where org_id = $1", &[&org])
        .await
        .unwrap();
    let path = format!("/api/admin/orgs/{org}/platform-account");
    let bound = w
        .call(
            &w.admin().await,
            Method::PUT,
            &path,
            w.t.platform_admin,
            None,
        )
        .await;
    assert_eq!(bound.status, 201, "{:?}", bound.body);

    let job = w.sync_job(org, Resource::Calls).await;
    assert_eq!(job.error_code.as_deref(), Some("no_credentials"));
    assert_eq!(w.fake.requests(&w.api_key(PLATFORM)), 0);
}
