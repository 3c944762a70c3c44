//! Report latency over a 1,000,000-row calls table (100 orgs × 10,000 calls in the last 30 days),
//! the same query under RLS (a member's claims) and as service_role, interleaved.

use std::time::Instant;

use chrono::Utc;
use domain::{DateRange, OrgId, PageLimit};
use store::reports::{CallFilter, CallView, ReportTerms};
use test_harness::fixtures::claims_for;

use crate::sync_run::World;

pub struct Latency {
    pub name: &'static str,
    pub rls: (f64, f64),
    pub service: (f64, f64),
}

async fn fill(world: &World) {
    let admin = world.db.admin().await;
    let started = Instant::now();
    admin
        .batch_execute(
            "truncate calls;
             insert into organizations (name) select 'Bench org ' || g from generate_series(1, 98) g;
             insert into calls (org_id, external_id, started_at, direction, status, duration_ms, business_number,
                                agent_extension, caller_number)
             select o.id, o.id::text || '-' || g,
                    now() - interval '30 days' * ((g * 7919) % 10000) / 10000.0,
                    (array['incoming', 'outgoing'])[1 + g % 2],
                    (array['connected', 'connected', 'missed', 'voicemail', 'dropped'])[1 + g % 5],
                    (g % 600) * 1000,
                    '+1212555' || lpad((g % 20)::text, 4, '0'),
                    (100 + g % 40)::text,
                    '+1646555' || lpad((g % 9973)::text, 4, '0')
             from organizations o, generate_series(1, 10000) g;",
        )
        .await
        .unwrap();
    // VACUUM cannot share a statement batch (an implicit transaction) with anything else.
    for table in ["calls", "call_rollups"] {
        admin
            .batch_execute(&format!("vacuum analyze {table}"))
            .await
            .unwrap();
    }
    let total: i64 = admin
        .query_one("select count(*) from calls", &[])
        .await
        .unwrap()
        .get(0);
    println!(
        "reports: filled {total} calls (100 orgs) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// Runs `query` `runs` times as the member and as service_role, alternating, timing the query only.
async fn compare<F>(world: &World, name: &'static str, runs: usize, query: F) -> Latency
where
    F: AsyncFn(&store::Tx) -> usize,
{
    let db = world.db.store();
    let claims = claims_for(world.member);
    let (mut rls, mut service) = (Vec::new(), Vec::new());
    for i in 0..runs + 20 {
        for as_user in [true, false] {
            let (user, service_tx);
            let tx: &store::Tx = if as_user {
                user = db.as_user(&claims).await.unwrap();
                &user
            } else {
                service_tx = db.as_service().await.unwrap();
                &service_tx
            };
            let started = Instant::now();
            let rows = query(tx).await;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            assert!(rows > 0, "{name} returned nothing");
            // The first runs warm caches and prepared plans.
            if i >= 20 {
                if as_user {
                    rls.push(ms)
                } else {
                    service.push(ms)
                }
            }
        }
    }
    Latency {
        name,
        rls: percentiles(rls),
        service: percentiles(service),
    }
}

pub async fn measure(world: &World) -> Vec<Latency> {
    fill(world).await;
    let org = OrgId::new(world.org);
    let today = Utc::now().date_naive();
    let range = DateRange::parse(None, None, today).unwrap();
    let filter = CallFilter::all(range);
    let terms = ReportTerms {
        zone: domain::TimeZone::UTC,
        sla_target_percent: 80,
        view: CallView::Org,
    };
    let terms = &terms;
    let runs = 300;
    vec![
        compare(world, "reports?type=calls (first page)", runs, async |tx| {
            store::reports::list_calls(tx, org, terms, &filter, None, PageLimit::DEFAULT)
                .await
                .unwrap()
                .rows
                .len()
        })
        .await,
        compare(world, "reports?type=daily (30 days)", runs, async |tx| {
            store::reports::daily(tx, org, terms, &filter, None, PageLimit::DEFAULT)
                .await
                .unwrap()
                .rows
                .len()
        })
        .await,
        compare(world, "reports?type=agents (30 days)", runs, async |tx| {
            store::reports::agents(tx, org, terms, &filter, None, PageLimit::DEFAULT)
                .await
                .unwrap()
                .rows
                .len()
        })
        .await,
        compare(world, "reports?type=numbers (30 days)", runs, async |tx| {
            store::reports::numbers(tx, org, terms, &filter, None, PageLimit::DEFAULT)
                .await
                .unwrap()
                .rows
                .len()
        })
        .await,
    ]
}
