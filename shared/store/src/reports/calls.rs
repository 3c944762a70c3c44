//! The call list.

use chrono::{DateTime, FixedOffset};
use domain::{CallDirection, CallStatus, OrgId, PageLimit};
use serde::Serialize;
use tokio_postgres::Row;
use uuid::Uuid;

use super::{CallFilter, ReportTerms, search_clause};
use crate::page::{Page, TimeKey};
use crate::row::{FromRow, all, get, parse, parse_nullable};
use crate::{StoreError, Tx};

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct CallRow {
    pub id: Uuid,
    pub external_id: String,
    /// With the offset of the org's zone at that instant.
    pub started_at: DateTime<FixedOffset>,
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
    /// MightyCall recorded the call. Its link is never shown: the audio plays through the
    /// recordings list's row (`/api/mightycall/recordings/{id}/audio`).
    pub has_recording: bool,
}

impl FromRow for CallRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "id")?,
            external_id: get(row, "external_id")?,
            started_at: get::<DateTime<chrono::Utc>>(row, "started_at")?.fixed_offset(),
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
            has_recording: get(row, "has_recording")?,
        })
    }
}

/// A call with the recordings list's row that plays it, if one was synced.
#[derive(Clone, Debug)]
pub struct CallDetail {
    pub call: CallRow,
    pub recording: Option<Uuid>,
}

/// Call `id` if the reader sees it (the view, and RLS), its time in the org's zone.
pub async fn find_call(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    id: Uuid,
) -> Result<Option<CallDetail>, StoreError> {
    let (scoped, extension) = terms.scope_params();
    let row = tx
        .client()
        .query_opt(
            "select c.id, c.external_id, c.started_at, c.direction, c.status, c.duration_ms,
                    c.business_number, c.caller_number, c.caller_name, c.caller_extension,
                    c.called_number, c.called_name, c.agent_extension,
                    c.recording_url is not null as has_recording,
                    (select r.id from mightycall_recordings r
                     where r.org_id = c.org_id and r.call_external_id = c.external_id
                       and (not $3 or r.agent_extension = $4)
                     order by r.recorded_at desc, r.id limit 1) as recording
             from calls c
             where c.org_id = $1 and c.id = $2 and (not $3 or c.agent_extension = $4)",
            &[&org.as_uuid(), &id, &scoped, &extension],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let call = CallRow::from_row(&row)?;
    Ok(Some(CallDetail {
        call: CallRow {
            started_at: terms.zone.local(call.started_at.to_utc()),
            ..call
        },
        recording: get(&row, "recording")?,
    }))
}

/// One page of calls, newest first, inside the caller's transaction.
pub async fn list_calls(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<TimeKey>,
    limit: PageLimit,
) -> Result<Page<CallRow, TimeKey>, StoreError> {
    let (from, to) = terms.window(filter);
    let (scoped, extension) = terms.scope_params();
    let sql = format!(
        "select id, external_id, started_at, direction, status, duration_ms, business_number,
                caller_number, caller_name, caller_extension, called_number, called_name,
                agent_extension, recording_url is not null as has_recording
         from calls
         where org_id = $1 and started_at >= $2 and started_at < $3
           and ($4::text is null or direction = $4) and ($5::text is null or status = $5)
           and ($6::text is null or {search})
           and ($7::timestamptz is null or (started_at, id) < ($7, $8))
           and (not $10 or agent_extension = $11)
           and ($12::text is null or agent_extension = $12)
           and ($13::text is null or business_number = $13)
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
                &scoped,
                &extension,
                &filter.agent(),
                &filter.number(),
            ],
        )
        .await?;
    let calls = all::<CallRow>(&rows)?
        .into_iter()
        .map(|c| CallRow {
            started_at: terms.zone.local(c.started_at.to_utc()),
            ..c
        })
        .collect();
    Ok(Page::from_overfetch(calls, limit.get(), |c: &CallRow| {
        TimeKey {
            at: c.started_at.to_utc(),
            id: c.id,
        }
    }))
}
