//! `cargo run --release -p bench --bin sync-bench [-- --calls N]`: measures, in one run on this
//! machine, the sync of N calls (default 100,000) from the fake MightyCall into PostgreSQL beside
//! two reference points (COPY of the same rows into the same table, and a naive one-row-per-
//! statement upsert), the MightyCall requests spent, a no-change re-sync, and report latencies.
//! It prints figures; it asserts nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod export;
mod reference;
mod reports;
mod sync_run;

#[tokio::main]
async fn main() {
    let calls = std::env::args()
        .skip_while(|a| a != "--calls")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000usize);
    println!("# VictorySync benchmark ({calls} calls)");
    let world = sync_run::World::new(calls).await;
    // `--reports-only` skips the sync measurements (to iterate on report queries).
    if std::env::args().any(|a| a == "--reports-only") {
        print_latencies(reports::measure(&world).await);
        return;
    }
    // `--export-only`: the CSV export alone.
    if std::env::args().any(|a| a == "--export-only") {
        export::print(&export::measure(&world).await);
        return;
    }
    let sync = world.full_sync().await;
    println!(
        "sync: {} rows in {:.2} s, {} requests",
        sync.rows, sync.seconds, sync.requests
    );
    let resync = world.full_sync_again().await;
    println!(
        "re-sync: {} rows in {:.2} s, {} requests",
        resync.rows, resync.seconds, resync.requests
    );
    let copy = reference::copy_in(&world).await;
    println!("COPY: {} rows in {:.2} s", copy.rows, copy.seconds);
    let naive = reference::naive_upsert(&world).await;
    println!(
        "naive upsert: {} rows in {:.2} s",
        naive.rows, naive.seconds
    );

    let rate = |rows: u64, secs: f64| rows as f64 / secs;
    let sync_rate = rate(sync.rows, sync.seconds);
    let copy_rate = rate(copy.rows, copy.seconds);
    let naive_rate = rate(naive.rows, naive.seconds);
    let allowed_requests = 1.02 * (sync.rows as f64 / 1000.0).ceil() + 2.0;
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| sync: rows | {} |", sync.rows);
    println!("| sync: seconds | {:.2} |", sync.seconds);
    println!("| sync: rows/s | {sync_rate:.0} |");
    println!(
        "| sync: MightyCall requests | {} (target ≤ {allowed_requests:.1}) |",
        sync.requests
    );
    println!("| COPY same rows: seconds | {:.2} |", copy.seconds);
    println!("| COPY: rows/s | {copy_rate:.0} |");
    println!(
        "| naive upsert: seconds for {} rows | {:.2} |",
        naive.rows, naive.seconds
    );
    println!("| naive upsert: rows/s | {naive_rate:.0} |");
    println!(
        "| sync ÷ COPY | {:.2} (target ≥ 0.6) |",
        sync_rate / copy_rate
    );
    println!(
        "| sync ÷ naive | {:.1} (target ≥ 10) |",
        sync_rate / naive_rate
    );
    println!(
        "| re-sync, no changes: rows written | {} (target 0) |",
        resync.rows
    );
    println!("| re-sync: MightyCall requests | {} |", resync.requests);

    print_latencies(reports::measure(&world).await);
    export::print(&export::measure(&world).await);
}

fn print_latencies(latencies: Vec<reports::Latency>) {
    println!();
    println!(
        "| query (org with 10,000 calls in a 1,000,000-row table) | p50 RLS ms | p99 RLS ms | p50 service_role ms | p99 service_role ms | RLS ÷ service (p50) |"
    );
    println!("|---|---|---|---|---|---|");
    for l in latencies {
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} |",
            l.name,
            l.rls.0,
            l.rls.1,
            l.service.0,
            l.service.1,
            l.rls.0 / l.service.0
        );
    }
}
