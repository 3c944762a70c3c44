//! `cargo run --release -p bench --bin live-status-bench [-- --events N]`: how soon a MightyCall
//! webhook shows in `GET /api/live-status`, over real HTTP on loopback. The `trigger` and
//! `operations` functions' routers are served by axum on 127.0.0.1 over the harness's PostgreSQL,
//! with the fake MightyCall answering the call fetches that whole-call ends cause. The org has 100
//! agents and a day of webhook history (3,000 calls) before the measured events, which go one at a
//! time: each is POSTed while a supervisor's client polls the live status back to back, and its
//! latency runs from the start of the POST to the first answer that shows its state. It prints
//! figures; it asserts nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use domain::{OrgId, WebhookToken};
use mightycall_fake::{FakeConfig, FakeMightyCall};
use serde_json::{Value, json};
use sync_engine::{SyncSettings, WiringConfig};
use test_harness::TestDb;
use test_harness::fixtures::Tenants;
use test_harness::identity;
use uuid::Uuid;

const AGENTS: u32 = 100;
const HISTORY_CALLS: u32 = 3_000;

/// Serves `router` on a free loopback port; its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// A day of calls at every agent, stored as the receiver stores webhooks (so the trigger builds
/// their legs): ring, connect, end of each call, in batches.
async fn fill_history(admin: &tokio_postgres::Client, org: Uuid) {
    admin
        .execute(
            "insert into mightycall_agents (org_id, extension, name)
             select $1, (1000 + g)::text, 'Agent ' || g from generate_series(0, $2::int - 1) g",
            &[&org, &(AGENTS as i32)],
        )
        .await
        .unwrap();
    for batch in 0..HISTORY_CALLS / 500 {
        admin
            .execute(
                "insert into webhook_events (org_id, event_guid, event_type, call_id, occurred_at, payload)
                 select $1, gen_random_uuid()::text, e.kind, c.id, c.at + e.after,
                        jsonb_build_object('Body', jsonb_build_object(
                          'From', '+1646555' || lpad((c.n % 9973)::text, 4, '0'), 'To', '+15550347567',
                          'Id', c.id, 'Extension', e.extension))
                 from (select g as n, 'hist-' || g as id, (1000 + g % $3::int)::text as ext,
                              now() - interval '23 hours' + g * interval '22 hours' / $4::int as at
                       from generate_series($2::int * 500, $2::int * 500 + 499) g) c
                 cross join lateral (values
                   ('IncomingCall', null, interval '0 s'),
                   ('IncomingCallRinging', c.ext, interval '2 s'),
                   ('IncomingCallConnected', c.ext, interval '9 s'),
                   ('IncomingCallCompleted', null, interval '4 min')) e(kind, extension, after)",
                &[&org, &(batch as i32), &(AGENTS as i32), &(HISTORY_CALLS as i32)],
            )
            .await
            .unwrap();
    }
    // VACUUM cannot share a statement batch (an implicit transaction) with anything else.
    for table in ["webhook_events", "live_call_legs"] {
        admin
            .batch_execute(&format!("vacuum analyze {table}"))
            .await
            .unwrap();
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f0Z").to_string()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

struct Measured {
    visible_ms: Vec<f64>,
    post_ms: Vec<f64>,
    get_ms: Vec<f64>,
}

#[tokio::main]
async fn main() {
    let events: usize = std::env::args()
        .skip_while(|a| a != "--events")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    println!("# Live status latency ({events} webhooks)");
    let db = TestDb::new().await;
    let admin = db.admin().await;
    let t = Tenants::seed(&admin).await;
    let fake = FakeMightyCall::start(FakeConfig {
        accounts: 1,
        calls: 10,
        messages: 0,
        contacts: 0,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let keys = &fake.accounts()[0];
    let keyring = crypto::Keyring::from_json(identity::KEYRING).unwrap();
    let sealed = vault::Vault::new(&keyring)
        .seal_credentials(
            OrgId::new(t.org_a),
            "mightycall",
            &keys.api_key,
            &keys.user_key,
        )
        .unwrap();
    let token = WebhookToken::generate();
    admin
        .execute(
            "update org_integrations set credentials_ciphertext = $2, token_cache_ciphertext = null,
               webhook_token_hash = $3, enabled = true
             where org_id = $1",
            &[&t.org_a, &sealed, &token.hash().as_slice()],
        )
        .await
        .unwrap();
    let filled = Instant::now();
    fill_history(&admin, t.org_a).await;
    let legs: i64 = admin
        .query_one("select count(*) from live_call_legs", &[])
        .await
        .unwrap()
        .get(0);
    println!(
        "history: {HISTORY_CALLS} calls at {AGENTS} agents, {legs} legs, in {:.1} s",
        filled.elapsed().as_secs_f64()
    );

    let deps = identity::deps(&db, json!({})).await;
    let settings = SyncSettings {
        base_override: Some(fake.base_url()),
        settle: TimeDelta::zero(),
        ..SyncSettings::default()
    };
    let trigger_state = trigger::TriggerState::build(
        trigger::TriggerConfig {
            core: identity::core_config(),
            wiring: WiringConfig {
                settings: settings.clone(),
                ..WiringConfig::default()
            },
            clock: Utc::now,
        },
        deps.clone(),
    )
    .await
    .unwrap();
    let operations_state = operations::OperationsState::build(
        operations::OperationsConfig {
            core: identity::core_config(),
            settings,
        },
        deps,
    )
    .await
    .unwrap();
    let trigger_url = serve(trigger::routes::router(trigger_state)).await;
    let operations_url = serve(operations::routes::router(operations_state)).await;
    let webhook = format!(
        "{trigger_url}/api/webhooks/mightycall/{}/{}",
        t.org_a,
        token.expose()
    );
    let status_url = format!("{operations_url}/api/live-status?orgId={}", t.org_a);
    let bearer = format!(
        "Bearer {}",
        identity::token(t.manager_a, "manager@example.test")
    );
    let client = reqwest::Client::new();

    // Warm both functions (secrets, token cache, prepared statements) before measuring.
    for _ in 0..5 {
        client
            .get(&status_url)
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
    }

    let mut m = Measured {
        visible_ms: Vec::new(),
        post_ms: Vec::new(),
        get_ms: Vec::new(),
    };
    // Calls at the agents in turn: ring, connect, whole-call end; each event moves one state.
    let steps = [
        ("IncomingCallRinging", true, "ringing"),
        ("IncomingCallConnected", true, "on_call"),
        ("IncomingCallCompleted", false, "available"),
    ];
    // Whole milliseconds, as PostgreSQL gives them back.
    let start = (Utc::now() - TimeDelta::minutes(30))
        .duration_trunc(TimeDelta::seconds(1))
        .unwrap();
    for i in 0..events {
        let call = i / steps.len();
        let (kind, with_extension, expected) = steps[i % steps.len()];
        let extension = format!("{}", 1000 + call % AGENTS as usize);
        let at = start + TimeDelta::milliseconds(i as i64 * 100);
        let body = json!({
            "Body": { "From": "+16465550000", "To": "+15550347567", "Id": format!("bench-{call}"),
                      "Extension": with_extension.then_some(extension.as_str()) },
            "Guid": Uuid::new_v4().to_string(),
            "ApiKey": keys.api_key,
            "Timestamp": stamp(at),
            "EventType": kind,
        });
        let began = Instant::now();
        let post = {
            let client = client.clone();
            let webhook = webhook.clone();
            tokio::spawn(async move {
                let sent = Instant::now();
                let reply = client.post(&webhook).json(&body).send().await.unwrap();
                assert_eq!(reply.status().as_u16(), 202, "{:?}", reply.text().await);
                sent.elapsed()
            })
        };
        loop {
            let asked = Instant::now();
            let reply: Value = client
                .get(&status_url)
                .header("authorization", &bearer)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            m.get_ms.push(asked.elapsed().as_secs_f64() * 1000.0);
            let shown = reply["agents"].as_array().unwrap().iter().any(|a| {
                a["extension"] == extension.as_str()
                    && a["state"] == expected
                    && a["last_event_at"]
                        .as_str()
                        .and_then(|s| DateTime::parse_from_rfc3339(s).ok().map(|d| d.to_utc()))
                        == Some(at)
            });
            if shown {
                m.visible_ms.push(began.elapsed().as_secs_f64() * 1000.0);
                break;
            }
            assert!(
                began.elapsed() < Duration::from_secs(10),
                "event {i} never showed"
            );
        }
        m.post_ms.push(post.await.unwrap().as_secs_f64() * 1000.0);
    }
    print(&mut m);
}

fn print(m: &mut Measured) {
    println!();
    println!("| measure | p50 | p99 | max |");
    println!("|---|---|---|---|");
    for (name, values) in [
        (
            "webhook POST → visible in GET /api/live-status",
            &mut m.visible_ms,
        ),
        ("webhook POST (202)", &mut m.post_ms),
        ("GET /api/live-status (100 agents)", &mut m.get_ms),
    ] {
        values.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.2} ms | {:.2} ms | {:.2} ms |",
            percentile(values, 0.5),
            percentile(values, 0.99),
            values.last().copied().unwrap_or(0.0)
        );
    }
}
