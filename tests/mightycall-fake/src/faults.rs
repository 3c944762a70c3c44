//! Faults a test (or a run of the binary) can inject.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with a `Retry-After` header and MightyCall's documented body
    /// `"Too many requests. Retry after <UTC> UTC"`.
    RateLimited { retry_after: Duration },
    /// A 5xx answer with an HTML-ish body, as a gateway would send.
    ServerError { status: u16 },
    /// Wait before answering normally (trips client timeouts).
    Slow { delay: Duration },
    /// Answer 200 with a truncated JSON body.
    MalformedJson,
    /// Answer normally, but with `data.<field>` null (`"phoneNumbers": null` has been seen from
    /// `/phonenumbers`).
    NullField { field: &'static str },
    /// Expire the presented bearer token just before handling (token expiry mid-sync).
    ExpireToken,
}

/// A fault applied to matching requests: optionally only on paths containing `path_contains`,
/// after letting `skip` matching requests through, `times` times (`None`: forever).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub fault: Fault,
    pub path_contains: Option<String>,
    pub skip: u32,
    pub times: Option<u32>,
}

impl FaultRule {
    /// Once, on the next request.
    pub fn once(fault: Fault) -> Self {
        Self {
            fault,
            path_contains: None,
            skip: 0,
            times: Some(1),
        }
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    pub fn on_path(mut self, fragment: &str) -> Self {
        self.path_contains = Some(fragment.to_owned());
        self
    }

    pub fn after(mut self, requests: u32) -> Self {
        self.skip = requests;
        self
    }

    /// Whether this rule fires for `path`, consuming one use if so.
    pub(crate) fn fire(&mut self, path: &str) -> bool {
        if self
            .path_contains
            .as_deref()
            .is_some_and(|p| !path.contains(p))
            || self.times == Some(0)
        {
            return false;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        if let Some(times) = &mut self.times {
            *times -= 1;
        }
        true
    }
}
