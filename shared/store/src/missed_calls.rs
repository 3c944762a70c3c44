//! The missed-call worklist: an org's inbound calls that were missed, dropped or went to voicemail,
//! one item per caller number and return. Each miss's return is the org's first outbound call to
//! that number after it; the misses that share a return (or, still open, share none) are one item,
//! named by its first miss. A resolution covers its caller's misses up to its time.

use chrono::{DateTime, FixedOffset, Utc};
use domain::{OrgId, OrgRole, PageLimit, TimeZone};
use serde::{Deserialize, Serialize};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::access::caller_holds;
use crate::page::{Page, TimeKey};
use crate::reports::ReportTerms;
use crate::row::{FromRow, all, get, optional};
use crate::{StoreError, Tx};

/// Where an item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MissedStatus {
    /// Not called back, not resolved.
    Open,
    /// The org called the number back after the last miss.
    Returned,
    /// A manager marked the caller handled otherwise.
    Resolved,
}

impl MissedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Returned => "returned",
            Self::Resolved => "resolved",
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MissedCall {
    /// The first miss of the item (the id `…/resolve` takes).
    pub id: Uuid,
    pub caller_number: String,
    /// The caller's name on their latest miss, when MightyCall knew it.
    pub caller_name: Option<String>,
    /// The business number the caller dialled last.
    pub business_number: Option<String>,
    pub status: MissedStatus,
    /// Missed calls from this number in the item.
    pub attempts: i64,
    /// With the offset of the org's zone at that instant.
    pub first_at: DateTime<FixedOffset>,
    pub last_at: DateTime<FixedOffset>,
    /// The longest time a caller waited before hanging up or reaching voicemail, when the webhook
    /// timeline says.
    pub longest_wait_ms: Option<i64>,
    /// The org's first outbound call to the number after the last miss.
    pub returned_at: Option<DateTime<FixedOffset>>,
    pub resolution: Option<Resolution>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Resolution {
    pub resolved_at: DateTime<FixedOffset>,
    pub resolved_by: Option<Uuid>,
    pub note: Option<String>,
}

impl FromRow for MissedCall {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let status = match (
            get::<Option<DateTime<Utc>>>(row, "returned_at")?,
            get::<Option<DateTime<Utc>>>(row, "resolved_at")?,
        ) {
            (Some(_), _) => MissedStatus::Returned,
            (None, Some(_)) => MissedStatus::Resolved,
            (None, None) => MissedStatus::Open,
        };
        let resolution = get::<Option<DateTime<Utc>>>(row, "resolved_at")?
            .map(|at| {
                Ok::<_, StoreError>(Resolution {
                    resolved_at: at.fixed_offset(),
                    resolved_by: get(row, "resolved_by")?,
                    note: get(row, "note")?,
                })
            })
            .transpose()?;
        Ok(Self {
            id: get(row, "id")?,
            caller_number: get(row, "caller_number")?,
            caller_name: get(row, "caller_name")?,
            business_number: get(row, "business_number")?,
            status,
            attempts: get(row, "attempts")?,
            first_at: get::<DateTime<Utc>>(row, "first_at")?.fixed_offset(),
            last_at: get::<DateTime<Utc>>(row, "last_at")?.fixed_offset(),
            longest_wait_ms: get(row, "longest_wait_ms")?,
            returned_at: get::<Option<DateTime<Utc>>>(row, "returned_at")?
                .map(|at| at.fixed_offset()),
            resolution,
        })
    }
}

impl MissedCall {
    /// Times shown with the offset of `zone`.
    fn in_zone(self, zone: TimeZone) -> Self {
        let local = |at: DateTime<FixedOffset>| zone.local(at.to_utc());
        Self {
            first_at: local(self.first_at),
            last_at: local(self.last_at),
            returned_at: self.returned_at.map(local),
            resolution: self.resolution.map(|r| Resolution {
                resolved_at: local(r.resolved_at),
                ..r
            }),
            ..self
        }
    }
}

/// The items of the misses chosen by `misses` (a `where` over `calls c`, parameters from $4 on),
/// with $1 the org and $2/$3 the reader's scope (scoped readers see their extension's calls only,
/// returns included, as RLS shows them). Misses without a caller number cannot be returned and are
/// not listed.
fn items(misses: &str) -> String {
    format!(
        "with misses as (
           select c.id, c.caller_number, c.caller_name, c.business_number, c.started_at,
                  c.wait_to_end_ms,
                  (select min(b.started_at) from calls b
                   where b.org_id = $1 and b.direction = 'outgoing' and b.called_number = c.caller_number
                     and b.started_at > c.started_at and (not $2 or b.agent_extension = $3)) as returned_at
           from calls c
           where c.org_id = $1 and c.direction = 'incoming'
             and c.status in ('missed', 'dropped', 'voicemail') and c.caller_number is not null
             and (not $2 or c.agent_extension = $3) and {misses}),
         items as (
           select (array_agg(id order by started_at, id))[1] as id, caller_number,
                  (array_agg(caller_name order by started_at desc, id desc)
                     filter (where caller_name is not null))[1] as caller_name,
                  (array_agg(business_number order by started_at desc, id desc))[1] as business_number,
                  count(*) as attempts, min(started_at) as first_at, max(started_at) as last_at,
                  max(wait_to_end_ms) as longest_wait_ms, returned_at, array_agg(id) as miss_ids
           from misses
           group by caller_number, returned_at)
         select i.*, r.resolved_at, r.resolved_by, r.note,
                case when i.returned_at is not null then 'returned'
                     when r.resolved_at is not null then 'resolved' else 'open' end as status
         from items i
         left join lateral (
           select r.resolved_at, r.resolved_by, r.note from missed_call_resolutions r
           where r.org_id = $1 and r.caller_number = i.caller_number and r.resolved_at >= i.last_at
           order by r.resolved_at limit 1) r on true"
    )
}

/// One page of the items whose misses fall in `[from, to)` with `status`, newest last miss first.
pub async fn list(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    status: MissedStatus,
    after: Option<TimeKey>,
    limit: PageLimit,
) -> Result<Page<MissedCall, TimeKey>, StoreError> {
    let (scoped, extension) = terms.view.params();
    let sql = format!(
        "select * from ({}) w
         where w.status = $6 and ($7::timestamptz is null or (w.last_at, w.id) < ($7, $8))
         order by w.last_at desc, w.id desc
         limit $9",
        items("c.started_at >= $4 and c.started_at < $5")
    );
    let statement = tx.prepare_cached(&sql).await?;
    let rows = tx
        .client()
        .query(
            &statement,
            &[
                &org.as_uuid(),
                &scoped,
                &extension,
                &from,
                &to,
                &status.as_str(),
                &after.map(|k| k.at),
                &after.map(|k| k.id),
                &(limit.get() + 1),
            ],
        )
        .await?;
    let items = all::<MissedCall>(&rows)?
        .into_iter()
        .map(|item| item.in_zone(terms.zone))
        .collect();
    Ok(Page::from_overfetch(
        items,
        limit.get(),
        |i: &MissedCall| TimeKey {
            at: i.last_at.to_utc(),
            id: i.id,
        },
    ))
}

/// The item miss `call` belongs to, if the reader sees it as a miss with a caller number.
pub async fn item_of(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    call: Uuid,
) -> Result<Option<MissedCall>, StoreError> {
    let (scoped, extension) = terms.view.params();
    // The items of the call's caller; the one whose misses include it.
    let sql = format!(
        "select w.* from ({}) w where $4 = any(w.miss_ids)",
        items(
            "c.caller_number = (select k.caller_number from calls k where k.org_id = $1 and k.id = $4)"
        )
    );
    let statement = tx.prepare_cached(&sql).await?;
    let row = tx
        .client()
        .query_opt(&statement, &[&org.as_uuid(), &scoped, &extension, &call])
        .await?;
    Ok(optional::<MissedCall>(row)?.map(|item| item.in_zone(terms.zone)))
}

/// The org of call `call`, as the reader sees it.
pub async fn org_of_call(tx: &Tx, call: Uuid) -> Result<Option<OrgId>, StoreError> {
    let statement = tx
        .prepare_cached("select org_id from calls where id = $1")
        .await?;
    let row = tx.client().query_opt(&statement, &[&call]).await?;
    row.map(|r| get::<Uuid>(&r, "org_id").map(OrgId::new))
        .transpose()
}

/// Who resolves: org admins and managers (and platform admins).
const RESOLVERS: [OrgRole; 2] = [OrgRole::OrgAdmin, OrgRole::OrgManager];

/// Marks `item`'s caller handled up to now, by `resolved_by`. [`StoreError::Denied`] unless the
/// caller may resolve in `org`: users cannot write the table, so the insert runs as `service_role`
/// once that is checked under the caller's RLS.
pub async fn resolve(
    tx: &Tx,
    org: OrgId,
    item: &MissedCall,
    resolved_by: Uuid,
    note: Option<&str>,
) -> Result<(), StoreError> {
    if !caller_holds(tx, org, &RESOLVERS).await? {
        return Err(StoreError::Denied);
    }
    tx.as_service_role(async {
        tx.client()
            .execute(
                "insert into missed_call_resolutions (org_id, caller_number, call_id, note, resolved_by)
                 values ($1, $2, $3, $4, $5)",
                &[
                    &org.as_uuid(),
                    &item.caller_number,
                    &item.id,
                    &note,
                    &resolved_by,
                ],
            )
            .await?;
        Ok(())
    })
    .await
}
