//! Saving an integration spends a MightyCall token request: saves are limited per org and per user,
//! checks per api key and day, the check is reserved from the api key's shared daily budget, and no
//! transaction waits on MightyCall.

use std::time::Duration;

use axum::http::Method;
use mightycall_fake::{Fault, FaultRule};
use serde_json::Value;
use test_harness::http::call;
use uuid::Uuid;

use integration_tests::World;

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
    let admin = w.admin_with(Some(w.fake.base_url()), 2).await;
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
        let (admin, token, body) = (w.admin().await, w.token(w.t.admin_a), w.integration_body(0));
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

/// A fresh user and the org they just created, as anyone can.
async fn new_org(w: &World, name: &str) -> (Uuid, Uuid) {
    let founder = Uuid::new_v4();
    let org = new_org_of(w, founder, name).await;
    (founder, org)
}

async fn new_org_of(w: &World, founder: Uuid, name: &str) -> Uuid {
    let reply = w
        .call(
            &w.user(),
            Method::POST,
            "/api/user/onboard",
            founder,
            Some(serde_json::json!({ "org_name": name })),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body["org"]["id"].as_str().unwrap().parse().unwrap()
}

/// MightyCall puts the api key in webhook payloads: someone who learnt it must not be able to
/// spend its owner's quota by checking it with junk user keys from orgs of their own.
#[tokio::test]
async fn an_api_key_gets_twenty_credential_checks_a_day_whichever_orgs_ask() {
    let w = World::new().await;
    let key = w.fake.accounts()[0].api_key.clone();
    let junk = |n: usize| {
        let mut body = w.integration_body(0);
        body["credentials"]["user_key"] = Value::String(format!("junk-user-key-{n:04}"));
        body
    };
    for n in 0..20 {
        let (founder, org) = new_org(&w, &format!("Prober {n}")).await;
        let reply = w
            .admin_call(Method::POST, &integrations(org), founder, Some(junk(n)))
            .await;
        assert_eq!(reply.status, 422, "check {n}: {:?}", reply.body);
        assert_eq!(reply.body["error"], "invalid_credentials");
    }
    assert_eq!(key_usage(&w, 0).await, 20);

    let (founder, org) = new_org(&w, "Prober 20").await;
    let before = w.snapshot(org).await;
    let sent = w.fake.requests(&key);
    let refused = w
        .admin_call(Method::POST, &integrations(org), founder, Some(junk(20)))
        .await;
    assert_eq!(refused.status, 429, "{:?}", refused.body);
    assert_eq!(refused.body["error"], "too_many_credential_checks");
    assert!(refused.body["message"].as_str().unwrap().contains("20"));
    assert!(refused.body["request_id"].is_string());
    assert!(
        !refused.body.to_string().contains(&key),
        "no key in the error"
    );
    assert_eq!(w.fake.requests(&key), sent, "no token request");
    assert_eq!(
        key_usage(&w, 0).await,
        20,
        "the key's sync budget moved by 20 at most"
    );
    assert_eq!(w.snapshot(org).await, before, "nothing changed");

    // Other keys are checked as usual, and the key's owner can still save without a check.
    let other = w
        .admin_call(
            Method::POST,
            &integrations(w.t.org_b),
            w.t.admin_b,
            Some(w.integration_body(1)),
        )
        .await;
    assert_eq!(other.status, 200, "{:?}", other.body);
    let owner = w
        .admin_call(
            Method::POST,
            &integrations(w.t.org_a),
            w.t.admin_a,
            Some(unverified(&w, 0)),
        )
        .await;
    assert_eq!(owner.status, 200, "{:?}", owner.body);
    assert_eq!(key_usage(&w, 0).await, 20);
}

/// Anyone can create orgs, so the per-org limit alone would not bound one user's saves.
#[tokio::test]
async fn a_user_gets_ten_saves_per_ten_minutes_across_their_orgs() {
    let w = World::new().await;
    let (founder, first) = new_org(&w, "First").await;
    let second = new_org_of(&w, founder, "Second").await;
    let third = new_org_of(&w, founder, "Third").await;
    for org in [first, second] {
        for n in 0..5 {
            let reply = w
                .admin_call(
                    Method::POST,
                    &integrations(org),
                    founder,
                    Some(unverified(&w, 0)),
                )
                .await;
            assert!(
                reply.status == 200 || reply.status == 201,
                "save {n} in {org}: {:?}",
                reply.body
            );
        }
    }
    let before = w.snapshot(third).await;
    let refused = w
        .admin_call(
            Method::POST,
            &integrations(third),
            founder,
            Some(unverified(&w, 0)),
        )
        .await;
    assert_eq!(refused.status, 429, "{:?}", refused.body);
    assert_eq!(refused.body["error"], "too_many_saves");
    assert!(refused.body["request_id"].is_string());
    assert_eq!(w.snapshot(third).await, before, "nothing changed");

    // The limit is the user's: another admin saves in their own org as usual.
    let other = w
        .admin_call(
            Method::POST,
            &integrations(w.t.org_a),
            w.t.admin_a,
            Some(unverified(&w, 0)),
        )
        .await;
    assert_eq!(other.status, 200, "{:?}", other.body);
}
