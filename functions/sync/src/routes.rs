use axum::Router;
use axum::routing::{get, post};

use crate::{SyncState, jobs, trigger};

pub fn router(state: SyncState) -> Router {
    let routes = Router::new()
        .route("/api/mightycall/sync/jobs", get(jobs::list))
        .route("/api/mightycall/sync/jobs/{job_id}", get(jobs::get))
        .route(
            "/api/mightycall/sync/jobs/{job_id}/cancel",
            post(jobs::cancel),
        )
        .route("/api/mightycall/sync/{kind}", post(trigger::start))
        .with_state(state);
    web::app(
        &web::AppConfig::new("sync", env!("CARGO_PKG_VERSION")),
        routes,
    )
}
