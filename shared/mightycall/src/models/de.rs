//! serde helpers for MightyCall's field formats. A value that is present but unreadable fails the
//! record (it is then skipped and reported by the page decoder); `null` or a missing field is `None`.

use crate::time::{self, TimeParseError};
use chrono::{DateTime, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use std::time::Duration;

/// Durations arrive as strings, but a number is accepted too.
#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    Str(String),
    Num(serde_json::Number),
}

impl Text {
    fn into_string(self) -> String {
        match self {
            Self::Str(s) => s,
            Self::Num(n) => n.to_string(),
        }
    }
}

fn optional_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Text>::deserialize(d)?
        .map(Text::into_string)
        .filter(|s| !s.trim().is_empty()))
}

fn parse_opt<'de, D, T>(
    d: D,
    parse: fn(&str) -> Result<T, TimeParseError>,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
{
    optional_text(d)?
        .map(|s| parse(&s).map_err(D::Error::custom))
        .transpose()
}

pub(crate) fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    opt_timestamp(d)?.ok_or_else(|| D::Error::custom("missing timestamp"))
}

pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    parse_opt(d, time::parse_timestamp)
}

pub(crate) fn opt_millis<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    parse_opt(d, time::parse_duration_millis)
}

pub(crate) fn opt_hms<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    parse_opt(d, time::parse_duration_hms)
}

pub(crate) fn opt_voicemail_duration<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Duration>, D::Error> {
    parse_opt(d, time::parse_duration_voicemail)
}

/// `null` where a list or flag is expected reads as empty/false.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A required identifier: must be a non-empty string (ids are GUIDs or 24-hex strings).
pub(crate) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    optional_text(d)?.ok_or_else(|| D::Error::custom("missing id"))
}
