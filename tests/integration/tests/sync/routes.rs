use std::time::Duration;

use axum::http::Method;
use domain::JobStatus;
use mightycall_fake::{FakeConfig, Fault, FaultRule};
use serde_json::{Value, json};
use test_harness::http::{Reply, call};
use test_harness::identity::{JWT_SECRET, claims, sign};
use uuid::Uuid;

use integration_tests::World;

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
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
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
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
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
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
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
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
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
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
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
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
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
            (
                Method::POST,
                format!("/api/mightycall/sync/jobs/{}/cancel", Uuid::new_v4()),
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

async fn cancel(router: &axum::Router, job: &str, user: Uuid) -> Reply {
    let token = test_harness::identity::token(user, "x@example.test");
    let path = format!("/api/mightycall/sync/jobs/{job}/cancel");
    call(router, Method::POST, &path, Some(&token), None).await
}

#[tokio::test]
async fn only_org_admins_cancel_their_orgs_active_jobs_and_it_is_audited() {
    let w = World::connected(FakeConfig::default()).await;
    let router = w.sync().await;
    let a_job = w.queue(w.t.org_a, domain::Resource::Sms).await.id;
    let b_job = w.queue(w.t.org_b, domain::Resource::Sms).await.id;
    let (a, b) = (a_job.to_string(), b_job.to_string());

    for user in [w.t.agent_a, w.t.manager_a] {
        let reply = cancel(&router, &a, user).await;
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (403, Some("org_admin_required")),
            "{:?}",
            reply.body
        );
    }
    for user in [w.t.outsider, w.t.admin_a] {
        let reply = cancel(&router, &b, user).await;
        assert_eq!(reply.status, 404, "another org's job is not found");
        assert_eq!(reply.body["error"], "not_found");
    }
    assert_eq!(w.job(a_job).await.status, JobStatus::Queued);
    assert_eq!(
        w.job(b_job).await.status,
        JobStatus::Queued,
        "org B's job is untouched"
    );

    let done = cancel(&router, &a, w.t.admin_a).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(done.body["job"]["status"], "cancelled");
    assert_eq!(done.body["job"]["cancelled_by"], w.t.admin_a.to_string());
    assert_eq!(done.body["job"]["error_code"], "cancelled");
    assert!(done.body["job"]["finished_at"].is_string());
    let audit: Vec<(String, Option<String>)> =
        w.db.admin()
            .await
            .query(
                "select action, target from audit_log where org_id = $1 and actor_user_id = $2",
                &[&w.t.org_a, &w.t.admin_a],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    assert_eq!(audit, vec![("sync.cancelled".to_owned(), Some(a.clone()))]);

    let again = cancel(&router, &a, w.t.admin_a).await;
    assert_eq!(
        (again.status, again.body["error"].as_str()),
        (409, Some("job_not_active"))
    );
    assert!(again.body["request_id"].is_string());
    let platform = cancel(&router, &b, w.t.platform_admin).await;
    assert_eq!(
        platform.status, 200,
        "platform admins may cancel any org's job"
    );

    let bad = cancel(&router, "not-a-uuid", w.t.admin_a).await;
    assert_eq!(bad.status, 400);
    let unknown = cancel(&router, &Uuid::new_v4().to_string(), w.t.admin_a).await;
    assert_eq!(unknown.status, 404);
    let finished = post(&router, "sms", w.t.admin_a, json!({ "orgId": w.t.org_a })).await;
    let finished = w.finished(job_id(&finished)).await;
    let late = cancel(&router, &finished.id.to_string(), w.t.admin_a).await;
    assert_eq!(late.status, 409, "a finished job cannot be cancelled");
    assert_eq!(w.job(finished.id).await.status, JobStatus::Succeeded);
}

#[tokio::test]
async fn rls_refuses_a_cancel_that_the_code_did_not_check() {
    let w = World::connected(FakeConfig::default()).await;
    let a_job = w.queue(w.t.org_a, domain::Resource::Sms).await.id;
    let b_job = w.queue(w.t.org_b, domain::Resource::Sms).await.id;
    let db = w.db.store();
    let as_user = |user| test_harness::fixtures::claims_for(user);
    // Org A's admin on org B's job, and org A's agent on its own org's job: no row changes.
    for (user, job) in [(w.t.admin_a, b_job), (w.t.agent_a, a_job)] {
        let tx = db.as_user(&as_user(user)).await.unwrap();
        let cancelled = store::sync_jobs::cancel_job(&tx, job, domain::UserId::new(user))
            .await
            .unwrap();
        assert!(cancelled.is_none(), "RLS let {user} cancel {job}");
        tx.commit().await.unwrap();
        assert_eq!(w.job(job).await.status, JobStatus::Queued);
    }
    // An org admin may set the cancel columns only, and only to a cancel.
    let tx = db.as_user(&as_user(w.t.admin_a)).await.unwrap();
    let other_column = tx
        .client()
        .execute(
            "update integration_sync_jobs set pages = 99 where id = $1",
            &[&a_job],
        )
        .await;
    assert!(other_column.is_err(), "pages is not an admin's to change");
    drop(tx);
    let tx = db.as_user(&as_user(w.t.admin_a)).await.unwrap();
    let not_a_cancel = tx
        .client()
        .execute(
            "update integration_sync_jobs set status = 'succeeded', finished_at = now() where id = $1",
            &[&a_job],
        )
        .await;
    assert!(
        not_a_cancel.is_err(),
        "an admin cannot mark a job succeeded"
    );
    drop(tx);
    assert_eq!(w.job(a_job).await.status, JobStatus::Queued);
}
