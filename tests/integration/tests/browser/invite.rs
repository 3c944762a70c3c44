//! Invites in the real browser: an org admin invites from the team page, the invitee creates their
//! account from the link, joins with the invited role and shows in the team; the used link then
//! refuses. A platform admin creates an org for a client and gets its first admin's link.

use fantoccini::Locator;
use integration_tests::site::Site;
use test_harness::browser::Browser;

use crate::support::{
    assert_accessible, capture, sign_in, sign_out, submit_and_wait, type_into, wait_for_path,
};

#[tokio::test]
async fn an_admin_invites_from_the_team_page_and_the_invitee_joins_through_the_link() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let address = "new.manager@example.test";
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;

    // The org admin creates the invite on the team page and copies its link.
    sign_in(client, &base, w.t.admin_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    let team = format!("/orgs/{org}/team");
    client.goto(&format!("{base}{team}")).await.unwrap();
    type_into(client, "invite-email", address).await;
    client
        .find(Locator::Css("#invite-role option[value='org_manager']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let invite = format!("form[action='{team}/invite'] button");
    submit_and_wait(client, Locator::Css(&invite)).await;
    let link = client
        .find(Locator::Id("invite-link"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    let path = link[link.find("/invite/").expect("an invite link")..].to_owned();
    sign_out(client).await;

    // The invitee opens it, creates their account and joins.
    client.goto(&format!("{base}{path}")).await.unwrap();
    capture(&browser, &base, &path, "invite").await;
    type_into(client, "new-password", "a-fresh-password").await;
    client
        .find(Locator::Css(&format!(
            "form[action='{path}/signup'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, &path).await;
    submit_and_wait(
        client,
        Locator::Css(&format!("form[action='{path}'] button")),
    )
    .await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    sign_out(client).await;

    // The link is spent; the admin sees the new member with the invited role.
    client.goto(&format!("{base}{path}")).await.unwrap();
    assert!(
        client.source().await.unwrap().contains("used already"),
        "the link works once"
    );
    sign_in(client, &base, w.t.admin_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    client.goto(&format!("{base}{team}")).await.unwrap();
    let row = client
        .find(Locator::XPath(&format!(
            "//tr[th[contains(., '{address}')]]"
        )))
        .await
        .unwrap();
    let role = row
        .find(Locator::Css("select option[selected]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap();
    assert_eq!(role.as_deref(), Some("org_manager"));
    browser.close().await;
}

#[tokio::test]
async fn a_platform_admin_creates_an_org_for_a_client_and_gets_its_invite_link() {
    let site = Site::new().await;
    let w = &site.w;
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.platform_admin).await;
    client
        .find(Locator::Css("header a[href='/platform']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, "/platform").await;
    capture(&browser, &base, "/platform", "platform").await;
    type_into(client, "org-name", "Client Co").await;
    type_into(client, "admin-email", "boss@client.example").await;
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
