//! Lists of the MightyCall data the sync engine copied: phone numbers, recordings, voicemails, SMS
//! messages and contacts. Every query runs in the caller's transaction, so RLS filters it too.
//!
//! Times are read as UTC and shown in the org's zone: each row's `in_zone` gives every time the
//! zone's offset at that instant (`2026-07-01T08:00:00-04:00`).

use chrono::{DateTime, FixedOffset, Utc};
use domain::{OrgId, PageLimit, TimeZone};
use serde::Serialize;
use serde_json::Value;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::page::{Page, TimeKey};
use crate::reports::CallView;
use crate::row::{FromRow, all, get};
use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PhoneNumberRow {
    pub id: Uuid,
    pub external_id: String,
    pub number: String,
    pub label: Option<String>,
    pub description: Option<String>,
    pub is_enabled: bool,
    pub is_primary: bool,
    pub is_toll_free: bool,
    pub is_international: bool,
    pub sms_mode: Option<String>,
    pub is_mms_enabled: bool,
    pub call_recording_mode: Option<String>,
    pub may_text: bool,
    pub may_call: bool,
    pub synced_at: DateTime<FixedOffset>,
}

/// The org's current business numbers (deleted ones left out), by number. An account has a handful,
/// so there is no paging.
pub async fn phone_numbers(tx: &Tx, org: OrgId) -> Result<Vec<PhoneNumberRow>, StoreError> {
    let rows = tx
        .client()
        .query(
            "select id, external_id, number, label, description, is_enabled, is_primary, is_toll_free,
                    is_international, sms_mode, is_mms_enabled, call_recording_mode, may_text, may_call,
                    synced_at
             from phone_numbers where org_id = $1 and deleted_at is null
             order by number, id",
            &[&org.as_uuid()],
        )
        .await?;
    all(&rows)
}

impl PhoneNumberRow {
    /// The row with its time shown in `zone`.
    pub fn in_zone(self, zone: TimeZone) -> Self {
        Self {
            synced_at: zone.local(self.synced_at.to_utc()),
            ..self
        }
    }
}

impl FromRow for PhoneNumberRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "id")?,
            external_id: get(row, "external_id")?,
            number: get(row, "number")?,
            label: get(row, "label")?,
            description: get(row, "description")?,
            is_enabled: get(row, "is_enabled")?,
            is_primary: get(row, "is_primary")?,
            is_toll_free: get(row, "is_toll_free")?,
            is_international: get(row, "is_international")?,
            sms_mode: get(row, "sms_mode")?,
            is_mms_enabled: get(row, "is_mms_enabled")?,
            call_recording_mode: get(row, "call_recording_mode")?,
            may_text: get(row, "may_text")?,
            may_call: get(row, "may_call")?,
            synced_at: get(row, "synced_at")?,
        })
    }
}

/// A synced table listed newest first by one timestamp and paged by (timestamp, id); each has an
/// index on (org_id, that timestamp desc, id desc).
pub trait Listed: FromRow {
    const TABLE: &'static str;
    /// The sort and date-range expression; the index must be on exactly this expression.
    const SORT: &'static str;
    const COLUMNS: &'static str;
    /// Extra `and …` conditions.
    const WHERE: &'static str = "";
    /// The column naming the agent's extension, for agents who see only their own calls' rows.
    const AGENT: Option<&'static str> = None;

    /// The row with its times shown in `zone`.
    fn in_zone(self, zone: TimeZone) -> Self;
}

/// A half-open instant window `[from, to)`, no bound where `None`.
pub type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The rows of `T` in `window` that `view` shows ($1 org, $2 from, $3 to, then $4/$5 scoped and
/// extension when `T` names an agent); list and count share it.
fn scope_sql<T: Listed>() -> String {
    let agent = T::AGENT
        .map(|column| format!("and (not $4 or {column} = $5)"))
        .unwrap_or_default();
    format!(
        "from {table}
         where org_id = $1 {extra} {agent}
           and ($2::timestamptz is null or {sort} >= $2) and ($3::timestamptz is null or {sort} < $3)",
        sort = T::SORT,
        table = T::TABLE,
        extra = T::WHERE,
    )
}

/// The parameters of [`scope_sql`], then the first free parameter's number.
fn scope_params<'a, T: Listed>(
    org: &'a uuid::Uuid,
    window: &'a Window,
    view: &'a (bool, Option<&'a str>),
) -> (Vec<&'a (dyn ToSql + Sync)>, usize) {
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![org, &window.0, &window.1];
    if T::AGENT.is_some() {
        params.extend_from_slice(&[&view.0, &view.1]);
    }
    let next = params.len() + 1;
    (params, next)
}

/// One page of `T` in `window`, newest first, as `view` shows it.
pub async fn list<T: Listed>(
    tx: &Tx,
    org: OrgId,
    window: Window,
    view: &CallView,
    after: Option<TimeKey>,
    limit: PageLimit,
) -> Result<Page<T, TimeKey>, StoreError> {
    let org = org.as_uuid();
    let scoped = view.params();
    let (mut params, n) = scope_params::<T>(&org, &window, &scoped);
    let sql = format!(
        "select {sort} as sort_at, id as sort_id, {columns}
         {scope}
           and (${n}::timestamptz is null or ({sort}, id) < (${n}, ${m}))
         order by {sort} desc, id desc
         limit ${l}",
        sort = T::SORT,
        columns = T::COLUMNS,
        scope = scope_sql::<T>(),
        m = n + 1,
        l = n + 2,
    );
    let (at, id, overfetch) = (after.map(|k| k.at), after.map(|k| k.id), limit.get() + 1);
    params.extend_from_slice(&[&at, &id, &overfetch]);
    let rows = tx.client().query(&sql, &params).await?;
    let keyed = rows
        .iter()
        .map(|r| {
            let key = TimeKey {
                at: get(r, "sort_at")?,
                id: get(r, "sort_id")?,
            };
            Ok((key, T::from_row(r)?))
        })
        .collect::<Result<_, StoreError>>()?;
    let page = Page::from_overfetch(keyed, limit.get(), |(key, _): &(TimeKey, T)| *key);
    Ok(Page {
        rows: page.rows.into_iter().map(|(_, row)| row).collect(),
        next: page.next,
    })
}

/// How many rows of `T` [`list`] pages through in `window` (the same index answers).
pub async fn count<T: Listed>(
    tx: &Tx,
    org: OrgId,
    window: Window,
    view: &CallView,
) -> Result<i64, StoreError> {
    let org = org.as_uuid();
    let scoped = view.params();
    let (params, _) = scope_params::<T>(&org, &window, &scoped);
    let sql = format!("select count(*) as rows {}", scope_sql::<T>());
    let row = tx.client().query_one(&sql, &params).await?;
    get(&row, "rows")
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RecordingRow {
    pub id: Uuid,
    pub external_id: String,
    pub call_external_id: Option<String>,
    pub recorded_at: DateTime<FixedOffset>,
    pub duration_ms: Option<i64>,
    pub direction: String,
    pub business_number: Option<String>,
    pub caller_number: Option<String>,
    pub called_number: Option<String>,
    pub agent_extension: Option<String>,
    /// The API path that plays the audio (`/api/mightycall/recordings/{id}/audio`); MightyCall's
    /// own link is never shown.
    pub audio_path: String,
    pub file_name: Option<String>,
}

impl Listed for RecordingRow {
    const TABLE: &'static str = "mightycall_recordings";
    const AGENT: Option<&'static str> = Some("agent_extension");
    const SORT: &'static str = "recorded_at";
    const COLUMNS: &'static str =
        "external_id, call_external_id, recorded_at, duration_ms, direction,
        business_number, caller_number, called_number, agent_extension, file_name";

    fn in_zone(self, zone: TimeZone) -> Self {
        Self {
            recorded_at: zone.local(self.recorded_at.to_utc()),
            ..self
        }
    }
}

/// The API path that plays a recording or voicemail row's audio (`list` is its list's path).
fn audio_path(list: &str, id: Uuid) -> String {
    format!("/api/mightycall/{list}/{id}/audio")
}

impl FromRow for RecordingRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let id = get(row, "sort_id")?;
        Ok(Self {
            id,
            external_id: get(row, "external_id")?,
            call_external_id: get(row, "call_external_id")?,
            recorded_at: get(row, "recorded_at")?,
            duration_ms: get(row, "duration_ms")?,
            direction: get(row, "direction")?,
            business_number: get(row, "business_number")?,
            caller_number: get(row, "caller_number")?,
            called_number: get(row, "called_number")?,
            agent_extension: get(row, "agent_extension")?,
            audio_path: audio_path("recordings", id),
            file_name: get(row, "file_name")?,
        })
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct VoicemailRow {
    pub id: Uuid,
    pub external_id: String,
    pub received_at: DateTime<FixedOffset>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub assigned_to: Option<String>,
    pub duration_ms: Option<i64>,
    pub status: String,
    /// The API path that plays the audio (`/api/mightycall/voicemails/{id}/audio`); MightyCall's
    /// own link is never shown.
    pub audio_path: String,
    pub file_name: Option<String>,
    pub transcript: Option<String>,
}

impl Listed for VoicemailRow {
    const TABLE: &'static str = "mightycall_voicemails";
    const AGENT: Option<&'static str> = Some("assigned_to");
    const SORT: &'static str = "received_at";
    const COLUMNS: &'static str = "external_id, received_at, from_number, to_number, assigned_to,
        duration_ms, status, file_name, transcript";

    fn in_zone(self, zone: TimeZone) -> Self {
        Self {
            received_at: zone.local(self.received_at.to_utc()),
            ..self
        }
    }
}

impl FromRow for VoicemailRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let id = get(row, "sort_id")?;
        Ok(Self {
            id,
            external_id: get(row, "external_id")?,
            received_at: get(row, "received_at")?,
            from_number: get(row, "from_number")?,
            to_number: get(row, "to_number")?,
            assigned_to: get(row, "assigned_to")?,
            duration_ms: get(row, "duration_ms")?,
            status: get(row, "status")?,
            audio_path: audio_path("voicemails", id),
            file_name: get(row, "file_name")?,
            transcript: get(row, "transcript")?,
        })
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct MessageRow {
    pub id: Uuid,
    pub external_id: String,
    pub sent_at: DateTime<FixedOffset>,
    pub direction: String,
    pub client_number: Option<String>,
    pub business_number: Option<String>,
    pub agent_extension: Option<String>,
    pub agent_name: Option<String>,
    pub body: Option<String>,
    pub delivery_status: Option<String>,
    pub attachments: Value,
}

impl Listed for MessageRow {
    const TABLE: &'static str = "mightycall_sms_messages";
    const SORT: &'static str = "sent_at";
    const COLUMNS: &'static str = "external_id, sent_at, direction, client_number, business_number,
        agent_extension, agent_name, body, delivery_status, attachments";

    fn in_zone(self, zone: TimeZone) -> Self {
        Self {
            sent_at: zone.local(self.sent_at.to_utc()),
            ..self
        }
    }
}

impl FromRow for MessageRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "sort_id")?,
            external_id: get(row, "external_id")?,
            sent_at: get(row, "sent_at")?,
            direction: get(row, "direction")?,
            client_number: get(row, "client_number")?,
            business_number: get(row, "business_number")?,
            agent_extension: get(row, "agent_extension")?,
            agent_name: get(row, "agent_name")?,
            body: get(row, "body")?,
            delivery_status: get(row, "delivery_status")?,
            attachments: get(row, "attachments")?,
        })
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ContactRow {
    pub id: Uuid,
    pub external_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub tags: Vec<String>,
    pub source_created_at: Option<DateTime<FixedOffset>>,
    pub source_updated_at: Option<DateTime<FixedOffset>>,
}

impl Listed for ContactRow {
    const TABLE: &'static str = "mightycall_contacts";
    // MightyCall does not always say when a contact changed; then the time we stored it counts.
    const SORT: &'static str = "coalesce(source_updated_at, created_at)";
    const COLUMNS: &'static str = "external_id, first_name, last_name, phones, emails, tags, source_created_at, source_updated_at";
    const WHERE: &'static str = "and deleted_at is null";

    fn in_zone(self, zone: TimeZone) -> Self {
        let local = |at: Option<DateTime<FixedOffset>>| at.map(|at| zone.local(at.to_utc()));
        Self {
            source_created_at: local(self.source_created_at),
            source_updated_at: local(self.source_updated_at),
            ..self
        }
    }
}

impl FromRow for ContactRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "sort_id")?,
            external_id: get(row, "external_id")?,
            first_name: get(row, "first_name")?,
            last_name: get(row, "last_name")?,
            phones: get(row, "phones")?,
            emails: get(row, "emails")?,
            tags: get(row, "tags")?,
            source_created_at: get(row, "source_created_at")?,
            source_updated_at: get(row, "source_updated_at")?,
        })
    }
}
