//! The Sync page: the jobs the API lists, a sync started from the page (managers and admins) that
//! runs as the API's does, a job cancelled by an org admin after a confirmation page; an agent
//! gets no controls and 403 pages, org B's members the 404 page, and nothing changes.

use axum::http::Method;
use domain::{JobStatus, Resource};
use integration_tests::World;
use integration_tests::site::{Jar, Page, Site};
use uuid::Uuid;

use crate::live::attrs;

/// The API's job ids and statuses of org A, newest first.
async fn api_jobs(w: &World, user: Uuid) -> Vec<(String, String)> {
    let path = format!("/api/mightycall/sync/jobs?orgId={}", w.t.org_a);
    let reply = w
        .call(&w.sync().await, Method::GET, &path, user, None)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| {
            (
                j["id"].as_str().unwrap().to_owned(),
                j["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn shown_jobs(page: &Page) -> Vec<(String, String)> {
    attrs(&page.html, "data-job")
        .into_iter()
        .zip(attrs(&page.html, "data-status"))
        .collect()
}

async fn sync_page(site: &Site, jar: &Jar) -> Page {
    let page = site
        .get(&format!("/orgs/{}/sync", site.w.t.org_a), jar)
        .await;
    assert_eq!(page.status, 200, "{}", page.html);
    page
}

async fn post(site: &Site, path: &str, jar: &Jar, fields: &[(&str, &str)]) -> Page {
    site.request("POST", path, jar, Some(fields)).await
}

async fn jobs_of(w: &World, org: Uuid) -> i64 {
    w.count(
        "select count(*) from integration_sync_jobs where org_id = $1",
        &[&org],
    )
    .await
}

#[tokio::test]
async fn a_manager_starts_a_sync_that_runs_to_the_end_and_the_page_lists_the_apis_jobs() {
    let site = Site::synced(&[]).await;
    let w = &site.w;
    let org = w.t.org_a;
    let jar = site.sign_in(w.t.manager_a).await;
    let page = sync_page(&site, &jar).await;
    assert!(page.html.contains(&format!("action=\"/orgs/{org}/sync\"")));
    assert!(page.html.contains("No syncs yet."));

    let started = post(
        &site,
        &format!("/orgs/{org}/sync"),
        &jar,
        &[("csrf", &page.csrf()), ("kind", "reports")],
    )
    .await;
    assert_eq!(started.status, 303, "{}", started.html);
    assert_eq!(
        started.location(),
        Some(format!("/orgs/{org}/sync").as_str())
    );
    let id: Uuid =
        w.db.admin()
            .await
            .query_one(
                "select id from integration_sync_jobs where org_id = $1",
                &[&org],
            )
            .await
            .unwrap()
            .get(0);
    // Dispatched inline, as the API's: it runs to the end by itself.
    let job = w.finished(id).await;
    assert_eq!(job.status, JobStatus::Succeeded);
    assert!(job.records_upserted > 0);

    let part = site.get(&format!("/orgs/{org}/sync/jobs"), &jar).await;
    assert_eq!(part.status, 200);
    assert!(!part.html.contains("<html"));
    assert_eq!(shown_jobs(&part), api_jobs(w, w.t.manager_a).await);
    assert_eq!(
        shown_jobs(&part),
        [(id.to_string(), "succeeded".to_owned())]
    );
    let page = sync_page(&site, &jar).await;
    assert_eq!(shown_jobs(&page), api_jobs(w, w.t.manager_a).await);
    // A manager cancels nothing.
    assert!(!page.html.contains("/cancel\""));
    let audited = w
        .count(
            "select count(*) from audit_log where org_id = $1 and action = 'sync.requested' and actor_user_id = $2",
            &[&org, &w.t.manager_a],
        )
        .await;
    assert_eq!(audited, 1);
    let calls = w
        .count("select count(*) from calls where org_id = $1", &[&org])
        .await;
    assert!(calls > 0);

    let odd = post(
        &site,
        &format!("/orgs/{org}/sync"),
        &jar,
        &[("csrf", &page.csrf()), ("kind", "everything")],
    )
    .await;
    assert_eq!(odd.status, 400);
    let forged = post(
        &site,
        &format!("/orgs/{org}/sync"),
        &jar,
        &[("csrf", "forged"), ("kind", "reports")],
    )
    .await;
    assert_eq!(forged.status, 403);
    assert_eq!(jobs_of(w, org).await, 1);
}

#[tokio::test]
async fn an_org_admin_cancels_an_active_job_after_confirming() {
    let site = Site::synced(&[]).await;
    let w = &site.w;
    let org = w.t.org_a;
    let job = w.queue(org, Resource::Contacts).await;
    let jar = site.sign_in(w.t.admin_a).await;
    let page = sync_page(&site, &jar).await;
    let confirm_path = format!("/orgs/{org}/sync/jobs/{}/cancel", job.id);
    assert!(page.html.contains(&format!("href=\"{confirm_path}\"")));

    let confirm = site.get(&confirm_path, &jar).await;
    assert_eq!(confirm.status, 200, "{}", confirm.html);
    assert!(confirm.html.contains("Cancel this sync?"));
    assert!(confirm.html.contains(&format!("action=\"{confirm_path}\"")));
    assert_eq!(
        w.job(job.id).await.status,
        JobStatus::Queued,
        "asking changes nothing"
    );

    let done = post(&site, &confirm_path, &jar, &[("csrf", &confirm.csrf())]).await;
    assert_eq!(done.status, 303, "{}", done.html);
    let cancelled = w.job(job.id).await;
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert_eq!(
        cancelled.cancelled_by.map(|u| u.as_uuid()),
        Some(w.t.admin_a)
    );
    let audited = w
        .count(
            "select count(*) from audit_log where org_id = $1 and action = 'sync.cancelled' and target = $2",
            &[&org, &job.id.to_string()],
        )
        .await;
    assert_eq!(audited, 1);
    let page = sync_page(&site, &jar).await;
    assert_eq!(shown_jobs(&page), api_jobs(w, w.t.admin_a).await);
    assert!(!page.html.contains(&format!("href=\"{confirm_path}\"")));

    // Again: it has ended, the page says so.
    let again = post(&site, &confirm_path, &jar, &[("csrf", &confirm.csrf())]).await;
    assert_eq!(again.status, 409, "{}", again.html);
    assert!(again.html.contains("role=\"alert\""));
}

#[tokio::test]
async fn agents_managers_and_org_b_cannot_start_or_cancel_what_they_may_not() {
    let site = Site::synced(&[]).await;
    let w = &site.w;
    let org = w.t.org_a;
    let job = w.queue(org, Resource::Contacts).await;
    let confirm_path = format!("/orgs/{org}/sync/jobs/{}/cancel", job.id);
    let start_path = format!("/orgs/{org}/sync");

    let agent = site.sign_in(w.t.agent_a).await;
    let page = sync_page(&site, &agent).await;
    assert_eq!(shown_jobs(&page), api_jobs(w, w.t.agent_a).await);
    assert!(!page.html.contains("Start a sync") && !page.html.contains("/cancel\""));
    let csrf = page.csrf();
    let started = post(
        &site,
        &start_path,
        &agent,
        &[("csrf", &csrf), ("kind", "reports")],
    )
    .await;
    assert_eq!(started.status, 403, "{}", started.html);
    assert_eq!(site.get(&confirm_path, &agent).await.status, 403);
    assert_eq!(
        post(&site, &confirm_path, &agent, &[("csrf", &csrf)])
            .await
            .status,
        403
    );

    let manager = site.sign_in(w.t.manager_a).await;
    let csrf = sync_page(&site, &manager).await.csrf();
    assert_eq!(site.get(&confirm_path, &manager).await.status, 403);
    assert_eq!(
        post(&site, &confirm_path, &manager, &[("csrf", &csrf)])
            .await
            .status,
        403
    );

    let outsider = site.sign_in(w.t.admin_b).await;
    let theirs = site.get(&start_path, &outsider).await;
    assert_eq!(theirs.status, 404);
    assert!(!theirs.html.contains(&job.id.to_string()));
    assert_eq!(
        site.get(&format!("{start_path}/jobs"), &outsider)
            .await
            .status,
        404
    );
    assert_eq!(site.get(&confirm_path, &outsider).await.status, 404);
    let csrf = site
        .get(&format!("/orgs/{}/sync", w.t.org_b), &outsider)
        .await
        .csrf();
    let started = post(
        &site,
        &start_path,
        &outsider,
        &[("csrf", &csrf), ("kind", "reports")],
    )
    .await;
    assert_eq!(started.status, 404, "{}", started.html);
    // A's job, through A's page and through B's own.
    for through in [org, w.t.org_b] {
        let path = format!("/orgs/{through}/sync/jobs/{}/cancel", job.id);
        assert_eq!(
            post(&site, &path, &outsider, &[("csrf", &csrf)])
                .await
                .status,
            404,
            "{through}"
        );
    }

    assert_eq!(w.job(job.id).await.status, JobStatus::Queued);
    assert_eq!(jobs_of(w, org).await, 1);
    assert_eq!(jobs_of(w, w.t.org_b).await, 0);
}
