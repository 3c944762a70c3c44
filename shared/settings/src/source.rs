use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::SettingsError;

/// The keys a secret may hold. Locally each is an environment variable of the same name.
pub(crate) const SECRET_KEYS: &[&str] = &[
    "DATABASE_URL",
    "SUPABASE_JWT_SECRET",
    "INTEGRATIONS_KEYS",
    "WEB_SESSION_KEYS",
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
    /// region and credentials Lambda puts in the environment; the environment otherwise.
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
        Self::SecretsManager {
            client: aws_sdk_secretsmanager::Client::new(&lambda_aws_config()),
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

/// The AWS SDK configuration of a Lambda function, from the variables Lambda sets (`AWS_REGION`,
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), plus `AWS_ENDPOINT_URL` for
/// a local emulator; for every SDK client (`Client::new(&config)`). Not
/// `aws_config::load_defaults`: in Lambda its credential chain stops at these same variables, but
/// the rest of it (STS web identity, ECS, IMDS, profile files) made every function's zip 0.6 MB
/// larger (see the README's cold-start figures). Missing values fail the first request with the
/// SDK's message. Any SDK client loads the system's root certificates when it is built, so build
/// one when it is first needed.
pub fn lambda_aws_config() -> aws_config::SdkConfig {
    lambda_aws_config_from(crate::env_optional)
}

fn lambda_aws_config_from(var: impl Fn(&str) -> Option<String>) -> aws_config::SdkConfig {
    use aws_sdk_secretsmanager::config::{Credentials, Region, SharedCredentialsProvider};

    let mut config =
        aws_config::SdkConfig::builder().behavior_version(aws_config::BehaviorVersion::latest());
    if let Some(region) = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")) {
        config = config.region(Region::new(region));
    }
    if let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        config = config.credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            id,
            secret,
            var("AWS_SESSION_TOKEN"),
            None,
            "lambda-environment",
        )));
    }
    if let Some(endpoint) = var("AWS_ENDPOINT_URL") {
        config = config.endpoint_url(endpoint);
    }
    config.build()
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

#[cfg(test)]
mod tests {
    use test_harness::AwsEmulator;

    use super::{SecretSource, lambda_aws_config_from};
    use crate::SettingsError;

    fn source(var: impl Fn(&str) -> Option<String>, secret_id: &str) -> SecretSource {
        SecretSource::SecretsManager {
            client: aws_sdk_secretsmanager::Client::new(&lambda_aws_config_from(var)),
            secret_ids: vec![secret_id.to_owned()],
        }
    }

    #[tokio::test]
    async fn the_client_signs_with_lambdas_region_and_credentials() -> Result<(), String> {
        let emulator = AwsEmulator::get();
        let name = format!("victorysync/test/{}", uuid::Uuid::new_v4());
        emulator
            .secrets_manager()
            .create_secret()
            .name(&name)
            .secret_string(r#"{"SERVICE_KEYS":"from-the-secret"}"#)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let lambda = |var: &str| {
            match var {
                "AWS_REGION" => Some("us-east-1"),
                "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" => Some("testing"),
                "AWS_SESSION_TOKEN" => Some("session"),
                "AWS_ENDPOINT_URL" => Some(emulator.endpoint()),
                _ => None,
            }
            .map(str::to_owned)
        };
        let raw = source(lambda, &name)
            .fetch()
            .await
            .map_err(|e| e.to_string())?;
        assert_eq!(
            raw.get("SERVICE_KEYS").map(|v| v.as_str()),
            Some("from-the-secret")
        );
        Ok(())
    }

    #[tokio::test]
    async fn without_lambdas_variables_the_read_fails() {
        let failed = source(|_| None, "victorysync/missing").fetch().await;
        assert!(matches!(failed, Err(SettingsError::SecretUnavailable(_))));
    }
}
