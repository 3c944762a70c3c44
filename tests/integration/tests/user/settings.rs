//! An org's settings: members read them, org admins change them (checked values only, audited),
//! and no one reaches another org's settings, through the API or through RLS alone.

use axum::http::Method;
use serde_json::{Value, json};
use test_harness::fixtures::claims_for;
use test_harness::http::Reply;
use uuid::Uuid;

use integration_tests::World;

fn path(org: Uuid) -> String {
    format!("/api/orgs/{org}/settings")
}

async fn get(w: &World, org: Uuid, user: Uuid) -> Reply {
    w.call(&w.user(), Method::GET, &path(org), user, None).await
}

async fn patch(w: &World, org: Uuid, user: Uuid, body: Value) -> Reply {
    w.call(&w.user(), Method::PATCH, &path(org), user, Some(body))
        .await
}

/// `details` of the org's `org.settings_updated` audit entries, oldest first.
async fn audited(w: &World, org: Uuid) -> Vec<Value> {
    w.db.admin()
        .await
        .query(
            "select details from audit_log where org_id = $1 and action = 'org.settings_updated' order by id",
            &[&org],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn every_member_and_platform_admins_read_the_defaults() {
    let w = World::new().await;
    let t = &w.t;
    for user in [t.admin_a, t.manager_a, t.agent_a, t.platform_admin] {
        let reply = get(&w, t.org_a, user).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(
            reply.body,
            json!({
                "org_id": t.org_a.to_string(),
                "name": "Org A",
                "time_zone": "UTC",
                "sla_target_percent": 80,
                "sla_target_seconds": 20,
                "short_abandon_seconds": 5,
                "business_hours": null,
                "agents_see_own_calls_only": false,
                "live_status_unknown_after_minutes": 120,
            })
        );
    }
}

#[tokio::test]
async fn an_org_admin_changes_some_settings_and_the_change_is_audited() {
    let w = World::new().await;
    let t = &w.t;
    let org_b = w.rows("organizations", t.org_b).await;
    let hours = json!({
        "monday": [{ "start": "13:00", "end": "17:30" }, { "start": "09:00", "end": "12:00" }],
        "saturday": [{ "start": "10:00", "end": "14:00" }],
    });
    let reply = patch(
        &w,
        t.org_a,
        t.admin_a,
        json!({
            "name": "  Acme Calls ",
            "time_zone": "America/New_York",
            "sla_target_percent": 90,
            "sla_target_seconds": 30,
            "business_hours": hours,
            "agents_see_own_calls_only": true,
            "live_status_unknown_after_minutes": 45,
        }),
    )
    .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let stored_hours = json!({
        "monday": [{ "start": "09:00", "end": "12:00" }, { "start": "13:00", "end": "17:30" }],
        "tuesday": [], "wednesday": [], "thursday": [], "friday": [],
        "saturday": [{ "start": "10:00", "end": "14:00" }],
        "sunday": [],
    });
    let expected = json!({
        "org_id": t.org_a.to_string(),
        "name": "Acme Calls",
        "time_zone": "America/New_York",
        "sla_target_percent": 90,
        "sla_target_seconds": 30,
        "short_abandon_seconds": 5,
        "business_hours": stored_hours,
        "agents_see_own_calls_only": true,
        "live_status_unknown_after_minutes": 45,
    });
    assert_eq!(reply.body, expected);
    assert_eq!(get(&w, t.org_a, t.agent_a).await.body, expected);
    assert_eq!(
        audited(&w, t.org_a).await,
        vec![json!({ "changes": {
            "name": "Acme Calls",
            "time_zone": "America/New_York",
            "sla_target_percent": 90,
            "sla_target_seconds": 30,
            "business_hours": stored_hours,
            "agents_see_own_calls_only": true,
            "live_status_unknown_after_minutes": 45,
        }})]
    );

    // `null` clears the hours; a platform admin may change settings too.
    let cleared = patch(
        &w,
        t.org_a,
        t.platform_admin,
        json!({ "business_hours": null, "short_abandon_seconds": 0 }),
    )
    .await;
    assert_eq!(cleared.status, 200, "{:?}", cleared.body);
    assert_eq!(cleared.body["business_hours"], Value::Null);
    assert_eq!(cleared.body["short_abandon_seconds"], 0);
    assert_eq!(cleared.body["time_zone"], "America/New_York", "kept");
    assert_eq!(
        audited(&w, t.org_a).await[1],
        json!({ "changes": { "business_hours": null, "short_abandon_seconds": 0 } })
    );
    assert_eq!(
        w.rows("organizations", t.org_b).await,
        org_b,
        "org B untouched"
    );
}

#[tokio::test]
async fn every_bad_value_is_a_json_4xx_and_changes_nothing() {
    let w = World::new().await;
    let t = &w.t;
    let before = w.snapshot(t.org_a).await;
    let overlapping = json!({ "tuesday": [
        { "start": "09:00", "end": "12:00" }, { "start": "11:30", "end": "13:00" },
    ]});
    let five = json!({ "friday": vec![json!({ "start": "01:00", "end": "02:00" }); 5] });
    for body in [
        json!({ "time_zone": "Mars/Base" }),
        json!({ "time_zone": "Etc/GMT+5" }),
        json!({ "time_zone": "UTC+3" }),
        json!({ "time_zone": null }),
        json!({ "sla_target_percent": 0 }),
        json!({ "sla_target_percent": 101 }),
        json!({ "sla_target_percent": "80" }),
        json!({ "sla_target_seconds": 0 }),
        json!({ "sla_target_seconds": 3601 }),
        json!({ "short_abandon_seconds": -1 }),
        json!({ "short_abandon_seconds": 601 }),
        json!({ "business_hours": overlapping }),
        json!({ "business_hours": five }),
        json!({ "business_hours": { "monday": [{ "start": "17:00", "end": "09:00" }] } }),
        json!({ "business_hours": { "monday": [{ "start": "9:00", "end": "17:00" }] } }),
        json!({ "business_hours": { "holidays": [] } }),
        json!({ "business_hours": [] }),
        json!({ "agents_see_own_calls_only": "yes" }),
        json!({ "live_status_unknown_after_minutes": 0 }),
        json!({ "live_status_unknown_after_minutes": 1441 }),
        json!({ "live_status_unknown_after_minutes": null }),
        json!({ "name": "" }),
        json!({ "name": "x".repeat(121) }),
        json!({ "org_id": t.org_b }),
        json!({ "colour": "blue" }),
        json!({ "sla_target_percent": 90, "colour": "blue" }),
        json!({}),
        json!([]),
        json!(null),
    ] {
        let reply = patch(&w, t.org_a, t.admin_a, body.clone()).await;
        assert!(
            reply.status == 400 || reply.status == 422,
            "{body}: {} {:?}",
            reply.status,
            reply.body
        );
        assert!(reply.body["error"].is_string(), "{body}: {:?}", reply.body);
    }
    let empty = patch(&w, t.org_a, t.admin_a, json!({})).await;
    assert_eq!(
        (empty.status, empty.body["error"].as_str()),
        (400, Some("nothing_to_change"))
    );
    assert_eq!(w.snapshot(t.org_a).await, before, "nothing changed");
}

#[tokio::test]
async fn managers_and_agents_read_but_cannot_change_settings() {
    let w = World::new().await;
    let t = &w.t;
    let before = w.snapshot(t.org_a).await;
    for user in [t.manager_a, t.agent_a] {
        assert_eq!(get(&w, t.org_a, user).await.status, 200);
        let reply = patch(&w, t.org_a, user, json!({ "sla_target_percent": 50 })).await;
        assert_eq!(reply.status, 403, "{:?}", reply.body);
        assert_eq!(reply.body["error"], "org_admin_required");
    }
    assert_eq!(w.snapshot(t.org_a).await, before);
}

#[tokio::test]
async fn no_one_reaches_another_orgs_settings_through_the_api() {
    let w = World::new().await;
    let t = &w.t;
    let before = w.snapshot(t.org_b).await;
    for user in [t.admin_a, t.manager_a, t.agent_a, t.outsider] {
        let read = get(&w, t.org_b, user).await;
        assert_eq!(read.status, 404, "{:?}", read.body);
        assert_eq!(read.body["error"], "not_found");
        let write = patch(&w, t.org_b, user, json!({ "time_zone": "Europe/Paris" })).await;
        assert_eq!(write.status, 404, "{:?}", write.body);
    }
    let unknown = get(&w, Uuid::new_v4(), t.platform_admin).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(w.snapshot(t.org_b).await, before, "org B unchanged");
}

#[tokio::test]
async fn rls_alone_keeps_an_org_admin_out_of_another_orgs_settings() {
    let w = World::new().await;
    let t = &w.t;
    let before = w.rows("organizations", t.org_b).await;
    let db = w.db.store();
    let update = "update organizations set time_zone = 'Europe/Paris', sla_target_percent = 1,
                    business_hours = '{}', agents_see_own_calls_only = true where id = $1";
    let tx = db.as_user(&claims_for(t.admin_a)).await.unwrap();
    let changed = tx.client().execute(update, &[&t.org_b]).await.unwrap();
    assert_eq!(changed, 0, "org A's admin changes no row of org B");
    // Positive control: the same statement reaches the admin's own org.
    assert_eq!(tx.client().execute(update, &[&t.org_a]).await.unwrap(), 1);
    drop(tx);
    for user in [t.manager_a, t.agent_a] {
        let tx = db.as_user(&claims_for(user)).await.unwrap();
        let changed = tx.client().execute(update, &[&t.org_a]).await.unwrap();
        assert_eq!(changed, 0, "only org admins change their org's settings");
    }
    assert_eq!(w.rows("organizations", t.org_b).await, before);
}

#[tokio::test]
async fn with_mfa_required_a_settings_change_needs_aal2() {
    let w = World::builder().mfa_for_admin().build().await;
    let t = &w.t;
    let reply = patch(&w, t.org_a, t.admin_a, json!({ "sla_target_percent": 50 })).await;
    assert_eq!(reply.status, 403, "{:?}", reply.body);
    assert_eq!(reply.body["error"], "mfa_required");
    assert_eq!(
        get(&w, t.org_a, t.admin_a).await.status,
        200,
        "reading needs no MFA"
    );
}

#[tokio::test]
async fn a_direct_write_cannot_store_what_the_api_refuses() {
    // PostgREST lets an org admin write the columns past the API: the database checks them too, so
    // GET settings never meets a value it cannot read.
    let w = World::new().await;
    let t = &w.t;
    let before = w.rows("organizations", t.org_a).await;
    let db = w.db.store();
    for (column, value) in [
        ("time_zone", "'Mars/Base'"),
        ("time_zone", "'UTC+3'"),
        ("sla_target_percent", "0"),
        ("sla_target_seconds", "3601"),
        ("short_abandon_seconds", "-1"),
        ("live_status_unknown_after_minutes", "0"),
        (
            "business_hours",
            r#"'{"monday":[{"start":"10:00","end":"09:00"}]}'"#,
        ),
        (
            "business_hours",
            r#"'{"monday":[{"start":"09:00","end":"12:00"},{"start":"11:00","end":"13:00"}]}'"#,
        ),
        ("business_hours", r#"'{"funday":[]}'"#),
        (
            "business_hours",
            r#"'{"monday":[{"start":"9:00","end":"12:00"}]}'"#,
        ),
        ("business_hours", "'[]'"),
    ] {
        let tx = db.as_user(&claims_for(t.admin_a)).await.unwrap();
        let sql = format!("update organizations set {column} = {value} where id = $1");
        let refused = tx.client().execute(&sql, &[&t.org_a]).await.unwrap_err();
        assert_eq!(
            refused.code(),
            Some(&tokio_postgres::error::SqlState::CHECK_VIOLATION),
            "{column} = {value}"
        );
    }
    assert_eq!(w.rows("organizations", t.org_a).await, before);
    let reply = get(&w, t.org_a, t.admin_a).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}
