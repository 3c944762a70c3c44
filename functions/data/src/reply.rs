use axum::Json;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use web::ApiError;

use crate::params::Format;

/// With CSV the cursor of the next page travels in this header (the body is all rows).
const NEXT_CURSOR: HeaderName = HeaderName::from_static("x-next-cursor");

/// A page as `{"<key>":[…],"next_cursor":…}`, or as CSV with a header row (`blank` names the columns
/// when the page is empty).
pub fn page<T: Serialize>(
    key: &'static str,
    rows: &[T],
    next_cursor: Option<String>,
    format: Format,
    blank: &T,
) -> Result<Response, ApiError> {
    if format == Format::Json {
        return Ok(Json(json!({ key: rows, "next_cursor": next_cursor })).into_response());
    }
    let body = crate::csv::render(rows, blank).map_err(ApiError::internal)?;
    let mut response = (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{key}.csv\""))
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
    Ok(response)
}
