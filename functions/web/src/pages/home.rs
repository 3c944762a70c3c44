//! `/`: the viewer's only org's dashboard, or the list of their orgs.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use web::{RequestId, UserScope};

use crate::WebState;
use crate::errors::PageError;
use crate::pages::layout::{self, Shell};
use crate::viewer::viewer;

pub async fn home(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
) -> Result<Response, PageError> {
    let viewer = viewer(&state, &headers, request_id).await?;
    let csrf = viewer.session.csrf.clone();
    let user = UserScope::open(&state.core, viewer.caller).await?;
    let admin = store::profiles::is_platform_admin(user.tx(), user.user_id()).await?;
    let orgs = store::orgs::orgs_for_user(user.tx(), user.user_id(), admin).await?;
    if let [only] = orgs.as_slice() {
        return Ok(Redirect::to(&format!("/orgs/{}/dashboard", only.id)).into_response());
    }
    let shell = Shell {
        orgs: &orgs,
        current: None,
        page: "",
        csrf: &csrf,
        access: None,
        platform: admin,
    };
    let content = html! {
        h1 { "Your organisations" }
        @if orgs.is_empty() {
            p.empty {
                "You are not a member of any organisation yet. Ask an admin of your organisation to invite "
                "you, or accept the invite you were sent."
            }
        } @else {
            ul.orgs {
                @for org in &orgs {
                    li { a href={ "/orgs/" (org.id) "/dashboard" } { (org.name) } " " span.muted { (org.role) } }
                }
            }
        }
    };
    Ok(layout::page("Organisations", &shell, content).into_response())
}
