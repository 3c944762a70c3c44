//! What a sync trigger asks for, shared by the user-facing `sync` function and the service-facing
//! `trigger` function so both accept exactly the same names and dates.

use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

use crate::{ParseError, Resource};

/// The names the old API used for what to sync; `reports` means calls.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SyncKind {
    PhoneNumbers,
    Reports,
    Recordings,
    Sms,
    Voicemails,
    Contacts,
    All,
}

impl SyncKind {
    const NAMES: [(&'static str, SyncKind); 7] = [
        ("phone-numbers", Self::PhoneNumbers),
        ("reports", Self::Reports),
        ("recordings", Self::Recordings),
        ("sms", Self::Sms),
        ("voicemails", Self::Voicemails),
        ("contacts", Self::Contacts),
        ("all", Self::All),
    ];

    /// The resources one trigger queues, in the order they must run.
    pub fn resources(self) -> Vec<Resource> {
        match self {
            Self::PhoneNumbers => vec![Resource::PhoneNumbers],
            Self::Reports => vec![Resource::Calls],
            Self::Recordings => vec![Resource::Recordings],
            Self::Sms => vec![Resource::Sms],
            Self::Voicemails => vec![Resource::Voicemails],
            Self::Contacts => vec![Resource::Contacts],
            Self::All => Resource::ALL.to_vec(),
        }
    }
}

impl FromStr for SyncKind {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::NAMES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, kind)| *kind)
            .ok_or_else(|| {
                ParseError(
                    "must be one of phone-numbers, reports, recordings, sms, voicemails, contacts, all"
                        .into(),
                )
            })
    }
}

/// Why `startDate`/`endDate` were refused; `code()` is the API's error code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("{0} must be a date as YYYY-MM-DD between 2000-01-01 and 2099-12-31")]
    InvalidDate(&'static str),
    #[error("endDate needs a startDate")]
    EndWithoutStart,
    #[error("endDate is before startDate")]
    Backwards,
    #[error("startDate is in the future")]
    StartInFuture,
    #[error("a re-sync covers at most {0} days")]
    TooLong(i64),
}

impl WindowError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidDate(_) | Self::EndWithoutStart => "invalid_date",
            Self::Backwards | Self::StartInFuture => "invalid_range",
            Self::TooLong(_) => "range_too_long",
        }
    }
}

/// An explicit re-sync range: `[start 00:00 UTC, min(day after end 00:00 UTC, now))`.
pub type ResyncWindow = (DateTime<Utc>, DateTime<Utc>);

fn date(name: &'static str, value: &str) -> Result<NaiveDate, WindowError> {
    crate::api_date(value).ok_or(WindowError::InvalidDate(name))
}

/// Parses `startDate`/`endDate` of a sync request: none means "from the watermark" (`None`); a
/// start alone runs through today; whole UTC days, at most `max_days`, ending no later than `now`.
pub fn resync_window(
    start: Option<&str>,
    end: Option<&str>,
    max_days: i64,
    now: DateTime<Utc>,
) -> Result<Option<ResyncWindow>, WindowError> {
    let today = now.date_naive();
    let (start, end) = match (start, end) {
        (None, None) => return Ok(None),
        (None, Some(_)) => return Err(WindowError::EndWithoutStart),
        (Some(s), e) => (
            date("startDate", s)?,
            e.map(|e| date("endDate", e)).transpose()?.unwrap_or(today),
        ),
    };
    if end < start {
        return Err(WindowError::Backwards);
    }
    if start > today {
        return Err(WindowError::StartInFuture);
    }
    if (end - start).num_days() + 1 > max_days {
        return Err(WindowError::TooLong(max_days));
    }
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    let end = end
        .checked_add_days(Days::new(1))
        .map(midnight)
        .unwrap_or(now)
        .min(now);
    Ok(Some((midnight(start), end)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn kinds_parse_by_their_api_names_only() {
        assert_eq!("reports".parse::<SyncKind>(), Ok(SyncKind::Reports));
        assert_eq!(SyncKind::Reports.resources(), [Resource::Calls]);
        assert_eq!(SyncKind::All.resources().len(), 6);
        for bad in ["", "calls", "Reports", "sync-reports", "all "] {
            assert!(bad.parse::<SyncKind>().is_err(), "{bad}");
        }
    }

    #[test]
    fn windows_are_whole_days_up_to_now_and_refuse_bad_ranges() {
        let now = at("2026-03-31T12:00:00Z");
        assert_eq!(resync_window(None, None, 92, now), Ok(None));
        let (s, e) = resync_window(Some("2026-03-30"), None, 92, now)
            .unwrap()
            .unwrap();
        assert_eq!((s, e), (at("2026-03-30T00:00:00Z"), now));
        let (_, e) = resync_window(Some("2026-03-01"), Some("2026-03-02"), 92, now)
            .unwrap()
            .unwrap();
        assert_eq!(e, at("2026-03-03T00:00:00Z"));
        let err = |s, e| resync_window(s, e, 3, now).unwrap_err().code();
        assert_eq!(err(None, Some("2026-03-01")), "invalid_date");
        assert_eq!(err(Some("2026-3-1"), None), "invalid_date");
        assert_eq!(err(Some("-5000-1-01"), None), "invalid_date");
        assert_eq!(err(Some("2026-03-01"), Some("-5000-1-01")), "invalid_date");
        assert_eq!(err(Some("2026-03-02"), Some("2026-03-01")), "invalid_range");
        assert_eq!(err(Some("2026-04-01"), Some("2026-04-02")), "invalid_range");
        assert_eq!(
            err(Some("2026-03-01"), Some("2026-03-04")),
            "range_too_long"
        );
        assert!(resync_window(Some("2026-03-01"), Some("2026-03-03"), 3, now).is_ok());
    }
}
