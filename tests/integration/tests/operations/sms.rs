//! `POST /api/sms/send`: sent through the org's MightyCall account, stored at once and adopted by
//! the next journal sync, audited, counted against the budget and limited per org and minute;
//! refused for bad input, agents, other orgs (by the code and by RLS alone) and MightyCall's
//! failures, with nothing sent or stored; no text or secret in logs or errors.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use chrono::{Timelike, Utc};
use domain::{E164Number, OrgId, Resource};
use integration_tests::World;
use integration_tests::world::succeeded;
use mightycall_fake::{FakeConfig, Fault, FaultRule};
use serde_json::{Value, json};
use store::StoreError;
use store::sms::{self as store_sms, Sender, SentMessage};
use test_harness::fixtures::claims_for;
use test_harness::http::{Reply, send};
use uuid::Uuid;

const PATH: &str = "/api/sms/send";
const TO: &str = "+442071234567";
const TEXT: &str = "Your order 1042 is ready for pickup";

/// Orgs A and B connected to fake accounts 0 and 1, their numbers synced, and the function.
pub(crate) async fn world() -> (World, Router) {
    world_with(World::builder()).await
}

async fn world_with(builder: integration_tests::world::Builder<'_>) -> (World, Router) {
    let w = builder
        .fake(FakeConfig::default())
        .connected()
        .build()
        .await;
    for org in [w.t.org_a, w.t.org_b] {
        succeeded(&w.sync_job(org, Resource::PhoneNumbers).await);
    }
    let router = w.operations().await;
    (w, router)
}

/// A current number of `org` with `sms_mode`, as synced.
pub(crate) async fn number(w: &World, org: Uuid, sms_mode: &str) -> String {
    w.db.admin()
        .await
        .query_one(
            "select number from phone_numbers
             where org_id = $1 and sms_mode = $2 and deleted_at is null order by number limit 1",
            &[&org, &sms_mode],
        )
        .await
        .unwrap()
        .get(0)
}

fn body(org: Uuid, from: &str) -> Value {
    json!({ "orgId": org, "from": from, "to": TO, "text": TEXT })
}

async fn post(w: &World, router: &Router, user: Uuid, body: Value) -> Reply {
    w.call(router, Method::POST, PATH, user, Some(body)).await
}

/// Sends that reached the fake for account `account`.
pub(crate) fn sends(w: &World, account: usize) -> usize {
    w.fake
        .request_log(&w.api_key(account))
        .iter()
        .filter(|r| r.path.ends_with("/messages/send"))
        .count()
}

/// Everything a refused send must leave as it was: both orgs' messages, audit entries and counts.
async fn state(w: &World) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    for org in [w.t.org_a, w.t.org_b] {
        for table in ["mightycall_sms_messages", "audit_log", "sms_send_attempts"] {
            all.push(w.rows(table, org).await);
        }
    }
    all
}

async fn usage(w: &World, org: Uuid) -> i64 {
    w.count(
        "select coalesce(sum(requests), 0)::int8 from mightycall_request_usage where org_id = $1",
        &[&org],
    )
    .await
}

#[tokio::test]
async fn a_manager_sends_and_the_message_is_stored_listed_journalled_audited_and_counted() {
    let (w, ops) = world().await;
    let from = number(&w, w.t.org_a, "enabled").await;
    let (requests, used) = (w.fake.requests(&w.api_key(0)), usage(&w, w.t.org_a).await);

    let reply = post(&w, &ops, w.t.manager_a, body(w.t.org_a, &from)).await;

    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let message = &reply.body["message"];
    assert_eq!(message["direction"], "outbound");
    assert_eq!(message["business_number"], from.as_str());
    assert_eq!(message["client_number"], TO);
    assert_eq!(message["body"], TEXT);
    assert_eq!(message["delivery_status"], "sent");
    let id = message["id"].as_str().unwrap().to_owned();
    let send_id = message["external_id"].as_str().unwrap().to_owned();

    // MightyCall's journal has it, under the id the send answered.
    let journal = w.fake.account(&w.api_key(0)).unwrap().messages;
    let sent = journal
        .iter()
        .find(|m| m.request_guid.to_string() == send_id);
    let sent = sent.expect("the message in the fake's journal");
    assert_eq!((sent.text.as_str(), sent.client_phone.as_str()), (TEXT, TO));
    assert_eq!(sends(&w, 0), 1);

    // The org's list shows it at once.
    let listed = w
        .call(
            &w.data(),
            Method::GET,
            &format!("/api/sms/messages?orgId={}", w.t.org_a),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let ids: Vec<&str> = listed.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.contains(&id.as_str()), "{ids:?}");

    // Audited by the manager, without the text.
    let audit = w
        .db
        .admin()
        .await
        .query(
            "select actor_user_id, target, details::text from audit_log where org_id = $1 and action = 'sms.sent'",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].get::<_, Option<Uuid>>(0), Some(w.t.manager_a));
    assert_eq!(
        audit[0].get::<_, Option<String>>(1).as_deref(),
        Some(id.as_str())
    );
    let details: String = audit[0].get(2);
    assert!(details.contains(TO) && details.contains(&from), "{details}");
    assert!(!details.contains(TEXT), "{details}");

    // Every request it took is counted in the org's usage.
    let spent = w.fake.requests(&w.api_key(0)) - requests;
    assert!(spent >= 1);
    assert_eq!(
        usage(&w, w.t.org_a).await - used,
        i64::try_from(spent).unwrap()
    );

    // The next journal sync adopts the stored row: same row, now under the journal's id. (The
    // journal's `to` is in whole seconds: the send's second must be over to be in the window.)
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    succeeded(&w.sync_job(w.t.org_a, Resource::Sms).await);
    let rows = w
        .db
        .admin()
        .await
        .query(
            "select id, external_id from mightycall_sms_messages where org_id = $1 and body = $2",
            &[&w.t.org_a, &TEXT],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "stored once");
    assert_eq!(rows[0].get::<_, Uuid>(0).to_string(), id);
    assert_eq!(rows[0].get::<_, String>(1), sent.journal_id);
    // And a second sync changes nothing.
    let again = w.sync_job(w.t.org_a, Resource::Sms).await;
    succeeded(&again);
    assert_eq!(
        w.count(
            "select count(*) from mightycall_sms_messages where org_id = $1 and body = $2",
            &[&w.t.org_a, &TEXT]
        )
        .await,
        1
    );
}

#[tokio::test]
async fn admins_managers_and_platform_admins_send_agents_and_outsiders_do_not() {
    let (w, ops) = world().await;
    let from = number(&w, w.t.org_a, "enabled").await;
    for user in [w.t.admin_a, w.t.manager_a, w.t.platform_admin] {
        let reply = post(&w, &ops, user, body(w.t.org_a, &from)).await;
        assert_eq!(reply.status, 201, "{user}: {:?}", reply.body);
    }
    assert_eq!(sends(&w, 0), 3);
    let before = state(&w).await;
    let agent = post(&w, &ops, w.t.agent_a, body(w.t.org_a, &from)).await;
    assert_eq!(agent.status, 403, "{:?}", agent.body);
    assert_eq!(agent.body["error"], "manager_required");
    for user in [w.t.outsider, w.t.agent_b, w.t.manager_b] {
        let reply = post(&w, &ops, user, body(w.t.org_a, &from)).await;
        assert_eq!(reply.status, 404, "{user}: {:?}", reply.body);
        assert_eq!(reply.body["error"], "not_found");
    }
    assert_eq!(sends(&w, 0), 3, "nothing more sent");
    assert_eq!(state(&w).await, before, "nothing more stored");
}

#[tokio::test]
async fn every_bad_input_is_refused_and_nothing_is_sent_or_stored() {
    let (w, ops) = world().await;
    let (org, manager) = (w.t.org_a, w.t.manager_a);
    let from = number(&w, org, "enabled").await;
    let capable = number(&w, org, "capable").await;
    let disabled = number(&w, org, "disabled").await;
    // A number the org released: only in MightyCall's deleted list.
    let released: String = w
        .db
        .admin()
        .await
        .query_one(
            "select number from phone_numbers p where org_id = $1 and deleted_at is not null
               and not exists (select 1 from phone_numbers q where q.org_id = p.org_id and q.number = p.number and q.deleted_at is null)
             limit 1",
            &[&org],
        )
        .await
        .unwrap()
        .get(0);
    let with = |field: &str, value: Value| {
        let mut b = body(org, &from);
        b[field] = value;
        b
    };
    let without = |field: &str| {
        let mut b = body(org, &from);
        b.as_object_mut().unwrap().remove(field);
        b
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (without("orgId"), 400, "invalid_body"),
        (without("from"), 400, "invalid_body"),
        (without("to"), 400, "invalid_body"),
        (without("text"), 400, "invalid_body"),
        (with("extra", json!(1)), 400, "invalid_body"),
        (with("to", json!([TO])), 400, "invalid_body"),
        (with("text", json!(null)), 400, "invalid_body"),
        (with("text", json!(42)), 400, "invalid_body"),
        (json!([]), 400, "invalid_body"),
        (with("orgId", json!("not-a-uuid")), 400, "invalid_org_id"),
        (with("from", json!("2125550100")), 422, "invalid_from"),
        (with("from", json!("+1 212 555 0100")), 422, "invalid_from"),
        (with("to", json!("")), 422, "invalid_to"),
        (with("to", json!("+44 20 7123 4567")), 422, "invalid_to"),
        (with("to", json!("+0442071234567")), 422, "invalid_to"),
        (with("to", json!("+4420712345678901")), 422, "invalid_to"),
        (with("to", json!("tel:+442071234567")), 422, "invalid_to"),
        (with("text", json!("")), 422, "invalid_text"),
        (with("text", json!("  \n ")), 422, "invalid_text"),
        (with("text", json!("a".repeat(1_601))), 422, "invalid_text"),
        (with("text", json!("😀".repeat(1_601))), 422, "invalid_text"),
        (with("text", json!("nul\u{0}byte")), 422, "invalid_text"),
        (with("text", json!("esc\u{1b}[2J")), 422, "invalid_text"),
        (with("from", json!("+12125550199")), 422, "unknown_sender"),
        (with("from", json!(released)), 422, "unknown_sender"),
        (with("from", json!(capable)), 422, "sms_not_enabled"),
        (with("from", json!(disabled)), 422, "sms_not_enabled"),
    ];
    let before = state(&w).await;
    for (sent, status, code) in cases {
        let reply = post(&w, &ops, manager, sent.clone()).await;
        assert_eq!(reply.status, status, "{sent}: {:?}", reply.body);
        assert_eq!(reply.body["error"], code, "{sent}: {:?}", reply.body);
        assert!(
            reply.body["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert!(!reply.body.to_string().contains(TEXT), "{:?}", reply.body);
    }
    let token = w.token(manager);
    for request in [
        Request::post(PATH)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from("{\"orgId\":")),
        Request::post(PATH)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "text/plain")
            .body(Body::from(body(org, &from).to_string())),
    ] {
        let reply = send(&ops, request).await;
        assert!([400, 415].contains(&reply.status), "{:?}", reply.body);
    }
    assert_eq!(sends(&w, 0) + sends(&w, 1), 0, "nothing sent");
    assert_eq!(state(&w).await, before, "nothing stored");

    // 1,600 characters are characters, not bytes.
    let long = "😀".repeat(1_600);
    let reply = post(&w, &ops, manager, with("text", json!(long))).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["message"]["body"], long.as_str());
}

#[tokio::test]
async fn a_manager_of_org_a_cannot_send_for_org_b_or_from_its_numbers() {
    let (w, ops) = world().await;
    let from_b = number(&w, w.t.org_b, "enabled").await;
    let before = state(&w).await;

    let with_b = post(&w, &ops, w.t.manager_a, body(w.t.org_b, &from_b)).await;
    assert_eq!(with_b.status, 404, "{:?}", with_b.body);
    assert_eq!(with_b.body["error"], "not_found");
    let from_b_for_a = post(&w, &ops, w.t.manager_a, body(w.t.org_a, &from_b)).await;
    assert_eq!(from_b_for_a.status, 422, "{:?}", from_b_for_a.body);
    assert_eq!(from_b_for_a.body["error"], "unknown_sender");

    assert_eq!(sends(&w, 0) + sends(&w, 1), 0);
    assert_eq!(state(&w).await, before);
    // B's own manager sends from it, through B's account only.
    let own = post(&w, &ops, w.t.manager_b, body(w.t.org_b, &from_b)).await;
    assert_eq!(own.status, 201, "{:?}", own.body);
    assert_eq!((sends(&w, 0), sends(&w, 1)), (0, 1));
}

#[tokio::test]
async fn rls_alone_hides_org_b_numbers_and_refuses_storing_for_it() {
    // If the route's checks were skipped, A's manager would run these under their own claims.
    let (w, _) = world().await;
    let (org_a, org_b) = (OrgId::new(w.t.org_a), OrgId::new(w.t.org_b));
    let from_a = E164Number::parse(&number(&w, w.t.org_a, "enabled").await).unwrap();
    let from_b = E164Number::parse(&number(&w, w.t.org_b, "enabled").await).unwrap();
    let to = E164Number::parse(TO).unwrap();
    let message = |from| SentMessage {
        external_id: Uuid::new_v4().to_string(),
        sent_at: Utc::now(),
        from,
        to: &to,
        text: TEXT,
    };
    let before = state(&w).await;

    let tx =
        w.db.store()
            .as_user(&claims_for(w.t.manager_a))
            .await
            .unwrap();
    assert_eq!(
        store_sms::sender(&tx, org_b, &from_b).await.unwrap(),
        Sender::Unknown
    );
    // …while the same query sees A's number, so the emptiness is RLS and not a wrong query.
    assert_eq!(
        store_sms::sender(&tx, org_a, &from_a).await.unwrap(),
        Sender::SmsEnabled
    );
    let refused = store_sms::record_sent(&tx, org_b, &message(&from_b)).await;
    assert!(matches!(refused, Err(StoreError::Denied)), "{refused:?}");
    drop(tx);

    // In A, the same store call works (and keeps the first of a send stored twice); rolled back.
    let tx =
        w.db.store()
            .as_user(&claims_for(w.t.manager_a))
            .await
            .unwrap();
    let own = message(&from_a);
    let first = store_sms::record_sent(&tx, org_a, &own).await.unwrap();
    let again = SentMessage {
        text: "a different text",
        ..own.clone()
    };
    let second = store_sms::record_sent(&tx, org_a, &again).await.unwrap();
    assert_eq!((first.id, second.body.as_deref()), (second.id, Some(TEXT)));
    drop(tx);

    // An agent of A may read A's messages but not store one.
    let tx =
        w.db.store()
            .as_user(&claims_for(w.t.agent_a))
            .await
            .unwrap();
    let refused = store_sms::record_sent(&tx, org_a, &message(&from_a)).await;
    assert!(matches!(refused, Err(StoreError::Denied)), "{refused:?}");
    drop(tx);

    // What PostgREST would let a token do directly: neither table is writable, the counts are
    // not even readable.
    for statement in [
        format!(
            "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, body)
             values ('{}', 'forged', now(), 'outbound', 'never sent')",
            w.t.org_a
        ),
        format!(
            "update mightycall_sms_messages set body = 'changed' where org_id = '{}'",
            w.t.org_a
        ),
        format!(
            "insert into sms_send_attempts (org_id, window_start, attempts) values ('{}', now(), 0)",
            w.t.org_a
        ),
        "delete from sms_send_attempts".to_owned(),
        "select * from sms_send_attempts".to_owned(),
    ] {
        let tx =
            w.db.store()
                .as_user(&claims_for(w.t.admin_a))
                .await
                .unwrap();
        let denied = tx.client().batch_execute(&statement).await;
        assert!(denied.is_err(), "{statement}");
    }
    assert_eq!(state(&w).await, before);
}

/// Waits until at least 15 s remain in the current minute, so a burst stays in one window.
async fn early_in_a_minute() {
    let second = Utc::now().second();
    if second > 45 {
        tokio::time::sleep(Duration::from_secs(u64::from(61 - second))).await;
    }
}

#[tokio::test]
async fn ten_sends_per_org_and_minute_then_429_while_other_orgs_still_send() {
    let (w, ops) = world().await;
    let from = number(&w, w.t.org_a, "enabled").await;
    let from_b = number(&w, w.t.org_b, "enabled").await;
    early_in_a_minute().await;
    for n in 0..10 {
        let reply = post(&w, &ops, w.t.manager_a, body(w.t.org_a, &from)).await;
        assert_eq!(reply.status, 201, "send {n}: {:?}", reply.body);
    }
    let messages = w.rows("mightycall_sms_messages", w.t.org_a).await;
    let limited = post(&w, &ops, w.t.admin_a, body(w.t.org_a, &from)).await;
    assert_eq!(limited.status, 429, "{:?}", limited.body);
    assert_eq!(limited.body["error"], "too_many_sms");
    assert_eq!(sends(&w, 0), 10);
    assert_eq!(w.rows("mightycall_sms_messages", w.t.org_a).await, messages);
    let other = post(&w, &ops, w.t.manager_b, body(w.t.org_b, &from_b)).await;
    assert_eq!(other.status, 201, "{:?}", other.body);
    // Refused input is not counted: the count is of sends that reached MightyCall.
    assert_eq!(
        w.count(
            "select sum(attempts)::int8 from sms_send_attempts where org_id = $1",
            &[&w.t.org_a]
        )
        .await,
        10
    );
}

/// Each failure, the status and code it answers with, and whether MightyCall was asked.
#[tokio::test]
async fn mightycall_failures_answer_clearly_and_nothing_is_stored() {
    let (w, ops) = world().await;
    let (org, manager) = (w.t.org_a, w.t.manager_a);
    let from = number(&w, org, "enabled").await;
    let capable = number(&w, org, "capable").await;
    let admin = w.db.admin().await;
    let on_send = |fault| FaultRule::once(fault).on_path("/messages/send");
    let attempt = async |expected: (u16, &str)| {
        let before = state(&w).await;
        let reply = post(&w, &ops, manager, body(org, &from)).await;
        assert_eq!(
            (
                reply.status,
                reply.body["error"].as_str().unwrap_or_default()
            ),
            expected,
            "{:?}",
            reply.body
        );
        let after = state(&w).await;
        // Only the attempt count may change.
        assert_eq!((&after[0], &after[1]), (&before[0], &before[1]));
        assert_eq!(after[3..], before[3..]);
        reply
    };

    w.fake
        .push_fault(on_send(Fault::ServerError { status: 502 }));
    let down = attempt((503, "mightycall_unavailable")).await;
    assert!(
        down.body["message"]
            .as_str()
            .unwrap()
            .contains("may have been sent")
    );
    assert_eq!(sends(&w, 0), 1, "not sent twice");

    w.fake.push_fault(on_send(Fault::RateLimited {
        retry_after: Duration::from_secs(3600),
    }));
    attempt((429, "mightycall_rate_limited")).await;

    // MightyCall refuses a number the last sync still showed with SMS enabled.
    admin
        .execute(
            "update phone_numbers set sms_mode = 'enabled' where org_id = $1 and number = $2",
            &[&org, &capable],
        )
        .await
        .unwrap();
    let before = state(&w).await;
    let refused = post(&w, &ops, manager, body(org, &capable)).await;
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert_eq!(refused.body["error"], "sms_refused");
    assert_eq!(state(&w).await[..2], before[..2]);

    // The day's request budget of the api key is spent: nothing is sent.
    let sent_so_far = sends(&w, 0);
    admin
        .execute("update mightycall_key_usage set requests = 1000000", &[])
        .await
        .unwrap();
    attempt((429, "mightycall_quota_exhausted")).await;
    assert_eq!(sends(&w, 0), sent_so_far);
    admin
        .execute("update mightycall_key_usage set requests = 0", &[])
        .await
        .unwrap();

    admin
        .execute(
            "update org_integrations set enabled = false where org_id = $1",
            &[&org],
        )
        .await
        .unwrap();
    attempt((409, "integration_disabled")).await;
    admin
        .execute("delete from org_integrations where org_id = $1", &[&org])
        .await
        .unwrap();
    attempt((409, "no_credentials")).await;
    assert_eq!(sends(&w, 0), sent_so_far);
}

#[tokio::test]
async fn mightycall_too_slow_is_503_and_nothing_is_stored() {
    let (w, ops) = world_with(World::builder().tune(|s| {
        s.timeouts.request = Duration::from_millis(300);
    }))
    .await;
    let from = number(&w, w.t.org_a, "enabled").await;
    let before = state(&w).await;
    w.fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_millis(900),
        })
        .on_path("/messages/send"),
    );
    let slow = post(&w, &ops, w.t.manager_a, body(w.t.org_a, &from)).await;
    assert_eq!(slow.status, 503, "{:?}", slow.body);
    assert_eq!(slow.body["error"], "mightycall_timeout");
    assert_eq!(sends(&w, 0), 1, "not sent twice");
    let after = state(&w).await;
    assert_eq!((&after[0], &after[1]), (&before[0], &before[1]));
}

#[tokio::test]
async fn mightycall_unreachable_is_503_and_nothing_is_stored() {
    // Nothing listens on port 1 of loopback: every connection is refused.
    let w = World::builder()
        .connected()
        .tune(|s| s.base_override = Some("http://127.0.0.1:1/v4".into()))
        .build()
        .await;
    let from = "+12125550100";
    w.db.admin()
        .await
        .execute(
            "insert into phone_numbers (org_id, external_id, number, sms_mode) values ($1, 'n1', $2, 'enabled')",
            &[&w.t.org_a, &from],
        )
        .await
        .unwrap();
    let ops = w.operations().await;
    let before = state(&w).await;
    let gone = post(&w, &ops, w.t.manager_a, body(w.t.org_a, from)).await;
    assert_eq!(gone.status, 503, "{:?}", gone.body);
    assert_eq!(gone.body["error"], "mightycall_unavailable");
    assert!(
        !gone.body.to_string().contains("127.0.0.1"),
        "{:?}",
        gone.body
    );
    let after = state(&w).await;
    assert_eq!((&after[0], &after[1]), (&before[0], &before[1]));
}

#[tokio::test]
async fn the_text_and_secrets_stay_out_of_logs_and_errors() {
    let capture = test_harness::logs::capture();
    let (w, ops) = world().await;
    let keys = w.fake.accounts()[0].clone();
    let from = number(&w, w.t.org_a, "enabled").await;
    let secret_text = format!("pin {} for you", Uuid::new_v4());
    let mut sent = body(w.t.org_a, &from);
    sent["text"] = json!(secret_text);
    let mut replies = Vec::new();

    replies.push(post(&w, &ops, w.t.manager_a, sent.clone()).await);
    assert_eq!(replies[0].status, 201, "{:?}", replies[0].body);
    w.fake
        .push_fault(FaultRule::once(Fault::ServerError { status: 500 }).on_path("/messages/send"));
    replies.push(post(&w, &ops, w.t.manager_a, sent.clone()).await);
    let mut refused = sent.clone();
    refused["to"] = json!("+44 not a number");
    replies.push(post(&w, &ops, w.t.manager_a, refused).await);
    replies.push(post(&w, &ops, w.t.agent_a, sent.clone()).await);
    assert_eq!(
        replies.iter().map(|r| r.status).collect::<Vec<_>>(),
        [201, 503, 422, 403]
    );

    let logs = capture.text();
    assert!(logs.contains("messages/send"), "the capture sees the send");
    for secret in [
        secret_text.as_str(),
        keys.api_key.as_str(),
        keys.user_key.as_str(),
        w.token(w.t.manager_a).as_str(),
    ] {
        assert!(!logs.contains(secret), "logged: {secret}");
        for reply in &replies[1..] {
            assert!(!reply.body.to_string().contains(secret), "{:?}", reply.body);
        }
    }
    let first = replies[0].body.to_string();
    assert!(!first.contains(&keys.api_key) && !first.contains(&keys.user_key));
}
