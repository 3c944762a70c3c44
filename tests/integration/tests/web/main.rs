//! What every function shares, driven through the Lambda request path with the sample events in
//! `events/`: the health route, JSON errors for unknown routes, methods and oversized bodies.
//! These are the `web` crate's promises, kept by each function. (The sync worker's events are
//! tested with the worker.)

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::Body;
use http_body_util::BodyExt;
use integration_tests::World;
use integration_tests::events::invoke;
use serde_json::Value;
use tower::ServiceExt;

mod refusals;

/// Every HTTP function's router, built as each `main` builds it, over one test world.
async fn http_functions() -> Vec<(&'static str, Router)> {
    let w = World::new().await;
    vec![
        ("user", w.user()),
        ("data", w.data()),
        ("sync", w.sync().await),
        ("admin-integrations", w.admin().await),
        ("trigger", w.trigger().await),
    ]
}

fn event_with(method: &str, path: &str, body: Option<&str>) -> String {
    let mut event: Value =
        serde_json::from_str(include_str!("../../../../events/http/health.json")).unwrap();
    event["rawPath"] = path.into();
    event["requestContext"]["http"]["path"] = path.into();
    event["requestContext"]["http"]["method"] = method.into();
    if let Some(body) = body {
        event["body"] = body.into();
        event["headers"]["content-type"] = "application/json".into();
        // API Gateway forwards the client's Content-Length.
        event["headers"]["content-length"] = body.len().to_string().into();
    }
    event.to_string()
}

#[tokio::test]
async fn every_http_function_answers_its_health_route() {
    for (name, router) in http_functions().await {
        let reply = invoke(&router, include_str!("../../../../events/http/health.json")).await;
        let (status, body, headers) = (reply.status, reply.json(), reply.headers);
        assert_eq!(status, 200, "{name}");
        assert_eq!(body["status"], "ok", "{name}");
        assert_eq!(body["function"], name);
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"), "{name}");
        assert_eq!(
            headers["x-request-id"], "Vs1HealthReq0=",
            "{name}: API Gateway's request id is echoed"
        );
    }
}

#[tokio::test]
async fn unknown_routes_get_a_json_404_with_the_request_id() {
    for (name, router) in http_functions().await {
        let reply = invoke(
            &router,
            include_str!("../../../../events/http/unknown-route.json"),
        )
        .await;
        let (status, body) = (reply.status, reply.json());
        assert_eq!(status, 404, "{name}");
        assert_eq!(body["error"], "not_found", "{name}");
        assert_eq!(body["request_id"], "Vs1UnknownRt0=", "{name}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_wrong_method_gets_a_json_405() {
    for (name, router) in http_functions().await {
        let reply = invoke(&router, &event_with("DELETE", "/api/health", None)).await;
        let (status, body) = (reply.status, reply.json());
        assert_eq!(status, 405, "{name}");
        assert_eq!(body["error"], "method_not_allowed", "{name}");
    }
}

#[tokio::test]
async fn an_oversized_body_gets_a_json_413() {
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    for (name, router) in http_functions().await {
        let reply = invoke(&router, &event_with("POST", "/api/health", Some(&huge))).await;
        let (status, body) = (reply.status, reply.json());
        assert_eq!(status, 413, "{name}");
        assert_eq!(body["error"], "payload_too_large", "{name}");
    }
}

#[tokio::test]
async fn without_api_gateway_a_request_id_is_generated() {
    let (_, router) = http_functions().await.remove(0);
    let request = axum::http::Request::get("/api/nowhere")
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    let id = body["request_id"].as_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "generated id is a UUID: {id}"
    );
}

/// A handler slower than the app's timeout ends as our own JSON 504, well before the Lambda's
/// timeout (29 s in the template) would cut the invocation with a bare error.
#[tokio::test]
async fn a_slow_handler_gets_a_json_504_with_the_request_id() {
    let mut config = web::AppConfig::new("slow", "0");
    config.timeout = std::time::Duration::from_millis(50);
    let slow = Router::new().route(
        "/api/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            "late"
        }),
    );
    let reply = invoke(
        &web::app(&config, slow.into()),
        &event_with("GET", "/api/slow", None),
    )
    .await;
    let (status, body) = (reply.status, reply.json());
    assert_eq!(status, 504);
    assert_eq!(body["error"], "timeout");
    assert_eq!(body["request_id"], "Vs1HealthReq0=");
}
