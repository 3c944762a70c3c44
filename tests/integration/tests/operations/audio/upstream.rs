//! The way to MightyCall: stored links that expired, links on foreign hosts, every request counted,
//! and clear answers when MightyCall or the budget says no.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderMap;
use mightycall_fake::{Fault, FaultRule};
use serde_json::json;
use tokio::net::TcpListener;

use super::{counted, play, recorded_call, recording_id, recording_path, requests_to, world};

const FILES: &str = "/Mightycall/Files/";

async fn stored_link(w: &integration_tests::World, id: uuid::Uuid) -> String {
    w.db.admin()
        .await
        .query_one(
            "select url from mightycall_recordings where id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn an_expired_link_is_replaced_by_a_fresh_one_every_request_counted() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let id = recording_id(&w, w.t.org_a, &call).await;
    let path = recording_path(w.t.org_a, id);
    let file = w.fake.audio_file(call.id);
    let old_link = stored_link(&w, id).await;
    let call_path = format!("/v4/api/calls/{}", call.id);

    // The stored link works: one request, to the file.
    let (sent, usage) = (w.fake.requests(&w.api_key(0)), counted(&w, w.t.org_a).await);
    assert_eq!(play(&w, &path, w.t.agent_a, None).await.status, 200);
    assert_eq!(w.fake.requests(&w.api_key(0)) - sent, 1);
    assert_eq!(counted(&w, w.t.org_a).await - usage, 1);
    assert_eq!(requests_to(&w, 0, &call_path), 0);

    // Expired: refused (403), the call read again for a fresh link, the file fetched through it.
    w.fake.expire_record_links();
    let (sent, usage) = (w.fake.requests(&w.api_key(0)), counted(&w, w.t.org_a).await);
    let reply = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(reply.status, 200, "{:?}", reply.error());
    assert!(reply.body[..] == file[..]);
    assert_eq!(requests_to(&w, 0, &call_path), 1, "/calls/{{id}} read once");
    assert_eq!(w.fake.requests(&w.api_key(0)) - sent, 3);
    assert_eq!(counted(&w, w.t.org_a).await - usage, 3, "all three counted");
    let new_link = stored_link(&w, id).await;
    assert_ne!(new_link, old_link, "the fresh link is kept");

    // The next chunk uses the kept link: one request again.
    let sent = w.fake.requests(&w.api_key(0));
    let reply = play(&w, &path, w.t.agent_a, Some("bytes=0-99")).await;
    assert_eq!(reply.status, 206);
    assert_eq!(w.fake.requests(&w.api_key(0)) - sent, 1);
    assert_eq!(requests_to(&w, 0, &call_path), 1);
}

/// A server on another loopback port that records what it is sent.
async fn foreign_host() -> (String, Arc<Mutex<Vec<HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = Router::new().fallback(move |request: Request| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(request.headers().clone());
            ([("content-type", "audio/wav")], "RIFF-not-from-mightycall")
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/Mightycall/Files/steal.wav?recordid=x",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test]
async fn a_link_to_a_foreign_host_is_never_followed_nor_given_the_token() {
    let w = world().await;
    let (foreign, seen) = foreign_host().await;
    let call = recorded_call(&w, 0, 0);
    let id = recording_id(&w, w.t.org_a, &call).await;
    let path = recording_path(w.t.org_a, id);
    let admin = w.db.admin().await;
    let set_link = "update mightycall_recordings set url = $2 where id = $1";

    // A stored link elsewhere: MightyCall is asked for its own, which plays.
    admin.execute(set_link, &[&id, &foreign]).await.unwrap();
    let reply = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(reply.status, 200, "{:?}", reply.error());
    assert!(reply.body[..] == w.fake.audio_file(call.id)[..]);
    assert_ne!(stored_link(&w, id).await, foreign);

    // MightyCall itself names a foreign link: nothing to play, and nothing sent there.
    w.fake.patch_record(
        &call.id.to_string(),
        json!({"callRecord": {"fileName": "x.wav", "uri": foreign}}),
    );
    admin.execute(set_link, &[&id, &foreign]).await.unwrap();
    let reply = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error()["message"], "audio not found");
    assert!(
        seen.lock().unwrap().is_empty(),
        "the foreign host got a request"
    );
}

#[tokio::test]
async fn mightycall_down_is_503_and_a_spent_budget_429() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);

    w.fake.push_fault(
        FaultRule::once(Fault::ServerError { status: 503 })
            .always()
            .on_path(FILES),
    );
    let reply = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.error()["error"], "unavailable");
    assert_eq!(
        reply.error()["message"],
        "MightyCall is unavailable, retry later"
    );
    assert_eq!(requests_to(&w, 0, FILES), 2, "one retry at most");
    w.fake.clear_faults();

    // The api key's budget for today is spent: nothing is sent.
    w.db.admin()
        .await
        .execute("update mightycall_key_usage set requests = 2500", &[])
        .await
        .unwrap();
    let sent = w.fake.requests(&w.api_key(0));
    let reply = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.error()["error"], "mightycall_budget_spent");
    assert_eq!(w.fake.requests(&w.api_key(0)), sent);

    // MightyCall's own quota (429 until tomorrow): asked once, not waited for.
    w.db.admin()
        .await
        .execute("update mightycall_key_usage set requests = 0", &[])
        .await
        .unwrap();
    w.fake.set_quota(Some(0));
    let reply = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.error()["error"], "mightycall_rate_limited");
}

#[tokio::test]
async fn a_disabled_integration_is_409_and_sends_nothing() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);
    w.db.admin()
        .await
        .execute(
            "update org_integrations set enabled = false where org_id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let sent = w.fake.requests(&w.api_key(0));
    let reply = play(&w, &path, w.t.manager_a, None).await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.error()["error"], "integration_disabled");
    assert_eq!(w.fake.requests(&w.api_key(0)), sent);
}
