//! What the signed-in pages' forms share: the POST's scope (the viewer, their form token, then an org
//! admin's write scope in the path's org — another org is the 404 page, an agent or manager the
//! 403 page), the refusals an admin can act on (shown on the page with the right status), the
//! redirect after a change, and the site's origin for the links an admin passes on.

use axum::http::header::{CACHE_CONTROL, HOST, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::OrgId;
use web::{ApiError, Need, OrgScope, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::viewer::submitter;

/// An admin action the page shows again, with why it was refused.
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// What the admin can act on (bad input, a rule such as the last org admin, a limit,
    /// MightyCall refusing or unreachable) is a refusal on the page; anything else the error page.
    pub fn of(err: ApiError) -> Result<Self, PageError> {
        match err {
            e @ (ApiError::BadRequest { .. }
            | ApiError::Conflict { .. }
            | ApiError::Unprocessable { .. }
            | ApiError::TooManyRequests { .. }
            | ApiError::UpstreamFailed { .. }
            | ApiError::Unavailable("MightyCall")) => Ok(Self::new(e.status(), e.to_string())),
            e => Err(e.into()),
        }
    }
}

/// The form's token checked against the viewer's session, then their write scope as an org admin
/// of `org`.
pub async fn admin_scope(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    csrf: &str,
) -> Result<OrgScope, PageError> {
    let viewer = submitter(state, headers, request_id, csrf).await?;
    let org: OrgId = org
        .parse()
        .map_err(|_| PageError::from(ApiError::NotFound("organization")))?;
    let need = Need::Admin { write: true };
    Ok(OrgScope::open(&state.core, viewer.caller, Some(org), need).await?)
}

/// Post/Redirect/Get: the page to show after a change.
pub fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
}

/// A page holding a secret shown once (a webhook URL, an invite link): never stored by a cache.
pub fn shown_once(response: Response) -> Response {
    let mut response = response;
    response.headers_mut().insert(
        CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// `https://` and the host the request came to (API Gateway's domain, which serves the API and
/// the pages alike), when it is a plain host name (`None` otherwise: the page then shows the path).
pub fn origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then(|| format!("https://{host}"))
}
