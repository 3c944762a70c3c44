//! What the simulation reports: the peak of the application's database connections (sampled),
//! the jobs' final states, MightyCall requests per org, and whether each org's calls are exactly
//! its account's.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use uuid::Uuid;

use crate::world::World;

/// Samples the application role's connections to the database every 10 ms until `done`.
pub async fn peak_connections(
    world: Arc<World>,
    peak: Arc<AtomicUsize>,
    mut done: watch::Receiver<bool>,
) {
    let admin = world.db.admin().await;
    loop {
        let row = admin
            .query_one(
                "select count(*) from pg_stat_activity where datname = current_database() and usename <> current_user",
                &[],
            )
            .await
            .unwrap();
        let now = usize::try_from(row.get::<_, i64>(0)).unwrap_or(0);
        peak.fetch_max(now, Ordering::Relaxed);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(10)) => {}
            _ = done.wait_for(|d| *d) => return,
        }
    }
}

/// Active (queued or running) jobs left.
pub async fn active_jobs(world: &World) -> i64 {
    world
        .db
        .admin()
        .await
        .query_one(
            "select count(*) from integration_sync_jobs where status in ('queued', 'running')",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

pub struct Outcome {
    pub by_status: Vec<(String, i64)>,
    /// Jobs that saved more pages, or fetched more records, than one pass over the source.
    pub duplicated: i64,
    pub attempts_over_one: i64,
    pub orgs_exact: usize,
    pub orgs_wrong: usize,
    pub requests: Vec<usize>,
}

pub async fn outcome(world: &World) -> Outcome {
    let admin = world.db.admin().await;
    let by_status = admin
        .query(
            "select status, count(*) from integration_sync_jobs group by 1 order by 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let attempts_over_one: i64 = admin
        .query_one(
            "select count(*) from integration_sync_jobs where attempts > 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let mut stored: HashMap<Uuid, BTreeSet<String>> = HashMap::new();
    for row in admin
        .query("select org_id, external_id from calls", &[])
        .await
        .unwrap()
    {
        stored.entry(row.get(0)).or_default().insert(row.get(1));
    }
    let fetched: HashMap<Uuid, i32> = admin
        .query(
            "select org_id, records_fetched from integration_sync_jobs where resource = 'calls'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let accounts = world.fake.accounts();
    let (mut orgs_exact, mut orgs_wrong, mut duplicated) = (0, 0, 0);
    let mut requests = Vec::new();
    for (org, keys) in world.orgs.iter().zip(&accounts) {
        let source: BTreeSet<String> = world
            .fake
            .account(&keys.api_key)
            .unwrap()
            .calls
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        if stored.get(org).map_or(source.is_empty(), |s| *s == source) {
            orgs_exact += 1;
        } else {
            orgs_wrong += 1;
        }
        if fetched.get(org).copied().unwrap_or(0) as usize > source.len() {
            duplicated += 1;
        }
        requests.push(world.fake.requests(&keys.api_key));
    }
    Outcome {
        by_status,
        duplicated,
        attempts_over_one,
        orgs_exact,
        orgs_wrong,
        requests,
    }
}
