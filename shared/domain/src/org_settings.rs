//! The values of an org's settings, each valid once parsed: the service-level target, the
//! short-abandon threshold, business hours, and a member's MightyCall extension.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, schema::SchemaType};

use crate::ParseError;

/// A whole number within bounds, named after the setting it holds (the error names it too).
macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident($int:ty), $field:literal, $min:literal..=$max:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name($int);

        impl $name {
            pub const MIN: $int = $min;
            pub const MAX: $int = $max;

            pub fn new(value: i64) -> Result<Self, ParseError> {
                <$int>::try_from(value)
                    .ok()
                    .filter(|v| (Self::MIN..=Self::MAX).contains(v))
                    .map(Self)
                    .ok_or_else(|| {
                        ParseError(format!("{} must be from {} to {}", $field, $min, $max))
                    })
            }

            pub fn get(self) -> $int {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Self::new(i64::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(SchemaType::from(Type::Integer))
                    .minimum(Some($min))
                    .maximum(Some($max))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

bounded!(
    /// The share of calls that should be answered within [`SlaSeconds`], in percent.
    SlaPercent(i16), "sla_target_percent", 1..=100
);
bounded!(
    /// The answer time the service-level target counts against.
    SlaSeconds(i32), "sla_target_seconds", 1..=3600
);
bounded!(
    /// Calls abandoned within this many seconds are not counted as missed.
    ShortAbandonSeconds(i32), "short_abandon_seconds", 0..=600
);
bounded!(
    /// After this long without a webhook for an extension, its live status is `unknown`.
    UnknownAfterMinutes(i32), "live_status_unknown_after_minutes", 1..=1440
);

/// A time of day, `HH:MM` (00:00 to 23:59), as minutes after midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(u16);

impl ClockTime {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || {
            ParseError(format!(
                "{raw:?} is not a time of day as HH:MM (00:00 to 23:59)"
            ))
        };
        let (h, m) = raw.split_once(':').ok_or_else(bad)?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(h) || !two_digits(m) {
            return Err(bad());
        }
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(Self(h * 60 + m))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for ClockTime {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::from(Type::String))
            .pattern(Some("^([01][0-9]|2[0-3]):[0-5][0-9]$"))
            .description(Some("A local time of day, `HH:MM`."))
            .into()
    }
}

impl utoipa::ToSchema for ClockTime {}

/// One opening range of a day; `start` must come before `end` (checked by [`DayHours`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HourRange {
    #[schema(inline)]
    pub start: ClockTime,
    #[schema(inline)]
    pub end: ClockTime,
}

/// A day's opening ranges: at most [`DayHours::MAX_RANGES`], each non-empty, none overlapping
/// another (touching is fine); kept sorted. Empty means closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DayHours(Vec<HourRange>);

impl DayHours {
    pub const MAX_RANGES: usize = 4;

    pub fn new(mut ranges: Vec<HourRange>) -> Result<Self, ParseError> {
        if ranges.len() > Self::MAX_RANGES {
            return Err(ParseError(format!(
                "a day has at most {} opening ranges",
                Self::MAX_RANGES
            )));
        }
        if let Some(r) = ranges.iter().find(|r| r.start >= r.end) {
            return Err(ParseError(format!(
                "an opening range must start before it ends ({} to {})",
                r.start, r.end
            )));
        }
        ranges.sort_by_key(|r| r.start);
        if let Some(pair) = ranges.windows(2).find(|pair| pair[1].start < pair[0].end) {
            return Err(ParseError(format!(
                "opening ranges overlap ({} to {} and {} to {})",
                pair[0].start, pair[0].end, pair[1].start, pair[1].end
            )));
        }
        Ok(Self(ranges))
    }

    pub fn ranges(&self) -> &[HourRange] {
        &self.0
    }
}

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(Vec::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for DayHours {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(<HourRange as utoipa::PartialSchema>::schema())
            .max_items(Some(Self::MAX_RANGES))
            .description(Some(
                "Opening ranges, start before end, none overlapping; empty or absent: closed.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for DayHours {}

/// An org's opening hours per weekday, in its own time zone. A day left out is closed. Read
/// through a map, so that only an object with weekday keys is one (serde would take a list of
/// seven days as a struct too).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(from = "BTreeMap<Weekday, DayHours>", default, deny_unknown_fields)]
pub struct BusinessHours {
    pub monday: DayHours,
    pub tuesday: DayHours,
    pub wednesday: DayHours,
    pub thursday: DayHours,
    pub friday: DayHours,
    pub saturday: DayHours,
    pub sunday: DayHours,
}

#[derive(Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<BTreeMap<Weekday, DayHours>> for BusinessHours {
    fn from(mut days: BTreeMap<Weekday, DayHours>) -> Self {
        let mut day = |d| days.remove(&d).unwrap_or_default();
        Self {
            monday: day(Weekday::Monday),
            tuesday: day(Weekday::Tuesday),
            wednesday: day(Weekday::Wednesday),
            thursday: day(Weekday::Thursday),
            friday: day(Weekday::Friday),
            saturday: day(Weekday::Saturday),
            sunday: day(Weekday::Sunday),
        }
    }
}

/// A member's MightyCall extension: 1 to 10 digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Extension(String);

impl Extension {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if (1..=10).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ParseError(
                "mightycall_extension must be 1 to 10 digits".into(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Extension {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Extension {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::from(Type::String))
            .pattern(Some("^[0-9]{1,10}$"))
            .into()
    }
}

impl utoipa::ToSchema for Extension {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn bounded_numbers_keep_their_bounds() {
        assert_eq!(SlaPercent::new(1).unwrap().get(), 1);
        assert_eq!(SlaPercent::new(100).unwrap().get(), 100);
        for bad in [0, 101, -1, i64::MAX] {
            assert!(SlaPercent::new(bad).is_err(), "{bad}");
        }
        assert!(SlaSeconds::new(0).is_err() && SlaSeconds::new(3601).is_err());
        assert_eq!(ShortAbandonSeconds::new(0).unwrap().get(), 0);
        assert!(ShortAbandonSeconds::new(601).is_err());
        assert_eq!(UnknownAfterMinutes::new(1440).unwrap().get(), 1440);
        assert!(UnknownAfterMinutes::new(0).is_err() && UnknownAfterMinutes::new(1441).is_err());
        assert!(serde_json::from_value::<SlaSeconds>(json!("20")).is_err());
    }

    #[test]
    fn clock_times_are_hh_mm() {
        assert_eq!(ClockTime::parse("09:05").unwrap().minutes(), 545);
        assert_eq!(ClockTime::parse("23:59").unwrap().to_string(), "23:59");
        for bad in ["9:00", "24:00", "12:60", "12:00:00", "ab:cd", "+1:00", ""] {
            assert!(ClockTime::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn business_hours_refuse_overlaps_empty_ranges_and_unknown_days() {
        let hours: BusinessHours = serde_json::from_value(json!({
            "monday": [{"start": "13:00", "end": "17:00"}, {"start": "09:00", "end": "13:00"}],
        }))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&hours.monday).unwrap(),
            json!([{"start": "09:00", "end": "13:00"}, {"start": "13:00", "end": "17:00"}]),
            "sorted, touching ranges allowed"
        );
        assert!(hours.sunday.ranges().is_empty());
        let range = |s: &str, e: &str| json!({"start": s, "end": e});
        for bad in [
            json!({"monday": [range("09:00", "12:00"), range("11:00", "13:00")]}),
            json!({"monday": [range("09:00", "09:00")]}),
            json!({"monday": [range("17:00", "09:00")]}),
            json!({"monday": vec![range("01:00", "02:00"); 5]}),
            json!({"funday": []}),
            json!([]),
            json!({"monday": null}),
            json!({"monday": [{"start": "09:00", "end": "10:00", "x": 1}]}),
            json!({"monday": [range("9:00", "10:00")]}),
        ] {
            assert!(
                serde_json::from_value::<BusinessHours>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn extensions_are_one_to_ten_digits() {
        assert_eq!(Extension::parse("0101").unwrap().as_str(), "0101");
        for bad in ["", "12345678901", "12a", " 12", "١٢"] {
            assert!(Extension::parse(bad).is_err(), "{bad:?}");
        }
    }
}
