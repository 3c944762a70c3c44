use std::time::Duration;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Extension, Router, middleware};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::error::render_errors;
use crate::openapi::{self, Health, Served, health, openapi_json};
use crate::request_id::assign_request_id;

/// Limits every HTTP function shares.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Name reported by the health route.
    pub function: &'static str,
    pub version: &'static str,
    /// Request bodies above this are refused with 413 before any handler runs.
    pub max_body_bytes: usize,
    /// Handlers that take longer answer a JSON 504 from our code instead of running into the Lambda
    /// timeout (29 s in the template, under API Gateway's 30 s), which would be a bare error.
    pub timeout: Duration,
}

impl AppConfig {
    pub fn new(function: &'static str, version: &'static str) -> Self {
        Self {
            function,
            version,
            max_body_bytes: 64 * 1024,
            timeout: Duration::from_secs(25),
        }
    }
}

/// Wraps a function's routes with what every HTTP function has: `GET /api/health`,
/// `GET /api/openapi.json` (the document of exactly these routes), a JSON 404 for unknown routes,
/// request ids, JSON errors, a body-size limit, a timeout, and panic containment.
pub fn app(config: &AppConfig, routes: OpenApiRouter) -> Router {
    // Documented by `openapi::document`, which every function's document goes through.
    let (routes, document) = routes
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi_json))
        .split_for_parts();
    let served = Served {
        health: Health {
            status: "ok",
            function: config.function,
            version: config.version,
        },
        document: Arc::new(openapi::document(config, document)),
    };
    let routes = routes.fallback(not_found).layer(Extension(served));
    hardened(routes, config)
        .layer(middleware::from_fn(render_errors))
        .layer(middleware::from_fn(assign_request_id))
}

/// The limits every function's router runs under, whatever it answers with: a body-size limit, a
/// timeout, and panic containment. Errors and request ids are layered by the caller ([`app`] for
/// the JSON API; the pages render their own).
pub fn hardened(routes: Router, config: &AppConfig) -> Router {
    routes
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            config.timeout,
        ))
        // A panic must still become an error with the request id, not a dropped invocation.
        .layer(CatchPanicLayer::new())
}

async fn not_found() -> crate::ApiError {
    crate::ApiError::NotFound("route")
}

/// Serves the router as a Lambda function behind API Gateway (HTTP API, payload v2); under
/// `cargo lambda watch` the same code serves local HTTP requests.
pub async fn serve_lambda(router: Router) -> Result<(), lambda_http::Error> {
    lambda_http::run(router).await
}
