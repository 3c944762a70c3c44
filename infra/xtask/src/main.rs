//! `cargo xtask dev`: brings the whole system up on loopback — a private PostgreSQL with demo data,
//! a fake MightyCall registered as each demo org's integration and synced once, every function under
//! `cargo lambda watch`, and a router on http://127.0.0.1:9000 whose paths are the production ones.
//! Prints demo bearer tokens and ready `curl` lines; Ctrl-C stops everything it started.

#![allow(clippy::expect_used, clippy::panic)]

mod demo;
mod lambda;
mod router;

#[tokio::main]
async fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("dev") => dev().await,
        _ => {
            eprintln!("usage: cargo xtask dev");
            std::process::exit(2);
        }
    }
}

const ROUTER_PORT: u16 = 9000;
const WATCH_PORT: u16 = 9001;

async fn dev() {
    let cargo_lambda = lambda::ensure_cargo_lambda();
    println!("starting PostgreSQL, migrating and loading demo data…");
    let demo = demo::Demo::start().await;
    let mut watch = lambda::watch(&cargo_lambda, WATCH_PORT, &demo.function_env());
    let router = tokio::spawn(router::serve(ROUTER_PORT, WATCH_PORT));
    println!("building the functions and syncing the demo orgs from the fake MightyCall…");
    demo.initial_sync(&format!("http://127.0.0.1:{ROUTER_PORT}"))
        .await;
    demo.print_instructions(ROUTER_PORT);
    let events = std::path::Path::new("target/demo-events");
    match demo.write_demo_events(events) {
        Ok(n) => println!(
            "{n} sample events with demo values are in {}; e.g.\n  cargo lambda invoke --invoke-address 127.0.0.1 --invoke-port {WATCH_PORT} user --data-file {}/user/get-orgs.json",
            events.display(),
            events.display()
        ),
        Err(e) => println!("could not write the demo events: {e}"),
    }
    tokio::select! {
        _ = tokio::signal::ctrl_c() => println!("\nstopping…"),
        status = watch.wait() => println!("cargo lambda watch stopped: {status:?}"),
        _ = router => println!("the router stopped"),
    }
    // SIGINT lets cargo-lambda stop the function processes it started; SIGKILL only if it hangs.
    if let Some(pid) = watch.id() {
        let _ = std::process::Command::new("kill")
            .arg("-INT")
            .arg(pid.to_string())
            .status();
    }
    if tokio::time::timeout(std::time::Duration::from_secs(10), watch.wait())
        .await
        .is_err()
    {
        let _ = watch.start_kill();
        let _ = watch.wait().await;
    }
    // PostgreSQL is stopped by the harness's watchdog once this process is gone.
}
