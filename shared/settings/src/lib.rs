//! Configuration and secrets for every function. Locally and in tests the values come from
//! environment variables; in AWS, `APP_SECRET_ARN` names a Secrets Manager secret whose JSON object
//! has the same keys. The secret is read once per cold start and again when its TTL has passed, so a
//! rotation reaches warm functions without a redeploy.

mod app_secrets;
mod cache;
mod env;
mod error;
mod source;

pub use app_secrets::{AppSecrets, ServiceKey};
pub use cache::Secrets;
pub use env::{env_flag, env_millis, env_number, env_optional, env_secs};
pub use error::SettingsError;
pub use source::{SecretSource, lambda_aws_config};
