use super::de;
use super::enums::SmsMode;
use crate::decode::SkippedRecord;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Business number. `objectGuid`, `doNotOriginate` and `whenDeleted` are not in the spec but are
/// in real responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumber {
    #[serde(deserialize_with = "de::id")]
    pub number: String,
    #[serde(default)]
    pub object_guid: Option<String>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_enabled: bool,
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_primary: bool,
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_toll_free: bool,
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_international: bool,
    #[serde(default)]
    pub sms_mode: Option<SmsMode>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_mms_enabled: bool,
    /// Comma-joined flags, e.g. `"Both, OutgoingBeepDisabled"`; see [`PhoneNumber::call_recording_flags`].
    #[serde(default)]
    pub call_recording_mode: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub may_text: bool,
    #[serde(default, deserialize_with = "de::null_default")]
    pub may_call: bool,
    #[serde(default)]
    pub do_not_originate: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_timestamp")]
    pub when_deleted: Option<DateTime<Utc>>,
}

impl PhoneNumber {
    pub fn call_recording_flags(&self) -> Vec<&str> {
        self.call_recording_mode
            .as_deref()
            .map(|mode| {
                mode.split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `GET /phonenumbers`. The same `number` can be both active and deleted (different
/// `objectGuid`s), so the two lists are kept apart; `total` counts active numbers only.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneNumbers {
    pub active: Vec<PhoneNumber>,
    pub deleted: Vec<PhoneNumber>,
    pub total: Option<u64>,
    pub skipped: Vec<SkippedRecord>,
}
