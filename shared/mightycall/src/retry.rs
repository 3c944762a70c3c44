//! Backoff schedule and `Retry-After` reading.

use crate::config::RetryPolicy;
use crate::time::parse_timestamp;
use chrono::{DateTime, Utc};
use rand::Rng;
use std::time::Duration;

/// Delay before retry number `retry` (0-based): exponential from `base_delay`, capped at
/// `max_delay`, with "equal jitter" (half fixed, half random) so that many Lambdas retrying the
/// same account do not fire in lockstep. A server-given `Retry-After` is a floor.
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32, retry_after: Option<Duration>) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(2u32.saturating_pow(retry.min(16)));
    let capped = exp.min(policy.max_delay);
    let half = capped / 2;
    let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    let jitter = Duration::from_nanos(rand::rng().random_range(0..=jitter_nanos));
    let delay = half + jitter;
    retry_after.map_or(delay, |after| delay.max(after))
}

/// `Retry-After` as delta-seconds or HTTP-date (RFC 9110), relative to `now`.
pub(crate) fn parse_retry_after_header(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some(until(at, now))
}

/// MightyCall documents its 429 only in the body: `"Too many requests. Retry after <UTC time> UTC"`
/// (e.g. `2026-01-01T10:00:00.0000000 UTC`), with no header at all.
pub(crate) fn parse_retry_after_message(message: &str, now: DateTime<Utc>) -> Option<Duration> {
    let lower = message.to_ascii_lowercase();
    let start = lower.find("retry after ")? + "retry after ".len();
    let rest = message.get(start..)?.trim();
    let stamp = rest.split_whitespace().next()?;
    let at = parse_timestamp(stamp).ok()?;
    Some(until(at, now))
}

fn until(at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (at - now).to_std().unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
        }
    }

    #[test]
    fn backoff_grows_exponentially_within_jitter_bounds_and_caps() {
        for retry in 0..6 {
            let expected = Duration::from_millis(100 * 2u64.pow(retry)).min(Duration::from_secs(1));
            let delay = backoff(&policy(), retry, None);
            assert!(
                delay >= expected / 2 && delay <= expected,
                "retry {retry}: {delay:?}"
            );
        }
    }

    #[test]
    fn retry_after_is_a_floor() {
        let delay = backoff(&policy(), 0, Some(Duration::from_secs(7)));
        assert_eq!(delay, Duration::from_secs(7));
    }

    #[test]
    fn retry_after_header_seconds_and_http_date() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap();
        assert_eq!(
            parse_retry_after_header(" 12 ", now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            parse_retry_after_header("Thu, 01 Jan 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after_header("soon", now), None);
    }

    #[test]
    fn retry_after_in_the_documented_429_body() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap();
        let message = "Too many requests. Retry after 2026-01-01T10:00:05.0000000 UTC";
        assert_eq!(
            parse_retry_after_message(message, now),
            Some(Duration::from_secs(5))
        );
        // The spec's own placeholder is not a real time: no hint rather than an error.
        let placeholder = "Too many requests. Retry after 0000-00-00T00:00:00.0000000 UTC";
        assert_eq!(parse_retry_after_message(placeholder, now), None);
    }
}
