//! An organisation's time zone: the days its reports are counted in and the offset its times are
//! shown with.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone as _, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{DateRange, ParseError};

/// An IANA zone name (`America/New_York`, `Asia/Kolkata`, `UTC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeZone(Tz);

impl TimeZone {
    pub const UTC: Self = Self(Tz::UTC);

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        // POSIX-style names (`Etc/GMT+5` is UTC−5) are valid IANA links but read backwards; the
        // database refuses the same shapes (`private.is_time_zone`).
        Tz::from_str(raw)
            .ok()
            .filter(|_| !raw.contains("GMT+") && !raw.contains("GMT-"))
            .map(Self)
            .ok_or_else(|| {
                ParseError(
                    "time_zone must be an IANA time zone name such as America/New_York".into(),
                )
            })
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// `at` with this zone's offset at that instant.
    pub fn local(self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.0).fixed_offset()
    }

    /// The local date now.
    pub fn today(self) -> NaiveDate {
        Utc::now().with_timezone(&self.0).date_naive()
    }

    /// The first instant of the local `day`: midnight, or the end of a gap when the clocks skip
    /// midnight (some zones change at 00:00). Offsets are multiples of 15 minutes, so a 15-minute
    /// step finds it.
    pub fn day_start(self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_time(NaiveTime::MIN);
        (0..=96)
            .find_map(|quarter| {
                self.0
                    .from_local_datetime(&(midnight + Duration::minutes(15 * quarter)))
                    .earliest()
            })
            .map(|at| at.with_timezone(&Utc))
            // No zone skips a whole day: the UTC midnight is only a guard.
            .unwrap_or_else(|| midnight.and_utc())
    }

    /// The half-open instant window of the local days of `range`.
    pub fn window(self, range: DateRange) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = range.end().succ_opt().unwrap_or(range.end());
        (self.day_start(range.start()), self.day_start(after))
    }

    /// The zone's offset from UTC at `at`, in seconds east.
    pub fn offset_seconds(self, at: DateTime<Utc>) -> i32 {
        self.0
            .offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self::UTC
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeZone {
    type Err = ParseError;

    fn from_str(raw: &str) -> Result<Self, ParseError> {
        Self::parse(raw)
    }
}

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for TimeZone {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("An IANA time zone name, e.g. `America/New_York`."))
            .into()
    }
}

impl utoipa::ToSchema for TimeZone {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parses_iana_names_and_refuses_the_rest() {
        assert_eq!(
            TimeZone::parse("America/New_York").unwrap().name(),
            "America/New_York"
        );
        for bad in [
            "",
            "Mars/Olympus",
            "UTC+3",
            "Etc/GMT+5",
            "America/New_York\n",
            "EST5EDT ",
        ] {
            assert!(TimeZone::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn local_days_are_23_24_or_25_hours_and_follow_half_hour_offsets() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        let hours = |d: &str| {
            let range = DateRange::new(day(d), day(d)).unwrap();
            let (from, to) = ny.window(range);
            (to - from).num_hours()
        };
        assert_eq!(hours("2026-03-08"), 23);
        assert_eq!(hours("2026-11-01"), 25);
        assert_eq!(hours("2026-11-02"), 24);
        let kolkata = TimeZone::parse("Asia/Kolkata").unwrap();
        let start = kolkata.day_start(day("2026-01-01"));
        assert_eq!(start.to_rfc3339(), "2025-12-31T18:30:00+00:00");
        assert_eq!(
            kolkata.local(start).to_rfc3339(),
            "2026-01-01T00:00:00+05:30"
        );
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_at_the_end_of_the_gap() {
        // Havana springs forward at 00:00 → 01:00 (2026-03-08).
        let havana = TimeZone::parse("America/Havana").unwrap();
        let start = havana.day_start(day("2026-03-08"));
        assert_eq!(
            havana.local(start).to_rfc3339(),
            "2026-03-08T01:00:00-04:00"
        );
    }
}
