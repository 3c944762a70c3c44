use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::time::parse_timestamp;

/// A webhook notification as MightyCall POSTs it (PascalCase, unsigned, in any order):
/// `{"Body":{"From","To","Id","Extension"},"Guid","ApiKey","Timestamp","EventType"}`.
/// No `Debug`: it carries the api key.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebhookEvent {
    pub body: WebhookBody,
    pub guid: String,
    /// The account's api key in clear: compare it in constant time, never log it.
    pub api_key: String,
    pub timestamp: String,
    pub event_type: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebhookBody {
    pub from: Option<String>,
    pub to: Option<String>,
    /// The call id, the same in every event of one call.
    pub id: Option<String>,
    /// Set when the event concerns one user's leg of the call.
    pub extension: Option<String>,
}

/// Event types whose no-`Extension` form means the whole call has ended.
pub const CALL_COMPLETED_EVENTS: [&str; 3] = [
    "IncomingCallCompleted",
    "OutgoingCallCompleted",
    "CallbackCallCompleted",
];

impl WebhookEvent {
    /// When MightyCall says the event happened (7 fractional digits, `Z` or an offset).
    pub fn occurred_at(&self) -> Option<DateTime<Utc>> {
        parse_timestamp(&self.timestamp).ok()
    }

    /// `…Completed` with no `Extension`: the entire call is over, so it can be fetched final.
    pub fn completes_call(&self) -> bool {
        CALL_COMPLETED_EVENTS.contains(&self.event_type.as_str())
            && self
                .body
                .extension
                .as_deref()
                .is_none_or(|e| e.trim().is_empty())
    }
}
