//! The admin pages' flows over the web function's router: settings saved as the API saves them
//! (the dashboard's days follow the new zone), MightyCall credentials checked on save and masked
//! afterwards, the webhook URL and invite links shown once, members changed and removed after a
//! confirmation, the last org admin kept, the audit log filtered as the API filters it.

use axum::http::Method;
use chrono::{Days, Utc};
use integration_tests::World;
use integration_tests::site::{Jar, Page, Site};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const HOST: &str = "dash.example.test";

async fn post(site: &Site, jar: &Jar, path: &str, fields: &[(&str, &str)]) -> Page {
    site.request_with("POST", path, jar, &[("host", HOST)], Some(fields))
        .await
}

async fn audited(w: &World, org: Uuid, action: &str) -> i64 {
    w.count(
        "select count(*) from audit_log where org_id = $1 and action = $2",
        &[&org, &action],
    )
    .await
}

/// The text of the copy field `id` on `page`.
fn shown_value(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\" type=\"text\" readonly value=\"");
    let rest = &page.html[page.html.find(&marker).expect(id) + marker.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn settings_save_as_the_api_does_and_the_dashboard_days_follow_the_zone() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let admin = w.db.admin().await;
    admin
        .execute("delete from calls where org_id = $1", &[&org])
        .await
        .unwrap();
    // 02:00 UTC two days ago: still the day before in New York.
    let utc_day = Utc::now().date_naive() - Days::new(2);
    let at = utc_day.and_hms_opt(2, 0, 0).unwrap().and_utc();
    admin
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms)
             select $1, 'z' || i, $2, 'incoming', 'connected', 1000 from generate_series(1, 7) i",
            &[&org, &at],
        )
        .await
        .unwrap();
    let jar = site.sign_in(w.t.admin_a).await;
    let dashboard = format!("/orgs/{org}/dashboard");
    let before = site.get(&dashboard, &jar).await;
    assert!(
        before.html.contains(&format!("{utc_day}: 7 calls")),
        "{}",
        before.html
    );

    let page = site.get(&format!("/orgs/{org}/settings"), &jar).await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let form = |zone: &'static str, percent: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Acme Support".to_owned()),
            ("time_zone", zone.to_owned()),
            ("sla_target_percent", percent.to_owned()),
            ("sla_target_seconds", "30".to_owned()),
            ("short_abandon_seconds", "10".to_owned()),
            ("live_status_unknown_after_minutes", "45".to_owned()),
            ("agents_see_own_calls_only", "on".to_owned()),
            ("monday", "09:00-12:00, 13:00-17:00".to_owned()),
            ("friday", "09:00-15:00".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let jar = &jar;
        let site = &site;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(site, jar, &format!("/orgs/{org}/settings"), &fields).await
        }
    };
    // Refused values: said on the page, kept in the form, nothing saved.
    for (fields, words) in [
        (form("Mars/Olympus", "80"), "time zone"),
        (
            form("America/New_York", "101"),
            "sla_target_percent must be from 1 to 100",
        ),
    ] {
        let refused = send(fields).await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(refused.html.contains("role=\"alert\""));
        assert!(
            refused.html.to_lowercase().contains(words),
            "{words}: {}",
            refused.html
        );
        assert!(
            refused.html.contains("Acme Support"),
            "the form keeps what was typed"
        );
    }
    let mut overlapping = form("America/New_York", "80");
    overlapping[8].1 = "09:00-12:00, 11:00-17:00".to_owned();
    let refused = send(overlapping).await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("Monday: opening ranges overlap"));
    assert_eq!(audited(w, org, "org.settings_updated").await, 0);

    let saved = send(form("America/New_York", "80")).await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(
        saved.location(),
        Some(format!("/orgs/{org}/settings?saved=1").as_str())
    );
    assert_eq!(audited(w, org, "org.settings_updated").await, 1);
    let api = w
        .call(
            &w.user(),
            Method::GET,
            &format!("/api/orgs/{org}/settings"),
            w.t.admin_a,
            None,
        )
        .await;
    assert_eq!(api.body["name"], "Acme Support");
    assert_eq!(api.body["time_zone"], "America/New_York");
    assert_eq!(api.body["sla_target_percent"], 80);
    assert_eq!(api.body["agents_see_own_calls_only"], true);
    assert_eq!(api.body["live_status_unknown_after_minutes"], 45);
    assert_eq!(
        api.body["business_hours"]["monday"],
        serde_json::json!([{ "start": "09:00", "end": "12:00" }, { "start": "13:00", "end": "17:00" }])
    );
    assert_eq!(api.body["business_hours"]["tuesday"], serde_json::json!([]));
    let shown = site.get(saved.location().unwrap(), &jar).await;
    assert!(shown.html.contains("Settings saved."));
    assert!(shown.html.contains("value=\"09:00-12:00, 13:00-17:00\""));

    let after = site.get(&dashboard, &jar).await;
    let local_day = utc_day - Days::new(1);
    assert!(after.html.contains("local days in America/New_York"));
    assert!(
        after.html.contains(&format!("{local_day}: 7 calls")),
        "{}",
        after.html
    );
    assert!(after.html.contains(&format!("{utc_day}: 0 calls")));

    // Emptying every day clears the hours, as `business_hours: null` does.
    let mut closed = form("America/New_York", "80");
    closed.truncate(8);
    assert_eq!(send(closed).await.status, 303);
    let api = w
        .call(
            &w.user(),
            Method::GET,
            &format!("/api/orgs/{org}/settings"),
            w.t.admin_a,
            None,
        )
        .await;
    assert!(api.body["business_hours"].is_null());
}

#[tokio::test]
async fn credentials_are_checked_on_save_masked_afterwards_and_the_webhook_url_is_shown_once() {
    let capture = test_harness::logs::capture();
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    w.db.admin()
        .await
        .execute("delete from org_integrations where org_id = $1", &[&org])
        .await
        .unwrap();
    let keys = w.fake.accounts()[0].clone();
    let jar = site.sign_in(w.t.admin_a).await;
    let path = format!("/orgs/{org}/integration");
    let page = site.get(&path, &jar).await;
    assert!(page.html.contains("not connected to MightyCall yet"));
    let csrf = page.csrf();
    let mut pages = Vec::new();

    let wrong = post(
        &site,
        &jar,
        &path,
        &[
            ("csrf", &csrf),
            ("api_key", &keys.api_key),
            ("user_key", "wrong-user-key-never-shown"),
            ("host", "api"),
            ("label", "Main line"),
        ],
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.html);
    assert!(wrong.html.contains("role=\"alert\""));
    assert!(wrong.html.contains("MightyCall rejected these credentials"));
    assert_eq!(
        w.count(
            "select count(*) from org_integrations where org_id = $1",
            &[&org]
        )
        .await,
        0,
        "nothing saved"
    );
    pages.push(wrong);

    let saved = post(
        &site,
        &jar,
        &path,
        &[
            ("csrf", &csrf),
            ("api_key", &keys.api_key),
            ("user_key", &keys.user_key),
            ("host", "api"),
            ("label", "Main line"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let location = saved.location().unwrap().to_owned();
    assert_eq!(location, format!("{path}?done=saved"));
    let shown = site.get(&location, &jar).await;
    let hint: String = keys
        .api_key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(
        shown.html.contains(&format!("<code>{hint}</code>")),
        "{}",
        shown.html
    );
    assert!(shown.html.contains("Main line"));
    assert_eq!(audited(w, org, "integration.saved").await, 1);
    let api = w
        .admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{org}/integrations"),
            w.t.admin_a,
            None,
        )
        .await;
    assert_eq!(api.body["integrations"][0]["api_key_hint"], hint.as_str());
    pages.push(saved);
    pages.push(shown);

    // Schedule.
    let schedule = post(
        &site,
        &jar,
        &format!("{path}/schedule"),
        &[("csrf", &csrf), ("sync_interval_minutes", "90")],
    )
    .await;
    assert_eq!(schedule.status, 303, "{}", schedule.html);
    let api = w
        .admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{org}/integrations"),
            w.t.admin_a,
            None,
        )
        .await;
    assert_eq!(api.body["integrations"][0]["enabled"], false);
    assert_eq!(api.body["integrations"][0]["sync_interval_minutes"], 90);
    let too_often = post(
        &site,
        &jar,
        &format!("{path}/schedule"),
        &[
            ("csrf", &csrf),
            ("enabled", "on"),
            ("sync_interval_minutes", "5"),
        ],
    )
    .await;
    assert_eq!(too_often.status, 422);
    assert!(too_often.html.contains("role=\"alert\""));

    // The webhook URL: on the answer only, then never again; the stored hash is its token's.
    let generated = post(&site, &jar, &format!("{path}/webhook"), &[("csrf", &csrf)]).await;
    assert_eq!(generated.status, 200, "{}", generated.html);
    assert_eq!(generated.headers.get("cache-control").unwrap(), "no-store");
    let url = shown_value(&generated, "webhook-url");
    let prefix = format!("https://{HOST}/api/webhooks/mightycall/{org}/");
    assert!(url.starts_with(&prefix), "{url}");
    let token = url[prefix.len()..].to_owned();
    assert!(generated.html.contains("data-copy=\"webhook-url\""));
    let stored: Vec<u8> =
        w.db.admin()
            .await
            .query_one(
                "select webhook_token_hash from org_integrations where org_id = $1",
                &[&org],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(stored, Sha256::digest(token.as_bytes()).to_vec());
    let again = site.get(&path, &jar).await;
    assert!(!again.html.contains(&token));
    pages.push(again);

    // Removal needs the confirmation step.
    let confirm = site.get(&format!("{path}/delete"), &jar).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.html.contains("Are you sure?"));
    assert_eq!(
        w.count(
            "select count(*) from org_integrations where org_id = $1",
            &[&org]
        )
        .await,
        1
    );
    let removed = post(&site, &jar, &format!("{path}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(removed.status, 303);
    assert_eq!(
        w.count(
            "select count(*) from org_integrations where org_id = $1",
            &[&org]
        )
        .await,
        0
    );
    assert_eq!(audited(w, org, "integration.deleted").await, 1);
    pages.push(confirm);

    let logs = capture.text();
    for secret in [
        keys.api_key.as_str(),
        keys.user_key.as_str(),
        "wrong-user-key-never-shown",
        token.as_str(),
    ] {
        assert!(!logs.contains(secret), "a secret in the logs");
        for page in &pages {
            assert!(!page.html.contains(secret), "a secret in a page");
            assert!(
                !page.location().unwrap_or("").contains(secret),
                "a secret in a URL"
            );
        }
    }
}

#[tokio::test]
async fn the_team_page_invites_changes_roles_and_extensions_and_removes_after_confirmation() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let jar = site.sign_in(w.t.admin_a).await;
    let team = format!("/orgs/{org}/team");
    let page = site.get(&team, &jar).await;
    assert_eq!(page.status, 200);
    for user in [w.t.admin_a, w.t.manager_a, w.t.agent_a] {
        assert!(page.html.contains(&format!("data-member=\"{user}\"")));
    }
    assert!(
        !page
            .html
            .contains(&format!("data-member=\"{}\"", w.t.admin_b))
    );
    let csrf = page.csrf();

    // The invite link, once.
    let invited = post(
        &site,
        &jar,
        &format!("{team}/invite"),
        &[
            ("csrf", &csrf),
            ("email", "newcomer@example.test"),
            ("role", "org_manager"),
        ],
    )
    .await;
    assert_eq!(invited.status, 200, "{}", invited.html);
    assert_eq!(invited.headers.get("cache-control").unwrap(), "no-store");
    let link = shown_value(&invited, "invite-link");
    let prefix = format!("https://{HOST}/invite/");
    assert!(link.starts_with(&prefix), "{link}");
    let token = &link[prefix.len()..];
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let row =
        w.db.admin()
            .await
            .query_one(
                "select email, role from org_invites where org_id = $1 and token_hash = $2",
                &[&org, &hash],
            )
            .await
            .unwrap();
    assert_eq!(row.get::<_, String>(0), "newcomer@example.test");
    assert_eq!(row.get::<_, String>(1), "org_manager");
    assert_eq!(audited(w, org, "invite.created").await, 1);
    assert!(
        !site.get(&team, &jar).await.html.contains(token),
        "shown once"
    );
    let bad = post(
        &site,
        &jar,
        &format!("{team}/invite"),
        &[
            ("csrf", &csrf),
            ("email", "not-an-address"),
            ("role", "agent"),
        ],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("role=\"alert\""));

    // Role and extension.
    let member = format!("{team}/{}", w.t.agent_a);
    let promoted = post(
        &site,
        &jar,
        &format!("{member}/role"),
        &[("csrf", &csrf), ("role", "org_manager")],
    )
    .await;
    assert_eq!(promoted.status, 303, "{}", promoted.html);
    let extension = post(
        &site,
        &jar,
        &format!("{member}/extension"),
        &[("csrf", &csrf), ("extension", "0707")],
    )
    .await;
    assert_eq!(extension.status, 303, "{}", extension.html);
    let members = w
        .admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{org}/members"),
            w.t.admin_a,
            None,
        )
        .await;
    let agent = members.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == w.t.agent_a.to_string())
        .unwrap()
        .clone();
    assert_eq!(agent["role"], "org_manager");
    assert_eq!(agent["mightycall_extension"], "0707");
    let taken = post(
        &site,
        &jar,
        &format!("{team}/{}/extension", w.t.manager_a),
        &[("csrf", &csrf), ("extension", "0707")],
    )
    .await;
    assert_eq!(taken.status, 409);
    assert!(
        taken
            .html
            .contains("another member of this organisation has this extension")
    );
    let letters = post(
        &site,
        &jar,
        &format!("{member}/extension"),
        &[("csrf", &csrf), ("extension", "12a")],
    )
    .await;
    assert_eq!(letters.status, 422);

    // The last org admin stays, and the page says why.
    let demoted = post(
        &site,
        &jar,
        &format!("{team}/{}/role", w.t.admin_a),
        &[("csrf", &csrf), ("role", "agent")],
    )
    .await;
    assert_eq!(demoted.status, 409, "{}", demoted.html);
    assert!(
        demoted
            .html
            .contains("an organisation must keep at least one org admin")
    );
    let removed_self = post(
        &site,
        &jar,
        &format!("{team}/{}/remove", w.t.admin_a),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(removed_self.status, 409);
    assert!(removed_self.html.contains("role=\"alert\""));

    // Removal: the confirmation step changes nothing; its form removes.
    let confirm = site.get(&format!("{member}/remove"), &jar).await;
    assert_eq!(confirm.status, 200);
    assert!(
        confirm
            .html
            .contains(&format!("action=\"{member}/remove\""))
    );
    assert_eq!(
        w.count(
            "select count(*) from org_users where org_id = $1 and user_id = $2",
            &[&org, &w.t.agent_a]
        )
        .await,
        1
    );
    let removed = post(&site, &jar, &format!("{member}/remove"), &[("csrf", &csrf)]).await;
    assert_eq!(removed.status, 303);
    assert_eq!(
        w.count(
            "select count(*) from org_users where org_id = $1 and user_id = $2",
            &[&org, &w.t.agent_a]
        )
        .await,
        0
    );
    for action in [
        "member.role_changed",
        "member.extension_set",
        "member.removed",
    ] {
        assert_eq!(audited(w, org, action).await, 1, "{action}");
    }
    let gone = site.get(&format!("{member}/remove"), &jar).await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn the_audit_page_filters_and_pages_as_the_api_does() {
    let site = Site::new().await;
    let w = &site.w;
    let org = w.t.org_a;
    let admin = w.db.admin().await;
    admin
        .execute(
            "insert into audit_log (org_id, actor_kind, action, created_at)
             select $1, 'system', 'member.removed', now() - i * interval '1 minute' from generate_series(1, 120) i",
            &[&org],
        )
        .await
        .unwrap();
    admin
        .execute(
            "insert into audit_log (org_id, actor_kind, action, created_at)
             values ($1, 'system', 'invite.created', '2026-01-10 03:00:00+00')",
            &[&org],
        )
        .await
        .unwrap();
    let jar = site.sign_in(w.t.admin_a).await;
    let ids = |page: &Page| -> Vec<String> {
        page.html
            .split("data-entry=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_owned())
            .collect()
    };
    let api_ids = |query: String| async move {
        let reply = w
            .admin_call(
                Method::GET,
                &format!("/api/admin/orgs/{org}/audit?{query}"),
                w.t.admin_a,
                None,
            )
            .await;
        assert_eq!(reply.status, 200);
        let ids: Vec<String> = reply.body["audit"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].to_string())
            .collect();
        (ids, reply.body["next_cursor"].as_str().map(str::to_owned))
    };
    let first = site
        .get(&format!("/orgs/{org}/audit?action=member.removed"), &jar)
        .await;
    assert_eq!(first.status, 200, "{}", first.html);
    let (api_first, cursor) = api_ids("action=member.removed".into()).await;
    assert_eq!(ids(&first), api_first);
    assert_eq!(api_first.len(), 100);
    let cursor = cursor.unwrap();
    assert!(
        first
            .html
            .contains(&format!("?action=member.removed&amp;cursor={cursor}"))
    );
    let more = site
        .get(
            &format!("/orgs/{org}/audit?action=member.removed&cursor={cursor}"),
            &jar,
        )
        .await;
    let (api_more, _) = api_ids(format!("action=member.removed&cursor={cursor}")).await;
    assert_eq!(ids(&more), api_more);
    assert_eq!(api_more.len(), 20);
    assert!(!more.html.contains("Load more"));

    // Local days of the org's zone (UTC here): the 10th holds the entry.
    let day = site
        .get(
            &format!("/orgs/{org}/audit?from=2026-01-10&to=2026-01-10&action="),
            &jar,
        )
        .await;
    let (api_day, _) = api_ids("startDate=2026-01-10&endDate=2026-01-10".into()).await;
    assert_eq!(ids(&day), api_day);
    assert_eq!(api_day.len(), 1);
    assert!(day.html.contains("<option value=\"invite.created\">"));
    let bad = site
        .get(
            &format!("/orgs/{org}/audit?from=2026-02-01&to=2026-01-01"),
            &jar,
        )
        .await;
    assert_eq!(bad.status, 400);
    let forged = site
        .get(&format!("/orgs/{org}/audit?cursor=YTp4"), &jar)
        .await;
    assert_eq!(forged.status, 400);
}
