//! Extractors whose rejections are our JSON errors with a useful message (axum's own answer in
//! plain text).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON body. Unknown fields are refused where the type says `deny_unknown_fields`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(ApiError::BadRequest {
                code: "invalid_json",
                message: "the request body is not valid JSON".into(),
            }),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::BadRequest {
                code: "invalid_body",
                message: e.body_text(),
            }),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::PayloadTooLarge),
            Err(other) => Err(ApiError::BadRequest {
                code: "invalid_body",
                message: other.body_text(),
            }),
        }
    }
}

/// Path parameters, parsed into domain types (`OrgId`, `UserId`…).
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Self(v))
            .map_err(|e: PathRejection| ApiError::BadRequest {
                code: "invalid_path",
                message: e.body_text(),
            })
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Self(v))
            .map_err(|e: QueryRejection| ApiError::BadRequest {
                code: "invalid_query",
                message: e.body_text(),
            })
    }
}

/// `#[serde(default, deserialize_with = "web::present")]` on an optional body field: absent is
/// `None`, an explicit `null` is refused like any other wrong type, as the documented schema (not
/// nullable) says.
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A whole number in a JSON body, however it is written: JSON Schema counts `180.0` as the integer
/// 180, so a client (or a generated one) may send it that way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[schema(value_type = i64)]
pub struct WholeNumber(pub i64);

impl<'de> serde::Deserialize<'de> for WholeNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(d)?;
        number
            .as_i64()
            .or_else(|| {
                // Exactly representable whole floats only; 2^63 and beyond do not fit an i64.
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                    .map(|f| f as i64)
            })
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("expected a whole number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "present")]
        n: Option<WholeNumber>,
    }

    fn n(json: &str) -> Result<Option<i64>, serde_json::Error> {
        serde_json::from_str::<Body>(json).map(|b| b.n.map(|w| w.0))
    }

    #[test]
    fn whole_numbers_pass_however_written_and_null_is_refused() {
        assert_eq!(n("{}").unwrap(), None);
        assert_eq!(n(r#"{"n":180}"#).unwrap(), Some(180));
        assert_eq!(n(r#"{"n":180.0}"#).unwrap(), Some(180));
        assert_eq!(n(r#"{"n":-3}"#).unwrap(), Some(-3));
        for bad in [
            r#"{"n":null}"#,
            r#"{"n":1.5}"#,
            r#"{"n":"1"}"#,
            r#"{"n":1e300}"#,
        ] {
            assert!(n(bad).is_err(), "{bad}");
        }
    }
}
