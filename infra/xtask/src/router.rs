//! Production paths → the function that serves them, in front of `cargo lambda watch` (which
//! serves each function under `/lambda-url/<function>/…`).

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// The most specific route first, as API Gateway matches them. A pattern ending in `/` is a
/// prefix (except `/` itself, the pages' home); `*` stands for one path segment.
const ROUTES: &[(&str, &str)] = &[
    ("/api/mightycall/sync/", "sync"),
    ("/api/mightycall/missed-calls", "operations"),
    ("/api/mightycall/missed-calls/", "operations"),
    ("/api/mightycall/recordings/*/audio", "operations"),
    ("/api/mightycall/voicemails/*/audio", "operations"),
    ("/api/mightycall/", "data"),
    ("/api/sms/send", "operations"),
    ("/api/sms/", "data"),
    ("/api/dashboard/", "data"),
    ("/api/live-status", "operations"),
    ("/api/admin/", "admin-integrations"),
    ("/api/platform/", "admin-integrations"),
    ("/api/user/", "user"),
    ("/api/orgs/", "user"),
    ("/api/trigger", "trigger"),
    ("/api/webhooks/", "trigger"),
    ("/api/health", "user"),
    ("/api/openapi.json", "user"),
    ("/", "web"),
    ("/login", "web"),
    ("/login/link", "web"),
    ("/login/code", "web"),
    ("/invite/", "web"),
    ("/platform", "web"),
    ("/platform/", "web"),
    ("/auth/confirm", "web"),
    ("/logout", "web"),
    ("/orgs/", "web"),
    ("/assets/", "web"),
];

fn matches(pattern: &str, path: &str) -> bool {
    if pattern == "/" {
        return path == "/";
    }
    let (pattern, prefix) = match pattern.strip_suffix('/') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let mut segments = path.split('/');
    for expected in pattern.split('/') {
        match segments.next() {
            Some(s) if expected == "*" || s == expected => {}
            _ => return false,
        }
    }
    match segments.next() {
        None => !prefix,
        Some(_) => prefix,
    }
}

pub fn function_for(path: &str) -> Option<&'static str> {
    ROUTES
        .iter()
        .find(|(pattern, _)| matches(pattern, path))
        .map(|(_, f)| *f)
}

pub async fn serve(port: u16, watch_port: u16) {
    let app = Router::new().fallback(forward).with_state(watch_port);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("port 9000 is free");
    axum::serve(listener, app).await.expect("the router runs");
}

async fn forward(State(watch_port): State<u16>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let Some(function) = function_for(&path) else {
        return (StatusCode::NOT_FOUND, "no function serves this path").into_response();
    };
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let url = format!("http://127.0.0.1:{watch_port}/lambda-url/{function}{path}{query}");
    let method = request.method().clone();
    let headers: HeaderMap = request.headers().clone();
    let Ok(body) = to_bytes(request.into_body(), 1024 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
    };
    let client = reqwest::Client::new();
    let mut upstream = client.request(method, url).body(body);
    for (name, value) in &headers {
        if name != "host" {
            upstream = upstream.header(name, value);
        }
    }
    match upstream.send().await {
        Ok(answer) => {
            let mut response = Response::builder().status(answer.status());
            for (name, value) in answer.headers() {
                response = response.header(name, value);
            }
            let bytes = answer.bytes().await.unwrap_or_default();
            response
                .body(Body::from(bytes))
                .unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
        }
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            format!("cargo lambda watch is not answering yet: {e}"),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::function_for;

    #[test]
    fn production_paths_reach_their_function() {
        for (path, function) in [
            ("/api/health", Some("user")),
            ("/api/openapi.json", Some("user")),
            ("/api/user/orgs", Some("user")),
            ("/api/mightycall/sync/reports", Some("sync")),
            ("/api/mightycall/sync/jobs/abc", Some("sync")),
            ("/api/mightycall/reports", Some("data")),
            ("/api/sms/messages", Some("data")),
            ("/api/dashboard/metrics", Some("data")),
            ("/api/admin/orgs/x/members", Some("admin-integrations")),
            ("/api/platform/orgs", Some("admin-integrations")),
            ("/api/orgs/x/settings", Some("user")),
            ("/api/trigger", Some("trigger")),
            ("/api/webhooks/mightycall/o/t", Some("trigger")),
            ("/api/live-status", Some("operations")),
            ("/api/sms/send", Some("operations")),
            ("/api/mightycall/missed-calls", Some("operations")),
            ("/api/mightycall/missed-calls/m/resolve", Some("operations")),
            ("/api/mightycall/recordings/r/audio", Some("operations")),
            ("/api/mightycall/voicemails/v/audio", Some("operations")),
            ("/api/mightycall/recordings", Some("data")),
            ("/api/health/x", None),
            ("/", Some("web")),
            ("/login", Some("web")),
            ("/login/link", Some("web")),
            ("/login/code", Some("web")),
            ("/auth/confirm", Some("web")),
            ("/orgs/o/dashboard", Some("web")),
            ("/invite/t", Some("web")),
            ("/invite/t/signup", Some("web")),
            ("/platform", Some("web")),
            ("/platform/orgs/o/bind", Some("web")),
            ("/assets/app.css", Some("web")),
            ("/orgs", None),
            ("/elsewhere", None),
        ] {
            assert_eq!(function_for(path), function, "{path}");
        }
    }
}
