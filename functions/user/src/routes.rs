use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{onboarding, profile, settings};

fn config() -> web::AppConfig {
    web::AppConfig::new("user", env!("CARGO_PKG_VERSION"))
}

fn routes() -> OpenApiRouter<web::Core> {
    OpenApiRouter::new()
        .routes(routes!(profile::get_profile))
        .routes(routes!(profile::list_orgs))
        .routes(routes!(onboarding::onboard))
        .routes(routes!(settings::get, settings::update))
}

pub fn router(core: web::Core) -> Router {
    web::app(&config(), routes().with_state(core))
}

/// This function's part of the API document.
pub fn openapi() -> OpenApi {
    web::document(&config(), routes().into_openapi())
}
