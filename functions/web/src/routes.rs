use axum::routing::{get, post};
use axum::{Router, middleware};

use crate::WebState;
use crate::errors::{PageError, render_error_pages};
use crate::headers::security_headers;
use crate::pages::{
    assets, audit, call, calls, dashboard, directory, home, integration, invite, live, media,
    missed_calls, platform, playback, reports, second_factor, settings, sign_in, sms, sync, team,
};
use crate::viewer::renew_expired_session;

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
        .route("/invite/{token}", get(invite::show).post(invite::join))
        .route("/platform", get(platform::page))
        .route("/platform/orgs", post(platform::create))
        .route("/platform/orgs/{org_id}/bind", post(platform::bind))
        .route("/platform/orgs/{org_id}/unbind", post(platform::unbind))
        .route("/invite/{token}/signup", post(invite::sign_up))
        .route("/orgs/{org_id}/dashboard", get(dashboard::dashboard))
        .route("/orgs/{org_id}/calls", get(calls::calls))
        .route("/orgs/{org_id}/calls.csv", get(calls::export))
        .route("/orgs/{org_id}/calls/{id}", get(call::call))
        .route("/orgs/{org_id}/reports", get(reports::reports))
        .route("/orgs/{org_id}/reports.csv", get(reports::export))
        .route("/orgs/{org_id}/recordings", get(media::recordings))
        .route(
            "/orgs/{org_id}/recordings/{id}/audio",
            get(playback::recording),
        )
        .route("/orgs/{org_id}/voicemails", get(media::voicemails))
        .route(
            "/orgs/{org_id}/voicemails/{id}/audio",
            get(playback::voicemail),
        )
        .route("/orgs/{org_id}/sms", get(sms::sms).post(sms::send))
        .route("/orgs/{org_id}/contacts", get(directory::contacts))
        .route("/orgs/{org_id}/numbers", get(directory::numbers))
        .route(
            "/orgs/{org_id}/settings",
            get(settings::show).post(settings::save),
        )
        .route(
            "/orgs/{org_id}/integration",
            get(integration::show).post(integration::save),
        )
        .route(
            "/orgs/{org_id}/integration/schedule",
            post(integration::schedule),
        )
        .route(
            "/orgs/{org_id}/integration/webhook",
            post(integration::webhook),
        )
        .route(
            "/orgs/{org_id}/integration/delete",
            get(integration::confirm_remove).post(integration::remove),
        )
        .route("/orgs/{org_id}/team", get(team::show))
        .route("/orgs/{org_id}/team/invite", post(team::invite))
        .route("/orgs/{org_id}/team/{user_id}/role", post(team::role))
        .route(
            "/orgs/{org_id}/team/{user_id}/extension",
            post(team::extension),
        )
        .route(
            "/orgs/{org_id}/team/{user_id}/remove",
            get(team::confirm_remove).post(team::remove),
        )
        .route("/orgs/{org_id}/audit", get(audit::audit))
        .route("/orgs/{org_id}/live", get(live::live))
        .route("/orgs/{org_id}/live/roster", get(live::roster_part))
        .route(
            "/orgs/{org_id}/missed-calls",
            get(missed_calls::missed_calls),
        )
        .route(
            "/orgs/{org_id}/missed-calls/{id}/resolve",
            post(missed_calls::resolve),
        )
        .route(
            "/orgs/{org_id}/sync",
            get(sync::sync_page).post(sync::start),
        )
        .route("/orgs/{org_id}/sync/jobs", get(sync::jobs_part))
        .route(
            "/orgs/{org_id}/sync/jobs/{id}/cancel",
            get(sync::confirm_cancel).post(sync::cancel),
        )
        // Every route above may read the session; the assets below never do.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            renew_expired_session,
        ))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/app.js", get(assets::js))
        .fallback(not_found)
        .with_state(state);
    web::hardened(pages, &config())
        .layer(middleware::from_fn(render_error_pages))
        .layer(middleware::from_fn(web::assign_request_id))
        .layer(middleware::from_fn(security_headers))
}
