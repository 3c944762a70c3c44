//! `POST /api/admin/orgs/{orgId}/integrations/mightycall/webhook-token`.

use axum::body::Body;
use axum::http::{Method, Request};
use sha2::Digest;
use test_harness::http::send;
use test_harness::identity::bad_tokens;
use uuid::Uuid;

use integration_tests::World;

use crate::support::{TriggerCalls, event, world};

async fn stored_hash(w: &World, org: Uuid) -> Option<Vec<u8>> {
    w.db.admin()
        .await
        .query_one(
            "select webhook_token_hash from org_integrations where org_id = $1",
            &[&org],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn an_org_admin_gets_a_token_once_and_a_new_one_replaces_it() {
    let w = world().await;
    let org = w.t.org_a;
    let reply = w.generate_token(org, w.t.admin_a).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let first = reply.body["webhook_token"].as_str().unwrap().to_owned();
    assert_eq!(first.len(), 43);
    assert_eq!(
        reply.body["webhook_path"],
        format!("/api/webhooks/mightycall/{org}/{first}")
    );
    let hash: Vec<u8> = sha2::Sha256::digest(first.as_bytes()).to_vec();
    assert_eq!(
        stored_hash(&w, org).await,
        Some(hash),
        "only the SHA-256 is stored"
    );

    let second = w.webhook_token(org, w.t.admin_a).await;
    assert_ne!(first, second);
    let key = w.api_key(0);
    let body = event(
        &key,
        &Uuid::new_v4().to_string(),
        "IncomingCall",
        None,
        "2026-01-01T00:00:00.0000000Z",
    );
    assert_eq!(
        w.webhook(org, &first, &body).await.status,
        401,
        "the old token stops working"
    );
    assert_eq!(w.webhook(org, &second, &body).await.status, 202);
    let audit = w
        .count(
            "select count(*) from audit_log where org_id = $1 and action = 'integration.webhook_token_generated'
               and actor_user_id = $2 and details::text not like '%' || $3 || '%'",
            &[&org, &w.t.admin_a, &second],
        )
        .await;
    assert_eq!(audit, 2, "each generation is audited, without the token");
}

#[tokio::test]
async fn only_admins_of_the_org_may_generate_one() {
    let w = world().await;
    let t = &w.t;
    let before = stored_hash(&w, t.org_a).await;
    for (user, status) in [
        (t.manager_a, 403),
        (t.agent_a, 403),
        (t.admin_b, 404),
        (t.outsider, 404),
    ] {
        let reply = w.generate_token(t.org_a, user).await;
        assert_eq!(reply.status, status, "{user}: {:?}", reply.body);
        assert!(reply.body["webhook_token"].is_null());
    }
    assert_eq!(stored_hash(&w, t.org_a).await, before, "nothing changed");
    assert_eq!(
        w.generate_token(t.org_a, t.platform_admin).await.status,
        201
    );
    // An org without a MightyCall integration has nothing to attach a webhook to.
    w.db.admin()
        .await
        .execute(
            "delete from org_integrations where org_id = $1",
            &[&t.org_b],
        )
        .await
        .unwrap();
    assert_eq!(w.generate_token(t.org_b, t.admin_b).await.status, 404);
}

#[tokio::test]
async fn bad_bearer_tokens_are_401() {
    let w = world().await;
    let org = w.t.org_a;
    let before = stored_hash(&w, org).await;
    let path = format!("/api/admin/orgs/{org}/integrations/mightycall/webhook-token");
    let mut auth: Vec<Option<String>> = vec![None, Some(format!("Basic {}", w.t.admin_a))];
    auth.extend(
        bad_tokens(w.t.admin_a)
            .into_iter()
            .map(|(_, t)| Some(format!("Bearer {t}"))),
    );
    for header in auth {
        let mut request = Request::builder().method(Method::POST).uri(&path);
        if let Some(h) = &header {
            request = request.header("authorization", h);
        }
        let reply = send(&w.admin().await, request.body(Body::empty())).await;
        assert_eq!(reply.status, 401, "{header:?}: {:?}", reply.body);
        assert!(reply.body["error"].is_string());
    }
    assert_eq!(stored_hash(&w, org).await, before);
}
