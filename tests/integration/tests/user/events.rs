//! Every sample event in `events/user` goes through the Lambda request path into the real router
//! and succeeds, so samples cannot rot. Samples carry `DEMO_TOKEN` and a fixed org id, which the
//! test swaps for a live token and the seeded org.

use integration_tests::World;
use integration_tests::events::{SAMPLE_ORG, replay};

#[tokio::test]
async fn every_user_sample_event_succeeds() {
    let w = World::new().await;
    let expected = [
        ("get-profile.json", 200),
        ("get-orgs.json", 200),
        ("post-onboard.json", 201),
        ("get-org-settings.json", 200),
        ("patch-org-settings.json", 200),
    ];
    let order = expected.map(|(name, _)| name);
    let token = w.token(w.t.admin_a);
    let replies = replay("user", &order, &w.user(), |text| {
        text.replace("DEMO_TOKEN", &token)
            .replace(SAMPLE_ORG, &w.t.org_a.to_string())
    })
    .await;
    for ((name, reply), (_, status)) in replies.iter().zip(expected) {
        assert_eq!(reply.status, status, "user/{name}: {}", reply.text());
    }
}
