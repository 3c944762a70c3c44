//! `/orgs/{orgId}/contacts` (newest change first, a hundred a page with "load more") and
//! `/orgs/{orgId}/numbers` (the org's current business numbers), from the API's store queries.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::PageLimit;
use maud::{Markup, html};
use serde::Deserialize;
use store::page::TimeKey;
use store::synced::{self, ContactRow};
use web::paging::{decode_cursor, next_cursor};
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::layout;

const CURSOR_SCOPE: &str = "page-contacts";

/// What an empty list tells the reader: the data comes from the org's MightyCall account.
pub fn nothing_synced(what: &str) -> Markup {
    html! {
        p.empty {
            "No " (what) " yet. They come from the organisation's MightyCall account once an org admin "
            "has connected it and a sync has run."
        }
    }
}

#[derive(Deserialize)]
pub struct ContactsQuery {
    cursor: Option<String>,
}

fn joined(values: &[String]) -> String {
    values.join(", ")
}

pub async fn contacts(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<ContactsQuery>,
) -> Result<Response, PageError> {
    let after: Option<TimeKey> =
        decode_cursor(CURSOR_SCOPE, query.cursor.as_deref()).map_err(|_| {
            PageError::shown(
                StatusCode::BAD_REQUEST,
                "That page link is not one this site made. Start again from the first page.",
            )
        })?;
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let terms = page.terms().await?;
    let contacts = synced::list::<ContactRow>(
        page.scope.tx(),
        page.scope.org,
        (None, None),
        &terms.view,
        after,
        PageLimit::DEFAULT,
    )
    .await?;
    let more = next_cursor(CURSOR_SCOPE, &contacts);
    let content = html! {
        h1 { "Contacts" }
        @if contacts.rows.is_empty() && after.is_none() {
            (nothing_synced("contacts"))
        } @else {
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { "Contacts, most recently changed first" }
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Phone" } th scope="col" { "Email" } th scope="col" { "Tags" } } }
                    tbody {
                        @for c in &contacts.rows {
                            tr data-contact=(c.id) {
                                td {
                                    (c.first_name.as_deref().unwrap_or("")) " " (c.last_name.as_deref().unwrap_or(""))
                                }
                                td { (joined(&c.phones)) }
                                td { (joined(&c.emails)) }
                                td { (joined(&c.tags)) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(cursor) = more {
            p { a.more href={ "?cursor=" (cursor) } { "Load more contacts" } }
        }
    };
    let body = layout::page("Contacts", &page.shell("contacts"), content);
    Ok(page.respond(body))
}

fn yes(flag: bool) -> &'static str {
    if flag { "Yes" } else { "No" }
}

pub async fn numbers(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let numbers = synced::phone_numbers(page.scope.tx(), page.scope.org).await?;
    let content = html! {
        h1 { "Phone numbers" }
        @if numbers.is_empty() {
            (nothing_synced("phone numbers"))
        } @else {
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { "The organisation's business numbers" }
                    thead {
                        tr {
                            th scope="col" { "Number" } th scope="col" { "Label" } th scope="col" { "Enabled" }
                            th scope="col" { "SMS" } th scope="col" { "Recording" }
                        }
                    }
                    tbody {
                        @for n in &numbers {
                            tr data-number=(n.number) {
                                td { (n.number) @if n.is_primary { " " span.muted { "(primary)" } } }
                                td { (n.label.as_deref().unwrap_or("")) }
                                td { (yes(n.is_enabled)) }
                                td { (n.sms_mode.as_deref().unwrap_or("—")) }
                                td { (n.call_recording_mode.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        }
    };
    let body = layout::page("Phone numbers", &page.shell("numbers"), content);
    Ok(page.respond(body))
}
