//! CSV export of 100,000 calls (the cap) through the data function's router in-process, as a member
//! under RLS: rows/s, and how large the file is raw and gzipped (Lambda buffers at most 6 MB).

use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use test_harness::identity;
use tower::ServiceExt;

use crate::sync_run::World;

pub struct Export {
    pub rows: usize,
    pub raw: (f64, usize),
    pub gzip: (f64, usize),
}

/// The first quarter of 2025, away from the last 30 days the report latencies use.
const RANGE: &str = "startDate=2025-01-01&endDate=2025-03-31";

async fn fill(world: &World, rows: i64) {
    world
        .db
        .admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                business_number, agent_extension, caller_number, caller_name,
                                called_number, recording_url)
             select $1, 'export-' || g,
                    -- a day inside the range at each end, so that every call is in it whatever the zone
                    timestamptz '2025-01-02Z' + interval '88 days' * g / $2,
                    (array['incoming', 'outgoing'])[1 + g % 2],
                    (array['connected', 'connected', 'missed', 'voicemail', 'dropped'])[1 + g % 5],
                    (g % 600) * 1000,
                    '+1212555' || lpad((g % 20)::text, 4, '0'),
                    (100 + g % 40)::text,
                    '+1646555' || lpad((g % 9973)::text, 4, '0'),
                    'Caller ' || g,
                    '+1212555' || lpad((g % 20)::text, 4, '0'),
                    'https://recordings.example.test/' || g || '.mp3'
             from generate_series(1, $2::bigint) g",
            &[&world.org, &rows],
        )
        .await
        .unwrap();
}

/// One export: seconds until the whole body is read, and its bytes.
async fn export(router: &axum::Router, token: &str, org: uuid::Uuid, gzip: bool) -> (f64, Vec<u8>) {
    let mut request = Request::get(format!(
        "/api/mightycall/reports?orgId={org}&type=calls&{RANGE}&format=csv"
    ))
    .header("authorization", format!("Bearer {token}"));
    if gzip {
        request = request.header("accept-encoding", "gzip");
    }
    let started = Instant::now();
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (started.elapsed().as_secs_f64(), body.to_vec())
}

pub async fn measure(world: &World) -> Export {
    let rows = data::MAX_EXPORT_ROWS;
    fill(world, rows).await;
    let core = identity::core(&world.db, serde_json::json!({})).await;
    let router = data::routes::router(core);
    let token = identity::token(world.member, &format!("{}@example.test", world.member));
    // A first run warms the pool and the plans.
    export(&router, &token, world.org, false).await;
    let (raw_s, raw) = export(&router, &token, world.org, false).await;
    let (gzip_s, gzipped) = export(&router, &token, world.org, true).await;
    let lines = raw.iter().filter(|b| **b == b'\n').count() - 1;
    assert_eq!(i64::try_from(lines).unwrap(), rows);
    Export {
        rows: lines,
        raw: (raw_s, raw.len()),
        gzip: (gzip_s, gzipped.len()),
    }
}

pub fn print(e: &Export) {
    let mb = |bytes: usize| bytes as f64 / 1_000_000.0;
    println!();
    println!("| CSV export (reports?type=calls&format=csv, in-process router, RLS) | value |");
    println!("|---|---|");
    println!("| rows | {} |", e.rows);
    println!(
        "| raw: seconds, rows/s | {:.2}, {:.0} (target ≥ 50,000) |",
        e.raw.0,
        e.rows as f64 / e.raw.0
    );
    println!(
        "| gzip: seconds, rows/s | {:.2}, {:.0} |",
        e.gzip.0,
        e.rows as f64 / e.gzip.0
    );
    println!("| raw size | {:.1} MB |", mb(e.raw.1));
    println!(
        "| gzipped size | {:.1} MB ({:.0} % of raw; Lambda's buffered limit 6 MB) |",
        mb(e.gzip.1),
        100.0 * e.gzip.1 as f64 / e.raw.1 as f64
    );
}
