use std::error::Error;

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::openapi::ErrorReply;
use crate::request_id::RequestId;

/// Every failure a handler can answer with. Expected failures are responses, never `Err` out of the
/// Lambda (API Gateway would show a bare 500). `Internal` carries its cause for the log only.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 401 with the authenticator's code (`missing_token`, `token_expired`, `invalid_token`).
    #[error("a valid bearer token is required")]
    Unauthenticated(&'static str),
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("{message}")]
    TooManyRequests { code: &'static str, message: String },
    /// 416 for a `Range` outside the file; the file's size (when known) goes into `Content-Range`.
    #[error("the requested range lies outside the file")]
    RangeNotSatisfiable { size: Option<u64> },
    #[error("{0} is unavailable, retry later")]
    Unavailable(&'static str),
    /// 503 for an upstream service's failure that needs its own words (e.g. whether to retry).
    #[error("{message}")]
    UpstreamFailed { code: &'static str, message: String },
    #[error("internal error")]
    Internal(#[source] Box<dyn Error + Send + Sync>),
}

impl ApiError {
    /// An unexpected failure: `cause` (with its own causes) is logged when the response is
    /// rendered, and never sent.
    pub fn internal(cause: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Self::Internal(cause.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::Unavailable(_) | Self::UpstreamFailed { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unprocessable { code, .. }
            | Self::TooManyRequests { code, .. }
            | Self::UpstreamFailed { code, .. } => code,
            Self::Unauthenticated(code) => code,
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::NotFound(_) => "not_found",
            Self::RangeNotSatisfiable { .. } => "range_not_satisfiable",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

/// The one place where database refusals become answers. Constraint names stay in the log: they
/// describe the schema, not the request.
impl From<store::StoreError> for ApiError {
    fn from(err: store::StoreError) -> Self {
        use store::{DataRule, StoreError as E};
        match err {
            E::Unavailable(_) => Self::Unavailable("the database"),
            E::Rule(DataRule::OrgKeepsAnAdmin) => Self::Conflict {
                code: "last_org_admin",
                message: "an organisation must keep at least one org admin".into(),
            },
            E::Rule(DataRule::ExtensionTaken) => Self::Conflict {
                code: "extension_taken",
                message: "another member of this organisation has this extension".into(),
            },
            E::Conflict(constraint) => {
                tracing::info!(%constraint, "refused as a duplicate");
                Self::Conflict {
                    code: "conflict",
                    message: "this already exists".into(),
                }
            }
            E::Denied => Self::Forbidden {
                code: "forbidden",
                message: "you do not have access to this resource".into(),
            },
            E::Invalid(constraint) => {
                tracing::info!(%constraint, "refused by a data rule");
                Self::Unprocessable {
                    code: "invalid",
                    message: "the request was rejected by a data rule".into(),
                }
            }
            E::BadValue(_) => Self::BadRequest {
                code: "invalid_value",
                message: "a value in the request is malformed or out of range".into(),
            },
            other => Self::internal(other),
        }
    }
}

/// Secrets that cannot be loaded or lack a value at request time; the message names the setting,
/// never its value, and goes to the log only.
impl From<settings::SettingsError> for ApiError {
    fn from(err: settings::SettingsError) -> Self {
        Self::internal(err)
    }
}

impl From<domain::WindowError> for ApiError {
    fn from(err: domain::WindowError) -> Self {
        Self::BadRequest {
            code: err.code(),
            message: err.to_string(),
        }
    }
}

/// What an error response carries until [`render_errors`] turns it into JSON with the request id.
#[derive(Clone, Debug)]
struct ErrorMark {
    code: &'static str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(error = %error_chain(cause.as_ref()), "internal error");
        }
        let message = self.to_string();
        let mut response = self.status().into_response();
        if let Self::RangeNotSatisfiable { size: Some(size) } = self
            && let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}"))
        {
            response.headers_mut().insert(header::CONTENT_RANGE, value);
        }
        response.extensions_mut().insert(ErrorMark {
            code: self.code(),
            message,
        });
        response
    }
}

/// `err` and its causes, outermost first, joined by `: `. A cause whose text its parent already
/// ends with (many errors print their source) is not repeated.
fn error_chain(err: &(dyn Error + 'static)) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !chain.ends_with(&text) {
            chain.push_str(": ");
            chain.push_str(&text);
        }
        source = cause.source();
    }
    chain
}

/// The single place where failures become JSON: our own [`ApiError`]s, and the plain-text errors of
/// axum and tower (unknown route, wrong method, body too large, timeout, bad JSON) so that a client
/// never sees a non-JSON error.
pub(crate) async fn render_errors(request: Request, next: Next) -> Response {
    let request_id = RequestId::text_of(&request);
    let response = next.run(request).await;
    let status = response.status();
    let mark = response.extensions().get::<ErrorMark>().cloned();
    let mark = match mark {
        Some(mark) => mark,
        None if status.is_client_error() || status.is_server_error() => {
            if is_json(&response) {
                return response;
            }
            generic_mark(status)
        }
        None => return response,
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = ErrorReply {
        error: mark.code.to_owned(),
        message: mark.message,
        request_id,
    };
    (parts, Json(body)).into_response()
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn generic_mark(status: StatusCode) -> ErrorMark {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "method not allowed on this route")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "send the body as application/json",
        ),
        StatusCode::GATEWAY_TIMEOUT => ("timeout", "the request took too long; retry later"),
        StatusCode::UNPROCESSABLE_ENTITY => {
            ("invalid_body", "the request body has the wrong shape")
        }
        s if s.is_client_error() => ("bad_request", "the request is malformed"),
        StatusCode::SERVICE_UNAVAILABLE => {
            ("unavailable", "the service is unavailable, retry later")
        }
        _ => ("internal", "internal error"),
    };
    ErrorMark {
        code,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io;
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("sealing the credentials failed")]
    struct Sealing(#[source] io::Error);

    /// Log lines written while the test runs.
    #[derive(Clone, Default)]
    struct Logs(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Logs {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Logs {
        type Writer = Self;

        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

    /// Prints its cause, as many errors do.
    #[derive(Debug, thiserror::Error)]
    #[error("saving the integration failed: {0}")]
    struct Saving(#[source] Sealing);

    #[test]
    fn the_chain_names_every_cause_once() {
        let err = Saving(Sealing(io::Error::other("key k1 is not in the keyring")));
        assert_eq!(
            error_chain(&err),
            "saving the integration failed: sealing the credentials failed: key k1 is not in the keyring"
        );
    }

    #[test]
    fn known_rules_answer_their_own_code_and_no_constraint_name_is_sent() {
        use store::{DataRule, StoreError};
        let last_admin = ApiError::from(StoreError::Rule(DataRule::OrgKeepsAnAdmin));
        assert_eq!(
            (last_admin.status(), last_admin.code()),
            (StatusCode::CONFLICT, "last_org_admin")
        );
        let invalid = ApiError::from(StoreError::Invalid("profiles_full_name_clean".into()));
        assert_eq!(
            (invalid.status(), invalid.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        );
        let conflict = ApiError::from(StoreError::Conflict("organizations_pkey".into()));
        assert_eq!(
            (conflict.status(), conflict.code()),
            (StatusCode::CONFLICT, "conflict")
        );
        let taken = ApiError::from(StoreError::Rule(DataRule::ExtensionTaken));
        assert_eq!(
            (taken.status(), taken.code()),
            (StatusCode::CONFLICT, "extension_taken")
        );
        for sent in [last_admin, invalid, conflict, taken].map(|e| e.to_string()) {
            assert!(!sent.contains('_'), "{sent}");
        }
    }

    #[tokio::test]
    async fn an_internal_error_logs_its_causes_and_answers_without_them() {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let routes = Router::new().route(
            "/boom",
            get(|| async {
                let cause = Sealing(io::Error::other("key k1 is not in the keyring"));
                Err::<(), _>(ApiError::internal(cause))
            }),
        );
        let app = crate::app(&crate::AppConfig::new("test", "0"), routes.into());

        let request = Request::get("/boom").body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();

        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"], "internal");
        assert_eq!(body["message"], "internal error");
        let sent = body.to_string();
        assert!(!sent.contains("sealing") && !sent.contains("k1"), "{sent}");
        let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        assert!(
            logged.contains("sealing the credentials failed: key k1 is not in the keyring"),
            "{logged}"
        );
    }
}
