//! The dashboard's panels beside its tiles: live counts, SMS and voicemails of the range, calls per
//! local hour of the week, and the busiest agents and numbers — each from the API's store query.

use domain::{AgentState, OrgId, PageLimit};
use maud::{Markup, html};
use store::reports::{self, CallFilter, ReportTerms};
use store::synced::{self, MessageRow, VoicemailRow};
use store::{StoreError, Tx};

use crate::pages::format::percent;

/// How many agents and numbers the page names.
const TOP: usize = 5;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

pub struct Panels {
    /// Extensions on a call, ringing, available, unknown now.
    live: [usize; 4],
    messages: i64,
    voicemails: i64,
    /// Calls per (weekday 1–7, hour 0–23).
    week: Vec<(u8, u8, i64)>,
    agents: Vec<(String, i64, Option<f64>)>,
    numbers: Vec<(String, i64, Option<f64>)>,
}

/// The `TOP` busiest of `rows` by calls: (name, calls, answer rate).
fn busiest(mut rows: Vec<(String, i64, Option<f64>)>) -> Vec<(String, i64, Option<f64>)> {
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.truncate(TOP);
    rows
}

impl Panels {
    pub async fn read(
        tx: &Tx,
        org: OrgId,
        terms: &ReportTerms,
        filter: &CallFilter<'_>,
    ) -> Result<Self, StoreError> {
        let mut live = [0; 4];
        if let Some(roster) = store::live_status::roster(tx, org, &terms.view).await? {
            for entry in &roster.entries {
                let slot = match entry.status(roster.as_of, roster.quiet).state {
                    AgentState::OnCall => 0,
                    AgentState::Ringing => 1,
                    AgentState::Available => 2,
                    AgentState::Unknown => 3,
                };
                live[slot] += 1;
            }
        }
        let window = terms.zone.window(filter.range);
        let window = (Some(window.0), Some(window.1));
        let messages = synced::count::<MessageRow>(tx, org, window, &terms.view).await?;
        let voicemails = synced::count::<VoicemailRow>(tx, org, window, &terms.view).await?;
        let all = PageLimit::LARGEST;
        let week = reports::hourly(tx, org, terms, filter, None, all)
            .await?
            .rows
            .into_iter()
            .map(|r| (r.weekday, r.hour, r.stats.total))
            .collect();
        let name = |key: Option<String>| key.unwrap_or_else(|| "(none)".to_owned());
        let agents = reports::agents(tx, org, terms, filter, None, all)
            .await?
            .rows;
        let agents = busiest(
            agents
                .into_iter()
                .map(|r| {
                    let key = name(r.agent_extension);
                    let label = r.agent_name.map_or(key.clone(), |n| format!("{key} · {n}"));
                    (label, r.stats.total, r.stats.answer_rate)
                })
                .collect(),
        );
        let numbers = reports::numbers(tx, org, terms, filter, None, all)
            .await?
            .rows;
        let numbers = busiest(
            numbers
                .into_iter()
                .map(|r| (name(r.business_number), r.stats.total, r.stats.answer_rate))
                .collect(),
        );
        Ok(Self {
            live,
            messages,
            voicemails,
            week,
            agents,
            numbers,
        })
    }

    pub fn live(&self) -> Markup {
        let [on_call, ringing, available, unknown] = self.live;
        html! {
            section.live aria-label="Agents now" {
                h2 { "Agents now" }
                ul {
                    li { strong { (on_call) } " on a call" }
                    li { strong { (ringing) } " ringing" }
                    li { strong { (available) } " available" }
                    li { strong { (unknown) } " not heard from" }
                }
            }
        }
    }

    /// The counts for the SMS and voicemail tiles.
    pub fn messages_and_voicemails(&self) -> (i64, i64) {
        (self.messages, self.voicemails)
    }

    /// Calls per local hour of the week as a grid of shaded cells (five levels).
    pub fn heatmap(&self) -> Markup {
        const CELL: usize = 16;
        let most = self.week.iter().map(|w| w.2).max().unwrap_or(0).max(1);
        let level = |n: i64| {
            if n == 0 {
                0
            } else {
                (n.saturating_mul(4) + most - 1) / most
            }
        };
        html! {
            figure.heatmap {
                svg viewBox={ "0 0 " (40 + 24 * CELL) " " (7 * CELL + 16) } role="img"
                    aria-label={ "Calls per local hour of the week, at most " (most) " in one hour" } {
                    @for (i, day) in WEEKDAYS.iter().enumerate() {
                        text x="0" y=(i * CELL + 12) { (day) }
                    }
                    @for hour in (0..24).step_by(6) {
                        text x=(40 + hour * CELL) y=(7 * CELL + 14) { (format!("{hour:02}")) }
                    }
                    @for (weekday, hour, calls) in &self.week {
                        rect class={ "h" (level(*calls)) }
                             x=(40 + usize::from(*hour) * CELL) y=(usize::from(weekday.saturating_sub(1)) * CELL)
                             width=(CELL - 2) height=(CELL - 2) {
                            title { (WEEKDAYS.get(usize::from(weekday.saturating_sub(1))).copied().unwrap_or("?")) " " (format!("{hour:02}")) ":00 — " (calls) " calls" }
                        }
                    }
                }
                figcaption { "Calls per local hour of the week (darker: more)" }
            }
        }
    }

    pub fn busiest_tables(&self) -> Markup {
        html! {
            div.busiest {
                (top("Busiest agents", "Agent", &self.agents))
                (top("Busiest numbers", "Number", &self.numbers))
            }
        }
    }
}

fn top(title: &str, first: &str, rows: &[(String, i64, Option<f64>)]) -> Markup {
    html! {
        section {
            h2 { (title) }
            @if rows.is_empty() {
                p.muted { "No calls in this range." }
            } @else {
                table.report {
                    thead { tr { th scope="col" { (first) } th scope="col" { "Calls" } th scope="col" { "Answer rate" } } }
                    tbody {
                        @for (name, calls, rate) in rows {
                            tr { th scope="row" { (name) } td.num { (calls) } td.num { (percent(*rate)) } }
                        }
                    }
                }
            }
        }
    }
}
