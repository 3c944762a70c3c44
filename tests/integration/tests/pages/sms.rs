//! The SMS page: conversations per counterpart from the org's messages only, and a send form for
//! org admins and managers that sends through the org's MightyCall account (as the API does);
//! agents get no form and the server refuses them anyway; bad input and a missing form token
//! change nothing.

use domain::Resource;
use integration_tests::World;
use integration_tests::site::{Jar, Page, Site};
use uuid::Uuid;

const TO: &str = "+442071234567";
const TEXT: &str = "Your order 1042 is ready for pickup";

async fn site() -> Site {
    let site = Site::synced(&[Resource::PhoneNumbers]).await;
    let w = &site.w;
    let admin = w.db.admin().await;
    for (org, client, body) in [
        (w.t.org_a, "+15550000001", "Is the store open on Sunday?"),
        (w.t.org_b, "+15550000002", "B's customer writes"),
    ] {
        admin
            .execute(
                "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, client_number, body)
                 values ($1, gen_random_uuid()::text, now() - interval '1 hour', 'inbound', $2, $3)",
                &[&org, &client, &body],
            )
            .await
            .unwrap();
    }
    site
}

async fn sms_number(w: &World, org: Uuid) -> String {
    w.db.admin()
        .await
        .query_one(
            "select number from phone_numbers where org_id = $1 and sms_mode = 'enabled'
               and is_enabled and deleted_at is null order by number limit 1",
            &[&org],
        )
        .await
        .unwrap()
        .get(0)
}

fn sends(w: &World, account: usize) -> usize {
    w.fake
        .request_log(&w.api_key(account))
        .iter()
        .filter(|r| r.path.ends_with("/messages/send"))
        .count()
}

async fn stored(w: &World, org: Uuid) -> i64 {
    w.count(
        "select count(*) from mightycall_sms_messages where org_id = $1",
        &[&org],
    )
    .await
}

async fn post(site: &Site, org: Uuid, jar: &Jar, csrf: &str, from: &str, to: &str) -> Page {
    site.request(
        "POST",
        &format!("/orgs/{org}/sms"),
        jar,
        Some(&[("csrf", csrf), ("from", from), ("to", to), ("text", TEXT)]),
    )
    .await
}

#[tokio::test]
async fn a_manager_sends_from_the_page_and_sees_the_message_in_the_conversation() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    let from = sms_number(w, org).await;
    let jar = site.sign_in(w.t.manager_a).await;

    let page = site.get(&format!("/orgs/{org}/sms"), &jar).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("+15550000001"));
    assert!(page.html.contains("Is the store open on Sunday?"));
    assert!(!page.html.contains("B&#39;s customer") && !page.html.contains("+15550000002"));
    assert!(page.html.contains(&format!("action=\"/orgs/{org}/sms\"")));
    assert!(page.html.contains(&format!("<option value=\"{from}\"")));
    let before = stored(w, org).await;

    let sent = post(&site, org, &jar, &page.csrf(), &from, TO).await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let location = sent.location().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/orgs/{org}/sms?with=%2B442071234567#thread")
    );
    assert_eq!(sends(w, 0), 1);
    assert_eq!(stored(w, org).await, before + 1);
    let audited = w
        .count(
            "select count(*) from audit_log where org_id = $1 and action = 'sms.sent' and actor_user_id = $2",
            &[&org, &w.t.manager_a],
        )
        .await;
    assert_eq!(audited, 1);

    let thread = site.get(location.split('#').next().unwrap(), &jar).await;
    assert_eq!(thread.status, 200);
    assert!(thread.html.contains("Messages with +442071234567"));
    assert!(thread.html.contains(TEXT));
    assert!(thread.html.contains("data-direction=\"outbound\""));
}

#[tokio::test]
async fn refused_sends_say_why_keep_the_draft_and_change_nothing() {
    let site = site().await;
    let w = &site.w;
    let (org, other) = (w.t.org_a, w.t.org_b);
    let from = sms_number(w, org).await;
    let jar = site.sign_in(w.t.manager_a).await;
    let csrf = site.get(&format!("/orgs/{org}/sms"), &jar).await.csrf();
    let before = (stored(w, org).await, stored(w, other).await);

    let bad_number = post(&site, org, &jar, &csrf, &from, "12345").await;
    assert_eq!(bad_number.status, 422, "{}", bad_number.html);
    assert!(bad_number.html.contains("role=\"alert\""));
    assert!(bad_number.html.contains(TEXT), "the draft is kept");
    let not_ours = post(&site, org, &jar, &csrf, "+19999999999", TO).await;
    assert_eq!(not_ours.status, 422);
    assert!(not_ours.html.contains("phone numbers list"));
    let forged = post(&site, org, &jar, "not-the-token", &from, TO).await;
    assert_eq!(forged.status, 403);
    assert!(forged.html.contains("form has expired"));
    // Org B's page and number, by a manager of A: the page that does not exist.
    let their_number = sms_number(w, other).await;
    let elsewhere = post(&site, other, &jar, &csrf, &their_number, TO).await;
    assert_eq!(elsewhere.status, 404);
    assert!(!elsewhere.html.contains(&their_number));
    // B's conversation opened in A's page shows nothing of B.
    let peek = site
        .get(&format!("/orgs/{org}/sms?with=%2B15550000002"), &jar)
        .await;
    assert_eq!(peek.status, 200);
    assert!(!peek.html.contains("customer writes"));

    assert_eq!((sends(w, 0), sends(w, 1)), (0, 0));
    assert_eq!((stored(w, org).await, stored(w, other).await), before);
}

#[tokio::test]
async fn an_agent_sees_no_send_form_and_the_server_refuses_their_post() {
    let site = site().await;
    let w = &site.w;
    let org = w.t.org_a;
    let from = sms_number(w, org).await;
    let jar = site.sign_in(w.t.agent_a).await;

    let page = site.get(&format!("/orgs/{org}/sms"), &jar).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Is the store open on Sunday?"));
    assert!(!page.html.contains("Send an SMS"));
    assert!(!page.html.contains(&format!("action=\"/orgs/{org}/sms\"")));
    let before = stored(w, org).await;

    let refused = post(&site, org, &jar, &page.csrf(), &from, TO).await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert!(refused.html.contains("only org admins and managers"));
    assert_eq!(sends(w, 0), 0);
    assert_eq!(stored(w, org).await, before);
}
