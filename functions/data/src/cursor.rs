//! Opaque page cursors: base64url of `<scope>:<key>`. The scope (a list or a report type) stops a
//! cursor of one list from being replayed against another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate};
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

/// The key inside a cursor issued for `scope`.
pub fn decode(scope: &str, cursor: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
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
    let at = micros
        .parse()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(invalid)?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok(TimeKey { at, id })
}

pub fn parse_day(key: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(key, "%Y-%m-%d").map_err(|_| invalid())
}
