//! The ranges the pages offer: local days of the org's zone ending today.

use chrono::Days;
use domain::{DateRange, TimeZone};
use maud::{Markup, html};

use crate::errors::PageError;

pub struct Preset {
    pub key: &'static str,
    label: &'static str,
    days: u64,
}

const PRESETS: &[Preset] = &[
    Preset {
        key: "today",
        label: "Today",
        days: 1,
    },
    Preset {
        key: "7d",
        label: "7 days",
        days: 7,
    },
    Preset {
        key: "30d",
        label: "30 days",
        days: 30,
    },
];

impl Preset {
    /// The preset `asked` names (30 days when none); another value is a 400 page.
    pub fn chosen(asked: Option<&str>) -> Result<&'static Self, PageError> {
        let asked = asked.filter(|a| !a.is_empty()).unwrap_or("30d");
        PRESETS.iter().find(|p| p.key == asked).ok_or_else(|| {
            PageError::shown(
                axum::http::StatusCode::BAD_REQUEST,
                "Choose one of the ranges the page offers.",
            )
        })
    }

    /// Its local days in `zone`.
    pub fn range(&self, zone: TimeZone) -> Result<DateRange, PageError> {
        let today = zone.today();
        let start = today
            .checked_sub_days(Days::new(self.days - 1))
            .unwrap_or(today);
        DateRange::new(start, today)
            .map_err(|e| PageError::shown(axum::http::StatusCode::BAD_REQUEST, e.0))
    }

    /// Links to every preset, this one current; `href` gives each link.
    pub fn nav(&self, href: impl Fn(&Preset) -> String) -> Markup {
        html! {
            nav.presets aria-label="Range" {
                @for preset in PRESETS {
                    a href=(href(preset)) aria-current=[(preset.key == self.key).then_some("page")] {
                        (preset.label)
                    }
                }
            }
        }
    }
}
