//! The calls page: the API's call list with the same filters, paged by "load more", a scoped agent's
//! own calls only, bad filters as a 400 page.

use axum::http::Method;
use integration_tests::site::{Jar, Page, Site};
use uuid::Uuid;

/// 130 calls of org A in the last days: both directions, every outcome, agents 101 and 102, some
/// from +1555000007x.
async fn site() -> Site {
    let site = Site::new().await;
    site.w
        .db
        .admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                caller_number, called_number, agent_extension)
             select $1, 'c' || i, now() - i * interval '3 hours', (array['incoming','outgoing'])[1 + i % 2],
                    (array['connected','missed','voicemail','dropped','connected'])[1 + i % 5], 61000,
                    '+155500000' || (i % 10), '+12125550100', (array['101','102'])[1 + i % 2]
             from generate_series(1, 130) i",
            &[&site.w.t.org_a],
        )
        .await
        .unwrap();
    site
}

/// The call ids a page shows, in order.
fn shown(page: &Page) -> Vec<String> {
    page.html
        .split("<tr data-call=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// Follows "load more" from `path` to the end; every call id shown.
async fn every_page(site: &Site, jar: &Jar, path: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(path) = next.take() {
        let page = site.get(&path, jar).await;
        assert_eq!(page.status, 200, "{path}: {}", page.html);
        let rows = shown(&page);
        assert!(rows.len() <= 100);
        ids.extend(rows);
        if let Some(at) = page.html.find("class=\"more\" href=\"") {
            let rest = &page.html[at + "class=\"more\" href=\"".len()..];
            let query = rest[..rest.find('"').unwrap()].replace("&amp;", "&");
            next = Some(format!("{}{query}", path.split('?').next().unwrap()));
        }
    }
    ids
}

/// The ids the API lists for `user` with `query` (30 days).
async fn api_ids(site: &Site, user: Uuid, query: &str) -> Vec<String> {
    let w = &site.w;
    let path = format!(
        "/api/mightycall/reports?type=calls&orgId={}&limit=500&{query}",
        w.t.org_a
    );
    let reply = w.call(&w.data(), Method::GET, &path, user, None).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_call_log_pages_through_what_the_api_lists() {
    let site = site().await;
    let w = &site.w;
    let jar = site.sign_in(w.t.manager_a).await;
    let base = format!("/orgs/{}/calls", w.t.org_a);
    let all = every_page(&site, &jar, &base).await;
    assert!(all.len() > 100, "more than one page: {}", all.len());
    assert_eq!(all, api_ids(&site, w.t.manager_a, "").await);

    let filtered = format!("{base}?range=30d&direction=incoming&status=missed&q=5000006");
    let some = every_page(&site, &jar, &filtered).await;
    assert!(!some.is_empty());
    assert_eq!(
        some,
        api_ids(
            &site,
            w.t.manager_a,
            "direction=incoming&status=missed&q=5000006"
        )
        .await
    );
    // Empty fields are no filter, as a form sends them.
    let blank = every_page(
        &site,
        &jar,
        &format!("{base}?range=30d&direction=&status=&q="),
    )
    .await;
    assert_eq!(blank, all);
}

#[tokio::test]
async fn a_scoped_agent_sees_only_their_own_calls() {
    let site = site().await;
    let w = &site.w;
    w.scope_agents(w.t.org_a, w.t.agent_a, Some("101")).await;
    let jar = site.sign_in(w.t.agent_a).await;
    let own = every_page(&site, &jar, &format!("/orgs/{}/calls", w.t.org_a)).await;
    assert!(!own.is_empty());
    assert_eq!(own, api_ids(&site, w.t.agent_a, "").await);
    let everyone = api_ids(&site, w.t.manager_a, "").await;
    assert!(own.len() < everyone.len());
}

#[tokio::test]
async fn bad_filters_and_forged_page_links_are_a_400_page() {
    let site = site().await;
    let jar = site.sign_in(site.w.t.admin_a).await;
    let base = format!("/orgs/{}/calls", site.w.t.org_a);
    for query in [
        "direction=sideways",
        "status=lost",
        "range=forever",
        "cursor=not-ours",
        &format!("q={}", "x".repeat(101)),
    ] {
        let page = site.get(&format!("{base}?{query}"), &jar).await;
        assert_eq!(page.status, 400, "{query}");
        assert!(page.html.contains("Request id"), "{query}: {}", page.html);
    }
    let other = site
        .get(&format!("/orgs/{}/calls", site.w.t.org_b), &jar)
        .await;
    assert_eq!(other.status, 404);
    assert!(!other.html.contains("data-call"));
}
