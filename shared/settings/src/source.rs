use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::SettingsError;

/// The keys a secret may hold. Locally each is an environment variable of the same name.
pub(crate) const SECRET_KEYS: &[&str] = &[
    "SUPABASE_JWT_SECRET",
    "INTEGRATIONS_KEYS",
    "SERVICE_KEYS",
    "MIGHTYCALL_API_KEY",
    "MIGHTYCALL_USER_KEY",
];

pub(crate) type RawSecrets = HashMap<&'static str, Zeroizing<String>>;

/// Where secret values come from.
#[derive(Clone, Debug)]
pub enum SecretSource {
    Env,
    SecretsManager {
        client: aws_sdk_secretsmanager::Client,
        secret_id: String,
    },
}

impl SecretSource {
    /// Secrets Manager when `APP_SECRET_ARN` is set (with the default AWS credential chain and
    /// region, which Lambda provides), the environment otherwise.
    pub async fn from_env() -> Self {
        match crate::env_optional("APP_SECRET_ARN") {
            Some(secret_id) => {
                let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
                Self::SecretsManager {
                    client: aws_sdk_secretsmanager::Client::new(&config),
                    secret_id,
                }
            }
            None => Self::Env,
        }
    }

    pub(crate) async fn fetch(&self) -> Result<RawSecrets, SettingsError> {
        match self {
            Self::Env => Ok(SECRET_KEYS
                .iter()
                .filter_map(|&key| crate::env_optional(key).map(|v| (key, Zeroizing::new(v))))
                .collect()),
            Self::SecretsManager { client, secret_id } => {
                let output = client
                    .get_secret_value()
                    .secret_id(secret_id)
                    .send()
                    .await
                    // The SDK's error text names the operation and code, never the secret value.
                    .map_err(|e| {
                        SettingsError::SecretUnavailable(
                            aws_sdk_secretsmanager::error::DisplayErrorContext(&e).to_string(),
                        )
                    })?;
                let text = Zeroizing::new(
                    output
                        .secret_string()
                        .ok_or(SettingsError::SecretNotJson)?
                        .to_owned(),
                );
                parse_secret_json(&text)
            }
        }
    }
}

/// Keys missing from the secret fall back to the environment, so a deployment can keep a
/// non-rotating value (e.g. the platform MightyCall account) out of the secret.
fn parse_secret_json(text: &str) -> Result<RawSecrets, SettingsError> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|_| SettingsError::SecretNotJson)?;
    let mut values = RawSecrets::new();
    for &key in SECRET_KEYS {
        let value = match object.get(key) {
            Some(serde_json::Value::String(s)) => Some(Zeroizing::new(s.clone())),
            // The keyring may be stored as a nested object rather than a JSON string.
            Some(v @ serde_json::Value::Object(_)) => Some(Zeroizing::new(v.to_string())),
            Some(serde_json::Value::Null) | None => crate::env_optional(key).map(Zeroizing::new),
            Some(_) => return Err(SettingsError::SecretNotJson),
        };
        if let Some(value) = value {
            values.insert(key, value);
        }
    }
    Ok(values)
}
