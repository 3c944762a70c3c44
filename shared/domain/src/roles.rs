use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// A member's role inside one organisation (`org_users.role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgRole {
    OrgAdmin,
    OrgManager,
    Agent,
}

impl OrgRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::OrgAdmin => "org_admin",
            Self::OrgManager => "org_manager",
            Self::Agent => "agent",
        }
    }
}

impl FromStr for OrgRole {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "org_admin" => Ok(Self::OrgAdmin),
            "org_manager" => Ok(Self::OrgManager),
            "agent" => Ok(Self::Agent),
            _ => Err(ParseError(
                "role must be one of org_admin, org_manager, agent".into(),
            )),
        }
    }
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Platform-wide role (`profiles.global_role`); only the database grants it, never a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GlobalRole {
    PlatformAdmin,
}

impl FromStr for GlobalRole {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "platform_admin" => Ok(Self::PlatformAdmin),
            _ => Err(ParseError("unknown global role".into())),
        }
    }
}
