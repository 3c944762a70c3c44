//! What of a MightyCall webhook payload may reach the database, checked before anything is
//! stored: a value Postgres refuses would be a 500, and MightyCall retries those without end.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use mightycall::models::WebhookEvent;
use serde_json::Value;
use web::ApiError;

/// No MightyCall event predates this; its "no date" (`0001-01-01T00:00:00`) is not a time.
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// How far MightyCall's clock may run ahead of ours. A later time would make the event look like
/// the newest state of its call and hide every real completion until then.
const AHEAD: TimeDelta = TimeDelta::hours(1);

/// The fields the receiver stores and acts on, all checked.
pub struct CheckedEvent<'a> {
    pub guid: &'a str,
    pub event_type: &'a str,
    /// `Body.Id`; an empty one is no call.
    pub call_id: Option<&'a str>,
    pub occurred_at: DateTime<Utc>,
}

fn bad(code: &'static str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code,
        message: message.to_owned(),
    }
}

pub fn check<'a>(
    event: &'a WebhookEvent,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<CheckedEvent<'a>, ApiError> {
    let latest = now.checked_add_signed(AHEAD).unwrap_or(now);
    let occurred_at = event
        .occurred_at()
        .filter(|at| at.date_naive() >= EARLIEST && *at <= latest)
        .ok_or_else(|| {
            bad(
                "invalid_timestamp",
                "Timestamp must be an ISO 8601 UTC time from 2000 until now",
            )
        })?;
    let call_id = event.body.id.as_deref().filter(|id| !id.is_empty());
    if !identifier(&event.guid) || !identifier(&event.event_type) || !call_id.is_none_or(identifier)
    {
        return Err(bad(
            "invalid_body",
            "Guid, EventType and Body.Id must be 1-100 characters without control characters",
        ));
    }
    // The payload is kept as jsonb, which cannot hold U+0000 anywhere.
    if has_nul(payload) {
        return Err(bad(
            "invalid_body",
            "the payload must not contain NUL characters",
        ));
    }
    Ok(CheckedEvent {
        guid: &event.guid,
        event_type: &event.event_type,
        call_id,
        occurred_at,
    })
}

fn identifier(text: &str) -> bool {
    (1..=100).contains(&text.chars().count()) && !text.chars().any(char::is_control)
}

/// serde_json's nesting limit bounds the recursion.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(name, value)| name.contains('\0') || has_nul(value)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}
