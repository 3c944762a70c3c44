//! MightyCall's timestamp and duration formats, normalised to `DateTime<Utc>` and
//! `std::time::Duration`.

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised {kind} {value:?}")]
pub struct TimeParseError {
    kind: &'static str,
    value: String,
}

impl TimeParseError {
    fn new(kind: &'static str, value: &str) -> Self {
        // Cap the echo: it ends up in skipped-record reasons.
        Self {
            kind,
            value: value.chars().take(40).collect(),
        }
    }
}

/// Accepts `…Z`, `…+00:00`, any number of fractional digits (MightyCall sends 7:
/// `2025-12-01T19:58:27.3212038Z`) and no offset at all (`0001-01-01T00:00:00`), which means UTC.
/// Years outside .NET's `DateTime` (1 to 9999) are not MightyCall's, and some are out of
/// PostgreSQL's range too: rejected.
pub fn parse_timestamp(value: &str) -> Result<DateTime<Utc>, TimeParseError> {
    let value = value.trim();
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|naive| naive.and_utc())
        })
        .ok()
        .filter(|at| (1..=9999).contains(&at.year()))
        .ok_or_else(|| TimeParseError::new("timestamp", value))
}

/// `/calls` and `/voicemails` query parameters: `yyyy-MM-ddTHH:mm:ss`, UTC, no offset, no fraction.
pub fn format_query_utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Journal and contacts query parameters: ISO 8601 with `Z`.
pub fn format_iso_utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `/calls` duration: a string of milliseconds (`"23066"`).
pub fn parse_duration_millis(value: &str) -> Result<Duration, TimeParseError> {
    value
        .trim()
        .parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| TimeParseError::new("millisecond duration", value))
}

/// Journal duration: .NET `TimeSpan` text, `hh:mm:ss` with optional `d.` days and fraction.
pub fn parse_duration_hms(value: &str) -> Result<Duration, TimeParseError> {
    let err = || TimeParseError::new("hh:mm:ss duration", value);
    let mut parts = value.trim().split(':');
    let (Some(hours), Some(minutes), Some(seconds), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(err());
    };
    let (days, hours) = match hours.split_once('.') {
        Some((days, hours)) => (days.parse::<u64>().map_err(|_| err())?, hours),
        None => (0, hours),
    };
    let hours = hours.parse::<u64>().map_err(|_| err())?;
    let minutes = minutes.parse::<u64>().map_err(|_| err())?;
    if minutes >= 60 {
        return Err(err());
    }
    let seconds = parse_seconds(seconds)
        .filter(|s| s.as_secs() < 60)
        .ok_or_else(err)?;
    // Checked: the text comes from outside, and days or hours past 64 bits must not panic.
    days.checked_mul(24)
        .and_then(|h| h.checked_add(hours))
        .and_then(|h| h.checked_mul(60))
        .and_then(|m| m.checked_add(minutes))
        .and_then(|m| m.checked_mul(60))
        .and_then(|s| Duration::from_secs(s).checked_add(seconds))
        .ok_or_else(err)
}

/// `/voicemails` duration: the unit is not documented; we read a bare number as seconds (a
/// millisecond reading would make typical voicemails a fraction of a second) and also accept
/// `hh:mm:ss` in case it follows the journal.
pub fn parse_duration_voicemail(value: &str) -> Result<Duration, TimeParseError> {
    if value.contains(':') {
        return parse_duration_hms(value);
    }
    parse_seconds(value.trim()).ok_or_else(|| TimeParseError::new("voicemail duration", value))
}

fn parse_seconds(value: &str) -> Option<Duration> {
    let seconds = value.parse::<f64>().ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_in_every_documented_shape() {
        let whole = Utc.with_ymd_and_hms(2025, 12, 1, 19, 58, 27).unwrap();
        assert_eq!(parse_timestamp("2025-12-01T19:58:27Z").unwrap(), whole);
        assert_eq!(parse_timestamp("2025-12-01T19:58:27+00:00").unwrap(), whole);
        assert_eq!(parse_timestamp("2025-12-01T19:58:27").unwrap(), whole);
        let seven = parse_timestamp("2025-12-01T19:58:27.3212038Z").unwrap();
        assert_eq!(seven.timestamp_subsec_nanos(), 321_203_800);
        let no_offset_fraction = parse_timestamp("2025-12-01T19:58:27.3212038").unwrap();
        assert_eq!(no_offset_fraction, seven);
        assert_eq!(
            parse_timestamp("2018-06-05T13:38:29.522+00:00")
                .unwrap()
                .timestamp_subsec_millis(),
            522
        );
        assert_eq!(
            parse_timestamp("2018-06-05T15:38:29+02:00").unwrap(),
            Utc.with_ymd_and_hms(2018, 6, 5, 13, 38, 29).unwrap()
        );
        let dotnet_min = parse_timestamp("0001-01-01T00:00:00").unwrap();
        assert_eq!(dotnet_min, Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap());
        assert!(parse_timestamp("yesterday").is_err());
        assert!(parse_timestamp("-5000-01-01T00:00:00").is_err());
        assert!(parse_timestamp("+200000-01-01T00:00:00").is_err());
        assert!(parse_timestamp("0000-12-31T23:00:00+02:00").is_err());
        assert!(parse_timestamp("9999-12-31T23:59:59.9999999").is_ok());
    }

    #[test]
    fn query_formats() {
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap()
            + chrono::TimeDelta::milliseconds(890);
        assert_eq!(format_query_utc(at), "2026-03-04T05:06:07");
        assert_eq!(format_iso_utc(at), "2026-03-04T05:06:07Z");
    }

    #[test]
    fn durations_in_every_documented_unit() {
        assert_eq!(
            parse_duration_millis("23066").unwrap(),
            Duration::from_millis(23_066)
        );
        assert!(parse_duration_millis("23s").is_err());
        assert_eq!(
            parse_duration_hms("00:01:20").unwrap(),
            Duration::from_secs(80)
        );
        assert_eq!(
            parse_duration_hms("1.02:03:04").unwrap(),
            Duration::from_secs(93_784)
        );
        assert_eq!(
            parse_duration_hms("00:00:01.5").unwrap(),
            Duration::from_millis(1500)
        );
        assert!(parse_duration_hms("00:61:00").is_err());
        assert!(parse_duration_hms("80").is_err());
        assert_eq!(
            parse_duration_voicemail("185").unwrap(),
            Duration::from_secs(185)
        );
        assert_eq!(
            parse_duration_voicemail("00:03:05").unwrap(),
            Duration::from_secs(185)
        );
        assert!(parse_duration_voicemail("-3").is_err());
    }

    #[test]
    fn durations_beyond_64_bits_are_errors_not_panics() {
        assert!(parse_duration_hms("1000000000000000000.00:00:00").is_err());
        assert!(parse_duration_hms("18446744073709551615:00:00").is_err());
        assert!(parse_duration_hms("213503982334601.07:00:59").is_err());
        assert!(parse_duration_voicemail("1000000000000000000.00:00:00").is_err());
        assert!(parse_duration_voicemail("1e300").is_err());
        // .NET's TimeSpan.MaxValue still fits.
        assert_eq!(
            parse_duration_hms("10675199.02:48:05.4775807")
                .unwrap()
                .as_secs(),
            922_337_203_685
        );
    }
}
