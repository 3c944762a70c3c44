//! Call reports: the call list, and per day / agent / business number statistics.
//!
//! Definitions (UTC days; see `migrations/V7__reporting.sql` for the rollups behind them):
//! - `total`: every call, whatever its status, including calls still in progress;
//! - `answered`: status `connected`; `missed`: `missed` plus `dropped` (the caller hung up before
//!   anyone answered: unanswered either way); `voicemail`: `voicemail`;
//! - `answer_rate`: answered / total, `null` when there were no calls (no rate, rather than 0 %);
//! - `talk_time_ms`: the sum of `duration_ms` over answered calls; `avg_talk_time_ms`: talk time /
//!   answered, rounded to the millisecond, `null` when nothing was answered.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{CallDirection, CallStatus, DateRange, OrgId, PageLimit};
use serde::Serialize;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::page::{Page, TimeKey};
use crate::row::{FromRow, all, get, parse, parse_nullable};
use crate::{StoreError, Tx};

/// Which calls a report covers.
#[derive(Clone, Copy, Debug)]
pub struct CallFilter<'a> {
    pub range: DateRange,
    pub direction: Option<CallDirection>,
    pub status: Option<CallStatus>,
    /// Free text matched (case-insensitively, anywhere) against numbers, names and extensions.
    pub search: Option<&'a str>,
}

impl CallFilter<'_> {
    /// Everything in `range`.
    pub fn all(range: DateRange) -> Self {
        Self {
            range,
            direction: None,
            status: None,
            search: None,
        }
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

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct CallRow {
    pub id: Uuid,
    pub external_id: String,
    pub started_at: DateTime<Utc>,
    pub direction: CallDirection,
    pub status: Option<CallStatus>,
    pub duration_ms: Option<i64>,
    pub business_number: Option<String>,
    pub caller_number: Option<String>,
    pub caller_name: Option<String>,
    pub caller_extension: Option<String>,
    pub called_number: Option<String>,
    pub called_name: Option<String>,
    pub agent_extension: Option<String>,
    pub recording_url: Option<String>,
}

impl FromRow for CallRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "id")?,
            external_id: get(row, "external_id")?,
            started_at: get(row, "started_at")?,
            direction: parse(row, "direction")?,
            status: parse_nullable(row, "status")?,
            duration_ms: get(row, "duration_ms")?,
            business_number: get(row, "business_number")?,
            caller_number: get(row, "caller_number")?,
            caller_name: get(row, "caller_name")?,
            caller_extension: get(row, "caller_extension")?,
            called_number: get(row, "called_number")?,
            called_name: get(row, "called_name")?,
            agent_extension: get(row, "agent_extension")?,
            recording_url: get(row, "recording_url")?,
        })
    }
}

/// One page of calls, newest first, inside the caller's transaction.
pub async fn list_calls(
    tx: &Tx,
    org: OrgId,
    filter: &CallFilter<'_>,
    after: Option<TimeKey>,
    limit: PageLimit,
) -> Result<Page<CallRow, TimeKey>, StoreError> {
    let (from, to) = filter.range.window();
    let sql = format!(
        "select id, external_id, started_at, direction, status, duration_ms, business_number,
                caller_number, caller_name, caller_extension, called_number, called_name,
                agent_extension, recording_url
         from calls
         where org_id = $1 and started_at >= $2 and started_at < $3
           and ($4::text is null or direction = $4) and ($5::text is null or status = $5)
           and ($6::text is null or {search})
           and ($7::timestamptz is null or (started_at, id) < ($7, $8))
         order by started_at desc, id desc
         limit $9",
        search = search_clause("$6")
    );
    let rows = tx
        .client()
        .query(
            &sql,
            &[
                &org.as_uuid(),
                &from,
                &to,
                &filter.direction(),
                &filter.status(),
                &filter.pattern(),
                &after.map(|k| k.at),
                &after.map(|k| k.id),
                &(limit.get() + 1),
            ],
        )
        .await?;
    let calls = all(&rows)?;
    Ok(Page::from_overfetch(calls, limit.get(), |c: &CallRow| {
        TimeKey {
            at: c.started_at,
            id: c.id,
        }
    }))
}

/// Counts and talk time of a set of calls (see the module docs for the definitions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CallStats {
    pub total: i64,
    pub answered: i64,
    pub missed: i64,
    pub voicemail: i64,
    pub answer_rate: Option<f64>,
    pub talk_time_ms: i64,
    pub avg_talk_time_ms: Option<i64>,
}

impl CallStats {
    pub fn new(total: i64, answered: i64, missed: i64, voicemail: i64, talk_time_ms: i64) -> Self {
        Self {
            total,
            answered,
            missed,
            voicemail,
            answer_rate: (total > 0).then(|| answered as f64 / total as f64),
            talk_time_ms,
            avg_talk_time_ms: (answered > 0).then(|| (talk_time_ms + answered / 2) / answered),
        }
    }
}

/// The five sums of [`STATS`], by their names (all null for a day without calls).
impl FromRow for CallStats {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let n = |column| get::<Option<i64>>(row, column).map(Option::unwrap_or_default);
        Ok(Self::new(
            n("total")?,
            n("answered")?,
            n("missed")?,
            n("voicemail")?,
            n("talk_ms")?,
        ))
    }
}

impl std::ops::Add for CallStats {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self::new(
            self.total + other.total,
            self.answered + other.answered,
            self.missed + other.missed,
            self.voicemail + other.voicemail,
            self.talk_time_ms + other.talk_time_ms,
        )
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct DailyRow {
    pub day: NaiveDate,
    #[serde(flatten)]
    pub stats: CallStats,
}

impl FromRow for DailyRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            day: get(row, "day")?,
            stats: CallStats::from_row(row)?,
        })
    }
}

/// What a grouped report is keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Agent,
    Number,
}

/// The group of a [`GroupRow`], serialised as the field it names; `null` gathers the calls without
/// an agent (or without a business number).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub enum GroupKey {
    #[serde(rename = "agent_extension")]
    Agent(Option<String>),
    #[serde(rename = "business_number")]
    Number(Option<String>),
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GroupRow {
    #[serde(flatten)]
    pub key: GroupKey,
    #[serde(flatten)]
    pub stats: CallStats,
}

/// Sums over a source of (day, key, direction, status, calls, talk_ms) rows.
const STATS: &str = "sum(calls)::bigint as total,
    (sum(calls) filter (where status = 'connected'))::bigint as answered,
    (sum(calls) filter (where status in ('missed', 'dropped')))::bigint as missed,
    (sum(calls) filter (where status = 'voicemail'))::bigint as voicemail,
    sum(talk_ms)::bigint as talk_ms";

/// The rollups answer unless the report searches call details, which only `calls` holds.
const FROM_ROLLUPS: &str = "select day, key, direction, status, calls, talk_ms from call_rollups
    where org_id = $1 and grain = $2 and day between $3 and $4";

/// The same rows as the rollups would give, computed from the calls that match the search ($9).
fn from_calls() -> String {
    format!(
        "select (started_at at time zone 'UTC')::date as day,
                case $2::text when 'agent' then coalesce(agent_extension, '')
                              when 'number' then coalesce(business_number, '') else '' end as key,
                direction, coalesce(status, '') as status, 1::bigint as calls,
                case when status = 'connected' then coalesce(duration_ms, 0) else 0 end as talk_ms
         from calls
         where org_id = $1 and started_at >= $3::date::timestamp at time zone 'UTC'
           and started_at < ($4::date + 1)::timestamp at time zone 'UTC'
           and ({search})",
        search = search_clause("$9")
    )
}

const FILTERS: &str = "($5::text is null or direction = $5) and ($6::text is null or status = $6)";

#[derive(Clone, Copy)]
enum Grain {
    Day,
    Agent,
    Number,
}

impl Grain {
    fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Agent => "agent",
            Self::Number => "number",
        }
    }
}

/// Runs an aggregate `select` written over `src` with parameters $1..$8 (org, grain, start, end,
/// direction, status, cursor, limit), adding the search as $9 when there is one.
async fn aggregate(
    tx: &Tx,
    org: OrgId,
    grain: Grain,
    filter: &CallFilter<'_>,
    after: &(dyn ToSql + Sync),
    limit: i64,
    select: &str,
) -> Result<Vec<Row>, StoreError> {
    let pattern = filter.pattern();
    let source = match pattern {
        Some(_) => from_calls(),
        None => FROM_ROLLUPS.to_owned(),
    };
    let sql = format!("with src as ({source}) {select}");
    let org = org.as_uuid();
    let (start, end) = (filter.range.start(), filter.range.end());
    let (direction, status) = (filter.direction(), filter.status());
    let grain = grain.as_str();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![
        &org, &grain, &start, &end, &direction, &status, after, &limit,
    ];
    if let Some(pattern) = &pattern {
        params.push(pattern);
    }
    Ok(tx.client().query(&sql, &params).await?)
}

/// One row per UTC day of the range, days without calls included, oldest first.
pub async fn daily(
    tx: &Tx,
    org: OrgId,
    filter: &CallFilter<'_>,
    after: Option<NaiveDate>,
    limit: PageLimit,
) -> Result<Page<DailyRow, NaiveDate>, StoreError> {
    let rows = daily_rows(tx, org, filter, after, limit.get() + 1).await?;
    Ok(Page::from_overfetch(rows, limit.get(), |r: &DailyRow| {
        r.day
    }))
}

async fn daily_rows(
    tx: &Tx,
    org: OrgId,
    filter: &CallFilter<'_>,
    after: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<DailyRow>, StoreError> {
    let select = format!(
        "select s.day::date as day, a.total, a.answered, a.missed, a.voicemail, a.talk_ms
         from generate_series($3::date, $4::date, interval '1 day') s (day)
         left join (select day, {STATS} from src where {FILTERS} group by day) a
           on a.day = s.day::date
         where $7::date is null or s.day::date > $7
         order by 1
         limit $8"
    );
    let rows = aggregate(tx, org, Grain::Day, filter, &after, limit, &select).await?;
    all(&rows)
}

/// Every day of `range` with its statistics, for the dashboard's chart (at most 366 rows).
pub async fn daily_series(
    tx: &Tx,
    org: OrgId,
    range: DateRange,
) -> Result<Vec<DailyRow>, StoreError> {
    daily_rows(
        tx,
        org,
        &CallFilter::all(range),
        None,
        DateRange::MAX_DAYS as i64,
    )
    .await
}

/// One row per agent extension or business number, ordered by it (calls without one first).
pub async fn grouped(
    tx: &Tx,
    org: OrgId,
    by: GroupBy,
    filter: &CallFilter<'_>,
    after: Option<&str>,
    limit: PageLimit,
) -> Result<Page<GroupRow, String>, StoreError> {
    let select = format!(
        "select key, {STATS} from src
         where {FILTERS} and ($7::text is null or key > $7)
         group by key
         order by key
         limit $8"
    );
    let grain = match by {
        GroupBy::Agent => Grain::Agent,
        GroupBy::Number => Grain::Number,
    };
    let rows = aggregate(tx, org, grain, filter, &after, limit.get() + 1, &select).await?;
    let rows = rows
        .iter()
        .map(|r| {
            let key = Some(get::<String>(r, "key")?).filter(|k| !k.is_empty());
            Ok(GroupRow {
                key: match by {
                    GroupBy::Agent => GroupKey::Agent(key),
                    GroupBy::Number => GroupKey::Number(key),
                },
                stats: CallStats::from_row(r)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Page::from_overfetch(
        rows,
        limit.get(),
        |r: &GroupRow| match &r.key {
            GroupKey::Agent(k) | GroupKey::Number(k) => k.clone().unwrap_or_default(),
        },
    ))
}
