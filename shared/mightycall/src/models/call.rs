use super::Identified;
use super::de;
use super::enums::{CallDirection, CallStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `/calls` item; `duration` arrives as a string of milliseconds and, like `callStatus`, is null on
/// a call still in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    #[serde(deserialize_with = "de::id")]
    pub id: String,
    #[serde(default)]
    pub caller: Option<Participant>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub called: Vec<CalledParticipant>,
    #[serde(default)]
    pub business_number: Option<String>,
    #[serde(deserialize_with = "de::timestamp")]
    pub date_time_utc: DateTime<Utc>,
    #[serde(default, deserialize_with = "de::opt_millis")]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub direction: Option<CallDirection>,
    #[serde(default)]
    pub call_status: Option<CallStatus>,
    #[serde(default)]
    pub call_record: Option<RecordFile>,
}

impl Identified for Call {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub extension: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalledParticipant {
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_connected: bool,
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_first_connected: bool,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub extension: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// `callRecord` / `voicemailRecord`. The `uri` may expire: `GET /calls/{id}` returns a fresh one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordFile {
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub uri: Option<String>,
}
