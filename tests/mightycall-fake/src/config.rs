//! What a fake server generates and how it answers.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::net::SocketAddr;
use std::time::Duration;

/// The journal's three documented envelopes; `Rotate` cycles through them page by page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalEnvelope {
    /// `{"currentPage":n,"requests":[…]}` (the Swagger example).
    Bare,
    /// `{"data":{"currentPage":n,"requests":[…]}}` (the Swagger description).
    Data,
    /// `[{"currentPage":n,"requests":[…]}]`.
    Array,
    Rotate,
}

#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Use port 0 to let the OS pick one (tests).
    pub listen: SocketAddr,
    pub seed: u64,
    pub accounts: usize,
    pub phone_numbers: usize,
    /// Calls per account, spread over the `days` before `anchor`.
    pub calls: usize,
    pub days: u32,
    pub messages: usize,
    pub contacts: usize,
    /// "Now" of the generated data; data is deterministic for a given seed and anchor.
    pub anchor: DateTime<Utc>,
    /// `expires_in` of issued tokens (MightyCall: 86399 s).
    pub token_ttl: Duration,
    pub journal_envelope: JournalEnvelope,
}

impl Default for FakeConfig {
    fn default() -> Self {
        let now = Utc::now();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 1,
            accounts: 2,
            phone_numbers: 4,
            calls: 60,
            days: 7,
            messages: 20,
            contacts: 25,
            anchor: now.duration_trunc(TimeDelta::seconds(1)).unwrap_or(now),
            token_ttl: Duration::from_secs(86_399),
            journal_envelope: JournalEnvelope::Bare,
        }
    }
}
