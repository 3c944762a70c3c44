//! `cargo run -p migrate` with `DATABASE_URL` migrates an empty database, and a second run is a no-op.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use test_harness::TestDb;

fn run_migrate(database_url: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .env("DATABASE_URL", database_url)
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "migrate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Log lines come first; the report is the last line.
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap()
}

#[tokio::test]
async fn migrates_an_empty_database_then_applies_nothing() {
    let db = TestDb::empty().await;
    let first = run_migrate(&db.admin_url());
    let applied = first["applied"].as_array().unwrap();
    assert!(applied.len() >= 4, "{first}");
    assert_eq!(applied[0]["version"], 1);

    let tables: i64 = db
        .admin()
        .await
        .query_one(
            "select count(*) from pg_tables where schemaname = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 15);

    let second = run_migrate(&db.admin_url());
    assert_eq!(second["applied"], serde_json::json!([]));
}

#[test]
fn fails_clearly_without_database_url() {
    let out = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .env_remove("DATABASE_URL")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("DATABASE_URL is not set"));
}
