//! Types that are valid once constructed. Parse at the edge (HTTP, events, database rows), then pass
//! these inward instead of strings.

mod calls;
mod email;
mod ids;
mod live;
mod names;
mod org_settings;
mod query;
mod resync;
mod roles;
mod secret_token;
mod sms;
mod sync;
mod zone;

pub use calls::{CallDirection, CallStatus};
pub use email::Email;
pub use ids::{OrgId, UserId};
pub use live::{AgentState, LegDirection};
pub use names::{IntegrationHost, Label, OrgName};
pub use org_settings::{
    BusinessHours, ClockTime, DayHours, Extension, HourRange, ShortAbandonSeconds, SlaPercent,
    SlaSeconds, UnknownAfterMinutes,
};
pub use query::{DateRange, PageLimit, api_date};
pub use resync::{ResyncWindow, SyncKind, WindowError, resync_window};
pub use roles::{GlobalRole, OrgRole};
pub use secret_token::{InviteToken, WebhookToken};
pub use sms::{E164Number, SmsText};
pub use sync::{JobStatus, Provider, Resource, SyncInterval, SyncTrigger};
pub use zone::TimeZone;

/// A value from outside did not parse; the message says what was expected, never echoes secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);
