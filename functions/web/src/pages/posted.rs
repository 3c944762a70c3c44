//! A form's answer when it worked: see the page again (Post/Redirect/Get).

use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::Response;

use crate::org_page::Reseal;

/// 303 to `location`, with the session cookie sealed again when its tokens were refreshed.
pub fn see_other(renewed: Option<String>, location: String) -> Response {
    Reseal(renewed).apply((StatusCode::SEE_OTHER, [(LOCATION, location)]))
}
