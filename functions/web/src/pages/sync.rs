//! `/orgs/{orgId}/sync`: the org's sync jobs with their status and progress (members), refreshed
//! every few seconds from `/orgs/{orgId}/sync/jobs` (an HTML fragment swapped in by assets/app.js;
//! without JavaScript the page is read as loaded). Org admins and managers start a sync of one
//! resource, org admins cancel an active job after a confirmation page — both through
//! `actions::sync`, the code of the API's `POST /api/mightycall/sync/{kind}` and `…/cancel`.

use actions::sync::{self, SyncAsked};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::{OrgId, PageLimit, Resource, SyncKind, TimeZone};
use maud::{Markup, html};
use serde::Deserialize;
use store::page::TimeKey;
use store::sync_jobs::{self, Job, JobQuery};
use uuid::Uuid;
use web::paging::{decode_cursor, next_cursor};
use web::{ApiError, Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::forms::see_other;
use crate::pages::layout;
use crate::viewer::submitter;

const CURSOR_SCOPE: &str = "page-sync-jobs";
/// Seconds between two fetches of the jobs.
const REFRESH_SECONDS: u32 = 3;

/// What the start form offers, as the API's `{kind}` names it.
const KINDS: [(&str, &str); 7] = [
    ("reports", "Calls"),
    ("recordings", "Recordings"),
    ("voicemails", "Voicemails"),
    ("sms", "SMS messages"),
    ("contacts", "Contacts"),
    ("phone-numbers", "Phone numbers"),
    ("all", "Everything"),
];

#[derive(Deserialize)]
pub struct JobsQuery {
    cursor: Option<String>,
}

#[derive(Deserialize)]
pub struct StartForm {
    csrf: String,
    kind: String,
}

#[derive(Deserialize)]
pub struct CancelForm {
    csrf: String,
}

fn resource_label(resource: Resource) -> &'static str {
    match resource {
        Resource::PhoneNumbers => "Phone numbers",
        Resource::Calls => "Calls",
        Resource::Recordings => "Recordings",
        Resource::Sms => "SMS messages",
        Resource::Voicemails => "Voicemails",
        Resource::Contacts => "Contacts",
    }
}

fn at(zone: TimeZone, time: Option<chrono::DateTime<chrono::Utc>>) -> Markup {
    match time.map(|t| zone.local(t)) {
        Some(t) => html! { time datetime=(t.to_rfc3339()) { (t.format("%Y-%m-%d %H:%M:%S")) } },
        None => html! { "–" },
    }
}

/// The jobs' table (what the polling swaps in); `cancel` shows org admins a cancel link on active
/// jobs.
fn jobs_table(org: OrgId, zone: TimeZone, jobs: &[Job], cancel: bool) -> Markup {
    html! {
        @if jobs.is_empty() {
            p.empty { "No syncs yet." }
        } @else {
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { "Sync jobs, newest first" }
                    thead {
                        tr {
                            th scope="col" { "Data" } th scope="col" { "Status" } th scope="col" { "Progress" }
                            th scope="col" { "Requested" } th scope="col" { "Finished" } th scope="col" { "Trigger" }
                            @if cancel { th scope="col" { "Cancel" } }
                        }
                    }
                    tbody {
                        @for job in jobs {
                            tr data-job=(job.id) data-status=(job.status.as_str()) {
                                td { (resource_label(job.resource)) }
                                td.status {
                                    (job.status.as_str())
                                    @if let Some(message) = &job.error_message { br; span.error { (message) } }
                                }
                                td { (job.pages) " pages · " (job.records_upserted) " saved of " (job.records_fetched) " fetched" }
                                td { (at(zone, Some(job.created_at))) }
                                td { (at(zone, job.finished_at)) }
                                td { (job.trigger.as_str()) }
                                @if cancel {
                                    td {
                                        @if job.status.is_active() {
                                            a href={ "/orgs/" (org) "/sync/jobs/" (job.id) "/cancel" } { "Cancel" span.visually-hidden { " the " (resource_label(job.resource)) " sync" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The org's jobs of a page as the viewer may see them, the next page's cursor and the org's zone.
async fn jobs(
    page: &OrgPage,
    cursor: Option<&str>,
) -> Result<(Vec<Job>, Option<String>, TimeZone), PageError> {
    let after: Option<TimeKey> = decode_cursor(CURSOR_SCOPE, cursor).map_err(|_| {
        PageError::shown(
            StatusCode::BAD_REQUEST,
            "That page link is not one this site made. Start again from the first page.",
        )
    })?;
    let zone = page.terms().await?.zone;
    let listed = sync_jobs::list_jobs(
        page.scope.tx(),
        &JobQuery {
            org: Some(page.scope.org),
            status: None,
            limit: PageLimit::JOBS,
            after,
        },
    )
    .await?;
    let more = next_cursor(CURSOR_SCOPE, &listed);
    Ok((listed.rows, more, zone))
}

fn start_form(org: OrgId, csrf: &str) -> Markup {
    html! {
        section aria-labelledby="start" {
            h2 #start { "Start a sync" }
            form.filters method="post" action={ "/orgs/" (org) "/sync" } {
                input type="hidden" name="csrf" value=(csrf);
                div.field {
                    label for="sync-kind" { "Data" }
                    select #sync-kind name="kind" {
                        @for (kind, label) in KINDS { option value=(kind) { (label) } }
                    }
                }
                button type="submit" { "Start sync" }
            }
        }
    }
}

async fn render(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    cursor: Option<&str>,
    refused: Option<ApiError>,
) -> Result<Response, PageError> {
    let page = OrgPage::open(state, headers, request_id, org, Need::Member).await?;
    let (rows, more, zone) = jobs(&page, cursor).await?;
    let org = page.scope.org;
    let cancel = page.access.is_admin();
    let content = html! {
        h1 { "Sync" }
        p.muted { "Copies of the organisation's MightyCall data: each sync fetches what changed since the last one." }
        @if let Some(refused) = &refused {
            p.notice role="alert" { (refused.to_string()) }
        }
        @if page.access.manages() { (start_form(org, page.csrf())) }
        h2 { "Jobs" }
        @if cursor.is_none() {
            div #jobs data-poll={ "/orgs/" (org) "/sync/jobs" } data-every=(REFRESH_SECONDS) {
                (jobs_table(org, zone, &rows, cancel))
            }
        } @else {
            (jobs_table(org, zone, &rows, cancel))
        }
        @if let Some(cursor) = more {
            p { a.more href={ "?cursor=" (cursor) } { "Load more jobs" } }
        }
    };
    let status = refused.map_or(StatusCode::OK, |e| e.status());
    let body = layout::page("Sync", &page.shell("sync"), content);
    Ok(page.respond((status, body)))
}

pub async fn sync_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<JobsQuery>,
) -> Result<Response, PageError> {
    render(
        &state,
        &headers,
        request_id,
        &org,
        query.cursor.as_deref(),
        None,
    )
    .await
}

/// The first page of jobs alone, for the page's polling.
pub async fn jobs_part(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let (rows, _, zone) = jobs(&page, None).await?;
    let part = jobs_table(page.scope.org, zone, &rows, page.access.is_admin());
    Ok(page.respond(part))
}

fn not_found(what: &'static str) -> impl Fn() -> PageError {
    move || PageError::from(ApiError::NotFound(what))
}

/// Starts a sync of the chosen data, then shows the jobs (303); a refusal the viewer can act on
/// (no integration, the sync service unavailable) shows the page again with why.
pub async fn start(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id.clone(), &form.csrf).await?;
    let org_id: OrgId = org.parse().map_err(|_| not_found("organization")())?;
    let kind: SyncKind = form.kind.parse().map_err(|_| {
        PageError::shown(
            StatusCode::BAD_REQUEST,
            "Choose one of the kinds of data the form offers.",
        )
    })?;
    let asked = SyncAsked {
        kind,
        org: Some(org_id),
        start_date: None,
        end_date: None,
    };
    match sync::start(&state.syncs, viewer.caller, &asked).await {
        Ok(_) => Ok(see_other(format!("/orgs/{org}/sync"))),
        Err(
            e @ (ApiError::Conflict { .. }
            | ApiError::Unprocessable { .. }
            | ApiError::TooManyRequests { .. }
            | ApiError::Unavailable(_)),
        ) => render(&state, &headers, request_id, &org, None, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}

/// "Are you sure?" before a job is cancelled (org admins).
pub async fn confirm_cancel(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::open(
        &state,
        &headers,
        request_id,
        &org,
        Need::Admin { write: true },
    )
    .await?;
    let id: Uuid = id.parse().map_err(|_| not_found("job")())?;
    let job = sync_jobs::get_job(page.scope.tx(), id)
        .await?
        .filter(|job| job.org_id == page.scope.org)
        .ok_or_else(not_found("job"))?;
    let zone = page.terms().await?.zone;
    let back = format!("/orgs/{}/sync", page.scope.org);
    let content = html! {
        h1 { "Cancel this sync?" }
        dl.facts {
            dt { "Data" } dd { (resource_label(job.resource)) }
            dt { "Status" } dd { (job.status.as_str()) }
            dt { "Requested" } dd { (at(zone, Some(job.created_at))) }
            dt { "Progress" } dd { (job.pages) " pages · " (job.records_upserted) " saved" }
        }
        @if job.status.is_active() {
            p { "The sync stops after the page it is fetching; what it saved so far stays." }
            form.stack method="post" action={ (back) "/jobs/" (job.id) "/cancel" } {
                input type="hidden" name="csrf" value=(page.csrf());
                button type="submit" { "Yes, cancel the sync" }
            }
        } @else {
            p.notice role="status" { "This sync has already ended." }
        }
        p { a href=(back) { "Back to the syncs" } }
    };
    let body = layout::page("Cancel a sync", &page.shell("sync"), content);
    Ok(page.respond(body))
}

/// Cancels the job, then shows the jobs (303); one that ended meanwhile shows the page with why.
pub async fn cancel(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, id)): Path<(String, String)>,
    Form(form): Form<CancelForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id.clone(), &form.csrf).await?;
    let org_id: OrgId = org.parse().map_err(|_| not_found("job")())?;
    let id: Uuid = id.parse().map_err(|_| not_found("job")())?;
    match sync::cancel(&state.core, viewer.caller, Some(org_id), id).await {
        Ok(_) => Ok(see_other(format!("/orgs/{org}/sync"))),
        Err(e @ ApiError::Conflict { .. }) => {
            render(&state, &headers, request_id, &org, None, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}
