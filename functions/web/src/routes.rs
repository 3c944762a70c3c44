use axum::routing::{get, post};
use axum::{Router, middleware};

use crate::WebState;
use crate::errors::{PageError, render_error_pages};
use crate::headers::security_headers;
use crate::pages::{assets, calls, dashboard, directory, home, reports, second_factor, sign_in};

fn config() -> web::AppConfig {
    web::AppConfig::new("web", env!("CARGO_PKG_VERSION"))
}

async fn not_found() -> PageError {
    PageError::shown(axum::http::StatusCode::NOT_FOUND, "There is no such page.")
}

pub fn router(state: WebState) -> Router {
    let pages = Router::new()
        .route("/", get(home::home))
        .route("/login", get(sign_in::show).post(sign_in::password))
        .route("/login/link", post(sign_in::link))
        .route(
            "/login/code",
            get(second_factor::show).post(second_factor::verify),
        )
        .route("/auth/confirm", get(sign_in::confirm))
        .route("/logout", post(sign_in::sign_out))
        .route("/orgs/{org_id}/dashboard", get(dashboard::dashboard))
        .route("/orgs/{org_id}/calls", get(calls::calls))
        .route("/orgs/{org_id}/reports", get(reports::reports))
        .route("/orgs/{org_id}/contacts", get(directory::contacts))
        .route("/orgs/{org_id}/numbers", get(directory::numbers))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/app.js", get(assets::js))
        .fallback(not_found)
        .with_state(state);
    web::hardened(pages, &config())
        .layer(middleware::from_fn(render_error_pages))
        .layer(middleware::from_fn(web::assign_request_id))
        .layer(middleware::from_fn(security_headers))
}
