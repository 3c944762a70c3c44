//! Who may use the admin pages: org admins only. Agents and managers see no admin page in the
//! navigation and get the 403 page on every admin URL and form; an admin of another org gets the
//! 404 page; a form without its token (or with a forged one) is refused. Nothing changes in any
//! of these cases.

use integration_tests::World;
use integration_tests::site::{Jar, Site};
use uuid::Uuid;

const ADMIN_PAGES: [&str; 4] = ["settings", "integration", "team", "audit"];

/// An admin form's URL and its fields (but the token).
type Form = (String, Vec<(&'static str, &'static str)>);

/// Every admin GET of `org`, and every admin form.
fn admin_urls(org: Uuid, member: Uuid) -> (Vec<String>, Vec<Form>) {
    let gets = ADMIN_PAGES
        .iter()
        .map(|p| format!("/orgs/{org}/{p}"))
        .chain([
            format!("/orgs/{org}/integration/delete"),
            format!("/orgs/{org}/team/{member}/remove"),
            format!("/orgs/{org}/audit?action=member.removed"),
        ])
        .collect();
    let posts = vec![
        (
            format!("/orgs/{org}/settings"),
            vec![
                ("name", "Taken over"),
                ("time_zone", "Asia/Tokyo"),
                ("sla_target_percent", "50"),
                ("sla_target_seconds", "10"),
                ("short_abandon_seconds", "5"),
                ("live_status_unknown_after_minutes", "30"),
            ],
        ),
        (
            format!("/orgs/{org}/integration"),
            vec![
                ("api_key", "stolen-api-key"),
                ("user_key", "stolen-user-key"),
                ("host", "api"),
            ],
        ),
        (
            format!("/orgs/{org}/integration/schedule"),
            vec![("enabled", "on"), ("sync_interval_minutes", "15")],
        ),
        (format!("/orgs/{org}/integration/webhook"), vec![]),
        (format!("/orgs/{org}/integration/delete"), vec![]),
        (
            format!("/orgs/{org}/team/invite"),
            vec![("email", "intruder@example.test"), ("role", "org_admin")],
        ),
        (
            format!("/orgs/{org}/team/{member}/role"),
            vec![("role", "org_admin")],
        ),
        (
            format!("/orgs/{org}/team/{member}/extension"),
            vec![("extension", "999")],
        ),
        (format!("/orgs/{org}/team/{member}/remove"), vec![]),
    ];
    (gets, posts)
}

/// What an admin page or form could change in `org`, and the audit entries written.
async fn state(w: &World, org: Uuid) -> Vec<Vec<String>> {
    let admin = w.db.admin().await;
    let mut state = Vec::new();
    for sql in [
        "select row_to_json(o)::text from organizations o where id = $1",
        "select row_to_json(i)::text from org_integrations i where org_id = $1",
        "select row_to_json(u)::text from org_users u where org_id = $1 order by user_id",
        "select row_to_json(v)::text from org_invites v where org_id = $1 order by id",
        "select count(*)::text from audit_log where org_id = $1",
    ] {
        let rows = admin.query(sql, &[&org]).await.unwrap();
        state.push(rows.iter().map(|r| r.get::<_, String>(0)).collect());
    }
    state
}

async fn csrf_of(site: &Site, jar: &Jar, org: Uuid) -> String {
    site.get(&format!("/orgs/{org}/dashboard"), jar)
        .await
        .csrf()
}

#[tokio::test]
async fn agents_and_managers_see_no_admin_page_and_get_403_on_every_admin_url_and_form() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let before = state(w, org).await;
    for user in [w.t.agent_a, w.t.manager_a] {
        let jar = site.sign_in(user).await;
        let dashboard = site.get(&format!("/orgs/{org}/dashboard"), &jar).await;
        assert_eq!(dashboard.status, 200);
        for p in ADMIN_PAGES {
            assert!(
                !dashboard
                    .html
                    .contains(&format!("href=\"/orgs/{org}/{p}\"")),
                "{p} in the navigation of a non-admin"
            );
        }
        let csrf = dashboard.csrf();
        let (gets, posts) = admin_urls(org, w.t.agent_a);
        for url in gets {
            let page = site.get(&url, &jar).await;
            assert_eq!(page.status, 403, "GET {url}: {}", page.html);
            assert!(page.html.contains("Not allowed"), "{url}");
        }
        for (url, fields) in posts {
            let mut form = vec![("csrf", csrf.as_str())];
            form.extend(fields);
            let page = site.request("POST", &url, &jar, Some(&form)).await;
            assert_eq!(page.status, 403, "POST {url}: {}", page.html);
        }
    }
    assert_eq!(state(w, org).await, before, "nothing changed");
    assert_eq!(w.fake.requests(&w.api_key(0)), 0);
}

#[tokio::test]
async fn an_admin_sees_the_admin_pages_in_the_navigation() {
    let site = Site::new().await;
    let w = &site.w;
    let jar = site.sign_in(w.t.admin_a).await;
    let org = w.t.org_a;
    let dashboard = site.get(&format!("/orgs/{org}/dashboard"), &jar).await;
    for p in ADMIN_PAGES {
        assert!(
            dashboard
                .html
                .contains(&format!("href=\"/orgs/{org}/{p}\"")),
            "{p}"
        );
        let page = site.get(&format!("/orgs/{org}/{p}"), &jar).await;
        assert_eq!(page.status, 200, "{p}: {}", page.html);
        assert!(
            page.html
                .contains(&format!("href=\"/orgs/{org}/{p}\" aria-current=\"page\""))
        );
    }
}

#[tokio::test]
async fn an_admin_of_org_b_gets_404_pages_for_org_a_and_changes_nothing() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let before = state(w, org).await;
    let jar = site.sign_in(w.t.admin_b).await;
    let csrf = csrf_of(&site, &jar, w.t.org_b).await;
    let (gets, posts) = admin_urls(org, w.t.agent_a);
    for url in gets {
        let page = site.get(&url, &jar).await;
        assert_eq!(page.status, 404, "GET {url}: {}", page.html);
        assert!(!page.html.contains("1a2b"), "nothing of A's integration");
    }
    for (url, fields) in posts {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let page = site.request("POST", &url, &jar, Some(&form)).await;
        assert_eq!(page.status, 404, "POST {url}: {}", page.html);
    }
    // A's member through B's pages: not B's member, so nothing to change.
    let page = site
        .request(
            "POST",
            &format!("/orgs/{}/team/{}/role", w.t.org_b, w.t.admin_a),
            &jar,
            Some(&[("csrf", &csrf), ("role", "agent")]),
        )
        .await;
    assert_eq!(page.status, 404, "{}", page.html);
    assert_eq!(state(w, org).await, before, "nothing changed in A");
}

#[tokio::test]
async fn every_admin_form_refuses_a_missing_or_forged_token() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let before = state(w, org).await;
    let jar = site.sign_in(w.t.admin_a).await;
    let (_, posts) = admin_urls(org, w.t.agent_a);
    for (url, fields) in posts {
        let mut forged = vec![("csrf", "forged-token")];
        forged.extend(fields.iter().copied());
        let page = site.request("POST", &url, &jar, Some(&forged)).await;
        assert_eq!(page.status, 403, "forged, POST {url}: {}", page.html);
        assert!(page.html.contains("form has expired"));
        let missing = site.request("POST", &url, &jar, Some(&fields)).await;
        assert!(
            (400..500).contains(&missing.status),
            "missing, POST {url}: {}",
            missing.status
        );
    }
    assert_eq!(state(w, org).await, before, "nothing changed");
    assert_eq!(w.fake.requests(&w.api_key(0)), 0);
}
