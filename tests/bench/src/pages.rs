//! `cargo run --release -p bench --bin pages-bench`: the dashboard page for an org with 10,000
//! calls in its last 30 local days — server render in-process (p50/p99 of 200 requests, signed in,
//! after 20 to warm up), the bytes of a full load (HTML, stylesheet, script; the web function does
//! not compress), and load-to-interactive in headless Chromium on loopback (median of 10). Prints
//! figures and asserts no timing; it stops if a page does not load.

// A benchmark program stops loudly on any failure, like the tests it builds on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use integration_tests::site::{PASSWORD, Site, email};
use test_harness::browser::Browser;

const CALLS: i32 = 10_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let site = Site::new().await;
    let w = &site.w;
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                caller_number, called_number, business_number, agent_extension,
                                wait_to_answer_ms, wait_to_end_ms)
             select $1, 'bench-' || i, now() - (i * interval '259 seconds'),
                    (array['incoming','incoming','outgoing'])[1 + i % 3],
                    (array['connected','connected','missed','voicemail','dropped'])[1 + i % 5],
                    30000 + (i % 600) * 1000, '+1555' || lpad((i % 2000)::text, 7, '0'), '+12125550100',
                    (array['+12125550100','+12125550111','+12125550122'])[1 + i % 3],
                    (100 + i % 40)::text, (i % 60) * 1000, (i % 90) * 1000
             from generate_series(1, $2) i",
            &[&w.t.org_a, &CALLS],
        )
        .await
        .unwrap_or_else(|e| panic!("seeding calls: {e}"));
    let jar = site.sign_in(w.t.admin_a).await;
    let path = format!("/orgs/{}/dashboard", w.t.org_a);

    for _ in 0..20 {
        site.get(&path, &jar).await;
    }
    let mut times = Vec::with_capacity(200);
    let mut html_bytes = 0;
    for _ in 0..200 {
        let started = Instant::now();
        let page = site.get(&path, &jar).await;
        times.push(started.elapsed());
        assert_eq!(page.status, 200, "{}", page.html);
        html_bytes = page.html.len();
    }
    times.sort();
    let css = site.get("/assets/app.css", &jar).await.html.len();
    let js = site.get("/assets/app.js", &jar).await.html.len();

    let base = site.serve().await;
    let browser = Browser::start(1280, 900).await;
    let client = &browser.client;
    client.goto(&format!("{base}/login")).await.unwrap();
    let field = |id: &'static str| client.find(fantoccini::Locator::Id(id));
    field("email")
        .await
        .unwrap()
        .send_keys(&email(w.t.admin_a))
        .await
        .unwrap();
    field("password")
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    client
        .find(fantoccini::Locator::Css("form[action='/login'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut interactive = Vec::new();
    for _ in 0..10 {
        client
            .goto(&format!("{base}{path}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let ms = client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0]; return n.domInteractive;",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        interactive.push(Duration::from_secs_f64(
            ms.as_f64().unwrap_or_default() / 1000.0,
        ));
    }
    interactive.sort();
    browser.close().await;

    println!(
        "dashboard page, org with {CALLS} calls in 30 local days (in-process, signed in, 200 requests):"
    );
    println!(
        "  server render p50 {}  p99 {}  max {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&times, 1.0))
    );
    println!(
        "  bytes of a full load: HTML {html_bytes} + CSS {css} + JS {js} = {} (uncompressed)",
        html_bytes + css + js
    );
    println!(
        "  load-to-interactive in Chromium on loopback (median of 10): {}",
        ms(percentile(&interactive, 0.5))
    );
}
