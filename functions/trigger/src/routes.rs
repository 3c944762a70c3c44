use axum::Router;
use axum::routing::post;

use crate::{TriggerState, service, webhook};

pub fn router(state: TriggerState) -> Router {
    let routes = Router::new()
        .route("/api/trigger", post(service::trigger))
        .route(
            "/api/webhooks/mightycall/{org_id}/{token}",
            post(webhook::receive),
        )
        .with_state(state);
    web::app(
        &web::AppConfig::new("trigger", env!("CARGO_PKG_VERSION")),
        routes,
    )
}
