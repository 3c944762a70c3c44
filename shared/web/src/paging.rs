//! Paging at the edge, once for every list: the page size a client may ask for, and the opaque
//! cursor (base64url of `<scope>:<key>`). The scope (a list, a report type) stops a cursor of one
//! list from being replayed against another. A cursor comes back from the client, so it is bounded
//! and checked like any other input before its key reaches SQL.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Datelike, NaiveDate};
use domain::PageLimit;
use store::page::TimeKey;

use crate::ApiError;

/// How a page key is written inside a cursor; `read` returns `None` for anything `write` could not
/// have produced.
pub trait CursorKey: Sized {
    fn write(&self) -> String;
    fn read(text: &str) -> Option<Self>;
}

/// Microseconds, PostgreSQL's own precision, so the key round-trips exactly.
impl CursorKey for TimeKey {
    fn write(&self) -> String {
        format!("{}/{}", self.at.timestamp_micros(), self.id)
    }

    fn read(text: &str) -> Option<Self> {
        let (micros, id) = text.split_once('/')?;
        // Years PostgreSQL's timestamptz and chrono both hold; anything else was not issued by us.
        let at = micros
            .parse()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .filter(|at| (1..=9999).contains(&at.year()))?;
        Some(Self {
            at,
            id: uuid::Uuid::parse_str(id).ok()?,
        })
    }
}

impl CursorKey for NaiveDate {
    fn write(&self) -> String {
        self.to_string()
    }

    fn read(text: &str) -> Option<Self> {
        domain::api_date(text)
    }
}

/// A row id (audit entries).
impl CursorKey for i64 {
    fn write(&self) -> String {
        self.to_string()
    }

    fn read(text: &str) -> Option<Self> {
        text.parse().ok().filter(|id| *id > 0)
    }
}

/// A grouping key (an agent extension, a business number), compared as text in SQL.
impl CursorKey for String {
    fn write(&self) -> String {
        self.clone()
    }

    fn read(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

/// Longer than any cursor this API issues (a grouped key is at most a few hundred bytes).
const MAX_CURSOR_CHARS: usize = 1024;

pub fn encode_cursor<K: CursorKey>(scope: &str, key: &K) -> String {
    URL_SAFE_NO_PAD.encode(format!("{scope}:{}", key.write()))
}

/// The key inside a cursor issued for `scope`; `None` passes through (first page).
pub fn decode_cursor<K: CursorKey>(
    scope: &str,
    cursor: Option<&str>,
) -> Result<Option<K>, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    Some(cursor)
        .filter(|c| c.len() <= MAX_CURSOR_CHARS)
        .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        // A NUL or other control character never occurs in a key we issued; PostgreSQL refuses NUL.
        .filter(|text| !text.chars().any(char::is_control))
        .and_then(|text| {
            text.strip_prefix(scope)
                .and_then(|rest| rest.strip_prefix(':'))
                .and_then(K::read)
        })
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest {
            code: "invalid_cursor",
            message: "cursor is not one this API returned for this list".into(),
        })
}

/// `limit` as the client sent it, or the list's default.
pub fn page_limit(raw: Option<&str>, default: PageLimit) -> Result<PageLimit, ApiError> {
    PageLimit::parse(raw, default).map_err(|e| ApiError::BadRequest {
        code: "invalid_limit",
        message: e.0,
    })
}

/// The cursor of the next page of `page`, when there is one.
pub fn next_cursor<T, K: CursorKey>(scope: &str, page: &store::page::Page<T, K>) -> Option<String> {
    page.next.as_ref().map(|key| encode_cursor(scope, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_only_in_its_own_scope() {
        let key = TimeKey {
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: uuid::Uuid::new_v4(),
        };
        let cursor = encode_cursor("calls", &key);
        assert_eq!(
            decode_cursor::<TimeKey>("calls", Some(&cursor)).unwrap(),
            Some(key)
        );
        assert!(decode_cursor::<TimeKey>("recordings", Some(&cursor)).is_err());
        assert_eq!(decode_cursor::<i64>("audit", None).unwrap(), None);
    }

    #[test]
    fn cursors_we_did_not_issue_are_refused() {
        let forged = [
            URL_SAFE_NO_PAD.encode("audit:-1"),
            URL_SAFE_NO_PAD.encode("audit:1\u{0}"),
            URL_SAFE_NO_PAD.encode("daily:2026-1-1"),
            "not base64!".into(),
            "A".repeat(MAX_CURSOR_CHARS + 1),
        ];
        for cursor in &forged {
            assert!(
                decode_cursor::<i64>("audit", Some(cursor)).is_err(),
                "{cursor}"
            );
            assert!(
                decode_cursor::<NaiveDate>("daily", Some(cursor)).is_err(),
                "{cursor}"
            );
        }
        let far = URL_SAFE_NO_PAD.encode(format!("calls:{}/{}", i64::MAX, uuid::Uuid::nil()));
        assert!(decode_cursor::<TimeKey>("calls", Some(&far)).is_err());
    }
}
