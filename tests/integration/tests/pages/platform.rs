//! The platform page: platform admins see every org as the API lists them, create an org for a
//! client (its first admin's invite link shown once, working), bind and (after a confirmation)
//! unbind the platform account; org admins and everyone else get the 403 page and change nothing.

use axum::http::Method;
use integration_tests::site::{Jar, Page, Site};

fn orgs_shown(page: &Page) -> Vec<String> {
    page.html
        .split("<tr data-org=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

async fn bound(site: &Site, org: uuid::Uuid) -> i64 {
    site.w
        .count(
            "select count(*) from platform_account_bindings where org_id = $1",
            &[&org],
        )
        .await
}

#[tokio::test]
async fn a_platform_admin_lists_every_org_creates_one_for_a_client_and_binds_the_account() {
    let site = Site::new().await;
    let w = &site.w;
    let jar = site.sign_in(w.t.platform_admin).await;
    let home = site.get("/", &jar).await;
    assert!(
        home.html.contains("href=\"/platform\""),
        "the header links it"
    );

    let page = site.get("/platform", &jar).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let api = w
        .admin_call(Method::GET, "/api/platform/orgs", w.t.platform_admin, None)
        .await;
    let listed: Vec<String> = api.body["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(orgs_shown(&page), listed);

    let created = site
        .request_with(
            "POST",
            "/platform/orgs",
            &jar,
            &[("host", "dash.example.test")],
            Some(&[
                ("csrf", &page.csrf()),
                ("name", "Client Co"),
                ("admin_email", "boss@client.example"),
            ]),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.html);
    assert_eq!(created.headers["cache-control"], "no-store");
    let marker = "value=\"https://dash.example.test/invite/";
    let at = created.html.find(marker).expect("the invite link") + marker.len() - "/invite/".len();
    let link = &created.html[at..at + created.html[at..].find('"').unwrap()];
    let client_org: uuid::Uuid =
        w.db.admin()
            .await
            .query_one("select id from organizations where name = 'Client Co'", &[])
            .await
            .unwrap()
            .get(0);
    assert_eq!(
        w.count(
            "select count(*) from audit_log where org_id = $1 and action = 'platform.org_created'",
            &[&client_org]
        )
        .await,
        1
    );
    // The link is the invite's: its page names the new org.
    let invite = site.get(link, &Jar::default()).await;
    assert_eq!(invite.status, 200);
    assert!(invite.html.contains("Client Co") && invite.html.contains("an org admin"));
    // Shown once: the list does not show it again.
    let again = site.get("/platform", &jar).await;
    assert!(!again.html.contains(&link["/invite/".len()..]));
    assert!(again.html.contains("Client Co"));

    // Bind, then unbind only after the confirmation.
    let org = w.t.org_a;
    let csrf = again.csrf();
    let bind = site
        .request(
            "POST",
            &format!("/platform/orgs/{org}/bind"),
            &jar,
            Some(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(bind.status, 303);
    assert_eq!(bound(&site, org).await, 1);
    let unbind = format!("/platform/orgs/{org}/unbind");
    let asked = site
        .request("POST", &unbind, &jar, Some(&[("csrf", &csrf)]))
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.html.contains("Yes, unbind"));
    assert_eq!(
        bound(&site, org).await,
        1,
        "nothing before the confirmation"
    );
    let done = site
        .request(
            "POST",
            &unbind,
            &jar,
            Some(&[("csrf", &csrf), ("confirmed", "yes")]),
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(bound(&site, org).await, 0);
}

#[tokio::test]
async fn everyone_else_gets_the_403_page_and_changes_nothing() {
    let site = Site::new().await;
    let w = &site.w;
    let orgs = w.count("select count(*) from organizations", &[]).await;
    for user in [w.t.admin_a, w.t.manager_a, w.t.agent_a, w.t.outsider] {
        let jar = site.sign_in(user).await;
        let mut home = site.get("/", &jar).await;
        if let Some(only_org) = home.location().map(str::to_owned) {
            home = site.get(&only_org, &jar).await;
        }
        assert!(!home.html.contains("href=\"/platform\""));
        let page = site.get("/platform", &jar).await;
        assert_eq!(page.status, 403, "{}", page.html);
        assert!(!page.html.contains("Org B"));
        let csrf = home.csrf();
        let create = site
            .request(
                "POST",
                "/platform/orgs",
                &jar,
                Some(&[
                    ("csrf", &csrf),
                    ("name", "Sneaky"),
                    ("admin_email", "x@example.test"),
                ]),
            )
            .await;
        assert_eq!(create.status, 403);
        let bind = format!("/platform/orgs/{}/bind", w.t.org_a);
        let refused = site
            .request("POST", &bind, &jar, Some(&[("csrf", &csrf)]))
            .await;
        assert!(matches!(refused.status, 403 | 404), "{}", refused.status);
    }
    // A platform admin's forged form token changes nothing either.
    let jar = site.sign_in(w.t.platform_admin).await;
    let forged = site
        .request(
            "POST",
            "/platform/orgs",
            &jar,
            Some(&[
                ("csrf", "forged"),
                ("name", "Forged"),
                ("admin_email", "x@example.test"),
            ]),
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        w.count("select count(*) from organizations", &[]).await,
        orgs
    );
    assert_eq!(bound(&site, w.t.org_a).await, 0);
}
