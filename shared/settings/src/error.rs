/// Why configuration could not be loaded. Messages name the variable and the rule it broke, never
/// its value.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{name} is required but not set")]
    Missing { name: &'static str },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("the secret named by APP_SECRET_ARN could not be read: {0}")]
    SecretUnavailable(String),
    #[error("the secret named by APP_SECRET_ARN is not a JSON object of strings")]
    SecretNotJson,
}
