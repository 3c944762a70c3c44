//! `/orgs/{orgId}/calls/{id}`: one call — who, when, how it ended, its agent — and its recording's
//! player when MightyCall recorded it. A call the viewer may not see (another org's, another agent's
//! under agent scoping) is the page that does not exist.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::CallDirection;
use maud::html;
use uuid::Uuid;
use web::{ApiError, Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::calls::{outcome, party};
use crate::pages::format::duration;
use crate::pages::layout;
use crate::pages::media::player;

pub async fn call(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let no_such_call = || PageError::from(ApiError::NotFound("call"));
    let id = Uuid::parse_str(&id).map_err(|_| no_such_call())?;
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let terms = page.terms().await?;
    let detail = store::reports::find_call(page.scope.tx(), page.scope.org, &terms, id)
        .await?
        .ok_or_else(no_such_call)?;
    let (call, org) = (&detail.call, page.scope.org);
    let at = call.started_at.format("%Y-%m-%d %H:%M:%S").to_string();
    let content = html! {
        p { a href={ "/orgs/" (org) "/calls" } { "← All calls" } }
        h1 { "Call of " time datetime=(call.started_at.to_rfc3339()) { (at) } }
        dl.facts {
            dt { "Direction" } dd { @if call.direction == CallDirection::Incoming { "Incoming" } @else { "Outgoing" } }
            dt { "Outcome" } dd { (outcome(call.status)) }
            dt { "From" } dd { (party(&call.caller_number, &call.caller_name)) }
            dt { "To" } dd { (party(&call.called_number, &call.called_name)) }
            dt { "Business number" } dd { (call.business_number.as_deref().unwrap_or("—")) }
            dt { "Agent" } dd { (call.agent_extension.as_deref().unwrap_or("—")) }
            dt { "Duration" } dd { (duration(call.duration_ms)) }
            dt { "Time zone" } dd { (terms.zone.name()) }
        }
        h2 { "Recording" }
        @match (call.has_recording, detail.recording) {
            (_, Some(recording)) => {
                (player(&format!("/orgs/{org}/recordings/{recording}/audio"), &format!("Recording of the call of {at}")))
            }
            (true, None) => p.empty { "MightyCall recorded this call; it can be played here after the next sync." },
            (false, None) => p.empty { "This call was not recorded." },
        }
    };
    let body = layout::page("Call", &page.shell("calls"), content);
    Ok(page.respond(body))
}
