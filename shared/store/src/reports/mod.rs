//! Call reports in the org's terms: the call list, and statistics per local day, agent, business
//! number, local hour of the week, or for the whole range. The definitions of every measure are in
//! the README (KPI definitions); [`stats`] computes the ratios from the sums the SQL returns.

mod aggregate;
mod calls;
mod stats;

use chrono::{DateTime, Utc};
use domain::{CallDirection, CallStatus, DateRange, E164Number, Extension, OrgId, TimeZone};
use tokio_postgres::Row;

use crate::row::{FromRow, get, optional, parse};
use crate::{StoreError, Tx};

pub use aggregate::{
    AgentRow, DailyRow, HourRow, NumberRow, agents, call_count, daily, dashboard, hourly, numbers,
};
pub use calls::{CallDetail, CallRow, find_call, list_calls};
pub use stats::CallStats;

/// Which calls a report covers.
#[derive(Clone, Copy, Debug)]
pub struct CallFilter<'a> {
    /// Local days of the org's zone.
    pub range: DateRange,
    pub direction: Option<CallDirection>,
    pub status: Option<CallStatus>,
    /// Free text matched (case-insensitively, anywhere) against numbers, names and extensions.
    pub search: Option<&'a str>,
    /// Only the calls of this agent extension.
    pub agent: Option<&'a Extension>,
    /// Only the calls of this business number.
    pub number: Option<&'a E164Number>,
}

impl CallFilter<'_> {
    /// Everything in `range`.
    pub fn all(range: DateRange) -> Self {
        Self {
            range,
            direction: None,
            status: None,
            search: None,
            agent: None,
            number: None,
        }
    }

    fn agent(&self) -> Option<&str> {
        self.agent.map(Extension::as_str)
    }

    fn number(&self) -> Option<&str> {
        self.number.map(E164Number::as_str)
    }

    fn direction(&self) -> Option<&'static str> {
        self.direction.map(CallDirection::as_str)
    }

    fn status(&self) -> Option<&'static str> {
        self.status.map(CallStatus::as_str)
    }

    /// The search as an ILIKE pattern, its wildcards taken literally.
    fn pattern(&self) -> Option<String> {
        self.search.map(|s| {
            let escaped = s
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        })
    }
}

fn search_clause(param: &str) -> String {
    [
        "caller_number",
        "called_number",
        "caller_name",
        "called_name",
        "caller_extension",
        "business_number",
        "agent_extension",
    ]
    .iter()
    .map(|column| format!("{column} ilike {param}"))
    .collect::<Vec<_>>()
    .join(" or ")
}

/// Whose calls the reader sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallView {
    /// The whole org.
    Org,
    /// An agent of an org that scopes agents: the calls of their extension (none without one).
    OwnCalls(Option<String>),
}

/// The org's terms a report is read in, and what the reader may see of it.
#[derive(Clone, Debug)]
pub struct ReportTerms {
    pub zone: TimeZone,
    pub sla_target_percent: i16,
    pub view: CallView,
}

impl CallView {
    /// (scoped, extension) as SQL parameters: scoped readers see `agent_extension = extension`.
    pub(crate) fn params(&self) -> (bool, Option<&str>) {
        match self {
            Self::Org => (false, None),
            Self::OwnCalls(extension) => (true, extension.as_deref()),
        }
    }
}

impl ReportTerms {
    /// The instant window of the filter's local days.
    fn window(&self, filter: &CallFilter<'_>) -> (DateTime<Utc>, DateTime<Utc>) {
        self.zone.window(filter.range)
    }

    fn scope_params(&self) -> (bool, Option<&str>) {
        self.view.params()
    }
}

impl FromRow for ReportTerms {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let scoped: bool = get(row, "scoped")?;
        Ok(Self {
            zone: parse(row, "time_zone")?,
            sla_target_percent: get(row, "sla_target_percent")?,
            view: if scoped {
                CallView::OwnCalls(get(row, "extension")?)
            } else {
                CallView::Org
            },
        })
    }
}

/// The org's report terms as the transaction's user reads them (`None`: no such org for them).
/// Agents of an org with `agents_see_own_calls_only` get [`CallView::OwnCalls`]; RLS applies the
/// same rule to the rows themselves.
pub async fn terms(tx: &Tx, org: OrgId) -> Result<Option<ReportTerms>, StoreError> {
    let statement = tx
        .prepare_cached(
            "select o.time_zone, o.sla_target_percent, ou.mightycall_extension as extension,
                    coalesce(ou.role = 'agent' and o.agents_see_own_calls_only, false) as scoped
             from organizations o
             left join org_users ou on ou.org_id = o.id and ou.user_id = (select auth.uid())
             where o.id = $1",
        )
        .await?;
    optional(tx.client().query_opt(&statement, &[&org.as_uuid()]).await?)
}
