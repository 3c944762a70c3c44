//! Every sample event in `events/operations` goes through the Lambda request path (lambda_http's
//! own parser) into the real router and succeeds, so samples cannot rot.

use integration_tests::World;
use integration_tests::events::{SAMPLE_ORG, replay};

#[tokio::test]
async fn every_operations_sample_event_succeeds() {
    let w = World::new().await;
    w.db.admin()
        .await
        .execute(
            "update org_users set mightycall_extension = '101' where user_id = $1",
            &[&w.t.agent_a],
        )
        .await
        .unwrap();
    let token = w.token(w.t.agent_a);
    let replies = replay(
        "operations",
        &["live-status.json"],
        &w.operations().await,
        |text| {
            text.replace("DEMO_TOKEN", &token)
                .replace(SAMPLE_ORG, &w.t.org_a.to_string())
        },
    )
    .await;
    for (name, reply) in &replies {
        assert_eq!(reply.status, 200, "{name}: {}", reply.text());
    }
    let live = replies[0].1.json();
    assert_eq!(live["agents"][0]["extension"], "101");
    assert_eq!(live["agents"][0]["state"], "unknown");
}
