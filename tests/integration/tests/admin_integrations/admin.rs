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
