//! `x-signature: t=<unix>,v1=<hex hmac-sha256 of "t.body">` in place of the key.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use integration_tests::World;

use crate::support::{KEY_1, KEY_2, TriggerCalls, job_ids, logged_refusals, sign, world};

#[tokio::test]
async fn signed_requests_pass_once_within_five_minutes() {
    let capture = test_harness::logs::capture();
    let w = world().await;
    let body = json!({ "orgId": w.t.org_a, "action": "sync-contacts" }).to_string();
    let now = chrono::Utc::now().timestamp();
    let signature = sign(KEY_2, now, &body);
    let ok = w.post(&[("x-signature", signature.clone())], &body).await;
    assert_eq!(ok.status, 202, "{:?}", ok.body);
    w.finished(job_ids(&ok.body)[0]).await;
    let replayed = w.post(&[("x-signature", signature)], &body).await;
    assert_eq!(
        (replayed.status, replayed.body["error"].as_str()),
        (401, Some("signature_replayed"))
    );

    let skewed = sign(KEY_1, now - 240, &body);
    let ok = w.post(&[("x-signature", skewed)], &body).await;
    assert_eq!(
        ok.status, 202,
        "4 minutes of clock skew pass: {:?}",
        ok.body
    );
    w.finished(job_ids(&ok.body)[0]).await;

    let other_body = json!({ "orgId": w.t.org_b, "action": "sync-contacts" }).to_string();
    let refused = [
        (sign(KEY_1, now - 330, &body), "signature_expired"),
        (sign(KEY_1, now + 330, &body), "signature_expired"),
        // No time is too absurd to be judged: never a timestamp overflow in the database.
        (sign(KEY_1, i64::MAX, &body), "signature_expired"),
        (sign(KEY_1, i64::MIN, &body), "signature_expired"),
        (sign(KEY_1, now, &other_body), "invalid_signature"),
        (
            sign("not-a-configured-key-0123456789abcdef", now, &body),
            "invalid_signature",
        ),
        (format!("t={now}"), "invalid_signature_header"),
        (format!("t={now},v1=zz"), "invalid_signature_header"),
        ("garbage".to_owned(), "invalid_signature_header"),
    ];
    let before = w.jobs().await;
    for (header, code) in &refused {
        let reply = w.post(&[("x-signature", header.clone())], &body).await;
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (401, Some(*code)),
            "{header}"
        );
        let request = reply.body["request_id"].as_str().unwrap().to_owned();
        let logs = capture.text();
        assert!(
            logged_refusals(&logs).contains(&(request, (*code).to_owned())),
            "{header} is logged"
        );
        assert!(
            !logs.contains(header.as_str()),
            "the signature is not logged"
        );
    }
    assert_eq!(w.jobs().await, before);
    let audit = w.service_audit().await;
    assert_eq!(
        audit
            .iter()
            .filter(|(a, _)| a == "trigger.accepted")
            .count(),
        2
    );
    assert!(
        audit
            .iter()
            .any(|(_, d)| d["auth"] == "signature" && d["key_index"] == 1)
    );
    assert!(
        audit.iter().all(|(a, _)| a == "trigger.accepted"),
        "refused signatures write no audit row"
    );
    assert_eq!(
        w.count("select count(*) from trigger_replay", &[]).await,
        2,
        "only accepted signatures are remembered"
    );
}

/// The database's clock in whole unix seconds.
async fn database_now(w: &World) -> i64 {
    w.count("select floor(extract(epoch from now()))::bigint", &[])
        .await
}

#[tokio::test]
async fn signatures_are_judged_by_the_database_clock_alone() {
    // This function's clock ten minutes ahead of the database's: it must not matter.
    let w = world()
        .await
        .with_clock(|| Utc::now() + TimeDelta::minutes(10));
    let org = w.t.org_a;
    let cases = [
        ("sync-contacts", -295, 202, None),
        ("sync-sms", 295, 202, None),
        ("sync-voicemails", -305, 401, Some("signature_expired")),
        ("sync-recordings", 305, 401, Some("signature_expired")),
    ];
    for (action, offset, status, code) in cases {
        let body = json!({ "orgId": org, "action": action }).to_string();
        let signed_at = database_now(&w).await + offset;
        let reply = w
            .post(&[("x-signature", sign(KEY_1, signed_at, &body))], &body)
            .await;
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (status, code),
            "{offset}s from the database's clock: {:?}",
            reply.body
        );
        if status == 202 {
            w.finished(job_ids(&reply.body)[0]).await;
        }
    }

    // This function's clock behind the database's: a signature accepted near the end of its
    // window stays refused after the database forgot it.
    let w = w.with_clock(|| Utc::now() - TimeDelta::seconds(290));
    let body = json!({ "orgId": org, "action": "sync-phone-numbers" }).to_string();
    let signature = sign(KEY_1, database_now(&w).await - 297, &body);
    let ok = w.post(&[("x-signature", signature.clone())], &body).await;
    assert_eq!(ok.status, 202, "{:?}", ok.body);
    w.finished(job_ids(&ok.body)[0]).await;
    let jobs = w.jobs().await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let replayed = w.post(&[("x-signature", signature)], &body).await;
    assert_eq!(
        (replayed.status, replayed.body["error"].as_str()),
        (401, Some("signature_expired")),
        "{:?}",
        replayed.body
    );
    assert_eq!(w.jobs().await, jobs, "the replay queued nothing");
}
