use axum::Json;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use web::ApiError;

use crate::params::Format;

/// With CSV the cursor of the next page travels in this header (the body is all rows).
const NEXT_CURSOR: HeaderName = HeaderName::from_static("x-next-cursor");

/// A page as its typed JSON reply `R`, or as CSV.
pub enum Paged<R> {
    Json(R),
    Csv(Response),
}

impl<R> Paged<R> {
    /// `rows` and the next page's cursor as `format` asks: through `reply` into JSON, or as CSV
    /// named `<name>.csv` with a header row (`blank` names the columns when there are no rows).
    pub fn new<T: Serialize>(
        format: Format,
        name: &'static str,
        rows: Vec<T>,
        next_cursor: Option<String>,
        blank: &T,
        reply: impl FnOnce(Vec<T>, Option<String>) -> R,
    ) -> Result<Self, ApiError> {
        if format == Format::Json {
            return Ok(Self::Json(reply(rows, next_cursor)));
        }
        let body = crate::csv::render(&rows, blank).map_err(ApiError::internal)?;
        let mut response = (
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!("attachment; filename=\"{name}.csv\""))
                        .map_err(ApiError::internal)?,
                ),
            ],
            body,
        )
            .into_response();
        if let Some(cursor) = next_cursor {
            // Cursors are base64url, always a valid header value.
            let value = HeaderValue::from_str(&cursor).map_err(ApiError::internal)?;
            response.headers_mut().insert(NEXT_CURSOR, value);
        }
        Ok(Self::Csv(response))
    }
}

impl<R: Serialize> IntoResponse for Paged<R> {
    fn into_response(self) -> Response {
        match self {
            Self::Json(reply) => Json(reply).into_response(),
            Self::Csv(response) => response,
        }
    }
}
