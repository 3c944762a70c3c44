//! Recording and voicemail playback: a world synced from the fake MightyCall, whose files the
//! function must pass on byte for byte.

mod access;
mod lambda;
mod leaks;
mod playback;
mod upstream;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request};
use domain::Resource;
use http_body_util::BodyExt;
use integration_tests::World;
use mightycall_fake::{CallOutcome, FakeCall, FakeConfig};
use serde_json::Value;
use tower::ServiceExt;
use uuid::Uuid;

/// Org A on fake account 0 and org B on account 1, their calls, recordings and voicemails synced.
pub async fn world() -> World {
    let w = World::connected(FakeConfig::default()).await;
    for org in [w.t.org_a, w.t.org_b] {
        for resource in [Resource::Calls, Resource::Recordings, Resource::Voicemails] {
            integration_tests::world::succeeded(&w.sync_job(org, resource).await);
        }
    }
    w
}

/// A recorded, answered call of fake account `account`, skipping the first `nth` of them.
pub fn recorded_call(w: &World, account: usize, nth: usize) -> FakeCall {
    w.fake
        .account(&w.api_key(account))
        .unwrap()
        .calls
        .into_iter()
        .filter(|c| c.recorded && c.outcome == Some(CallOutcome::Connected))
        .nth(nth)
        .expect("the fake has recorded calls")
}

/// A voicemail of fake account `account`, skipping the first `nth`.
pub fn voicemail_call(w: &World, account: usize, nth: usize) -> FakeCall {
    w.fake
        .account(&w.api_key(account))
        .unwrap()
        .calls
        .into_iter()
        .filter(|c| c.outcome == Some(CallOutcome::VoiceMail))
        .nth(nth)
        .expect("the fake has voicemails")
}

/// Our row id of the recording of call `call` in `org`.
pub async fn recording_id(w: &World, org: Uuid, call: &FakeCall) -> Uuid {
    row_id(w, "mightycall_recordings", org, &call.id.to_string()).await
}

/// Our row id of the voicemail of `call` in `org`.
pub async fn voicemail_id(w: &World, org: Uuid, call: &FakeCall) -> Uuid {
    row_id(
        w,
        "mightycall_voicemails",
        org,
        &call.voicemail_id.to_string(),
    )
    .await
}

async fn row_id(w: &World, table: &str, org: Uuid, external_id: &str) -> Uuid {
    let sql = format!("select id from {table} where org_id = $1 and external_id = $2");
    w.db.admin()
        .await
        .query_one(&sql, &[&org, &external_id])
        .await
        .unwrap()
        .get(0)
}

pub fn recording_path(org: Uuid, id: Uuid) -> String {
    format!("/api/mightycall/recordings/{id}/audio?orgId={org}")
}

pub fn voicemail_path(org: Uuid, id: Uuid) -> String {
    format!("/api/mightycall/voicemails/{id}/audio?orgId={org}")
}

/// An answer of the operations function: status, headers and body.
pub struct Played {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Played {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON error body.
    pub fn error(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// Everything the client saw, as text (the audio bytes lossily).
    pub fn seen(&self) -> String {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(v.as_bytes())))
            .collect();
        format!(
            "{}\n{}",
            headers.join("\n"),
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// `GET path` of the operations function as `user`, with a `Range` header when given.
pub async fn play(w: &World, path: &str, user: Uuid, range: Option<&str>) -> Played {
    send(w, w.operations().await, path, user, range).await
}

/// `GET path` of `router` as `user`, with a `Range` header when given.
pub async fn send(
    w: &World,
    router: Router,
    path: &str,
    user: Uuid,
    range: Option<&str>,
) -> Played {
    let mut request =
        Request::get(path).header("authorization", format!("Bearer {}", w.token(user)));
    if let Some(range) = range {
        request = request.header("range", range);
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Played {
        status,
        headers,
        body,
    }
}

/// Requests the fake received for account `account` whose path contains `fragment`.
pub fn requests_to(w: &World, account: usize, fragment: &str) -> usize {
    w.fake
        .request_log(&w.api_key(account))
        .iter()
        .filter(|r| r.path.contains(fragment))
        .count()
}

/// MightyCall requests counted in `org`'s usage today.
pub async fn counted(w: &World, org: Uuid) -> i64 {
    w.count(
        "select coalesce(sum(requests), 0)::bigint from mightycall_request_usage where org_id = $1",
        &[&org],
    )
    .await
}

/// Audit entries of `action` on `target` by `user`.
pub async fn audited(w: &World, action: &str, target: Uuid, user: Uuid) -> i64 {
    w.count(
        "select count(*) from audit_log where action = $1 and target = $2 and actor_user_id = $3",
        &[&action, &target.to_string(), &user],
    )
    .await
}
