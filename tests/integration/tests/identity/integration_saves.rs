//! Saving an integration spends a MightyCall token request: saves are limited per org, the check
//! is reserved from the api key's shared daily budget, and no transaction waits on MightyCall.

use std::time::Duration;

use axum::http::Method;
use mightycall_fake::{Fault, FaultRule};
use serde_json::Value;
use test_harness::http::call;
use uuid::Uuid;

use crate::support::{World, admin_router};

fn integrations(org: Uuid) -> String {
    format!("/api/admin/orgs/{org}/integrations")
}

fn unverified(w: &World, account: usize) -> Value {
    let mut body = w.integration_body(account);
    body["verify"] = Value::Bool(false);
    body
}

/// Requests reserved today for fake account `account`'s api key (looked up by its fingerprint).
async fn key_usage(w: &World, account: usize) -> i32 {
    let key = mightycall::ApiKey::parse(&w.fake.accounts()[account].api_key).unwrap();
    w.db.admin()
        .await
        .query_opt(
            "select requests from mightycall_key_usage where key_fingerprint = $1 and day = (now() at time zone 'utc')::date",
            &[&key.fingerprint().as_str()],
        )
        .await
        .unwrap()
        .map_or(0, |r| r.get(0))
}

#[tokio::test]
async fn an_org_gets_five_saves_per_ten_minutes_then_a_429_that_changes_nothing() {
    let w = World::new().await;
    let path = integrations(w.t.org_a);
    for n in 0..5 {
        let reply = w
            .admin_call(Method::POST, &path, w.t.admin_a, Some(unverified(&w, 0)))
            .await;
        assert!(
            reply.status == 200 || reply.status == 201,
            "save {n}: {:?}",
            reply.body
        );
    }
    let before = w.snapshot(w.t.org_a).await;
    let fake_before = w.fake.requests(&w.fake.accounts()[0].api_key);
    let refused = w
        .admin_call(
            Method::POST,
            &path,
            w.t.admin_a,
            Some(w.integration_body(0)),
        )
        .await;
    assert_eq!(refused.status, 429, "{:?}", refused.body);
    assert_eq!(refused.body["error"], "too_many_saves");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("10 minutes")
    );
    assert!(refused.body["request_id"].is_string());
    assert_eq!(w.snapshot(w.t.org_a).await, before, "nothing changed");
    assert_eq!(
        w.fake.requests(&w.fake.accounts()[0].api_key),
        fake_before,
        "no token request"
    );

    // The limit is per org: org B saves as usual.
    let other = w
        .admin_call(
            Method::POST,
            &integrations(w.t.org_b),
            w.t.admin_b,
            Some(unverified(&w, 1)),
        )
        .await;
    assert_eq!(other.status, 200, "{:?}", other.body);
}

#[tokio::test]
async fn the_credential_check_is_reserved_from_the_keys_budget_and_refused_once_it_is_spent() {
    let w = World::new().await;
    let admin = admin_router(&w.core, &w.fake, false, 2);
    let token = w.token(w.t.admin_a);
    let key = w.fake.accounts()[0].api_key.clone();
    let path = integrations(w.t.org_a);

    let saved = call(
        &admin,
        Method::POST,
        &path,
        Some(&token),
        Some(&w.integration_body(0)),
    )
    .await;
    assert_eq!(saved.status, 200, "{:?}", saved.body);
    assert_eq!(
        key_usage(&w, 0).await,
        1,
        "the token request is counted on the key"
    );

    // Another org on the same key spends the rest of the budget.
    let org_b = call(
        &admin,
        Method::POST,
        &integrations(w.t.org_b),
        Some(&w.token(w.t.admin_b)),
        Some(&w.integration_body(0)),
    )
    .await;
    assert_eq!(org_b.status, 200, "{:?}", org_b.body);
    assert_eq!(key_usage(&w, 0).await, 2);

    let before = w.snapshot(w.t.org_a).await;
    let sent = w.fake.requests(&key);
    let refused = call(
        &admin,
        Method::POST,
        &path,
        Some(&token),
        Some(&w.integration_body(0)),
    )
    .await;
    assert_eq!(refused.status, 429, "{:?}", refused.body);
    assert_eq!(refused.body["error"], "mightycall_budget_spent");
    assert!(
        !refused.body.to_string().contains(&key),
        "no key in the error"
    );
    assert_eq!(w.fake.requests(&key), sent, "nothing sent past the budget");
    assert_eq!(w.snapshot(w.t.org_a).await, before, "nothing changed");
    assert_eq!(key_usage(&w, 0).await, 2);
}

#[tokio::test]
async fn no_transaction_is_open_while_mightycall_checks_the_credentials() {
    let w = World::new().await;
    w.fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_millis(1500),
        })
        .on_path("/auth/token"),
    );
    let save = {
        let (admin, token, body) = (w.admin.clone(), w.token(w.t.admin_a), w.integration_body(0));
        let path = integrations(w.t.org_a);
        tokio::spawn(
            async move { call(&admin, Method::POST, &path, Some(&token), Some(&body)).await },
        )
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    let waiting: i64 =
        w.db.admin()
            .await
            .query_one(
                "select count(*) from pg_stat_activity
             where datname = current_database() and state like 'idle in transaction%'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(waiting, 0, "a transaction waited on MightyCall");
    let reply = save.await.unwrap();
    assert_eq!(reply.status, 200, "{:?}", reply.body);
}
