//! An expired access token is refreshed once per request, before the page runs, and every kind of
//! answer carries the renewed cookie: a form's redirect, a refused form shown again, an error
//! page. The fake Supabase Auth spends a refresh token when it is used, and one presented again
//! ends the session — so a page that refreshed twice, or an answer without the new cookie, signs
//! the person out.

use integration_tests::site::{Jar, Page, Site};

use crate::cookies::{open_cookie, with_expired_token};

fn refresh_token(jar: &Jar) -> String {
    open_cookie(jar, "vs_session")["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The session cookies the answer sets (a renewed one, or the one that deletes it).
fn session_cookies(page: &Page) -> Vec<&str> {
    page.set_cookies()
        .into_iter()
        .filter(|c| c.starts_with("vs_session="))
        .collect()
}

/// Ages the jar's access token, lets `answer` run with it, and checks that the answer renewed
/// the session once; the jar then holds the renewed cookie, which the next page takes as it is.
async fn renewed_by<F>(site: &Site, jar: &mut Jar, answer: F) -> Page
where
    F: AsyncFnOnce(&Jar) -> Page,
{
    let before = refresh_token(jar);
    let page = answer(&with_expired_token(jar)).await;
    assert_eq!(session_cookies(&page).len(), 1, "{:?}", page.set_cookies());
    jar.take(&page);
    assert_ne!(refresh_token(jar), before, "the rotated refresh token");
    let next = site.get("/", jar).await;
    assert!(session_cookies(&next).is_empty(), "no second refresh");
    assert_ne!(next.location(), Some("/login"), "the session lives on");
    page
}

#[tokio::test]
async fn an_expired_session_is_renewed_once_whatever_the_answer_and_lives_on() {
    let site = Site::new().await;
    let (org, other) = (site.w.t.org_a, site.w.t.org_b);
    let mut jar = site.sign_in(site.w.t.admin_a).await;
    let first = jar.clone();
    let settings = format!("/orgs/{org}/settings");
    let csrf = site.get(&settings, &jar).await.csrf();
    let form = |zone: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("name", "Acme Support".to_owned()),
            ("time_zone", zone.to_owned()),
            ("sla_target_percent", "80".to_owned()),
            ("sla_target_seconds", "20".to_owned()),
            ("short_abandon_seconds", "5".to_owned()),
            ("live_status_unknown_after_minutes", "45".to_owned()),
        ]
    };
    let post = async |jar: &Jar, zone: &'static str| {
        let fields = form(zone);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        site.request("POST", &settings, jar, Some(&fields)).await
    };

    // A refused form shown again opens the page a second time, with the renewed session.
    let refused = renewed_by(&site, &mut jar, async |jar| post(jar, "Mars/Olympus").await).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.to_lowercase().contains("time zone"));

    let saved = renewed_by(&site, &mut jar, async |jar| {
        post(jar, "America/Chicago").await
    })
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(
        saved.location(),
        Some(format!("{settings}?saved=1").as_str())
    );

    // Another org's page: the 404 page, and the renewed cookie with it.
    let foreign = renewed_by(&site, &mut jar, async |jar| {
        site.get(&format!("/orgs/{other}/dashboard"), jar).await
    })
    .await;
    assert_eq!(foreign.status, 404);

    let page = renewed_by(&site, &mut jar, async |jar| {
        site.get(&format!("/orgs/{org}/dashboard"), jar).await
    })
    .await;
    assert_eq!(page.status, 200);

    // Signing out with an expired token ends the session: the answer deletes the cookie and
    // sends no renewed one.
    let csrf = page.csrf();
    let out = site
        .request(
            "POST",
            "/logout",
            &with_expired_token(&jar),
            Some(&[("csrf", csrf.as_str())]),
        )
        .await;
    assert_eq!(out.location(), Some("/login"));
    let cookies = session_cookies(&out);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].contains("Max-Age=0"));
    // A cookie with a spent refresh token opens nothing.
    let spent = site.get("/", &with_expired_token(&first)).await;
    assert_eq!(spent.location(), Some("/login"));
}
