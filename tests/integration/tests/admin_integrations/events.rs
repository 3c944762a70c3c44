//! Every sample event in `events/admin-integrations` goes through the Lambda request path into the
//! real router and succeeds, so samples cannot rot. Samples carry placeholders (`DEMO_TOKEN`,
//! `DEMO_PLATFORM_ADMIN_TOKEN`, fixed org/member ids, `DEMO_API_KEY`) that the test swaps for live
//! tokens, the seeded ids and a fake MightyCall account.

use integration_tests::World;
use integration_tests::events::{SAMPLE_MEMBER, SAMPLE_ORG, replay};

#[tokio::test]
async fn every_admin_sample_event_succeeds() {
    let w = World::new().await;
    // Order matters for the writes (e.g. delete the member last).
    let expected = [
        ("list-integrations.json", 200),
        ("save-integration.json", 200),
        ("update-integration.json", 200),
        ("list-members.json", 200),
        ("create-invite.json", 201),
        ("update-member.json", 200),
        ("set-member-extension.json", 200),
        ("list-audit.json", 200),
        ("delete-member.json", 204),
        ("delete-integration.json", 204),
        ("bind-platform-account.json", 201),
        ("unbind-platform-account.json", 204),
        ("list-platform-orgs.json", 200),
        ("create-platform-org.json", 201),
    ];
    let order = expected.map(|(name, _)| name);
    let keys = w.fake.accounts()[0].clone();
    let (admin, platform_admin) = (w.token(w.t.admin_a), w.token(w.t.platform_admin));
    let replies = replay("admin-integrations", &order, &w.admin().await, |text| {
        text.replace("DEMO_TOKEN", &admin)
            .replace("DEMO_PLATFORM_ADMIN_TOKEN", &platform_admin)
            .replace(SAMPLE_ORG, &w.t.org_a.to_string())
            .replace(SAMPLE_MEMBER, &w.t.agent_a.to_string())
            .replace("DEMO_API_KEY", &keys.api_key)
            .replace("DEMO_USER_KEY", &keys.user_key)
    })
    .await;
    for ((name, reply), (_, status)) in replies.iter().zip(expected) {
        assert_eq!(
            reply.status,
            status,
            "admin-integrations/{name}: {}",
            reply.text()
        );
    }
}
