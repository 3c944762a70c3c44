//! The whole HTTP API in this process: every function's router ([`crate::functions`]) behind one
//! loopback server that routes by path prefix as API Gateway does.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

/// Serves `routers` on a free loopback port, each request going to the function that serves its
/// path in production ([`crate::router::function_for`]).
pub async fn serve(
    routers: Vec<(&'static str, Router)>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let routers: Arc<HashMap<&'static str, Router>> = Arc::new(routers.into_iter().collect());
    let app = Router::new().fallback(move |request: Request| {
        let routers = Arc::clone(&routers);
        async move { dispatch(&routers, request).await }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let address = listener.local_addr()?;
    Ok((
        address,
        tokio::spawn(async move { axum::serve(listener, app).await }),
    ))
}

/// Paths every function serves the same way: any of them answers, whichever are in this process.
pub const SHARED_PATHS: [&str; 2] = ["/api/health", "/api/openapi.json"];

async fn dispatch(routers: &HashMap<&'static str, Router>, request: Request) -> Response {
    let path = request.uri().path();
    let router = match crate::router::function_for(path).and_then(|f| routers.get(f)) {
        None if SHARED_PATHS.contains(&path) => routers.values().next(),
        found => found,
    };
    match router {
        Some(router) => match router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        },
        None => (StatusCode::NOT_FOUND, "no function serves this path").into_response(),
    }
}
