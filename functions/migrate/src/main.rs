//! Applies the database migrations: once from the command line (`cargo run -p migrate` with
//! `DATABASE_URL`), or as a Lambda function invoked after each deploy.

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::{Value, json};
use store::{Db, DbConfig, StoreError};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    web::init_process();
    let db = Db::connect(&DbConfig::from_env()?)?;
    // The Lambda runtime API variable is set only inside Lambda (and `cargo lambda watch`).
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        let db = &db;
        lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| async move {
            migrate(db).await.map_err(lambda_runtime::Error::from)
        }))
        .await
    } else {
        let report = migrate(&db).await?;
        println!("{report}");
        Ok(())
    }
}

async fn migrate(db: &Db) -> Result<Value, StoreError> {
    let applied = db.migrate().await?;
    for m in &applied {
        tracing::info!(version = m.version, name = %m.name, "applied migration");
    }
    Ok(json!({
        "applied": applied.iter().map(|m| json!({"version": m.version, "name": m.name})).collect::<Vec<_>>(),
    }))
}
