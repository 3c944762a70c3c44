use serde::{Deserialize, Serialize};

/// `GET /profile`: the user the token acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub extension: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
}
