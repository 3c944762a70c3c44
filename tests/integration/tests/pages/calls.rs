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
                                caller_number, called_number, business_number, agent_extension)
             select $1, 'c' || i, now() - i * interval '3 hours', (array['incoming','outgoing'])[1 + i % 2],
                    (array['connected','missed','voicemail','dropped','connected'])[1 + i % 5], 61000,
                    '+155500000' || (i % 10), '+12125550100',
                    (array['+12125550100','+12125550199'])[1 + i % 3 / 2], (array['101','102'])[1 + i % 2]
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
    // An agent and a business number, exactly.
    let agent = every_page(&site, &jar, &format!("{base}?range=30d&agent=102")).await;
    assert_eq!(agent, api_ids(&site, w.t.manager_a, "agent=102").await);
    assert!(!agent.is_empty() && agent.len() < all.len());
    let number = format!("{base}?range=30d&number=%2B12125550100&agent=101");
    let number = every_page(&site, &jar, &number).await;
    assert_eq!(
        number,
        api_ids(&site, w.t.manager_a, "number=%2B12125550100&agent=101").await
    );
    assert!(!number.is_empty());
    // Empty fields are no filter, as a form sends them.
    let blank = every_page(
        &site,
        &jar,
        &format!("{base}?range=30d&direction=&status=&q=&agent=&number="),
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
        "agent=12a",
        "number=555",
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

/// The page's CSV link, as a path.
fn download(page: &Page) -> String {
    let marker = "class=\"download\" href=\"";
    let at = page.html.find(marker).expect("a download link");
    let rest = &page.html[at + marker.len()..];
    rest[..rest.find('"').unwrap()].replace("&amp;", "&")
}

#[tokio::test]
async fn the_csv_download_is_the_apis_export_of_the_same_filters() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    let jar = site.sign_in(w.t.manager_a).await;
    let page = site
        .get(
            &format!("/orgs/{org}/calls?range=30d&direction=incoming&status=missed&q=5550"),
            &jar,
        )
        .await;
    let link = download(&page);
    assert!(
        link.starts_with(&format!("/orgs/{org}/calls.csv?")),
        "{link}"
    );

    let file = site.get(&link, &jar).await;
    assert_eq!(file.status, 200, "{}", file.html);
    assert_eq!(file.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        file.headers["content-disposition"],
        "attachment; filename=\"calls.csv\""
    );
    let (status, _, api) = w
        .get_bytes(
            &w.data(),
            &format!(
                "/api/mightycall/reports?orgId={org}&type=calls&format=csv&bom=true\
                 &direction=incoming&status=missed&q=5550"
            ),
            w.t.manager_a,
            &[],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(file.bytes, api, "the same file as the API's");
    let rows = file.html.lines().count() - 1;
    assert!(rows > 0);
    assert_eq!(
        rows,
        api_ids(
            &site,
            w.t.manager_a,
            "direction=incoming&status=missed&q=5550"
        )
        .await
        .len()
    );

    // A scoped agent's file holds their own calls only; another org's file is the 404 page.
    w.scope_agents(org, w.t.agent_a, Some("101")).await;
    let agent = site.sign_in(w.t.agent_a).await;
    let own = site
        .get(&format!("/orgs/{org}/calls.csv?range=30d"), &agent)
        .await;
    assert_eq!(own.status, 200);
    let lines: Vec<&str> = own.html.lines().skip(1).collect();
    assert_eq!(lines.len(), api_ids(&site, w.t.agent_a, "").await.len());
    assert!(
        lines.iter().all(|l| l.contains(",101,")),
        "only extension 101"
    );
    let elsewhere = site
        .get(&format!("/orgs/{}/calls.csv?range=30d", w.t.org_b), &jar)
        .await;
    assert_eq!(elsewhere.status, 404);
    assert!(
        elsewhere.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn a_calls_detail_shows_it_with_its_recordings_player_to_those_who_see_it() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    let admin = w.db.admin().await;
    // Call c1 (agent 102) was recorded and its recording synced; c2 (agent 101) only recorded.
    admin
        .execute(
            "update calls set recording_url = 'https://files.example/secret-link'
             where org_id = $1 and external_id in ('c1', 'c2')",
            &[&org],
        )
        .await
        .unwrap();
    let recording: Uuid = admin
        .query_one(
            "insert into mightycall_recordings (org_id, external_id, call_external_id, recorded_at,
                                                direction, agent_extension, url)
             values ($1, 'r1', 'c1', now(), 'incoming', '102', 'https://files.example/secret-link')
             returning id",
            &[&org],
        )
        .await
        .unwrap()
        .get(0);
    let id = |external: &'static str| {
        let admin = &admin;
        async move {
            let id: Uuid = admin
                .query_one(
                    "select id from calls where org_id = $1 and external_id = $2",
                    &[&org, &external],
                )
                .await
                .unwrap()
                .get(0);
            id
        }
    };
    let (c1, c2) = (id("c1").await, id("c2").await);
    let jar = site.sign_in(w.t.agent_a).await;

    let list = site.get(&format!("/orgs/{org}/calls"), &jar).await;
    assert!(
        list.html
            .contains(&format!("href=\"/orgs/{org}/calls/{c1}\""))
    );
    let detail = site.get(&format!("/orgs/{org}/calls/{c1}"), &jar).await;
    assert_eq!(detail.status, 200, "{}", detail.html);
    assert!(detail.html.contains("+12125550100"));
    assert!(
        detail
            .html
            .contains(&format!("src=\"/orgs/{org}/recordings/{recording}/audio\""))
    );
    assert!(!detail.html.contains("secret-link"));
    let pending = site.get(&format!("/orgs/{org}/calls/{c2}"), &jar).await;
    assert!(pending.html.contains("after the next sync"));
    assert!(!pending.html.contains("<audio"));

    // Org B's member, a malformed id, and (with scoping) another agent's call: the 404 page.
    let outsider = site.sign_in(w.t.admin_b).await;
    let theirs = site
        .get(&format!("/orgs/{org}/calls/{c1}"), &outsider)
        .await;
    assert_eq!(theirs.status, 404);
    assert!(!theirs.html.contains("+12125550100"));
    let bad = site.get(&format!("/orgs/{org}/calls/nope"), &jar).await;
    assert_eq!(bad.status, 404);
    w.scope_agents(org, w.t.agent_a, Some("101")).await;
    let scoped = site.get(&format!("/orgs/{org}/calls/{c1}"), &jar).await;
    assert_eq!(scoped.status, 404, "c1 is agent 102's");
    assert_eq!(
        site.get(&format!("/orgs/{org}/calls/{c2}"), &jar)
            .await
            .status,
        200
    );
}
