//! A fake of Supabase Auth (GoTrue) on loopback, with the REST paths, bodies and error shapes a
//! server-side client uses: sign-up (with confirmation off), the password grant, refresh-token rotation (a reused refresh token
//! revokes its session, as GoTrue's reuse detection does), magic links (captured here instead of
//! mailed) verified by `token_hash`, sign-out, the signed-in user, and the TOTP factor step to
//! `aal2`. Access tokens are HS256 with the project's JWT secret, so the `auth` crate verifies them
//! exactly as it verifies Supabase's.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use supabase_fake::{FakeAuthConfig, FakeSupabaseAuth};
//! let auth = FakeSupabaseAuth::start(FakeAuthConfig::new("a-secret-of-at-least-32-bytes-long!!")).await?;
//! let user = auth.add_user("ada@example.test", "correct horse", false);
//! let supabase_url = auth.base_url(); // http://127.0.0.1:PORT; the API is under /auth/v1
//! # let _ = (user, supabase_url);
//! auth.shutdown().await;
//! # Ok(()) }
//! ```

mod server;
mod state;
mod tokens;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use state::Shared;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// How the fake runs.
#[derive(Clone, Debug)]
pub struct FakeAuthConfig {
    /// Loopback only.
    pub listen: SocketAddr,
    /// The project's JWT secret (HS256), the one the functions verify with.
    pub jwt_secret: String,
    /// The `iss` of its tokens; `None`: `<base_url>/auth/v1`, as Supabase sets it.
    pub issuer: Option<String>,
    /// The project's anon key, required in the `apikey` header of every request.
    pub anon_key: String,
    /// Lifetime of an access token.
    pub access_ttl: Duration,
    /// Lifetime of a magic link.
    pub link_ttl: Duration,
    /// Where magic links point (`<site_url>/auth/confirm?token_hash=…&type=magiclink`) unless a
    /// request names an allowed `redirect_to` under it.
    pub site_url: String,
}

impl FakeAuthConfig {
    pub fn new(jwt_secret: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            jwt_secret: jwt_secret.into(),
            issuer: None,
            anon_key: "fake-anon-key".to_owned(),
            access_ttl: Duration::from_secs(3600),
            link_ttl: Duration::from_secs(3600),
            site_url: "http://127.0.0.1:9000".to_owned(),
        }
    }
}

pub struct FakeSupabaseAuth;

impl FakeSupabaseAuth {
    pub async fn start(config: FakeAuthConfig) -> std::io::Result<FakeAuthHandle> {
        if !config.listen.ip().is_loopback() {
            return Err(std::io::Error::other("the fake only listens on loopback"));
        }
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let issuer = config
            .issuer
            .clone()
            .unwrap_or_else(|| format!("http://{addr}/auth/v1"));
        let shared = Arc::new(Shared::new(config, issuer));
        let app = server::router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "fake Supabase Auth stopped");
            }
        });
        Ok(FakeAuthHandle {
            addr,
            shared,
            stop: Some(stop),
            task,
        })
    }
}

/// A running fake: its address, its users and what it captured.
pub struct FakeAuthHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl FakeAuthHandle {
    /// `SUPABASE_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `SUPABASE_ANON_KEY`.
    pub fn anon_key(&self) -> String {
        self.shared.config.anon_key.clone()
    }

    /// The `iss` of its tokens (`SUPABASE_JWT_ISSUER`).
    pub fn issuer(&self) -> String {
        self.shared.issuer.clone()
    }

    /// Adds a confirmed email user (with a TOTP factor when `mfa`) and returns their id.
    pub fn add_user(&self, email: &str, password: &str, mfa: bool) -> Uuid {
        self.add_user_with_id(Uuid::new_v4(), email, password, mfa)
    }

    /// Adds a user under a given id (to match rows a test seeded).
    pub fn add_user_with_id(&self, id: Uuid, email: &str, password: &str, mfa: bool) -> Uuid {
        self.shared.lock().add_user(id, email, password, mfa);
        id
    }

    /// The magic links mailed to `email`, oldest first.
    pub fn magic_links(&self, email: &str) -> Vec<String> {
        self.shared.lock().links_for(email)
    }

    /// The code `email`'s authenticator app shows now (`None`: no factor).
    pub fn totp_code(&self, email: &str) -> Option<String> {
        self.shared.lock().totp_code(email)
    }

    /// Sessions of `email` still able to refresh.
    pub fn live_sessions(&self, email: &str) -> usize {
        self.shared.lock().live_sessions(email)
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for FakeAuthHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
