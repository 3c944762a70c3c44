//! Each function refuses to start, with a message naming what is missing, when a secret it needs is
//! absent: built exactly as `main` builds it, so a bad deployment fails at the cold start instead
//! of on some later request.

use serde_json::json;
use test_harness::TestDb;
use test_harness::identity::{self, JWT_SECRET, KEYRING, core_config};

fn message<T>(built: Result<T, startup::StartupError>) -> String {
    match built {
        Ok(_) => panic!("the function started without what it needs"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn functions_that_open_credentials_refuse_to_start_without_a_keyring() {
    let db = TestDb::new().await;
    let deps = identity::deps_with_only(&db, json!({ "SUPABASE_JWT_SECRET": JWT_SECRET })).await;
    let wiring = sync_engine::WiringConfig::default();

    let admin = admin_integrations::AdminConfig {
        core: core_config(),
        mightycall_base_override: None,
        daily_request_budget: 100,
    };
    let refused = message(admin_integrations::AdminState::build(admin, deps.clone()).await);
    assert!(refused.contains("INTEGRATIONS_KEYS"), "{refused}");

    let trigger = trigger::TriggerConfig {
        core: core_config(),
        wiring: sync_engine::WiringConfig {
            dispatch: sync_engine::DispatchConfig::EventBridge { bus: "b".into() },
            ..wiring.clone()
        },
        clock: chrono::Utc::now,
    };
    let refused = message(trigger::TriggerState::build(trigger, deps.clone()).await);
    assert!(refused.contains("INTEGRATIONS_KEYS"), "{refused}");

    // Dispatching inline runs syncs in this process, which needs the keyring too.
    let sync = sync::SyncConfig {
        core: core_config(),
        wiring: wiring.clone(),
    };
    let refused = message(sync::SyncState::build(sync, deps.clone()).await);
    assert!(refused.contains("INTEGRATIONS_KEYS"), "{refused}");

    let refused = message(sync_worker::Worker::build(wiring, deps.clone()).await);
    assert!(refused.contains("INTEGRATIONS_KEYS"), "{refused}");

    // The user and data functions never open credentials: they start.
    assert!(web::Core::build(core_config(), deps).await.is_ok());
}

#[tokio::test]
async fn an_http_function_refuses_to_start_when_no_token_could_be_verified() {
    let db = TestDb::new().await;
    let deps = identity::deps_with_only(&db, json!({ "INTEGRATIONS_KEYS": KEYRING })).await;
    let refused = message(web::Core::build(core_config(), deps).await);
    assert!(
        refused.contains("SUPABASE_JWT_SECRET") && refused.contains("SUPABASE_JWKS_URL"),
        "{refused}"
    );
}
