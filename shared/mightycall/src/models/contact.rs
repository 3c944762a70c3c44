use super::Identified;
use super::de;
use super::enums::ContactState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `/contacts` item. With `updatedSince`, deleted contacts come back with `state: "deleted"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// 24 hex characters.
    #[serde(deserialize_with = "de::id")]
    pub contact_id: String,
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_timestamp")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::opt_timestamp")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub channels: Vec<ContactChannel>,
    #[serde(default)]
    pub state: Option<ContactState>,
}

impl Contact {
    pub fn is_deleted(&self) -> bool {
        self.state == Some(ContactState::Deleted)
    }
}

impl Identified for Contact {
    fn id(&self) -> &str {
        &self.contact_id
    }
}

/// One phone number or email of a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactChannel {
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub labels: Vec<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}
