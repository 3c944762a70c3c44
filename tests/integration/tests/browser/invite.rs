//! An invite link in the real browser: the invitee creates their account from it, joins with the
//! invited role and lands on the org's dashboard; the used link then refuses.

use axum::http::Method;
use fantoccini::Locator;
use integration_tests::site::Site;
use serde_json::json;
use test_harness::browser::Browser;

use crate::support::{assert_accessible, fits, wait_for_path};

#[tokio::test]
async fn an_invitee_signs_up_through_the_link_and_joins_with_the_invited_role() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let address = "new.agent@example.test";
    let reply = w
        .admin_call(
            Method::POST,
            &format!("/api/admin/orgs/{org}/invites"),
            w.t.admin_a,
            Some(json!({ "email": address, "role": "agent" })),
        )
        .await;
    let link = format!("/invite/{}", reply.body["invite_token"].as_str().unwrap());
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;

    client.goto(&format!("{base}{link}")).await.unwrap();
    browser.screenshot("invite-desktop").await;
    assert_accessible(&browser, "invite").await;
    client.set_window_size(375, 812).await.unwrap();
    assert!(fits(client).await, "the invite page at 375 px");
    browser.screenshot("invite-375").await;
    client.set_window_size(1280, 900).await.unwrap();
    client
        .find(Locator::Id("new-password"))
        .await
        .unwrap()
        .send_keys("a-fresh-password")
        .await
        .unwrap();
    client
        .find(Locator::Css(&format!(
            "form[action='{link}/signup'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, &link).await;
    client
        .find(Locator::Css(&format!("form[action='{link}'] button")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;

    let members = w
        .admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{org}/members"),
            w.t.admin_a,
            None,
        )
        .await;
    let joined = members.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == address)
        .expect("the invitee is a member");
    assert_eq!(joined["role"], "agent");

    client.goto(&format!("{base}{link}")).await.unwrap();
    let source = client.source().await.unwrap();
    assert!(source.contains("used already"), "the link works once");
    browser.close().await;
}

#[tokio::test]
async fn a_platform_admin_creates_an_org_for_a_client_and_gets_its_invite_link() {
    let site = Site::new().await;
    let w = &site.w;
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    crate::support::sign_in(client, &base, w.t.platform_admin).await;
    client
        .find(Locator::Css("header a[href='/platform']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, "/platform").await;
    crate::support::capture(&browser, &base, "/platform", "platform").await;
    client
        .find(Locator::Id("org-name"))
        .await
        .unwrap()
        .send_keys("Client Co")
        .await
        .unwrap();
    client
        .find(Locator::Id("admin-email"))
        .await
        .unwrap()
        .send_keys("boss@client.example")
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action='/platform/orgs'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, "/platform/orgs").await;
    let link = client
        .find(Locator::Id("invite-link"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(link.contains("/invite/"), "{link}");
    let rows = client.source().await.unwrap();
    assert!(rows.contains("Client Co"));
    browser.screenshot("platform-created-desktop").await;
    assert_accessible(&browser, "platform, created").await;
    let created = w
        .count(
            "select count(*) from org_invites i join organizations o on o.id = i.org_id
             where o.name = 'Client Co' and i.email = 'boss@client.example' and i.role = 'org_admin'",
            &[],
        )
        .await;
    assert_eq!(created, 1);
    browser.close().await;
}
