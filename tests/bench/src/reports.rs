//! Report latency over a 1,000,000-row calls table (100 orgs × 10,000 calls in the last 30 days,
//! in America/New_York, inbound calls with waits and callers who call again and are called back),
//! plus one org with 100,000 calls over a year; each query under RLS (a member's claims) and as
//! service_role, interleaved. Every measured request reads the org's terms first, as the handler does.

use std::time::Instant;

use domain::{DateRange, OrgId, PageLimit, TimeZone};
use store::reports::{self, CallFilter};
use test_harness::fixtures::claims_for;

use crate::sync_run::World;

pub struct Latency {
    pub name: &'static str,
    pub rls: (f64, f64),
    pub service: (f64, f64),
}

/// `calls` calls of `org` spread over the last `days` days, as the sync would store them (waits
/// set as the webhook timeline would).
fn calls_of(orgs: &str, calls: u32, days: u32) -> String {
    format!(
        "insert into calls (org_id, external_id, started_at, direction, status, duration_ms, business_number,
                            agent_extension, caller_number, called_number, wait_to_answer_ms, wait_to_end_ms)
         select o.id, o.id::text || '-' || g,
                now() - interval '{days} days' * ((g * 7919) % {calls}) / {calls}.0,
                (array['incoming', 'outgoing'])[1 + g % 2],
                (array['connected', 'connected', 'missed', 'voicemail', 'dropped'])[1 + g % 5],
                (g % 600) * 1000,
                '+1212555' || lpad((g % 20)::text, 4, '0'),
                (100 + g % 40)::text,
                '+1646555' || lpad((g % 9973)::text, 4, '0'),
                '+1646555' || lpad(((g * 31) % 9973)::text, 4, '0'),
                case when g % 10 <> 0 then (g * 37) % 60000 end,
                case when g % 10 <> 0 then (g * 53) % 90000 end
         from ({orgs}) o, generate_series(1, {calls}) g"
    )
}

/// Fills the tables; returns the org with a year of calls (the member belongs to it too).
async fn fill(world: &World) -> OrgId {
    let admin = world.db.admin().await;
    let started = Instant::now();
    admin
        .batch_execute(&format!(
            "truncate calls;
             update organizations set time_zone = 'America/New_York';
             insert into organizations (name, time_zone)
               select 'Bench org ' || g, 'America/New_York' from generate_series(1, 98) g;
             {month};
             insert into organizations (name, time_zone) values ('Bench year', 'America/New_York');
             insert into org_users (org_id, user_id, role)
               select id, '{member}', 'org_manager' from organizations where name = 'Bench year';
             {year};",
            month = calls_of(
                "select id from organizations where name <> 'Bench year'",
                10_000,
                30
            ),
            year = calls_of(
                "select id from organizations where name = 'Bench year'",
                100_000,
                365
            ),
            member = world.member,
        ))
        .await
        .unwrap();
    // VACUUM cannot share a statement batch (an implicit transaction) with anything else.
    for table in ["calls", "call_rollups", "organizations", "org_users"] {
        admin
            .batch_execute(&format!("vacuum analyze {table}"))
            .await
            .unwrap();
    }
    let (total, year): (i64, uuid::Uuid) = {
        let row = admin
            .query_one(
                "select (select count(*) from calls), (select id from organizations where name = 'Bench year')",
                &[],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    println!(
        "reports: filled {total} calls (100 orgs × 10,000 over 30 days, 1 × 100,000 over 365) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    OrgId::new(year)
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

/// The org's terms as the handler reads them (as service_role no membership: the org's view).
async fn terms(tx: &store::Tx, org: OrgId) -> reports::ReportTerms {
    reports::terms(tx, org).await.unwrap().unwrap()
}

pub async fn measure(world: &World) -> Vec<Latency> {
    let year_org = fill(world).await;
    let org = OrgId::new(world.org);
    let zone = TimeZone::parse("America/New_York").unwrap();
    let month = CallFilter::all(DateRange::parse(None, None, zone.today()).unwrap());
    let start = zone.today() - chrono::Days::new(364);
    let year = CallFilter::all(DateRange::new(start, zone.today()).unwrap());
    let (month, year) = (&month, &year);
    let limit = PageLimit::DEFAULT;
    let runs = 300;
    vec![
        compare(world, "reports?type=calls (first page)", runs, async |tx| {
            let t = terms(tx, org).await;
            let page = reports::list_calls(tx, org, &t, month, None, limit).await;
            page.unwrap().rows.len()
        })
        .await,
        compare(
            world,
            "reports?type=daily (30 local days)",
            runs,
            async |tx| {
                let t = terms(tx, org).await;
                let page = reports::daily(tx, org, &t, month, None, limit).await;
                page.unwrap().rows.len()
            },
        )
        .await,
        compare(
            world,
            "reports?type=agents (30 local days)",
            runs,
            async |tx| {
                let t = terms(tx, org).await;
                let page = reports::agents(tx, org, &t, month, None, limit).await;
                page.unwrap().rows.len()
            },
        )
        .await,
        compare(
            world,
            "reports?type=numbers (30 local days)",
            runs,
            async |tx| {
                let t = terms(tx, org).await;
                let page = reports::numbers(tx, org, &t, month, None, limit).await;
                page.unwrap().rows.len()
            },
        )
        .await,
        compare(
            world,
            "reports?type=hourly (30 local days)",
            runs,
            async |tx| {
                let t = terms(tx, org).await;
                let page = reports::hourly(tx, org, &t, month, None, limit).await;
                page.unwrap().rows.len()
            },
        )
        .await,
        compare(
            world,
            "dashboard/metrics (30 local days)",
            runs,
            async |tx| {
                let t = terms(tx, org).await;
                let (series, totals) = reports::dashboard(tx, org, &t, month).await.unwrap();
                series.len() + usize::from(totals.total > 0)
            },
        )
        .await,
        compare(
            world,
            "reports?type=daily (365 days, 100,000 calls)",
            runs / 3,
            async |tx| {
                let t = terms(tx, year_org).await;
                let page = reports::daily(
                    tx,
                    year_org,
                    &t,
                    year,
                    None,
                    PageLimit::parse(Some("366"), limit).unwrap(),
                )
                .await;
                page.unwrap().rows.len()
            },
        )
        .await,
        compare(
            world,
            "dashboard/metrics (365 days, 100,000 calls)",
            runs / 3,
            async |tx| {
                let t = terms(tx, year_org).await;
                let (series, totals) = reports::dashboard(tx, year_org, &t, year).await.unwrap();
                series.len() + usize::from(totals.total > 0)
            },
        )
        .await,
        compare(
            world,
            "reports?type=agents (365 days, 100,000 calls)",
            runs / 3,
            async |tx| {
                let t = terms(tx, year_org).await;
                let page = reports::agents(tx, year_org, &t, year, None, limit).await;
                page.unwrap().rows.len()
            },
        )
        .await,
    ]
}
