use std::time::Duration;

use chrono::TimeDelta;

use crate::EngineError;

/// Time allowed for writing one page after it arrived.
const WRITE_ALLOWANCE: Duration = Duration::from_secs(10);

/// Tunables of every sync, from the environment (documented in the README).
#[derive(Clone, Debug)]
pub struct SyncSettings {
    /// Re-read this much before the watermark: offset paging over a window that still receives
    /// rows can shift rows between pages, and late updates land slightly in the past.
    pub overlap: TimeDelta,
    /// Windows end this long before now, so a closed window no longer changes while paged.
    pub settle: TimeDelta,
    /// How far back a first sync reaches.
    pub backfill: TimeDelta,
    /// Windows are fetched in chunks of this size; the watermark advances per chunk. One closed
    /// window pages with the fewest requests (every chunk ends on a partial page), so the default
    /// covers the whole default backfill.
    pub chunk: TimeDelta,
    /// A run pauses when less than this is left before its deadline. The engine raises it to
    /// [`SyncSettings::page_bound`] so that the page in flight always ends before the deadline.
    pub deadline_margin: Duration,
    /// How long a claim (and each saved page) holds the job; raised to at least `page_bound`, so
    /// only a dead or stuck run loses it. Past it, the next trigger or tick takes the job over.
    pub lease: Duration,
    /// Requests per org per UTC day; below MightyCall's 2,500 per api key to leave headroom.
    pub daily_budget: u32,
    /// Orgs without credentials of their own may use the platform's MightyCall account.
    pub allow_platform_credentials: bool,
    /// `MIGHTYCALL_BASE_URL`, for the fake and proxies.
    pub base_override: Option<String>,
    pub timeouts: mightycall::Timeouts,
    pub retry: mightycall::RetryPolicy,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            overlap: TimeDelta::minutes(10),
            settle: TimeDelta::minutes(2),
            backfill: TimeDelta::days(30),
            chunk: TimeDelta::days(31),
            deadline_margin: Duration::from_secs(20),
            lease: Duration::from_secs(4 * 60),
            daily_budget: 2_400,
            allow_platform_credentials: false,
            base_override: None,
            // Bounded so one page fits in a Lambda's deadline margin: with these, `page_bound`
            // is 3 × (4 × 10 s + 3 × 10 s) = 210 s of the worker's 900 s. A longer Retry-After
            // ends the run as `rate_limited`; the next run resumes from its checkpoint.
            timeouts: mightycall::Timeouts {
                connect: Duration::from_secs(5),
                request: Duration::from_secs(10),
            },
            retry: mightycall::RetryPolicy {
                max_retries: 3,
                base_delay: Duration::from_millis(250),
                max_delay: Duration::from_secs(5),
                max_retry_after: Duration::from_secs(10),
            },
        }
    }
}

impl SyncSettings {
    /// The longest one page can take: each request may use every attempt's timeout and wait the
    /// longest backoff (or accepted `Retry-After`) between attempts, and a page can be asked
    /// twice around one token refresh (page, token, page again).
    pub fn page_bound(&self) -> Duration {
        let attempts = self.retry.max_retries.saturating_add(1);
        let wait = self.retry.max_delay.max(self.retry.max_retry_after);
        let request = self
            .timeouts
            .request
            .saturating_mul(attempts)
            .saturating_add(wait.saturating_mul(self.retry.max_retries));
        request.saturating_mul(3)
    }

    /// The margin and lease actually used: never shorter than one page and its write.
    pub(crate) fn bounded(mut self) -> Self {
        let page = self.page_bound().saturating_add(WRITE_ALLOWANCE);
        self.deadline_margin = self.deadline_margin.max(page);
        self.lease = self.lease.max(page);
        self
    }

    /// `SYNC_BACKFILL_DAYS`, `SYNC_CHUNK_DAYS`, `SYNC_OVERLAP_MINUTES`, `SYNC_SETTLE_MINUTES`,
    /// `MIGHTYCALL_DAILY_REQUEST_BUDGET`, `ALLOW_PLATFORM_MIGHTYCALL`, `MIGHTYCALL_BASE_URL`.
    pub fn from_env() -> Result<Self, EngineError> {
        let mut s = Self::default();
        if let Some(days) = number("SYNC_BACKFILL_DAYS", 1, 730)? {
            s.backfill = TimeDelta::days(days);
        }
        if let Some(days) = number("SYNC_CHUNK_DAYS", 1, 366)? {
            s.chunk = TimeDelta::days(days);
        }
        if let Some(minutes) = number("SYNC_OVERLAP_MINUTES", 0, 1440)? {
            s.overlap = TimeDelta::minutes(minutes);
        }
        if let Some(minutes) = number("SYNC_SETTLE_MINUTES", 0, 60)? {
            s.settle = TimeDelta::minutes(minutes);
        }
        if let Some(budget) = number("MIGHTYCALL_DAILY_REQUEST_BUDGET", 10, 2_500)? {
            s.daily_budget = u32::try_from(budget).unwrap_or(2_400);
        }
        s.allow_platform_credentials = settings::env_flag("ALLOW_PLATFORM_MIGHTYCALL", false)
            .map_err(|e| EngineError::Config(e.to_string()))?;
        s.base_override = settings::env_optional(mightycall::config::BASE_URL_ENV);
        Ok(s)
    }
}

fn number(name: &'static str, min: i64, max: i64) -> Result<Option<i64>, EngineError> {
    settings::env_number(name, min..=max).map_err(|e| EngineError::Config(e.to_string()))
}
