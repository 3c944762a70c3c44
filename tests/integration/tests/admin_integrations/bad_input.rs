//! Malformed requests get a 4xx JSON error, never a 500, and change nothing.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;
use test_harness::http::send;

use integration_tests::World;

#[tokio::test]
async fn malformed_bodies_paths_and_queries_are_4xx_json() {
    let w = World::new().await;
    let before = w.snapshot(w.t.org_a).await;
    let token = w.token(w.t.admin_a);
    let org = w.t.org_a;
    let integrations = format!("/api/admin/orgs/{org}/integrations");
    let cases: Vec<(Method, String, Option<&str>, &str, u16)> = vec![
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            "{not json",
            400,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("text/plain"),
            r#"{"provider":"mightycall"}"#,
            415,
        ),
        (
            Method::POST,
            integrations.clone(),
            None,
            r#"{"provider":"mightycall"}"#,
            415,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            r#"{"provider":"zoom","credentials":{"api_key":"a","user_key":"b"}}"#,
            400,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            r#"{"provider":"mightycall","credentials":{"api_key":"a","user_key":"b"},"metadata":{"host":"https://evil.example"}}"#,
            400,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            r#"{"provider":"mightycall","credentials":{"api_key":"a","user_key":"b","url":"x"}}"#,
            400,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            r#"{"provider":"mightycall","credentials":{"api_key":1,"user_key":"b"}}"#,
            400,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            r#"{"provider":"mightycall","credentials":{"api_key":"","user_key":""}}"#,
            422,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            r#"[]"#,
            400,
        ),
        (
            Method::POST,
            integrations.clone(),
            Some("application/json"),
            "",
            400,
        ),
        (
            Method::POST,
            "/api/admin/orgs/not-a-uuid/integrations".into(),
            Some("application/json"),
            "{}",
            400,
        ),
        (
            Method::GET,
            "/api/admin/orgs/not-a-uuid/members".into(),
            None,
            "",
            400,
        ),
        (
            Method::PATCH,
            format!("/api/admin/orgs/{org}/members/42"),
            Some("application/json"),
            r#"{"role":"agent"}"#,
            400,
        ),
        (
            Method::PATCH,
            format!("/api/admin/orgs/{org}/integrations/mightycall"),
            Some("application/json"),
            r#"{"enabled":"yes"}"#,
            400,
        ),
        (
            Method::POST,
            format!("/api/admin/orgs/{org}/invites"),
            Some("application/json"),
            r#"{"email":"nobody","role":"agent"}"#,
            422,
        ),
        (
            Method::POST,
            format!("/api/admin/orgs/{org}/invites"),
            Some("application/json"),
            r#"{"email":"a@b.co","role":"owner"}"#,
            400,
        ),
        (
            Method::GET,
            format!("/api/admin/orgs/{org}/audit?limit=-1"),
            None,
            "",
            400,
        ),
        (
            Method::GET,
            format!("/api/admin/orgs/{org}/audit?unknown=1"),
            None,
            "",
            400,
        ),
    ];
    for (method, path, content_type, body, status) in cases {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(&path)
            .header("authorization", format!("Bearer {token}"));
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let reply = send(&w.admin().await, request.body(Body::from(body.to_owned()))).await;
        assert_eq!(
            reply.status, status,
            "{method} {path} {body}: {:?}",
            reply.body
        );
        assert!(
            reply.body["error"].is_string() && reply.body["request_id"].is_string(),
            "{:?}",
            reply.body
        );
    }
    let huge = json!({ "provider": "mightycall", "credentials": { "api_key": "a".repeat(70_000), "user_key": "b" } });
    let request = Request::builder()
        .method(Method::POST)
        .uri(&integrations)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(huge.to_string()));
    let reply = send(&w.admin().await, request).await;
    assert_eq!(reply.status, 413, "{:?}", reply.body);
    assert_eq!(w.snapshot(w.t.org_a).await, before, "nothing changed");
}
