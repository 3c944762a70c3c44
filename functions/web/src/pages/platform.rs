//! `/platform` (platform admins): every org with its figures, newest first, a hundred a page;
//! creating an org for a client with its first admin's invite link (shown once); binding an org to
//! the platform's own MightyCall account, or unbinding it after a confirmation — through
//! `actions::platform`, as the API's platform routes.

use actions::platform;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{OrgId, PageLimit};
use maud::{Markup, html};
use serde::Deserialize;
use store::platform_orgs::{IntegrationState, OrgSummary};
use web::paging::{decode_cursor, next_cursor};
use web::{ApiError, Caller, Need, OrgScope, RequestId, UserScope};

use crate::WebState;
use crate::errors::PageError;
use crate::pages::forms::{Refusal, origin, see_other, shown_once};
use crate::pages::layout::{self, Shell};
use crate::viewer::{submitter, viewer};

const CURSOR_SCOPE: &str = "page-platform";

#[derive(Deserialize, Default)]
pub struct PlatformQuery {
    cursor: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    name: String,
    admin_email: String,
}

#[derive(Deserialize)]
pub struct BindingForm {
    csrf: String,
    /// Unbinding asks first; the confirmation's form says `yes`.
    confirmed: Option<String>,
}

/// What the page shows above the list after a form.
enum Shown {
    Nothing,
    Done(String),
    Created { name: String, link: String },
    Refused(Refusal),
    ConfirmUnbind(OrgId, String),
}

fn integration(state: &IntegrationState) -> &'static str {
    match state {
        IntegrationState::None => "none",
        IntegrationState::Enabled => "enabled",
        IntegrationState::Disabled => "disabled",
    }
}

fn row(org: &OrgSummary, bound: bool, csrf: &str) -> Markup {
    html! {
        tr data-org=(org.id) {
            td { a href={ "/orgs/" (org.id) "/dashboard" } { (org.name) } }
            td.num { (org.member_count) }
            td { (integration(&org.integration)) }
            td { (org.last_sync_at.map_or_else(|| "never".to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string())) }
            td.num { (org.calls_last_30_days) }
            td {
                form.inline method="post" action={ "/platform/orgs/" (org.id) (if bound { "/unbind" } else { "/bind" }) } {
                    input type="hidden" name="csrf" value=(csrf);
                    @if bound {
                        "Bound " button type="submit" aria-label={ "Unbind " (org.name) } { "Unbind" }
                    } @else {
                        button type="submit" aria-label={ "Bind " (org.name) " to the platform account" } { "Bind" }
                    }
                }
            }
        }
    }
}

fn shown(shown: &Shown, csrf: &str) -> Markup {
    html! {
        @match shown {
            Shown::Nothing => {}
            Shown::Done(what) => p.notice role="status" { (what) },
            Shown::Refused(refusal) => p.notice role="alert" { (refusal.message) },
            Shown::Created { name, link } => {
                p.notice role="status" {
                    (name) " was created. Pass this invite link to its first admin; it is shown only this once and works for 7 days."
                }
                label for="invite-link" { "Invite link" }
                div.copy-row {
                    input #invite-link type="text" readonly value=(link);
                    button.copy type="button" data-copy="invite-link" hidden { "Copy" }
                }
            }
            Shown::ConfirmUnbind(org, name) => {
                form.confirm method="post" action={ "/platform/orgs/" (org) "/unbind" } {
                    p { "Unbind " strong { (name) } " from the platform's MightyCall account? Its syncs stop using it." }
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="confirmed" value="yes";
                    button type="submit" { "Yes, unbind" }
                    " " a href="/platform" { "Cancel" }
                }
            }
        }
    }
}

/// The platform page for `caller` (403 unless a platform admin), with what a form left to show.
async fn render(
    state: &WebState,
    caller: Caller,
    csrf: &str,
    after: Option<&str>,
    status: StatusCode,
    note: Shown,
) -> Result<Response, PageError> {
    let after = decode_cursor(CURSOR_SCOPE, after).map_err(|_| {
        PageError::shown(
            StatusCode::BAD_REQUEST,
            "That page link is not one this site made. Start again from the first page.",
        )
    })?;
    let scope = UserScope::open(&state.core, caller).await?;
    scope
        .require_platform(Need::PlatformAdmin { write: false })
        .await?;
    let (tx, user) = (scope.tx(), scope.user_id());
    let page = store::platform_orgs::list_orgs(tx, PageLimit::DEFAULT, after).await?;
    let ids: Vec<OrgId> = page.rows.iter().map(|o| o.id).collect();
    let bound = store::platform_account::bound_among(tx, &ids).await?;
    let orgs = store::orgs::orgs_for_user(tx, user, true).await?;
    let more = next_cursor(CURSOR_SCOPE, &page);
    let content = html! {
        h1 { "Platform" }
        (shown(&note, csrf))
        section aria-labelledby="create" {
            h2 #create { "Create an organisation for a client" }
            form.stack method="post" action="/platform/orgs" {
                input type="hidden" name="csrf" value=(csrf);
                label for="org-name" { "Organisation name" }
                input #org-name type="text" name="name" maxlength="120" required;
                label for="admin-email" { "Its first admin's email" }
                input #admin-email type="email" name="admin_email" required;
                button type="submit" { "Create and invite" }
            }
        }
        section aria-labelledby="orgs" {
            h2 #orgs { "Organisations" }
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { "Every organisation, newest first" }
                    thead { tr {
                        th scope="col" { "Name" } th scope="col" { "Members" } th scope="col" { "Integration" }
                        th scope="col" { "Last sync" } th scope="col" { "Calls, 30 days" } th scope="col" { "Platform account" }
                    } }
                    tbody { @for org in &page.rows { (row(org, bound.contains(&org.id), csrf)) } }
                }
            }
            @if let Some(cursor) = more {
                p { a.more href={ "?cursor=" (cursor) } { "Load more organisations" } }
            }
        }
    };
    let shell = Shell {
        orgs: &orgs,
        current: None,
        page: "platform",
        csrf,
        access: None,
        platform: true,
    };
    Ok((status, layout::page("Platform", &shell, content)).into_response())
}

pub async fn page(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Query(query): Query<PlatformQuery>,
) -> Result<Response, PageError> {
    let viewer = viewer(&state, &headers, request_id).await?;
    let note = match query.done.as_deref() {
        Some("bound") => Shown::Done("Bound to the platform's MightyCall account.".into()),
        Some("unbound") => Shown::Done("Unbound from the platform's MightyCall account.".into()),
        _ => Shown::Nothing,
    };
    let csrf = viewer.session.csrf.clone();
    let page = render(
        &state,
        viewer.caller,
        &csrf,
        query.cursor.as_deref(),
        StatusCode::OK,
        note,
    )
    .await?;
    Ok(page)
}

pub async fn create(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id, &form.csrf).await?;
    let created = platform::create_org(
        &state.core,
        viewer.caller.clone(),
        &form.name,
        &form.admin_email,
    )
    .await;
    let (status, note) = match created {
        Ok((org, invited)) => {
            let link = format!(
                "{}/invite/{}",
                origin(&headers).unwrap_or_default(),
                invited.token
            );
            let name = org.name;
            (StatusCode::CREATED, Shown::Created { name, link })
        }
        Err(e) => {
            let refusal = Refusal::of(e)?;
            (refusal.status, Shown::Refused(refusal))
        }
    };
    let csrf = viewer.session.csrf.clone();
    let page = render(&state, viewer.caller, &csrf, None, status, note).await?;
    Ok(shown_once(page))
}

/// The org of the path in a platform admin's write scope (another id: the 404 page).
async fn org_scope(state: &WebState, caller: Caller, org: &str) -> Result<OrgScope, PageError> {
    let org: OrgId = org
        .parse()
        .map_err(|_| PageError::from(ApiError::NotFound("organization")))?;
    let need = Need::PlatformAdmin { write: true };
    Ok(OrgScope::open(&state.core, caller, Some(org), need).await?)
}

pub async fn bind(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<BindingForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id, &form.csrf).await?;
    let scope = org_scope(&state, viewer.caller, &org).await?;
    platform::bind(scope).await?;
    Ok(see_other("/platform?done=bound".into()))
}

pub async fn unbind(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<BindingForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id, &form.csrf).await?;
    let scope = org_scope(&state, viewer.caller.clone(), &org).await?;
    if form.confirmed.as_deref() != Some("yes") {
        let org = scope.org;
        let name = store::orgs::get_org(scope.tx(), org)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        drop(scope);
        let csrf = viewer.session.csrf.clone();
        let note = Shown::ConfirmUnbind(org, name);
        return render(&state, viewer.caller, &csrf, None, StatusCode::OK, note).await;
    }
    platform::unbind(scope).await?;
    Ok(see_other("/platform?done=unbound".into()))
}
