//! `/orgs/{orgId}/live`: the org's extensions now and counts per state (members; a scoped agent
//! their own extension), from `actions::live_status` as `GET /api/live-status` answers;
//! `?view=wallboard` shows the counts large with little else, for a screen on the wall. Both
//! fetch their roster again every few seconds from `/orgs/{orgId}/live/roster` (an HTML fragment,
//! swapped in by assets/app.js without reloading); without JavaScript the page is read as loaded.

use actions::live_status::{self, LiveAgent, LiveStatusReply, StateCounts};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::{AgentState, LegDirection};
use maud::{Markup, html};
use serde::Deserialize;
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::layout;

/// Seconds between two fetches of the roster (the issue asks for at most 5).
const REFRESH_SECONDS: u32 = 3;

#[derive(Deserialize)]
pub struct LiveQuery {
    view: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Roster,
    Wallboard,
}

impl View {
    fn chosen(query: &LiveQuery) -> Result<Self, PageError> {
        match query.view.as_deref() {
            None | Some("" | "roster") => Ok(Self::Roster),
            Some("wallboard") => Ok(Self::Wallboard),
            Some(_) => Err(PageError::shown(
                StatusCode::BAD_REQUEST,
                "Choose the roster or the wallboard.",
            )),
        }
    }

    fn query(self) -> &'static str {
        match self {
            Self::Roster => "",
            Self::Wallboard => "?view=wallboard",
        }
    }
}

fn label(state: AgentState) -> &'static str {
    match state {
        AgentState::OnCall => "On a call",
        AgentState::Ringing => "Ringing",
        AgentState::Available => "Available",
        AgentState::Unknown => "Not heard from",
    }
}

fn direction(direction: LegDirection) -> &'static str {
    match direction {
        LegDirection::Incoming => "Incoming",
        LegDirection::Outgoing => "Outgoing",
        LegDirection::Callback => "Callback",
    }
}

/// The member's name, else MightyCall's name of the extension, else the extension.
fn who(agent: &LiveAgent) -> String {
    agent
        .member
        .as_ref()
        .and_then(|m| m.full_name.clone())
        .or_else(|| agent.agent_name.clone())
        .unwrap_or_else(|| format!("Extension {}", agent.extension))
}

fn counts(counts: &StateCounts) -> Markup {
    let shown = [
        (AgentState::OnCall, counts.on_call),
        (AgentState::Ringing, counts.ringing),
        (AgentState::Available, counts.available),
        (AgentState::Unknown, counts.unknown),
    ];
    html! {
        ul.counts aria-label="Extensions per state" {
            @for (state, count) in shown {
                li data-state=(state.as_str()) {
                    strong.count { (count) } " " span { (label(state)) }
                }
            }
        }
    }
}

fn table(live: &LiveStatusReply) -> Markup {
    html! {
        @if live.agents.is_empty() {
            p.empty {
                "No extensions yet. They appear once MightyCall's webhooks or synced calls name them, "
                "or an org admin sets a member's extension."
            }
        } @else {
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { "Extensions and their state now" }
                    thead {
                        tr {
                            th scope="col" { "Agent" } th scope="col" { "Extension" } th scope="col" { "State" }
                            th scope="col" { "Since" } th scope="col" { "Call" }
                        }
                    }
                    tbody {
                        @for agent in &live.agents {
                            tr data-extension=(agent.extension) data-state=(agent.state.as_str()) {
                                td { (who(agent)) }
                                td { (agent.extension) }
                                td.state { (label(agent.state)) }
                                td {
                                    @if let Some(since) = agent.since {
                                        time datetime=(since.to_rfc3339()) { (since.format("%H:%M:%S")) }
                                    } @else { "–" }
                                }
                                td {
                                    @if let Some(call) = &agent.current_call {
                                        (direction(call.direction)) " · " (call.counterpart.as_deref().unwrap_or("unknown number"))
                                    } @else { "–" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the polling swaps in: the counts, the roster (none on the wallboard but who is busy) and
/// the time it describes.
fn roster(live: &LiveStatusReply, view: View) -> Markup {
    html! {
        (counts(&live.counts))
        @if view == View::Roster {
            (table(live))
        } @else {
            ul.busy aria-label="On a call or ringing" {
                @for agent in live.agents.iter().filter(|a| a.current_call.is_some()) {
                    li data-extension=(agent.extension) data-state=(agent.state.as_str()) {
                        (who(agent)) " · " (label(agent.state))
                    }
                }
            }
        }
        p.muted {
            "As of " time datetime=(live.as_of.to_rfc3339()) { (live.as_of.format("%H:%M:%S")) }
            " · no news for " (live.unknown_after_minutes) " minutes reads as not heard from"
        }
    }
}

/// The view asked for, the viewer's page of the org and its extensions now.
async fn read(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    query: &LiveQuery,
) -> Result<(View, OrgPage, LiveStatusReply), PageError> {
    let view = View::chosen(query)?;
    let page = OrgPage::open(state, headers, request_id, org, Need::Member).await?;
    let live = live_status::read(&page.scope).await?;
    Ok((view, page, live))
}

pub async fn live(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<LiveQuery>,
) -> Result<Response, PageError> {
    let (view, page, live) = read(&state, &headers, request_id, &org, &query).await?;
    let org = page.scope.org;
    let polled = html! {
        div #roster data-poll={ "/orgs/" (org) "/live/roster" (view.query()) } data-every=(REFRESH_SECONDS) {
            (roster(&live, view))
        }
    };
    let body = match view {
        View::Roster => {
            let content = html! {
                div.heading {
                    h1 { "Live" }
                    nav.presets aria-label="View" {
                        a href="?view=roster" aria-current="page" { "Roster" }
                        a href="?view=wallboard" { "Wallboard" }
                    }
                }
                (polled)
                p { a href="?view=roster" { "Refresh" } }
            };
            layout::page("Live", &page.shell("live"), content)
        }
        View::Wallboard => {
            let name = page
                .orgs
                .iter()
                .find(|o| o.id == org)
                .map_or("", |o| o.name.as_str());
            let content = html! {
                div.wallboard {
                    h1 { (name) " · live" }
                    (polled)
                    p { a href={ "/orgs/" (org) "/live" } { "Back to the roster" } }
                }
            };
            layout::bare("Live wallboard", content)
        }
    };
    Ok(page.respond(body))
}

/// The roster alone, for the page's polling.
pub async fn roster_part(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<LiveQuery>,
) -> Result<Response, PageError> {
    let (view, page, live) = read(&state, &headers, request_id, &org, &query).await?;
    let part = roster(&live, view);
    Ok(page.respond(part))
}
