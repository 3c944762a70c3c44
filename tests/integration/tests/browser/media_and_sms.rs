//! The pages that play and send, in the real browser: a recording plays and seeks through the
//! session, the calls' CSV download is the API's, an SMS sent from the page shows in its
//! conversation; an agent sees only what members read, and with scoping only their own calls.

use domain::Resource;
use fantoccini::{Client, Locator};
use integration_tests::site::Site;
use serde_json::{Value, json};
use test_harness::browser::Browser;
use uuid::Uuid;

use crate::support::{assert_accessible, capture, sign_in, submit_and_wait, wait_for_path};

/// Runs `script` (which calls `done` once) in the page; its answer.
pub async fn run(client: &Client, script: &str, args: Vec<Value>) -> Value {
    let script = format!("const done = arguments[arguments.length - 1];\n{script}");
    client.execute_async(&script, args).await.unwrap()
}

#[tokio::test]
async fn a_manager_plays_and_seeks_a_recording_downloads_calls_and_sends_an_sms() {
    let site = Site::synced(&[
        Resource::Contacts,
        Resource::PhoneNumbers,
        Resource::Calls,
        Resource::Recordings,
        Resource::Voicemails,
    ])
    .await;
    let w = &site.w;
    let org = w.t.org_a;
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.manager_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;
    // The dashboard over an account's synced month (the README's picture).
    browser.screenshot("dashboard-synced-desktop").await;

    // The first recording, made 8 MiB long: a seek to its middle needs a range past the first
    // answer's 4 MiB.
    client
        .find(Locator::Css("nav a[href$='/recordings']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, &format!("/orgs/{org}/recordings")).await;
    let row = client
        .find(Locator::Css("tr[data-recording]"))
        .await
        .unwrap()
        .attr("data-recording")
        .await
        .unwrap()
        .unwrap();
    let call: String =
        w.db.admin()
            .await
            .query_one(
                "select call_external_id from mightycall_recordings where id = $1::text::uuid",
                &[&row],
            )
            .await
            .unwrap()
            .get(0);
    w.fake
        .set_audio_len(call.parse().unwrap(), 2 * operations::CHUNK);
    let duration = run(
        client,
        "const a = document.querySelector('tr[data-recording] audio');
         a.addEventListener('loadedmetadata', () => done(a.duration), { once: true });
         a.addEventListener('error', () => done('error ' + a.error.code), { once: true });
         a.preload = 'metadata';
         a.load();",
        vec![],
    )
    .await;
    let duration = duration.as_f64().unwrap_or_else(|| panic!("{duration}"));
    assert!(
        duration > 500.0,
        "8 MiB of 8 kHz 16-bit audio: {duration} s"
    );
    let target = (duration / 2.0).floor();
    let seeked = run(
        client,
        "const a = document.querySelector('tr[data-recording] audio');
         a.addEventListener('seeked', () => done(a.currentTime), { once: true });
         a.addEventListener('error', () => done('error ' + a.error.code), { once: true });
         a.currentTime = arguments[0];",
        vec![json!(target)],
    )
    .await;
    assert_eq!(seeked.as_f64(), Some(target), "{seeked}");
    let moved = run(
        client,
        "const a = document.querySelector('tr[data-recording] audio');
         const from = a.currentTime, started = Date.now();
         const check = () => {
           if (a.currentTime > from + 0.2) { a.pause(); done(a.currentTime); }
           else if (Date.now() - started > 15000) { done('stuck at ' + a.currentTime); }
           else { setTimeout(check, 50); }
         };
         a.play().then(check).catch((e) => done('play failed: ' + e));",
        vec![],
    )
    .await;
    assert!(moved.as_f64().is_some_and(|t| t > target), "{moved}");
    let fetched = w
        .count(
            "select count(*) from audit_log where action = 'recording.audio_accessed'
             and target = $1 and details->>'range' like 'bytes=%'",
            &[&row],
        )
        .await;
    assert!(fetched >= 2, "the player asked by ranges: {fetched}");
    browser.screenshot("recordings-desktop").await;
    assert_accessible(&browser, "recordings").await;

    // The calls of a filter, downloaded by the browser with its session: the API's rows.
    client
        .goto(&format!(
            "{base}/orgs/{org}/calls?range=30d&direction=incoming"
        ))
        .await
        .unwrap();
    let href = client
        .find(Locator::Css("a.download"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let downloaded = run(
        client,
        "fetch(arguments[0]).then((r) => r.text()).then(done).catch((e) => done('failed: ' + e));",
        vec![json!(href)],
    )
    .await;
    let (status, _, api) = w
        .get_bytes(
            &w.data(),
            &format!(
                "/api/mightycall/reports?orgId={org}&type=calls&format=csv&direction=incoming"
            ),
            w.t.manager_a,
            &[],
        )
        .await;
    assert_eq!(status, 200);
    let api = String::from_utf8(api.to_vec()).unwrap();
    let downloaded = downloaded.as_str().unwrap();
    assert!(api.lines().count() > 1);
    assert_eq!(
        downloaded.lines().collect::<Vec<_>>(),
        api.lines().collect::<Vec<_>>()
    );
    // A call's page, its recording's player.
    client
        .find(Locator::Css("tr[data-call] a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let detail = client.current_url().await.unwrap();
    assert!(detail.path().starts_with(&format!("/orgs/{org}/calls/")));
    let detail = detail.path().to_owned();

    // An SMS from the page, then in its conversation.
    client
        .goto(&format!("{base}/orgs/{org}/sms"))
        .await
        .unwrap();
    let text = format!("Your table is ready ({})", Uuid::new_v4());
    client
        .find(Locator::Id("sms-to"))
        .await
        .unwrap()
        .send_keys("+442071234567")
        .await
        .unwrap();
    client
        .find(Locator::Id("sms-text"))
        .await
        .unwrap()
        .send_keys(&text)
        .await
        .unwrap();
    let send = format!("form[action='/orgs/{org}/sms'] button");
    submit_and_wait(client, Locator::Css(&send)).await;
    wait_for_path(client, &format!("/orgs/{org}/sms")).await;
    let thread = client
        .find(Locator::Css("ol.thread"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thread.contains(&text), "{thread}");
    browser.screenshot("sms-desktop").await;
    assert_accessible(&browser, "sms").await;

    capture(
        &browser,
        &base,
        &format!("/orgs/{org}/voicemails"),
        "voicemails",
    )
    .await;
    capture(
        &browser,
        &base,
        &format!("/orgs/{org}/recordings"),
        "recordings",
    )
    .await;
    capture(&browser, &base, &detail, "call").await;
    capture(
        &browser,
        &base,
        &format!("/orgs/{org}/sms?with=%2B442071234567"),
        "sms",
    )
    .await;
    capture(
        &browser,
        &base,
        &format!("/orgs/{org}/contacts"),
        "contacts",
    )
    .await;
    capture(&browser, &base, &format!("/orgs/{org}/numbers"), "numbers").await;
    browser.close().await;
}

#[tokio::test]
async fn an_agent_sees_no_manager_control_and_with_scoping_only_their_own_calls() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                agent_extension)
             select $1, 'g' || i, now() - i * interval '2 hours', 'incoming', 'connected', 30000,
                    (array['101','102'])[1 + i % 2]
             from generate_series(1, 20) i",
            &[&org],
        )
        .await
        .unwrap();
    w.scope_agents(org, w.t.agent_a, Some("101")).await;
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.agent_a).await;
    wait_for_path(client, &format!("/orgs/{org}/dashboard")).await;

    let mut pages = Vec::new();
    for link in client
        .find_all(Locator::Css("header.top nav a"))
        .await
        .unwrap()
    {
        let href = link.attr("href").await.unwrap().unwrap();
        pages.push(href.rsplit('/').next().unwrap().to_owned());
    }
    assert_eq!(
        pages,
        [
            "dashboard",
            "calls",
            "reports",
            "live",
            "missed-calls",
            "recordings",
            "voicemails",
            "sms",
            "contacts",
            "numbers",
            "sync"
        ],
        "the pages every member reads, nothing that manages the org"
    );
    client
        .goto(&format!("{base}/orgs/{org}/sms"))
        .await
        .unwrap();
    assert!(
        client
            .find_all(Locator::Css("form[action$='/sms']"))
            .await
            .unwrap()
            .is_empty(),
        "no send form for an agent"
    );
    client
        .goto(&format!("{base}/orgs/{org}/calls"))
        .await
        .unwrap();
    let mut agents = Vec::new();
    for cell in client
        .find_all(Locator::Css("tr[data-call] td:nth-child(6)"))
        .await
        .unwrap()
    {
        agents.push(cell.text().await.unwrap());
    }
    assert!(
        agents.len() >= 10,
        "the ten calls of extension 101 at least"
    );
    assert!(agents.iter().all(|a| a == "101"), "{agents:?}");
    browser.close().await;
}
