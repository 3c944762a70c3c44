use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::SettingsError;

/// The keys a secret may hold. Locally each is an environment variable of the same name.
pub(crate) const SECRET_KEYS: &[&str] = &[
    "DATABASE_URL",
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
    /// One or more JSON secrets, merged. Several let each function be granted only the secrets it
    /// needs (IAM grants whole secrets, not keys): the database URL, the token secret, the keyring…
    SecretsManager {
        client: aws_sdk_secretsmanager::Client,
        secret_ids: Vec<String>,
    },
}

impl SecretSource {
    /// Secrets Manager when `APP_SECRET_ARN` is set — one ARN or a comma-separated list — with the
    /// default AWS credential chain and region (which Lambda provides); the environment otherwise.
    pub async fn from_env() -> Self {
        let secret_ids: Vec<String> = crate::env_optional("APP_SECRET_ARN")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect();
        if secret_ids.is_empty() {
            return Self::Env;
        }
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::SecretsManager {
            client: aws_sdk_secretsmanager::Client::new(&config),
            secret_ids,
        }
    }

    pub(crate) async fn fetch(&self) -> Result<RawSecrets, SettingsError> {
        match self {
            Self::Env => Ok(SECRET_KEYS
                .iter()
                .filter_map(|&key| crate::env_optional(key).map(|v| (key, Zeroizing::new(v))))
                .collect()),
            Self::SecretsManager { client, secret_ids } => {
                let mut values = RawSecrets::new();
                for secret_id in secret_ids {
                    for (key, value) in fetch_one(client, secret_id).await? {
                        if values.insert(key, value).is_some() {
                            return Err(SettingsError::Invalid {
                                name: key,
                                reason: "is held by more than one of the APP_SECRET_ARN secrets"
                                    .into(),
                            });
                        }
                    }
                }
                // Keys in no secret fall back to the environment, so a deployment can keep a
                // non-secret or non-rotating value out of Secrets Manager.
                for &key in SECRET_KEYS {
                    if !values.contains_key(key)
                        && let Some(value) = crate::env_optional(key)
                    {
                        values.insert(key, Zeroizing::new(value));
                    }
                }
                Ok(values)
            }
        }
    }
}

async fn fetch_one(
    client: &aws_sdk_secretsmanager::Client,
    secret_id: &str,
) -> Result<RawSecrets, SettingsError> {
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

/// The known keys one secret holds; others are ignored.
fn parse_secret_json(text: &str) -> Result<RawSecrets, SettingsError> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|_| SettingsError::SecretNotJson)?;
    let mut values = RawSecrets::new();
    for &key in SECRET_KEYS {
        let value = match object.get(key) {
            Some(serde_json::Value::String(s)) => Some(Zeroizing::new(s.clone())),
            // The keyring may be stored as a nested object rather than a JSON string.
            Some(v @ serde_json::Value::Object(_)) => Some(Zeroizing::new(v.to_string())),
            Some(serde_json::Value::Null) | None => None,
            Some(_) => return Err(SettingsError::SecretNotJson),
        };
        if let Some(value) = value {
            values.insert(key, value);
        }
    }
    Ok(values)
}
