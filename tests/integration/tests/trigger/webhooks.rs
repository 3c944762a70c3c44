use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use mightycall_fake::{Fault, FaultRule};
use serde_json::{Value, json};
use uuid::Uuid;

use integration_tests::World;

use crate::support::{TriggerCalls, event, world};

/// MightyCall's own shape: 7 fractional digits and `Z`.
fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f0Z").to_string()
}

fn at(offset_seconds: i64) -> String {
    stamp(Utc::now() + TimeDelta::seconds(offset_seconds))
}

/// A finished call on fake account `account`, not yet synced anywhere.
fn new_call(w: &World, account: usize) -> String {
    let key = w.api_key(account);
    w.fake
        .add_calls(&key, &[Utc::now() - TimeDelta::minutes(5)])[0]
        .id
        .to_string()
}

async fn processed(w: &World, guid: &Value) -> Option<bool> {
    w.db.admin()
        .await
        .query_opt(
            "select processed_at is not null from webhook_events where event_guid = $1",
            &[&guid.as_str().unwrap()],
        )
        .await
        .unwrap()
        .map(|r| r.get(0))
}

#[tokio::test]
async fn a_completed_call_is_fetched_into_its_org_for_one_request() {
    let w = world().await;
    let (org, key) = (w.t.org_a, w.api_key(0));
    let token = w.webhook_token(org, w.t.admin_a).await;
    // The first fetch also obtains (and caches) a token; measure the second one.
    let warm = new_call(&w, 0);
    let reply = w
        .webhook(
            org,
            &token,
            &event(&key, &warm, "IncomingCallCompleted", None, &at(0)),
        )
        .await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);

    let call = new_call(&w, 0);
    let (fake_before, budget_before) = (w.fake.requests(&key), w.budget_used(org).await);
    let completed = event(&key, &call, "OutgoingCallCompleted", Some(""), &at(0));
    let reply = w.webhook(org, &token, &completed).await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    assert_eq!(reply.body["call_fetched"], true);
    assert_eq!(
        w.fake.requests(&key) - fake_before,
        1,
        "one GET /calls/{{id}}"
    );
    assert_eq!(
        w.budget_used(org).await - budget_before,
        1,
        "counted against the org's budget"
    );
    assert!(w.ids("calls", org).await.contains(&call));
    assert!(!w.ids("calls", w.t.org_b).await.contains(&call));
    assert_eq!(processed(&w, &completed["Guid"]).await, Some(true));
    let stored: Value =
        w.db.admin()
            .await
            .query_one(
                "select payload from webhook_events where event_guid = $1",
                &[&completed["Guid"].as_str().unwrap()],
            )
            .await
            .unwrap()
            .get(0);
    assert!(
        !stored.to_string().contains(&key),
        "the api key is not stored"
    );

    // A leg's completion (with an Extension) is stored but fetches nothing.
    let leg = event(&key, &call, "IncomingCallCompleted", Some("101"), &at(1));
    let before = w.fake.requests(&key);
    assert_eq!(w.webhook(org, &token, &leg).await.status, 202);
    assert_eq!(w.fake.requests(&key), before);
    assert_eq!(processed(&w, &leg["Guid"]).await, Some(true));
}

#[tokio::test]
async fn redeliveries_are_200_and_stored_once() {
    let w = world().await;
    let (org, key) = (w.t.org_a, w.api_key(0));
    let token = w.webhook_token(org, w.t.admin_a).await;
    let call = new_call(&w, 0);
    let ringing = event(&key, &call, "IncomingCallRinging", Some("101"), &at(0));
    assert_eq!(w.webhook(org, &token, &ringing).await.status, 202);
    let again = w.webhook(org, &token, &ringing).await;
    assert_eq!(
        (again.status, again.body["status"].as_str()),
        (200, Some("duplicate"))
    );
    let completed = event(&key, &call, "IncomingCallCompleted", None, &at(1));
    assert_eq!(w.webhook(org, &token, &completed).await.status, 202);
    let before = w.fake.requests(&key);
    let again = w.webhook(org, &token, &completed).await;
    assert_eq!(again.status, 200);
    assert_eq!(
        w.fake.requests(&key),
        before,
        "a redelivery fetches nothing"
    );
    let stored = w
        .count(
            "select count(*) from webhook_events where org_id = $1 and call_id = $2",
            &[&org, &call],
        )
        .await;
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn out_of_order_events_act_on_the_newest_state_only() {
    let w = world().await;
    let (org, key) = (w.t.org_a, w.api_key(0));
    let token = w.webhook_token(org, w.t.admin_a).await;
    let call = new_call(&w, 0);
    // Delivered newest first: completion, then the older connect and an older duplicate completion.
    let newest = event(&key, &call, "IncomingCallCompleted", None, &at(-10));
    assert_eq!(
        w.webhook(org, &token, &newest).await.body["call_fetched"],
        true
    );
    let before = w.fake.requests(&key);
    for older in [
        event(&key, &call, "IncomingCallConnected", Some("102"), &at(-30)),
        event(&key, &call, "IncomingCallCompleted", None, &at(-20)),
    ] {
        let reply = w.webhook(org, &token, &older).await;
        assert_eq!(reply.status, 202, "{:?}", reply.body);
        assert_eq!(reply.body["call_fetched"], false);
        assert_eq!(processed(&w, &older["Guid"]).await, Some(true));
    }
    assert_eq!(w.fake.requests(&key), before, "older states fetch nothing");
    let times: Vec<Option<chrono::DateTime<Utc>>> =
        w.db.admin()
            .await
            .query(
                "select occurred_at from webhook_events where call_id = $1 order by occurred_at",
                &[&call],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert_eq!(times.len(), 3);
    assert!(times.iter().all(Option::is_some), "occurred_at is kept");
    // A newer completion (e.g. a recording became available) acts again.
    let later = event(&key, &call, "IncomingCallCompleted", None, &at(0));
    assert_eq!(
        w.webhook(org, &token, &later).await.body["call_fetched"],
        true
    );
}

#[tokio::test]
async fn with_mightycall_down_the_event_is_stored_unprocessed_and_answered_202() {
    let w = world().await;
    let (org, key) = (w.t.org_a, w.api_key(0));
    let token = w.webhook_token(org, w.t.admin_a).await;
    let call = new_call(&w, 0);
    w.fake
        .push_fault(FaultRule::once(Fault::ServerError { status: 503 }).always());
    let completed = event(&key, &call, "CallbackCallCompleted", None, &at(0));
    let started = std::time::Instant::now();
    let reply = w.webhook(org, &token, &completed).await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    assert_eq!(reply.body["call_fetched"], false);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(processed(&w, &completed["Guid"]).await, Some(false));
    assert!(!w.ids("calls", org).await.contains(&call));
}

#[tokio::test]
async fn tokens_and_api_keys_of_another_tenant_are_refused() {
    let w = world().await;
    let (a, b) = (w.t.org_a, w.t.org_b);
    let token_a = w.webhook_token(a, w.t.admin_a).await;
    let token_b = w.webhook_token(b, w.t.admin_b).await;
    let key_a = w.api_key(0);
    let call = new_call(&w, 0);
    let body = event(&key_a, &call, "IncomingCallCompleted", None, &at(0));
    let other = "A".repeat(43);
    for (org, token) in [
        (b.to_string(), token_a.as_str()),
        (a.to_string(), token_b.as_str()),
        (a.to_string(), other.as_str()),
        (a.to_string(), "short"),
        (Uuid::new_v4().to_string(), token_a.as_str()),
        ("not-an-org".to_owned(), token_a.as_str()),
    ] {
        let reply = w.webhook(&org, token, &body).await;
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (401, Some("invalid_webhook_token")),
            "{org}"
        );
    }
    // Org A's own URL with account 1's api key (org B's account): refused, nothing stored.
    let foreign = event(&w.api_key(1), &call, "IncomingCallCompleted", None, &at(0));
    let reply = w.webhook(a, &token_a, &foreign).await;
    assert_eq!(
        (reply.status, reply.body["error"].as_str()),
        (422, Some("api_key_mismatch"))
    );
    assert!(!reply.body.to_string().contains(&w.api_key(1)));
    let stored = w
        .count(
            "select count(*) from webhook_events where call_id = $1",
            &[&call],
        )
        .await;
    assert_eq!(stored, 0);
    assert_eq!(w.fake.requests(&key_a), 0, "nothing was fetched");
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let w = world().await;
    let org = w.t.org_a;
    let token = w.webhook_token(org, w.t.admin_a).await;
    let key = w.api_key(0);
    let good = event(
        &key,
        &Uuid::new_v4().to_string(),
        "IncomingCall",
        None,
        &at(0),
    );
    let mut cases = vec![json!("just a string"), json!({})];
    for field in ["Guid", "ApiKey", "Timestamp", "EventType", "Body"] {
        let mut bad = good.clone();
        bad.as_object_mut().unwrap().remove(field);
        cases.push(bad);
    }
    let mut bad_time = good.clone();
    bad_time["Timestamp"] = json!("yesterday");
    cases.push(bad_time);
    let mut long_guid = good.clone();
    long_guid["Guid"] = json!("g".repeat(101));
    cases.push(long_guid);
    let mut numeric_key = good.clone();
    numeric_key["ApiKey"] = json!(12345);
    cases.push(numeric_key);
    for body in cases {
        let reply = w.webhook(org, &token, &body).await;
        assert_eq!(reply.status, 400, "{body}: {:?}", reply.body);
        assert!(!reply.body.to_string().contains(&key));
    }
    let stored = w
        .count(
            "select count(*) from webhook_events where org_id = $1 and payload <> '{}'",
            &[&org],
        )
        .await;
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn a_disabled_integration_stores_and_fetches_nothing() {
    let w = world().await;
    let (org, key) = (w.t.org_a, w.api_key(0));
    let token = w.webhook_token(org, w.t.admin_a).await;
    let set_enabled = async |on: bool| {
        w.db.admin()
            .await
            .execute(
                "update org_integrations set enabled = $2 where org_id = $1",
                &[&org, &on],
            )
            .await
            .unwrap();
    };
    let events = async || {
        w.count(
            "select count(*) from webhook_events where org_id = $1",
            &[&org],
        )
        .await
    };
    let before = events().await;
    set_enabled(false).await;
    let call = new_call(&w, 0);
    let completed = event(&key, &call, "IncomingCallCompleted", None, &at(0));
    for _ in 0..2 {
        let reply = w.webhook(org, &token, &completed).await;
        assert_eq!(
            (reply.status, &reply.body),
            (
                200,
                &json!({ "status": "ignored", "reason": "integration_disabled" })
            )
        );
    }
    assert_eq!(events().await, before, "nothing is stored");
    assert_eq!(w.fake.requests(&key), 0, "nothing is fetched");
    assert!(!w.ids("calls", org).await.contains(&call));

    // The token still holds: once enabled again, the same event is taken.
    set_enabled(true).await;
    let reply = w.webhook(org, &token, &completed).await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    assert_eq!(reply.body["call_fetched"], true);
}

#[tokio::test]
async fn nul_bytes_and_absurd_values_are_400_and_store_nothing() {
    let w = world().await;
    let (org, key) = (w.t.org_a, w.api_key(0));
    let token = w.webhook_token(org, w.t.admin_a).await;
    let call = new_call(&w, 0);
    let good = event(&key, &call, "IncomingCallCompleted", None, &at(0));
    let events = async || {
        w.count(
            "select count(*) from webhook_events where org_id = $1",
            &[&org],
        )
        .await
    };
    let before = events().await;
    let cases = [
        ("/Guid", json!("0a7c\u{0}9f"), "invalid_body"),
        ("/Guid", json!("line\nbreak"), "invalid_body"),
        (
            "/EventType",
            json!("IncomingCall\u{0}Completed"),
            "invalid_body",
        ),
        ("/Body/Id", json!(format!("{call}\u{0}")), "invalid_body"),
        ("/Body/From", json!("+1555\u{0}9371200"), "invalid_body"),
        (
            "/Timestamp",
            json!("2026-01-01T00:00:00\u{0}Z"),
            "invalid_timestamp",
        ),
        (
            "/Timestamp",
            json!("-5000-01-01T00:00:00"),
            "invalid_timestamp",
        ),
        (
            "/Timestamp",
            json!("0001-01-01T00:00:00"),
            "invalid_timestamp",
        ),
        (
            "/Timestamp",
            json!("1999-12-31T23:59:59Z"),
            "invalid_timestamp",
        ),
        (
            "/Timestamp",
            json!("9999-12-31T23:59:59Z"),
            "invalid_timestamp",
        ),
        ("/Timestamp", json!(at(3 * 24 * 3600)), "invalid_timestamp"),
    ];
    for (field, value, code) in cases {
        let mut bad = good.clone();
        *bad.pointer_mut(field).unwrap() = value;
        let reply = w.webhook(org, &token, &bad).await;
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (400, Some(code)),
            "{field} = {:?}: {:?}",
            bad.pointer(field),
            reply.body
        );
        assert!(reply.body["request_id"].is_string());
    }
    assert_eq!(events().await, before, "nothing is stored");
    assert_eq!(w.fake.requests(&key), 0, "nothing is fetched");
    let reply = w.webhook(org, &token, &good).await;
    assert_eq!(
        reply.status, 202,
        "the same event with sane values is taken"
    );
}

#[tokio::test]
async fn a_calls_webhook_timeline_gives_its_wait_whichever_arrives_first() {
    let w = world().await;
    let (org, key) = (w.t.org_a, w.api_key(0));
    let token = w.webhook_token(org, w.t.admin_a).await;
    // Inbound calls only carry a wait; the fake picks directions at random.
    let mut inbound = (0..50).filter_map(|_| {
        let call = w
            .fake
            .add_calls(&key, &[Utc::now() - TimeDelta::minutes(5)])[0]
            .clone();
        (call.direction == mightycall_fake::Direction::Incoming).then(|| call.id.to_string())
    });
    let (first, second) = (inbound.next().unwrap(), inbound.next().unwrap());
    let base = Utc::now() - TimeDelta::minutes(4);
    let at = |seconds| stamp(base + TimeDelta::seconds(seconds));
    let wait = async |call: &str| -> (Option<i64>, Option<i64>) {
        let row =
            w.db.admin()
                .await
                .query_one(
                    "select wait_to_answer_ms, wait_to_end_ms from calls where external_id = $1",
                    &[&call],
                )
                .await
                .unwrap();
        (row.get(0), row.get(1))
    };

    // Webhooks first, out of order; the whole call's completion fetches the call, which then
    // carries the wait of its timeline.
    for (kind, extension, offset) in [
        ("IncomingCallConnected", Some("101"), 12),
        ("IncomingCall", None, 0),
        ("IncomingCallCompleted", None, 70),
    ] {
        let reply = w
            .webhook(
                org,
                &token,
                &event(&key, &first, kind, extension, &at(offset)),
            )
            .await;
        assert_eq!(reply.status, 202, "{:?}", reply.body);
    }
    assert_eq!(wait(&first).await, (Some(12_000), Some(70_000)));

    // The call first (fetched by its completion), the rest of its timeline after: the stored call
    // is updated as the events arrive.
    let completed = event(&key, &second, "IncomingCallCompleted", None, &at(40));
    assert_eq!(w.webhook(org, &token, &completed).await.status, 202);
    assert_eq!(wait(&second).await, (None, None), "no offer seen yet");
    let offered = event(&key, &second, "IncomingCall", None, &at(0));
    assert_eq!(w.webhook(org, &token, &offered).await.status, 202);
    assert_eq!(wait(&second).await, (None, Some(40_000)), "never connected");
}
