use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{
    AdminState, audit_log, integrations, members, platform_account, platform_orgs, webhook_token,
};

fn config() -> web::AppConfig {
    web::AppConfig::new("admin-integrations", env!("CARGO_PKG_VERSION"))
}

fn routes() -> OpenApiRouter<AdminState> {
    OpenApiRouter::new()
        .routes(routes!(integrations::list, integrations::save))
        .routes(routes!(integrations::update, integrations::remove))
        .routes(routes!(webhook_token::generate))
        .routes(routes!(members::list))
        .routes(routes!(
            members::change_role,
            members::set_extension,
            members::remove
        ))
        .routes(routes!(members::invite))
        .routes(routes!(audit_log::list))
        .routes(routes!(platform_account::bind, platform_account::unbind))
        .routes(routes!(platform_orgs::list, platform_orgs::create))
}

pub fn router(state: AdminState) -> Router {
    web::app(&config(), routes().with_state(state))
}

/// This function's part of the API document.
pub fn openapi() -> OpenApi {
    web::document(&config(), routes().into_openapi())
}
