use super::Identified;
use super::call::RecordFile;
use super::de;
use super::enums::VoicemailStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `/voicemails` item; `duration` is a string whose unit is undocumented (read as seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Voicemail {
    #[serde(deserialize_with = "de::id")]
    pub id: String,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(deserialize_with = "de::timestamp")]
    pub date_time_utc: DateTime<Utc>,
    #[serde(default, deserialize_with = "de::opt_voicemail_duration")]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub voicemail_status: Option<VoicemailStatus>,
    #[serde(default)]
    pub voicemail_record: Option<RecordFile>,
}

impl Identified for Voicemail {
    fn id(&self) -> &str {
        &self.id
    }
}
