//! The sample events in `events/<function>/`, run through the Lambda request path (lambda_http's
//! own parser) into a real router, so samples cannot rot.

use std::path::Path;

use axum::Router;
use axum::http::HeaderMap;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The ids samples carry, swapped by the tests for seeded ones.
pub const SAMPLE_ORG: &str = "11111111-1111-4111-8111-111111111111";
pub const SAMPLE_MEMBER: &str = "22222222-2222-4222-8222-222222222222";
pub const SAMPLE_JOB: &str = "33333333-3333-4333-8333-333333333333";

/// A router's answer to one event.
#[derive(Debug)]
pub struct Invocation {
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Invocation {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|_| panic!("response is not JSON: {}", self.text()))
    }
}

/// The samples of `events/<function>/` as `(file name, text)`, in the order of `order`, which must
/// name every file there exactly once: a new sample cannot go untested.
pub fn samples(function: &str, order: &[&str]) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../events")
        .join(function);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut listed: Vec<&str> = order.to_vec();
    listed.sort_unstable();
    assert_eq!(
        names, listed,
        "{function}: every sample has an expectation and vice versa"
    );
    order
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            ((*name).to_owned(), text)
        })
        .collect()
}

/// Parses an API Gateway v2 event exactly as the Lambda runtime does and runs it through `router`.
/// A body's `content-length` is set to its length, as API Gateway sends the real one (samples'
/// placeholders change it).
pub async fn invoke(router: &Router, event: &str) -> Invocation {
    let mut event: Value = serde_json::from_str(event).expect("a JSON event");
    if let Some(len) = event["body"].as_str().map(str::len) {
        event["headers"]["content-length"] = len.to_string().into();
    }
    let request =
        lambda_http::request::from_str(&event.to_string()).expect("a valid API Gateway v2 event");
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Invocation {
        status,
        headers,
        bytes: bytes.to_vec(),
    }
}

/// Every sample of `events/<function>/`, in the order of `order` (see [`samples`]), with
/// placeholders replaced by `fill`, run through `router` one after the other.
pub async fn replay(
    function: &str,
    order: &[&str],
    router: &Router,
    fill: impl Fn(String) -> String,
) -> Vec<(String, Invocation)> {
    let mut replies = Vec::new();
    for (name, text) in samples(function, order) {
        let reply = invoke(router, &fill(text)).await;
        replies.push((name, reply));
    }
    replies
}
