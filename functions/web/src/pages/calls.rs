//! `/orgs/{orgId}/calls`: the call log of a range, newest first, filtered by direction, outcome and
//! text, a hundred calls a page with "load more" — the same store query as the API's `type=calls`
//! report, so a scoped agent sees their own calls only.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::{CallDirection, CallStatus, E164Number, Extension, OrgId, PageLimit};
use maud::{Markup, html};
use serde::Deserialize;
use store::page::TimeKey;
use store::reports::{self, CallFilter, CallRow};
use store::synced::{self, PhoneNumberRow};
use web::export::ReportFilter;
use web::paging::{decode_cursor, next_cursor};
use web::params::ReportType;
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::format::duration;
use crate::pages::layout;
use crate::pages::range::Preset;

/// The cursors of this page answer it alone.
const CURSOR_SCOPE: &str = "page-calls";
/// Longest search text, as the API's `q`.
const MAX_SEARCH_CHARS: usize = 100;

/// The filters as a form sends them (an empty field is no filter).
#[derive(Deserialize, Default)]
pub struct CallsQuery {
    range: Option<String>,
    direction: Option<String>,
    status: Option<String>,
    q: Option<String>,
    agent: Option<String>,
    number: Option<String>,
    cursor: Option<String>,
}

/// The filters, each parsed.
struct Filters<'q> {
    preset: &'static Preset,
    direction: Option<CallDirection>,
    status: Option<CallStatus>,
    search: Option<&'q str>,
    agent: Option<Extension>,
    number: Option<E164Number>,
}

pub(crate) fn bad(message: &str) -> PageError {
    PageError::shown(StatusCode::BAD_REQUEST, message)
}

pub(crate) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl CallsQuery {
    fn direction(&self) -> Result<Option<CallDirection>, PageError> {
        given(&self.direction)
            .map(|d| {
                d.parse()
                    .map_err(|_| bad("Choose a direction from the list."))
            })
            .transpose()
    }

    fn status(&self) -> Result<Option<CallStatus>, PageError> {
        given(&self.status)
            .map(|s| {
                s.parse()
                    .map_err(|_| bad("Choose an outcome from the list."))
            })
            .transpose()
    }

    fn search(&self) -> Result<Option<&str>, PageError> {
        let q = given(&self.q);
        if q.is_some_and(|q| {
            q.chars().count() > MAX_SEARCH_CHARS || q.chars().any(char::is_control)
        }) {
            return Err(bad("Search for at most 100 printable characters."));
        }
        Ok(q)
    }

    /// Every filter checked; a bad one is a 400 page.
    fn filters(&self) -> Result<Filters<'_>, PageError> {
        Ok(Filters {
            preset: Preset::chosen(self.range.as_deref())?,
            direction: self.direction()?,
            status: self.status()?,
            search: self.search()?,
            agent: web::params::agent(given(&self.agent))
                .map_err(|_| bad("An agent is an extension of 1 to 10 digits."))?,
            number: web::params::business_number(given(&self.number))
                .map_err(|_| bad("Choose a business number from the list."))?,
        })
    }

    /// This page's query string with `range` and `cursor` replaced.
    fn link(&self, range: &str, cursor: Option<&str>) -> String {
        let mut pairs = vec![("range", range)];
        for (key, value) in [
            ("direction", &self.direction),
            ("status", &self.status),
            ("q", &self.q),
            ("agent", &self.agent),
            ("number", &self.number),
        ] {
            if let Some(value) = given(value) {
                pairs.push((key, value));
            }
        }
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor));
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect();
        format!("?{}", query.join("&"))
    }
}

fn select(name: &str, label: &str, chosen: Option<&str>, options: &[(&str, &str)]) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select #(name) name=(name) {
                option value="" selected[chosen.is_none()] { "Any" }
                @for (value, text) in options {
                    option value=(value) selected[chosen == Some(*value)] { (text) }
                }
            }
        }
    }
}

fn filters(query: &CallsQuery, preset: &Preset, numbers: &[PhoneNumberRow]) -> Markup {
    let numbers: Vec<(&str, &str)> = numbers
        .iter()
        .map(|n| (n.number.as_str(), n.number.as_str()))
        .collect();
    html! {
        form.filters method="get" role="search" aria-label="Filter calls" {
            input type="hidden" name="range" value=(preset.key);
            (select("direction", "Direction", given(&query.direction), &[("incoming", "Incoming"), ("outgoing", "Outgoing")]))
            (select("status", "Outcome", given(&query.status), &[
                ("connected", "Answered"), ("missed", "Missed"), ("voicemail", "Voicemail"), ("dropped", "Dropped"),
            ]))
            (select("number", "Business number", given(&query.number), &numbers))
            div.field {
                label for="agent" { "Agent extension" }
                input #agent type="text" name="agent" inputmode="numeric" pattern="[0-9]{1,10}" maxlength="10"
                    value=[given(&query.agent)];
            }
            div.field {
                label for="q" { "Number, name or extension contains" }
                input #q type="search" name="q" maxlength="100" value=[given(&query.q)];
            }
            button type="submit" { "Filter" }
        }
    }
}

pub fn outcome(status: Option<CallStatus>) -> &'static str {
    match status {
        Some(CallStatus::Connected) => "Answered",
        Some(CallStatus::Missed) => "Missed",
        Some(CallStatus::Voicemail) => "Voicemail",
        Some(CallStatus::Dropped) => "Dropped",
        Some(CallStatus::Unknown) | None => "—",
    }
}

pub fn party(number: &Option<String>, name: &Option<String>) -> Markup {
    html! {
        (number.as_deref().unwrap_or("—"))
        @if let Some(name) = name { br; span.muted { (name) } }
    }
}

fn table(org: OrgId, calls: &[CallRow]) -> Markup {
    html! {
        div.table-wrap {
            table.calls {
                caption.visually-hidden { "Calls, newest first" }
                thead {
                    tr {
                        th scope="col" { "Time" }
                        th scope="col" { "Direction" }
                        th scope="col" { "Outcome" }
                        th scope="col" { "From" }
                        th scope="col" { "To" }
                        th scope="col" { "Agent" }
                        th scope="col" { "Duration" }
                        th scope="col" { "Recording" }
                    }
                }
                tbody {
                    @for call in calls {
                        tr data-call=(call.id) {
                            td {
                                a href={ "/orgs/" (org) "/calls/" (call.id) } {
                                    time datetime=(call.started_at.to_rfc3339()) { (call.started_at.format("%Y-%m-%d %H:%M")) }
                                }
                            }
                            td { @if call.direction == CallDirection::Incoming { "In" } @else { "Out" } }
                            td { (outcome(call.status)) }
                            td { (party(&call.caller_number, &call.caller_name)) }
                            td { (party(&call.called_number, &call.called_name)) }
                            td { (call.agent_extension.as_deref().unwrap_or("—")) }
                            td.num { (duration(call.duration_ms)) }
                            td { @if call.has_recording { "Yes" } @else { "—" } }
                        }
                    }
                }
            }
        }
    }
}

pub async fn calls(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<CallsQuery>,
) -> Result<Response, PageError> {
    let f = query.filters()?;
    let after: Option<TimeKey> =
        decode_cursor(CURSOR_SCOPE, query.cursor.as_deref()).map_err(|_| {
            bad("That page link is not one this site made. Start again from the first page.")
        })?;
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let terms = page.terms().await?;
    let filter = CallFilter {
        range: f.preset.range(terms.zone)?,
        direction: f.direction,
        status: f.status,
        search: f.search,
        agent: f.agent.as_ref(),
        number: f.number.as_ref(),
    };
    let preset = f.preset;
    let numbers = synced::phone_numbers(page.scope.tx(), page.scope.org).await?;
    let calls = reports::list_calls(
        page.scope.tx(),
        page.scope.org,
        &terms,
        &filter,
        after,
        PageLimit::DEFAULT,
    )
    .await?;
    let more = next_cursor(CURSOR_SCOPE, &calls);
    let content = html! {
        div.heading {
            h1 { "Calls" }
            (preset.nav(|p| query.link(p.key, None)))
        }
        p.muted {
            (filter.range.start()) " to " (filter.range.end()) " · local days and times in " (terms.zone.name())
        }
        (filters(&query, preset, &numbers))
        p {
            a.download href={ "/orgs/" (page.scope.org) "/calls.csv" (query.link(preset.key, None)) } download {
                "Download these calls (CSV)"
            }
        }
        @if calls.rows.is_empty() && after.is_none() {
            p.empty { "No calls match in this range. Widen the range or clear the filters." }
        } @else {
            (table(page.scope.org, &calls.rows))
        }
        @if let Some(cursor) = more {
            p { a.more href=(query.link(preset.key, Some(&cursor))) { "Load more calls" } }
        }
    };
    let body = layout::page("Calls", &page.shell("calls"), content);
    Ok(page.respond(body))
}

/// `/orgs/{orgId}/calls.csv`: every call of the page's range and filters as a CSV file (the API's
/// export: up to 100,000 rows, times in the org's zone, a byte order mark for spreadsheet tools).
pub async fn export(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<CallsQuery>,
) -> Result<Response, PageError> {
    let f = query.filters()?;
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let terms = page.terms().await?;
    let filter = ReportFilter {
        range: f.preset.range(terms.zone)?,
        terms,
        direction: f.direction,
        status: f.status,
        search: f.search.map(str::to_owned),
        agent: f.agent,
        number: f.number,
    };
    let scope = page.into_scope();
    Ok(web::export::report(scope, ReportType::Calls, filter, true, &headers).await?)
}
