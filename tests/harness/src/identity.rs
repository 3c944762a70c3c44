//! Supabase-shaped access tokens and a `web::Core` wired to a test database, the AWS emulator's
//! Secrets Manager and a fixed HS256 secret, so endpoint tests run the real authentication path.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{AwsEmulator, TestDb};

pub const JWT_SECRET: &str = "test-only-jwt-secret-with-more-than-32-characters";
pub const ISSUER: &str = "https://victorysync-test.supabase.co/auth/v1";
/// The dashboard's session-cookie keys, apart from the credentials' keys.
pub const SESSION_KEYRING: &str =
    r#"{"active":"s1","keys":{"s1":"MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="}}"#;
/// Two keys so tests can rotate; `k1` is active.
pub const KEYRING: &str = r#"{"active":"k1","keys":{"k1":"MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=","k2":"MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="}}"#;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// The claims Supabase issues for a signed-in user.
pub fn claims(user: Uuid, email: &str) -> Value {
    json!({
        "sub": user.to_string(),
        "aud": "authenticated",
        "role": "authenticated",
        "iss": ISSUER,
        "email": email,
        "aal": "aal1",
        "iat": now(),
        "exp": now() + 3600,
        "user_metadata": { "full_name": "Test User" },
    })
}

pub fn sign(claims: &Value, secret: &str) -> String {
    match jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    ) {
        Ok(token) => token,
        #[allow(clippy::panic)]
        Err(e) => panic!("cannot sign a test token: {e}"),
    }
}

/// Tokens for `user` that must all be refused with 401, each with what is wrong with it.
pub fn bad_tokens(user: Uuid) -> Vec<(&'static str, String)> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let with = |patch: Value| {
        let mut c = claims(user, "a@example.test");
        if let (Some(c), Some(patch)) = (c.as_object_mut(), patch.as_object()) {
            c.extend(patch.clone());
        }
        sign(&c, JWT_SECRET)
    };
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(user, "a@example.test").to_string());
    vec![
        (
            "expired",
            with(json!({ "exp": 1_000_000_000, "iat": 999_999_000 })),
        ),
        ("wrong audience", with(json!({ "aud": "somebody-else" }))),
        (
            "wrong issuer",
            with(json!({ "iss": "https://evil.example/auth/v1" })),
        ),
        ("service role", with(json!({ "role": "service_role" }))),
        ("anon role", with(json!({ "role": "anon" }))),
        ("sub not a uuid", with(json!({ "sub": "admin" }))),
        ("alg none", format!("{header}.{payload}.")),
        (
            "other secret",
            sign(
                &claims(user, "a@example.test"),
                "another-secret-that-is-long-enough-0000",
            ),
        ),
        ("garbage", "not.a.jwt".into()),
    ]
}

/// A valid access token for `user`.
pub fn token(user: Uuid, email: &str) -> String {
    sign(&claims(user, email), JWT_SECRET)
}

/// What a function connects to, for `db`: secrets that live in the AWS emulator's Secrets
/// Manager (the JWT secret and the keyring, with the extra JSON `secrets` merged in, e.g.
/// `SERVICE_KEYS`), and the emulator's SDK configuration for EventBridge.
pub async fn deps(db: &TestDb, secrets: Value) -> startup::Deps {
    let mut document = json!({
        "SUPABASE_JWT_SECRET": JWT_SECRET,
        "INTEGRATIONS_KEYS": KEYRING,
        "WEB_SESSION_KEYS": SESSION_KEYRING,
    });
    if let (Some(doc), Some(extra)) = (document.as_object_mut(), secrets.as_object()) {
        doc.extend(extra.clone());
    }
    deps_with_only(db, document).await
}

/// Like [`deps`], with exactly the secrets in `document` (to see a function refuse to start).
pub async fn deps_with_only(db: &TestDb, document: Value) -> startup::Deps {
    let emulator = AwsEmulator::get();
    let client = emulator.secrets_manager();
    let name = format!("victorysync/test/{}", Uuid::new_v4());
    let created = client
        .create_secret()
        .name(&name)
        .secret_string(document.to_string())
        .send()
        .await;
    let arn = match created.ok().and_then(|c| c.arn().map(str::to_owned)) {
        Some(arn) => arn,
        #[allow(clippy::panic)]
        None => panic!("cannot create the test secret in the AWS emulator"),
    };
    let source = settings::SecretSource::SecretsManager {
        client,
        secret_ids: vec![arn],
    };
    startup::Deps {
        db: db.store(),
        secrets: Arc::new(settings::Secrets::new(source, Duration::from_secs(300))),
        aws: Some(emulator.sdk_config()),
    }
}

/// The HTTP functions' configuration in tests: tokens of this module's issuer, HS256 only.
pub fn core_config() -> web::CoreConfig {
    web::CoreConfig {
        auth: auth::AuthConfig {
            issuer: Some(ISSUER.into()),
            ..auth::AuthConfig::default()
        },
        ..web::CoreConfig::default()
    }
}

/// A `web::Core` over [`deps`], built as the functions build theirs.
pub async fn core(db: &TestDb, secrets: Value) -> web::Core {
    match web::Core::build(core_config(), deps(db, secrets).await).await {
        Ok(core) => core,
        #[allow(clippy::panic)]
        Err(e) => panic!("the test core does not start: {e}"),
    }
}
