//! One error type for the client. Messages carry only what the caller needs to decide and explain
//! (status, MightyCall's own error text after scrubbing); never credentials or tokens.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MightyCallError {
    /// Bad credentials (`400 {"error":"invalid_client"}`) or still 401/403 after one token refresh.
    #[error("MightyCall rejected the credentials: {reason}")]
    Unauthorized { reason: String },
    /// The local request budget is spent; the api key's daily quota is kept for later.
    #[error("MightyCall request budget exhausted ({used}/{limit} requests used)")]
    QuotaExhausted { used: u32, limit: u32 },
    /// The shared request budget could not be checked, so nothing was sent.
    #[error("MightyCall request budget unavailable: {reason}")]
    BudgetUnavailable { reason: String },
    /// 429 that was not retried: retries ran out or the server asked to wait longer than allowed.
    #[error("MightyCall rate limit hit; retry after {retry_after:?}")]
    RateLimited { retry_after: Option<Duration> },
    /// 404, and the documented quirk: `400 {"message":"… not found"}`.
    #[error("MightyCall resource not found: {message}")]
    NotFound { message: String },
    #[error("MightyCall rejected the request: {details}")]
    BadRequest { details: String },
    #[error("MightyCall answered with HTTP {status}")]
    Upstream { status: u16 },
    #[error("MightyCall request timed out")]
    Timeout,
    /// Connection refused/reset after retries.
    #[error("could not reach MightyCall: {reason}")]
    Network { reason: String },
    #[error("could not decode MightyCall response ({context}): {reason}")]
    Decode { context: String, reason: String },
}

impl MightyCallError {
    /// Stable snake_case code for job rows and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "mightycall_unauthorized",
            Self::QuotaExhausted { .. } => "mightycall_quota_exhausted",
            Self::BudgetUnavailable { .. } => "mightycall_budget_unavailable",
            Self::RateLimited { .. } => "mightycall_rate_limited",
            Self::NotFound { .. } => "mightycall_not_found",
            Self::BadRequest { .. } => "mightycall_bad_request",
            Self::Upstream { .. } => "mightycall_upstream_error",
            Self::Timeout => "mightycall_timeout",
            Self::Network { .. } => "mightycall_unreachable",
            Self::Decode { .. } => "mightycall_decode_error",
        }
    }

    pub(crate) fn decode(context: &str, reason: impl std::fmt::Display) -> Self {
        Self::Decode {
            context: context.to_owned(),
            reason: reason.to_string(),
        }
    }
}

impl MightyCallError {
    /// Removes any credential or token an upstream body might have echoed back.
    pub(crate) fn scrubbed(self, secrets: &[&str]) -> Self {
        let clean = |mut text: String| {
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                text = text.replace(secret, "[redacted]");
            }
            text
        };
        match self {
            Self::Unauthorized { reason } => Self::Unauthorized {
                reason: clean(reason),
            },
            Self::NotFound { message } => Self::NotFound {
                message: clean(message),
            },
            Self::BadRequest { details } => Self::BadRequest {
                details: clean(details),
            },
            Self::Network { reason } => Self::Network {
                reason: clean(reason),
            },
            Self::Decode { context, reason } => Self::Decode {
                context,
                reason: clean(reason),
            },
            other => other,
        }
    }
}
