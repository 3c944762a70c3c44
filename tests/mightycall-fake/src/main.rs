//! `mightycall-fake --listen 127.0.0.1:PORT [--seed S] [--calls N] [--days D] [--accounts A]`
//! Prints each generated account's keys and serves until Ctrl-C.

use mightycall_fake::{FakeConfig, FakeMightyCall};
use std::process::ExitCode;

const USAGE: &str = "usage: mightycall-fake --listen 127.0.0.1:PORT [--seed S] [--calls N] [--days D] [--accounts A] [--token-ttl SECONDS]";

fn parse_args(args: impl Iterator<Item = String>) -> Result<FakeConfig, String> {
    let mut config = FakeConfig::default();
    let mut args = args;
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |_| format!("invalid value for {flag}: {value}");
        match flag.as_str() {
            "--listen" => {
                config.listen = value
                    .parse()
                    .map_err(|_| format!("invalid address: {value}"))?
            }
            "--seed" => config.seed = value.parse().map_err(bad)?,
            "--calls" => config.calls = value.parse().map_err(bad)?,
            "--days" => config.days = value.parse().map_err(bad)?,
            "--accounts" => config.accounts = value.parse().map_err(bad)?,
            "--token-ttl" => {
                config.token_ttl = std::time::Duration::from_secs(value.parse().map_err(bad)?)
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if !config.listen.ip().is_loopback() {
        return Err("the fake only listens on loopback".to_owned());
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    // The workspace's tracing-subscriber has no per-module filter: `RUST_LOG` names one level.
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing_subscriber::filter::LevelFilter>().ok())
        .unwrap_or(tracing_subscriber::filter::LevelFilter::ERROR);
    tracing_subscriber::fmt().with_max_level(level).init();
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeMightyCall::start(config.clone()).await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "fake MightyCall listening; MIGHTYCALL_BASE_URL={}",
        fake.base_url()
    );
    println!(
        "seed={} calls={} days={} anchor={}",
        config.seed,
        config.calls,
        config.days,
        config.anchor.to_rfc3339()
    );
    for (i, account) in fake.accounts().iter().enumerate() {
        println!(
            "account {}: api_key={} user_key={}",
            i + 1,
            account.api_key,
            account.user_key
        );
    }
    let _ = tokio::signal::ctrl_c().await;
    fake.shutdown().await;
    ExitCode::SUCCESS
}
