use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{TriggerState, service, webhook};

fn config() -> web::AppConfig {
    web::AppConfig::new("trigger", env!("CARGO_PKG_VERSION"))
}

fn routes() -> OpenApiRouter<TriggerState> {
    OpenApiRouter::new()
        .routes(routes!(service::trigger))
        .routes(routes!(webhook::receive))
}

pub fn router(state: TriggerState) -> Router {
    web::app(&config(), routes().with_state(state))
}

/// This function's part of the API document.
pub fn openapi() -> OpenApi {
    web::document(&config(), routes().into_openapi())
}
