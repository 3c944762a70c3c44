//! `cargo run -p bench --bin cold-start`: the cold start of every function binary built with the
//! release profile, beside a hello-world `lambda_http` binary built in the same cargo invocation.
//! For each binary: init time (exec to its first `GET /2018-06-01/runtime/invocation/next` against
//! a fake Runtime API on loopback, with Lambda's variables, the secrets in the environment and
//! PostgreSQL on loopback), the first invocation's latency, peak RSS and the zipped `bootstrap`
//! size. It prints figures; it asserts nothing. The program itself need not be built with
//! `--release`: it only times other processes. Options:
//! - `--runs N` cold starts per binary (default 10);
//! - `--no-build` uses the binaries already in `<target>/release`; `--bin-dir DIR` uses the ones
//!   copied to DIR (e.g. before a change);
//! - `--only user,data` measures those functions (and the hello world) only;
//! - `--env K=V` (repeatable) adds a variable to every function's environment, to measure a
//!   variant without a rebuild (e.g. `SSL_CERT_FILE`, which decides which root certificates load).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod launch;
mod runtime_api;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use axum::body::Bytes;
use test_harness::TestDb;
use test_harness::fixtures::Tenants;
use test_harness::identity;

/// The Lambda functions (`migrate` runs as one when `AWS_LAMBDA_RUNTIME_API` is set) and the
/// reference, in the order of the table.
const HELLO: &str = "hello-lambda";
const FUNCTIONS: &[&str] = &[
    "user",
    "data",
    "sync",
    "admin-integrations",
    "trigger",
    "sync-worker",
    "migrate",
];

const HEALTH: &str = include_str!("../../../../events/http/health.json");
const USER_ORGS: &str = include_str!("../../../../events/user/get-orgs.json");
const TICK: &str = include_str!("../../../../events/sync-worker/scheduled-event.json");
const MIGRATE: &str = include_str!("../../../../events/migrate/run.json");

/// One row of the table: a binary and the event its first invocation gets.
struct Case {
    label: String,
    binary: &'static str,
    event: Bytes,
    env: Vec<(String, String)>,
}

struct Row {
    case: Case,
    init: Vec<Duration>,
    first: Vec<Duration>,
    peak_rss: u64,
    answers: Vec<String>,
    binary_size: u64,
    zip_size: u64,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .skip_while(|a| *a != flag)
            .nth(1)
            .map(String::as_str)
    };
    let runs: usize = value("--runs").and_then(|n| n.parse().ok()).unwrap_or(10);
    let only: Vec<&str> = value("--only")
        .map(|list| list.split(',').collect())
        .unwrap_or_else(|| FUNCTIONS.to_vec());
    let extra_env: Vec<(String, String)> = args
        .windows(2)
        .filter(|pair| pair[0] == "--env")
        .filter_map(|pair| pair[1].split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = target_dir();
    let release = match value("--bin-dir") {
        Some(dir) => PathBuf::from(dir),
        None => {
            if !args.iter().any(|a| a == "--no-build") {
                build(&root, &target, &only);
            }
            target.join("release")
        }
    };
    println!("binaries from {}", release.display());
    let scratch = target.join("tmp/cold-start");
    std::fs::create_dir_all(&scratch).unwrap();

    // The HTTP functions get a database with two seeded orgs (the signed-in request lists the
    // agent's org); the worker's tick and migrate get one with no orgs, so the tick finds nothing
    // due and publishes nothing.
    let seeded = TestDb::new().await;
    let tenants = Tenants::seed(&seeded.admin().await).await;
    let empty = TestDb::new().await;
    let token = identity::token(
        tenants.agent_a,
        &format!("{}@example.test", tenants.agent_a),
    );

    let mut cases = vec![case(
        HELLO,
        "hello world (lambda_http)",
        HEALTH,
        &seeded.app_url(),
    )];
    for &function in &only {
        let (event, url) = match function {
            "sync-worker" => (TICK, empty.app_url()),
            "migrate" => (MIGRATE, empty.admin_url()),
            _ => (HEALTH, seeded.app_url()),
        };
        let binary = FUNCTIONS.iter().copied().find(|f| *f == function);
        let binary = binary.unwrap_or_else(|| panic!("unknown function {function}"));
        let label = match event {
            HEALTH => format!("{function} `GET /api/health`"),
            TICK => format!("{function} scheduled tick"),
            _ => format!("{function} `{{}}` (migrations up to date)"),
        };
        cases.push(case(binary, &label, event, &url));
        if function == "user" {
            let orgs = USER_ORGS.replace("DEMO_TOKEN", &token);
            cases.push(case(
                binary,
                "user `GET /api/user/orgs` signed in",
                &orgs,
                &url,
            ));
        }
    }

    let mut rows: Vec<Row> = cases
        .into_iter()
        .map(|mut case| {
            case.env.extend(extra_env.iter().cloned());
            let binary = release.join(case.binary);
            let binary_size = std::fs::metadata(&binary)
                .unwrap_or_else(|e| {
                    panic!("{}: {e} (build it, or drop --no-build)", binary.display())
                })
                .len();
            Row {
                zip_size: zipped_size(&binary, &scratch),
                binary_size,
                case,
                init: Vec::new(),
                first: Vec::new(),
                peak_rss: 0,
                answers: Vec::new(),
            }
        })
        .collect();

    // Round-robin over the binaries, so load from other processes on the machine spreads over
    // all of them; the first round only warms the page cache and is not counted.
    for round in 0..=runs {
        for row in &mut rows {
            let log = scratch.join(format!("{}.log", row.case.binary));
            let sample = launch::cold_start(
                &release.join(row.case.binary),
                row.case.binary,
                &row.case.env,
                row.case.event.clone(),
                &log,
            )
            .await
            .unwrap_or_else(|why| panic!("{}: {why}", row.case.label));
            if round > 0 {
                row.init.push(sample.init);
                row.first.push(sample.first);
                row.peak_rss = row.peak_rss.max(sample.peak_rss);
                if !row.answers.contains(&sample.answer) {
                    row.answers.push(sample.answer);
                }
            }
        }
    }
    for (name, value) in &extra_env {
        println!("with {name}={value}");
    }
    print_table(&rows, runs);
}

fn case(binary: &'static str, label: &str, event: &str, database_url: &str) -> Case {
    // What the template sets (`SUPABASE_JWKS_URL` is never fetched for an HS256 token), with the
    // secrets in the environment instead of Secrets Manager.
    let env = [
        ("DATABASE_URL", database_url),
        ("DATABASE_POOL_SIZE", "2"),
        ("SUPABASE_JWT_SECRET", identity::JWT_SECRET),
        ("SUPABASE_JWT_ISSUER", identity::ISSUER),
        (
            "SUPABASE_JWKS_URL",
            "https://victorysync-test.supabase.co/auth/v1/.well-known/jwks.json",
        ),
        ("INTEGRATIONS_KEYS", identity::KEYRING),
        ("SERVICE_KEYS", "cold-start-service-key-0123456789abcdef"),
        ("SYNC_DISPATCH", "eventbridge"),
        ("SYNC_EVENT_BUS", "victorysync-sync"),
    ];
    Case {
        label: label.to_owned(),
        binary,
        event: Bytes::from(event.to_owned()),
        env: env
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    }
}

/// `<target>` holding this program (`<target>/<profile>/cold-start`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("{} is not in a cargo target directory", exe.display()))
}

/// Every binary in one cargo invocation, so the hello world and the functions share the profile,
/// the dependency versions and the feature unification.
fn build(root: &Path, target: &Path, only: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--release", "-p", "bench", "--bin", HELLO]);
    for function in only {
        command.args(["-p", function, "--bin", function]);
    }
    println!("building: {command:?}");
    let status = command.status().unwrap();
    assert!(status.success(), "the release build failed");
}

/// The size of `bootstrap` zipped with deflate by Python's `zipfile`, which is what SAM uses to
/// package a `rust-cargolambda` build (and what `cargo lambda build --output-format zip` matches).
fn zipped_size(binary: &Path, scratch: &Path) -> u64 {
    let name = binary.file_name().unwrap().to_string_lossy();
    let zip = scratch.join(format!("{name}.zip"));
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile\n\
             with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    z.write(sys.argv[2], 'bootstrap')",
        ])
        .arg(&zip)
        .arg(binary)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "python3 could not zip {}",
        binary.display()
    );
    std::fs::metadata(&zip).unwrap().len()
}

/// Nearest-rank percentile of an unsorted sample, in milliseconds.
fn percentile(sample: &[Duration], p: f64) -> f64 {
    let mut sorted = sample.to_vec();
    sorted.sort();
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn print_table(rows: &[Row], runs: usize) {
    let hello = percentile(&rows[0].init, 0.5);
    println!();
    println!(
        "{runs} cold starts each (after one uncounted warm-up); times in ms (p50 / p90), sizes in MB (10^6 bytes)."
    );
    println!();
    println!(
        "| binary and first event | init | init ÷ hello (p50) | first invocation | answer | peak RSS | zipped `bootstrap` | binary |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        let init = percentile(&row.init, 0.5);
        println!(
            "| {} | {:.1} / {:.1} | {:.2} | {:.1} / {:.1} | {} | {:.1} | {:.2} | {:.2} |",
            row.case.label,
            init,
            percentile(&row.init, 0.9),
            init / hello,
            percentile(&row.first, 0.5),
            percentile(&row.first, 0.9),
            row.answers.join(", "),
            mb(row.peak_rss),
            mb(row.zip_size),
            mb(row.binary_size),
        );
    }
    println!();
    println!("targets per function: init ≤ 1.5 × hello, peak RSS ≤ 32 MB, zipped bootstrap ≤ 6 MB");
}
