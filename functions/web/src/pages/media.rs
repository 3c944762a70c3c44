//! `/orgs/{orgId}/recordings` and `/orgs/{orgId}/voicemails`: the synced lists of a range, newest
//! first, a hundred a page with "load more", each row with a player. The players load nothing until
//! played; they fetch the audio through [`playback`](super::playback) in ranges, so seeking works.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::PageLimit;
use maud::{Markup, html};
use serde::Deserialize;
use store::page::{Page, TimeKey};
use store::synced::{self, Listed, RecordingRow, VoicemailRow};
use web::paging::{decode_cursor, next_cursor};
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::directory::nothing_synced;
use crate::pages::format::duration;
use crate::pages::layout;
use crate::pages::range::Preset;

#[derive(Deserialize)]
pub struct MediaQuery {
    range: Option<String>,
    cursor: Option<String>,
}

/// The page of `T` the query asks for, in the org's range and zone, with the viewer's page.
async fn listed<T: Listed>(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    query: &MediaQuery,
    scope: &'static str,
) -> Result<(OrgPage, &'static Preset, Page<T, TimeKey>, bool), PageError> {
    let preset = Preset::chosen(query.range.as_deref())?;
    let after: Option<TimeKey> = decode_cursor(scope, query.cursor.as_deref()).map_err(|_| {
        PageError::shown(
            StatusCode::BAD_REQUEST,
            "That page link is not one this site made. Start again from the first page.",
        )
    })?;
    let page = OrgPage::open(state, headers, request_id, org, Need::Member).await?;
    let terms = page.terms().await?;
    let (from, to) = terms.zone.window(preset.range(terms.zone)?);
    let rows = synced::list::<T>(
        page.scope.tx(),
        page.scope.org,
        (Some(from), Some(to)),
        &terms.view,
        after,
        PageLimit::DEFAULT,
    )
    .await?;
    let rows = Page {
        rows: rows
            .rows
            .into_iter()
            .map(|r| r.in_zone(terms.zone))
            .collect(),
        next: rows.next,
    };
    Ok((page, preset, rows, after.is_some()))
}

/// A player for `src` that loads nothing until played, named by `label`.
pub fn player(src: &str, label: &str) -> Markup {
    html! {
        audio controls preload="none" src=(src) aria-label=(label) {
            a href=(src) { "Download" }
        }
    }
}

fn link(preset: &str, cursor: Option<&str>) -> String {
    match cursor {
        Some(cursor) => format!("?range={preset}&cursor={cursor}"),
        None => format!("?range={preset}"),
    }
}

fn heading(title: &str, preset: &Preset) -> Markup {
    html! {
        div.heading {
            h1 { (title) }
            (preset.nav(|p| link(p.key, None)))
        }
    }
}

const RECORDINGS: &str = "page-recordings";
const VOICEMAILS: &str = "page-voicemails";

pub async fn recordings(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<MediaQuery>,
) -> Result<Response, PageError> {
    let (page, preset, rows, paged) =
        listed::<RecordingRow>(&state, &headers, request_id, &org, &query, RECORDINGS).await?;
    let org = page.scope.org;
    let more = next_cursor(RECORDINGS, &rows);
    let content = html! {
        (heading("Recordings", preset))
        @if rows.rows.is_empty() && !paged {
            (nothing_synced("recordings in this range"))
        } @else {
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { "Call recordings, newest first" }
                    thead { tr {
                        th scope="col" { "Time" } th scope="col" { "From" } th scope="col" { "To" }
                        th scope="col" { "Agent" } th scope="col" { "Length" } th scope="col" { "Play" }
                    } }
                    tbody {
                        @for r in &rows.rows {
                            @let at = r.recorded_at.format("%Y-%m-%d %H:%M").to_string();
                            tr data-recording=(r.id) {
                                td { time datetime=(r.recorded_at.to_rfc3339()) { (at) } }
                                td { (r.caller_number.as_deref().unwrap_or("—")) }
                                td { (r.called_number.as_deref().unwrap_or("—")) }
                                td { (r.agent_extension.as_deref().unwrap_or("—")) }
                                td.num { (duration(r.duration_ms)) }
                                td { (player(&format!("/orgs/{org}/recordings/{}/audio", r.id), &format!("Recording of {at}"))) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(cursor) = more {
            p { a.more href=(link(preset.key, Some(&cursor))) { "Load more recordings" } }
        }
    };
    let body = layout::page("Recordings", &page.shell("recordings"), content);
    Ok(page.respond(body))
}

pub async fn voicemails(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<MediaQuery>,
) -> Result<Response, PageError> {
    let (page, preset, rows, paged) =
        listed::<VoicemailRow>(&state, &headers, request_id, &org, &query, VOICEMAILS).await?;
    let org = page.scope.org;
    let more = next_cursor(VOICEMAILS, &rows);
    let content = html! {
        (heading("Voicemails", preset))
        @if rows.rows.is_empty() && !paged {
            (nothing_synced("voicemails in this range"))
        } @else {
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { "Voicemails, newest first" }
                    thead { tr {
                        th scope="col" { "Time" } th scope="col" { "From" } th scope="col" { "For" }
                        th scope="col" { "Length" } th scope="col" { "Transcript" } th scope="col" { "Play" }
                    } }
                    tbody {
                        @for v in &rows.rows {
                            @let at = v.received_at.format("%Y-%m-%d %H:%M").to_string();
                            tr data-voicemail=(v.id) {
                                td { time datetime=(v.received_at.to_rfc3339()) { (at) } }
                                td { (v.from_number.as_deref().unwrap_or("—")) }
                                td { (v.assigned_to.as_deref().unwrap_or("—")) }
                                td.num { (duration(v.duration_ms)) }
                                td { (v.transcript.as_deref().unwrap_or("")) }
                                td { (player(&format!("/orgs/{org}/voicemails/{}/audio", v.id), &format!("Voicemail of {at}"))) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(cursor) = more {
            p { a.more href=(link(preset.key, Some(&cursor))) { "Load more voicemails" } }
        }
    };
    let body = layout::page("Voicemails", &page.shell("voicemails"), content);
    Ok(page.respond(body))
}
