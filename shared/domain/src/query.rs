use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};

use crate::ParseError;

/// How many rows one page may hold: 1 to 500, 100 when the client does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLimit(u16);

impl PageLimit {
    pub const MAX: u16 = 500;
    /// The data lists' and the audit log's default.
    pub const DEFAULT: PageLimit = PageLimit(100);
    /// Sync jobs: a screenful.
    pub const JOBS: PageLimit = PageLimit(50);
    /// The largest page: whole-range exports read in pages of this size.
    pub const LARGEST: PageLimit = PageLimit(Self::MAX);

    /// `raw` as a client sent it, or the list's `default` when absent.
    pub fn parse(raw: Option<&str>, default: PageLimit) -> Result<Self, ParseError> {
        let Some(raw) = raw else {
            return Ok(default);
        };
        raw.parse::<u16>()
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Self)
            .ok_or_else(|| {
                ParseError(format!(
                    "limit must be a whole number from 1 to {}",
                    Self::MAX
                ))
            })
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

/// The earliest and latest day the API takes: far enough for any call centre's history, and well
/// inside what PostgreSQL and chrono represent, so a date never fails further in as a 500.
const FIRST_DAY: (i32, u32, u32) = (2000, 1, 1);
const LAST_DAY: (i32, u32, u32) = (2099, 12, 31);

/// A day exactly as the API writes it, `YYYY-MM-DD` from 2000-01-01 to 2099-12-31. chrono's `%Y`
/// alone would also take `2026-1-1`, `+2026-01-01` or `-5000-1-01`.
pub fn api_date(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let day = |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d);
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|date| shape && Some(*date) >= day(FIRST_DAY) && Some(*date) <= day(LAST_DAY))
}

/// Whole UTC days, both ends included: at most 366 of them, never backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    pub const MAX_DAYS: u64 = 366;
    /// Without dates a range is the 30 days up to and including `today`.
    pub const DEFAULT_DAYS: u64 = 30;

    /// `YYYY-MM-DD` dates from a query string; a missing end is `today`, a missing start the 30 days
    /// before the end.
    pub fn parse(
        start: Option<&str>,
        end: Option<&str>,
        today: NaiveDate,
    ) -> Result<Self, ParseError> {
        let date = |raw: &str, name: &str| {
            api_date(raw).ok_or_else(|| {
                ParseError(format!(
                    "{name} must be a date as YYYY-MM-DD between 2000-01-01 and 2099-12-31"
                ))
            })
        };
        let end = end
            .map(|e| date(e, "endDate"))
            .transpose()?
            .unwrap_or(today);
        let start = match start {
            Some(s) => date(s, "startDate")?,
            None => end
                .checked_sub_days(Days::new(Self::DEFAULT_DAYS - 1))
                .unwrap_or(NaiveDate::MIN),
        };
        Self::new(start, end)
    }

    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, ParseError> {
        if end < start {
            return Err(ParseError("endDate must not be before startDate".into()));
        }
        if (end - start).num_days() >= Self::MAX_DAYS as i64 {
            return Err(ParseError(format!(
                "a date range covers at most {} days",
                Self::MAX_DAYS
            )));
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The half-open instant window `[start 00:00 UTC, day after end 00:00 UTC)`.
    pub fn window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        let after = self.end.succ_opt().unwrap_or(self.end);
        (midnight(self.start), midnight(after))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn limits_default_to_100_and_stay_within_1_to_500() {
        assert_eq!(
            PageLimit::parse(None, PageLimit::DEFAULT).unwrap().get(),
            100
        );
        assert_eq!(
            PageLimit::parse(Some("1"), PageLimit::DEFAULT)
                .unwrap()
                .get(),
            1
        );
        assert_eq!(
            PageLimit::parse(Some("500"), PageLimit::DEFAULT)
                .unwrap()
                .get(),
            500
        );
        for bad in ["0", "501", "-1", "ten", "", "1.5", "99999999999"] {
            assert!(
                PageLimit::parse(Some(bad), PageLimit::DEFAULT).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn ranges_default_to_the_last_30_days_and_refuse_backwards_or_long_ones() {
        let today = day("2026-03-31");
        let r = DateRange::parse(None, None, today).unwrap();
        assert_eq!((r.start(), r.end()), (day("2026-03-02"), today));
        let r = DateRange::parse(Some("2026-01-01"), Some("2026-01-01"), today).unwrap();
        assert_eq!(r.window().1 - r.window().0, chrono::Duration::days(1));
        assert!(DateRange::parse(Some("2025-01-01"), Some("2026-01-01"), today).is_ok());
        assert!(DateRange::parse(Some("2025-01-01"), Some("2026-01-02"), today).is_err());
        assert!(DateRange::parse(Some("2026-01-02"), Some("2026-01-01"), today).is_err());
        for bad in ["2026-13-01", "01/02/2026", "2026-1-1", "2026-01-1x", ""] {
            assert!(DateRange::parse(Some(bad), None, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn api_dates_are_exactly_yyyy_mm_dd_within_2000_to_2099() {
        assert_eq!(api_date("2026-02-28"), Some(day("2026-02-28")));
        assert_eq!(api_date("2000-01-01"), Some(day("2000-01-01")));
        assert_eq!(api_date("2099-12-31"), Some(day("2099-12-31")));
        for bad in [
            "-5000-1-01",
            "+202-01-01",
            "1999-12-31",
            "2100-01-01",
            "2026-02-30",
            "2026-1-011",
            "２０２６-01-01",
            "2026-01-01\0",
            "0000-01-01",
        ] {
            assert_eq!(api_date(bad), None, "{bad}");
        }
    }
}
