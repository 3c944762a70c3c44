//! `cargo run --release -p bench --bin scale-sim [-- --orgs N --workers W --calls C --kill-every K
//! --duplicate-every D --latency-ms L]`: one scheduled tick finds N organisations due (default
//! 100; the figure is 1,000), fans out one event per org, and W workers (default 8), each
//! with the production pool size, run the syncs against the fake MightyCall on loopback. Every
//! K-th org's run is killed mid-page and its event comes back after the lease (Lambda's retry);
//! every D-th event is delivered twice. It prints figures; it asserts nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod measure;
mod workers;
mod world;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

pub struct Options {
    pub orgs: usize,
    pub workers: usize,
    pub calls: usize,
    pub kill_every: usize,
    pub duplicate_every: usize,
    pub latency: Duration,
}

fn flag(name: &str, default: usize) -> usize {
    std::env::args()
        .skip_while(|a| a != name)
        .nth(1)
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a whole number"))
        })
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let options = Options {
        orgs: flag("--orgs", 100),
        workers: flag("--workers", 8),
        calls: flag("--calls", 1500),
        kill_every: flag("--kill-every", 10),
        duplicate_every: flag("--duplicate-every", 7),
        latency: Duration::from_millis(flag("--latency-ms", 100) as u64),
    };
    println!(
        "# VictorySync scale simulation: {} orgs, {} workers, {} calls per org, MightyCall latency {} ms on calls pages",
        options.orgs,
        options.workers,
        options.calls,
        options.latency.as_millis()
    );
    let prepared = Instant::now();
    let world = Arc::new(world::World::new(&options).await);
    println!(
        "prepared (database, fake accounts, {} orgs) in {:.1} s; lease {:.0} s, pool size {}",
        world.orgs.len(),
        prepared.elapsed().as_secs_f64(),
        world.lease.as_secs_f64(),
        world.pool_size()
    );

    let started = Instant::now();
    let (done_tx, done) = watch::channel(false);
    let peak = Arc::new(AtomicUsize::new(0));
    let sampler = tokio::spawn(measure::peak_connections(
        Arc::clone(&world),
        Arc::clone(&peak),
        done.clone(),
    ));
    let (sender, receiver) = mpsc::unbounded_channel();
    let fan_out =
        workers::fan_out(&world, &sender, options.kill_every, options.duplicate_every).await;
    let counters = Arc::new(workers::Counters::default());
    let fleet = tokio::spawn(workers::run_fleet(
        Arc::clone(&world),
        options.workers,
        sender,
        receiver,
        done.clone(),
        Arc::clone(&counters),
    ));
    while measure::active_jobs(&world).await > 0 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let wall = started.elapsed().as_secs_f64();
    done_tx.send(true).unwrap();
    fleet.await.unwrap();
    sampler.await.unwrap();

    let outcome = measure::outcome(&world).await;
    let count = |status: &str| {
        outcome
            .by_status
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    let succeeded = count("succeeded");
    let requests = &outcome.requests;
    let total: usize = requests.iter().sum();
    let n = requests.len().max(1);
    let per_org = total as f64 / n as f64;
    let (min, max) = (
        requests.iter().min().copied().unwrap_or(0),
        requests.iter().max().copied().unwrap_or(0),
    );
    // The tick's own connection (its pool stays open, idle) beside every worker's pool.
    let bound = options.workers * world.pool_size() + 1;
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| orgs due in the tick | {} |", fan_out.orgs);
    println!(
        "| fan-out (claim, queue, publish) | {:.2} s |",
        fan_out.seconds
    );
    println!("| jobs created | {} |", fan_out.created);
    println!("| jobs succeeded | {succeeded} |");
    println!("| jobs by status | {:?} |", outcome.by_status);
    println!(
        "| jobs lost (not succeeded) | {} (must be 0) |",
        fan_out.created as i64 - succeeded
    );
    println!(
        "| duplicated runs (calls fetched more than once) | {} (must be 0) |",
        outcome.duplicated
    );
    println!(
        "| runs killed mid-page / kills that came too late | {} / {} |",
        counters.kills.load(Ordering::Relaxed),
        counters.kills_missed.load(Ordering::Relaxed)
    );
    println!(
        "| jobs resumed after a kill (attempts > 1) | {} |",
        outcome.attempts_over_one
    );
    println!(
        "| events delivered twice / deliveries that found the job held by another run | {} / {} |",
        fan_out.duplicates,
        counters.held.load(Ordering::Relaxed)
    );
    println!(
        "| worker errors / continuations | {} / {} |",
        counters.errors.load(Ordering::Relaxed),
        counters.continued.load(Ordering::Relaxed)
    );
    println!(
        "| peak database connections | {} (must stay ≤ {} workers × pool {} + the tick's 1 = {bound}) |",
        peak.load(Ordering::Relaxed),
        options.workers,
        world.pool_size()
    );
    println!(
        "| orgs whose calls equal the source's exactly | {} of {} |",
        outcome.orgs_exact,
        outcome.orgs_exact + outcome.orgs_wrong
    );
    println!("| MightyCall requests per org (mean, min–max) | {per_org:.2}, {min}–{max} |");
    println!("| wall time (fan-out to last job) | {wall:.1} s |");
}
