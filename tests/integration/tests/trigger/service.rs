use serde_json::json;
use uuid::Uuid;

use integration_tests::world::succeeded;

use crate::support::{KEY_1, KEY_2, TriggerCalls, job_ids, logged_refusals, world};

#[tokio::test]
async fn both_keys_of_a_rotation_start_a_service_sync_and_are_audited() {
    let w = world().await;
    let org = w.t.org_a;
    for (key, index, action) in [(KEY_1, 0, "sync-reports"), (KEY_2, 1, "sync-sms")] {
        let reply = w
            .with_key(key, &json!({ "orgId": org, "action": action }))
            .await;
        assert_eq!(reply.status, 202, "{:?}", reply.body);
        assert_eq!(reply.body["created"], true);
        assert_eq!(reply.body["job"]["trigger"], "service");
        assert_eq!(reply.body["job"]["requested_by"], serde_json::Value::Null);
        assert_eq!(reply.body["job"]["org_id"], org.to_string());
        let job = w.finished(job_ids(&reply.body)[0]).await;
        succeeded(&job);
        let audit = w.service_audit().await;
        let (action_name, details) = audit.last().unwrap();
        assert_eq!(action_name, "trigger.accepted");
        assert_eq!(details["key_index"], index);
        assert_eq!(details["auth"], "service_key");
        let text = details.to_string();
        assert!(!text.contains(KEY_1) && !text.contains(KEY_2), "{text}");
    }
}

#[tokio::test]
async fn missing_or_wrong_keys_are_401_logged_and_write_nothing() {
    let capture = test_harness::logs::capture();
    let w = world().await;
    let body = json!({ "orgId": w.t.org_a, "action": "sync-all" }).to_string();
    let (jobs_before, audit_before) = (w.jobs().await, w.audit_rows().await);
    let wrong = [
        vec![],
        vec![("x-service-key", String::new())],
        vec![(
            "x-service-key",
            "wrong-key-0123456789abcdef0123456789".to_owned(),
        )],
        vec![("x-service-key", format!("{KEY_1}x"))],
        vec![("x-service-key", KEY_1[..KEY_1.len() - 1].to_owned())],
        vec![("authorization", format!("Bearer {KEY_1}"))],
        vec![("x-user-id", w.t.admin_a.to_string())],
    ];
    let mut refused = Vec::new();
    // Several rounds: an outsider's request count must not show up as rows.
    for _ in 0..3 {
        for headers in &wrong {
            let reply = w.post(headers, &body).await;
            assert_eq!(reply.status, 401, "{headers:?}: {:?}", reply.body);
            assert!(!reply.body.to_string().contains(KEY_1));
            refused.push((
                reply.body["request_id"].as_str().unwrap().to_owned(),
                reply.body["error"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert_eq!(w.jobs().await, jobs_before, "no job was queued");
    assert_eq!(
        w.audit_rows().await,
        audit_before,
        "{} refusals wrote no audit row",
        refused.len()
    );
    assert_eq!(refused[0].1, "missing_service_key");
    assert_eq!(refused[2].1, "invalid_service_key");
    let logs = capture.text();
    let logged = logged_refusals(&logs);
    for refusal in &refused {
        assert!(logged.contains(refusal), "{refusal:?} is logged");
    }
    assert!(!logs.contains(KEY_1), "the key is not logged");
}

#[tokio::test]
async fn every_action_queues_the_right_resources() {
    let w = world().await;
    let cases: [(&str, &[&str]); 7] = [
        ("sync-phone-numbers", &["phone_numbers"]),
        ("sync-reports", &["calls"]),
        ("sync-recordings", &["recordings"]),
        ("sync-sms", &["sms"]),
        ("sync-voicemails", &["voicemails"]),
        ("sync-contacts", &["contacts"]),
        (
            "sync-all",
            &[
                "phone_numbers",
                "calls",
                "recordings",
                "sms",
                "voicemails",
                "contacts",
            ],
        ),
    ];
    for (action, resources) in cases {
        let reply = w
            .with_key(KEY_1, &json!({ "orgId": w.t.org_b, "action": action }))
            .await;
        assert_eq!(reply.status, 202, "{action}: {:?}", reply.body);
        let mut got = Vec::new();
        for id in job_ids(&reply.body) {
            let job = w.finished(id).await;
            assert_eq!(job.org_id.as_uuid(), w.t.org_b);
            got.push(job.resource.as_str().to_owned());
        }
        assert_eq!(got, resources, "{action}");
    }
    let today = chrono::Utc::now().date_naive();
    let start = (today - chrono::Days::new(2)).to_string();
    let reply = w
        .with_key(
            KEY_1,
            &json!({ "orgId": w.t.org_a, "action": "sync-reports", "startDate": start, "endDate": today.to_string() }),
        )
        .await;
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    assert!(
        reply.body["job"]["window_start"]
            .as_str()
            .unwrap()
            .starts_with(&start)
    );
    w.finished(job_ids(&reply.body)[0]).await;
}

#[tokio::test]
async fn bad_input_is_a_4xx_json_error_and_queues_nothing() {
    let w = world().await;
    let org = w.t.org_a;
    let before = w.jobs().await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).to_string();
    let cases = [
        (json!({ "orgId": org, "action": "sync-everything" }).to_string(), 400, "unknown_action"),
        (json!({ "orgId": org, "action": "relay", "url": "https://evil.example" }).to_string(), 400, "invalid_body"),
        (json!({ "orgId": org, "action": "reports" }).to_string(), 400, "unknown_action"),
        (json!({ "action": "sync-all" }).to_string(), 400, "invalid_body"),
        (json!({ "orgId": "not-a-uuid", "action": "sync-all" }).to_string(), 400, "invalid_body"),
        (json!({ "orgId": org, "action": "sync-sms", "endDate": "2026-01-01" }).to_string(), 400, "invalid_date"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": "01/02/2026" }).to_string(), 400, "invalid_date"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": "2020-01-01" }).to_string(), 400, "range_too_long"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": soon, "endDate": soon }).to_string(), 400, "invalid_range"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": "2999-01-01", "endDate": "2999-01-02" }).to_string(), 400, "invalid_date"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": "-5000-1-01", "endDate": "-5000-1-02" }).to_string(), 400, "invalid_date"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": "1999-12-31", "endDate": "2000-01-01" }).to_string(), 400, "invalid_date"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": "+2026-1-01" }).to_string(), 400, "invalid_date"),
        (json!({ "orgId": org, "action": "sync-sms", "startDate": "2026-01-01\u{0}" }).to_string(), 400, "invalid_date"),
        (json!({ "orgId": org, "action": "sync-sms\u{0}" }).to_string(), 400, "unknown_action"),
        ("{not json".to_owned(), 400, "invalid_json"),
        (json!({ "orgId": Uuid::new_v4(), "action": "sync-all" }).to_string(), 404, "not_found"),
    ];
    for (body, status, code) in &cases {
        let reply = w.post(&[("x-service-key", KEY_1.to_owned())], body).await;
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (*status, Some(*code)),
            "{body}"
        );
    }
    assert_eq!(w.jobs().await, before, "no job was queued");
    // The caller holds a key: its refusals are audited, with which key.
    let audit = w.service_audit().await;
    assert_eq!(audit.len(), cases.len(), "every refusal is audited");
    assert!(
        audit
            .iter()
            .all(|(a, d)| a == "trigger.rejected" && d["key_index"] == 0 && d["status"] != 500),
        "{audit:?}"
    );
}
