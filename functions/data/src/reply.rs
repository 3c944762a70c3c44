use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A list's or report's answer: one page as its typed JSON reply `R`, or the whole range as a CSV
/// file ([`crate::export`]).
pub enum Paged<R> {
    Json(R),
    Csv(Response),
}

impl<R: Serialize> IntoResponse for Paged<R> {
    fn into_response(self) -> Response {
        match self {
            Self::Json(reply) => Json(reply).into_response(),
            Self::Csv(response) => response,
        }
    }
}
