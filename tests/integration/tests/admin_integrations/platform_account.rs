//! Binding an org to the platform's MightyCall account: platform admins only (in code and in RLS),
//! audited; everyone else — org admins included — gets 403 and changes nothing.

use axum::http::Method;
use test_harness::fixtures::claims_for;
use uuid::Uuid;

use integration_tests::World;

fn path(org: Uuid) -> String {
    format!("/api/admin/orgs/{org}/platform-account")
}

/// `(action, actor)` of the org's platform-account audit records, oldest first.
async fn audit(w: &World, org: Uuid) -> Vec<(String, Option<Uuid>)> {
    w.db.admin()
        .await
        .query(
            "select action, actor_user_id from audit_log
             where org_id = $1 and action like 'platform_account.%' order by id",
            &[&org],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test]
async fn a_platform_admin_binds_and_unbinds_an_org_and_both_are_audited() {
    let w = World::new().await;
    let org = w.t.org_b;
    let pa = w.t.platform_admin;

    let bound = w.admin_call(Method::PUT, &path(org), pa, None).await;
    assert_eq!(bound.status, 201, "{:?}", bound.body);
    assert_eq!(bound.body["platform_account"]["org_id"], org.to_string());
    assert_eq!(bound.body["platform_account"]["bound_by"], pa.to_string());
    let again = w.admin_call(Method::PUT, &path(org), pa, None).await;
    assert_eq!(again.status, 200, "binding twice is not an error");
    assert_eq!(w.rows("platform_account_bindings", org).await.len(), 1);

    let unbound = w.admin_call(Method::DELETE, &path(org), pa, None).await;
    assert_eq!(unbound.status, 204, "{:?}", unbound.body);
    assert!(w.rows("platform_account_bindings", org).await.is_empty());
    let gone = w.admin_call(Method::DELETE, &path(org), pa, None).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["error"], "not_found");

    assert_eq!(
        audit(&w, org).await,
        vec![
            ("platform_account.bound".to_owned(), Some(pa)),
            ("platform_account.unbound".to_owned(), Some(pa)),
        ]
    );
}

#[tokio::test]
async fn everyone_but_a_platform_admin_gets_403_and_changes_nothing_in_any_org() {
    let w = World::new().await;
    // Org B is bound, so an unbind attempt would have something to remove.
    let pa = w.t.platform_admin;
    assert_eq!(
        w.admin_call(Method::PUT, &path(w.t.org_b), pa, None)
            .await
            .status,
        201
    );
    let t = &w.t;
    let callers = [
        t.admin_a,
        t.manager_a,
        t.agent_a,
        t.admin_b,
        t.manager_b,
        t.agent_b,
        t.outsider,
    ];
    for org in [t.org_a, t.org_b] {
        let before = w.snapshot(org).await;
        for user in callers {
            for method in [Method::PUT, Method::DELETE] {
                let reply = w.admin_call(method.clone(), &path(org), user, None).await;
                assert_eq!(
                    reply.status, 403,
                    "{method} by {user} in {org}: {:?}",
                    reply.body
                );
                assert_eq!(reply.body["error"], "platform_admin_required");
                assert!(reply.body["request_id"].is_string());
            }
        }
        assert_eq!(w.snapshot(org).await, before, "org {org} unchanged");
    }
}

#[tokio::test]
async fn an_unknown_org_is_404_for_a_platform_admin_and_403_for_others() {
    let w = World::new().await;
    let unknown = Uuid::new_v4();
    for method in [Method::PUT, Method::DELETE] {
        let reply = w
            .admin_call(method.clone(), &path(unknown), w.t.platform_admin, None)
            .await;
        assert_eq!(reply.status, 404, "{method}: {:?}", reply.body);
        let other = w
            .admin_call(method.clone(), &path(unknown), w.t.admin_a, None)
            .await;
        assert_eq!(other.status, 403, "{method}: {:?}", other.body);
    }
    let bad = w
        .admin_call(
            Method::PUT,
            "/api/admin/orgs/not-an-org/platform-account",
            w.t.platform_admin,
            None,
        )
        .await;
    assert_eq!(bad.status, 400, "{:?}", bad.body);
    assert!(bad.body["error"].is_string() && bad.body["message"].is_string());
}

#[tokio::test]
async fn rls_refuses_an_org_admins_binding_even_past_the_code() {
    let w = World::new().await;
    let db = w.db.store();
    let tx = db.as_user(&claims_for(w.t.admin_a)).await.unwrap();
    let attempt = store::platform_account::bind(
        &tx,
        domain::OrgId::new(w.t.org_a),
        domain::UserId::new(w.t.admin_a),
    )
    .await;
    assert!(attempt.is_err(), "RLS must refuse: {attempt:?}");
    drop(tx);

    // A platform admin's binding stays invisible and undeletable to the org's own admin.
    assert_eq!(
        w.admin_call(Method::PUT, &path(w.t.org_a), w.t.platform_admin, None)
            .await
            .status,
        201
    );
    let tx = db.as_user(&claims_for(w.t.admin_a)).await.unwrap();
    let org = domain::OrgId::new(w.t.org_a);
    assert!(
        store::platform_account::binding(&tx, org)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store::platform_account::unbind(&tx, org).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(
        w.rows("platform_account_bindings", w.t.org_a).await.len(),
        1
    );
}
