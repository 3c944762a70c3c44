//! The Lambda path: an API Gateway v2 event in, the runtime's own conversion of the answer out. A
//! full chunk of audio must fit Lambda's 6 MB buffered response once base64-encoded.

use axum::http::HeaderMap;
use base64::Engine;
use lambda_http::Body;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use serde_json::json;
use tower::ServiceExt;

use super::{recorded_call, recording_id, world};

/// Lambda's limit on a buffered response's payload.
const LAMBDA_PAYLOAD: usize = 6 * 1024 * 1024;

#[tokio::test]
async fn a_full_chunk_fits_lambdas_response_limit_as_base64() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    w.fake.set_audio_len(call.id, 2 * operations::CHUNK);
    let file = w.fake.audio_file(call.id);
    let id = recording_id(&w, w.t.org_a, &call).await;
    let path = format!("/api/mightycall/recordings/{id}/audio");
    let event = json!({
        "version": "2.0",
        "routeKey": "GET /api/mightycall/recordings/{id}/audio",
        "rawPath": path,
        "rawQueryString": format!("orgId={}", w.t.org_a),
        "headers": {
            "authorization": format!("Bearer {}", w.token(w.t.agent_a)),
            "range": "bytes=0-",
            "host": "api.victorysync.example",
        },
        "requestContext": {
            "accountId": "123456789012", "apiId": "vsapi12345", "domainName": "api.victorysync.example",
            "domainPrefix": "api", "requestId": "Vs1AudioReq0=", "routeKey": "GET /api/mightycall/recordings/{id}/audio",
            "stage": "$default", "time": "25/Nov/2026:12:00:00 +0000", "timeEpoch": 1795608000000_u64,
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10", "userAgent": "curl/8.5.0"},
        },
        "pathParameters": {"id": id.to_string()},
        "isBase64Encoded": false,
    });
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    let answer = w.operations().await.oneshot(request).await.unwrap();

    // What the runtime does with a handler's answer (lambda_http's conversion, then the v2 shape).
    let (parts, body) = lambda_http::IntoResponse::into_response(answer)
        .await
        .into_parts();
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = i64::from(parts.status.as_u16());
    response.is_base64_encoded = matches!(body, Body::Binary(_));
    response.headers = parts.headers.clone();
    response.multi_value_headers = HeaderMap::new();
    response.body = Some(body);
    let payload = serde_json::to_vec(&response).unwrap();

    assert_eq!(response.status_code, 206);
    assert!(response.is_base64_encoded, "audio goes out as binary");
    assert!(
        payload.len() <= LAMBDA_PAYLOAD,
        "{} bytes of payload",
        payload.len()
    );
    let sent: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sent["body"].as_str().unwrap())
        .unwrap();
    let chunk = operations::CHUNK as usize;
    assert!(bytes[..] == file[..chunk], "the first chunk, whole");
    let range = format!("bytes 0-{}/{}", chunk - 1, file.len());
    assert_eq!(parts.headers["content-range"], range.as_str());
}
