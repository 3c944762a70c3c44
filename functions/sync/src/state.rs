use std::sync::Arc;

use axum::extract::FromRef;
use sync_engine::{Dispatcher, Engine, SyncSettings};
use web::{AuthContext, Core, StartupError};

#[derive(Clone)]
pub struct SyncState {
    pub core: Core,
    pub dispatcher: Arc<Dispatcher>,
    /// `SYNC_MAX_RANGE_DAYS`: the longest explicit re-sync range a request may ask for.
    pub max_range_days: i64,
}

impl SyncState {
    /// `SYNC_DISPATCH` = `eventbridge` (with `SYNC_EVENT_BUS`) in AWS, `inline` locally.
    pub async fn from_env() -> Result<Self, StartupError> {
        let core = Core::from_env().await?;
        let dispatcher = match settings::env_optional("SYNC_DISPATCH").as_deref() {
            Some("eventbridge") => {
                let bus = settings::env_optional("SYNC_EVENT_BUS").ok_or_else(|| {
                    StartupError::Config(
                        "SYNC_EVENT_BUS is required with SYNC_DISPATCH=eventbridge".into(),
                    )
                })?;
                let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
                Dispatcher::EventBridge {
                    client: aws_sdk_eventbridge::Client::new(&config),
                    bus,
                }
            }
            Some("inline") | None => {
                let settings =
                    SyncSettings::from_env().map_err(|e| StartupError::Config(e.to_string()))?;
                // This process runs the syncs itself, so it needs the keyring to open credentials.
                core.auth.secrets.current().await?.keyring()?;
                Dispatcher::Inline(Engine::new(
                    core.db.clone(),
                    Arc::clone(&core.auth.secrets),
                    settings,
                ))
            }
            Some(_) => {
                return Err(StartupError::Config(
                    "SYNC_DISPATCH must be eventbridge or inline".into(),
                ));
            }
        };
        let max_range_days = match settings::env_optional("SYNC_MAX_RANGE_DAYS") {
            None => 92,
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=366).contains(d))
                .ok_or_else(|| {
                    StartupError::Config("SYNC_MAX_RANGE_DAYS must be from 1 to 366".into())
                })?,
        };
        Ok(Self {
            core,
            dispatcher: Arc::new(dispatcher),
            max_range_days,
        })
    }
}

impl FromRef<SyncState> for AuthContext {
    fn from_ref(state: &SyncState) -> Self {
        state.core.auth.clone()
    }
}
