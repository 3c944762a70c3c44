//! What every function's OpenAPI document shares: the error body, the error responses each kind of
//! route can give, the security schemes, and the two routes every function serves.

use std::sync::Arc;

use axum::{Extension, Json};
use serde::Serialize;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{InfoBuilder, OpenApi};
use utoipa::{IntoResponses, PartialSchema, ToSchema};

use crate::AppConfig;

/// Every error response, as `error::render_errors` writes it: a stable machine code, a message for
/// people, and the request id that the logs carry too.
#[derive(Serialize, ToSchema)]
pub struct ErrorReply {
    /// e.g. `not_found`, `invalid_query`, `org_admin_required`.
    pub error: String,
    pub message: String,
    pub request_id: String,
}

/// The errors of a route that reads (query and path parameters, no body).
#[derive(IntoResponses)]
pub enum ReadErrors {
    /// A parameter is missing, malformed or out of range.
    #[response(status = 400)]
    BadRequest(ErrorReply),
    /// No valid bearer token.
    #[response(status = 401)]
    Unauthenticated(ErrorReply),
    /// The caller's role does not allow this.
    #[response(status = 403)]
    Forbidden(ErrorReply),
    /// No such resource, or none the caller may see.
    #[response(status = 404)]
    NotFound(ErrorReply),
    /// The database or an upstream service is unavailable; retry later.
    #[response(status = 503)]
    Unavailable(ErrorReply),
    /// The request took too long; retry later.
    #[response(status = 504)]
    Timeout(ErrorReply),
}

/// The errors of a route that changes something (and may take a JSON body).
#[derive(IntoResponses)]
pub enum WriteErrors {
    #[response(status = 400)]
    BadRequest(ErrorReply),
    #[response(status = 401)]
    Unauthenticated(ErrorReply),
    #[response(status = 403)]
    Forbidden(ErrorReply),
    #[response(status = 404)]
    NotFound(ErrorReply),
    /// The change conflicts with the current state.
    #[response(status = 409)]
    Conflict(ErrorReply),
    #[response(status = 413)]
    PayloadTooLarge(ErrorReply),
    /// The body is not `application/json`.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorReply),
    /// A value breaks a rule of the data.
    #[response(status = 422)]
    Unprocessable(ErrorReply),
    /// A rate or budget limit was reached; retry later.
    #[response(status = 429)]
    TooManyRequests(ErrorReply),
    #[response(status = 503)]
    Unavailable(ErrorReply),
    #[response(status = 504)]
    Timeout(ErrorReply),
}

/// Names of the security schemes routes refer to.
pub const BEARER: &str = "bearer";
pub const SERVICE_KEY: &str = "service_key";
pub const SIGNATURE: &str = "signature";

/// A function's document: its routes, the shared routes, title, version and security schemes.
/// User routes need the bearer token unless they say otherwise.
pub fn document(config: &AppConfig, routes: OpenApi) -> OpenApi {
    let mut doc = shared_routes().merge_from(routes);
    doc.info = InfoBuilder::new()
        .title(format!("VictorySync API: {}", config.function))
        .version(config.version)
        .build();
    doc.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
    let components = doc.components.get_or_insert_with(Default::default);
    // The error responses refer to it by name; utoipa-axum collects only the schemas of bodies.
    components
        .schemas
        .insert(ErrorReply::name().into_owned(), ErrorReply::schema());
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("A Supabase Auth access token."))
                .build(),
        ),
    );
    components.add_security_scheme(
        SERVICE_KEY,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "x-service-key",
            "A service key from SERVICE_KEYS.",
        ))),
    );
    components.add_security_scheme(
        SIGNATURE,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "x-signature",
            "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">` with a service key.",
        ))),
    );
    doc
}

/// The routes every function serves, documented once.
fn shared_routes() -> OpenApi {
    let (_, doc) = utoipa_axum::router::OpenApiRouter::<()>::new()
        .routes(utoipa_axum::routes!(health))
        .routes(utoipa_axum::routes!(openapi_json))
        .split_for_parts();
    doc
}

/// What the two shared routes answer, fixed at start-up.
#[derive(Clone)]
pub(crate) struct Served {
    pub health: Health,
    pub document: Arc<OpenApi>,
}

#[derive(Clone, Serialize, ToSchema)]
pub(crate) struct Health {
    /// Always `ok` when the function answers.
    #[schema(example = "ok")]
    pub status: &'static str,
    pub function: &'static str,
    pub version: &'static str,
}

/// Liveness: the function answers and which build it is. No token needed.
#[utoipa::path(get, path = "/api/health", tag = "meta", security(()),
    responses((status = 200, body = Health)))]
pub(crate) async fn health(Extension(served): Extension<Served>) -> Json<Health> {
    Json(served.health)
}

/// This function's OpenAPI 3.1 document. No token needed.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "An OpenAPI 3.1 document", content_type = "application/json")))]
pub(crate) async fn openapi_json(Extension(served): Extension<Served>) -> Json<Arc<OpenApi>> {
    Json(served.document)
}
