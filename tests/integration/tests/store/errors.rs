//! How database refusals are sorted: a value PostgreSQL refuses as data (SQLSTATE class 22) or a
//! constraint (class 23) is the caller's fault and must never surface as an internal error.

use store::StoreError;
use test_harness::TestDb;

async fn refusal(sql: &str) -> StoreError {
    let db = TestDb::new().await;
    let tx = db.store().as_service().await.unwrap();
    let err = tx.client().batch_execute(sql).await.unwrap_err();
    StoreError::from(err)
}

#[tokio::test]
async fn data_exceptions_are_bad_values_and_constraints_are_invalid() {
    for sql in [
        "select '-5000-01-01'::timestamptz",
        "select convert_from('\\x6100'::bytea, 'UTF8')",
        "select 9223372036854775807::bigint + 1",
        "select 'abc'::int",
    ] {
        let err = refusal(sql).await;
        assert!(matches!(err, StoreError::BadValue(_)), "{sql}: {err:?}");
        let api = web::ApiError::from(err);
        assert_eq!(
            (api.status().as_u16(), api.code()),
            (400, "invalid_value"),
            "{sql}"
        );
    }
    let err = refusal("insert into organizations (name) values (null)").await;
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(web::ApiError::from(err).status().as_u16(), 422);
}

#[tokio::test]
async fn a_statement_cut_by_its_timeout_is_unavailable_not_internal() {
    let err = refusal("set local statement_timeout = '50ms'; select pg_sleep(1)").await;
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert_eq!(web::ApiError::from(err).status().as_u16(), 503);
}

/// The application's own transactions carry the configured timeouts: a slow statement and a
/// transaction left idle are ended by the server, as user and as service.
#[tokio::test]
async fn transactions_end_slow_statements_and_idle_holders() {
    let db = TestDb::new().await;
    let mut config = db.store_config();
    config.statement_timeout = std::time::Duration::from_millis(200);
    config.idle_in_transaction_timeout = std::time::Duration::from_millis(300);
    let store = store::Db::connect(&config).unwrap();
    let claims = serde_json::json!({ "sub": uuid::Uuid::new_v4(), "role": "authenticated" });

    let tx = store.as_user(&claims).await.unwrap();
    let err = StoreError::from(
        tx.client()
            .batch_execute("select pg_sleep(1)")
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    drop(tx);

    let tx = store.as_service().await.unwrap();
    tx.client().batch_execute("select 1").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let err = tx.client().batch_execute("select 1").await.unwrap_err();
    assert!(
        matches!(StoreError::from(err), StoreError::Unavailable(_)),
        "an idle transaction is ended by the server"
    );
    drop(tx);

    // A fresh transaction on the same pool works: the broken connection is not handed out again.
    let tx = store.as_service().await.unwrap();
    let timeout: String = tx
        .client()
        .query_one("select current_setting('statement_timeout')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(timeout, "200ms");
}
