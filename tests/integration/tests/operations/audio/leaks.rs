//! No MightyCall link, token or key reaches a client, the logs or the audit log, whatever the
//! outcome: played, refreshed, missing, refused, upstream down.

use mightycall_fake::{Fault, FaultRule};

use super::{
    play, recorded_call, recording_id, recording_path, send, voicemail_call, voicemail_id,
    voicemail_path, world,
};

/// Every link the rows have held so far.
async fn links(w: &integration_tests::World) -> Vec<String> {
    w.db.admin()
        .await
        .query(
            "select url from mightycall_recordings union select recording_url from mightycall_voicemails
             where recording_url is not null",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn no_link_or_token_reaches_a_response_the_logs_or_the_audit_log() {
    let capture = test_harness::logs::capture();
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);
    let vm = voicemail_call(&w, 0, 0);
    let vm_path = voicemail_path(w.t.org_a, voicemail_id(&w, w.t.org_a, &vm).await);
    let mut seen_links = links(&w).await;
    let mut replies = Vec::new();

    replies.push(play(&w, &path, w.t.agent_a, None).await);
    replies.push(play(&w, &vm_path, w.t.agent_a, Some("bytes=-100")).await);
    w.fake.expire_record_links();
    replies.push(play(&w, &path, w.t.agent_a, Some("bytes=5-")).await);
    replies.push(play(&w, &vm_path, w.t.agent_a, None).await);
    seen_links.extend(links(&w).await);
    replies.push(play(&w, &path, w.t.agent_a, Some("bytes=999999-")).await);
    w.fake
        .push_fault(FaultRule::once(Fault::ServerError { status: 502 }).times(2));
    replies.push(play(&w, &path, w.t.agent_a, None).await);
    w.fake.delete_audio(call.id);
    w.fake.expire_record_links();
    replies.push(play(&w, &path, w.t.agent_a, None).await);
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 206, 206, 200, 416, 503, 404]);
    // The lists and the call report name where the audio plays, never MightyCall's links.
    let query = format!("orgId={}&limit=500", w.t.org_a);
    for list in [
        "/api/mightycall/recordings",
        "/api/mightycall/voicemails",
        "/api/mightycall/reports",
    ] {
        for format in ["json", "csv"] {
            let path = format!("{list}?{query}&format={format}");
            let listed = send(&w, w.data(), &path, w.t.agent_a, None).await;
            assert_eq!(listed.status, 200, "{path}");
            replies.push(listed);
        }
    }
    let recordings = serde_json::from_slice::<serde_json::Value>(&replies[7].body).unwrap();
    let row = &recordings["recordings"][0];
    assert_eq!(
        row["audio_path"],
        format!(
            "/api/mightycall/recordings/{}/audio",
            row["id"].as_str().unwrap()
        )
    );

    let keys = w.fake.accounts()[0].clone();
    let mut secrets = vec![
        w.cached_access_token(w.t.org_a).await,
        keys.api_key,
        keys.user_key,
    ];
    // Each link whole and its identifying query: the record ids are not secret, the links are.
    assert!(seen_links.len() > 2);
    for link in &seen_links {
        secrets.push(link.clone());
        secrets.push(link.split_once('?').unwrap().1.to_owned());
    }
    secrets.push("Mightycall/Files".to_owned());

    let logs = capture.text();
    assert!(
        logs.contains("audio"),
        "the capture sees this process's logs"
    );
    let audit: Vec<String> =
        w.db.admin()
            .await
            .query("select details::text from audit_log", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    let audit = audit.join("\n");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a link or secret in the logs"
        );
        assert!(
            !audit.contains(secret.as_str()),
            "a link or secret in the audit log"
        );
        for reply in &replies {
            assert!(
                !reply.seen().contains(secret.as_str()),
                "a link or secret in a response ({})",
                reply.status
            );
        }
    }
}
