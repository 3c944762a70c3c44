use serde::{Deserialize, Serialize};

/// `GET /team`: a bare object, not wrapped in `data`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Team {
    #[serde(default, deserialize_with = "super::de::null_default")]
    pub users: Vec<TeamMember>,
    #[serde(default, deserialize_with = "super::de::null_default")]
    pub groups: Vec<TeamUnit>,
    #[serde(default, deserialize_with = "super::de::null_default")]
    pub vmboxes: Vec<TeamUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub id: String,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub avatar_url: Option<String>,
}

/// A group or a voicemail box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamUnit {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}
