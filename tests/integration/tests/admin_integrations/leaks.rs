//! No credential, token or key appears in logs or responses, whatever the outcome of the request.

use axum::http::Method;
use serde_json::json;
use test_harness::identity::JWT_SECRET;

use integration_tests::World;

#[tokio::test]
async fn secrets_never_reach_logs_or_responses() {
    let capture = test_harness::logs::capture();
    let w = World::new().await;
    let keys = w.fake.accounts()[0].clone();
    let mut responses = Vec::new();

    let integrations = format!("/api/admin/orgs/{}/integrations", w.t.org_a);
    responses.push(
        w.admin_call(
            Method::POST,
            &integrations,
            w.t.admin_a,
            Some(w.integration_body(0)),
        )
        .await,
    );
    let mut wrong = w.integration_body(0);
    wrong["credentials"]["user_key"] = json!("wrong-user-key-that-must-not-leak");
    responses.push(
        w.admin_call(Method::POST, &integrations, w.t.admin_a, Some(wrong))
            .await,
    );
    let mut typo = w.integration_body(0);
    typo["credentials"]["api_key"] = json!(123456789);
    responses.push(
        w.admin_call(Method::POST, &integrations, w.t.admin_a, Some(typo))
            .await,
    );
    responses.push(
        w.admin_call(Method::GET, &integrations, w.t.admin_a, None)
            .await,
    );
    let invite = w
        .admin_call(
            Method::POST,
            &format!("/api/admin/orgs/{}/invites", w.t.org_a),
            w.t.admin_a,
            Some(json!({ "email": "leak@example.test", "role": "agent" })),
        )
        .await;
    let invite_token = invite.body["invite_token"].as_str().unwrap().to_owned();
    responses.push(
        w.admin_call(
            Method::GET,
            &format!("/api/admin/orgs/{}/audit", w.t.org_a),
            w.t.admin_a,
            None,
        )
        .await,
    );
    responses.push(
        w.call(
            &w.user(),
            Method::GET,
            "/api/user/profile",
            w.t.admin_a,
            None,
        )
        .await,
    );

    // The MightyCall token the integration cached, recovered from its ciphertext.
    let access_token = w.cached_access_token(w.t.org_a).await;

    let secrets = [
        keys.api_key.clone(),
        keys.user_key.clone(),
        "wrong-user-key-that-must-not-leak".to_owned(),
        JWT_SECRET.to_owned(),
        "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=".to_owned(),
        w.token(w.t.admin_a),
        access_token,
    ];
    let text = capture.text();
    assert!(
        text.contains("request"),
        "the capture sees this process's logs"
    );
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a secret appears in the logs"
        );
        for reply in &responses {
            assert!(
                !reply.body.to_string().contains(secret.as_str()),
                "a secret appears in a response: {:?}",
                reply.body
            );
        }
    }
    assert!(
        !text.contains(&invite_token),
        "the invite token appears in the logs"
    );
    let audit =
        w.db.admin()
            .await
            .query("select details::text from audit_log", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n");
    for secret in &secrets {
        assert!(
            !audit.contains(secret.as_str()),
            "a secret appears in the audit log"
        );
    }
}
