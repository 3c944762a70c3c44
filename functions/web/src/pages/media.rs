//! `/orgs/{orgId}/recordings` and `/orgs/{orgId}/voicemails`: the synced lists of a range, newest
//! first, a hundred a page with "load more", each row with a player. The players load nothing until
//! played; they fetch the audio through [`playback`](super::playback) in ranges, so seeking works.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, FixedOffset};
use domain::OrgId;
use domain::PageLimit;
use maud::{Markup, html};
use serde::Deserialize;
use store::page::TimeKey;
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

/// What tells the two lists apart.
struct List {
    /// Also the page's path segment and the navigation's slug.
    noun: &'static str,
    title: &'static str,
    caption: &'static str,
    columns: [&'static str; 6],
    /// The cursors of this list answer it alone.
    cursor: &'static str,
}

const RECORDINGS: List = List {
    noun: "recordings",
    title: "Recordings",
    caption: "Call recordings, newest first",
    columns: ["Time", "From", "To", "Agent", "Length", "Play"],
    cursor: "page-recordings",
};

const VOICEMAILS: List = List {
    noun: "voicemails",
    title: "Voicemails",
    caption: "Voicemails, newest first",
    columns: ["Time", "From", "For", "Length", "Transcript", "Play"],
    cursor: "page-voicemails",
};

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

fn when(at: &DateTime<FixedOffset>) -> (String, Markup) {
    let shown = at.format("%Y-%m-%d %H:%M").to_string();
    let cell = html! { td { time datetime=(at.to_rfc3339()) { (shown) } } };
    (shown, cell)
}

/// The page of `list` the query asks for, in the org's range and zone, newest first, each row
/// drawn by `row` (given the org, to name the audio's path).
async fn page<T: Listed>(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    query: &MediaQuery,
    list: &List,
    row: impl Fn(OrgId, &T) -> Markup,
) -> Result<Response, PageError> {
    let preset = Preset::chosen(query.range.as_deref())?;
    let after: Option<TimeKey> =
        decode_cursor(list.cursor, query.cursor.as_deref()).map_err(|_| {
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
    let more = next_cursor(list.cursor, &rows);
    let org = page.scope.org;
    let content = html! {
        div.heading {
            h1 { (list.title) }
            (preset.nav(|p| link(p.key, None)))
        }
        @if rows.rows.is_empty() && after.is_none() {
            (nothing_synced(&format!("{} in this range", list.noun)))
        } @else {
            div.table-wrap {
                table.calls {
                    caption.visually-hidden { (list.caption) }
                    thead { tr { @for column in list.columns { th scope="col" { (column) } } } }
                    tbody { @for r in rows.rows { (row(org, &r.in_zone(terms.zone))) } }
                }
            }
        }
        @if let Some(cursor) = more {
            p { a.more href=(link(preset.key, Some(&cursor))) { "Load more " (list.noun) } }
        }
    };
    let body = layout::page(list.title, &page.shell(list.noun), content);
    Ok(page.respond(body))
}

pub async fn recordings(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<MediaQuery>,
) -> Result<Response, PageError> {
    page(&state, &headers, request_id, &org, &query, &RECORDINGS, |org, r: &RecordingRow| {
        let (at, time) = when(&r.recorded_at);
        html! {
            tr data-recording=(r.id) {
                (time)
                td { (r.caller_number.as_deref().unwrap_or("—")) }
                td { (r.called_number.as_deref().unwrap_or("—")) }
                td { (r.agent_extension.as_deref().unwrap_or("—")) }
                td.num { (duration(r.duration_ms)) }
                td { (player(&format!("/orgs/{org}/recordings/{}/audio", r.id), &format!("Recording of {at}"))) }
            }
        }
    })
    .await
}

pub async fn voicemails(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<MediaQuery>,
) -> Result<Response, PageError> {
    page(&state, &headers, request_id, &org, &query, &VOICEMAILS, |org, v: &VoicemailRow| {
        let (at, time) = when(&v.received_at);
        html! {
            tr data-voicemail=(v.id) {
                (time)
                td { (v.from_number.as_deref().unwrap_or("—")) }
                td { (v.assigned_to.as_deref().unwrap_or("—")) }
                td.num { (duration(v.duration_ms)) }
                td { (v.transcript.as_deref().unwrap_or("")) }
                td { (player(&format!("/orgs/{org}/voicemails/{}/audio", v.id), &format!("Voicemail of {at}"))) }
            }
        }
    })
    .await
}
