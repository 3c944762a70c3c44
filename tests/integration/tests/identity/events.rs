//! Every sample event in `events/user` and `events/admin-integrations` goes through the Lambda
//! request path (lambda_http's own parser) into the real router and succeeds, so samples cannot rot.
//! Samples carry placeholders (`DEMO_TOKEN`, `DEMO_PLATFORM_ADMIN_TOKEN`, fixed org/member ids,
//! `DEMO_API_KEY`) that the test swaps for live tokens, the seeded ids and a fake MightyCall account.

use std::path::Path;

use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::World;

const SAMPLE_ORG: &str = "11111111-1111-4111-8111-111111111111";
const SAMPLE_MEMBER: &str = "22222222-2222-4222-8222-222222222222";

async fn run_samples(w: &World, function: &str, router: &axum::Router, expected: &[(&str, u16)]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../events")
        .join(function);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut listed: Vec<String> = expected.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(
        names, listed,
        "every sample has an expectation and vice versa"
    );
    let keys = w.fake.accounts()[0].clone();
    // Order matters for the writes (e.g. delete the member last).
    for (name, status) in expected {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap()
            .replace("DEMO_TOKEN", &w.token(w.t.admin_a))
            .replace("DEMO_PLATFORM_ADMIN_TOKEN", &w.token(w.t.platform_admin))
            .replace(SAMPLE_ORG, &w.t.org_a.to_string())
            .replace(SAMPLE_MEMBER, &w.t.agent_a.to_string())
            .replace("DEMO_API_KEY", &keys.api_key)
            .replace("DEMO_USER_KEY", &keys.user_key);
        // The body's length changed with the substitutions; API Gateway would send the real one.
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        if let Some(body) = event["body"].as_str().map(str::len) {
            event["headers"]["content-length"] = body.to_string().into();
        }
        let request = lambda_http::request::from_str(&event.to_string()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let got = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            got,
            *status,
            "{function}/{name}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[tokio::test]
async fn every_user_sample_event_succeeds() {
    let w = World::new().await;
    run_samples(
        &w,
        "user",
        &w.user,
        &[
            ("get-profile.json", 200),
            ("get-orgs.json", 200),
            ("post-onboard.json", 201),
        ],
    )
    .await;
}

#[tokio::test]
async fn every_admin_sample_event_succeeds() {
    let w = World::new().await;
    run_samples(
        &w,
        "admin-integrations",
        &w.admin,
        &[
            ("list-integrations.json", 200),
            ("save-integration.json", 200),
            ("update-integration.json", 200),
            ("list-members.json", 200),
            ("create-invite.json", 201),
            ("update-member.json", 200),
            ("list-audit.json", 200),
            ("delete-member.json", 204),
            ("delete-integration.json", 204),
            ("bind-platform-account.json", 201),
            ("unbind-platform-account.json", 204),
        ],
    )
    .await;
}
