//! Cross-tenant access: every admin route, called by people who must not reach the org.

use axum::http::Method;
use test_harness::http::call;

use integration_tests::World;

use crate::support::admin_routes;

#[tokio::test]
async fn an_admin_of_org_a_gets_404_and_changes_nothing_in_org_b() {
    let w = World::new().await;
    let before = w.snapshot(w.t.org_b).await;
    for (method, path, body) in admin_routes(&w, w.t.org_b, w.t.agent_b) {
        let reply = call(
            &w.admin().await,
            method.clone(),
            &path,
            Some(&w.token(w.t.admin_a)),
            body.as_ref(),
        )
        .await;
        assert_eq!(reply.status, 404, "{method} {path}: {:?}", reply.body);
        assert_eq!(reply.body["error"], "not_found");
        assert!(
            !reply.body.to_string().contains("Org B"),
            "no data of B leaks"
        );
    }
    assert_eq!(w.snapshot(w.t.org_b).await, before, "org B unchanged");
}

#[tokio::test]
async fn members_without_the_admin_role_get_403_in_their_own_org() {
    let w = World::new().await;
    let before = w.snapshot(w.t.org_a).await;
    for user in [w.t.manager_a, w.t.agent_a] {
        for (method, path, body) in admin_routes(&w, w.t.org_a, w.t.agent_a) {
            let reply = call(
                &w.admin().await,
                method.clone(),
                &path,
                Some(&w.token(user)),
                body.as_ref(),
            )
            .await;
            assert_eq!(reply.status, 403, "{method} {path}: {:?}", reply.body);
            assert_eq!(reply.body["error"], "org_admin_required");
        }
    }
    assert_eq!(w.snapshot(w.t.org_a).await, before, "org A unchanged");
}

#[tokio::test]
async fn a_user_in_no_org_gets_404_everywhere() {
    let w = World::new().await;
    for org in [w.t.org_a, w.t.org_b] {
        for (method, path, body) in admin_routes(&w, org, w.t.agent_a) {
            let reply = call(
                &w.admin().await,
                method.clone(),
                &path,
                Some(&w.token(w.t.outsider)),
                body.as_ref(),
            )
            .await;
            assert_eq!(reply.status, 404, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn a_platform_admin_manages_any_org() {
    let w = World::new().await;
    for (method, path, _) in admin_routes(&w, w.t.org_b, w.t.agent_b)
        .into_iter()
        .filter(|(m, _, _)| *m == Method::GET)
    {
        let reply = call(
            &w.admin().await,
            method.clone(),
            &path,
            Some(&w.token(w.t.platform_admin)),
            None,
        )
        .await;
        assert_eq!(reply.status, 200, "{method} {path}: {:?}", reply.body);
    }
    let members = format!("/api/admin/orgs/{}/members/{}", w.t.org_b, w.t.agent_b);
    let body = serde_json::json!({ "role": "org_manager" });
    let reply = call(
        &w.admin().await,
        Method::PATCH,
        &members,
        Some(&w.token(w.t.platform_admin)),
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
}

#[tokio::test]
async fn rls_alone_stops_a_forged_membership_check() {
    // If the code's check were skipped, the admin of A would run B's queries under their own claims:
    // RLS must return nothing and refuse every write. Integration writes run as service_role (V12):
    // the store checks the caller's claims itself before them.
    let w = World::new().await;
    let before = w.snapshot(w.t.org_b).await;
    let db = w.db.store();
    let tx = db
        .as_user(&test_harness::fixtures::claims_for(w.t.admin_a))
        .await
        .unwrap();
    let org_b = domain::OrgId::new(w.t.org_b);
    assert!(
        store::integrations::list_integrations(&tx, org_b)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store::members::list_members(&tx, org_b)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store::audit::list(
            &tx,
            org_b,
            &store::audit::AuditFilter::default(),
            domain::PageLimit::DEFAULT,
            None
        )
        .await
        .unwrap()
        .rows
        .is_empty()
    );
    assert!(
        !store::integrations::update_schedule(&tx, org_b, "mightycall", Some(false), None)
            .await
            .unwrap()
    );
    assert!(
        !store::integrations::delete_integration(&tx, org_b, "mightycall")
            .await
            .unwrap()
    );
    let agent_b = domain::UserId::new(w.t.agent_b);
    assert!(
        store::members::set_role(&tx, org_b, agent_b, domain::OrgRole::OrgAdmin)
            .await
            .unwrap()
            .is_none()
    );
    let extension = domain::Extension::parse("201").unwrap();
    assert!(
        store::members::set_extension(&tx, org_b, agent_b, Some(&extension))
            .await
            .unwrap()
            .is_none()
    );
    let raw = tx
        .client()
        .execute(
            "update org_users set mightycall_extension = '202' where org_id = $1",
            &[&w.t.org_b],
        )
        .await
        .unwrap();
    assert_eq!(raw, 0, "no membership of org B changes");
    assert!(
        !store::members::remove_member(&tx, org_b, agent_b)
            .await
            .unwrap()
    );
    let saved = store::integrations::save_integration(
        &tx,
        &store::integrations::IntegrationWrite {
            org: org_b,
            provider: "mightycall",
            credentials_ciphertext: "x",
            credentials_key_id: "k1",
            api_key_hint: "x",
            metadata: serde_json::json!({}),
            token_cache_ciphertext: None,
            token_expires_at: None,
            created_by: domain::UserId::new(w.t.admin_a),
        },
    )
    .await;
    assert!(matches!(saved, Err(store::StoreError::Denied)), "{saved:?}");
    assert!(
        !store::webhooks::set_token_hash(&tx, org_b, "mightycall", &[7; 32])
            .await
            .unwrap()
    );
    // Committed, so that anything a write slipped through would show.
    tx.commit().await.unwrap();
    assert_eq!(w.snapshot(w.t.org_b).await, before, "org B changed");
    let tx = db
        .as_user(&test_harness::fixtures::claims_for(w.t.admin_a))
        .await
        .unwrap();
    let invite = store::invites::create_invite(
        &tx,
        &store::invites::NewInvite {
            org: org_b,
            email: "x@example.test",
            role: domain::OrgRole::OrgAdmin,
            token_hash: &[7; 32],
            invited_by: domain::UserId::new(w.t.admin_a),
            expires_at: chrono::Utc::now(),
        },
    )
    .await;
    assert!(
        matches!(invite, Err(store::StoreError::Denied)),
        "{invite:?}"
    );
}
