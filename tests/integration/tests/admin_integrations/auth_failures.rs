//! Every route refuses every kind of bad token with a 401 JSON error and changes nothing.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};
use test_harness::http::send;
use test_harness::identity::bad_tokens;

use integration_tests::World;

use crate::support::admin_routes;

async fn refused(
    router: &axum::Router,
    method: &Method,
    path: &str,
    body: Option<&Value>,
    auth: Option<String>,
    extra: Option<(&str, String)>,
) -> Value {
    let mut request = Request::builder().method(method.clone()).uri(path);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    if let Some((name, value)) = extra {
        request = request.header(name, value);
    }
    let request = match body {
        Some(b) => request
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => request.body(Body::empty()),
    };
    let reply = send(router, request).await;
    assert_eq!(reply.status, 401, "{method} {path}: {:?}", reply.body);
    reply.body
}

#[tokio::test]
async fn every_route_refuses_bad_tokens_with_401() {
    let w = World::new().await;
    let before = w.snapshot(w.t.org_a).await;
    let (user, admin) = (w.user(), w.admin().await);
    let mut routes: Vec<(&axum::Router, Method, String, Option<Value>)> = vec![
        (&user, Method::GET, "/api/user/profile".into(), None),
        (&user, Method::GET, "/api/user/orgs".into(), None),
        (
            &user,
            Method::POST,
            "/api/user/onboard".into(),
            Some(json!({ "org_name": "Sneaky" })),
        ),
    ];
    for (method, path, body) in admin_routes(&w, w.t.org_a, w.t.agent_a) {
        routes.push((&admin, method, path, body));
    }
    for (router, method, path, body) in &routes {
        let missing = refused(router, method, path, body.as_ref(), None, None).await;
        assert_eq!(missing["error"], "missing_token");
        // An identity header is not identity.
        refused(
            router,
            method,
            path,
            body.as_ref(),
            None,
            Some(("x-user-id", w.t.admin_a.to_string())),
        )
        .await;
        refused(
            router,
            method,
            path,
            body.as_ref(),
            Some(format!("Basic {}", w.token(w.t.admin_a))),
            None,
        )
        .await;
        for (what, token) in bad_tokens(w.t.admin_a) {
            let body_json = refused(
                router,
                method,
                path,
                body.as_ref(),
                Some(format!("Bearer {token}")),
                None,
            )
            .await;
            assert!(
                ["invalid_token", "token_expired"]
                    .contains(&body_json["error"].as_str().unwrap_or_default()),
                "{what}: {body_json}"
            );
        }
    }
    assert_eq!(w.snapshot(w.t.org_a).await, before, "nothing changed");
    let orgs: i64 =
        w.db.admin()
            .await
            .query_one("select count(*) from organizations", &[])
            .await
            .unwrap()
            .get(0);
    assert_eq!(orgs, 2);
}
