//! Sends requests to a router the way API Gateway would, and reads JSON answers.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// A response: status and body as JSON (`Null` for an empty body).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

pub async fn call(
    router: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    };
    send(router, request).await
}

/// Sends a raw request (for malformed bodies, odd headers…).
pub async fn send(router: &Router, request: Result<Request<Body>, axum::http::Error>) -> Reply {
    let outcome = match request {
        Ok(request) => router.clone().oneshot(request).await.ok(),
        Err(_) => None,
    };
    let Some(response) = outcome else {
        #[allow(clippy::panic)]
        {
            panic!("the request could not be built or sent")
        }
    };
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            #[allow(clippy::panic)]
            Err(_) => panic!(
                "status {status}: response is not JSON: {}",
                String::from_utf8_lossy(&bytes)
            ),
        }
    };
    Reply { status, body }
}
