use axum::http::Method;
use serde_json::json;
use test_harness::http::{Reply, call};
use test_harness::identity;
use uuid::Uuid;

use integration_tests::World;

#[tokio::test]
async fn the_profile_is_created_from_the_token_on_first_call() {
    let w = World::new().await;
    let newcomer = Uuid::new_v4();
    let reply = w
        .call(&w.user(), Method::GET, "/api/user/profile", newcomer, None)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let profile = &reply.body["profile"];
    assert_eq!(profile["id"], newcomer.to_string());
    assert_eq!(profile["email"], format!("{newcomer}@example.test"));
    assert_eq!(profile["full_name"], "Test User");
    assert_eq!(profile["global_role"], serde_json::Value::Null);
    let again = w
        .call(&w.user(), Method::GET, "/api/user/profile", newcomer, None)
        .await;
    assert_eq!(
        again.body, reply.body,
        "a second call returns the same profile"
    );
    let rows =
        w.db.admin()
            .await
            .query("select 1 from profiles where id = $1", &[&newcomer])
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
}

#[tokio::test]
async fn orgs_lists_the_callers_memberships_and_everything_for_platform_admins() {
    let w = World::new().await;
    let reply = w
        .call(&w.user(), Method::GET, "/api/user/orgs", w.t.agent_a, None)
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body["orgs"],
        json!([{ "id": w.t.org_a.to_string(), "name": "Org A", "role": "agent" }])
    );

    let reply = w
        .call(
            &w.user(),
            Method::GET,
            "/api/user/orgs",
            w.t.platform_admin,
            None,
        )
        .await;
    let orgs = reply.body["orgs"].as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    assert!(orgs.iter().all(|o| o["role"] == "platform_admin"));

    let reply = w
        .call(&w.user(), Method::GET, "/api/user/orgs", w.t.outsider, None)
        .await;
    assert_eq!(reply.body["orgs"], json!([]));
}

#[tokio::test]
async fn a_platform_admin_claim_in_user_metadata_grants_nothing() {
    let w = World::new().await;
    let mut claims = test_harness::identity::claims(w.t.agent_a, "a@example.test");
    claims["user_metadata"] = json!({ "global_role": "platform_admin", "role": "platform_admin" });
    claims["app_metadata"] = json!({ "role": "platform_admin" });
    let token = test_harness::identity::sign(&claims, test_harness::identity::JWT_SECRET);
    let reply =
        test_harness::http::call(&w.user(), Method::GET, "/api/user/orgs", Some(&token), None)
            .await;
    assert_eq!(
        reply.body["orgs"].as_array().unwrap().len(),
        1,
        "still only org A"
    );
}

#[tokio::test]
async fn onboarding_creates_an_org_once_with_the_caller_as_admin() {
    let w = World::new().await;
    let founder = Uuid::new_v4();
    let first = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            founder,
            Some(json!({ "org_name": "  Acme Calls " })),
        )
        .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(first.body["org"]["name"], "Acme Calls");
    assert_eq!(first.body["role"], "org_admin");

    let repeat = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            founder,
            Some(json!({ "org_name": "acme calls" })),
        )
        .await;
    assert_eq!(
        repeat.status, 200,
        "a repeated request returns the same org"
    );
    assert_eq!(repeat.body["org"]["id"], first.body["org"]["id"]);

    let orgs = w
        .call(&w.user(), Method::GET, "/api/user/orgs", founder, None)
        .await;
    assert_eq!(orgs.body["orgs"].as_array().unwrap().len(), 1);
    assert_eq!(orgs.body["orgs"][0]["role"], "org_admin");
    let audit: i64 = w
        .db
        .admin()
        .await
        .query_one(
            "select count(*) from audit_log where action = 'org.created' and actor_user_id = $1",
            &[&founder],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn onboarding_validates_its_input_and_changes_nothing_when_it_is_bad() {
    let w = World::new().await;
    let founder = Uuid::new_v4();
    let cases = [
        (json!({ "org_name": "" }), 422, "invalid_org_name"),
        (json!({ "org_name": "   " }), 422, "invalid_org_name"),
        (
            json!({ "org_name": "x".repeat(121) }),
            422,
            "invalid_org_name",
        ),
        (
            json!({ "org_name": "bad\u{0007}name" }),
            422,
            "invalid_org_name",
        ),
        (json!({}), 400, "invalid_body"),
        (
            json!({ "org_name": "A", "invite_token": "x" }),
            400,
            "invalid_body",
        ),
        (json!({ "org_name": 42 }), 400, "invalid_body"),
        (
            json!({ "org_name": "A", "plan": "gold" }),
            400,
            "invalid_body",
        ),
        (
            json!({ "invite_token": "not-a-token" }),
            400,
            "invalid_invite_token",
        ),
        (
            json!({ "invite_token": "A".repeat(43) + "!" }),
            400,
            "invalid_invite_token",
        ),
    ];
    for (body, status, code) in cases {
        let reply = w
            .call(
                &w.user(),
                Method::POST,
                "/api/user/onboard",
                founder,
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, status, "{body}: {:?}", reply.body);
        assert_eq!(reply.body["error"], code, "{body}");
    }
    let orgs: i64 =
        w.db.admin()
            .await
            .query_one("select count(*) from organizations", &[])
            .await
            .unwrap()
            .get(0);
    assert_eq!(orgs, 2, "no org was created");
}

#[tokio::test]
async fn an_invite_is_accepted_once_by_its_recipient_with_the_invited_role() {
    let w = World::new().await;
    let invitee = Uuid::new_v4();
    let email = format!("{invitee}@example.test");
    let created = w
        .admin_call(
            Method::POST,
            &format!("/api/admin/orgs/{}/invites", w.t.org_a),
            w.t.admin_a,
            Some(json!({ "email": email.to_uppercase(), "role": "org_manager" })),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let token = created.body["invite_token"].as_str().unwrap().to_owned();

    let stranger = Uuid::new_v4();
    let wrong = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            stranger,
            Some(json!({ "invite_token": token })),
        )
        .await;
    assert_eq!(wrong.status, 403, "someone else's email: {:?}", wrong.body);
    assert_eq!(wrong.body["error"], "invite_email_mismatch");

    let accepted = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            invitee,
            Some(json!({ "invite_token": token })),
        )
        .await;
    assert_eq!(accepted.status, 201, "{:?}", accepted.body);
    assert_eq!(accepted.body["org"]["id"], w.t.org_a.to_string());
    assert_eq!(accepted.body["role"], "org_manager");

    let again = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            invitee,
            Some(json!({ "invite_token": token })),
        )
        .await;
    assert_eq!(again.status, 200, "replay by the same user is idempotent");

    let hash: [u8; 32] = domain::InviteToken::parse(&token).unwrap().hash();
    let stored: Vec<u8> =
        w.db.admin()
            .await
            .query_one(
                "select token_hash from org_invites where accepted_by = $1",
                &[&invitee],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(stored, hash.to_vec(), "only the hash is stored");

    let unknown = domain::InviteToken::generate();
    let missing = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            invitee,
            Some(json!({ "invite_token": unknown.expose() })),
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_used_or_expired_invite_is_refused() {
    let w = World::new().await;
    let invitee = Uuid::new_v4();
    let email = format!("{invitee}@example.test");
    let path = format!("/api/admin/orgs/{}/invites", w.t.org_a);
    let token =
        |reply: &test_harness::http::Reply| reply.body["invite_token"].as_str().unwrap().to_owned();

    let expired = w
        .admin_call(
            Method::POST,
            &path,
            w.t.admin_a,
            Some(json!({ "email": email, "role": "agent" })),
        )
        .await;
    w.db.admin()
        .await
        .execute(
            "update org_invites set expires_at = now() - interval '1 minute'",
            &[],
        )
        .await
        .unwrap();
    let reply = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            invitee,
            Some(json!({ "invite_token": token(&expired) })),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["error"], "invite_expired");

    let fresh = w
        .admin_call(
            Method::POST,
            &path,
            w.t.admin_a,
            Some(json!({ "email": email, "role": "agent" })),
        )
        .await;
    let used_by_other = Uuid::new_v4();
    w.db.admin()
        .await
        .execute("insert into profiles (id) values ($1)", &[&used_by_other])
        .await
        .unwrap();
    w.db.admin()
        .await
        .execute(
            "update org_invites set accepted_at = now(), accepted_by = $1 where expires_at > now()",
            &[&used_by_other],
        )
        .await
        .unwrap();
    let reply = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            invitee,
            Some(json!({ "invite_token": token(&fresh) })),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.body["error"], "invite_used");
    let member: i64 =
        w.db.admin()
            .await
            .query_one(
                "select count(*) from org_users where user_id = $1",
                &[&invitee],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(member, 0);
}

/// Invites `email` to org A as `role` and returns the token.
async fn invite(w: &World, email: &str, role: &str) -> String {
    let created = w
        .admin_call(
            Method::POST,
            &format!("/api/admin/orgs/{}/invites", w.t.org_a),
            w.t.admin_a,
            Some(json!({ "email": email, "role": role })),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    created.body["invite_token"].as_str().unwrap().to_owned()
}

async fn onboard_with(w: &World, user: Uuid, email: &str, token: &str) -> Reply {
    call(
        &w.user(),
        Method::POST,
        "/api/user/onboard",
        Some(&identity::token(user, email)),
        Some(&json!({ "invite_token": token })),
    )
    .await
}

#[tokio::test]
async fn a_removed_member_cannot_rejoin_with_the_invite_they_used() {
    let w = World::new().await;
    let invitee = Uuid::new_v4();
    let email = format!("{invitee}@example.test");
    let token = invite(&w, &email, "org_admin").await;
    let accepted = onboard_with(&w, invitee, &email, &token).await;
    assert_eq!(accepted.status, 201, "{:?}", accepted.body);
    assert_eq!(accepted.body["role"], "org_admin");

    // Demoted, then the same request again: the org and the role they have now, nothing else.
    let demoted = w
        .admin_call(
            Method::PATCH,
            &format!("/api/admin/orgs/{}/members/{invitee}", w.t.org_a),
            w.t.admin_a,
            Some(json!({ "role": "agent" })),
        )
        .await;
    assert_eq!(demoted.status, 200, "{:?}", demoted.body);
    let before = w.snapshot(w.t.org_a).await;
    let replay = onboard_with(&w, invitee, &email, &token).await;
    assert_eq!(replay.status, 200, "{:?}", replay.body);
    assert_eq!(replay.body["org"]["id"], w.t.org_a.to_string());
    assert_eq!(
        replay.body["role"], "agent",
        "the invite's role is not restored"
    );
    assert_eq!(
        w.snapshot(w.t.org_a).await,
        before,
        "a replay changed org A"
    );

    let removed = w
        .admin_call(
            Method::DELETE,
            &format!("/api/admin/orgs/{}/members/{invitee}", w.t.org_a),
            w.t.admin_a,
            None,
        )
        .await;
    assert_eq!(removed.status, 204, "{:?}", removed.body);
    let before = w.snapshot(w.t.org_a).await;
    let rejoin = onboard_with(&w, invitee, &email, &token).await;
    assert_eq!(rejoin.status, 409, "{:?}", rejoin.body);
    assert_eq!(rejoin.body["error"], "invite_used");
    assert_eq!(w.snapshot(w.t.org_a).await, before, "org A changed");
}

#[tokio::test]
async fn an_invite_stays_used_when_its_acceptor_is_deleted() {
    let w = World::new().await;
    let invitee = Uuid::new_v4();
    let email = format!("{invitee}@example.test");
    let token = invite(&w, &email, "org_manager").await;
    let accepted = onboard_with(&w, invitee, &email, &token).await;
    assert_eq!(accepted.status, 201, "{:?}", accepted.body);
    // The account is deleted (its membership goes with it; the invite's accepted_by becomes NULL).
    w.db.admin()
        .await
        .execute("delete from profiles where id = $1", &[&invitee])
        .await
        .unwrap();

    let before = w.snapshot(w.t.org_a).await;
    for user in [Uuid::new_v4(), invitee] {
        let reply = onboard_with(&w, user, &email, &token).await;
        assert_eq!(reply.status, 409, "{user}: {:?}", reply.body);
        assert_eq!(reply.body["error"], "invite_used");
    }
    assert_eq!(w.snapshot(w.t.org_a).await, before, "org A changed");
}

/// `GET /api/user/profile` with a token for `user` carrying `email` and `full_name` metadata.
async fn profile_with(w: &World, user: Uuid, email: &str, full_name: &str) -> Reply {
    let mut claims = identity::claims(user, email);
    claims["user_metadata"] = json!({ "full_name": full_name });
    let token = identity::sign(&claims, identity::JWT_SECRET);
    call(
        &w.user(),
        Method::GET,
        "/api/user/profile",
        Some(&token),
        None,
    )
    .await
}

#[tokio::test]
async fn the_profile_email_follows_the_verified_token() {
    let w = World::new().await;
    let user = Uuid::new_v4();
    let first = profile_with(&w, user, "first@example.test", "Ada Lovelace").await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    assert_eq!(first.body["profile"]["email"], "first@example.test");
    // The address changed at the identity provider: the next token says so, and so does the profile.
    let changed = profile_with(&w, user, "second@example.test", "Someone Else").await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(changed.body["profile"]["email"], "second@example.test");
    assert_eq!(
        changed.body["profile"]["full_name"], "Ada Lovelace",
        "the name is the user's once the profile exists"
    );
    // Co-members see the verified address, whatever the profile said before.
    w.db.admin()
        .await
        .execute(
            "update profiles set email = 'org.admin@example.test' where id = $1",
            &[&w.t.agent_a],
        )
        .await
        .unwrap();
    let verified = format!("{}@example.test", w.t.agent_a);
    let own = w
        .call(
            &w.user(),
            Method::GET,
            "/api/user/profile",
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(own.body["profile"]["email"], verified.as_str());
    let members = w
        .admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{}/members", w.t.org_a),
            w.t.admin_a,
            None,
        )
        .await;
    let agent = members.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == w.t.agent_a.to_string())
        .unwrap();
    assert_eq!(agent["email"], verified.as_str());
}

#[tokio::test]
async fn a_name_from_token_metadata_is_cleaned_and_never_a_role() {
    let w = World::new().await;
    for (given, stored) in [
        ("  Ada   Lovelace ", json!("Ada Lovelace")),
        ("Org Admin", json!(null)),
        ("platform_admin", json!(null)),
        ("Ada\u{202E}ecalevoL", json!(null)),
        ("   ", json!(null)),
    ] {
        let reply = profile_with(&w, Uuid::new_v4(), "x@example.test", given).await;
        assert_eq!(reply.status, 200, "{given:?}: {:?}", reply.body);
        assert_eq!(reply.body["profile"]["full_name"], stored, "{given:?}");
    }
}

#[tokio::test]
async fn a_revoked_invite_adds_no_one() {
    let w = World::new().await;
    let invitee = Uuid::new_v4();
    let email = format!("{invitee}@example.test");
    let token = invite(&w, &email, "agent").await;
    // Revoking is deleting the invite, which org admins may do under RLS (e.g. through PostgREST).
    let tx = w
        .deps
        .db
        .as_user(&test_harness::fixtures::claims_for(w.t.admin_a))
        .await
        .unwrap();
    let revoked = tx
        .client()
        .execute("delete from org_invites where email = $1", &[&email])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(revoked, 1);
    let before = w.snapshot(w.t.org_a).await;
    let reply = onboard_with(&w, invitee, &email, &token).await;
    assert_eq!(reply.status, 404, "{:?}", reply.body);
    assert_eq!(w.snapshot(w.t.org_a).await, before, "org A changed");
}
