//! Database operations after a deploy: apply the migrations, or re-encrypt every stored credential
//! under the keyring's active key after a key rotation.

mod reseal;

use serde::Deserialize;
use serde_json::{Value, json};
use store::Db;

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
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
pub enum Action {
    #[default]
    Migrate,
    ResealCredentials,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(default)]
    pub action: Action,
}

impl Action {
    /// The command-line form: no argument, or `reseal-credentials`.
    pub fn from_arg(arg: Option<&str>) -> Result<Self, OpsError> {
        match arg {
            None => Ok(Self::Migrate),
            Some("reseal-credentials") => Ok(Self::ResealCredentials),
            Some(other) => Err(OpsError::Usage(other.to_owned())),
        }
    }

    /// The Lambda form: `{}` or `{"action":"migrate"|"reseal_credentials"}`.
    pub fn from_event(event: Value) -> Result<Self, OpsError> {
        serde_json::from_value::<Event>(event)
            .map(|e| e.action)
            .map_err(|_| {
                OpsError::Usage(
                    "an event other than {} or {\"action\":\"migrate\"|\"reseal_credentials\"}"
                        .into(),
                )
            })
    }
}

pub async fn run(db: &Db, action: Action) -> Result<Value, OpsError> {
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
            // Only reached when no row is left under another key: the old keys can go.
            Ok(json!({
                "resealed": report.resealed,
                "unchanged": report.unchanged,
                "tokens_dropped": report.tokens_dropped,
                "left_under_old_keys": 0,
            }))
        }
    }
}
