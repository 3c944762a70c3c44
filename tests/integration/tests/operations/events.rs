//! Every sample event in `events/operations` goes through the Lambda request path (lambda_http's
//! own parser) into the real router and succeeds, so samples cannot rot.

use integration_tests::events::{SAMPLE_ORG, replay};

use crate::sms::{number, sends, world};

#[tokio::test]
async fn every_operations_sample_event_succeeds() {
    let (w, ops) = world().await;
    w.db.admin()
        .await
        .execute(
            "update org_users set mightycall_extension = '101' where user_id = $1",
            &[&w.t.agent_a],
        )
        .await
        .unwrap();
    let from = number(&w, w.t.org_a, "enabled").await;
    // An agent reads the live status; sending takes a manager.
    let (agent, manager) = (w.token(w.t.agent_a), w.token(w.t.manager_a));
    let replies = replay(
        "operations",
        &["live-status.json", "sms-send.json"],
        &ops,
        |text| {
            let token = if text.contains("/api/sms/send") {
                &manager
            } else {
                &agent
            };
            text.replace("DEMO_TOKEN", token)
                .replace(SAMPLE_ORG, &w.t.org_a.to_string())
                .replace("DEMO_SMS_FROM", &from)
        },
    )
    .await;
    let (live, sent) = (&replies[0].1, &replies[1].1);
    assert_eq!(live.status, 200, "{}", live.text());
    assert_eq!(live.json()["agents"][0]["extension"], "101");
    assert_eq!(live.json()["agents"][0]["state"], "unknown");
    assert_eq!(sent.status, 201, "{}", sent.text());
    assert_eq!(sent.json()["message"]["business_number"], from.as_str());
    assert_eq!(sends(&w, 0), 1);
}
