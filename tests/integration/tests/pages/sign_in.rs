//! Signing in and out of the pages, the session cookie, the dashboard's figures against the API's,
//! and another org's pages.

use axum::http::Method;
use integration_tests::World;

use integration_tests::site::{Jar, PASSWORD, Page, Site, email};

fn tile(page: &Page, label: &str) -> String {
    let marker = format!("<p class=\"label\">{label}</p><p class=\"value\">");
    let at = page
        .html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {label} tile"));
    let rest = &page.html[at + marker.len()..];
    rest[..rest.find('<').unwrap()].to_owned()
}

fn assert_secure_headers(page: &Page) {
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    assert!(page.headers.contains_key("strict-transport-security"));
    // No inline script or style anywhere.
    assert!(!page.html.contains(" style="), "inline style");
    assert!(!page.html.contains("<script>"), "inline script");
}

#[tokio::test]
async fn the_sign_in_page_is_locked_down_and_sets_only_a_form_cookie() {
    let site = Site::new().await;
    let page = site.get("/login", &Jar::default()).await;
    assert_eq!(page.status, 200);
    assert_secure_headers(&page);
    // Besides, it drops any pending code step (signing in starts again).
    let (dropped, cookies): (Vec<&str>, Vec<&str>) = page
        .set_cookies()
        .into_iter()
        .partition(|c| c.contains("Max-Age=0"));
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert!(dropped[0].starts_with("vs_mfa=;"));
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("vs_signin="));
    for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookies[0].contains(flag), "{flag}: {}", cookies[0]);
    }
    assert!(
        page.html.contains("<label for=\"email\">"),
        "labelled controls"
    );
}

#[tokio::test]
async fn an_admin_signs_in_and_the_dashboard_tiles_are_the_apis_figures() {
    let site = Site::new().await;
    let w = &site.w;
    // Calls of the last days in org A, on top of the seeded one.
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms)
             select $1, 'p' || i, now() - i * interval '7 hours', (array['incoming','outgoing'])[1 + i % 2],
                    (array['connected','missed','voicemail','connected'])[1 + i % 4], 60000
             from generate_series(1, 40) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let jar = site.sign_in(w.t.admin_a).await;
    let home = site.get("/", &jar).await;
    assert_eq!(home.status, 303);
    let dashboard_path = format!("/orgs/{}/dashboard", w.t.org_a);
    assert_eq!(home.location(), Some(dashboard_path.as_str()));
    let page = site.get(&dashboard_path, &jar).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_secure_headers(&page);
    assert_eq!(page.headers["cache-control"], "no-store");

    let api = w
        .call(
            &w.data(),
            Method::GET,
            &format!("/api/dashboard/metrics?orgId={}", w.t.org_a),
            w.t.admin_a,
            None,
        )
        .await;
    assert_eq!(api.status, 200);
    let totals = &api.body["totals"];
    assert!(totals["total"].as_i64().unwrap() > 30);
    assert_eq!(tile(&page, "Calls"), totals["total"].to_string());
    assert_eq!(tile(&page, "Answered"), totals["answered"].to_string());
    assert_eq!(tile(&page, "Missed"), totals["missed"].to_string());
    let rate = totals["answer_rate"].as_f64().unwrap();
    assert_eq!(tile(&page, "Answer rate"), format!("{:.1} %", rate * 100.0));
    // One bar pair per local day of the range.
    assert_eq!(page.html.matches("<rect class=\"all\"").count(), 30);

    // No token reaches the page or its cookie in readable form.
    let sealed = &jar.0["vs_session"];
    assert!(!sealed.contains("eyJ"), "the cookie is sealed");
    assert!(!page.html.contains("eyJ"), "no token in the page");
}

#[tokio::test]
async fn bad_sign_ins_are_refused_and_set_no_session() {
    let site = Site::new().await;
    let mut jar = Jar::default();
    let form = site.get("/login", &jar).await;
    jar.take(&form);
    let address = email(site.w.t.admin_a);
    let wrong = site
        .request(
            "POST",
            "/login",
            &jar,
            Some(&[
                ("csrf", &form.csrf()),
                ("email", &address),
                ("password", "nope"),
            ]),
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.html.contains("do not match"), "{}", wrong.html);
    assert!(
        !wrong
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("vs_session="))
    );
    // A form token that is not the cookie's (cross-site request), or no cookie at all.
    for (jar, csrf) in [
        (jar.clone(), "forged".to_owned()),
        (Jar::default(), form.csrf()),
    ] {
        let forged = site
            .request(
                "POST",
                "/login",
                &jar,
                Some(&[("csrf", &csrf), ("email", &address), ("password", PASSWORD)]),
            )
            .await;
        assert_eq!(forged.status, 403, "{}", forged.html);
        assert!(
            !forged
                .set_cookies()
                .iter()
                .any(|c| c.starts_with("vs_session="))
        );
    }
    assert_eq!(site.auth.live_sessions(&address), 0);
}

#[tokio::test]
async fn another_orgs_pages_are_a_404_page_with_none_of_its_data() {
    let site = Site::new().await;
    let w: &World = &site.w;
    let jar = site.sign_in(w.t.manager_a).await;
    for path in [
        format!("/orgs/{}/dashboard", w.t.org_b),
        "/orgs/not-an-org/dashboard".to_owned(),
        "/no/such/page".to_owned(),
    ] {
        let page = site.get(&path, &jar).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(
            page.html.contains("Not found") && page.html.contains("Request id"),
            "{}",
            page.html
        );
        assert!(!page.html.contains("Org B"), "{path}");
        assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    }
    // Signed out, an org page sends to the sign-in page.
    let anonymous = site
        .get(&format!("/orgs/{}/dashboard", w.t.org_a), &Jar::default())
        .await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.location(), Some("/login"));
}

#[tokio::test]
async fn sign_out_ends_the_session_even_for_a_copied_cookie() {
    let site = Site::new().await;
    let w = &site.w;
    let mut jar = site.sign_in(w.t.agent_a).await;
    let copy = jar.clone();
    let path = format!("/orgs/{}/dashboard", w.t.org_a);
    let page = site.get(&path, &jar).await;
    assert_eq!(page.status, 200);

    let forged = site
        .request("POST", "/logout", &jar, Some(&[("csrf", "forged")]))
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(site.get(&path, &jar).await.status, 200, "still signed in");

    let out = site
        .request("POST", "/logout", &jar, Some(&[("csrf", &page.csrf())]))
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), Some("/login"));
    jar.take(&out);
    assert!(!jar.0.contains_key("vs_session"));
    for cookies in [&jar, &copy] {
        let after = site.get(&path, cookies).await;
        assert_eq!(after.status, 303);
        assert_eq!(after.location(), Some("/login"));
    }
    assert_eq!(
        site.auth.live_sessions(&email(w.t.agent_a)),
        0,
        "Supabase session ended too"
    );
}

#[tokio::test]
async fn a_tampered_session_cookie_is_refused() {
    let site = Site::new().await;
    let mut jar = site.sign_in(site.w.t.admin_a).await;
    let sealed = jar.0["vs_session"].clone();
    let middle = sealed.len() / 2;
    let flipped = if &sealed[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    jar.0.insert(
        "vs_session".into(),
        format!("{}{flipped}{}", &sealed[..middle], &sealed[middle + 1..]),
    );
    let page = site
        .get(&format!("/orgs/{}/dashboard", site.w.t.org_a), &jar)
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/login"));
}

#[tokio::test]
async fn a_magic_link_signs_in_once() {
    let site = Site::new().await;
    let user = site.w.t.manager_a;
    let mut jar = Jar::default();
    let form = site.get("/login", &jar).await;
    jar.take(&form);
    let asked = site
        .request(
            "POST",
            "/login/link",
            &jar,
            Some(&[("csrf", &form.csrf()), ("email", &email(user))]),
        )
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.html.contains("a sign-in link is on its way"));
    // The same answer for an address without an account.
    let stranger = site
        .request(
            "POST",
            "/login/link",
            &jar,
            Some(&[("csrf", &form.csrf()), ("email", "who@example.test")]),
        )
        .await;
    assert_eq!(stranger.status, 200);
    assert!(stranger.html.contains("a sign-in link is on its way"));

    let links = site.auth.magic_links(&email(user));
    assert_eq!(links.len(), 1);
    let path = links[0].trim_start_matches("http://127.0.0.1:9000");
    let mut fresh = Jar::default();
    let landed = site.get(path, &fresh).await;
    assert_eq!(landed.status, 303, "{}", landed.html);
    fresh.take(&landed);
    let dashboard = site
        .get(&format!("/orgs/{}/dashboard", site.w.t.org_a), &fresh)
        .await;
    assert_eq!(dashboard.status, 200);
    let again = site.get(path, &Jar::default()).await;
    assert_eq!(again.status, 401);
}
