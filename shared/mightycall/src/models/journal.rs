use super::Identified;
use super::de;
use super::enums::{JournalOrigin, JournalState, JournalType, MessageDeliveryStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `/journal/requests` item: calls, SMS (`type=message`), voicemails, callbacks. Durations here
/// are `hh:mm:ss`, unlike `/calls`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalRequest {
    /// 24 hex characters.
    #[serde(deserialize_with = "de::id")]
    pub id: String,
    /// All zeros in examples; for calls probably the `/calls` id.
    #[serde(default)]
    pub request_guid: Option<String>,
    #[serde(deserialize_with = "de::timestamp")]
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub r#type: Option<JournalType>,
    #[serde(default)]
    pub state: Option<JournalState>,
    #[serde(default)]
    pub origin: Option<JournalOrigin>,
    #[serde(default)]
    pub client: Option<JournalClient>,
    #[serde(default)]
    pub business_number: Option<JournalBusinessNumber>,
    #[serde(default)]
    pub agent: Option<JournalAgent>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub users: Vec<JournalAgent>,
    #[serde(default, deserialize_with = "de::opt_hms")]
    pub duration: Option<Duration>,
    /// SMS body.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub message_delivery_status: Option<MessageDeliveryStatus>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub attachments: Vec<JournalAttachment>,
    #[serde(default)]
    pub recording: Option<JournalRecording>,
    #[serde(default)]
    pub voicemail: Option<JournalVoicemail>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub read: Option<bool>,
}

impl Identified for JournalRequest {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalClient {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub r#type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalBusinessNumber {
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalAgent {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub extension: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub r#type: Option<String>,
    #[serde(default)]
    pub agent_role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalAttachment {
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub file_size: Option<u64>,
    #[serde(default)]
    pub is_image: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalRecording {
    #[serde(default)]
    pub recording_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_hms")]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalVoicemail {
    #[serde(default, deserialize_with = "de::opt_hms")]
    pub duration: Option<Duration>,
    /// Transcript.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub recording: Option<JournalRecording>,
}
