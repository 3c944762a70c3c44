//! The invite page: a new person creates their account through Supabase Auth from the link and
//! joins with the invited role; someone with an account signs in from it and comes back to join;
//! the link works once, for its address only, not after it expires; forms need their tokens and
//! the sign-in form sends nobody off the site.

use axum::http::Method;
use integration_tests::site::{Jar, PASSWORD, Page, Site, email};
use serde_json::json;

/// An invite of org A for `address` with `role`, made by its admin through the API: its link path.
async fn invite(site: &Site, address: &str, role: &str) -> String {
    let w = &site.w;
    let reply = w
        .admin_call(
            Method::POST,
            &format!("/api/admin/orgs/{}/invites", w.t.org_a),
            w.t.admin_a,
            Some(json!({ "email": address, "role": role })),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("/invite/{}", reply.body["invite_token"].as_str().unwrap())
}

/// The value of the hidden `csrf` input of the form posting to `action`.
fn form_csrf(page: &Page, action: &str) -> String {
    let form = page
        .html
        .split("<form")
        .find(|f| f.contains(&format!("action=\"{action}\"")))
        .unwrap_or_else(|| panic!("a form to {action}: {}", page.html));
    let at = form.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    form[at..at + form[at..].find('"').unwrap()].to_owned()
}

async fn role_of(site: &Site, address: &str) -> Option<String> {
    let row = site
        .w
        .db
        .admin()
        .await
        .query_opt(
            "select ou.role from org_users ou join profiles p on p.id = ou.user_id
             where ou.org_id = $1 and p.email = $2",
            &[&site.w.t.org_a, &address],
        )
        .await
        .unwrap();
    row.map(|r| r.get(0))
}

#[tokio::test]
async fn a_new_person_signs_up_from_the_link_joins_with_its_role_and_the_link_is_then_used() {
    let site = Site::new().await;
    let address = "new.manager@example.test";
    let path = invite(&site, address, "org_manager").await;

    let mut jar = Jar::default();
    let landing = site.get(&path, &jar).await;
    assert_eq!(landing.status, 200, "{}", landing.html);
    assert!(landing.html.contains("Org A") && landing.html.contains("a manager"));
    assert!(
        landing.html.contains(&format!("value=\"{path}\"")),
        "sign-in comes back here"
    );
    jar.take(&landing);
    let signup = format!("{path}/signup");
    let created = site
        .request(
            "POST",
            &signup,
            &jar,
            Some(&[
                ("csrf", &form_csrf(&landing, &signup)),
                ("email", address),
                ("password", "a-new-password"),
            ]),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    assert_eq!(created.location(), Some(path.as_str()));
    jar.take(&created);

    let signed_in = site.get(&path, &jar).await;
    assert!(signed_in.html.contains("Join Org A"), "{}", signed_in.html);
    assert_eq!(
        role_of(&site, address).await,
        None,
        "nobody joins before pressing Join"
    );
    let joined = site
        .request(
            "POST",
            &path,
            &jar,
            Some(&[("csrf", &form_csrf(&signed_in, &path))]),
        )
        .await;
    assert_eq!(joined.status, 303, "{}", joined.html);
    let dashboard = format!("/orgs/{}/dashboard", site.w.t.org_a);
    assert_eq!(joined.location(), Some(dashboard.as_str()));
    assert_eq!(
        role_of(&site, address).await.as_deref(),
        Some("org_manager")
    );
    assert_eq!(site.get(&dashboard, &jar).await.status, 200);

    // The link is spent: for anyone, signed in or not.
    let again = site.get(&path, &Jar::default()).await;
    assert_eq!(again.status, 410);
    assert!(again.html.contains("used already"));
    let other = site.sign_in(site.w.t.outsider).await;
    assert_eq!(site.get(&path, &other).await.status, 410);
    let csrf = site.get("/", &other).await.csrf();
    let stolen = site
        .request("POST", &path, &other, Some(&[("csrf", &csrf)]))
        .await;
    assert_eq!(stolen.status, 409, "{}", stolen.html);
    assert_eq!(role_of(&site, &email(site.w.t.outsider)).await, None);
}

#[tokio::test]
async fn someone_with_an_account_signs_in_from_the_link_and_comes_back_to_join() {
    let site = Site::new().await;
    let outsider = site.w.t.outsider;
    let path = invite(&site, &email(outsider), "agent").await;
    let mut jar = Jar::default();
    let landing = site.get(&path, &jar).await;
    jar.take(&landing);
    let address = email(outsider);
    let signed = site
        .request(
            "POST",
            "/login",
            &jar,
            Some(&[
                ("csrf", &form_csrf(&landing, "/login")),
                ("email", &address),
                ("password", PASSWORD),
                ("next", &path),
            ]),
        )
        .await;
    assert_eq!(signed.status, 303);
    assert_eq!(signed.location(), Some(path.as_str()));
    jar.take(&signed);
    let page = site.get(&path, &jar).await;
    let joined = site
        .request(
            "POST",
            &path,
            &jar,
            Some(&[("csrf", &form_csrf(&page, &path))]),
        )
        .await;
    assert_eq!(joined.status, 303, "{}", joined.html);
    assert_eq!(role_of(&site, &address).await.as_deref(), Some("agent"));
}

#[tokio::test]
async fn the_wrong_person_a_forged_form_a_late_link_and_a_foreign_next_change_nothing() {
    let site = Site::new().await;
    let w = &site.w;
    let address = "someone@example.test";
    let path = invite(&site, address, "org_admin").await;
    let members = w.rows("org_users", w.t.org_a).await;

    // Signed in as someone else: told so, and refused.
    let jar = site.sign_in(w.t.agent_b).await;
    let page = site.get(&path, &jar).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Sign out, then open this link again"));
    assert!(!page.html.contains(&format!("action=\"{path}\"")));
    let refused = site
        .request("POST", &path, &jar, Some(&[("csrf", &page.csrf())]))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert!(refused.html.contains("another email address"));
    let forged = site
        .request("POST", &path, &jar, Some(&[("csrf", "forged")]))
        .await;
    assert_eq!(forged.status, 403);

    // Signing up with another address than the invite's creates nothing.
    let mut fresh = Jar::default();
    let landing = site.get(&path, &fresh).await;
    fresh.take(&landing);
    let signup = format!("{path}/signup");
    let csrf = form_csrf(&landing, &signup);
    let elsewhere = site
        .request(
            "POST",
            &signup,
            &fresh,
            Some(&[
                ("csrf", &csrf),
                ("email", "other@example.test"),
                ("password", "long-enough"),
            ]),
        )
        .await;
    assert_eq!(elsewhere.status, 422);
    assert!(
        elsewhere
            .set_cookies()
            .iter()
            .all(|c| !c.starts_with("vs_session="))
    );
    let no_token = site
        .request(
            "POST",
            &signup,
            &Jar::default(),
            Some(&[
                ("csrf", &csrf),
                ("email", address),
                ("password", "long-enough"),
            ]),
        )
        .await;
    assert_eq!(no_token.status, 403, "the form token lives in its cookie");

    // A sign-in form's `next` off the site lands on the start page.
    let signed = site
        .request(
            "POST",
            "/login",
            &fresh,
            Some(&[
                ("csrf", &csrf),
                ("email", &email(w.t.admin_a)),
                ("password", PASSWORD),
                ("next", "//evil.example/steal"),
            ]),
        )
        .await;
    assert_eq!(signed.location(), Some("/"));

    // Malformed, unknown and expired links.
    assert_eq!(site.get("/invite/short", &Jar::default()).await.status, 404);
    let unknown = format!("/invite/{}", "A".repeat(43));
    assert_eq!(site.get(&unknown, &Jar::default()).await.status, 404);
    w.db.admin()
        .await
        .execute(
            "update org_invites set expires_at = now() - interval '1 minute' where org_id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let late = site.get(&path, &Jar::default()).await;
    assert_eq!(late.status, 410);
    assert!(late.html.contains("expired"));
    assert_eq!(w.rows("org_users", w.t.org_a).await, members);
}
