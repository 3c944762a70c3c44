//! `/orgs/{orgId}/integration` (org admins): the org's MightyCall account — credentials checked
//! with MightyCall on save and never shown again (only the last characters of the api key), the
//! sync schedule, on/off, removal after a confirmation step, and the webhook URL, generated on
//! request and shown once with how to enter it in MightyCall. Every change goes through
//! `actions::integrations`, as the API's routes do.

use actions::integrations::{self, NewCredentials};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::{IntegrationHost, Provider, SyncInterval};
use maud::{Markup, html};
use serde::Deserialize;
use store::integrations::IntegrationView;
use web::{Need, RequestId};
use zeroize::Zeroizing;

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::forms::{Refusal, admin_scope, origin, see_other, shown_once};
use crate::pages::layout;

#[derive(Deserialize)]
pub struct CredentialsForm {
    csrf: String,
    api_key: Zeroizing<String>,
    user_key: Zeroizing<String>,
    #[serde(default)]
    host: Option<IntegrationHost>,
    #[serde(default)]
    label: String,
}

#[derive(Deserialize)]
pub struct ScheduleForm {
    csrf: String,
    /// A checkbox: present when ticked.
    enabled: Option<String>,
    #[serde(default)]
    sync_interval_minutes: String,
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
}

#[derive(Deserialize, Default)]
pub struct Done {
    /// What was just changed, for the notice: `saved`, `schedule`, `removed`.
    done: Option<String>,
}

/// What the page shows besides the org's integration.
enum Shown<'a> {
    Plain(Option<&'a str>),
    Refused(Refusal),
    /// The webhook URL, this once.
    Webhook(String),
    /// The removal's "are you sure?" step.
    ConfirmRemove,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("Credentials checked with MightyCall and saved."),
        "schedule" => Some("Schedule saved."),
        "removed" => Some("The MightyCall integration was removed."),
        _ => None,
    }
}

fn facts(i: &IntegrationView) -> Markup {
    html! {
        dl.facts {
            dt { "Api key" } dd { "ends in " code { (i.api_key_hint.as_deref().unwrap_or("–")) } }
            dt { "Host" } dd { (i.host.as_deref().unwrap_or("api")) }
            dt { "Label" } dd { (i.label.as_deref().unwrap_or("–")) }
            dt { "Scheduled sync" } dd {
                @if i.enabled { "on, every " (i.sync_interval_minutes) " minutes" } @else { "off" }
            }
            dt { "Last sync" } dd {
                @if let Some(last) = &i.last_sync {
                    (last.resource) " · " (last.status) " · "
                    time datetime=(last.created_at.to_rfc3339()) { (last.created_at.format("%Y-%m-%d %H:%M UTC")) }
                } @else { "none yet" }
            }
        }
    }
}

fn credentials_form(org: &str, csrf: &str, connected: bool) -> Markup {
    html! {
        section aria-labelledby="credentials" {
            h2 #credentials { @if connected { "Replace the credentials" } @else { "Connect MightyCall" } }
            p.note { "Find the api key and user key in MightyCall under Integrations → API. They are checked with MightyCall before they are saved, then kept encrypted; this page never shows them again." }
            form.stack method="post" action={ "/orgs/" (org) "/integration" } {
                input type="hidden" name="csrf" value=(csrf);
                label for="api_key" { "Api key" }
                input #api_key type="password" name="api_key" required maxlength="256" autocomplete="off";
                label for="user_key" { "User key" }
                input #user_key type="password" name="user_key" required maxlength="256" autocomplete="off";
                label for="host" { "Account type" }
                select #host name="host" {
                    option value="api" { "Classic (api)" }
                    option value="ccapi" { "Call Center (ccapi)" }
                }
                label for="label" { "Label (optional)" }
                input #label type="text" name="label" maxlength="100";
                button type="submit" { "Check and save" }
            }
        }
    }
}

fn schedule_form(org: &str, csrf: &str, i: &IntegrationView) -> Markup {
    html! {
        section aria-labelledby="schedule" {
            h2 #schedule { "Schedule" }
            form.stack method="post" action={ "/orgs/" (org) "/integration/schedule" } {
                input type="hidden" name="csrf" value=(csrf);
                label {
                    input type="checkbox" name="enabled" value="on" checked[i.enabled];
                    " Sync on a schedule"
                }
                label for="interval" { "Every this many minutes (" (SyncInterval::MINUTES.start()) " to " (SyncInterval::MINUTES.end()) ")" }
                input #interval type="number" name="sync_interval_minutes" required step="1"
                    min=(SyncInterval::MINUTES.start()) max=(SyncInterval::MINUTES.end())
                    value=(i.sync_interval_minutes);
                button type="submit" { "Save schedule" }
            }
        }
    }
}

fn webhook_section(org: &str, csrf: &str, url: Option<&str>) -> Markup {
    html! {
        section aria-labelledby="webhook" {
            h2 #webhook { "Webhook" }
            @if let Some(url) = url {
                p.notice role="status" { "Your webhook URL is below. Copy it now: it is shown only this once." }
                label for="webhook-url" { "Webhook URL" }
                div.copy-row {
                    input #webhook-url type="text" readonly value=(url);
                    button.copy type="button" data-copy="webhook-url" hidden { "Copy" }
                }
                ol {
                    li { "In MightyCall, open Integrations → Webhooks and add a webhook." }
                    li { "Paste this URL as its address." }
                    li { "Choose the call events (call started, answered, completed) and save." }
                }
            } @else {
                p.note { "MightyCall sends call events to a webhook URL, which keeps the live status and missed calls current. Generating a URL stops the previous one." }
            }
            form method="post" action={ "/orgs/" (org) "/integration/webhook" } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { @if url.is_some() { "Generate another URL" } @else { "Generate the webhook URL" } }
            }
        }
    }
}

fn remove_section(org: &str, csrf: &str, confirm: bool) -> Markup {
    html! {
        section aria-labelledby="remove" {
            h2 #remove { "Remove" }
            @if confirm {
                p.notice role="alert" { "Are you sure? The credentials are deleted and syncing stops. Synced data stays." }
                form method="post" action={ "/orgs/" (org) "/integration/delete" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Yes, remove the integration" }
                    " "
                    a href={ "/orgs/" (org) "/integration" } { "Cancel" }
                }
            } @else {
                p { a href={ "/orgs/" (org) "/integration/delete" } { "Remove the MightyCall integration…" } }
            }
        }
    }
}

async fn render(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    shown: Shown<'_>,
) -> Result<Response, PageError> {
    let need = Need::Admin { write: false };
    let page = OrgPage::open(state, headers, request_id, org, need).await?;
    let provider = Provider::MightyCall.as_str();
    let integration =
        store::integrations::get_integration(page.scope.tx(), page.scope.org, provider).await?;
    let org_path = page.scope.org.to_string();
    let csrf = page.csrf();
    let (status, once) = match &shown {
        Shown::Refused(r) => (r.status, None),
        Shown::Webhook(url) => (StatusCode::OK, Some(url.as_str())),
        _ => (StatusCode::OK, None),
    };
    let content = html! {
        h1 { "MightyCall integration" }
        @match &shown {
            Shown::Refused(r) => { p.notice role="alert" { "Not saved: " (r.message) } }
            Shown::Plain(done) => { @if let Some(n) = notice(*done) { p.notice role="status" { (n) } } }
            _ => {}
        }
        @if let Some(i) = &integration {
            (facts(i))
            (webhook_section(&org_path, csrf, once))
            (schedule_form(&org_path, csrf, i))
            (credentials_form(&org_path, csrf, true))
            (remove_section(&org_path, csrf, matches!(shown, Shown::ConfirmRemove)))
        } @else {
            p.empty { "The organisation is not connected to MightyCall yet." }
            (credentials_form(&org_path, csrf, false))
        }
    };
    let body = layout::page("Integration", &page.shell("integration"), content);
    Ok(page.respond((status, body)))
}

pub async fn show(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let shown = Shown::Plain(done.done.as_deref());
    render(&state, &headers, request_id, &org, shown).await
}

/// Checks the credentials with MightyCall, then saves them (303); refused ones are not saved and
/// the form says why (never showing what was typed).
pub async fn save(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<CredentialsForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let org_id = scope.org;
    let check = integrations::CredentialCheck {
        base_override: state.actions.engine.settings().base_override.clone(),
        daily_request_budget: state.actions.engine.settings().daily_budget,
    };
    let label = Some(form.label.trim()).filter(|l| !l.is_empty());
    let new = NewCredentials {
        provider: Provider::MightyCall,
        api_key: form.api_key.trim(),
        user_key: form.user_key.trim(),
        host: form.host,
        label,
        verify: true,
    };
    match integrations::save(&state.core, &check, scope, new).await {
        Ok(_) => Ok(see_other(format!("/orgs/{org_id}/integration?done=saved"))),
        Err(e) => {
            let shown = Shown::Refused(Refusal::of(e)?);
            render(&state, &headers, request_id, &org, shown).await
        }
    }
}

pub async fn schedule(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let org_id = scope.org;
    let refusal = match form.sync_interval_minutes.trim().parse::<i64>() {
        Ok(minutes) => {
            let enabled = Some(form.enabled.is_some());
            let provider = Provider::MightyCall;
            match integrations::update_schedule(scope, provider, enabled, Some(minutes)).await {
                Ok(_) => {
                    return Ok(see_other(format!(
                        "/orgs/{org_id}/integration?done=schedule"
                    )));
                }
                Err(e) => Refusal::of(e)?,
            }
        }
        Err(_) => Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the interval must be a whole number of minutes",
        ),
    };
    render(&state, &headers, request_id, &org, Shown::Refused(refusal)).await
}

/// A new webhook URL, on this answer only (not a redirect: the URL is not kept anywhere to show
/// again).
pub async fn webhook(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let org_id = scope.org;
    let token = integrations::generate_webhook_token(scope).await?;
    let path = integrations::webhook_path(org_id, &token);
    let url = format!("{}{path}", origin(&headers).unwrap_or_default());
    let page = render(&state, &headers, request_id, &org, Shown::Webhook(url)).await?;
    Ok(shown_once(page))
}

/// The removal's confirmation step.
pub async fn confirm_remove(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    render(&state, &headers, request_id, &org, Shown::ConfirmRemove).await
}

pub async fn remove(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let org_id = scope.org;
    integrations::remove(scope, Provider::MightyCall).await?;
    Ok(see_other(format!(
        "/orgs/{org_id}/integration?done=removed"
    )))
}
