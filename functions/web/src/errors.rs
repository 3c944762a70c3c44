//! Failures as pages: a readable message with the request id, never JSON and never a stack. The
//! one place a page's failure becomes HTML ([`render_error_pages`]), for our own errors and for
//! axum's and tower's (unknown path, body too large, timeout, panic).

use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use web::{ApiError, RequestId};

use crate::pages::layout;
use crate::session::{SESSION, set_cookie};

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// No session, or an ended or unreadable one: sign in (again).
    SignIn,
    /// A page saying what went wrong.
    Shown { status: StatusCode, message: String },
}

impl PageError {
    pub fn shown(status: StatusCode, message: impl Into<String>) -> Self {
        Self::Shown {
            status,
            message: message.into(),
        }
    }
}

/// The message of an error page, until [`render_error_pages`] draws it with the request id.
#[derive(Clone)]
struct ErrorPage(String);

impl From<ApiError> for PageError {
    fn from(err: ApiError) -> Self {
        let status = err.status();
        match status {
            StatusCode::UNAUTHORIZED => Self::SignIn,
            // Another org's page looks like a page that does not exist.
            StatusCode::NOT_FOUND => Self::shown(status, "There is no such page."),
            s if s.is_server_error() => {
                if let ApiError::Internal(cause) = &err {
                    tracing::error!(error = %cause, "page failed");
                }
                Self::shown(
                    status,
                    "Something went wrong on our side. Try again in a moment.",
                )
            }
            _ => Self::shown(status, err.to_string()),
        }
    }
}

impl From<store::StoreError> for PageError {
    fn from(err: store::StoreError) -> Self {
        ApiError::from(err).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn => {
                let mut response = StatusCode::SEE_OTHER.into_response();
                let headers = response.headers_mut();
                headers.insert(LOCATION, HeaderValue::from_static("/login"));
                if let Ok(value) = HeaderValue::from_str(&set_cookie(SESSION, None)) {
                    headers.insert(SET_COOKIE, value);
                }
                response
            }
            Self::Shown { status, message } => {
                let mut response = status.into_response();
                response.extensions_mut().insert(ErrorPage(message));
                response
            }
        }
    }
}

fn generic_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "There is no such page.",
        StatusCode::METHOD_NOT_ALLOWED => "That is not something this page does.",
        StatusCode::PAYLOAD_TOO_LARGE => "What you sent is too large.",
        StatusCode::GATEWAY_TIMEOUT => "That took too long. Try again in a moment.",
        s if s.is_client_error() => "That request could not be understood.",
        _ => "Something went wrong on our side. Try again in a moment.",
    }
}

/// Every error response becomes an HTML page carrying the request id.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let request_id = RequestId::text_of(&request);
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let message = match response.extensions().get::<ErrorPage>() {
        Some(ErrorPage(message)) => message.clone(),
        None if is_html(&response) => return response,
        None => generic_message(status).to_owned(),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let page = layout::error_page(status, &message, &request_id);
    (parts, page).into_response()
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}
