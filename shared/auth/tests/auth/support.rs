//! Token builders, fixture keys and a counting JWKS server.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth::{AuthConfig, Authenticator, JwtSecret};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use url::Url;

pub const SECRET: &str = "test-only-supabase-jwt-secret-0123456789abcdef";
pub const OTHER_SECRET: &str = "another-test-only-jwt-secret-fedcba9876543210";

pub const EC_A_PEM: &str = include_str!("../fixtures/ec_a.pem");
pub const EC_B_PEM: &str = include_str!("../fixtures/ec_b.pem");
pub const RSA_PEM: &str = include_str!("../fixtures/rsa.pem");
const PUBLIC_JWKS: &str = include_str!("../fixtures/public_jwks.json");

pub fn secret() -> JwtSecret {
    JwtSecret::new(SECRET).unwrap()
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A payload shaped like a Supabase access token.
pub fn claims() -> Value {
    let now = now();
    json!({
        "iss": "https://project.supabase.co/auth/v1",
        "sub": uuid::Uuid::new_v4().to_string(),
        "aud": "authenticated",
        "exp": now + 3600,
        "iat": now,
        "email": "agent@example.com",
        "phone": "",
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": {"global_role": "platform_admin"},
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": now}],
        "session_id": uuid::Uuid::new_v4().to_string(),
        "is_anonymous": false
    })
}

/// `claims()` with `changes` merged in; a `null` value removes the claim.
pub fn claims_with(changes: Value) -> Value {
    let mut claims = claims();
    let map = claims.as_object_mut().unwrap();
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            map.remove(name);
        } else {
            map.insert(name.clone(), value.clone());
        }
    }
    claims
}

pub fn hs(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

pub fn hs256(claims: &Value) -> String {
    hs(Algorithm::HS256, SECRET, claims)
}

/// Signs with a fixture private key under `kid`.
pub fn signed(alg: Algorithm, pem: &str, kid: Option<&str>, claims: &Value) -> String {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem.as_bytes()),
        _ => EncodingKey::from_rsa_pem(pem.as_bytes()),
    }
    .unwrap();
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// A token assembled by hand, for headers the library refuses to produce.
pub fn raw_token(header: &Value, claims: &Value, signature: &str) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    format!("{}.{}.{signature}", part(header), part(claims))
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The public JWK of fixture `name` (`ec_a`, `ec_b`, `rsa`) with `kid` and `alg` set.
pub fn jwk(name: &str, kid: &str, alg: &str) -> Value {
    let mut key = serde_json::from_str::<Value>(PUBLIC_JWKS).unwrap()[name].clone();
    let map = key.as_object_mut().unwrap();
    map.insert("kid".into(), kid.into());
    map.insert("alg".into(), alg.into());
    map.insert("use".into(), "sig".into());
    key
}

pub fn jwks(keys: Vec<Value>) -> Value {
    json!({ "keys": keys })
}

pub fn hs256_only() -> Authenticator {
    Authenticator::new(AuthConfig::default(), reqwest::Client::new())
}

pub fn with_jwks(url: Url, min_refresh_interval: Duration, jwks_ttl: Duration) -> Authenticator {
    let config = AuthConfig {
        jwks_url: Some(url),
        min_refresh_interval,
        jwks_ttl,
        ..AuthConfig::default()
    };
    config.validate().unwrap();
    Authenticator::new(config, reqwest::Client::new())
}

struct ServerState {
    jwks: Mutex<Value>,
    fetches: AtomicUsize,
    failing: AtomicBool,
}

/// A JWKS endpoint on 127.0.0.1 that counts every fetch and can be switched to failing.
pub struct JwksServer {
    pub url: Url,
    state: Arc<ServerState>,
    task: tokio::task::JoinHandle<()>,
}

impl JwksServer {
    pub async fn start(jwks: Value) -> Self {
        let state = Arc::new(ServerState {
            jwks: Mutex::new(jwks),
            fetches: AtomicUsize::new(0),
            failing: AtomicBool::new(false),
        });
        let app = Router::new()
            .route("/auth/v1/.well-known/jwks.json", get(serve_jwks))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let url = Url::parse(&format!("http://{addr}/auth/v1/.well-known/jwks.json")).unwrap();
        Self { url, state, task }
    }

    pub fn set_jwks(&self, jwks: Value) {
        *self.state.jwks.lock().unwrap() = jwks;
    }

    pub fn set_failing(&self, failing: bool) {
        self.state.failing.store(failing, Ordering::SeqCst);
    }

    pub fn fetches(&self) -> usize {
        self.state.fetches.load(Ordering::SeqCst)
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_jwks(State(state): State<Arc<ServerState>>) -> Response {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    if state.failing.load(Ordering::SeqCst) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
    }
    let jwks = state.jwks.lock().unwrap().clone();
    Json(jwks).into_response()
}
