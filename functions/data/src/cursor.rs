//! Opaque page cursors: base64url of `<scope>:<key>`. The scope (a list or a report type) stops a
//! cursor of one list from being replayed against another. A cursor comes back from the client, so
//! it is bounded and checked like any other input before its key reaches SQL.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Datelike, NaiveDate};
use store::page::TimeKey;
use web::ApiError;

fn invalid() -> ApiError {
    ApiError::BadRequest {
        code: "invalid_cursor",
        message: "cursor is not one this API returned for this list".into(),
    }
}

pub fn encode(scope: &str, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{scope}:{key}"))
}

/// Longer than any cursor this API issues (a grouped key is at most a few hundred bytes).
const MAX_CURSOR_CHARS: usize = 1024;

/// The key inside a cursor issued for `scope`.
pub fn decode(scope: &str, cursor: &str) -> Result<String, ApiError> {
    Some(cursor)
        .filter(|c| c.len() <= MAX_CURSOR_CHARS)
        .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        // A NUL or other control character never occurs in a key we issued; PostgreSQL refuses NUL.
        .filter(|text| !text.chars().any(char::is_control))
        .and_then(|text| {
            text.strip_prefix(scope)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(str::to_owned)
        })
        .ok_or_else(invalid)
}

/// Microseconds, PostgreSQL's own precision, so the key round-trips exactly.
pub fn time_key(key: TimeKey) -> String {
    format!("{}/{}", key.at.timestamp_micros(), key.id)
}

pub fn parse_time_key(key: &str) -> Result<TimeKey, ApiError> {
    let (micros, id) = key.split_once('/').ok_or_else(invalid)?;
    // Years PostgreSQL's timestamptz and chrono both hold; anything else was not issued by us.
    let at = micros
        .parse()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .filter(|at| (1..=9999).contains(&at.year()))
        .ok_or_else(invalid)?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok(TimeKey { at, id })
}

pub fn parse_day(key: &str) -> Result<NaiveDate, ApiError> {
    domain::api_date(key).ok_or_else(invalid)
}
