//! The API document: kept fresh in `infra/openapi.json`, complete enough for clients and
//! schemathesis, and in step with the routes the functions really serve.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashSet};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use xtask::functions::{Deps, FUNCTIONS};
use xtask::openapi;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[test]
fn the_kept_document_is_up_to_date() {
    assert!(
        openapi::is_fresh().unwrap(),
        "infra/openapi.json is not what the functions document: run `cargo xtask openapi` and commit it"
    );
}

#[test]
fn every_operation_has_a_unique_id_and_described_responses() {
    let doc = openapi::merged().unwrap();
    let mut ids = HashSet::new();
    for (path, method, operation) in operations(&doc) {
        let at = format!("{} {path}", method.to_uppercase());
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{at} has no operationId");
        assert!(
            ids.insert(id.to_owned()),
            "{at}: operationId {id} is used twice"
        );
        let responses = operation["responses"].as_object();
        assert!(
            responses.is_some_and(|r| !r.is_empty()),
            "{at} documents no response"
        );
        for (status, response) in responses.into_iter().flatten() {
            assert!(
                response["description"].is_string(),
                "{at}: response {status} has no description"
            );
        }
    }
    assert!(ids.len() > 2, "the document has the functions' operations");
}

/// Both ways: every (method, path) a function's router serves is in its document, and every
/// documented operation reaches a route. The router's paths come from its `Debug` output (axum
/// has no other way to list them); its methods from probing each path: 405 means not served.
#[tokio::test]
async fn every_route_is_documented_and_every_documented_operation_is_served() {
    let db = test_harness::TestDb::new().await;
    let deps = test_harness::identity::deps(&db, serde_json::json!({})).await;
    // Nothing here reaches MightyCall: no request carries a token.
    let deps = Deps::new(deps, "http://127.0.0.1:9/v4".to_owned());
    for function in FUNCTIONS {
        let router = (function.router)(&deps).await;
        let doc = serde_json::to_value((function.openapi)()).unwrap();
        let documented: BTreeSet<(String, String)> = operations(&doc)
            .map(|(path, method, _)| (method.to_owned(), path.to_owned()))
            .collect();
        let mut served = BTreeSet::new();
        for path in route_paths(&router) {
            for method in METHODS {
                if probe(&router, method, &path).await.0 != 405 {
                    served.insert((method.to_owned(), path.clone()));
                }
            }
        }
        let undocumented: Vec<_> = served.difference(&documented).collect();
        assert!(
            undocumented.is_empty(),
            "{}: served but not documented (register them with utoipa_axum's routes!): {undocumented:?}",
            function.name
        );
        for (method, path) in &documented {
            // What API Gateway (and `api-check`, and `cargo xtask dev`) sends to this function.
            let routed = xtask::router::function_for(path);
            assert!(
                routed == Some(function.name) || xtask::api::SHARED_PATHS.contains(&path.as_str()),
                "{}: {path} is routed to {routed:?}, not to this function: see infra/xtask/src/router.rs",
                function.name
            );
            let (status, body) = probe(&router, method, path).await;
            assert!(
                status != 405 && !(status == 404 && body["message"] == "route not found"),
                "{}: {} {path} is documented but not served ({status} {body})",
                function.name,
                method.to_uppercase()
            );
        }
    }
}

fn operations(doc: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS.into_iter().filter_map(move |method| {
                item.get(method)
                    .map(|operation| (path.as_str(), method, operation))
            })
        })
}

/// The route paths of `router`, read from `Router { path_router: PathRouter { …, node: Node {
/// paths: {RouteId(0): "/api/…", …} } }, fallback_router: … }`.
fn route_paths(router: &Router) -> Vec<String> {
    let debug = format!("{router:?}");
    let routes = debug.split("fallback_router").next().unwrap_or_default();
    let paths = routes
        .split_once("paths: {")
        .map(|(_, rest)| quoted_until_map_end(rest))
        .unwrap_or_default();
    assert!(
        !paths.is_empty(),
        "no route paths in the router's Debug output: has axum changed it?"
    );
    paths
        .into_iter()
        .filter(|p| p.starts_with('/') && !p.contains("__private__axum"))
        .collect()
}

/// The quoted strings of a `{RouteId(0): "…", …}` map body, up to the map's closing brace.
fn quoted_until_map_end(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    loop {
        let (before, after) = match rest.split_once('"') {
            Some(split) => split,
            None => return found,
        };
        if before.contains('}') {
            return found;
        }
        let Some((quoted, after)) = after.split_once('"') else {
            return found;
        };
        found.push(quoted.to_owned());
        rest = after;
    }
}

/// Sends `method path` (path parameters filled in) without a token; returns the status and body.
async fn probe(router: &Router, method: &str, path: &str) -> (u16, Value) {
    let uri: String = path
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "00000000-0000-4000-8000-000000000000"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let request = Request::builder()
        .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}
