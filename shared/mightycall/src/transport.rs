//! One HTTP exchange with retries, backoff and the request budget; and the mapping of MightyCall's
//! error bodies to [`MightyCallError`].

use crate::budget::{KeyFingerprint, RequestBudget};
use crate::config::{RetryPolicy, Timeouts};
use crate::error::MightyCallError;
use crate::retry::{backoff, parse_retry_after_header, parse_retry_after_message};
use bytes::Bytes;
use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

pub(crate) struct Transport {
    http: reqwest::Client,
    retry: RetryPolicy,
    /// The budget, and the key whose quota it reserves from.
    budget: Option<(RequestBudget, KeyFingerprint)>,
}

pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The part of the body the request's [`BodyWindow`] kept.
    pub(crate) body: Bytes,
    /// How many bytes of the body were read (skipped and kept alike), and whether that was all of it.
    pub(crate) read: u64,
    pub(crate) complete: bool,
}

/// Which part of a body to keep: `skip` bytes are read and dropped, the next `take` kept, and
/// reading stops (the connection is dropped) once `limit` bytes were read in all. Audio files can
/// be large; a JSON answer is read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BodyWindow {
    pub(crate) skip: u64,
    pub(crate) take: u64,
    pub(crate) limit: u64,
}

impl BodyWindow {
    pub(crate) const WHOLE: Self = Self {
        skip: 0,
        take: u64::MAX,
        limit: u64::MAX,
    };
}

enum Attempt {
    Done(RawResponse),
    Retry {
        error: MightyCallError,
        retry_after: Option<Duration>,
    },
}

impl Transport {
    pub(crate) fn new(
        timeouts: Timeouts,
        retry: RetryPolicy,
        budget: Option<(RequestBudget, KeyFingerprint)>,
    ) -> Result<Self, MightyCallError> {
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            // A redirect could lead the bearer token to a host outside the allow-list (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "victorysync-mightycall/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| MightyCallError::Network {
                reason: e.without_url().to_string(),
            })?;
        Ok(Self {
            http,
            retry,
            budget,
        })
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn budget(&self) -> Option<&RequestBudget> {
        self.budget.as_ref().map(|(budget, _)| budget)
    }

    /// Sends the request built by `build` until it gets an answer that is not worth retrying.
    /// Every attempt is reserved from the key's budget first.
    pub(crate) async fn send(
        &self,
        what: &'static str,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<RawResponse, MightyCallError> {
        self.send_window(what, &|_, _| BodyWindow::WHOLE, build)
            .await
    }

    /// [`Self::send`] for a request that must not be repeated once MightyCall may have acted on it
    /// (sending an SMS): after a timeout or a 5xx it may have, so only a 429 is tried again.
    pub(crate) async fn send_unrepeated(
        &self,
        what: &'static str,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<RawResponse, MightyCallError> {
        self.send_retrying(what, &|_, _| BodyWindow::WHOLE, build, |e| {
            matches!(e, MightyCallError::RateLimited { .. })
        })
        .await
    }

    /// [`Transport::send`] keeping only the part of a successful body that `window` chooses from
    /// the answer's status and headers (error bodies are read whole).
    pub(crate) async fn send_window(
        &self,
        what: &'static str,
        window: &(dyn Fn(StatusCode, &HeaderMap) -> BodyWindow + Sync),
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<RawResponse, MightyCallError> {
        self.send_retrying(what, window, build, |_| true).await
    }

    async fn send_retrying(
        &self,
        what: &'static str,
        window: &(dyn Fn(StatusCode, &HeaderMap) -> BodyWindow + Sync),
        build: impl Fn() -> reqwest::RequestBuilder,
        retryable: impl Fn(&MightyCallError) -> bool,
    ) -> Result<RawResponse, MightyCallError> {
        let mut retry = 0;
        loop {
            if let Some((budget, key)) = &self.budget {
                budget.acquire(key).await?;
            }
            let (error, retry_after) = match self.attempt(build(), window).await {
                Attempt::Done(response) => {
                    tracing::debug!(
                        what,
                        status = response.status.as_u16(),
                        retry,
                        "MightyCall answered"
                    );
                    return Ok(response);
                }
                Attempt::Retry { error, retry_after } => (error, retry_after),
            };
            let too_long = retry_after.is_some_and(|after| after > self.retry.max_retry_after);
            if retry >= self.retry.max_retries || too_long || !retryable(&error) {
                tracing::warn!(
                    what,
                    retry,
                    code = error.code(),
                    "MightyCall request failed"
                );
                return Err(error);
            }
            let delay = backoff(&self.retry, retry, retry_after);
            tracing::info!(
                what,
                retry,
                delay_ms = delay.as_millis(),
                code = error.code(),
                "retrying MightyCall request"
            );
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    async fn attempt(
        &self,
        request: reqwest::RequestBuilder,
        window: &(dyn Fn(StatusCode, &HeaderMap) -> BodyWindow + Sync),
    ) -> Attempt {
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return transport_failure(e),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let header_retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after_header(v, Utc::now()));
        // Error bodies are small and read whole (a 429 names its wait there).
        let window = if status.is_success() {
            window(status, &headers)
        } else {
            BodyWindow::WHOLE
        };
        let (body, read, complete) = match read_window(response, window).await {
            Ok(read) => read,
            Err(e) => return transport_failure(e),
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = header_retry_after.or_else(|| {
                ErrorBody::parse(&body)
                    .message
                    .and_then(|m| parse_retry_after_message(&m, Utc::now()))
            });
            return Attempt::Retry {
                error: MightyCallError::RateLimited { retry_after },
                retry_after,
            };
        }
        if status.is_server_error() {
            return Attempt::Retry {
                error: MightyCallError::Upstream {
                    status: status.as_u16(),
                },
                retry_after: None,
            };
        }
        Attempt::Done(RawResponse {
            status,
            headers,
            body,
            read,
            complete,
        })
    }
}

/// Reads `response`'s body chunk by chunk, keeping `window` of it: (kept bytes, bytes read,
/// whether the body ended within the limit).
async fn read_window(
    mut response: reqwest::Response,
    window: BodyWindow,
) -> Result<(Bytes, u64, bool), reqwest::Error> {
    if window == BodyWindow::WHOLE {
        let body = response.bytes().await?;
        let read = u64::try_from(body.len()).unwrap_or(u64::MAX);
        return Ok((body, read, true));
    }
    let end = window.skip.saturating_add(window.take);
    let mut kept = bytes::BytesMut::new();
    let mut read: u64 = 0;
    while read < window.limit {
        let Some(chunk) = response.chunk().await? else {
            return Ok((kept.freeze(), read, true));
        };
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        let (from, to) = (window.skip.max(read), end.min(read.saturating_add(len)));
        if from < to {
            // Both lie within this chunk, so they fit its usize length.
            let at = |offset: u64| usize::try_from(offset - read).unwrap_or(chunk.len());
            kept.extend_from_slice(chunk.get(at(from)..at(to)).unwrap_or_default());
        }
        read = read.saturating_add(len);
    }
    Ok((kept.freeze(), read, false))
}

/// Timeouts and connection failures (refused, reset) are retried; the error text never includes
/// the URL.
fn transport_failure(e: reqwest::Error) -> Attempt {
    let error = if e.is_timeout() {
        MightyCallError::Timeout
    } else {
        MightyCallError::Network {
            reason: error_chain(&e.without_url()),
        }
    };
    Attempt::Retry {
        error,
        retry_after: None,
    }
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The three error shapes: older endpoints `{"message","modelState"}`, journal/contacts
/// `{"errorCode","message","data"}`, token endpoint `{"error"}`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    message: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    error_code: Option<String>,
    model_state: Option<BTreeMap<String, Vec<String>>>,
}

impl ErrorBody {
    fn parse(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }

    fn details(&self) -> String {
        let mut parts: Vec<String> = [
            &self.error_code,
            &self.error,
            &self.message,
            &self.error_description,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        for (field, messages) in self.model_state.iter().flatten() {
            parts.push(format!("{field}: {}", messages.join("; ")));
        }
        let text = if parts.is_empty() {
            "no details".to_owned()
        } else {
            parts.join(" | ")
        };
        text.chars().take(500).collect()
    }
}

/// Maps a non-2xx, non-retried answer. "Not found" on `/calls/{id}` and friends is HTTP 400 with
/// `{"message":"… not found"}`, not 404.
pub(crate) fn error_for(status: StatusCode, body: &[u8]) -> MightyCallError {
    let parsed = ErrorBody::parse(body);
    let details = parsed.details();
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            MightyCallError::Unauthorized { reason: details }
        }
        StatusCode::NOT_FOUND => MightyCallError::NotFound { message: details },
        StatusCode::BAD_REQUEST => {
            let not_found = parsed.message.as_deref().is_some_and(|m| {
                m.trim_end_matches('.')
                    .to_ascii_lowercase()
                    .ends_with("not found")
            });
            let auth = matches!(
                parsed.error.as_deref(),
                Some("invalid_client" | "invalid_grant" | "unauthorized_client")
            );
            if auth {
                MightyCallError::Unauthorized { reason: details }
            } else if not_found {
                MightyCallError::NotFound { message: details }
            } else {
                MightyCallError::BadRequest { details }
            }
        }
        other => MightyCallError::Upstream {
            status: other.as_u16(),
        },
    }
}
