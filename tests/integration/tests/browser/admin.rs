//! The admin pages in the real browser: MightyCall credentials refused inline and saved when
//! right (masked afterwards), the webhook URL shown once with a working copy button, the time zone
//! changed from the settings page moving the dashboard's days; an agent sees no admin page and
//! gets the 403 page. Screenshots and the accessibility check of each admin page.

use fantoccini::{Client, Locator};
use integration_tests::site::Site;
use test_harness::browser::Browser;

use crate::support::{capture, sign_in, submit_and_wait, wait_for_path};

async fn fill(client: &Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn submit(client: &Client, form: &str) {
    let button = format!("form[action$='{form}'] button[type=submit]");
    submit_and_wait(client, Locator::Css(&button)).await;
}

async fn text(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_connects_mightycall_and_sets_the_zone_and_an_agent_is_refused() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    w.db.admin()
        .await
        .execute("delete from org_integrations where org_id = $1", &[&org])
        .await
        .unwrap();
    let keys = w.fake.accounts()[0].clone();
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.admin_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;

    // Wrong credentials: said on the page, nothing saved.
    let integration = format!("/orgs/{org}/integration");
    client
        .find(Locator::Css(&format!("nav a[href='{integration}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, &integration).await;
    fill(client, "api_key", &keys.api_key).await;
    fill(client, "user_key", "not-the-user-key").await;
    submit(client, "/integration").await;
    wait_for_path(client, &integration).await;
    let alert = text(client, "p.notice[role=alert]").await;
    assert!(
        alert.contains("MightyCall rejected these credentials"),
        "{alert}"
    );
    assert_eq!(
        w.count(
            "select count(*) from org_integrations where org_id = $1",
            &[&org]
        )
        .await,
        0
    );

    // The right ones: saved, and only the hint shows.
    fill(client, "api_key", &keys.api_key).await;
    fill(client, "user_key", &keys.user_key).await;
    fill(client, "label", "Main line").await;
    submit(client, "/integration").await;
    let status = text(client, "p.notice[role=status]").await;
    assert!(
        status.contains("checked with MightyCall and saved"),
        "{status}"
    );
    let source = client.source().await.unwrap();
    assert!(!source.contains(&keys.api_key) && !source.contains(&keys.user_key));
    capture(&browser, &base, &integration, "integration").await;

    // The webhook URL, with the copy button the script shows.
    client.goto(&format!("{base}{integration}")).await.unwrap();
    submit(client, "/integration/webhook").await;
    let url = client
        .find(Locator::Id("webhook-url"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(
        url.contains(&format!("/api/webhooks/mightycall/{org}/")),
        "{url}"
    );
    let copy = client
        .find(Locator::Css("button[data-copy=webhook-url]"))
        .await
        .unwrap();
    assert!(copy.is_displayed().await.unwrap());
    browser.screenshot("integration-webhook-desktop").await;
    client.goto(&format!("{base}{integration}")).await.unwrap();
    let token = url.rsplit('/').next().unwrap();
    assert!(
        !client.source().await.unwrap().contains(token),
        "shown once"
    );

    // The zone, from the settings page: the dashboard then counts New York's days.
    let settings = format!("/orgs/{org}/settings");
    client.goto(&format!("{base}{settings}")).await.unwrap();
    fill(client, "time_zone", "America/New_York").await;
    submit(client, "/settings").await;
    let saved = text(client, "p.notice[role=status]").await;
    assert_eq!(saved, "Settings saved.");
    client
        .goto(&format!("{base}/orgs/{org}/dashboard"))
        .await
        .unwrap();
    assert!(
        text(client, "main")
            .await
            .contains("local days in America/New_York")
    );
    capture(&browser, &base, &settings, "settings").await;
    capture(&browser, &base, &format!("/orgs/{org}/team"), "team").await;
    capture(&browser, &base, &format!("/orgs/{org}/audit"), "audit").await;

    // An agent: no admin page in the navigation, the 403 page at the URL.
    client.delete_all_cookies().await.unwrap();
    sign_in(client, &base, w.t.agent_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    let nav = text(client, "nav[aria-label=Pages]").await;
    for label in ["Settings", "Integration", "Team", "Audit log"] {
        assert!(!nav.contains(label), "{label} shown to an agent");
    }
    client.goto(&format!("{base}{settings}")).await.unwrap();
    assert_eq!(text(client, "h1").await, "Not allowed");
    browser.close().await;
}
