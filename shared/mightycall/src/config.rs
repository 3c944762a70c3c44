//! Configuration newtypes: each has one validating constructor, so holding one means it is valid.

use crate::budget::{KeyFingerprint, RequestBudget};
use crate::secret::Secret;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::fmt;
use std::time::Duration;
use url::Url;

/// Environment variable that points every client of a deployment at another base URL
/// (the fake, a test mock or a proxy), version path included, e.g. `http://127.0.0.1:9000/v4`.
pub const BASE_URL_ENV: &str = "MIGHTYCALL_BASE_URL";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{field} must be 1-256 printable ASCII characters without spaces")]
    InvalidKey { field: &'static str },
    #[error("unknown MightyCall host (allowed: api.mightycall.com, ccapi.mightycall.com)")]
    UnknownHost,
    #[error("invalid base URL override: {reason}")]
    InvalidBaseUrl { reason: &'static str },
    #[error("time window start must be before its end")]
    EmptyWindow,
    #[error("page size must be between 1 and {max}", max = PageSize::MAX.0)]
    InvalidPageSize,
}

fn validate_key(value: &str, field: &'static str) -> Result<String, ConfigError> {
    let ok = !value.is_empty() && value.len() <= 256 && value.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(value.to_owned())
    } else {
        Err(ConfigError::InvalidKey { field })
    }
}

/// The account's api key (`x-api-key`, also the OAuth `client_id`). Debug output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Secret);

impl ApiKey {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        validate_key(value, "api key").map(|v| Self(Secret::new(v)))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose()
    }

    /// What budgets and token caches know the key by: its hash, never the key.
    pub fn fingerprint(&self) -> KeyFingerprint {
        KeyFingerprint::of(self.expose())
    }

    /// Constant-time comparison with a key someone presented (e.g. a webhook's `ApiKey`), so the
    /// answer's timing does not reveal how much of a guess matched.
    pub fn matches(&self, candidate: &str) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.expose().as_bytes(), candidate.as_bytes()).into()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({:?})", self.0)
    }
}

/// The `client_secret`: a user key from the MightyCall web app, or on Classic accounts a user's
/// extension. Debug output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct UserKey(Secret);

impl UserKey {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        validate_key(value, "user key").map(|v| Self(Secret::new(v)))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserKey({:?})", self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub api_key: ApiKey,
    pub user_key: UserKey,
}

/// The only two hosts an organisation may choose: a stored integration names one of these, never a
/// URL, so user input cannot steer requests anywhere else (SSRF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MightyCallHost {
    /// Classic accounts.
    Api,
    /// Call Center accounts.
    Ccapi,
}

impl MightyCallHost {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "api.mightycall.com" => Ok(Self::Api),
            "ccapi.mightycall.com" => Ok(Self::Ccapi),
            _ => Err(ConfigError::UnknownHost),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api.mightycall.com",
            Self::Ccapi => "ccapi.mightycall.com",
        }
    }
}

/// Base URL including the version path (`https://api.mightycall.com/v4`); REST paths hang off
/// `{base}/api`, the token endpoint is `{base}/auth/token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    pub fn for_host(host: MightyCallHost) -> Self {
        Self(format!("https://{}/v4", host.as_str()))
    }

    /// A deployment-level override (operator configuration, never user input). http is allowed
    /// because the fake and test mocks listen on plain loopback HTTP.
    pub fn deployment_override(value: &str) -> Result<Self, ConfigError> {
        let url = Url::parse(value.trim()).map_err(|_| ConfigError::InvalidBaseUrl {
            reason: "not an absolute URL",
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ConfigError::InvalidBaseUrl {
                reason: "scheme must be http or https",
            });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(ConfigError::InvalidBaseUrl {
                reason: "missing host",
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ConfigError::InvalidBaseUrl {
                reason: "must not contain credentials",
            });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ConfigError::InvalidBaseUrl {
                reason: "must not have a query or fragment",
            });
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// The override when one is given, else the organisation's allow-listed host.
    pub fn resolve(
        host: MightyCallHost,
        deployment_override: Option<&str>,
    ) -> Result<Self, ConfigError> {
        match deployment_override.map(str::trim).filter(|v| !v.is_empty()) {
            Some(value) => Self::deployment_override(value),
            None => Ok(Self::for_host(host)),
        }
    }

    /// [`BaseUrl::resolve`] with the override read from `MIGHTYCALL_BASE_URL`.
    pub fn from_env(host: MightyCallHost) -> Result<Self, ConfigError> {
        Self::resolve(host, std::env::var(BASE_URL_ENV).ok().as_deref())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.0)
    }

    pub(crate) fn token_endpoint(&self) -> String {
        format!("{}/auth/token", self.0)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// Whole request including the body; a slow MightyCall answer becomes a retryable timeout.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
        }
    }
}

/// Exponential backoff with jitter on 429, 5xx, timeouts and connection errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails with `RateLimited` so the
    /// caller (e.g. a Lambda near its deadline) can reschedule instead of sleeping.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub credentials: Credentials,
    pub base_url: BaseUrl,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    /// The api key's daily request budget, shared through its ledger; `None` means unlimited.
    pub budget: Option<RequestBudget>,
}

impl ClientConfig {
    pub fn new(credentials: Credentials, base_url: BaseUrl) -> Self {
        Self {
            credentials,
            base_url,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            budget: None,
        }
    }
}

/// Rows per request. The journal rejects more than 1000 (`FilterParamsMalformed`), and with a
/// 2,500/day quota the largest page is the cheapest, so the default is the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u32);

impl PageSize {
    pub const MAX: Self = Self(1000);

    pub fn new(value: u32) -> Result<Self, ConfigError> {
        if (1..=Self::MAX.0).contains(&value) {
            Ok(Self(value))
        } else {
            Err(ConfigError::InvalidPageSize)
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self::MAX
    }
}

/// A closed time window `[start, end)` in whole seconds: `/calls` and `/voicemails` take
/// `yyyy-MM-ddTHH:mm:ss` without fractions, so sub-second bounds cannot be expressed anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl UtcWindow {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, ConfigError> {
        let second = TimeDelta::seconds(1);
        let start = start
            .duration_trunc(second)
            .map_err(|_| ConfigError::EmptyWindow)?;
        let end = end
            .duration_trunc(second)
            .map_err(|_| ConfigError::EmptyWindow)?;
        if start < end {
            Ok(Self { start, end })
        } else {
            Err(ConfigError::EmptyWindow)
        }
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_mightycall_hosts_are_accepted() {
        assert_eq!(
            MightyCallHost::parse("API.mightycall.com").unwrap(),
            MightyCallHost::Api
        );
        assert_eq!(
            BaseUrl::for_host(MightyCallHost::Ccapi).as_str(),
            "https://ccapi.mightycall.com/v4"
        );
        for host in [
            "evil.com",
            "api.mightycall.com.evil.com",
            "169.254.169.254",
            "https://api.mightycall.com",
        ] {
            assert_eq!(
                MightyCallHost::parse(host),
                Err(ConfigError::UnknownHost),
                "{host}"
            );
        }
    }

    #[test]
    fn the_deployment_override_wins_and_is_validated() {
        let fake =
            BaseUrl::resolve(MightyCallHost::Api, Some("http://127.0.0.1:9000/v4/")).unwrap();
        assert_eq!(fake.as_str(), "http://127.0.0.1:9000/v4");
        assert_eq!(fake.api("/calls"), "http://127.0.0.1:9000/v4/api/calls");
        assert_eq!(fake.token_endpoint(), "http://127.0.0.1:9000/v4/auth/token");
        assert_eq!(
            BaseUrl::resolve(MightyCallHost::Api, Some(" ")).unwrap(),
            BaseUrl::for_host(MightyCallHost::Api)
        );
        for bad in [
            "ftp://x/v4",
            "http://u:p@x/v4",
            "http://x/v4?a=1",
            "/v4",
            "file:///etc/passwd",
        ] {
            assert!(BaseUrl::deployment_override(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_validate_and_redact() {
        let key = ApiKey::parse("abc123").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
        assert_eq!(
            format!("{:?}", UserKey::parse("100").unwrap()),
            "UserKey([redacted])"
        );
        assert!(
            ApiKey::parse("").is_err()
                && ApiKey::parse("a b").is_err()
                && UserKey::parse("x\n").is_err()
        );
    }

    #[test]
    fn windows_and_page_sizes_validate() {
        let t = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 1, 0, 0, 0).unwrap();
        assert!(UtcWindow::new(t, t).is_err());
        assert!(
            UtcWindow::new(t, t + TimeDelta::milliseconds(500)).is_err(),
            "truncates to whole seconds"
        );
        assert_eq!(
            PageSize::new(1001),
            Err(ConfigError::InvalidPageSize),
            "the journal allows at most 1000"
        );
        assert_eq!(PageSize::default().get(), 1000);
    }
}
