//! Start-up shared by every function: process initialisation and why a cold start failed.

use std::sync::Arc;

mod process;

pub use process::init_process;

/// Why a function could not start; the message names the setting, never its value.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    #[error("{0}")]
    Config(String),
}

/// What a function connects to at cold start: its secrets and the database. `main` makes it from
/// the environment; tests make it from their own database and secrets, then both build the
/// function's state the same way.
#[derive(Clone)]
pub struct Deps {
    pub db: store::Db,
    pub secrets: Arc<settings::Secrets>,
    /// The AWS SDK's configuration for clients other than Secrets Manager (EventBridge); `None`
    /// takes it from the variables Lambda sets.
    pub aws: Option<aws_config::SdkConfig>,
}

impl Deps {
    /// Secrets (`APP_SECRET_ARN` or the environment) and `DATABASE_*`. Loads the secrets once so a
    /// missing or malformed one stops the cold start, not a request.
    pub async fn from_env() -> Result<Self, StartupError> {
        let secrets = Arc::new(settings::Secrets::from_env().await?);
        let loaded = secrets.current().await?;
        let db = store::Db::connect(&store::DbConfig::from_env(loaded.database_url())?)?;
        Ok(Self {
            db,
            secrets,
            aws: None,
        })
    }

    /// The AWS SDK configuration: the given one, or the one Lambda's variables describe.
    pub fn aws(&self) -> aws_config::SdkConfig {
        self.aws.clone().unwrap_or_else(settings::lambda_aws_config)
    }
}
