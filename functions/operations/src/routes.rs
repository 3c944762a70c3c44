use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{OperationsState, audio, live_status, missed_calls, sms};

fn config() -> web::AppConfig {
    web::AppConfig::new("operations", env!("CARGO_PKG_VERSION"))
}

fn routes() -> OpenApiRouter<OperationsState> {
    OpenApiRouter::new()
        .routes(routes!(audio::recording))
        .routes(routes!(audio::voicemail))
        .routes(routes!(missed_calls::list))
        .routes(routes!(missed_calls::resolve))
        .routes(routes!(sms::send))
        .routes(routes!(live_status::live_status))
}

pub fn router(state: OperationsState) -> Router {
    web::app(&config(), routes().with_state(state))
}

/// This function's part of the API document.
pub fn openapi() -> OpenApi {
    web::document(&config(), routes().into_openapi())
}
