//! A faithful fake of the MightyCall REST API v4 on loopback: real paths, envelopes, paging rules,
//! error bodies, auth checks, per-api-key request counts, a quota and injectable faults.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mightycall_fake::{FakeConfig, FakeMightyCall};
//! let fake = FakeMightyCall::start(FakeConfig::default()).await?;
//! let base_url = fake.base_url(); // http://127.0.0.1:PORT/v4
//! let first = &fake.accounts()[0];
//! assert_eq!(fake.requests(&first.api_key), 0);
//! fake.shutdown().await;
//! # Ok(()) }
//! ```

mod audio;
mod config;
mod dataset;
mod faults;
mod messages;
mod render;
mod server;
mod state;

pub use config::{FakeConfig, JournalEnvelope};
pub use dataset::{
    CallOutcome, Direction, FakeAccount, FakeCall, FakeContact, FakeMessage, FakePhoneNumber,
    FakeUser,
};
pub use faults::{Fault, FaultRule};
pub use state::LoggedRequest;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use state::Shared;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Credentials of one generated account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountKeys {
    pub api_key: String,
    pub user_key: String,
}

pub struct FakeMightyCall;

impl FakeMightyCall {
    /// Generates the accounts and starts serving on `config.listen`.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeHandle> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let origin = format!("http://{addr}");
        let shared = Arc::new(Shared::new(&config, dataset::generate(&config), origin));
        let app = server::router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "fake MightyCall stopped");
            }
        });
        Ok(FakeHandle {
            addr,
            shared,
            stop: Some(stop),
            task,
        })
    }
}

/// A running fake. Dropping it leaves the server running until its runtime ends; tests usually
/// just let the per-test runtime end.
pub struct FakeHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl FakeHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/v4`, the value for `MIGHTYCALL_BASE_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v4", self.addr)
    }

    pub fn accounts(&self) -> Vec<AccountKeys> {
        let state = self.shared.lock();
        state
            .accounts
            .iter()
            .map(|a| AccountKeys {
                api_key: a.api_key.clone(),
                user_key: a.user_key.clone(),
            })
            .collect()
    }

    /// A snapshot of an account's data, for assertions.
    pub fn account(&self, api_key: &str) -> Option<FakeAccount> {
        self.shared.lock().account(api_key).cloned()
    }

    /// Requests received with this `x-api-key`, token calls and rejected ones included.
    pub fn requests(&self, api_key: &str) -> usize {
        self.shared.lock().requests.get(api_key).map_or(0, Vec::len)
    }

    pub fn request_log(&self, api_key: &str) -> Vec<LoggedRequest> {
        self.shared
            .lock()
            .requests
            .get(api_key)
            .cloned()
            .unwrap_or_default()
    }

    /// Token grants this api key was issued a token for, in order (`client_credentials`,
    /// `refresh_token`).
    pub fn token_grants(&self, api_key: &str) -> Vec<String> {
        self.shared
            .lock()
            .grants
            .get(api_key)
            .cloned()
            .unwrap_or_default()
    }

    pub fn push_fault(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// After `quota` requests in 24 h an api key gets 429 "Retry after <window end> UTC".
    pub fn set_quota(&self, quota: Option<u64>) {
        self.shared.lock().quota = quota;
    }

    /// Pages after the first repeat the previous page's last row (shifted offsets).
    pub fn set_duplicate_rows(&self, on: bool) {
        self.shared.lock().duplicate_rows = on;
    }

    /// After each `/calls` page, `n` new in-progress calls arrive (timestamped now).
    pub fn set_new_calls_per_page(&self, n: usize) {
        self.shared.lock().new_calls_per_page = n;
    }

    pub fn set_journal_envelope(&self, envelope: JournalEnvelope) {
        self.shared.lock().journal_envelope = envelope;
    }

    /// Answers the record whose id (`id`, `contactId` or `objectGuid`) is `id` with `patch` (a JSON
    /// merge patch) applied, in lists and single-record answers alike: the odd values outsiders
    /// put into MightyCall (a NUL in a name or an SMS, an over-long id, an absurd duration).
    pub fn patch_record(&self, id: &str, patch: Value) {
        self.shared.lock().patches.insert(id.to_owned(), patch);
    }

    /// What the token endpoint reports as `expires_in` (`None`: the tokens' real lifetime). The
    /// tokens themselves keep their real lifetime.
    pub fn set_reported_expires_in(&self, value: Option<Value>) {
        self.shared.lock().reported_expires_in = value;
    }

    /// Expires every access token issued to this api key (refresh tokens stay valid).
    pub fn expire_tokens(&self, api_key: &str) {
        let past = Utc::now() - TimeDelta::seconds(1);
        let mut state = self.shared.lock();
        state
            .access_tokens
            .values_mut()
            .filter(|t| t.api_key == api_key)
            .for_each(|t| t.expires_at = past);
    }

    /// Makes every recording and voicemail link issued so far expire (the file host answers 403);
    /// `/calls/{id}` and `/voicemails/{id}` name fresh ones.
    pub fn expire_record_links(&self) {
        self.shared.lock().audio.epoch += 1;
    }

    /// Deletes the file of call or voicemail `id`: its link answers 404 and its record names none.
    pub fn delete_audio(&self, id: Uuid) {
        self.shared.lock().audio.gone.insert(id);
    }

    /// Makes the file of call or voicemail `id` hold `data_bytes` bytes of samples (plus the WAV
    /// header), computed as they are read: a file of any size costs nothing until it is.
    pub fn set_audio_len(&self, id: Uuid, data_bytes: u64) {
        self.shared.lock().audio.data_len.insert(id, data_bytes);
    }

    /// `false`: the file host ignores `Range` and always sends the whole file (200).
    pub fn set_ranges_supported(&self, on: bool) {
        self.shared.lock().audio.ranges = on;
    }

    /// The whole file of call or voicemail `id`, as its link serves it.
    pub fn audio_file(&self, id: Uuid) -> Vec<u8> {
        let size = self.shared.lock().audio.size(id);
        audio::wav(size, 0, size)
    }

    /// Adds finished calls at the given times; returns them.
    pub fn add_calls(&self, api_key: &str, at: &[DateTime<Utc>]) -> Vec<FakeCall> {
        let mut state = self.shared.lock();
        at.iter()
            .filter_map(|at| server::add_call(&mut state, api_key, *at, false))
            .collect()
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}
