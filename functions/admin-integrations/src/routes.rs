use axum::Router;
use axum::routing::{get, patch, post, put};

use crate::{AdminState, audit_log, integrations, members, platform_account, webhook_token};

pub fn router(state: AdminState) -> Router {
    let routes = Router::new()
        .route(
            "/api/admin/orgs/{org_id}/integrations",
            get(integrations::list).post(integrations::save),
        )
        .route(
            "/api/admin/orgs/{org_id}/integrations/{provider}",
            patch(integrations::update).delete(integrations::remove),
        )
        .route(
            "/api/admin/orgs/{org_id}/integrations/mightycall/webhook-token",
            post(webhook_token::generate),
        )
        .route("/api/admin/orgs/{org_id}/members", get(members::list))
        .route(
            "/api/admin/orgs/{org_id}/members/{user_id}",
            patch(members::change_role).delete(members::remove),
        )
        .route("/api/admin/orgs/{org_id}/invites", post(members::invite))
        .route("/api/admin/orgs/{org_id}/audit", get(audit_log::list))
        .route(
            "/api/admin/orgs/{org_id}/platform-account",
            put(platform_account::bind).delete(platform_account::unbind),
        )
        .with_state(state);
    web::app(
        &web::AppConfig::new("admin-integrations", env!("CARGO_PKG_VERSION")),
        routes,
    )
}
