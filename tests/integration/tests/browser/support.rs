//! What the flows share: signing in through the form, waiting for a page, the accessibility check
//! and the width check.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use integration_tests::site::{PASSWORD, email};
use test_harness::browser::Browser;
use uuid::Uuid;

/// Waits until the browser's path is `path` (pages redirect after a form).
pub async fn wait_for_path(client: &Client, path: &str) {
    let started = Instant::now();
    loop {
        let url = client.current_url().await.unwrap();
        if url.path() == path {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still at {url}, waiting for {path}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn sign_in(client: &Client, base: &str, user: Uuid) {
    client.goto(&format!("{base}/login")).await.unwrap();
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(&email(user))
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit_and_wait(client, Locator::Css("form[action='/login'] button")).await;
}

/// axe-core finds nothing serious or critical on the page the browser shows.
pub async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "{page}: {violations:#?}");
}

/// Whether the page fits the window's width (no sideways scrolling).
pub async fn fits(client: &Client) -> bool {
    let fits = client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    fits.as_bool().unwrap()
}

/// Screenshots of the page at `path` at 375 px and on the desktop, checked for width and access.
pub async fn capture(browser: &Browser, base: &str, path: &str, name: &str) {
    let client = &browser.client;
    client.goto(&format!("{base}{path}")).await.unwrap();
    browser.screenshot(&format!("{name}-desktop")).await;
    assert_accessible(browser, name).await;
    client.set_window_size(375, 812).await.unwrap();
    client.refresh().await.unwrap();
    assert!(fits(client).await, "{name} is readable at 375 px");
    browser.screenshot(&format!("{name}-375")).await;
    client.set_window_size(1280, 900).await.unwrap();
}

/// Clicks `button` (a form's submit) and waits until the browser shows the document that answered
/// it: a page that renders in place of a redirect keeps the URL, so the old document is marked and
/// the wait lasts until it is gone.
pub async fn submit_and_wait(client: &Client, button: Locator<'_>) {
    client
        .execute("window.__beforeSubmit = true; return null;", vec![])
        .await
        .unwrap();
    client.find(button).await.unwrap().click().await.unwrap();
    let started = Instant::now();
    loop {
        let fresh = client
            .execute(
                "return window.__beforeSubmit !== true && document.readyState === 'complete';",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if fresh {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the form's answer did not load"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Types `text` into the field with id `id`.
pub async fn type_into(client: &Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Signs out with the header's button and waits for the sign-in page.
pub async fn sign_out(client: &Client) {
    client
        .find(Locator::Css("form.signout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, "/login").await;
}
