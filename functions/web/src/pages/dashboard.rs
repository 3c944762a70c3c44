//! `/orgs/{orgId}/dashboard`: the range's tiles in the org's terms and calls per local day, from
//! the same store query as `GET /api/dashboard/metrics`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use store::reports::{self, CallFilter, CallStats, DailyRow};
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::dashboard_parts::Panels;
use crate::pages::format::{duration, percent};
use crate::pages::layout;
use crate::pages::range::Preset;

#[derive(Deserialize)]
pub struct DashboardQuery {
    range: Option<String>,
}

fn tile(label: &str, value: String, note: Option<String>) -> Markup {
    html! {
        div.tile {
            p.label { (label) }
            p.value { (value) }
            @if let Some(note) = note { p.note { (note) } }
        }
    }
}

fn tiles(t: &CallStats, target_percent: i16, (messages, voicemails): (i64, i64)) -> Markup {
    let sla_note = format!("target {target_percent} % · {} measured", t.measured_calls);
    html! {
        section.tiles aria-label="Totals" {
            (tile("Calls", t.total.to_string(), Some(format!("{} in · {} out", t.inbound, t.outbound))))
            (tile("Answered", t.answered.to_string(), None))
            (tile("Missed", t.missed.to_string(), Some(format!("{} voicemail", t.voicemail))))
            (tile("Abandoned", t.abandoned.to_string(), Some(format!("{} short", t.short_abandoned))))
            (tile("Answer rate", percent(t.answer_rate), None))
            (tile("Service level", percent(t.service_level), Some(sla_note)))
            (tile("Speed of answer", duration(t.avg_speed_of_answer_ms), Some("average".to_owned())))
            (tile("Talk time", duration(Some(t.talk_time_ms)), None))
            (tile("SMS", messages.to_string(), Some("sent and received".to_owned())))
            (tile("Voicemails", voicemails.to_string(), None))
        }
    }
}

/// Calls per local day as bars (answered in front of all), drawn on the server.
fn chart(series: &[DailyRow]) -> Markup {
    const HEIGHT: i64 = 120;
    const BAR: usize = 12;
    let most = series
        .iter()
        .map(|d| d.stats.total)
        .max()
        .unwrap_or(0)
        .max(1);
    let scaled = |n: i64| n.saturating_mul(HEIGHT) / most;
    let width = series.len() * BAR;
    let summary = format!(
        "Calls per day, {} days, at most {most} in a day",
        series.len()
    );
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (width) " " (HEIGHT) } role="img" aria-label=(summary) preserveAspectRatio="none" {
                @for (i, day) in series.iter().enumerate() {
                    @let x = i * BAR;
                    rect.all x=(x) y=(HEIGHT - scaled(day.stats.total)) width=(BAR - 2) height=(scaled(day.stats.total)) {
                        title { (day.day) ": " (day.stats.total) " calls, " (day.stats.answered) " answered" }
                    }
                    rect.answered x=(x) y=(HEIGHT - scaled(day.stats.answered)) width=(BAR - 2) height=(scaled(day.stats.answered)) {}
                }
            }
            figcaption {
                (summary) ". "
                span.key-all { "All calls" } " · " span.key-answered { "answered" }
            }
        }
    }
}

pub async fn dashboard(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let preset = Preset::chosen(query.range.as_deref())?;
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let (tx, org) = (page.scope.tx(), page.scope.org);
    let terms = page.terms().await?;
    let range = preset.range(terms.zone)?;
    let filter = CallFilter::all(range);
    let (series, totals) = reports::dashboard(tx, org, &terms, &filter).await?;
    let panels = Panels::read(tx, org, &terms, &filter).await?;
    let content = html! {
        div.heading {
            h1 { "Dashboard" }
            (preset.nav(|p| format!("?range={}", p.key)))
        }
        p.muted {
            (range.start()) " to " (range.end()) " · local days in " (terms.zone.name())
        }
        // The page reloads itself every minute while it is shown (assets/app.js).
        div hidden data-refresh="60" {}
        (panels.live())
        (tiles(&totals, terms.sla_target_percent, panels.messages_and_voicemails()))
        (chart(&series))
        (panels.heatmap())
        (panels.busiest_tables())
    };
    let body = layout::page("Dashboard", &page.shell("dashboard"), content);
    Ok(page.respond(body))
}
