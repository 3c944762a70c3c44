//! Server state: accounts, issued tokens, request counts, faults.

use crate::audio::AudioFiles;
use crate::config::{FakeConfig, JournalEnvelope};
use crate::dataset::{FakeAccount, Generator};
use crate::faults::FaultRule;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
}

pub(crate) struct Token {
    pub(crate) api_key: String,
    pub(crate) expires_at: DateTime<Utc>,
}

pub(crate) struct State {
    pub(crate) accounts: Vec<FakeAccount>,
    pub(crate) access_tokens: HashMap<String, Token>,
    /// refresh token → api key; rotated on use.
    pub(crate) refresh_tokens: HashMap<String, String>,
    pub(crate) requests: HashMap<String, Vec<LoggedRequest>>,
    /// Accepted token grants per api key (`client_credentials` / `refresh_token`), in order.
    pub(crate) grants: HashMap<String, Vec<String>>,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) quota: Option<u64>,
    pub(crate) quota_window_start: HashMap<String, DateTime<Utc>>,
    pub(crate) duplicate_rows: bool,
    pub(crate) new_calls_per_page: usize,
    pub(crate) token_ttl: TimeDelta,
    pub(crate) journal_envelope: JournalEnvelope,
    /// Record id → JSON merge patch applied to that record wherever it is answered.
    pub(crate) patches: HashMap<String, Value>,
    /// What the token endpoint reports as `expires_in`, when not the tokens' real lifetime.
    pub(crate) reported_expires_in: Option<Value>,
    /// Recording and voicemail files, and the links to them.
    pub(crate) audio: AudioFiles,
    /// Source of tokens and late calls; seeded too, so a run is reproducible.
    pub(crate) generator: Generator,
}

pub(crate) struct Shared(Mutex<State>);

impl Shared {
    /// `origin` is where the server listens (`http://127.0.0.1:PORT`): its files' links name it.
    pub(crate) fn new(config: &FakeConfig, accounts: Vec<FakeAccount>, origin: String) -> Self {
        Self(Mutex::new(State {
            accounts,
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            requests: HashMap::new(),
            grants: HashMap::new(),
            faults: Vec::new(),
            quota: None,
            quota_window_start: HashMap::new(),
            duplicate_rows: false,
            new_calls_per_page: 0,
            token_ttl: TimeDelta::from_std(config.token_ttl).unwrap_or(TimeDelta::seconds(86_399)),
            journal_envelope: config.journal_envelope,
            patches: HashMap::new(),
            reported_expires_in: None,
            audio: AudioFiles::new(origin),
            generator: Generator::new(config.seed, usize::MAX),
        }))
    }

    /// The lock is never held across an await.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    pub(crate) fn account(&self, api_key: &str) -> Option<&FakeAccount> {
        self.accounts.iter().find(|a| a.api_key == api_key)
    }

    pub(crate) fn account_mut(&mut self, api_key: &str) -> Option<&mut FakeAccount> {
        self.accounts.iter_mut().find(|a| a.api_key == api_key)
    }

    /// `record` as answered: with the patch registered for its id (`id`, `contactId` or
    /// `objectGuid`), if any.
    pub(crate) fn patched(&self, mut record: Value) -> Value {
        let patch = ["id", "contactId", "objectGuid"]
            .iter()
            .find_map(|key| record.get(key).and_then(Value::as_str))
            .and_then(|id| self.patches.get(id));
        if let Some(patch) = patch {
            merge(&mut record, patch);
        }
        record
    }

    /// Issues an access token and a refresh token that, like MightyCall's, contains `+`, `/` and
    /// `=` so that a client which does not form-encode it breaks.
    pub(crate) fn issue_token(&mut self, api_key: &str) -> (String, String) {
        let access = self.generator.hex(64);
        let refresh = format!(
            "{}+{}/{}=",
            self.generator.hex(16),
            self.generator.hex(16),
            self.generator.hex(8)
        );
        let expires_at = Utc::now() + self.token_ttl;
        self.access_tokens.insert(
            access.clone(),
            Token {
                api_key: api_key.to_owned(),
                expires_at,
            },
        );
        self.refresh_tokens
            .insert(refresh.clone(), api_key.to_owned());
        (access, refresh)
    }
}

/// RFC 7396 JSON merge patch: objects merge key by key, `null` removes, anything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(fields) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in fields {
            if value.is_null() {
                target.remove(key);
            } else {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}
