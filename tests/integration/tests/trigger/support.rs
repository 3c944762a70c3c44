use axum::body::Body;
use axum::http::{Method, Request};
use integration_tests::World;
use serde_json::{Value, json};
use test_harness::http::{Reply, call, send};
use test_harness::identity;
use uuid::Uuid;

/// Two keys valid at once, as during a rotation.
pub const KEY_1: &str = "svc-key-one-0123456789abcdef0123456789";
pub const KEY_2: &str = "svc-key-two-0123456789abcdef0123456789";

/// The sync tests' world (orgs A and B connected to fake accounts 0 and 1) with both service keys.
pub async fn world() -> World {
    World::builder()
        .connected()
        .secrets(|_| json!({ "SERVICE_KEYS": format!("{KEY_1}, {KEY_2}") }))
        .build()
        .await
}

/// Requests to the trigger function and what they leave behind.
pub trait TriggerCalls {
    /// `POST /api/trigger` with the given headers and raw body.
    async fn post(&self, headers: &[(&str, String)], body: &str) -> Reply;
    async fn with_key(&self, key: &str, body: &Value) -> Reply;
    /// A new webhook token for `org`, issued through the admin route by `admin`.
    async fn webhook_token(&self, org: Uuid, admin: Uuid) -> String;
    async fn generate_token(&self, org: Uuid, user: Uuid) -> Reply;
    async fn webhook(&self, org: impl std::fmt::Display, token: &str, body: &Value) -> Reply;
    async fn jobs(&self) -> i64;
    /// Every row of `audit_log`, as the service role sees them.
    async fn audit_rows(&self) -> i64;
    /// Requests counted against `org`'s MightyCall budget today.
    async fn budget_used(&self, org: Uuid) -> i64;
    /// Audit actions of the `service` actor, oldest first, with their details.
    async fn service_audit(&self) -> Vec<(String, Value)>;
}

impl TriggerCalls for World {
    async fn post(&self, headers: &[(&str, String)], body: &str) -> Reply {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/api/trigger")
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        send(
            &self.trigger().await,
            request.body(Body::from(body.to_owned())),
        )
        .await
    }

    async fn with_key(&self, key: &str, body: &Value) -> Reply {
        self.post(&[("x-service-key", key.to_owned())], &body.to_string())
            .await
    }

    async fn webhook_token(&self, org: Uuid, admin: Uuid) -> String {
        let reply = self.generate_token(org, admin).await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body["webhook_token"].as_str().unwrap().to_owned()
    }

    async fn generate_token(&self, org: Uuid, user: Uuid) -> Reply {
        call(
            &self.admin().await,
            Method::POST,
            &format!("/api/admin/orgs/{org}/integrations/mightycall/webhook-token"),
            Some(&identity::token(user, "x@example.test")),
            None,
        )
        .await
    }

    async fn webhook(&self, org: impl std::fmt::Display, token: &str, body: &Value) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/webhooks/mightycall/{org}/{token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()));
        send(&self.trigger().await, request).await
    }

    async fn jobs(&self) -> i64 {
        self.count("select count(*) from integration_sync_jobs", &[])
            .await
    }

    async fn audit_rows(&self) -> i64 {
        let tx = self.deps.db.as_service().await.unwrap();
        let rows = tx
            .client()
            .query_one("select count(*) from audit_log", &[])
            .await
            .unwrap()
            .get(0);
        tx.commit().await.unwrap();
        rows
    }

    async fn budget_used(&self, org: Uuid) -> i64 {
        self.count(
            "select coalesce(sum(requests), 0)::bigint from mightycall_request_usage where org_id = $1",
            &[&org],
        )
        .await
    }

    async fn service_audit(&self) -> Vec<(String, Value)> {
        self.db
            .admin()
            .await
            .query(
                "select action, details from audit_log where actor_kind = 'service' order by id",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    }
}

/// A MightyCall webhook payload for call `call` signed by nobody, as MightyCall sends it.
pub fn event(api_key: &str, call: &str, kind: &str, extension: Option<&str>, at: &str) -> Value {
    json!({
        "Body": { "From": "+15559371200", "To": "+15550347567", "Id": call, "Extension": extension },
        "Guid": Uuid::new_v4().to_string(),
        "ApiKey": api_key,
        "Timestamp": at,
        "EventType": kind,
    })
}

/// `(request id, reason)` of every refused trigger request in the captured JSON logs.
pub fn logged_refusals(logs: &str) -> Vec<(String, String)> {
    logs.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|l| l["fields"]["message"] == "trigger request refused")
        .map(|l| {
            (
                l["span"]["request_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                l["fields"]["reason"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

/// Job ids of a 202 body (one job or several).
pub fn job_ids(body: &Value) -> Vec<Uuid> {
    match body["jobs"].as_array() {
        Some(jobs) => jobs
            .iter()
            .map(|j| j["job_id"].as_str().unwrap().parse().unwrap())
            .collect(),
        None => vec![body["job_id"].as_str().unwrap().parse().unwrap()],
    }
}

/// The `x-signature` header a signing client sends: `t=<unix>,v1=<hex hmac-sha256 of "t.body">`.
pub fn sign(key: &str, time: i64, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(format!("{time}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={time},v1={hex}")
}
