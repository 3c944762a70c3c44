use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use web::Core;

use crate::{dashboard, lists, reports};

fn config() -> web::AppConfig {
    web::AppConfig::new("data", env!("CARGO_PKG_VERSION"))
}

fn routes() -> OpenApiRouter<Core> {
    OpenApiRouter::new()
        .routes(routes!(lists::phone_numbers))
        .routes(routes!(reports::reports))
        .routes(routes!(lists::recordings))
        .routes(routes!(lists::voicemails))
        .routes(routes!(lists::contacts))
        .routes(routes!(lists::messages))
        .routes(routes!(dashboard::metrics))
}

pub fn router(core: Core) -> Router {
    web::app(&config(), routes().with_state(core))
}

/// This function's part of the API document.
pub fn openapi() -> OpenApi {
    web::document(&config(), routes().into_openapi())
}
