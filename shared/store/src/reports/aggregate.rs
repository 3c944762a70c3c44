//! Statistics per local day, agent, business number and local hour of the week, and for a whole
//! range. Two queries per report: the sums (from `call_rollups`, or from the calls themselves when
//! the report searches call details or the reader is an agent scoped to their own calls), and the
//! inbound facts that are not sums (longest wait, distinct repeat callers, callback times), read
//! from the covering index of inbound calls.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{OrgId, PageLimit};
use serde::Serialize;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::stats::{InboundFacts, Sums};
use super::{CallFilter, CallStats, CallView, ReportTerms, search_clause};
use crate::page::Page;
use crate::row::{FromRow, get};
use crate::{StoreError, Tx};

/// How calls are grouped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Day,
    Hour,
    Agent,
    Number,
    Total,
}

/// (ISO weekday − 1) × 24 + local hour, as three digits: the hour-of-week key of V14's rollups.
const HOUR_KEY: &str = "lpad(((extract(isodow from c.started_at at time zone o.time_zone) - 1) * 24
    + extract(hour from c.started_at at time zone o.time_zone))::int::text, 3, '0')";

impl Group {
    /// The rollup grain holding this group's sums.
    fn grain(self) -> &'static str {
        match self {
            Self::Day | Self::Total => "day",
            Self::Hour => "hour",
            Self::Agent => "agent",
            Self::Number => "number",
        }
    }

    /// The group of a call `c` of org `o`, as text (the local date for days).
    fn call_key(self) -> String {
        match self {
            Self::Day => {
                "to_char((c.started_at at time zone o.time_zone)::date, 'YYYY-MM-DD')".into()
            }
            Self::Hour => HOUR_KEY.into(),
            Self::Agent => "coalesce(c.agent_extension, '')".into(),
            Self::Number => "coalesce(c.business_number, '')".into(),
            Self::Total => "''".into(),
        }
    }
}

/// Sums over a source of rollup-shaped rows.
const SUMS: &str = "sum(calls)::bigint as total,
    (sum(calls) filter (where status = 'connected'))::bigint as answered,
    (sum(calls) filter (where status in ('missed', 'dropped')))::bigint as missed,
    (sum(calls) filter (where status = 'voicemail'))::bigint as voicemail,
    sum(talk_ms)::bigint as talk_ms,
    (sum(calls) filter (where direction = 'incoming'))::bigint as inbound,
    (sum(calls) filter (where direction = 'outgoing'))::bigint as outbound,
    sum(abandoned)::bigint as abandoned,
    sum(short_abandoned)::bigint as short_abandoned,
    sum(measured)::bigint as measured,
    sum(measured_short)::bigint as measured_short,
    sum(in_sla)::bigint as in_sla,
    sum(answered_measured)::bigint as answered_measured,
    sum(answer_wait_ms)::bigint as answer_wait_ms";

/// Parameters $1..$8 of every sums query: org, grain, first and last local day, direction,
/// status, cursor, limit.
const FROM_ROLLUPS: &str =
    "select day, key, direction, status, calls, talk_ms, abandoned, short_abandoned,
        measured, measured_short, in_sla, answered_measured, answer_wait_ms
    from call_rollups
    where org_id = $1 and grain = $2 and day between $3 and $4";

/// The rows the rollups would hold, computed from the calls the reader sees that match the search:
/// adds $9/$10 (the instant window), $11 (search pattern), $12/$13 (agent scope).
fn from_calls() -> String {
    format!(
        "select (c.started_at at time zone o.time_zone)::date as day,
                case $2::text when 'agent' then coalesce(c.agent_extension, '')
                              when 'number' then coalesce(c.business_number, '')
                              when 'hour' then {HOUR_KEY} else '' end as key,
                c.direction, coalesce(c.status, '') as status, 1::bigint as calls,
                case when c.status = 'connected' then coalesce(c.duration_ms, 0) else 0 end as talk_ms,
                m.abandoned, m.short_abandoned, m.measured, m.measured_short, m.in_sla,
                m.answered_measured, coalesce(m.answer_wait_ms, 0) as answer_wait_ms
         from calls c
         join organizations o on o.id = c.org_id
         cross join lateral private.call_measures(c.direction, c.status, c.duration_ms,
           c.wait_to_answer_ms, c.wait_to_end_ms, o.sla_target_seconds * 1000::bigint,
           o.short_abandon_seconds * 1000::bigint) m
         where c.org_id = $1 and c.started_at >= $9 and c.started_at < $10
           and (c.started_at at time zone o.time_zone)::date between $3 and $4
           and ($11::text is null or {search})
           and (not $12 or c.agent_extension = $13)",
        search = search_clause("$11")
    )
}

const FILTERS: &str = "($5::text is null or direction = $5) and ($6::text is null or status = $6)";

/// Whether the sums must come from the calls: the rollups hold neither call details nor agents'
/// own share of a day.
fn from_calls_needed(terms: &ReportTerms, filter: &CallFilter<'_>) -> bool {
    filter.search.is_some() || terms.view != CallView::Org
}

/// One report's reader, org, terms and filter.
#[derive(Clone, Copy)]
struct Query<'a> {
    tx: &'a Tx,
    org: OrgId,
    terms: &'a ReportTerms,
    filter: &'a CallFilter<'a>,
}

/// Runs a sums `select` written over `src` (parameters as [`FROM_ROLLUPS`] and [`from_calls`]).
async fn sums_query(
    q: Query<'_>,
    group: Group,
    after: &(dyn ToSql + Sync),
    limit: i64,
    select: &str,
) -> Result<Vec<Row>, StoreError> {
    let Query {
        tx,
        org,
        terms,
        filter,
    } = q;
    let calls = from_calls_needed(terms, filter);
    let source = if calls {
        from_calls()
    } else {
        FROM_ROLLUPS.to_owned()
    };
    let sql = format!("with src as ({source}) {select}");
    let org = org.as_uuid();
    let (start, end) = (filter.range.start(), filter.range.end());
    let (direction, status) = (filter.direction(), filter.status());
    let grain = group.grain();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![
        &org, &grain, &start, &end, &direction, &status, after, &limit,
    ];
    let (from, to) = terms.window(filter);
    let pattern = filter.pattern();
    let (scoped, extension) = terms.scope_params();
    if calls {
        params.extend_from_slice(&[&from, &to, &pattern, &scoped, &extension]);
    }
    Ok(tx.client().query(&sql, &params).await?)
}

/// The inbound facts of each group of the filter's calls in `[from, to)`, by group key.
async fn inbound_facts(
    q: Query<'_>,
    group: Group,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<HashMap<String, InboundFacts>, StoreError> {
    let Query {
        tx,
        org,
        terms,
        filter,
    } = q;
    const UNANSWERED: &str = "c.status in ('missed', 'dropped', 'voicemail')";
    let sql = format!(
        "select {key} as key,
                max(case when c.status = 'connected' then c.wait_to_answer_ms
                         when c.status in ('missed', 'dropped') then c.wait_to_end_ms end) as longest_wait_ms,
                count(distinct c.caller_number) filter (where c.next_inbound_at is not null) as repeat_callers,
                count(*) filter (where {UNANSWERED} and c.caller_number is not null) as unanswered_with_number,
                count(*) filter (where {UNANSWERED} and c.callback_at is not null) as callbacks,
                count(*) filter (where {UNANSWERED} and c.callback_at <= c.started_at + interval '1 hour')
                  as callbacks_within_1h,
                (extract(epoch from percentile_disc(0.5) within group
                  (order by case when {UNANSWERED} then c.callback_at - c.started_at end)) * 1000)::bigint
                  as callback_p50_ms,
                (extract(epoch from percentile_disc(0.9) within group
                  (order by case when {UNANSWERED} then c.callback_at - c.started_at end)) * 1000)::bigint
                  as callback_p90_ms
         from calls c
         join organizations o on o.id = c.org_id
         where c.org_id = $1 and c.direction = 'incoming' and c.started_at >= $2 and c.started_at < $3
           and ($4::text is null or c.direction = $4) and ($5::text is null or c.status = $5)
           and ($6::text is null or {search})
           and (not $7 or c.agent_extension = $8)
         group by 1",
        key = group.call_key(),
        search = search_clause("$6"),
    );
    let (scoped, extension) = terms.scope_params();
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
                &scoped,
                &extension,
            ],
        )
        .await?;
    rows.iter()
        .map(|row| Ok((get(row, "key")?, InboundFacts::from_row(row)?)))
        .collect()
}

/// The stats of a sums row and the facts of its group.
fn stats(
    row: &Row,
    facts: &HashMap<String, InboundFacts>,
    key: &str,
    terms: &ReportTerms,
) -> Result<CallStats, StoreError> {
    Ok(CallStats::new(
        Sums::from_row(row)?,
        facts.get(key).copied().unwrap_or_default(),
        terms.sla_target_percent,
    ))
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct DailyRow {
    /// A local day of the org's time zone.
    pub day: NaiveDate,
    #[serde(flatten)]
    pub stats: CallStats,
}

/// One row per local day of the range, days without calls included, oldest first.
pub async fn daily(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<NaiveDate>,
    limit: PageLimit,
) -> Result<Page<DailyRow, NaiveDate>, StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    let rows = daily_rows(q, after, limit.get() + 1).await?;
    Ok(Page::from_overfetch(rows, limit.get(), |r: &DailyRow| {
        r.day
    }))
}

async fn daily_rows(
    q: Query<'_>,
    after: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<DailyRow>, StoreError> {
    let select = format!(
        "select s.day::date as day, a.*
         from generate_series($3::date, $4::date, interval '1 day') s (day)
         left join (select day as d, {SUMS} from src where {FILTERS} group by day) a
           on a.d = s.day::date
         where $7::date is null or s.day::date > $7
         order by 1
         limit $8"
    );
    let rows = sums_query(q, Group::Day, &after, limit, &select).await?;
    let days = rows
        .iter()
        .map(|row| get::<NaiveDate>(row, "day"))
        .collect::<Result<Vec<_>, _>>()?;
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Vec::new());
    };
    // The facts of this page's days only.
    let zone = q.terms.zone;
    let window = (
        zone.day_start(*first),
        zone.day_start(last.succ_opt().unwrap_or(*last)),
    );
    let facts = inbound_facts(q, Group::Day, window).await?;
    rows.iter()
        .zip(days)
        .map(|(row, day)| {
            Ok(DailyRow {
                day,
                stats: stats(row, &facts, &day.format("%Y-%m-%d").to_string(), q.terms)?,
            })
        })
        .collect()
}

/// Every local day of `range` with its statistics, for the dashboard's chart (at most 366 rows).
pub async fn daily_series(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
) -> Result<Vec<DailyRow>, StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    daily_rows(q, None, domain::DateRange::MAX_DAYS as i64).await
}

/// The whole range's statistics (the dashboard's tiles).
pub async fn totals(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
) -> Result<CallStats, StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    // One row: no cursor ($7) and a limit ($8) of one, named so that every parameter is typed.
    let select = format!("select {SUMS} from src where {FILTERS} and $7::text is null limit $8");
    let no_cursor: Option<String> = None;
    let rows = sums_query(q, Group::Total, &no_cursor, 1, &select).await?;
    let facts = inbound_facts(q, Group::Total, terms.window(filter)).await?;
    match rows.first() {
        Some(row) => stats(row, &facts, "", terms),
        None => Ok(CallStats::default()),
    }
}

/// One row per group key, ordered by it, with the facts of each; `keyed` builds the row.
async fn grouped<R>(
    q: Query<'_>,
    group: Group,
    (after, limit): (Option<&str>, PageLimit),
    select: &str,
    keyed: impl Fn(&Row, String, CallStats) -> Result<R, StoreError>,
    row_key: impl Fn(&R) -> String,
) -> Result<Page<R, String>, StoreError> {
    let rows = sums_query(q, group, &after, limit.get() + 1, select).await?;
    let facts = inbound_facts(q, group, q.terms.window(q.filter)).await?;
    let terms = q.terms;
    let rows = rows
        .iter()
        .map(|row| {
            let key: String = get(row, "key")?;
            let stats = stats(row, &facts, &key, terms)?;
            keyed(row, key, stats)
        })
        .collect::<Result<Vec<R>, StoreError>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), row_key))
}

/// A group key as the JSON shows it: `null` gathers the calls without one.
fn blank_is_none(key: String) -> Option<String> {
    Some(key).filter(|k| !k.is_empty())
}

const BY_KEY: &str = "select key, {SUMS} from src
    where {FILTERS} and ($7::text is null or key > $7)
    group by key order by key limit $8";

fn by_key() -> String {
    BY_KEY.replace("{SUMS}", SUMS).replace("{FILTERS}", FILTERS)
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct AgentRow {
    pub agent_extension: Option<String>,
    /// The name MightyCall shows for the extension on its calls, when known.
    pub agent_name: Option<String>,
    #[serde(flatten)]
    pub stats: CallStats,
}

/// One row per agent extension, ordered by it (calls without an agent first).
pub async fn agents(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<&str>,
    limit: PageLimit,
) -> Result<Page<AgentRow, String>, StoreError> {
    let select = format!(
        "select g.*, a.name as agent_name from ({}) g
         left join mightycall_agents a on a.org_id = $1 and a.extension = g.key
         order by g.key",
        by_key()
    );
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    grouped(
        q,
        Group::Agent,
        (after, limit),
        &select,
        |row, key, stats| {
            Ok(AgentRow {
                agent_extension: blank_is_none(key),
                agent_name: get(row, "agent_name")?,
                stats,
            })
        },
        |r| r.agent_extension.clone().unwrap_or_default(),
    )
    .await
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct NumberRow {
    pub business_number: Option<String>,
    #[serde(flatten)]
    pub stats: CallStats,
}

/// One row per business number, ordered by it (calls without one first).
pub async fn numbers(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<&str>,
    limit: PageLimit,
) -> Result<Page<NumberRow, String>, StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    grouped(
        q,
        Group::Number,
        (after, limit),
        &by_key(),
        |_, key, stats| {
            Ok(NumberRow {
                business_number: blank_is_none(key),
                stats,
            })
        },
        |r| r.business_number.clone().unwrap_or_default(),
    )
    .await
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct HourRow {
    /// ISO weekday of the org's local time: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Local hour, 0–23.
    pub hour: u8,
    #[serde(flatten)]
    pub stats: CallStats,
}

impl HourRow {
    fn key(&self) -> String {
        format!(
            "{:03}",
            (u16::from(self.weekday) - 1) * 24 + u16::from(self.hour)
        )
    }
}

/// The 168 hours of the local week (every one, with or without calls), Monday 00:00 first.
pub async fn hourly(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<&str>,
    limit: PageLimit,
) -> Result<Page<HourRow, String>, StoreError> {
    let select = format!(
        "select k.key, a.*
         from generate_series(0, 167) s (n)
         cross join lateral (select lpad(s.n::text, 3, '0') as key) k
         left join (select key as g, {SUMS} from src where {FILTERS} group by key) a on a.g = k.key
         where $7::text is null or k.key > $7
         order by k.key
         limit $8"
    );
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    grouped(
        q,
        Group::Hour,
        (after, limit),
        &select,
        |_, key, stats| {
            let n: u8 = key.parse().map_err(|_| StoreError::UnknownValue("key"))?;
            Ok(HourRow {
                weekday: n / 24 + 1,
                hour: n % 24,
                stats,
            })
        },
        HourRow::key,
    )
    .await
}
