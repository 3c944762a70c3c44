//! Start-up shared by every function: process initialisation and why a cold start failed.

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
