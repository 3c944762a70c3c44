//! JSON bodies read from raw bytes: the signature covers the exact bytes, so both routes take the
//! body as `Bytes` and parse it only after the caller is known.

use serde::de::DeserializeOwned;
use web::ApiError;

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::BadRequest {
            code: "invalid_body",
            // serde's text can quote the offending value; a webhook's could be its api key.
            message: format!(
                "the request body does not have the expected fields and types (line {}, column {})",
                e.line(),
                e.column()
            ),
        },
        _ => ApiError::BadRequest {
            code: "invalid_json",
            message: "the request body is not valid JSON".into(),
        },
    })
}
