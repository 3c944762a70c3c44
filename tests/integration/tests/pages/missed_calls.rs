//! The Missed calls page: each status lists the API's items in its order, a hundred a page with
//! "load more"; a manager resolves an open item with a note (audited, then listed under resolved);
//! an agent gets no form and a 403 page for a post, org B's members the 404 page, and nothing
//! changes; a scoped agent lists their own calls.

use axum::http::Method;
use integration_tests::World;
use integration_tests::site::{Jar, Page, Site};
use uuid::Uuid;

use crate::live::attrs;

/// Org A: …01 missed (agent 101), …02 missed (agent 102), …03 missed and called back; org B: …09
/// missed.
async fn site() -> Site {
    let site = Site::new().await;
    let w = &site.w;
    let admin = w.db.admin().await;
    admin
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                caller_number, called_number, business_number, agent_extension)
             select $1, x.id, date_trunc('hour', now()) - x.ago, x.dir, x.status, 1000, x.caller, x.called,
                    '+12125550100', x.ext
             from (values
               ('m1', interval '30 hours', 'incoming', 'missed', '+15550000001', null, '101'),
               ('m2', interval '20 hours', 'incoming', 'missed', '+15550000002', null, '102'),
               ('m3', interval '10 hours', 'incoming', 'missed', '+15550000003', null, '101'),
               ('r3', interval '5 hours', 'outgoing', 'connected', null, '+15550000003', '101')
             ) x (id, ago, dir, status, caller, called, ext)",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    admin
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, caller_number)
             values ($1, 'b1', now() - interval '3 hours', 'incoming', 'missed', '+15550000009')",
            &[&w.t.org_b],
        )
        .await
        .unwrap();
    site
}

/// The API's item ids of `status` in org A, as `user` lists them.
async fn api_ids(w: &World, user: Uuid, status: &str) -> Vec<String> {
    let path = format!(
        "/api/mightycall/missed-calls?orgId={}&status={status}&limit=500",
        w.t.org_a
    );
    let reply = w
        .call(&w.operations().await, Method::GET, &path, user, None)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["missed_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn list(site: &Site, jar: &Jar, status: &str) -> Page {
    let path = format!("/orgs/{}/missed-calls?status={status}", site.w.t.org_a);
    let page = site.get(&path, jar).await;
    assert_eq!(page.status, 200, "{}", page.html);
    page
}

async fn resolve(site: &Site, org: Uuid, id: &str, jar: &Jar, csrf: &str, note: &str) -> Page {
    let path = format!("/orgs/{org}/missed-calls/{id}/resolve");
    site.request("POST", &path, jar, Some(&[("csrf", csrf), ("note", note)]))
        .await
}

async fn resolutions(w: &World) -> i64 {
    w.count("select count(*) from missed_call_resolutions", &[])
        .await
}

#[tokio::test]
async fn each_status_lists_the_apis_items_and_a_manager_resolves_one_with_a_note() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    let jar = site.sign_in(w.t.manager_a).await;
    for status in ["open", "returned", "resolved"] {
        let page = list(&site, &jar, status).await;
        let api = api_ids(w, w.t.manager_a, status).await;
        assert_eq!(attrs(&page.html, "data-missed"), api, "{status}");
        assert!(!page.html.contains("+15550000009"));
    }
    let open = list(&site, &jar, "open").await;
    let ids = attrs(&open.html, "data-missed");
    assert_eq!(ids.len(), 2);
    assert!(open.html.contains(&format!(
        "action=\"/orgs/{org}/missed-calls/{}/resolve\"",
        ids[0]
    )));

    let done = resolve(
        &site,
        org,
        &ids[0],
        &jar,
        &open.csrf(),
        "Emailed them instead",
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(
        done.location(),
        Some(format!("/orgs/{org}/missed-calls?status=resolved").as_str())
    );
    let resolved = list(&site, &jar, "resolved").await;
    assert_eq!(attrs(&resolved.html, "data-missed"), [ids[0].clone()]);
    assert!(resolved.html.contains("Emailed them instead"));
    assert_eq!(
        api_ids(w, w.t.manager_a, "resolved").await,
        [ids[0].clone()]
    );
    assert_eq!(
        attrs(&list(&site, &jar, "open").await.html, "data-missed"),
        [ids[1].clone()]
    );
    let audited = w
        .count(
            "select count(*) from audit_log where org_id = $1 and action = 'missed_call.resolved'
               and actor_user_id = $2 and target = $3",
            &[&org, &w.t.manager_a, &ids[0]],
        )
        .await;
    assert_eq!(audited, 1);

    // A note too long is refused on the page, the item stays open.
    let long = "x".repeat(501);
    let refused = resolve(&site, org, &ids[1], &jar, &open.csrf(), &long).await;
    assert_eq!(refused.status, 400, "{}", refused.html);
    assert!(refused.html.contains("role=\"alert\""));
    let forged = resolve(&site, org, &ids[1], &jar, "forged", "").await;
    assert_eq!(forged.status, 403);
    assert_eq!(resolutions(w).await, 1);
}

#[tokio::test]
async fn an_agent_gets_no_form_and_a_403_org_b_the_404_and_nothing_changes() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    let agent = site.sign_in(w.t.agent_a).await;
    let open = list(&site, &agent, "open").await;
    let ids = attrs(&open.html, "data-missed");
    assert_eq!(ids, api_ids(w, w.t.agent_a, "open").await);
    assert!(!open.html.contains("/resolve\"") && !open.html.contains(">Resolve<"));
    let refused = resolve(&site, org, &ids[0], &agent, &open.csrf(), "").await;
    assert_eq!(refused.status, 403, "{}", refused.html);

    let outsider = site.sign_in(w.t.admin_b).await;
    let theirs = site
        .get(&format!("/orgs/{org}/missed-calls"), &outsider)
        .await;
    assert_eq!(theirs.status, 404);
    assert!(!theirs.html.contains("+15550000001"));
    let own = site
        .get(&format!("/orgs/{}/missed-calls", w.t.org_b), &outsider)
        .await;
    let csrf = own.csrf();
    // A's item, through A's page and through B's own.
    for through in [org, w.t.org_b] {
        let page = resolve(&site, through, &ids[0], &outsider, &csrf, "").await;
        assert_eq!(page.status, 404, "{through}");
    }
    assert_eq!(resolutions(w).await, 0);
    assert_eq!(api_ids(w, w.t.agent_a, "open").await, ids);

    // Scoped to their own calls (extension 102), an agent lists only …02.
    w.scope_agents(org, w.t.agent_a, Some("102")).await;
    let scoped = list(&site, &agent, "open").await;
    let mine = attrs(&scoped.html, "data-missed");
    assert_eq!(mine, api_ids(w, w.t.agent_a, "open").await);
    assert_eq!(mine.len(), 1);
    assert!(scoped.html.contains("+15550000002") && !scoped.html.contains("+15550000001"));
}

#[tokio::test]
async fn a_hundred_a_page_then_load_more() {
    let site = Site::new().await;
    let w = &site.w;
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, caller_number)
             select $1, 'p' || i, now() - i * interval '1 minute', 'incoming', 'missed', '+1555100' || lpad(i::text, 4, '0')
             from generate_series(1, 105) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let jar = site.sign_in(w.t.admin_a).await;
    let first = list(&site, &jar, "open").await;
    let mut shown = attrs(&first.html, "data-missed");
    assert_eq!(shown.len(), 100);
    let more = attrs(&first.html, "href")
        .into_iter()
        .find(|h| h.contains("cursor="))
        .unwrap()
        .replace("&amp;", "&");
    let path = format!("/orgs/{}/missed-calls{more}", w.t.org_a);
    let second = site.get(&path, &jar).await;
    assert_eq!(second.status, 200, "{}", second.html);
    assert!(!second.html.contains("cursor="));
    shown.extend(attrs(&second.html, "data-missed"));
    assert_eq!(shown, api_ids(w, w.t.admin_a, "open").await);
    let forged = site
        .get(
            &format!("/orgs/{}/missed-calls?cursor=abc", w.t.org_a),
            &jar,
        )
        .await;
    assert_eq!(forged.status, 400);
}
