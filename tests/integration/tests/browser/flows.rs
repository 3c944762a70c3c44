use std::time::Duration;

use axum::http::Method;
use fantoccini::{Client, Locator};
use integration_tests::site::{PASSWORD, Site, email};
use test_harness::browser::Browser;

use crate::support::{assert_accessible, fits, sign_in, submit_and_wait, wait_for_path};

/// The value shown on the tile labelled `label`.
async fn tile(client: &Client, label: &str) -> String {
    let xpath =
        format!("//div[@class='tile'][p[@class='label'][text()='{label}']]/p[@class='value']");
    client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_signs_in_and_the_dashboard_shows_the_apis_figures() {
    let site = Site::new().await;
    let w = &site.w;
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                agent_extension)
             select $1, 'b' || i, now() - i * interval '5 hours', (array['incoming','outgoing'])[1 + i % 2],
                    (array['connected','missed','connected'])[1 + i % 3], 90000, (array['101','102','103','104'])[1 + i % 4]
             from generate_series(1, 60) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    client.goto(&format!("{base}/login")).await.unwrap();
    browser.screenshot("sign-in-desktop").await;
    assert_accessible(&browser, "sign-in").await;
    sign_in(client, &base, w.t.admin_a).await;
    let dashboard = format!("/orgs/{}/dashboard", w.t.org_a);
    wait_for_path(client, &dashboard).await;

    let api = w
        .call(
            &w.data(),
            Method::GET,
            &format!("/api/dashboard/metrics?orgId={}", w.t.org_a),
            w.t.admin_a,
            None,
        )
        .await;
    let totals = &api.body["totals"];
    assert!(totals["total"].as_i64().unwrap() > 50);
    assert_eq!(tile(client, "Calls").await, totals["total"].to_string());
    assert_eq!(
        tile(client, "Answered").await,
        totals["answered"].to_string()
    );
    assert_eq!(tile(client, "Missed").await, totals["missed"].to_string());
    browser.screenshot("dashboard-desktop").await;
    assert_accessible(&browser, "dashboard").await;
    assert!(fits(client).await);
    client
        .find(Locator::LinkText("Calls"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, &format!("/orgs/{}/calls", w.t.org_a)).await;
    let rows = client
        .find_all(Locator::Css("tr[data-call]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 61, "the seeded call and the 60 above");
    browser.screenshot("calls-desktop").await;
    assert_accessible(&browser, "calls").await;

    // The agents report sorts by a column in the browser, both ways.
    client
        .goto(&format!("{base}/orgs/{}/reports?type=agents", w.t.org_a))
        .await
        .unwrap();
    let calls_column = |client: &Client| {
        let client = client.clone();
        async move {
            let mut values = Vec::new();
            for cell in client
                .find_all(Locator::Css("table.report tbody tr td:nth-child(2)"))
                .await
                .unwrap()
            {
                values.push(
                    cell.attr("data-sort")
                        .await
                        .unwrap()
                        .unwrap()
                        .parse::<f64>()
                        .unwrap(),
                );
            }
            values
        }
    };
    let sort = Locator::Css("button.sort[data-col='1']");
    client.find(sort).await.unwrap().click().await.unwrap();
    let up = calls_column(client).await;
    assert!(up.windows(2).all(|p| p[0] <= p[1]), "{up:?}");
    client.find(sort).await.unwrap().click().await.unwrap();
    let down = calls_column(client).await;
    assert!(down.windows(2).all(|p| p[0] >= p[1]), "{down:?}");
    browser.screenshot("reports-desktop").await;
    assert_accessible(&browser, "reports").await;
    for page in ["contacts", "numbers"] {
        client
            .find(Locator::Css(&format!("nav a[href$='/{page}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_path(client, &format!("/orgs/{}/{page}", w.t.org_a)).await;
        browser.screenshot(&format!("{page}-desktop")).await;
        assert_accessible(&browser, page).await;
    }

    client.set_window_size(375, 812).await.unwrap();
    client.refresh().await.unwrap();
    assert!(
        fits(client).await,
        "the dashboard is readable at 375 px without sideways scrolling"
    );
    browser.screenshot("dashboard-375").await;
    client
        .goto(&format!("{base}/orgs/{}/calls", w.t.org_a))
        .await
        .unwrap();
    assert!(
        fits(client).await,
        "the call log scrolls inside its table at 375 px"
    );
    browser.screenshot("calls-375").await;
    client
        .goto(&format!("{base}/orgs/{}/reports", w.t.org_a))
        .await
        .unwrap();
    assert!(
        fits(client).await,
        "the reports scroll inside their table at 375 px"
    );
    browser.screenshot("reports-375").await;
    client
        .goto(&format!("{base}/orgs/{}/dashboard", w.t.org_b))
        .await
        .unwrap();
    browser.screenshot("not-found-375").await;
    client.set_window_size(1280, 900).await.unwrap();
    browser.screenshot("not-found-desktop").await;
    assert_accessible(&browser, "not found").await;
    let source = client.source().await.unwrap();
    assert!(
        source.contains("Not found") && !source.contains("Org B"),
        "another org's page is the 404 page"
    );
    client.goto(&format!("{base}/login")).await.unwrap();
    client.set_window_size(375, 812).await.unwrap();
    browser.screenshot("sign-in-375").await;
    browser.close().await;
}

#[tokio::test]
async fn after_sign_out_going_back_shows_no_data_and_a_tampered_cookie_is_refused() {
    let site = Site::new().await;
    let w = &site.w;
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, w.t.manager_a).await;
    let dashboard = format!("/orgs/{}/dashboard", w.t.org_a);
    wait_for_path(client, &dashboard).await;
    assert!(client.source().await.unwrap().contains("Org A"));
    let cookie = client.get_named_cookie("vs_session").await.unwrap();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.secure(), Some(true));

    client
        .find(Locator::Css("form.signout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, "/login").await;
    client.back().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.refresh().await.unwrap();
    wait_for_path(client, "/login").await;
    assert!(
        !client.source().await.unwrap().contains("Org A"),
        "no data after sign-out"
    );

    // Signed in again, the cookie tampered with: back to the sign-in page.
    sign_in(client, &base, w.t.manager_a).await;
    wait_for_path(client, &dashboard).await;
    let mut cookie = client.get_named_cookie("vs_session").await.unwrap();
    let sealed = cookie.value().to_owned();
    let middle = sealed.len() / 2;
    let flipped = if &sealed[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    cookie.set_value(format!(
        "{}{flipped}{}",
        &sealed[..middle],
        &sealed[middle + 1..]
    ));
    client.delete_cookie("vs_session").await.unwrap();
    client.add_cookie(cookie).await.unwrap();
    client.goto(&format!("{base}{dashboard}")).await.unwrap();
    wait_for_path(client, "/login").await;
    browser.close().await;
}

#[tokio::test]
async fn a_user_with_an_authenticator_app_signs_in_with_its_code() {
    let site = Site::new().await;
    let w = &site.w;
    let admin = w.t.admin_a;
    site.auth
        .add_user_with_id(admin, &email(admin), PASSWORD, true);
    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &base, admin).await;
    wait_for_path(client, "/login/code").await;
    assert!(
        client.get_named_cookie("vs_session").await.is_err(),
        "no session before the code"
    );
    browser.screenshot("sign-in-code-desktop").await;
    assert_accessible(&browser, "sign-in code").await;

    let code = Locator::Id("code");
    let submit = Locator::Css("form[action='/login/code'] button");
    client
        .find(code)
        .await
        .unwrap()
        .send_keys("000000")
        .await
        .unwrap();
    // A wrong code (unless the app shows just that) is refused on the same form.
    if site.auth.totp_code(&email(admin)).as_deref() != Some("000000") {
        submit_and_wait(client, submit).await;
        wait_for_path(client, "/login/code").await;
        assert!(
            client
                .source()
                .await
                .unwrap()
                .contains("That code is not right")
        );
        browser.screenshot("sign-in-code-wrong-desktop").await;
        assert_accessible(&browser, "sign-in code, wrong").await;
    }
    let field = client.find(code).await.unwrap();
    field.clear().await.unwrap();
    field
        .send_keys(&site.auth.totp_code(&email(admin)).unwrap())
        .await
        .unwrap();
    client.find(submit).await.unwrap().click().await.unwrap();
    wait_for_path(client, &format!("/orgs/{}/dashboard", w.t.org_a)).await;
    assert!(client.source().await.unwrap().contains("Org A"));
    assert!(
        client.get_named_cookie("vs_mfa").await.is_err(),
        "the step is over"
    );
    client.goto(&format!("{base}/login/code")).await.unwrap();
    client.set_window_size(375, 812).await.unwrap();
    browser.screenshot("sign-in-code-expired-375").await;
    browser.close().await;
}
