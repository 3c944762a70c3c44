//! The Live page: the roster and counts equal `GET /api/live-status`, as a full page, as the
//! fragment its polling fetches and as the wallboard; a scoped agent sees their own extension, a
//! member of org B the 404 page.

use axum::http::Method;
use integration_tests::World;
use integration_tests::site::{Page, Site};
use serde_json::Value;
use uuid::Uuid;

/// The values of attribute `name` in the page, in order.
pub fn attrs(html: &str, name: &str) -> Vec<String> {
    let marker = format!(" {name}=\"");
    html.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// Org A: 201 on a call, 202 ringing, 203 free (a call ended a minute ago); org B: 901 on a call.
async fn site() -> Site {
    let site = Site::new().await;
    let admin = site.w.db.admin().await;
    admin
        .execute(
            "insert into live_call_legs (org_id, extension, call_id, direction, state, state_at, connected_at, counterpart)
             values ($1, '201', 'live-1', 'incoming', 'on_call', now(), now(), '+15550000001'),
                    ($1, '202', 'live-2', 'outgoing', 'ringing', now(), null, '+15550000002'),
                    ($1, '203', 'live-3', 'incoming', 'ended', now() - interval '1 minute', null, null),
                    ($2, '901', 'live-9', 'incoming', 'on_call', now(), now(), '+15550000009')",
            &[&site.w.t.org_a, &site.w.t.org_b],
        )
        .await
        .unwrap();
    site
}

async fn api(w: &World, user: Uuid) -> Value {
    let path = format!("/api/live-status?orgId={}", w.t.org_a);
    let reply = w
        .call(&w.operations().await, Method::GET, &path, user, None)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body
}

/// The count the page shows for `state`.
fn count(page: &Page, state: &str) -> u64 {
    let marker = format!("<li data-state=\"{state}\"><strong class=\"count\">");
    let rest = &page.html[page.html.find(&marker).unwrap() + marker.len()..];
    rest[..rest.find('<').unwrap()].parse().unwrap()
}

/// The page shows the API's counts and, row by row, its extensions and states.
fn assert_same(page: &Page, api: &Value, rows: &str) {
    for state in ["on_call", "ringing", "available", "unknown"] {
        assert_eq!(count(page, state), api["counts"][state], "{state}");
    }
    let agents = api["agents"].as_array().unwrap();
    let shown: Vec<(String, String)> = attrs(&page.html, rows)
        .into_iter()
        .zip(attrs(&page.html, "data-state").into_iter().skip(4))
        .collect();
    let expected: Vec<(String, String)> = agents
        .iter()
        .map(|a| {
            (
                a["extension"].as_str().unwrap().to_owned(),
                a["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(shown, expected);
}

#[tokio::test]
async fn the_roster_its_fragment_and_the_wallboard_show_the_apis_states() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    let jar = site.sign_in(w.t.agent_a).await;
    let api = api(w, w.t.agent_a).await;
    assert_eq!(api["counts"]["on_call"], 1);
    assert_eq!(api["counts"]["ringing"], 1);
    assert_eq!(api["counts"]["available"], 1);

    let page = site.get(&format!("/orgs/{org}/live"), &jar).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_same(&page, &api, "data-extension");
    assert!(page.html.contains(&format!(
        "data-poll=\"/orgs/{org}/live/roster\" data-every=\"3\""
    )));
    assert!(page.html.contains("+15550000001"));
    assert!(!page.html.contains("data-extension=\"901\"") && !page.html.contains("+15550000009"));
    assert!(
        page.html
            .contains(&format!("href=\"/orgs/{org}/live\" aria-current=\"page\""))
    );

    let part = site.get(&format!("/orgs/{org}/live/roster"), &jar).await;
    assert_eq!(part.status, 200);
    assert!(!part.html.contains("<html") && !part.html.contains("<nav"));
    assert_same(&part, &api, "data-extension");

    // The wallboard: the counts and who is busy, without the navigation.
    let board = site
        .get(&format!("/orgs/{org}/live?view=wallboard"), &jar)
        .await;
    assert_eq!(board.status, 200);
    assert!(!board.html.contains("aria-label=\"Pages\""));
    for state in ["on_call", "ringing", "available", "unknown"] {
        assert_eq!(count(&board, state), api["counts"][state], "{state}");
    }
    assert_eq!(attrs(&board.html, "data-extension"), ["201", "202"]);
    assert!(board.html.contains(&format!(
        "data-poll=\"/orgs/{org}/live/roster?view=wallboard\""
    )));
    let odd = site.get(&format!("/orgs/{org}/live?view=odd"), &jar).await;
    assert_eq!(odd.status, 400);
}

#[tokio::test]
async fn a_scoped_agent_sees_their_own_extension_and_org_b_sees_nothing() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    w.scope_agents(org, w.t.agent_a, Some("202")).await;
    let jar = site.sign_in(w.t.agent_a).await;
    let api = api(w, w.t.agent_a).await;
    let page = site.get(&format!("/orgs/{org}/live"), &jar).await;
    assert_eq!(page.status, 200);
    assert_same(&page, &api, "data-extension");
    assert_eq!(attrs(&page.html, "data-extension"), ["202"]);

    let outsider = site.sign_in(w.t.admin_b).await;
    for path in ["live", "live/roster", "live?view=wallboard"] {
        let page = site.get(&format!("/orgs/{org}/{path}"), &outsider).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(!page.html.contains("+15550000001"));
    }
}
