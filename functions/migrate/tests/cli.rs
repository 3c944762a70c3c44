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
    assert_eq!(tables, 28);

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

const K3: &str = "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="; // 32 × '3'

fn reseal(database_url: &str, keyring: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .arg("reseal-credentials")
        .env("DATABASE_URL", database_url)
        .env("INTEGRATIONS_KEYS", keyring)
        .env_remove("APP_SECRET_ARN")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .output()
        .unwrap()
}

/// The test keyring with K3 added and made active (k1 and k2 still open old rows).
fn rotated_keyring() -> String {
    test_harness::identity::KEYRING
        .replace(r#""active":"k1""#, r#""active":"k3""#)
        .replace(r#""k2":"#, &format!(r#""k3":"{K3}","k2":"#))
}

/// Both orgs' credentials sealed under `k1` of the test keyring, as before a rotation.
async fn seal_credentials_under_k1(
    db: &TestDb,
    tenants: &test_harness::fixtures::Tenants,
    keyring: &crypto::Keyring,
) {
    let admin = db.admin().await;
    let vault = vault::Vault::new(keyring);
    for org in [tenants.org_a, tenants.org_b] {
        let creds = vault
            .seal_credentials(
                domain::OrgId::new(org),
                "mightycall",
                "api-key-of-some-org",
                "user-key-of-some-org",
            )
            .unwrap();
        admin
            .execute(
                "update org_integrations set credentials_ciphertext = $2, credentials_key_id = 'k1' where org_id = $1",
                &[&org, &creds],
            )
            .await
            .unwrap();
    }
}

/// Runs a rotation that must succeed and returns its answer.
fn resealed(database_url: &str, keyring: &str) -> serde_json::Value {
    let out = reseal(database_url, keyring);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    last_json(&out)
}

fn last_json(out: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap()
}

#[tokio::test]
async fn reseal_credentials_moves_every_row_to_the_active_key() {
    let db = TestDb::new().await;
    let tenants = test_harness::fixtures::Tenants::seed(&db.admin().await).await;
    let old = crypto::Keyring::from_json(test_harness::identity::KEYRING).unwrap();
    let admin = db.admin().await;
    seal_credentials_under_k1(&db, &tenants, &old).await;
    let before: Vec<String> = admin
        .query(
            "select credentials_ciphertext from org_integrations order by id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();

    // A keyring that no longer holds k1 cannot open the rows: it fails and changes nothing.
    let without_k1 = format!(r#"{{"active":"k3","keys":{{"k3":"{K3}"}}}}"#);
    let out = reseal(&db.app_url(), &without_k1);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot re-encrypt integration"), "{stderr}");
    let unchanged: Vec<String> = admin
        .query(
            "select credentials_ciphertext from org_integrations order by id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(unchanged, before);

    let rotated = rotated_keyring();
    assert_eq!(
        resealed(&db.app_url(), &rotated),
        serde_json::json!({ "resealed": 2, "unchanged": 0, "tokens_dropped": 0, "left_under_old_keys": 0 })
    );

    let only_k3 = crypto::Keyring::from_json(&without_k1).unwrap();
    for row in admin
        .query(
            "select org_id, credentials_ciphertext, credentials_key_id from org_integrations",
            &[],
        )
        .await
        .unwrap()
    {
        assert_eq!(row.get::<_, String>(2), "k3");
        let opened = vault::Vault::new(&only_k3)
            .open_credentials(
                domain::OrgId::new(row.get(0)),
                "mightycall",
                &row.get::<_, String>(1),
            )
            .unwrap();
        assert_eq!(format!("{:?}", opened.api_key), "ApiKey([redacted])");
    }
    let again = reseal(&db.app_url(), &rotated);
    assert_eq!(
        last_json(&again),
        serde_json::json!({ "resealed": 0, "unchanged": 2, "tokens_dropped": 0, "left_under_old_keys": 0 })
    );
}

/// Review finding: one cached token that no longer opened aborted the whole rotation. Tokens are
/// disposable: that one is dropped, every row still moves, and the report says none is left behind.
#[tokio::test]
async fn an_unopenable_token_is_dropped_and_the_rotation_completes() {
    let db = TestDb::new().await;
    let tenants = test_harness::fixtures::Tenants::seed(&db.admin().await).await;
    let old = crypto::Keyring::from_json(test_harness::identity::KEYRING).unwrap();
    let admin = db.admin().await;
    seal_credentials_under_k1(&db, &tenants, &old).await;
    admin
        .execute(
            "update org_integrations set token_cache_ciphertext = null, token_expires_at = null",
            &[],
        )
        .await
        .unwrap();
    // Org A's token was sealed under another binding, so it opens under no key of the keyring.
    let foreign = old.seal(b"{}", b"another org's token").unwrap();
    admin
        .execute(
            "update org_integrations set token_cache_ciphertext = $2, token_expires_at = now() + interval '1 hour'
             where org_id = $1",
            &[&tenants.org_a, &foreign],
        )
        .await
        .unwrap();

    let rotated = rotated_keyring();
    assert_eq!(
        resealed(&db.app_url(), &rotated),
        serde_json::json!({ "resealed": 2, "unchanged": 0, "tokens_dropped": 1, "left_under_old_keys": 0 })
    );
    let rows = admin
        .query(
            "select credentials_key_id, token_cache_ciphertext is null, token_expires_at is null
             from org_integrations where org_id = $1",
            &[&tenants.org_a],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, String>(0), "k3");
    assert!(
        rows[0].get::<_, bool>(1) && rows[0].get::<_, bool>(2),
        "the token is gone"
    );
}
