use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// Something a sync copies from MightyCall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    PhoneNumbers,
    Calls,
    Recordings,
    Sms,
    Voicemails,
    Contacts,
}

impl Resource {
    /// The order `all` runs them in: recordings are derived from synced calls, so calls come first.
    pub const ALL: [Resource; 6] = [
        Self::PhoneNumbers,
        Self::Calls,
        Self::Recordings,
        Self::Sms,
        Self::Voicemails,
        Self::Contacts,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::PhoneNumbers => "phone_numbers",
            Self::Calls => "calls",
            Self::Recordings => "recordings",
            Self::Sms => "sms",
            Self::Voicemails => "voicemails",
            Self::Contacts => "contacts",
        }
    }
}

impl FromStr for Resource {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ParseError(format!("unknown sync resource {s:?}")))
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What started a sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncTrigger {
    User,
    Schedule,
    Service,
    Webhook,
}

impl SyncTrigger {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Schedule => "schedule",
            Self::Service => "service",
            Self::Webhook => "webhook",
        }
    }
}

/// A sync job's state: queued → running → succeeded | failed | partial (a paused job, or one whose
/// run lost its lease, is queued again with its progress kept); an org admin may end an active job
/// as cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Partial,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Partial => "partial",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn is_active(&self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

impl FromStr for JobStatus {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "queued" => Ok(Self::Queued),
            "running" => Ok(Self::Running),
            "succeeded" => Ok(Self::Succeeded),
            "failed" => Ok(Self::Failed),
            "partial" => Ok(Self::Partial),
            "cancelled" => Ok(Self::Cancelled),
            _ => Err(ParseError(
                "status must be one of queued, running, succeeded, failed, partial, cancelled"
                    .into(),
            )),
        }
    }
}

/// A phone system an org connects. The only one today; paths, bodies and rows use its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    #[serde(rename = "mightycall")]
    MightyCall,
}

impl Provider {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MightyCall => "mightycall",
        }
    }
}

/// How often an org's integration syncs on the schedule: from 15 minutes to a week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SyncInterval(i32);

impl SyncInterval {
    pub const MINUTES: std::ops::RangeInclusive<i32> = 15..=10080;

    pub fn minutes(n: i64) -> Result<Self, crate::ParseError> {
        i32::try_from(n)
            .ok()
            .filter(|m| Self::MINUTES.contains(m))
            .map(Self)
            .ok_or_else(|| {
                crate::ParseError(
                    "sync_interval_minutes must be between 15 and 10080 (one week)".into(),
                )
            })
    }

    pub fn as_minutes(self) -> i32 {
        self.0
    }
}
