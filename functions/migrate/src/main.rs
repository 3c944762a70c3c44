//! Database operations after a deploy: applies the migrations (`cargo run -p migrate`, or the
//! function invoked with `{}`), and re-encrypts every stored credential under the keyring's active
//! key after a key rotation (`cargo run -p migrate -- reseal-credentials`, or
//! `{"action":"reseal_credentials"}`).

mod reseal;

use lambda_runtime::{LambdaEvent, service_fn};
use serde::Deserialize;
use serde_json::{Value, json};
use store::{Db, DbConfig};

#[derive(Debug, thiserror::Error)]
enum OpsError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    #[error("cannot re-encrypt integration {row}: {reason}")]
    Reseal { row: String, reason: String },
    #[error("unknown command {0:?}; use no argument (migrate) or `reseal-credentials`")]
    Usage(String),
}

#[derive(Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    #[default]
    Migrate,
    ResealCredentials,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Event {
    #[serde(default)]
    action: Action,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    web::init_process();
    match start().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Display, not Debug: operators read this line.
            eprintln!("migrate: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start() -> Result<(), lambda_runtime::Error> {
    let db = Db::connect(&DbConfig::from_env()?)?;
    // The Lambda runtime API variable is set only inside Lambda (and `cargo lambda watch`).
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        let db = &db;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
            let action = serde_json::from_value::<Event>(event.payload)
                .map_err(lambda_runtime::Error::from)?
                .action;
            run(db, action).await.map_err(lambda_runtime::Error::from)
        }))
        .await
    } else {
        let action = match std::env::args().nth(1).as_deref() {
            None => Action::Migrate,
            Some("reseal-credentials") => Action::ResealCredentials,
            Some(other) => return Err(OpsError::Usage(other.to_owned()).into()),
        };
        println!("{}", run(&db, action).await?);
        Ok(())
    }
}

async fn run(db: &Db, action: Action) -> Result<Value, OpsError> {
    match action {
        Action::Migrate => {
            let applied = db.migrate().await?;
            for m in &applied {
                tracing::info!(version = m.version, name = %m.name, "applied migration");
            }
            Ok(json!({
                "applied": applied.iter().map(|m| json!({"version": m.version, "name": m.name})).collect::<Vec<_>>(),
            }))
        }
        Action::ResealCredentials => {
            let secrets = settings::Secrets::from_env().await?.current().await?;
            let report = reseal::reseal_all(db, secrets.keyring()?).await?;
            Ok(json!({ "resealed": report.resealed, "unchanged": report.unchanged }))
        }
    }
}
