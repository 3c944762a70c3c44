use axum::Router;
use axum::routing::{get, post};

use crate::{onboarding, profile};

pub fn router(core: web::Core) -> Router {
    let routes = Router::new()
        .route("/api/user/profile", get(profile::get_profile))
        .route("/api/user/orgs", get(profile::list_orgs))
        .route("/api/user/onboard", post(onboarding::onboard))
        .with_state(core);
    web::app(
        &web::AppConfig::new("user", env!("CARGO_PKG_VERSION")),
        routes,
    )
}
