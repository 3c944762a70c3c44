use axum::http::Method;
use serde_json::json;
use test_harness::identity;

use integration_tests::World;

fn integrations(w: &World) -> String {
    format!("/api/admin/orgs/{}/integrations", w.t.org_a)
}

#[tokio::test]
async fn saving_verifies_with_one_token_request_then_seals_and_masks() {
    let w = World::new().await;
    // The fixture row stands in for another provider's setup; start from no integration.
    w.db.admin()
        .await
        .execute("delete from org_integrations", &[])
        .await
        .unwrap();
    let keys = w.fake.accounts()[0].clone();
    let before = w.fake.requests(&keys.api_key);

    let reply = w
        .admin_call(
            Method::POST,
            &integrations(&w),
            w.t.admin_a,
            Some(w.integration_body(0)),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let view = &reply.body["integration"];
    assert_eq!(view["provider"], "mightycall");
    assert_eq!(view["enabled"], true);
    assert_eq!(view["host"], "api");
    assert_eq!(view["label"], "Main line");
    assert_eq!(view["api_key_hint"], keys.api_key[keys.api_key.len() - 4..]);
    assert_eq!(
        w.fake.requests(&keys.api_key) - before,
        1,
        "exactly one token request"
    );
    let text = reply.body.to_string();
    assert!(
        !text.contains(&keys.api_key) && !text.contains(&keys.user_key),
        "no secret in {text}"
    );

    // At rest: sealed under the active key, bound to this org; the token is cached, sealed too.
    let row = w
        .db
        .admin()
        .await
        .query_one(
            "select credentials_ciphertext, credentials_key_id, token_cache_ciphertext, token_expires_at is not null
             from org_integrations where org_id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let sealed: String = row.get(0);
    assert!(!sealed.contains(&keys.api_key));
    assert_eq!(row.get::<_, String>(1), "k1");
    let keyring = crypto::Keyring::from_json(identity::KEYRING).unwrap();
    let binding = crypto::Binding::new(&w.t.org_a.to_string(), "mightycall").unwrap();
    let opened: serde_json::Value =
        serde_json::from_slice(&keyring.open(&sealed, binding.as_bytes()).unwrap()).unwrap();
    assert_eq!(
        opened,
        json!({ "api_key": keys.api_key, "user_key": keys.user_key })
    );
    let other_org = crypto::Binding::new(&w.t.org_b.to_string(), "mightycall").unwrap();
    assert!(
        keyring.open(&sealed, other_org.as_bytes()).is_err(),
        "bound to org A"
    );
    assert!(
        row.get::<_, Option<String>>(2)
            .is_some_and(|t| !t.contains("access_token"))
    );
    assert!(row.get::<_, bool>(3));

    let again = w
        .admin_call(
            Method::POST,
            &integrations(&w),
            w.t.admin_a,
            Some(w.integration_body(1)),
        )
        .await;
    assert_eq!(again.status, 200, "replacing returns 200: {:?}", again.body);
    let actions: Vec<String> =
        w.db.admin()
            .await
            .query(
                "select action from audit_log where org_id = $1 and actor_user_id = $2 order by id",
                &[&w.t.org_a, &w.t.admin_a],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert_eq!(actions, vec!["integration.saved", "integration.saved"]);
}

#[tokio::test]
async fn bad_credentials_are_refused_and_nothing_is_saved() {
    let w = World::new().await;
    let before = w.rows("org_integrations", w.t.org_a).await;
    let mut body = w.integration_body(0);
    body["credentials"]["user_key"] = json!("definitely-wrong-user-key");
    let reply = w
        .admin_call(Method::POST, &integrations(&w), w.t.admin_a, Some(body))
        .await;
    assert_eq!(reply.status, 422, "{:?}", reply.body);
    assert_eq!(reply.body["error"], "invalid_credentials");
    assert_eq!(w.rows("org_integrations", w.t.org_a).await, before);
}

#[tokio::test]
async fn an_unreachable_mightycall_is_a_503_and_verify_false_skips_the_check() {
    let w = World::new().await;
    let body = w.integration_body(0);
    let api_key = w.fake.accounts()[0].api_key.clone();
    let mut unverified = body.clone();
    unverified["verify"] = json!(false);
    let before = w.fake.requests(&api_key);
    let reply = w
        .admin_call(
            Method::POST,
            &integrations(&w),
            w.t.admin_a,
            Some(unverified),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(
        w.fake.requests(&api_key),
        before,
        "no request to MightyCall"
    );

    // A port nothing listens on stands in for MightyCall being down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let unreachable = w
        .admin_with(
            Some(format!("http://{closed}/v4")),
            sync_engine::SyncSettings::default().daily_budget,
        )
        .await;
    let token = w.token(w.t.admin_a);
    let reply = test_harness::http::call(
        &unreachable,
        Method::POST,
        &integrations(&w),
        Some(&token),
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 503, "{:?}", reply.body);
    assert_eq!(reply.body["error"], "unavailable");
}

#[tokio::test]
async fn listing_shows_the_masked_integration_with_its_last_sync() {
    let w = World::new().await;
    let reply = w
        .admin_call(Method::GET, &integrations(&w), w.t.admin_a, None)
        .await;
    assert_eq!(reply.status, 200);
    let list = reply.body["integrations"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["api_key_hint"], "1a2b");
    assert_eq!(list[0]["last_sync"]["resource"], "calls");
    assert_eq!(list[0]["last_sync"]["status"], "queued");
    assert!(list[0].get("credentials_ciphertext").is_none());
}

#[tokio::test]
async fn the_schedule_can_be_changed_within_limits() {
    let w = World::new().await;
    let path = format!("{}/mightycall", integrations(&w));
    let reply = w
        .admin_call(
            Method::PATCH,
            &path,
            w.t.admin_a,
            Some(json!({ "enabled": false, "sync_interval_minutes": 30 })),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["integration"]["enabled"], false);
    assert_eq!(reply.body["integration"]["sync_interval_minutes"], 30);
    for (body, code) in [
        (json!({}), "nothing_to_change"),
        (json!({ "sync_interval_minutes": 5 }), "invalid_interval"),
        (
            json!({ "sync_interval_minutes": 20000 }),
            "invalid_interval",
        ),
    ] {
        let reply = w
            .admin_call(Method::PATCH, &path, w.t.admin_a, Some(body))
            .await;
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (422, Some(code))
        );
    }
    let wrong_provider = w
        .admin_call(
            Method::PATCH,
            &format!("{}/zoom", integrations(&w)),
            w.t.admin_a,
            Some(json!({ "enabled": true })),
        )
        .await;
    assert_eq!(wrong_provider.status, 400);
}

#[tokio::test]
async fn deleting_removes_the_credentials_once() {
    let w = World::new().await;
    let path = format!("{}/mightycall", integrations(&w));
    let reply = w.admin_call(Method::DELETE, &path, w.t.admin_a, None).await;
    assert_eq!(reply.status, 204);
    assert!(w.rows("org_integrations", w.t.org_a).await.is_empty());
    let reply = w.admin_call(Method::DELETE, &path, w.t.admin_a, None).await;
    assert_eq!(reply.status, 404);
    let reply = w
        .admin_call(
            Method::PATCH,
            &path,
            w.t.admin_a,
            Some(json!({ "enabled": true })),
        )
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn members_can_be_listed_promoted_and_removed_but_the_last_admin_stays() {
    let w = World::new().await;
    let members = format!("/api/admin/orgs/{}/members", w.t.org_a);
    let reply = w.admin_call(Method::GET, &members, w.t.admin_a, None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["members"].as_array().unwrap().len(), 3);

    let demote_self = w
        .admin_call(
            Method::PATCH,
            &format!("{members}/{}", w.t.admin_a),
            w.t.admin_a,
            Some(json!({ "role": "agent" })),
        )
        .await;
    assert_eq!(demote_self.status, 409, "{:?}", demote_self.body);
    assert_eq!(demote_self.body["error"], "last_org_admin");
    let remove_self = w
        .admin_call(
            Method::DELETE,
            &format!("{members}/{}", w.t.admin_a),
            w.t.admin_a,
            None,
        )
        .await;
    assert_eq!(remove_self.status, 409);

    let promote = w
        .admin_call(
            Method::PATCH,
            &format!("{members}/{}", w.t.agent_a),
            w.t.admin_a,
            Some(json!({ "role": "org_admin" })),
        )
        .await;
    assert_eq!(promote.status, 200, "{:?}", promote.body);
    assert_eq!(promote.body["member"]["role"], "org_admin");
    let now_ok = w
        .admin_call(
            Method::PATCH,
            &format!("{members}/{}", w.t.admin_a),
            w.t.admin_a,
            Some(json!({ "role": "agent" })),
        )
        .await;
    assert_eq!(now_ok.status, 200, "another admin exists now");

    let removed = w
        .admin_call(
            Method::DELETE,
            &format!("{members}/{}", w.t.manager_a),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(removed.status, 204);
    let gone = w
        .admin_call(
            Method::DELETE,
            &format!("{members}/{}", w.t.manager_a),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(gone.status, 404);
    let bad_role = w
        .admin_call(
            Method::PATCH,
            &format!("{members}/{}", w.t.agent_a),
            w.t.agent_a,
            Some(json!({ "role": "platform_admin" })),
        )
        .await;
    assert_eq!(bad_role.status, 400);
}

#[tokio::test]
async fn an_extension_is_set_once_per_org_and_cleared_with_null() {
    let w = World::new().await;
    let t = &w.t;
    let member = |org, user| format!("/api/admin/orgs/{org}/members/{user}");
    let set = |value: serde_json::Value| Some(json!({ "mightycall_extension": value }));

    let reply = w
        .admin_call(
            Method::PUT,
            &member(t.org_a, t.agent_a),
            t.admin_a,
            set(json!("0101")),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["member"]["user_id"], t.agent_a.to_string());
    assert_eq!(reply.body["member"]["mightycall_extension"], "0101");
    assert_eq!(reply.body["member"]["role"], "agent");
    let list = w
        .admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{}/members", t.org_a),
            t.admin_a,
            None,
        )
        .await;
    let listed = list.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == t.agent_a.to_string())
        .unwrap();
    assert_eq!(
        listed, &reply.body["member"],
        "as the members list shows it"
    );

    // Another member of the same org cannot take it; a member of another org can.
    let before = w.snapshot(t.org_a).await;
    let taken = w
        .admin_call(
            Method::PUT,
            &member(t.org_a, t.manager_a),
            t.admin_a,
            set(json!("0101")),
        )
        .await;
    assert_eq!(taken.status, 409, "{:?}", taken.body);
    assert_eq!(taken.body["error"], "extension_taken");
    assert_eq!(w.snapshot(t.org_a).await, before, "nothing changed");
    let elsewhere = w
        .admin_call(
            Method::PUT,
            &member(t.org_b, t.agent_b),
            t.admin_b,
            set(json!("0101")),
        )
        .await;
    assert_eq!(elsewhere.status, 200, "{:?}", elsewhere.body);

    for bad in [
        json!({ "mightycall_extension": "" }),
        json!({ "mightycall_extension": "12345678901" }),
        json!({ "mightycall_extension": "12a" }),
        json!({ "mightycall_extension": 101 }),
        json!({}),
        json!({ "mightycall_extension": "1", "role": "agent" }),
    ] {
        let reply = w
            .admin_call(
                Method::PUT,
                &member(t.org_a, t.manager_a),
                t.admin_a,
                Some(bad.clone()),
            )
            .await;
        assert_eq!(reply.status, 400, "{bad}: {:?}", reply.body);
    }
    let stranger = w
        .admin_call(
            Method::PUT,
            &member(t.org_a, t.agent_b),
            t.admin_a,
            set(json!("7")),
        )
        .await;
    assert_eq!(
        stranger.status, 404,
        "not a member of org A: {:?}",
        stranger.body
    );
    assert_eq!(w.snapshot(t.org_a).await, before, "nothing changed");

    let cleared = w
        .admin_call(
            Method::PUT,
            &member(t.org_a, t.agent_a),
            t.admin_a,
            set(json!(null)),
        )
        .await;
    assert_eq!(cleared.status, 200, "{:?}", cleared.body);
    assert_eq!(
        cleared.body["member"]["mightycall_extension"],
        serde_json::Value::Null
    );
    let freed = w
        .admin_call(
            Method::PUT,
            &member(t.org_a, t.manager_a),
            t.admin_a,
            set(json!("0101")),
        )
        .await;
    assert_eq!(freed.status, 200, "a cleared extension is free again");

    let audited: Vec<(String, serde_json::Value)> =
        w.db.admin()
            .await
            .query(
                "select target, details from audit_log
             where org_id = $1 and action = 'member.extension_set' order by id",
                &[&t.org_a],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    assert_eq!(
        audited,
        vec![
            (
                t.agent_a.to_string(),
                json!({ "mightycall_extension": "0101" })
            ),
            (
                t.agent_a.to_string(),
                json!({ "mightycall_extension": null })
            ),
            (
                t.manager_a.to_string(),
                json!({ "mightycall_extension": "0101" })
            ),
        ]
    );
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    let w = World::new().await;
    let invites = format!("/api/admin/orgs/{}/invites", w.t.org_a);
    for i in 0..3 {
        let reply = w
            .admin_call(
                Method::POST,
                &invites,
                w.t.admin_a,
                Some(json!({ "email": format!("p{i}@example.test"), "role": "agent" })),
            )
            .await;
        assert_eq!(reply.status, 201);
    }
    let audit = format!("/api/admin/orgs/{}/audit", w.t.org_a);
    let first = w
        .admin_call(Method::GET, &format!("{audit}?limit=2"), w.t.admin_a, None)
        .await;
    assert_eq!(first.status, 200);
    let page = first.body["audit"].as_array().unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(
        page[0]["details"]["email"], "p2@example.test",
        "newest first"
    );
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = w
        .admin_call(
            Method::GET,
            &format!("{audit}?limit=2&cursor={cursor}"),
            w.t.admin_a,
            None,
        )
        .await;
    let page = second.body["audit"].as_array().unwrap();
    assert_eq!(page.len(), 2, "one invite and the seeded entry");
    assert_eq!(page[0]["details"]["email"], "p0@example.test");
    assert!(second.body["next_cursor"].is_null());
    for query in [
        "limit=0",
        "limit=501",
        "limit=x",
        "cursor=%%%",
        "cursor=YTp4",
    ] {
        let reply = w
            .admin_call(Method::GET, &format!("{audit}?{query}"), w.t.admin_a, None)
            .await;
        assert_eq!(reply.status, 400, "{query}");
    }
}

#[tokio::test]
async fn the_audit_log_filters_by_action_and_by_local_days() {
    let w = World::new().await;
    let org = w.t.org_a;
    let invites = format!("/api/admin/orgs/{org}/invites");
    for email in ["f0@example.test", "f1@example.test"] {
        let body = json!({ "email": email, "role": "agent" });
        let reply = w
            .admin_call(Method::POST, &invites, w.t.admin_a, Some(body))
            .await;
        assert_eq!(reply.status, 201);
    }
    // The org counts days in New York: 03:00 UTC on 10 January is still the 9th there.
    let admin = w.db.admin().await;
    admin
        .execute(
            "update organizations set time_zone = 'America/New_York' where id = $1",
            &[&org],
        )
        .await
        .unwrap();
    admin
        .execute(
            "update audit_log set created_at = '2026-01-10 03:00:00+00'
             where org_id = $1 and details->>'email' = 'f0@example.test'",
            &[&org],
        )
        .await
        .unwrap();
    let audit = format!("/api/admin/orgs/{org}/audit");
    let listed = |query: &'static str| {
        let w = &w;
        let audit = &audit;
        async move {
            let reply = w
                .admin_call(Method::GET, &format!("{audit}?{query}"), w.t.admin_a, None)
                .await;
            assert_eq!(reply.status, 200, "{query}: {:?}", reply.body);
            reply.body["audit"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let email = e["details"]["email"].as_str().unwrap_or("");
                    format!("{} {email}", e["action"].as_str().unwrap())
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed("action=invite.created").await,
        [
            "invite.created f1@example.test",
            "invite.created f0@example.test"
        ]
    );
    assert_eq!(listed("action=seed.created").await, ["seed.created "]);
    assert_eq!(
        listed("startDate=2026-01-09&endDate=2026-01-09").await,
        ["invite.created f0@example.test"]
    );
    assert!(
        listed("startDate=2026-01-10&endDate=2026-01-10")
            .await
            .is_empty()
    );
    assert!(
        listed("action=member.removed&startDate=2026-01-09&endDate=2026-01-09")
            .await
            .is_empty()
    );
    // Filters page like the whole log: the cursor of a filtered page continues it.
    let first = w
        .admin_call(
            Method::GET,
            &format!("{audit}?action=invite.created&limit=1"),
            w.t.admin_a,
            None,
        )
        .await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = w
        .admin_call(
            Method::GET,
            &format!("{audit}?action=invite.created&limit=1&cursor={cursor}"),
            w.t.admin_a,
            None,
        )
        .await;
    assert_eq!(
        second.body["audit"][0]["details"]["email"],
        "f0@example.test"
    );
    assert!(second.body["next_cursor"].is_null());
    for query in [
        "action=",
        "action=Member.Removed",
        "action=a%20b",
        "startDate=2026-1-1",
        "endDate=x",
        "startDate=2026-02-01&endDate=2026-01-01",
        "startDate=2024-01-01&endDate=2026-01-01",
    ] {
        let reply = w
            .admin_call(Method::GET, &format!("{audit}?{query}"), w.t.admin_a, None)
            .await;
        assert_eq!(reply.status, 400, "{query}");
    }
}

#[tokio::test]
async fn with_mfa_required_admin_writes_need_aal2() {
    let w = World::builder().mfa_for_admin().build().await;
    let path = format!("{}/mightycall", integrations(&w));
    let reply = w
        .admin_call(
            Method::PATCH,
            &path,
            w.t.admin_a,
            Some(json!({ "enabled": false })),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.body["error"], "mfa_required");
    let read = w
        .admin_call(Method::GET, &integrations(&w), w.t.admin_a, None)
        .await;
    assert_eq!(read.status, 200, "reads do not need MFA");

    let mut claims = identity::claims(w.t.admin_a, "a@example.test");
    claims["aal"] = json!("aal2");
    let token = identity::sign(&claims, identity::JWT_SECRET);
    let body = json!({ "enabled": false });
    let reply = test_harness::http::call(
        &w.admin().await,
        Method::PATCH,
        &path,
        Some(&token),
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
}
