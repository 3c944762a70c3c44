//! `/orgs/{orgId}/reports?type=daily|agents|numbers|hourly&range`: the API's reports as tables with
//! the KPIs (definitions in the README), in the server's order; the columns sort in the browser.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::PageLimit;
use maud::{Markup, html};
use serde::Deserialize;
use store::reports::{self, CallFilter, CallStats};
use web::export::ReportFilter;
use web::params::ReportType;
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::format::{duration, percent};
use crate::pages::layout;
use crate::pages::range::Preset;

/// The reports offered: the kind, its tab's label, its first column's heading.
const KINDS: &[(ReportType, &str, &str)] = &[
    (ReportType::Daily, "Daily", "Day"),
    (ReportType::Agents, "Agents", "Agent"),
    (ReportType::Numbers, "Numbers", "Business number"),
    (ReportType::Hourly, "Hour of the week", "Hour"),
];

#[derive(Deserialize)]
pub struct ReportsQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    range: Option<String>,
}

impl ReportsQuery {
    /// The range and the report asked for (daily by default); another value is a 400 page.
    fn chosen(
        &self,
    ) -> Result<
        (
            &'static Preset,
            &'static (ReportType, &'static str, &'static str),
        ),
        PageError,
    > {
        let preset = Preset::chosen(self.range.as_deref())?;
        let asked = self
            .kind
            .as_deref()
            .filter(|k| !k.is_empty())
            .unwrap_or("daily");
        let kind = KINDS
            .iter()
            .find(|(kind, _, _)| kind.as_str() == asked)
            .ok_or_else(|| {
                PageError::shown(
                    StatusCode::BAD_REQUEST,
                    "Choose one of the reports the page offers.",
                )
            })?;
        Ok((preset, kind))
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// One row: its label, the value it sorts by, its figures.
struct Line {
    label: String,
    key: String,
    stats: CallStats,
}

fn or_none(key: Option<String>) -> String {
    key.unwrap_or_else(|| "(none)".to_owned())
}

/// A cell with the number it sorts by (an empty one sorts first).
fn cell(text: String, sort: Option<f64>) -> Markup {
    html! { td.num data-sort=[sort.map(|v| v.to_string())] { (text) } }
}

fn table(first: &str, lines: &[Line], target: i16) -> Markup {
    let columns = [
        first,
        "Calls",
        "Answered",
        "Missed",
        "Abandoned",
        "Answer rate",
        "Service level",
        "Speed of answer",
        "Longest wait",
        "Talk time",
        "Repeat callers",
        "Callbacks",
    ];
    html! {
        div.table-wrap {
            table.report {
                caption.visually-hidden { "Service level target " (target) " %" }
                thead {
                    tr {
                        @for (i, name) in columns.iter().enumerate() {
                            th scope="col" aria-sort=[(i == 0).then_some("ascending")] {
                                button.sort type="button" data-col=(i) { (name) }
                            }
                        }
                    }
                }
                tbody {
                    @for line in lines {
                        @let s = &line.stats;
                        tr {
                            th scope="row" data-sort=(line.key) { (line.label) }
                            (cell(s.total.to_string(), Some(s.total as f64)))
                            (cell(s.answered.to_string(), Some(s.answered as f64)))
                            (cell(s.missed.to_string(), Some(s.missed as f64)))
                            (cell(s.abandoned.to_string(), Some(s.abandoned as f64)))
                            (cell(percent(s.answer_rate), s.answer_rate))
                            (cell(percent(s.service_level), s.service_level))
                            (cell(duration(s.avg_speed_of_answer_ms), s.avg_speed_of_answer_ms.map(|v| v as f64)))
                            (cell(duration(s.longest_wait_ms), s.longest_wait_ms.map(|v| v as f64)))
                            (cell(duration(Some(s.talk_time_ms)), Some(s.talk_time_ms as f64)))
                            (cell(s.repeat_callers.to_string(), Some(s.repeat_callers as f64)))
                            (cell(s.callbacks.to_string(), Some(s.callbacks as f64)))
                        }
                    }
                }
            }
        }
    }
}

pub async fn reports(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<ReportsQuery>,
) -> Result<Response, PageError> {
    let (preset, &(kind, _, first)) = query.chosen()?;
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let terms = page.terms().await?;
    let filter = CallFilter::all(preset.range(terms.zone)?);
    let (tx, org_id, limit) = (page.scope.tx(), page.scope.org, PageLimit::LARGEST);
    let (lines, more): (Vec<Line>, bool) = match kind {
        ReportType::Agents => {
            let p = reports::agents(tx, org_id, &terms, &filter, None, limit).await?;
            let more = p.next.is_some();
            let lines = p.rows.into_iter().map(|r| {
                let key = or_none(r.agent_extension);
                let label = match r.agent_name {
                    Some(name) => format!("{key} · {name}"),
                    None => key.clone(),
                };
                Line {
                    label,
                    key,
                    stats: r.stats,
                }
            });
            (lines.collect(), more)
        }
        ReportType::Numbers => {
            let p = reports::numbers(tx, org_id, &terms, &filter, None, limit).await?;
            let more = p.next.is_some();
            let lines = p.rows.into_iter().map(|r| {
                let key = or_none(r.business_number);
                Line {
                    label: key.clone(),
                    key,
                    stats: r.stats,
                }
            });
            (lines.collect(), more)
        }
        ReportType::Hourly => {
            let p = reports::hourly(tx, org_id, &terms, &filter, None, limit).await?;
            let more = p.next.is_some();
            let lines = p.rows.into_iter().map(|r| {
                let day = WEEKDAYS
                    .get(usize::from(r.weekday).saturating_sub(1))
                    .copied()
                    .unwrap_or("?");
                Line {
                    label: format!("{day} {:02}:00", r.hour),
                    key: format!("{}{:02}", r.weekday, r.hour),
                    stats: r.stats,
                }
            });
            (lines.collect(), more)
        }
        _ => {
            let p = reports::daily(tx, org_id, &terms, &filter, None, limit).await?;
            let more = p.next.is_some();
            let lines = p.rows.into_iter().map(|r| Line {
                label: r.day.to_string(),
                key: r.day.to_string(),
                stats: r.stats,
            });
            (lines.collect(), more)
        }
    };
    let content = html! {
        div.heading {
            h1 { "Reports" }
            (preset.nav(|p| format!("?type={}&range={}", kind.as_str(), p.key)))
        }
        nav.tabs aria-label="Report" {
            @for (key, label, _) in KINDS {
                a href={ "?type=" (key.as_str()) "&range=" (preset.key) } aria-current=[(*key == kind).then_some("page")] { (label) }
            }
        }
        p.muted {
            (filter.range.start()) " to " (filter.range.end()) " · local days in " (terms.zone.name())
            " · service level target " (terms.sla_target_percent) " %"
        }
        p {
            a.download href={ "/orgs/" (org_id) "/reports.csv?type=" (kind.as_str()) "&range=" (preset.key) } download {
                "Download this report (CSV)"
            }
        }
        @if lines.is_empty() {
            p.empty { "No calls in this range." }
        } @else {
            (table(first, &lines, terms.sla_target_percent))
        }
        @if more {
            p.muted { "The first 500 rows; narrow the range for the rest." }
        }
    };
    let body = layout::page("Reports", &page.shell("reports"), content);
    Ok(page.respond(body))
}

/// `/orgs/{orgId}/reports.csv?type&range`: the whole report as a CSV file (the API's export).
pub async fn export(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<ReportsQuery>,
) -> Result<Response, PageError> {
    let (preset, &(kind, _, _)) = query.chosen()?;
    let page = OrgPage::open(&state, &headers, request_id, &org, Need::Member).await?;
    let terms = page.terms().await?;
    let filter = ReportFilter {
        range: preset.range(terms.zone)?,
        terms,
        direction: None,
        status: None,
        search: None,
        agent: None,
        number: None,
    };
    Ok(web::export::report(page.into_scope(), kind, filter, true, &headers).await?)
}
