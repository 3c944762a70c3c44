use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;

/// The id a client and the logs share for one request: API Gateway's request id when the request
/// came through it (so it matches API Gateway's access logs), otherwise a fresh UUID.
#[derive(Clone, Debug)]
pub struct RequestId(String);

impl RequestId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id [`assign_request_id`] gave `request`, as text (empty outside that middleware).
    pub fn text_of(request: &Request) -> String {
        request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.as_str().to_owned())
            .unwrap_or_default()
    }

    fn of(request: &Request) -> Self {
        let from_gateway = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
            _ => None,
        };
        let id = from_gateway
            .filter(|id| !id.is_empty() && id.len() <= 128)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        Self(id)
    }
}

/// Gives the request its [`RequestId`] (an extension) and a tracing span, and echoes the id in the
/// `x-request-id` response header.
pub async fn assign_request_id(mut request: Request, next: Next) -> Response {
    let id = RequestId::of(&request);
    request.extensions_mut().insert(id.clone());
    let span = tracing::info_span!(
        "request",
        request_id = %id.as_str(),
        method = %request.method(),
        // The route template, not the raw path: a path can carry a secret (a webhook token).
        route = %request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map_or("unmatched", |p| p.as_str()),
    );
    let mut response = tracing::Instrument::instrument(next.run(request), span).await;
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Handlers that need the id without a user (service routes) take it as an argument.
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestId {
    type Rejection = crate::ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .ok_or_else(|| crate::ApiError::internal("request id middleware missing"))
    }
}
