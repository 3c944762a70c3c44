//! The code step of signing in for a user with a verified TOTP factor (Supabase's `aal2`): the
//! pending step's cookie, the code form, and the rule that a session of such a user needs an
//! `aal2` token.

use axum::http::Method;
use integration_tests::World;
use integration_tests::site::{Jar, PASSWORD, Page, Site, email};
use serde_json::json;
use uuid::Uuid;

use crate::cookies::{claims, open_cookie, seal_cookie, with_expired_token};

/// A site whose deployment requires MFA for admin writes, where `admin_a` has a TOTP factor.
async fn site() -> Site {
    let site = Site::on(World::builder().mfa_for_admin().build().await).await;
    let admin = site.w.t.admin_a;
    site.auth
        .add_user_with_id(admin, &email(admin), PASSWORD, true);
    site
}

/// Password given: the jar holds only the pending step, the browser is at the code form.
async fn at_code_form(site: &Site, user: Uuid) -> (Jar, Page) {
    let (mut jar, signed) = site.password_step(user).await;
    assert_eq!(signed.location(), Some("/login/code"), "{}", signed.html);
    assert!(!jar.0.contains_key("vs_session"), "no session yet");
    assert!(!jar.0.contains_key("vs_signin"));
    let pending = signed
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("vs_mfa="))
        .unwrap()
        .to_owned();
    for flag in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=300",
    ] {
        assert!(pending.contains(flag), "{flag}: {pending}");
    }
    let form = site.get("/login/code", &jar).await;
    assert_eq!(form.status, 200, "{}", form.html);
    assert!(
        form.html.contains(
            "<label for=\"code\">Enter the 6-digit code from your authenticator app</label>"
        ),
        "{}",
        form.html
    );
    jar.take(&form);
    (jar, form)
}

async fn submit(site: &Site, jar: &Jar, csrf: &str, code: &str) -> Page {
    site.request(
        "POST",
        "/login/code",
        jar,
        Some(&[("csrf", csrf), ("code", code)]),
    )
    .await
}

fn sets_session(page: &Page) -> bool {
    page.set_cookies()
        .iter()
        .any(|c| c.starts_with("vs_session=") && !c.contains("Max-Age=0"))
}

/// No token, refresh token or code anywhere a browser shows or a log could catch.
fn assert_no_secrets(page: &Page, code: &str) {
    assert!(!page.html.contains("eyJ"), "no token in the page");
    assert!(!page.html.contains(code), "no code in the page");
    if let Some(location) = page.location() {
        assert!(
            !location.contains("eyJ") && !location.contains(code),
            "{location}"
        );
        assert!(!location.contains("token"), "{location}");
    }
}

#[tokio::test]
async fn the_right_code_starts_an_aal2_session_that_may_do_admin_writes() {
    let site = site().await;
    let w = &site.w;
    let admin = w.t.admin_a;
    let (mut jar, form) = at_code_form(&site, admin).await;
    // The pending cookie holds Supabase's aal1 tokens, sealed.
    let pending = open_cookie(&jar, "vs_mfa");
    assert_eq!(
        claims(pending["access_token"].as_str().unwrap())["aal"],
        "aal1"
    );
    assert!(!jar.0["vs_mfa"].contains("eyJ"), "sealed");
    assert_no_secrets(&form, "no-code-yet");

    let code = site.auth.totp_code(&email(admin)).unwrap();
    // Apps show the code in two groups; the form takes it either way.
    let grouped = format!("{} {}", &code[..3], &code[3..]);
    let signed = submit(&site, &jar, &form.csrf(), &grouped).await;
    assert_eq!(signed.status, 303, "{}", signed.html);
    assert_eq!(signed.location(), Some("/"));
    assert_no_secrets(&signed, &code);
    jar.take(&signed);
    assert!(jar.0.contains_key("vs_session"));
    assert!(!jar.0.contains_key("vs_mfa"), "the step is over");

    let dashboard = site
        .get(&format!("/orgs/{}/dashboard", w.t.org_a), &jar)
        .await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.html);
    assert_no_secrets(&dashboard, &code);

    // The session's token is Supabase's aal2 one: with REQUIRE_MFA_FOR_ADMIN it may do an admin
    // write, which the aal1 token of the password alone may not.
    let session = open_cookie(&jar, "vs_session");
    let token = session["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["aal"], "aal2");
    assert_eq!(claims(token)["sub"], admin.to_string());
    let path = format!("/api/admin/orgs/{}/integrations/mightycall", w.t.org_a);
    let body = json!({ "enabled": false });
    let admin_api = w.admin().await;
    for (token, status) in [
        (pending["access_token"].as_str().unwrap(), 403),
        (token, 200),
    ] {
        let reply =
            test_harness::http::call(&admin_api, Method::PATCH, &path, Some(token), Some(&body))
                .await;
        assert_eq!(reply.status, status, "{:?}", reply.body);
    }
    assert_eq!(
        site.auth.live_sessions(&email(admin)),
        1,
        "one Supabase session, raised to aal2"
    );
}

#[tokio::test]
async fn a_wrong_code_signs_nobody_in_and_the_pending_cookie_opens_no_page() {
    let site = site().await;
    let w = &site.w;
    let admin = w.t.admin_a;
    let (mut jar, form) = at_code_form(&site, admin).await;
    let code = site.auth.totp_code(&email(admin)).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let refused = submit(&site, &jar, &form.csrf(), wrong).await;
    assert_eq!(refused.status, 401, "{}", refused.html);
    assert!(
        refused.html.contains("That code is not right"),
        "{}",
        refused.html
    );
    assert!(!sets_session(&refused));
    assert_no_secrets(&refused, wrong);
    for malformed in ["12345", "12345a", ""] {
        let page = submit(&site, &jar, &form.csrf(), malformed).await;
        assert_eq!(page.status, 422, "{malformed}: {}", page.html);
        assert!(page.html.contains("Enter the 6 digits"), "{}", page.html);
        assert!(!sets_session(&page));
    }

    // The pending step alone opens no page, not even put where the session cookie goes.
    let dashboard = format!("/orgs/{}/dashboard", w.t.org_a);
    let calls = format!("/orgs/{}/calls", w.t.org_a);
    for path in ["/", dashboard.as_str(), calls.as_str()] {
        let page = site.get(path, &jar).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location(), Some("/login"), "{path}");
    }
    let mut swapped = jar.clone();
    swapped
        .0
        .insert("vs_session".into(), jar.0["vs_mfa"].clone());
    let page = site.get(&dashboard, &swapped).await;
    assert_eq!(page.location(), Some("/login"));
    let out = site
        .request("POST", "/logout", &jar, Some(&[("csrf", &form.csrf())]))
        .await;
    assert_eq!(out.location(), Some("/login"), "no session to sign out of");

    // Still the same step: the right code now passes.
    let code = site.auth.totp_code(&email(admin)).unwrap();
    let signed = submit(&site, &jar, &form.csrf(), &code).await;
    assert_eq!(signed.status, 303, "{}", signed.html);
    jar.take(&signed);
    assert_eq!(site.get(&dashboard, &jar).await.status, 200);
}

#[tokio::test]
async fn the_code_form_needs_its_csrf_token_and_a_live_step() {
    let site = site().await;
    let admin = site.w.t.admin_a;
    let (jar, _) = at_code_form(&site, admin).await;
    let code = site.auth.totp_code(&email(admin)).unwrap();

    // A forged or missing form token (a cross-site post) is refused before Supabase is asked.
    let forged = submit(&site, &jar, "forged", &code).await;
    assert_eq!(forged.status, 403, "{}", forged.html);
    assert!(!sets_session(&forged));
    let missing = site
        .request("POST", "/login/code", &jar, Some(&[("code", &code)]))
        .await;
    assert!(
        (400..500).contains(&missing.status),
        "{}: {}",
        missing.status,
        missing.html
    );
    assert!(!sets_session(&missing));
    // The form token of another browser's step does not fit this one.
    let (other, other_form) = at_code_form(&site, admin).await;
    let crossed = submit(&site, &jar, &other_form.csrf(), &code).await;
    assert_eq!(crossed.status, 403);
    assert!(!sets_session(&crossed));

    // No step, or one past its time: back to signing in, with the step's cookie dropped.
    for jar in [Jar::default(), expired(&other)] {
        let shown = site.get("/login/code", &jar).await;
        assert_eq!(shown.status, 401, "{}", shown.html);
        assert!(shown.html.contains("Sign in again"), "{}", shown.html);
        let posted = submit(&site, &jar, &other_form.csrf(), &code).await;
        assert_eq!(posted.status, 401, "{}", posted.html);
        assert!(!sets_session(&posted));
        assert!(
            posted
                .set_cookies()
                .iter()
                .any(|c| c.starts_with("vs_mfa=;") && c.contains("Max-Age=0"))
        );
        assert!(
            posted.html.contains("action=\"/login\""),
            "the sign-in form"
        );
    }
}

/// The jar's pending step, its time up.
fn expired(jar: &Jar) -> Jar {
    let mut jar = jar.clone();
    let mut pending = open_cookie(&jar, "vs_mfa");
    pending["expires_at"] = json!(pending["expires_at"].as_i64().unwrap() - 301);
    seal_cookie(&mut jar, "vs_mfa", &pending);
    jar
}

#[tokio::test]
async fn a_magic_link_asks_for_the_code_too() {
    let site = site().await;
    let admin = site.w.t.admin_a;
    let mut jar = Jar::default();
    let login = site.get("/login", &jar).await;
    jar.take(&login);
    site.request(
        "POST",
        "/login/link",
        &jar,
        Some(&[("csrf", &login.csrf()), ("email", &email(admin))]),
    )
    .await;
    let link = site.auth.magic_links(&email(admin)).pop().unwrap();
    let mut fresh = Jar::default();
    let landed = site
        .get(link.trim_start_matches("http://127.0.0.1:9000"), &fresh)
        .await;
    assert_eq!(landed.location(), Some("/login/code"), "{}", landed.html);
    assert!(!sets_session(&landed));
    fresh.take(&landed);
    let form = site.get("/login/code", &fresh).await;
    let code = site.auth.totp_code(&email(admin)).unwrap();
    let signed = submit(&site, &fresh, &form.csrf(), &code).await;
    assert_eq!(signed.location(), Some("/"), "{}", signed.html);
    fresh.take(&signed);
    let session = open_cookie(&fresh, "vs_session");
    assert_eq!(
        claims(session["access_token"].as_str().unwrap())["aal"],
        "aal2"
    );
}

#[tokio::test]
async fn a_session_of_a_user_with_a_factor_needs_an_aal2_token() {
    let site = Site::new().await;
    let w = &site.w;
    let user = w.t.manager_a;
    let dashboard = format!("/orgs/{}/dashboard", w.t.org_a);
    let jar = site.sign_in(user).await;
    assert_eq!(site.get(&dashboard, &jar).await.status, 200);
    let session = open_cookie(&jar, "vs_session");
    assert_eq!(session["second_factor"], false);

    // However an aal1 session of a user with a factor came to be, no page takes it.
    let mut marked = jar.clone();
    let mut flagged = session.clone();
    flagged["second_factor"] = json!(true);
    seal_cookie(&mut marked, "vs_session", &flagged);
    let page = site.get(&dashboard, &marked).await;
    assert_eq!(page.location(), Some("/login"));

    // The user enrols a factor after signing in: when the token is next refreshed, Supabase lists
    // the factor with the new aal1 tokens, and the session ends. (Before, a refresh keeps it.)
    let mut jar = with_expired_token(&jar);
    let refreshed = site.get(&dashboard, &jar).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.html);
    jar.take(&refreshed);
    site.auth
        .add_user_with_id(user, &email(user), PASSWORD, true);
    let page = site.get(&dashboard, &with_expired_token(&jar)).await;
    assert_eq!(page.status, 303, "{}", page.html);
    assert_eq!(page.location(), Some("/login"));
}
