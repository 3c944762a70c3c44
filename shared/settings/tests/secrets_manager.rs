//! The secrets loader against an AWS emulator (moto) with the real Secrets Manager client: parsing,
//! caching with a TTL, rotation, failure modes, and that no value leaks into errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use serde_json::json;
use settings::{SecretSource, Secrets, SettingsError};
use test_harness::AwsEmulator;

const KEY_1: &str = "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="; // 32 × '1'
const KEY_2: &str = "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="; // 32 × '2'
const JWT_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters";
const SERVICE_KEY_A: &str = "svc-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SERVICE_KEY_B: &str = "svc-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn secret_json(active: &str, service_keys: &str) -> String {
    json!({
        "SUPABASE_JWT_SECRET": JWT_SECRET,
        "INTEGRATIONS_KEYS": json!({"active": active, "keys": {"k1": KEY_1, "k2": KEY_2}}).to_string(),
        "SERVICE_KEYS": service_keys,
        "MIGHTYCALL_API_KEY": "platform-api-key-0001",
        "MIGHTYCALL_USER_KEY": "platform-user-key-0001",
    })
    .to_string()
}

/// Creates a uniquely named secret in the emulator and a loader for it.
async fn loader(value: &str, ttl: Duration) -> (aws_sdk_secretsmanager::Client, String, Secrets) {
    let client = AwsEmulator::get().secrets_manager();
    let name = format!("victorysync/test/{}", uuid::Uuid::new_v4());
    let created = client
        .create_secret()
        .name(&name)
        .secret_string(value)
        .send()
        .await
        .unwrap();
    let arn = created.arn().unwrap().to_owned();
    let source = SecretSource::SecretsManager {
        client: client.clone(),
        secret_ids: vec![arn.clone()],
    };
    (client, arn, Secrets::new(source, ttl))
}

#[tokio::test]
async fn reads_every_key_from_the_json_secret() {
    let (_, _, secrets) = loader(
        &secret_json("k1", &format!("{SERVICE_KEY_A}, {SERVICE_KEY_B}")),
        Duration::from_secs(300),
    )
    .await;
    let current = secrets.current().await.unwrap();
    assert!(current.jwt_secret().is_some());
    assert_eq!(current.keyring().unwrap().active_key_id().as_str(), "k1");
    let keys = current.service_keys();
    assert_eq!(keys.len(), 2, "both rotation keys are valid at once");
    assert!(keys.iter().any(|k| k.matches(SERVICE_KEY_A)));
    assert!(keys.iter().any(|k| k.matches(SERVICE_KEY_B)));
    assert!(!keys.iter().any(|k| k.matches("svc-aaaa")));
    assert!(current.platform_mightycall().is_some());
}

#[tokio::test]
async fn a_rotation_is_picked_up_after_the_ttl_and_not_before() {
    let (client, arn, cached) =
        loader(&secret_json("k1", SERVICE_KEY_A), Duration::from_secs(300)).await;
    assert_eq!(
        cached
            .current()
            .await
            .unwrap()
            .keyring()
            .unwrap()
            .active_key_id()
            .as_str(),
        "k1"
    );
    client
        .put_secret_value()
        .secret_id(&arn)
        .secret_string(secret_json("k2", SERVICE_KEY_B))
        .send()
        .await
        .unwrap();
    let still = cached.current().await.unwrap();
    assert_eq!(
        still.keyring().unwrap().active_key_id().as_str(),
        "k1",
        "served from cache within the TTL"
    );

    let expiring = Secrets::new(
        SecretSource::SecretsManager {
            client: client.clone(),
            secret_ids: vec![arn.clone()],
        },
        Duration::ZERO,
    );
    let fresh = expiring.current().await.unwrap();
    assert_eq!(fresh.keyring().unwrap().active_key_id().as_str(), "k2");
    assert!(fresh.service_keys()[0].matches(SERVICE_KEY_B));
    assert!(
        !fresh.service_keys()[0].matches(SERVICE_KEY_A),
        "the rotated-out key no longer works"
    );
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_last_good_values() {
    let (client, arn, secrets) = loader(&secret_json("k1", SERVICE_KEY_A), Duration::ZERO).await;
    assert!(secrets.current().await.is_ok());
    client
        .delete_secret()
        .secret_id(&arn)
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap();
    let stale = secrets.current().await.unwrap();
    assert_eq!(stale.keyring().unwrap().active_key_id().as_str(), "k1");
}

#[tokio::test]
async fn the_first_load_fails_clearly_without_revealing_values() {
    let client = AwsEmulator::get().secrets_manager();
    let missing = Secrets::new(
        SecretSource::SecretsManager {
            client,
            secret_ids: vec!["victorysync/does-not-exist".into()],
        },
        Duration::from_secs(300),
    );
    assert!(matches!(
        missing.current().await,
        Err(SettingsError::SecretUnavailable(_))
    ));

    let (_, _, not_json) = loader("this is not json", Duration::from_secs(300)).await;
    assert!(matches!(
        not_json.current().await,
        Err(SettingsError::SecretNotJson)
    ));

    let bad_keyring = json!({"INTEGRATIONS_KEYS": json!({"active": "k1", "keys": {"k1": "c2hvcnQ="}}).to_string()}).to_string();
    let (_, _, bad) = loader(&bad_keyring, Duration::from_secs(300)).await;
    let err = bad.current().await.err().unwrap();
    let message = err.to_string();
    assert!(message.contains("INTEGRATIONS_KEYS"), "{message}");
    assert!(
        !message.contains("c2hvcnQ="),
        "the error quotes the key: {message}"
    );

    let weak = json!({"SERVICE_KEYS": "short"}).to_string();
    let (_, _, weak) = loader(&weak, Duration::from_secs(300)).await;
    let message = weak.current().await.err().unwrap().to_string();
    assert!(
        message.contains("SERVICE_KEYS") && !message.contains("short"),
        "{message}"
    );

    let half = json!({"MIGHTYCALL_API_KEY": "platform-api-key-0001"}).to_string();
    let (_, _, half) = loader(&half, Duration::from_secs(300)).await;
    assert!(matches!(
        half.current().await,
        Err(SettingsError::Missing {
            name: "MIGHTYCALL_USER_KEY"
        })
    ));
}

#[tokio::test]
async fn a_function_that_needs_the_keyring_is_told_it_is_missing() {
    let (_, _, secrets) = loader(
        &json!({"SERVICE_KEYS": SERVICE_KEY_A}).to_string(),
        Duration::from_secs(300),
    )
    .await;
    let current = secrets.current().await.unwrap();
    let err = current.keyring().err().unwrap();
    assert_eq!(err.to_string(), "INTEGRATIONS_KEYS is required but not set");
    assert_eq!(
        format!("{:?}", current.service_keys()[0]),
        "ServiceKey([redacted])"
    );
}

/// Each function is granted only the secrets it needs, so the values are split over several
/// secrets: they merge, the database URL is one of them, and a key held twice is refused.
#[tokio::test]
async fn several_secrets_merge_and_a_key_held_twice_is_refused() {
    let client = AwsEmulator::get().secrets_manager();
    let create = |value: serde_json::Value| {
        let client = client.clone();
        async move {
            client
                .create_secret()
                .name(format!("victorysync/test/{}", uuid::Uuid::new_v4()))
                .secret_string(value.to_string())
                .send()
                .await
                .unwrap()
                .arn()
                .unwrap()
                .to_owned()
        }
    };
    let database = create(json!({ "DATABASE_URL": "postgres://app:pw@db.internal/vs" })).await;
    let auth = create(json!({ "SUPABASE_JWT_SECRET": JWT_SECRET })).await;
    let merged = Secrets::new(
        SecretSource::SecretsManager {
            client: client.clone(),
            secret_ids: vec![database.clone(), auth.clone()],
        },
        Duration::from_secs(300),
    );
    let current = merged.current().await.unwrap();
    assert_eq!(
        current.database_url(),
        Some("postgres://app:pw@db.internal/vs")
    );
    assert!(current.jwt_secret().is_some());
    assert!(
        current.keyring().is_err(),
        "a function given only these two secrets has no keyring"
    );
    assert!(current.service_keys().is_empty());

    let twice = Secrets::new(
        SecretSource::SecretsManager {
            client: client.clone(),
            secret_ids: vec![auth.clone(), auth],
        },
        Duration::from_secs(300),
    );
    match twice.current().await {
        Err(SettingsError::Invalid { name, .. }) => assert_eq!(name, "SUPABASE_JWT_SECRET"),
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("a key held by two secrets must be refused"),
    }
}
