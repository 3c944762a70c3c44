//! The odd shapes of the reference README against a plain axum mock that answers canned bodies.
// Helpers outside `#[test]` fns are not covered by allow-unwrap-in-tests; a failing unwrap here is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{TimeDelta, TimeZone, Utc};
use futures::TryStreamExt;
use mightycall::models::{CallDirection, CallStatus, JournalState, SmsMode};
use mightycall::{
    ApiKey, BaseUrl, CallsQuery, ClientConfig, Credentials, JournalQuery, MightyCallClient,
    MightyCallError, PageSize, RetryPolicy, UserKey, UtcWindow,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
struct Seen {
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: String,
}

/// Canned answers (status, body) per path.
type Answers = HashMap<String, Vec<(u16, String)>>;

#[derive(Clone, Default)]
struct Mock {
    /// path → answers in order; the last one repeats.
    answers: Arc<Mutex<Answers>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    fn on(self, path: &str, status: u16, body: &str) -> Self {
        self.answers
            .lock()
            .unwrap()
            .entry(format!("/v4{path}"))
            .or_default()
            .push((status, body.to_owned()));
        self
    }

    fn seen(&self, path: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path == format!("/v4{path}"))
            .cloned()
            .collect()
    }

    async fn start(self) -> (MightyCallClient, Self) {
        let mock = self.on("/auth/token", 200, r#"{"access_token":"tok-1","token_type":"bearer","expires_in":86399,"refresh_token":"r+1/="}"#);
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(mock.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v4", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let credentials = Credentials {
            api_key: ApiKey::parse("key-123").unwrap(),
            user_key: UserKey::parse("secret-456").unwrap(),
        };
        let retry = RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(5),
        };
        let config = ClientConfig {
            retry,
            ..ClientConfig::new(credentials, BaseUrl::deployment_override(&base).unwrap())
        };
        (MightyCallClient::new(config, None).unwrap(), mock)
    }
}

async fn answer(State(mock): State<Mock>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = String::from_utf8(to_bytes(body, usize::MAX).await.unwrap().to_vec()).unwrap();
    let path = parts.uri.path().to_owned();
    mock.seen.lock().unwrap().push(Seen {
        path: path.clone(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    });
    let mut answers = mock.answers.lock().unwrap();
    let Some(queue) = answers.get_mut(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (status, body) = if queue.len() > 1 {
        queue.remove(0)
    } else {
        queue[0].clone()
    };
    Response::builder()
        .status(status)
        // Only read on 3xx: a redirect to a host outside the allow-list.
        .header(header::LOCATION, "http://127.0.0.1:9/elsewhere")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

fn window() -> UtcWindow {
    UtcWindow::new(
        Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2025, 12, 2, 0, 0, 0).unwrap(),
    )
    .unwrap()
}

const REQUEST: &str = r#"{"id":"5d565c298558e7cce8d7b8e0","requestGuid":"00000000-0000-0000-0000-000000000000","created":"2025-12-01T19:58:27.3212038Z","type":"message","state":"message","origin":"inbound","text":"hi","duration":"00:01:20","messageDeliveryStatus":"Sent","favorite":true}"#;

#[tokio::test]
async fn the_journal_is_read_in_all_three_envelopes() {
    for body in [
        format!(r#"{{"currentPage":1,"requests":[{REQUEST}]}}"#),
        format!(r#"{{"data":{{"currentPage":1,"requests":[{REQUEST}]}}}}"#),
        format!(r#"[{{"currentPage":1,"requests":[{REQUEST}]}}]"#),
    ] {
        let (client, _) = Mock::default()
            .on("/api/journal/requests", 200, &body)
            .start()
            .await;
        let pages: Vec<_> = client
            .journal(JournalQuery::new(window(), None))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 1, "{body}");
        let request = &pages[0].items[0];
        assert_eq!(request.state, Some(JournalState::Message));
        assert_eq!(request.duration, Some(Duration::from_secs(80)));
        assert_eq!(request.created.timestamp_subsec_nanos(), 321_203_800);
    }
}

#[tokio::test]
async fn the_journal_stops_on_a_short_page_counting_unreadable_rows() {
    let bad = r#"{"id":"5d565c298558e7cce8d7b8e1","created":"not a time"}"#;
    let full = format!(r#"{{"currentPage":1,"requests":[{REQUEST},{bad}]}}"#);
    let (client, mock) = Mock::default()
        .on("/api/journal/requests", 200, &full)
        .on(
            "/api/journal/requests",
            200,
            r#"{"currentPage":2,"requests":[]}"#,
        )
        .start()
        .await;
    let query = JournalQuery {
        page_size: PageSize::new(2).unwrap(),
        ..JournalQuery::new(window(), None)
    };
    let pages: Vec<_> = client.journal(query).try_collect().await.unwrap();
    // The first page had two rows (one unreadable) = full, so page 2 was asked for; it was short.
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].items.len(), 1);
    assert_eq!(pages[0].skipped.len(), 1);
    assert_eq!(pages[0].skipped[0].index, 1);
    assert_eq!(
        pages[0].skipped[0].id.as_deref(),
        Some("5d565c298558e7cce8d7b8e1")
    );
    let queries: Vec<String> = mock
        .seen("/api/journal/requests")
        .into_iter()
        .map(|s| s.query.unwrap())
        .collect();
    assert!(queries[0].contains("page=1") && queries[1].contains("page=2"));
    assert!(
        queries[0].contains("from=2025-12-01T00%3A00%3A00Z"),
        "{}",
        queries[0]
    );
}

#[tokio::test]
async fn a_bad_record_is_skipped_and_every_timestamp_and_enum_shape_is_read() {
    let calls = r#"{"data":{"calls":[
        {"id":"a","dateTimeUtc":"2018-06-05T13:38:29.522+00:00","duration":"23066","direction":"Outgoing","callStatus":"Connected","callRecord":{"fileName":"f.wav","uri":"http://x/f.wav"},"brandNew":1},
        {"id":"b","dateTimeUtc":"2025-12-01T19:58:27.3212038Z","duration":null,"direction":"incoming","callStatus":null,"called":null,"callRecord":null},
        {"id":"c","dateTimeUtc":"0001-01-01T00:00:00","duration":"0","direction":"Sideways","callStatus":"Transferred"},
        {"id":"d","dateTimeUtc":"2025-12-01T19:58:27Z","duration":"12s"},
        {"dateTimeUtc":"2025-12-01T19:58:27Z"}
    ],"total":5},"isSuccess":true}"#;
    let (client, mock) = Mock::default().on("/api/calls", 200, calls).start().await;
    let pages: Vec<_> = client
        .calls(CallsQuery::new(window()))
        .try_collect()
        .await
        .unwrap();
    let page = &pages[0];
    assert_eq!(page.items.len(), 3);
    assert_eq!(
        page.skipped.iter().map(|s| s.index).collect::<Vec<_>>(),
        [3, 4]
    );
    assert!(
        page.skipped[0].reason.contains("millisecond duration"),
        "{}",
        page.skipped[0].reason
    );
    let [a, b, c] = [&page.items[0], &page.items[1], &page.items[2]];
    assert_eq!(a.duration, Some(Duration::from_millis(23_066)));
    assert_eq!(
        a.date_time_utc,
        Utc.with_ymd_and_hms(2018, 6, 5, 13, 38, 29).unwrap() + TimeDelta::milliseconds(522)
    );
    assert_eq!(
        (a.direction.clone(), a.call_status.clone()),
        (Some(CallDirection::Outgoing), Some(CallStatus::Connected))
    );
    assert_eq!(
        (b.duration, b.call_status.clone(), b.called.len()),
        (None, None, 0)
    );
    assert_eq!(b.direction, Some(CallDirection::Incoming));
    assert_eq!(
        c.date_time_utc,
        Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(c.direction, Some(CallDirection::Other("Sideways".into())));
    assert_eq!(c.call_status, Some(CallStatus::Other("Transferred".into())));
    // Five rows with total 5: no second request although a page was under the default size.
    assert_eq!(mock.seen("/api/calls").len(), 1);
    let query = mock.seen("/api/calls")[0].query.clone().unwrap();
    assert!(
        query.contains("startUtc=2025-12-01T00%3A00%3A00") && query.contains("pageSize=1000"),
        "{query}"
    );
}

#[tokio::test]
async fn not_found_comes_as_http_400_with_a_message() {
    let (client, _) = Mock::default()
        .on(
            "/api/calls/7e734dc1-544d-4f04-8ccc-8bd5b197a88c",
            400,
            r#"{"message":"Call not found"}"#,
        )
        .start()
        .await;
    let err = client
        .call("7e734dc1-544d-4f04-8ccc-8bd5b197a88c")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        MightyCallError::NotFound {
            message: "Call not found".into()
        }
    );
    assert_eq!(err.code(), "mightycall_not_found");
}

#[tokio::test]
async fn error_bodies_of_each_family_become_bad_request_details() {
    let model_state = r#"{"message":"The request is invalid.","modelState":{"pageSize":["The value 'x' is not valid for PageSize."]}}"#;
    let (client, _) = Mock::default()
        .on("/api/calls", 400, model_state)
        .start()
        .await;
    let err = client
        .calls(CallsQuery::new(window()))
        .try_next()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, MightyCallError::BadRequest { details } if details.contains("pageSize: The value 'x'")),
        "{err:?}"
    );

    let malformed = r#"{"data":{"unsupportedFilters":["x"]},"errorCode":"FilterParamsMalformed","message":"Filter params malformed"}"#;
    let (client, _) = Mock::default()
        .on("/api/journal/requests", 400, malformed)
        .start()
        .await;
    let err = client
        .journal(JournalQuery::new(window(), None))
        .try_next()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, MightyCallError::BadRequest { details } if details.starts_with("FilterParamsMalformed")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_token_request_is_form_encoded_and_every_call_sends_bearer_and_api_key() {
    let (client, mock) = Mock::default()
        .on(
            "/api/profile",
            200,
            r#"{"data":{"firstName":"J","role":"admin"},"isSuccess":true}"#,
        )
        .start()
        .await;
    client.profile().await.unwrap();
    let token = &mock.seen("/auth/token")[0];
    assert_eq!(
        token.headers[header::CONTENT_TYPE],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(token.headers["x-api-key"], "key-123");
    assert_eq!(
        token.body,
        "grant_type=client_credentials&client_id=key-123&client_secret=secret-456"
    );
    let profile = &mock.seen("/api/profile")[0];
    assert_eq!(profile.headers[header::AUTHORIZATION], "Bearer tok-1");
    assert_eq!(profile.headers["x-api-key"], "key-123");
}

#[tokio::test]
async fn a_401_refreshes_with_the_form_encoded_refresh_token_then_retries() {
    let (client, mock) = Mock::default()
        .on("/api/team", 401, r#"{"message":"Authorization has been denied for this request."}"#)
        .on("/api/team", 200, r#"{"users":[{"fullName":"A","id":"1","role":null,"avatarUrl":null}],"groups":[],"vmboxes":null}"#)
        .start()
        .await;
    let team = client.team().await.unwrap();
    assert_eq!(team.users.len(), 1);
    let tokens = mock.seen("/auth/token");
    assert_eq!(tokens.len(), 2);
    assert_eq!(
        tokens[1].body,
        "grant_type=refresh_token&refresh_token=r%2B1%2F%3D"
    );
}

#[tokio::test]
async fn a_403_is_treated_like_an_expired_token() {
    let (client, mock) = Mock::default()
        .on("/api/profile", 403, r#"{"message":"Forbidden"}"#)
        .start()
        .await;
    let err = client.profile().await.unwrap_err();
    assert!(matches!(err, MightyCallError::Unauthorized { .. }));
    assert_eq!(mock.seen("/api/profile").len(), 2);
}

#[tokio::test]
async fn invalid_client_from_the_token_endpoint_is_unauthorized() {
    let mock = Mock::default().on("/auth/token", 400, r#"{"error":"invalid_client"}"#);
    mock.answers
        .lock()
        .unwrap()
        .get_mut("/v4/auth/token")
        .unwrap()
        .truncate(1);
    let (client, mock) = mock.start().await;
    let err = client.profile().await.unwrap_err();
    assert_eq!(
        err,
        MightyCallError::Unauthorized {
            reason: "invalid_client".into()
        }
    );
    assert!(mock.seen("/api/profile").is_empty());
}

#[tokio::test]
async fn a_429_with_retry_after_only_in_the_body_is_honoured() {
    let until = (Utc::now() + TimeDelta::hours(2))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let body = format!(r#"{{"message":"Too many requests. Retry after {until}.0000000 UTC"}}"#);
    let (client, mock) = Mock::default().on("/api/team", 429, &body).start().await;
    let err = client.team().await.unwrap_err();
    let MightyCallError::RateLimited {
        retry_after: Some(after),
    } = err
    else {
        panic!("{err:?}")
    };
    assert!(after > Duration::from_secs(7000) && after <= Duration::from_secs(7200));
    assert_eq!(
        mock.seen("/api/team").len(),
        1,
        "not retried: longer than the policy allows"
    );
}

#[tokio::test]
async fn the_real_phone_numbers_response_is_read_with_undocumented_fields() {
    let fixture = include_str!("fixtures/phonenumbers-response.json");
    let (client, _) = Mock::default()
        .on("/api/phonenumbers", 200, fixture)
        .start()
        .await;
    let numbers = client.phone_numbers().await.unwrap();
    assert_eq!(
        (numbers.active.len(), numbers.deleted.len(), numbers.total),
        (2, 1, Some(2))
    );
    assert!(numbers.skipped.is_empty());
    let front = &numbers.active[0];
    assert_eq!(
        front.call_recording_flags(),
        ["Both", "OutgoingBeepDisabled"]
    );
    assert_eq!(front.sms_mode, Some(SmsMode::Enabled));
    assert_eq!(front.do_not_originate, Some(false));
    let deleted = &numbers.deleted[0];
    assert_eq!(deleted.number, front.number);
    assert_ne!(deleted.object_guid, front.object_guid);
    assert_eq!(
        deleted.when_deleted.unwrap().timestamp_subsec_nanos(),
        321_203_800
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let (client, _) = Mock::default().on("/api/team", 302, "").start().await;
    assert_eq!(
        client.team().await.unwrap_err(),
        MightyCallError::Upstream { status: 302 }
    );
}

#[tokio::test]
async fn ping_needs_no_token() {
    let (client, mock) = Mock::default()
        .on("/api/ping", 200, r#"{"data":"3","isSuccess":true}"#)
        .start()
        .await;
    assert_eq!(client.ping().await.unwrap(), "3");
    assert!(mock.seen("/auth/token").is_empty());
    assert!(
        mock.seen("/api/ping")[0]
            .headers
            .get(header::AUTHORIZATION)
            .is_none()
    );
}

#[tokio::test]
async fn an_absurd_expires_in_is_not_believed_and_does_not_panic() {
    for expires_in in [
        i64::MAX.to_string(),
        "-5".to_owned(),
        "\"99999999999999999999\"".to_owned(),
        "1e300".to_owned(),
    ] {
        let answer = format!(r#"{{"access_token":"tok-1","expires_in":{expires_in}}}"#);
        let (client, _) = Mock::default()
            .on("/auth/token", 200, &answer)
            .on(
                "/api/profile",
                200,
                r#"{"data":{"firstName":"J","role":"admin"},"isSuccess":true}"#,
            )
            .start()
            .await;
        client.profile().await.unwrap();
        let expires_at = client.token_snapshot().unwrap().expires_at();
        let lifetime = expires_at - Utc::now();
        assert!(
            lifetime > TimeDelta::hours(23) && lifetime <= TimeDelta::seconds(86_399),
            "expires_in {expires_in}: {lifetime}"
        );
    }
}
