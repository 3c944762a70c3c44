//! Client for the MightyCall REST API v4, built against `shared/reference/mightycall/`.
//!
//! - [`config`]: credentials, the host allow-list and the deployment base-URL override (SSRF guard).
//! - [`MightyCallClient`]: token cache, retries, request budget, typed calls and paged streams.
//! - [`models`]: tolerant records; [`time`]: the API's timestamp and duration formats.

mod auth;
mod budget;
mod client;
pub mod config;
mod decode;
mod error;
pub mod models;
mod paging;
mod retry;
mod secret;
pub mod time;
mod token;
mod transport;

pub use budget::{
    KeyFingerprint, LedgerError, MemoryLedger, RequestBudget, RequestLedger, Reservation,
};
pub use client::messages::{OutgoingSms, SentSms};
pub use client::{
    Audio, AudioChunk, AudioLimits, AudioSource, ByteRange, CallsQuery, ContactsQuery,
    FetchedAudio, JournalQuery, MightyCallClient, RecordLink, VoicemailsQuery,
};
pub use config::UserKey;
pub use config::{
    ApiKey, BaseUrl, ClientConfig, ConfigError, Credentials, MightyCallHost, PageSize, RetryPolicy,
    Timeouts, UtcWindow,
};
pub use decode::SkippedRecord;
pub use error::MightyCallError;
pub use paging::{Page, PageCursor};
pub use token::CachedToken;
