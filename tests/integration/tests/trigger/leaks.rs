//! Service keys, webhook tokens and MightyCall credentials never reach logs or responses, whether
//! a request is accepted or refused.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use crate::support::{KEY_1, KEY_2, TriggerCalls, event, world};

#[tokio::test]
async fn secrets_never_reach_logs_or_responses() {
    let capture = test_harness::logs::capture();
    let w = world().await;
    let (org, admin) = (w.t.org_a, w.t.admin_a);
    let keys = w.fake.accounts()[0].clone();
    let wrong_key = "svc-key-wrong-0123456789abcdef012345678";
    let mut replies = Vec::new();

    let body = json!({ "orgId": org, "action": "sync-sms" });
    replies.push(w.with_key(KEY_1, &body).await);
    replies.push(w.with_key(wrong_key, &body).await);
    replies.push(
        w.with_key(
            KEY_2,
            &json!({ "orgId": org, "action": "relay", "url": "https://evil.example" }),
        )
        .await,
    );

    let token = w.webhook_token(org, admin).await;
    let call = w
        .fake
        .add_calls(&keys.api_key, &[Utc::now() - TimeDelta::minutes(5)])[0]
        .id
        .to_string();
    let at = Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f0Z").to_string();
    let completed = event(&keys.api_key, &call, "IncomingCallCompleted", None, &at);
    replies.push(w.webhook(org, &token, &completed).await);
    replies.push(w.webhook(org, &format!("{token}x"), &completed).await);
    let foreign = event(&w.api_key(1), &call, "IncomingCallCompleted", None, &at);
    replies.push(w.webhook(org, &token, &foreign).await);
    assert_eq!(replies[0].status, 202, "{:?}", replies[0].body);
    assert_eq!(replies[3].status, 202, "{:?}", replies[3].body);

    let logs = capture.text();
    assert!(
        logs.contains("request"),
        "the capture sees this process's logs"
    );
    let secrets = [
        KEY_1,
        KEY_2,
        wrong_key,
        token.as_str(),
        keys.api_key.as_str(),
        keys.user_key.as_str(),
    ];
    for secret in secrets {
        assert!(!logs.contains(secret), "a secret appears in the logs");
        for reply in &replies {
            assert!(
                !reply.body.to_string().contains(secret),
                "a secret appears in a response: {:?}",
                reply.body
            );
        }
    }
    let stored = w
        .db
        .admin()
        .await
        .query("select payload::text from webhook_events union all select details::text from audit_log", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n");
    for secret in secrets {
        assert!(
            !stored.contains(secret),
            "a secret is stored in events or the audit log"
        );
    }
}
