//! `cargo xtask dev`: brings the whole system up on loopback — a private PostgreSQL with demo data,
//! a fake MightyCall registered as each demo org's integration and synced once, every function under
//! `cargo lambda watch`, and a router on http://127.0.0.1:9000 whose paths are the production ones.
//! Prints demo bearer tokens and ready `curl` lines; Ctrl-C stops everything it started.
//!
//! `cargo xtask openapi [--check]`: writes (or checks) `infra/openapi.json`, the whole API's document.
//! `cargo xtask api-check [schemathesis options]`: runs schemathesis against the whole API in this
//! process on loopback, as an org admin of a demo org.

#![allow(clippy::expect_used, clippy::panic)]

mod lambda;

use xtask::{api, demo, functions, openapi, router};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dev") => dev().await,
        Some("openapi") => std::process::exit(write_openapi(args.get(1).map(String::as_str))),
        Some("api-check") => std::process::exit(api_check(&args[1..]).await),
        _ => {
            eprintln!(
                "usage: cargo xtask dev | openapi [--check] | api-check [schemathesis options]"
            );
            std::process::exit(2);
        }
    }
}

fn write_openapi(flag: Option<&str>) -> i32 {
    let path = openapi::document_path();
    let outcome = match flag {
        None => openapi::render().and_then(|text| {
            std::fs::write(&path, text)
                .map(|()| println!("wrote {}", path.display()))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }),
        Some("--check") => openapi::is_fresh().and_then(|fresh| {
            fresh
                .then(|| println!("{} is up to date", path.display()))
                .ok_or_else(|| {
                format!(
                    "{} is not what the functions document: run `cargo xtask openapi` and commit it",
                    path.display()
                )
            })
        }),
        Some(other) => Err(format!("unknown option {other}; usage: cargo xtask openapi [--check]")),
    };
    match outcome {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}

/// schemathesis (`$SCHEMATHESIS`, else the one on PATH) against `infra/openapi.json`, served by
/// every function's router in this process over a demo database and the fake MightyCall.
/// Returns schemathesis's exit status.
async fn api_check(extra: &[String]) -> i32 {
    match openapi::is_fresh() {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("infra/openapi.json is out of date: run `cargo xtask openapi` first");
            return 1;
        }
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    }
    let schemathesis = std::env::var("SCHEMATHESIS").unwrap_or_else(|_| "schemathesis".into());
    println!("starting PostgreSQL, migrating and loading demo data…");
    let demo = demo::Demo::start().await;
    let deps = functions::Deps::new(demo.deps().await, demo.mightycall_base());
    let (address, _server) = api::serve(deps.routers().await)
        .await
        .expect("a loopback port");
    let base = format!("http://{address}");
    // The demo's calls, messages… come in through the sync function, once it is in the list.
    if functions::FUNCTIONS.iter().any(|f| f.name == "sync") {
        println!("syncing the demo orgs from the fake MightyCall…");
        demo.initial_sync(&base).await;
    }
    let (org, token) = demo.org_admin();
    let (recording, voicemail) = demo.audio_ids().await;
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/schemathesis.toml");
    println!("schemathesis against {base} as an org admin of {org}");
    let status = tokio::process::Command::new(&schemathesis)
        .args(["--config-file", config, "run"])
        .arg(openapi::document_path())
        .args([
            "--url",
            &base,
            "--checks",
            "all",
            "--max-examples",
            "100",
            // One worker: with two threads, Python 3.11's parser (which Hypothesis uses to describe
            // its strategies) can fail with "AST constructor recursion depth mismatch", a race on
            // the interpreter-wide AST state that ends the run with an error, not a finding.
            "--workers",
            "1",
        ])
        .args(extra)
        .env("VS_TOKEN", token)
        .env("VS_ORG_ID", org.to_string())
        .env("VS_PLATFORM_TOKEN", demo.platform_admin_token())
        .env("VS_MEMBER_ID", demo.org_agent().to_string())
        .env("VS_RECORDING_ID", recording)
        .env("VS_VOICEMAIL_ID", voicemail)
        .env("VS_SERVICE_KEY", demo.service_key())
        // Its cache of past failures (replayed first on the next run) stays out of the work tree.
        .current_dir(std::env::temp_dir())
        .status()
        .await;
    match status {
        Ok(status) => status.code().unwrap_or(1),
        Err(e) => {
            eprintln!("cannot run {schemathesis}: {e} (set SCHEMATHESIS to its path)");
            1
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
