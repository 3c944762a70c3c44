//! `/orgs/{orgId}/settings` (org admins): the org's name, time zone, service-level target,
//! short-abandon threshold, live-status silence, agent scoping and business hours, saved through
//! `actions::settings` as `PATCH /api/orgs/{orgId}/settings` does (same checks, same audit). Every
//! day-based page follows the zone at once.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::{
    BusinessHours, ClockTime, DayHours, HourRange, ShortAbandonSeconds, SlaPercent, SlaSeconds,
    TimeZone, UnknownAfterMinutes,
};
use maud::{Markup, html};
use serde::Deserialize;
use store::org_settings::{OrgSettings, SettingsChange};
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::forms::{Refusal, admin_scope, see_other};
use crate::pages::layout;

/// Zones offered as suggestions; any IANA name is accepted.
const COMMON_ZONES: &[&str] = &[
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Toronto",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
];

const WEEKDAYS: [(&str, &str); 7] = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
];

/// The form as sent (and as shown again after a refusal): every setting at once.
#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    sla_target_percent: String,
    #[serde(default)]
    sla_target_seconds: String,
    #[serde(default)]
    short_abandon_seconds: String,
    #[serde(default)]
    live_status_unknown_after_minutes: String,
    /// A checkbox: present when ticked.
    agents_see_own_calls_only: Option<String>,
    #[serde(default)]
    monday: String,
    #[serde(default)]
    tuesday: String,
    #[serde(default)]
    wednesday: String,
    #[serde(default)]
    thursday: String,
    #[serde(default)]
    friday: String,
    #[serde(default)]
    saturday: String,
    #[serde(default)]
    sunday: String,
}

/// A day's ranges as the form writes them: `09:00-12:00, 13:00-17:00`; empty when closed.
fn day_text(day: &DayHours) -> String {
    day.ranges()
        .iter()
        .map(|r| format!("{}-{}", r.start, r.end))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_day(label: &str, raw: &str) -> Result<DayHours, String> {
    let ranges = raw
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            let (start, end) = r
                .split_once('-')
                .ok_or_else(|| format!("{label}: write each range as HH:MM-HH:MM"))?;
            let time =
                |t: &str| ClockTime::parse(t.trim()).map_err(|e| format!("{label}: {}", e.0));
            Ok(HourRange {
                start: time(start)?,
                end: time(end)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    DayHours::new(ranges).map_err(|e| format!("{label}: {}", e.0))
}

impl SettingsForm {
    fn of(settings: &OrgSettings) -> Self {
        let hours = settings.business_hours.clone().unwrap_or_default();
        Self {
            csrf: String::new(),
            name: settings.name.clone(),
            time_zone: settings.time_zone.name().to_owned(),
            sla_target_percent: settings.sla_target_percent.get().to_string(),
            sla_target_seconds: settings.sla_target_seconds.get().to_string(),
            short_abandon_seconds: settings.short_abandon_seconds.get().to_string(),
            live_status_unknown_after_minutes: settings
                .live_status_unknown_after_minutes
                .get()
                .to_string(),
            agents_see_own_calls_only: settings.agents_see_own_calls_only.then(String::new),
            monday: day_text(&hours.monday),
            tuesday: day_text(&hours.tuesday),
            wednesday: day_text(&hours.wednesday),
            thursday: day_text(&hours.thursday),
            friday: day_text(&hours.friday),
            saturday: day_text(&hours.saturday),
            sunday: day_text(&hours.sunday),
        }
    }

    fn day(&self, key: &str) -> &str {
        match key {
            "monday" => &self.monday,
            "tuesday" => &self.tuesday,
            "wednesday" => &self.wednesday,
            "thursday" => &self.thursday,
            "friday" => &self.friday,
            "saturday" => &self.saturday,
            _ => &self.sunday,
        }
    }

    /// Every value parsed as the API parses it (the name is checked by the action). No hours on
    /// any day clears the business hours.
    fn change(&self) -> Result<SettingsChange, String> {
        fn number<T>(
            raw: &str,
            new: fn(i64) -> Result<T, domain::ParseError>,
        ) -> Result<T, String> {
            let value = raw
                .trim()
                .parse::<i64>()
                .map_err(|_| "enter whole numbers".to_owned())?;
            new(value).map_err(|e| e.0)
        }
        let time_zone = TimeZone::parse(self.time_zone.trim()).map_err(|e| e.0)?;
        let mut days = WEEKDAYS
            .iter()
            .map(|(key, label)| parse_day(label, self.day(key)));
        let mut next = || days.next().unwrap_or_else(|| Ok(DayHours::default()));
        let hours = BusinessHours {
            monday: next()?,
            tuesday: next()?,
            wednesday: next()?,
            thursday: next()?,
            friday: next()?,
            saturday: next()?,
            sunday: next()?,
        };
        let open = [
            &hours.monday,
            &hours.tuesday,
            &hours.wednesday,
            &hours.thursday,
            &hours.friday,
            &hours.saturday,
            &hours.sunday,
        ]
        .iter()
        .any(|d| !d.ranges().is_empty());
        Ok(SettingsChange {
            name: None,
            time_zone: Some(time_zone),
            sla_target_percent: Some(number(&self.sla_target_percent, SlaPercent::new)?),
            sla_target_seconds: Some(number(&self.sla_target_seconds, SlaSeconds::new)?),
            short_abandon_seconds: Some(number(
                &self.short_abandon_seconds,
                ShortAbandonSeconds::new,
            )?),
            business_hours: Some(open.then_some(hours)),
            agents_see_own_calls_only: Some(self.agents_see_own_calls_only.is_some()),
            live_status_unknown_after_minutes: Some(number(
                &self.live_status_unknown_after_minutes,
                UnknownAfterMinutes::new,
            )?),
        })
    }
}

fn number_field(id: &str, label: &str, value: &str, min: i64, max: i64) -> Markup {
    html! {
        label for=(id) { (label) " (" (min) " to " (max) ")" }
        input #(id) type="number" name=(id) required min=(min) max=(max) step="1" value=(value);
    }
}

fn form(org: &str, csrf: &str, f: &SettingsForm) -> Markup {
    html! {
        form.stack method="post" action={ "/orgs/" (org) "/settings" } {
            input type="hidden" name="csrf" value=(csrf);
            label for="name" { "Organisation name" }
            input #name type="text" name="name" required maxlength="120" value=(f.name);
            label for="time_zone" { "Time zone (IANA name, e.g. America/New_York)" }
            input #time_zone type="text" name="time_zone" required list="zones" autocomplete="off"
                value=(f.time_zone) aria-describedby="zone-note";
            datalist #zones { @for zone in COMMON_ZONES { option value=(zone) {} } }
            p.note #zone-note { "Days on every page and report are counted in this zone." }
            (number_field("sla_target_percent", "Service level target, % of calls", &f.sla_target_percent, SlaPercent::MIN.into(), SlaPercent::MAX.into()))
            (number_field("sla_target_seconds", "answered within, seconds", &f.sla_target_seconds, SlaSeconds::MIN.into(), SlaSeconds::MAX.into()))
            (number_field("short_abandon_seconds", "Short abandon: calls hung up within, seconds, are not missed", &f.short_abandon_seconds, ShortAbandonSeconds::MIN.into(), ShortAbandonSeconds::MAX.into()))
            (number_field("live_status_unknown_after_minutes", "Live status is unknown after this many minutes of silence", &f.live_status_unknown_after_minutes, UnknownAfterMinutes::MIN.into(), UnknownAfterMinutes::MAX.into()))
            label {
                input type="checkbox" name="agents_see_own_calls_only" value="on"
                    checked[f.agents_see_own_calls_only.is_some()];
                " Agents see only their own calls"
            }
            fieldset {
                legend { "Business hours (local time; e.g. 09:00-12:00, 13:00-17:00; empty: closed)" }
                @for (key, label) in WEEKDAYS {
                    label for={ "hours-" (key) } { (label) }
                    input id={ "hours-" (key) } type="text" name=(key) value=(f.day(key))
                        placeholder="closed" autocomplete="off";
                }
            }
            button type="submit" { "Save settings" }
        }
    }
}

async fn render(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    shown: Option<(&SettingsForm, Refusal)>,
    saved: bool,
) -> Result<Response, PageError> {
    let page = OrgPage::open(
        state,
        headers,
        request_id,
        org,
        Need::Admin { write: false },
    )
    .await?;
    let settings = store::org_settings::get_settings(page.scope.tx(), page.scope.org)
        .await?
        .ok_or_else(|| PageError::from(web::ApiError::NotFound("organization")))?;
    let current = SettingsForm::of(&settings);
    let (values, refusal) = match shown {
        Some((form, refusal)) => (form, Some(refusal)),
        None => (&current, None),
    };
    let org_path = page.scope.org.to_string();
    let content = html! {
        h1 { "Settings" }
        @if let Some(refusal) = &refusal {
            p.notice role="alert" { "Not saved: " (refusal.message) }
        } @else if saved {
            p.notice role="status" { "Settings saved." }
        }
        (form(&org_path, page.csrf(), values))
    };
    let status = refusal.map_or(StatusCode::OK, |r| r.status);
    let body = layout::page("Settings", &page.shell("settings"), content);
    Ok(page.respond((status, body)))
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    axum::extract::Query(query): axum::extract::Query<SettingsQuery>,
) -> Result<Response, PageError> {
    render(
        &state,
        &headers,
        request_id,
        &org,
        None,
        query.saved.is_some(),
    )
    .await
}

pub async fn save(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let refusal = match form.change() {
        Ok(change) => {
            let org_id = scope.org;
            match actions::settings::update(scope, Some(&form.name), change).await {
                Ok(_) => return Ok(see_other(format!("/orgs/{org_id}/settings?saved=1"))),
                Err(e) => Refusal::of(e)?,
            }
        }
        Err(message) => Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, message),
    };
    render(
        &state,
        &headers,
        request_id,
        &org,
        Some((&form, refusal)),
        false,
    )
    .await
}
