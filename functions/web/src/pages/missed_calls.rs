//! `/orgs/{orgId}/missed-calls?status=open|returned|resolved`: the missed-call worklist of the
//! last 30 days (members; a scoped agent their own calls), a hundred a page with "load more",
//! through `actions::missed_calls` as the API reads it; org admins and managers resolve an open
//! item with an optional note (`POST …/missed-calls/{id}/resolve`, CSRF-checked, audited by the
//! same code as the API), after which it lists under "resolved".

use actions::missed_calls::{self, MAX_NOTE_CHARS, Worklist};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use store::missed_calls::{MissedCall, MissedStatus};
use uuid::Uuid;
use web::{ApiError, Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::format::duration;
use crate::pages::forms::see_other;
use crate::pages::layout;
use crate::viewer::submitter;

const STATUSES: [(MissedStatus, &str); 3] = [
    (MissedStatus::Open, "Open"),
    (MissedStatus::Returned, "Called back"),
    (MissedStatus::Resolved, "Resolved"),
];

#[derive(Deserialize)]
pub struct MissedQuery {
    status: Option<String>,
    cursor: Option<String>,
}

#[derive(Deserialize)]
pub struct ResolveForm {
    csrf: String,
    note: Option<String>,
}

/// A refused resolution: why, and the answer's status.
struct Refused {
    status: StatusCode,
    message: String,
}

fn status_of(asked: Option<&str>) -> Result<MissedStatus, PageError> {
    let asked = asked.filter(|a| !a.is_empty()).unwrap_or("open");
    STATUSES
        .iter()
        .map(|(status, _)| *status)
        .find(|status| status.as_str() == asked)
        .ok_or_else(|| {
            PageError::shown(
                StatusCode::BAD_REQUEST,
                "Choose open, returned or resolved.",
            )
        })
}

fn at(time: chrono::DateTime<chrono::FixedOffset>) -> Markup {
    html! { time datetime=(time.to_rfc3339()) { (time.format("%Y-%m-%d %H:%M")) } }
}

fn resolve_form(org: &str, csrf: &str, item: &MissedCall) -> Markup {
    html! {
        form.resolve method="post" action={ "/orgs/" (org) "/missed-calls/" (item.id) "/resolve" } {
            input type="hidden" name="csrf" value=(csrf);
            label for={ "note-" (item.id) } { "Note (optional)" }
            input id={ "note-" (item.id) } type="text" name="note" maxlength=(MAX_NOTE_CHARS);
            button type="submit" { "Resolve" }
        }
    }
}

fn table(org: &str, csrf: Option<&str>, status: MissedStatus, rows: &[MissedCall]) -> Markup {
    html! {
        div.table-wrap {
            table.calls {
                caption.visually-hidden { "Missed callers, latest miss first" }
                thead {
                    tr {
                        th scope="col" { "Caller" } th scope="col" { "Called" } th scope="col" { "Attempts" }
                        th scope="col" { "Last missed" } th scope="col" { "Longest wait" }
                        @match status {
                            MissedStatus::Open => { @if csrf.is_some() { th scope="col" { "Resolve" } } }
                            MissedStatus::Returned => { th scope="col" { "Called back" } }
                            MissedStatus::Resolved => { th scope="col" { "Resolved" } th scope="col" { "Note" } }
                        }
                    }
                }
                tbody {
                    @for item in rows {
                        tr data-missed=(item.id) data-status=(item.status.as_str()) {
                            td {
                                (item.caller_number)
                                @if let Some(name) = &item.caller_name { br; span.muted { (name) } }
                            }
                            td { (item.business_number.as_deref().unwrap_or("–")) }
                            td.num { (item.attempts) }
                            td { (at(item.last_at)) }
                            td.num { (duration(item.longest_wait_ms)) }
                            @match status {
                                MissedStatus::Open => { @if let Some(csrf) = csrf { td { (resolve_form(org, csrf, item)) } } }
                                MissedStatus::Returned => { td { @if let Some(t) = item.returned_at { (at(t)) } @else { "–" } } }
                                MissedStatus::Resolved => {
                                    td { @if let Some(r) = &item.resolution { (at(r.resolved_at)) } @else { "–" } }
                                    td.note { (item.resolution.as_ref().and_then(|r| r.note.as_deref()).unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn render(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    query: &MissedQuery,
    refused: Option<Refused>,
) -> Result<Response, PageError> {
    let status = status_of(query.status.as_deref())?;
    let list =
        Worklist::check(Some(status), None, None, None, query.cursor.as_deref()).map_err(|_| {
            PageError::shown(
                StatusCode::BAD_REQUEST,
                "That page link is not one this site made. Start again from the first page.",
            )
        })?;
    let page = OrgPage::open(state, headers, request_id, org, Need::Member).await?;
    let items = list.read(&page.scope).await?;
    let org = page.scope.org.to_string();
    let csrf = page.access.manages().then(|| page.csrf());
    let content = html! {
        h1 { "Missed calls" }
        p.muted { "Callers who missed the organisation in the last 30 days, one line per caller until they are called back." }
        nav.tabs aria-label="Missed calls by status" {
            @for (s, label) in STATUSES {
                a href={ "?status=" (s.as_str()) } aria-current=[(s == status).then_some("page")] { (label) }
            }
        }
        @if let Some(refused) = &refused {
            p.notice role="alert" { (refused.message) }
        }
        @if items.rows.is_empty() && query.cursor.is_none() {
            p.empty { "No " (status.as_str()) " missed calls in the last 30 days." }
        } @else {
            (table(&org, csrf, status, &items.rows))
        }
        @if let Some(cursor) = &items.next_cursor {
            p { a.more href={ "?status=" (status.as_str()) "&cursor=" (cursor) } { "Load more missed calls" } }
        }
    };
    let code = refused.map_or(StatusCode::OK, |r| r.status);
    let body = layout::page("Missed calls", &page.shell("missed-calls"), content);
    Ok(page.respond((code, body)))
}

pub async fn missed_calls(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<MissedQuery>,
) -> Result<Response, PageError> {
    render(&state, &headers, request_id, &org, &query, None).await
}

/// Resolves, then shows the resolved items (303); a refused note or an item called back in the
/// meantime shows the open list again with why.
pub async fn resolve(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, id)): Path<(String, String)>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id.clone(), &form.csrf).await?;
    let not_found = || PageError::from(ApiError::NotFound("missed_call"));
    let org_id = org.parse().map_err(|_| not_found())?;
    let id: Uuid = id.parse().map_err(|_| not_found())?;
    let resolved = match missed_calls::note(form.note.as_deref()) {
        Ok(note) => missed_calls::resolve(&state.core, viewer.caller, Some(org_id), id, note).await,
        Err(e) => Err(e),
    };
    match resolved {
        Ok(_) => Ok(see_other(format!(
            "/orgs/{org}/missed-calls?status=resolved"
        ))),
        Err(e @ (ApiError::BadRequest { .. } | ApiError::Conflict { .. })) => {
            let refused = Refused {
                status: e.status(),
                message: e.to_string(),
            };
            let open = MissedQuery {
                status: None,
                cursor: None,
            };
            render(&state, &headers, request_id, &org, &open, Some(refused)).await
        }
        Err(e) => Err(e.into()),
    }
}
