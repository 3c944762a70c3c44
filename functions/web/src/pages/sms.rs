//! `/orgs/{orgId}/sms`: the org's SMS per counterpart (latest conversation first), one
//! conversation's messages (`?with=number`), and for org admins and managers a send form that
//! sends through `actions::sms` as the API does (`POST` here, CSRF-checked); the sent message shows
//! in the conversation at once.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::synced::{MessageRow, PhoneNumberRow};
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::directory::nothing_synced;
use crate::pages::forms::Refusal;
use crate::pages::layout;
use crate::viewer::submitter;

/// Counterparts listed, and messages of one conversation shown.
const CONVERSATIONS: i64 = 100;
const MESSAGES: i64 = 200;

#[derive(Deserialize, Default)]
pub struct SmsQuery {
    /// The counterpart whose conversation is open.
    with: Option<String>,
}

#[derive(Deserialize)]
pub struct SendForm {
    csrf: String,
    from: String,
    to: String,
    text: String,
}

/// What the send form shows again after a refused send.
struct Refused<'a> {
    status: StatusCode,
    message: String,
    form: &'a SendForm,
}

fn counterpart(number: Option<&str>) -> &str {
    number.unwrap_or("(no number)")
}

fn thread(with: &str, messages: &[MessageRow]) -> Markup {
    html! {
        section aria-labelledby="thread" {
            h2 #thread { "Messages with " (with) }
            @if messages.is_empty() {
                p.empty { "No messages with this number yet." }
            } @else {
                ol.thread {
                    @for m in messages {
                        li.message data-message=(m.id) data-direction=(m.direction) {
                            p.meta {
                                @if m.direction == "outbound" { "Sent" } @else { "Received" }
                                " · " time datetime=(m.sent_at.to_rfc3339()) { (m.sent_at.format("%Y-%m-%d %H:%M")) }
                                @if let Some(agent) = m.agent_name.as_deref().or(m.agent_extension.as_deref()) { " · " (agent) }
                                @if let Some(status) = &m.delivery_status { " · " (status) }
                            }
                            p.body { (m.body.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

fn send_form(
    org: &str,
    csrf: &str,
    senders: &[PhoneNumberRow],
    to: Option<&str>,
    refused: Option<&Refused<'_>>,
) -> Markup {
    let draft = refused.map(|r| r.form);
    html! {
        section aria-labelledby="send" {
            h2 #send { "Send an SMS" }
            @if let Some(refused) = refused {
                p.notice role="alert" { (refused.message) }
            }
            @if senders.is_empty() {
                p.empty { "None of the organisation's numbers sends SMS. Enable SMS for a number in MightyCall, then sync." }
            } @else {
                form.stack method="post" action={ "/orgs/" (org) "/sms" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="sms-from" { "From" }
                    select #sms-from name="from" required {
                        @for n in senders {
                            option value=(n.number) selected[draft.is_some_and(|d| d.from == n.number)] {
                                (n.number) @if let Some(label) = &n.label { " · " (label) }
                            }
                        }
                    }
                    label for="sms-to" { "To (E.164, e.g. +12125550123)" }
                    input #sms-to type="tel" name="to" required pattern="\\+[1-9][0-9]{1,14}"
                        value=[draft.map(|d| d.to.as_str()).or(to)];
                    label for="sms-text" { "Message" }
                    textarea #sms-text name="text" required maxlength="1600" rows="4" {
                        (draft.map_or("", |d| d.text.as_str()))
                    }
                    button type="submit" { "Send" }
                }
            }
        }
    }
}

/// The page for `query`, with a refused send's message and draft when there is one.
async fn render(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    with: Option<&str>,
    refused: Option<Refused<'_>>,
) -> Result<Response, PageError> {
    let page = OrgPage::open(state, headers, request_id, org, Need::Member).await?;
    let (tx, org) = (page.scope.tx(), page.scope.org);
    let zone = page.terms().await?.zone;
    let conversations = store::sms::conversations(tx, org, CONVERSATIONS).await?;
    let messages = match with {
        Some(with) => store::sms::thread(tx, org, with, MESSAGES)
            .await?
            .into_iter()
            .map(|m| store::synced::Listed::in_zone(m, zone))
            .collect(),
        None => Vec::new(),
    };
    let senders: Vec<PhoneNumberRow> = if page.access.manages() {
        store::synced::phone_numbers(tx, org)
            .await?
            .into_iter()
            .filter(|n| n.is_enabled && n.sms_mode.as_deref() == Some("enabled"))
            .collect()
    } else {
        Vec::new()
    };
    let org_path = org.to_string();
    let content = html! {
        h1 { "SMS" }
        div.split {
            section aria-labelledby="counterparts" {
                h2 #counterparts { "Conversations" }
                @if conversations.is_empty() {
                    (nothing_synced("messages"))
                } @else {
                    ul.conversations {
                        @for c in &conversations {
                            @let number = counterpart(c.client_number.as_deref());
                            li {
                                @if let Some(client) = &c.client_number {
                                    a href={ "?with=" (url::form_urlencoded::byte_serialize(client.as_bytes()).collect::<String>()) }
                                      aria-current=[(with == Some(client.as_str())).then_some("page")] { (number) }
                                } @else { (number) }
                                " "
                                span.muted {
                                    (c.messages) " · " time datetime=(zone.local(c.last_at).to_rfc3339()) { (zone.local(c.last_at).format("%Y-%m-%d %H:%M")) }
                                }
                                br;
                                span.preview { (c.last_body.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
            div {
                @if let Some(with) = with { (thread(with, &messages)) }
                @if page.access.manages() {
                    (send_form(&org_path, page.csrf(), &senders, with, refused.as_ref()))
                }
            }
        }
    };
    let status = refused.map_or(StatusCode::OK, |r| r.status);
    let body = layout::page("SMS", &page.shell("sms"), content);
    Ok(page.respond((status, body)))
}

pub async fn sms(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<SmsQuery>,
) -> Result<Response, PageError> {
    let with = query
        .with
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty());
    render(&state, &headers, request_id, &org, with, None).await
}

/// Sends, then shows the conversation (303); a refused send shows the form again with why.
pub async fn send(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<SendForm>,
) -> Result<Response, PageError> {
    let viewer = submitter(&state, &headers, request_id.clone(), &form.csrf).await?;
    let sent = match actions::sms::Sms::check(&org, &form.from, &form.to, &form.text) {
        Ok(sms) => actions::sms::send(&state.actions, viewer.caller, sms).await,
        Err(e) => Err(e),
    };
    match sent {
        Ok(message) => {
            let to = message.client_number.unwrap_or_default();
            let to: String = url::form_urlencoded::byte_serialize(to.as_bytes()).collect();
            Ok((
                StatusCode::SEE_OTHER,
                [(LOCATION, format!("/orgs/{org}/sms?with={to}#thread"))],
            )
                .into_response())
        }
        Err(e) => {
            // What the sender can act on shows on the form again, with the draft.
            let refusal = Refusal::of(e)?;
            let refused = Refused {
                status: refusal.status,
                message: refusal.message,
                form: &form,
            };
            let with = Some(form.to.trim()).filter(|t| !t.is_empty());
            render(&state, &headers, request_id, &org, with, Some(refused)).await
        }
    }
}
