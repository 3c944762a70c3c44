use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{SyncState, jobs, trigger};

fn config() -> web::AppConfig {
    web::AppConfig::new("sync", env!("CARGO_PKG_VERSION"))
}

fn routes() -> OpenApiRouter<SyncState> {
    OpenApiRouter::new()
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::get))
        .routes(routes!(jobs::cancel))
        .routes(routes!(trigger::start))
}

pub fn router(state: SyncState) -> Router {
    web::app(&config(), routes().with_state(state))
}

/// This function's part of the API document.
pub fn openapi() -> OpenApi {
    web::document(&config(), routes().into_openapi())
}
