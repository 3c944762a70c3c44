//! The operations pages in the real browser: a webhook sent to the stack turns an agent "on call"
//! on the Live page within 5 s without a reload; resolving a missed call moves it to "resolved";
//! a sync started from the Sync page reaches "succeeded" on screen by itself and its calls show
//! on the Calls page. Screenshots (desktop and 375 px) and the accessibility check of each page.

use std::time::{Duration, Instant};

use axum::http::Method;
use chrono::Utc;
use fantoccini::{Client, Locator};
use integration_tests::site::Site;
use mightycall_fake::{Fault, FaultRule};
use serde_json::json;
use test_harness::browser::Browser;
use test_harness::http::call;
use uuid::Uuid;

use crate::support::{capture, sign_in, submit_and_wait, wait_for_path};

/// Waits (at most `limit`) until an element matches `css`; how long it took.
async fn appears(client: &Client, css: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if client.find(Locator::Css(css)).await.is_ok() {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{css} did not appear in {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Marks the document, so [`still_marked`] tells whether the page was reloaded since.
async fn mark(client: &Client) {
    client
        .execute("window.notReloaded = true;", vec![])
        .await
        .unwrap();
}

async fn still_marked(client: &Client) -> bool {
    let marked = client
        .execute("return window.notReloaded === true;", vec![])
        .await
        .unwrap();
    marked.as_bool().unwrap()
}

#[tokio::test]
async fn a_webhook_turns_an_agent_on_call_on_the_live_page_within_five_seconds() {
    let site = Site::synced(&[]).await;
    let w = &site.w;
    let org = w.t.org_a;
    let path = format!("/api/admin/orgs/{org}/integrations/mightycall/webhook-token");
    let reply = w.admin_call(Method::POST, &path, w.t.admin_a, None).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let token = reply.body["webhook_token"].as_str().unwrap().to_owned();
    // The agent's extension: on the roster before anything is heard of it.
    w.db.admin()
        .await
        .execute(
            "update org_users set mightycall_extension = '101' where org_id = $1 and user_id = $2",
            &[&org, &w.t.agent_a],
        )
        .await
        .unwrap();
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.manager_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    capture(&browser, &base, &format!("/orgs/{org}/live"), "live").await;
    capture(
        &browser,
        &base,
        &format!("/orgs/{org}/live?view=wallboard"),
        "wallboard",
    )
    .await;
    client
        .goto(&format!("{base}/orgs/{org}/live"))
        .await
        .unwrap();
    assert!(
        client
            .find(Locator::Css("tr[data-extension='101']"))
            .await
            .is_ok(),
        "the member's extension is on the roster"
    );
    mark(client).await;

    let trigger = w.trigger().await;
    let id = Uuid::new_v4().to_string();
    for kind in ["IncomingCallRinging", "IncomingCallConnected"] {
        let event = json!({
            "Body": { "From": "+15550001234", "To": "+15550347567", "Id": id, "Extension": "101" },
            "Guid": Uuid::new_v4().to_string(),
            "ApiKey": w.api_key(0),
            "Timestamp": Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f0Z").to_string(),
            "EventType": kind,
        });
        let path = format!("/api/webhooks/mightycall/{org}/{token}");
        let reply = call(&trigger, Method::POST, &path, None, Some(&event)).await;
        assert_eq!(reply.status, 202, "{kind}: {:?}", reply.body);
    }
    let took = appears(
        client,
        "tr[data-extension='101'][data-state='on_call']",
        Duration::from_secs(5),
    )
    .await;
    assert!(
        still_marked(client).await,
        "the roster changed without a reload"
    );
    let count = client
        .find(Locator::Css("li[data-state='on_call'] .count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count, "1", "after {took:?}");
    browser.screenshot("live-on-call-desktop").await;
}

#[tokio::test]
async fn resolving_a_missed_call_moves_it_to_resolved() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let id: Uuid = w
        .db
        .admin()
        .await
        .query_one(
            "insert into calls (org_id, external_id, started_at, direction, status, caller_number, business_number)
             values ($1, 'missed-1', now() - interval '2 hours', 'incoming', 'missed', '+15550004321', '+12125550100')
             returning id",
            &[&org],
        )
        .await
        .unwrap()
        .get(0);
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.manager_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    let list = format!("/orgs/{org}/missed-calls");
    capture(&browser, &base, &list, "missed-calls").await;

    client.goto(&format!("{base}{list}")).await.unwrap();
    client
        .find(Locator::Id(&format!("note-{id}")))
        .await
        .unwrap()
        .send_keys("Left a voicemail for them")
        .await
        .unwrap();
    let resolve = format!("tr[data-missed='{id}'] button");
    submit_and_wait(client, Locator::Css(&resolve)).await;
    wait_for_path(client, &list).await;
    appears(
        client,
        &format!("tr[data-missed='{id}'][data-status='resolved']"),
        Duration::from_secs(5),
    )
    .await;
    let url = client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("status=resolved"));
    let current = client
        .find(Locator::Css("nav.tabs a[aria-current='page']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(current, "Resolved");
    let note = client
        .find(Locator::Css(&format!("tr[data-missed='{id}'] td.note")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(note, "Left a voicemail for them");
    capture(
        &browser,
        &base,
        &format!("{list}?status=resolved"),
        "missed-calls-resolved",
    )
    .await;
    client.goto(&format!("{base}{list}")).await.unwrap();
    assert!(
        client
            .find(Locator::Css(&format!("tr[data-missed='{id}']")))
            .await
            .is_err(),
        "no longer open"
    );
}

#[tokio::test]
async fn a_sync_started_on_the_page_succeeds_on_screen_and_its_calls_show() {
    let site = Site::synced(&[]).await;
    let w = &site.w;
    let org = w.t.org_a;
    // The first page of calls answers after 3 s: the page shows the job before it ends.
    w.fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_secs(3),
        })
        .on_path("/calls"),
    );
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.admin_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    let sync = format!("/orgs/{org}/sync");
    capture(&browser, &base, &sync, "sync").await;

    client.goto(&format!("{base}{sync}")).await.unwrap();
    client
        .find(Locator::Css("#sync-kind option[value='reports']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit_and_wait(client, Locator::Css("form[action$='/sync'] button")).await;
    wait_for_path(client, &sync).await;
    appears(client, "tr[data-job]", Duration::from_secs(5)).await;
    mark(client).await;
    let before = client
        .find(Locator::Css("tr[data-job]"))
        .await
        .unwrap()
        .attr("data-status")
        .await
        .unwrap()
        .unwrap();
    assert!(["queued", "running"].contains(&before.as_str()), "{before}");
    appears(
        client,
        "tr[data-job][data-status='succeeded']",
        Duration::from_secs(30),
    )
    .await;
    assert!(
        still_marked(client).await,
        "the job's row changed without a reload"
    );
    browser.screenshot("sync-succeeded-desktop").await;

    client
        .goto(&format!("{base}/orgs/{org}/calls"))
        .await
        .unwrap();
    appears(client, "tr[data-call]", Duration::from_secs(5)).await;
}
