//! Every org, for platform admins: listing them with their activity, and creating one whose first
//! admin joins by invite. Everyone else gets 403 and changes nothing.

use axum::http::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use integration_tests::World;

const ORGS: &str = "/api/platform/orgs";

fn find(page: &Value, org: Uuid) -> Value {
    page["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org.to_string())
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_platform_admin_lists_every_org_with_its_activity() {
    let w = World::new().await;
    let t = &w.t;
    let admin = w.db.admin().await;
    // Org B: a finished sync, its integration off, and calls inside and outside the 30 days.
    admin
        .batch_execute(&format!(
            "update integration_sync_jobs set status = 'succeeded', started_at = now() - interval '2 hours',
               finished_at = now() - interval '1 hour' where org_id = '{b}';
             update org_integrations set enabled = false where org_id = '{b}';
             insert into calls (org_id, external_id, started_at, direction, status)
               select '{b}', 'old-' || n, now() - interval '40 days', 'incoming', 'missed' from generate_series(1, 3) n;
             insert into calls (org_id, external_id, started_at, direction, status)
               select '{b}', 'new-' || n, now() - interval '3 days', 'outgoing', 'connected' from generate_series(1, 2) n;
             delete from org_integrations where org_id = '{a}';",
            a = t.org_a,
            b = t.org_b
        ))
        .await
        .unwrap();
    let finished: chrono::DateTime<chrono::Utc> = admin
        .query_one(
            "select finished_at from integration_sync_jobs where org_id = $1",
            &[&t.org_b],
        )
        .await
        .unwrap()
        .get(0);

    let reply = w
        .admin_call(Method::GET, ORGS, t.platform_admin, None)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["orgs"].as_array().unwrap().len(), 2);
    assert_eq!(reply.body["next_cursor"], Value::Null);
    let a = find(&reply.body, t.org_a);
    assert_eq!(a["name"], "Org A");
    assert_eq!(a["member_count"], 3);
    assert_eq!(a["integration"], "none");
    assert_eq!(a["last_sync_at"], Value::Null, "its only job is queued");
    assert_eq!(a["calls_last_30_days"], 1);
    assert!(a["created_at"].is_string());
    let b = find(&reply.body, t.org_b);
    assert_eq!(b["integration"], "disabled");
    assert_eq!(
        b["calls_last_30_days"], 3,
        "the fixture's call and two recent ones"
    );
    let last_sync: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(b["last_sync_at"].clone()).unwrap();
    assert_eq!(last_sync, finished);

    // Keyset pages: one org per page, newest first, each org once.
    let first = w
        .admin_call(
            Method::GET,
            &format!("{ORGS}?limit=1"),
            t.platform_admin,
            None,
        )
        .await;
    assert_eq!(first.body["orgs"].as_array().unwrap().len(), 1);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = w
        .admin_call(
            Method::GET,
            &format!("{ORGS}?limit=1&cursor={cursor}"),
            t.platform_admin,
            None,
        )
        .await;
    assert_eq!(second.status, 200, "{:?}", second.body);
    assert_eq!(second.body["orgs"].as_array().unwrap().len(), 1);
    assert_ne!(second.body["orgs"][0]["id"], first.body["orgs"][0]["id"]);
    assert_eq!(second.body["next_cursor"], Value::Null);
    for bad in ["limit=0", "limit=501", "cursor=nope", "sort=name"] {
        let reply = w
            .admin_call(
                Method::GET,
                &format!("{ORGS}?{bad}"),
                t.platform_admin,
                None,
            )
            .await;
        assert_eq!(reply.status, 400, "{bad}: {:?}", reply.body);
    }
    let enabled = w
        .admin_call(
            Method::PATCH,
            &format!("/api/admin/orgs/{}/integrations/mightycall", t.org_b),
            t.platform_admin,
            Some(json!({ "enabled": true })),
        )
        .await;
    assert_eq!(enabled.status, 200);
    let reply = w
        .admin_call(Method::GET, ORGS, t.platform_admin, None)
        .await;
    assert_eq!(find(&reply.body, t.org_b)["integration"], "enabled");
}

#[tokio::test]
async fn a_platform_admin_creates_an_org_whose_invite_makes_its_first_admin() {
    let capture = test_harness::logs::capture();
    let w = World::new().await;
    let pa = w.t.platform_admin;
    let founder = Uuid::new_v4();
    let email = format!("{founder}@example.test");
    let reply = w
        .admin_call(
            Method::POST,
            ORGS,
            pa,
            Some(json!({ "name": "  Initech ", "admin_email": email })),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["org"]["name"], "Initech");
    let org: Uuid = reply.body["org"]["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(reply.body["invite"]["org_id"], org.to_string());
    assert_eq!(reply.body["invite"]["email"], email);
    assert_eq!(reply.body["invite"]["role"], "org_admin");
    let token = reply.body["invite_token"].as_str().unwrap().to_owned();
    assert!(w.rows("org_users", org).await.is_empty(), "no member yet");

    let listed = w.admin_call(Method::GET, ORGS, pa, None).await;
    let summary = find(&listed.body, org);
    assert_eq!(summary["member_count"], 0);
    assert_eq!(summary["integration"], "none");
    assert_eq!(summary["calls_last_30_days"], 0);

    // The invite, accepted the usual way, makes its recipient the new org's admin.
    let joined = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            founder,
            Some(json!({ "invite_token": token })),
        )
        .await;
    assert_eq!(joined.status, 201, "{:?}", joined.body);
    assert_eq!(joined.body["org"]["id"], org.to_string());
    assert_eq!(joined.body["role"], "org_admin");
    let members = w
        .admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{org}/members"),
            founder,
            None,
        )
        .await;
    assert_eq!(members.status, 200, "the founder administers it");

    let audit: Vec<(String, Option<Uuid>, Value)> = w
        .db
        .admin()
        .await
        .query(
            "select action, actor_user_id, details from audit_log where org_id = $1 order by id",
            &[&org],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(audit[0].0, "platform.org_created");
    assert_eq!(audit[0].1, Some(pa));
    assert_eq!(
        audit[0].2,
        json!({ "name": "Initech", "admin_email": email })
    );
    assert_eq!(audit[1].0, "invite.created");
    assert_eq!(audit[2].0, "invite.accepted");
    let details: String = audit.iter().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        !details.contains(&token),
        "no invite token in the audit log"
    );
    assert!(
        !capture.text().contains(&token),
        "no invite token in the logs"
    );
}

#[tokio::test]
async fn bad_new_orgs_are_refused_and_nothing_is_created() {
    let w = World::new().await;
    let count = || w.count("select count(*) from organizations", &[]);
    let before = count().await;
    for (body, status) in [
        (json!({ "name": "", "admin_email": "a@example.test" }), 422),
        (json!({ "name": "X", "admin_email": "not-an-email" }), 422),
        (json!({ "name": "X" }), 400),
        (
            json!({ "name": "X", "admin_email": "a@example.test", "role": "agent" }),
            400,
        ),
    ] {
        let reply = w
            .admin_call(Method::POST, ORGS, w.t.platform_admin, Some(body.clone()))
            .await;
        assert_eq!(reply.status, status, "{body}: {:?}", reply.body);
        assert!(reply.body["error"].is_string());
    }
    assert_eq!(count().await, before);
}

#[tokio::test]
async fn everyone_but_a_platform_admin_gets_403_on_both_routes() {
    let w = World::new().await;
    let t = &w.t;
    let before = w.count("select count(*) from organizations", &[]).await;
    let invites = w.count("select count(*) from org_invites", &[]).await;
    for user in [t.admin_a, t.manager_a, t.agent_a, t.admin_b, t.outsider] {
        let list = w.admin_call(Method::GET, ORGS, user, None).await;
        assert_eq!(list.status, 403, "{:?}", list.body);
        assert_eq!(list.body["error"], "platform_admin_required");
        let create = w
            .admin_call(
                Method::POST,
                ORGS,
                user,
                Some(json!({ "name": "Mine", "admin_email": "me@example.test" })),
            )
            .await;
        assert_eq!(create.status, 403, "{:?}", create.body);
        assert_eq!(create.body["error"], "platform_admin_required");
    }
    assert_eq!(
        w.count("select count(*) from organizations", &[]).await,
        before
    );
    assert_eq!(
        w.count("select count(*) from org_invites", &[]).await,
        invites
    );
}

#[tokio::test]
async fn with_mfa_required_creating_an_org_needs_aal2() {
    let w = World::builder().mfa_for_admin().build().await;
    let reply = w
        .admin_call(
            Method::POST,
            ORGS,
            w.t.platform_admin,
            Some(json!({ "name": "Mfa", "admin_email": "m@example.test" })),
        )
        .await;
    assert_eq!(reply.status, 403, "{:?}", reply.body);
    assert_eq!(reply.body["error"], "mfa_required");
    let list = w
        .admin_call(Method::GET, ORGS, w.t.platform_admin, None)
        .await;
    assert_eq!(list.status, 200, "reading needs no MFA");
}
