use std::time::Duration;

use axum::http::Method;
use domain::JobStatus;
use mightycall_fake::{FakeConfig, Fault, FaultRule};
use serde_json::{Value, json};
use test_harness::http::{Reply, call};
use test_harness::identity::{JWT_SECRET, claims, sign};
use uuid::Uuid;

use crate::support::World;

async fn post(router: &axum::Router, kind: &str, user: Uuid, body: Value) -> Reply {
    let token = test_harness::identity::token(user, "x@example.test");
    call(
        router,
        Method::POST,
        &format!("/api/mightycall/sync/{kind}"),
        Some(&token),
        Some(&body),
    )
    .await
}

async fn get(router: &axum::Router, path: &str, user: Uuid) -> Reply {
    let token = test_harness::identity::token(user, "x@example.test");
    call(router, Method::GET, path, Some(&token), None).await
}

fn job_id(reply: &Reply) -> Uuid {
    reply.body["job_id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .unwrap()
}

#[tokio::test]
async fn an_org_admin_starts_a_sync_that_runs_and_a_second_trigger_gets_the_active_job() {
    let w = World::new(FakeConfig::default()).await;
    let router = w.router();
    w.fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_millis(800),
        })
        .on_path("/calls"),
    );
    let first = post(
        &router,
        "reports",
        w.t.admin_a,
        json!({ "orgId": w.t.org_a }),
    )
    .await;
    assert_eq!(first.status, 202, "{:?}", first.body);
    assert_eq!(first.body["created"], true);
    assert_eq!(first.body["job"]["resource"], "calls");
    assert_eq!(first.body["job"]["trigger"], "user");
    let second = post(
        &router,
        "reports",
        w.t.manager_a,
        json!({ "orgId": w.t.org_a }),
    )
    .await;
    assert_eq!(second.status, 202);
    assert_eq!(second.body["created"], false);
    assert_eq!(
        job_id(&second),
        job_id(&first),
        "the active job is returned, not a new one"
    );

    let done = w.finished(job_id(&first)).await;
    assert_eq!(
        done.status,
        JobStatus::Succeeded,
        "{:?}",
        done.error_message
    );
    assert_eq!(w.ids("calls", w.t.org_a).await.len(), 60);

    let job = get(
        &router,
        &format!("/api/mightycall/sync/jobs/{}", done.id),
        w.t.agent_a,
    )
    .await;
    assert_eq!(job.status, 200);
    assert_eq!(job.body["job"]["status"], "succeeded");
    assert_eq!(job.body["job"]["records_upserted"], 60);
}

#[tokio::test]
async fn all_queues_every_resource_and_a_dated_range_resyncs_that_window() {
    let w = World::new(FakeConfig::default()).await;
    let router = w.router();
    let today = chrono::Utc::now().date_naive();
    let start = (today - chrono::Days::new(3)).to_string();
    let reply = post(
        &router,
        "all",
        w.t.admin_a,
        json!({ "orgId": w.t.org_a, "startDate": start, "endDate": today.to_string() }),
    )
    .await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    let jobs = reply.body["jobs"].as_array().unwrap();
    let resources: Vec<&str> = jobs
        .iter()
        .map(|j| j["job"]["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        resources,
        [
            "phone_numbers",
            "calls",
            "recordings",
            "sms",
            "voicemails",
            "contacts"
        ]
    );
    assert!(jobs.iter().all(|j| {
        j["job"]["window_start"]
            .as_str()
            .unwrap()
            .starts_with(&start)
    }));
    for j in jobs {
        let id: Uuid = j["job_id"].as_str().unwrap().parse().unwrap();
        w.finished(id).await;
    }
}

#[tokio::test]
async fn who_may_start_a_sync() {
    let w = World::new(FakeConfig::default()).await;
    let router = w.router();
    let body = |org: Uuid| json!({ "orgId": org });
    let agent = post(&router, "sms", w.t.agent_a, body(w.t.org_a)).await;
    assert_eq!(
        (agent.status, agent.body["error"].as_str()),
        (403, Some("sync_not_allowed"))
    );
    for user in [w.t.admin_a, w.t.outsider] {
        let other = post(&router, "sms", user, body(w.t.org_b)).await;
        assert_eq!(other.status, 404, "{:?}", other.body);
    }
    let platform = post(&router, "sms", w.t.platform_admin, body(w.t.org_b)).await;
    assert_eq!(platform.status, 202);
    w.finished(job_id(&platform)).await;

    let not_platform = post(&router, "phone-numbers", w.t.admin_a, json!({})).await;
    assert_eq!(
        (not_platform.status, not_platform.body["error"].as_str()),
        (403, Some("platform_admin_required"))
    );
    let everywhere = post(&router, "phone-numbers", w.t.platform_admin, json!({})).await;
    assert_eq!(everywhere.status, 202, "{:?}", everywhere.body);
    let jobs = everywhere.body["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "one job per org with an integration");
    for j in jobs {
        w.finished(j["job_id"].as_str().unwrap().parse().unwrap())
            .await;
    }
    let only_org = post(&router, "contacts", w.t.manager_a, json!({})).await;
    assert_eq!(
        only_org.status, 202,
        "orgId may be omitted for a single-org member"
    );
    assert_eq!(only_org.body["job"]["org_id"], w.t.org_a.to_string());
    w.finished(job_id(&only_org)).await;

    let before: i64 =
        w.db.admin()
            .await
            .query_one(
                "select count(*) from integration_sync_jobs where org_id = $1",
                &[&w.t.org_b],
            )
            .await
            .unwrap()
            .get(0);
    let _ = post(&router, "all", w.t.admin_a, body(w.t.org_b)).await;
    let after: i64 =
        w.db.admin()
            .await
            .query_one(
                "select count(*) from integration_sync_jobs where org_id = $1",
                &[&w.t.org_b],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(before, after, "no job was created in org B");
}

#[tokio::test]
async fn jobs_are_listed_and_shown_to_members_of_their_org_only() {
    let w = World::new(FakeConfig::default()).await;
    let router = w.router();
    for kind in ["sms", "contacts", "voicemails"] {
        let reply = post(&router, kind, w.t.admin_a, json!({ "orgId": w.t.org_a })).await;
        w.finished(job_id(&reply)).await;
    }
    let b_job = post(&router, "sms", w.t.admin_b, json!({ "orgId": w.t.org_b })).await;
    w.finished(job_id(&b_job)).await;

    let list = get(
        &router,
        &format!("/api/mightycall/sync/jobs?orgId={}&limit=2", w.t.org_a),
        w.t.agent_a,
    )
    .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["jobs"].as_array().unwrap().len(), 2);
    let cursor = list.body["next_cursor"].as_str().unwrap();
    let rest = get(
        &router,
        &format!(
            "/api/mightycall/sync/jobs?orgId={}&limit=2&cursor={cursor}",
            w.t.org_a
        ),
        w.t.agent_a,
    )
    .await;
    assert_eq!(rest.body["jobs"].as_array().unwrap().len(), 1);
    assert!(rest.body["next_cursor"].is_null());

    let mine = get(&router, "/api/mightycall/sync/jobs", w.t.agent_a).await;
    assert!(
        mine.body["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["org_id"] == w.t.org_a.to_string())
    );
    let done = get(
        &router,
        "/api/mightycall/sync/jobs?status=succeeded",
        w.t.agent_a,
    )
    .await;
    assert_eq!(done.body["jobs"].as_array().unwrap().len(), 3);

    let cross = get(
        &router,
        &format!("/api/mightycall/sync/jobs?orgId={}", w.t.org_b),
        w.t.admin_a,
    )
    .await;
    assert_eq!(cross.status, 404);
    let cross_job = get(
        &router,
        &format!("/api/mightycall/sync/jobs/{}", job_id(&b_job)),
        w.t.admin_a,
    )
    .await;
    assert_eq!(cross_job.status, 404, "another org's job is not found");
    let everything = get(
        &router,
        "/api/mightycall/sync/jobs?limit=500",
        w.t.platform_admin,
    )
    .await;
    assert_eq!(everything.body["jobs"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn bad_requests_are_4xx_json_and_queue_nothing() {
    let w = World::new(FakeConfig::default()).await;
    let router = w.router();
    let org = w.t.org_a.to_string();
    let today = chrono::Utc::now().date_naive();
    let cases = [
        ("billing", json!({ "orgId": org }), 400),
        ("sms", json!({ "orgId": "nope" }), 400),
        (
            "sms",
            json!({ "orgId": org, "startDate": "2026-13-01" }),
            400,
        ),
        (
            "sms",
            json!({ "orgId": org, "startDate": "yesterday" }),
            400,
        ),
        (
            "sms",
            json!({ "orgId": org, "endDate": today.to_string() }),
            400,
        ),
        (
            "sms",
            json!({ "orgId": org, "startDate": today.to_string(), "endDate": (today - chrono::Days::new(1)).to_string() }),
            400,
        ),
        (
            "sms",
            json!({ "orgId": org, "startDate": (today - chrono::Days::new(200)).to_string() }),
            400,
        ),
        (
            "sms",
            json!({ "orgId": org, "startDate": (today + chrono::Days::new(2)).to_string() }),
            400,
        ),
        ("sms", json!({ "orgId": org, "force": true }), 400),
        ("sms", json!([1, 2]), 400),
        // chrono's `%Y` takes these; PostgreSQL then refused the job's window (SQLSTATE 22008).
        (
            "sms",
            json!({ "orgId": org, "startDate": "-5000-1-01", "endDate": "-5000-1-02" }),
            400,
        ),
        (
            "sms",
            json!({ "orgId": org, "startDate": "1999-12-30", "endDate": "1999-12-31" }),
            400,
        ),
    ];
    for (kind, body, status) in cases {
        let reply = post(&router, kind, w.t.admin_a, body.clone()).await;
        assert_eq!(reply.status, status, "{kind} {body}: {:?}", reply.body);
        assert!(reply.body["error"].is_string());
    }
    let jobs = get(&router, "/api/mightycall/sync/jobs?limit=0", w.t.admin_a).await;
    assert_eq!(jobs.status, 400);
    let jobs = get(&router, "/api/mightycall/sync/jobs?cursor=zzz", w.t.admin_a).await;
    assert_eq!(jobs.status, 400);
    let jobs = get(
        &router,
        "/api/mightycall/sync/jobs?status=done",
        w.t.admin_a,
    )
    .await;
    assert_eq!(jobs.status, 400);
    let job = get(&router, "/api/mightycall/sync/jobs/not-a-uuid", w.t.admin_a).await;
    assert_eq!(job.status, 400);
    let count: i64 =
        w.db.admin()
            .await
            .query_one("select count(*) from integration_sync_jobs", &[])
            .await
            .unwrap()
            .get(0);
    assert_eq!(count, 0, "no job was queued");
}

#[tokio::test]
async fn every_route_refuses_bad_tokens() {
    let w = World::new(FakeConfig::default()).await;
    let router = w.router();
    let mut expired = claims(w.t.admin_a, "a@example.test");
    expired["exp"] = json!(1_000_000_000);
    let mut service = claims(w.t.admin_a, "a@example.test");
    service["role"] = json!("service_role");
    let tokens = [
        None,
        Some(sign(&expired, JWT_SECRET)),
        Some(sign(&service, JWT_SECRET)),
        Some(sign(
            &claims(w.t.admin_a, "a@example.test"),
            "some-other-secret-that-is-long-enough-00",
        )),
    ];
    let body = json!({ "orgId": w.t.org_a });
    for token in &tokens {
        for (method, path, body) in [
            (
                Method::POST,
                "/api/mightycall/sync/reports".to_owned(),
                Some(&body),
            ),
            (Method::GET, "/api/mightycall/sync/jobs".to_owned(), None),
            (
                Method::GET,
                format!("/api/mightycall/sync/jobs/{}", Uuid::new_v4()),
                None,
            ),
        ] {
            let reply = call(&router, method.clone(), &path, token.as_deref(), body).await;
            assert_eq!(reply.status, 401, "{method} {path}");
        }
    }
    let count: i64 =
        w.db.admin()
            .await
            .query_one("select count(*) from integration_sync_jobs", &[])
            .await
            .unwrap()
            .get(0);
    assert_eq!(count, 0);
}
