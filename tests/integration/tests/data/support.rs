use axum::http::{HeaderMap, Method};
use integration_tests::World;
use serde_json::Value;
use test_harness::http::Reply;
use uuid::Uuid;

/// The seeded calls cover January 2026 (UTC); org B's rows carry this marker so leaks show.
pub const RANGE: &str = "startDate=2026-01-01&endDate=2026-01-31";
pub const B_MARKER: &str = "SecretOfB";

/// The seeded tenants with calls, recordings, voicemails, messages, contacts and numbers in January.
pub async fn world() -> World {
    let w = World::new().await;
    let admin = w.db.admin().await;
    seed(&admin, w.t.org_a, 300, "A").await;
    seed(&admin, w.t.org_b, 200, B_MARKER).await;
    w
}

/// Reads from the data function.
pub trait DataCalls {
    async fn get(&self, path: &str, as_user: Uuid) -> Reply;
    /// A GET whose answer may not be JSON: status, headers and body text.
    async fn get_raw(
        &self,
        path: &str,
        as_user: Uuid,
        accept: Option<&str>,
    ) -> (u16, HeaderMap, String);
    /// Rows of an admin (RLS-free) query as JSON, for expected figures.
    async fn expect(&self, sql: &str, org: Uuid) -> Vec<Value>;
}

impl DataCalls for World {
    async fn get(&self, path: &str, as_user: Uuid) -> Reply {
        self.call(&self.data(), Method::GET, path, as_user, None)
            .await
    }

    async fn get_raw(
        &self,
        path: &str,
        as_user: Uuid,
        accept: Option<&str>,
    ) -> (u16, HeaderMap, String) {
        let headers: Vec<(&str, &str)> = accept.map(|a| ("accept", a)).into_iter().collect();
        let (status, headers, bytes) = self.get_bytes(&self.data(), path, as_user, &headers).await;
        (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
    }

    async fn expect(&self, sql: &str, org: Uuid) -> Vec<Value> {
        let sql = format!("select coalesce(json_agg(q), '[]')::text from ({sql}) q");
        let text: String = self
            .db
            .admin()
            .await
            .query_one(&sql, &[&org])
            .await
            .unwrap()
            .get(0);
        serde_json::from_str::<Vec<Value>>(&text).unwrap()
    }
}

/// Calls spread over January 2026 with every direction, status, agent and number (and their
/// absence), plus recordings, voicemails, messages and contacts. `tag` goes into names and texts.
async fn seed(admin: &tokio_postgres::Client, org: Uuid, calls: i32, tag: &str) {
    admin
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                business_number, agent_extension, caller_number, caller_name)
             select $1, $3 || '-call-' || i,
                    timestamptz '2026-01-01 00:00:00+00' + i * interval '143 minutes' + i * interval '7 seconds',
                    (array['incoming', 'outgoing', 'unknown'])[1 + i % 3],
                    (array['connected', 'missed', 'voicemail', 'dropped', 'unknown', null])[1 + i % 6],
                    case when i % 7 = 0 then null else i * 1000 + 17 end,
                    (array['+12125550100', '+12125550101', '+12125550102', null])[1 + i % 4],
                    (array['101', '102', '103', '104', null])[1 + i % 5],
                    '+1555' || lpad(i::text, 7, '0'),
                    $3 || ' Caller ' || i
             from generate_series(1, $2) i",
            &[&org, &calls, &tag],
        )
        .await
        .unwrap();
    admin
        .batch_execute(&format!(
            "insert into mightycall_recordings (org_id, external_id, recorded_at, duration_ms, direction, url, file_name)
             select '{org}', '{tag}-rec-' || i, timestamptz '2026-01-02 00:00:00+00' + i * interval '1 day', i * 1000,
                    'incoming', 'https://example.test/{tag}/' || i || '.mp3', '{tag}-' || i || '.mp3'
             from generate_series(1, 25) i;
             insert into mightycall_voicemails (org_id, external_id, received_at, from_number, transcript)
             select '{org}', '{tag}-vm-' || i, timestamptz '2026-01-03 00:00:00+00' + i * interval '1 day',
                    '+1555000' || i, '{tag} says hello ' || i
             from generate_series(1, 12) i;
             insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, client_number, body)
             select '{org}', '{tag}-sms-' || i, timestamptz '2026-01-04 00:00:00+00' + (i % 5) * interval '1 day',
                    'inbound', '+1555000' || i, '{tag} text, \"quoted\" ' || i
             from generate_series(1, 14) i;
             insert into mightycall_contacts (org_id, external_id, first_name, last_name, phones, source_updated_at, deleted_at)
             select '{org}', '{tag}-ct-' || i, '{tag}', 'Contact ' || i, array['+1555000' || i],
                    case when i % 3 = 0 then null else timestamptz '2026-01-05 00:00:00+00' + i * interval '1 hour' end,
                    case when i = 10 then now() end
             from generate_series(1, 10) i;
             insert into phone_numbers (org_id, external_id, number, label, deleted_at)
             values ('{org}', '{tag}-pn-1', '+12125550100', '{tag} main', null),
                    ('{org}', '{tag}-pn-2', '+12125550199', '{tag} old', now());"
        ))
        .await
        .unwrap();
}

/// Every data route for `org`, with the name of the list in its body.
pub fn routes(org: Uuid) -> Vec<(String, &'static str)> {
    let q = format!("orgId={org}&{RANGE}");
    let mut routes = vec![
        (
            format!("/api/mightycall/phone-numbers?orgId={org}"),
            "phone_numbers",
        ),
        (format!("/api/mightycall/recordings?{q}"), "recordings"),
        (format!("/api/mightycall/voicemails?{q}"), "voicemails"),
        (format!("/api/mightycall/contacts?orgId={org}"), "contacts"),
        (format!("/api/sms/messages?{q}"), "messages"),
        (format!("/api/dashboard/metrics?{q}"), "series"),
    ];
    for kind in ["calls", "daily", "agents", "numbers"] {
        routes.push((
            format!("/api/mightycall/reports?type={kind}&{q}"),
            "reports",
        ));
    }
    routes
}

/// The same figures the API reports, computed naively from `calls` for the grouped reports.
pub fn naive_stats(key: &str, filter: &str) -> String {
    format!(
        "select {key} as key, count(*) as total,
                count(*) filter (where status = 'connected') as answered,
                count(*) filter (where status in ('missed', 'dropped')) as missed,
                count(*) filter (where status = 'voicemail') as voicemail,
                coalesce(sum(duration_ms) filter (where status = 'connected'), 0) as talk_time_ms
         from calls
         where org_id = $1 and started_at >= '2026-01-01T00:00:00Z' and started_at < '2026-02-01T00:00:00Z' {filter}
         group by 1 order by 1"
    )
}
