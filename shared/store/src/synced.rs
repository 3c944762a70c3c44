//! Lists of the MightyCall data the sync engine copied: phone numbers, recordings, voicemails, SMS
//! messages and contacts. Every query runs in the caller's transaction, so RLS filters it too.

use chrono::{DateTime, Utc};
use domain::{OrgId, PageLimit};
use serde::Serialize;
use serde_json::Value;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::page::{Page, TimeKey};
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
    pub synced_at: DateTime<Utc>,
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
    Ok(rows
        .iter()
        .map(|r| PhoneNumberRow {
            id: r.get("id"),
            external_id: r.get("external_id"),
            number: r.get("number"),
            label: r.get("label"),
            description: r.get("description"),
            is_enabled: r.get("is_enabled"),
            is_primary: r.get("is_primary"),
            is_toll_free: r.get("is_toll_free"),
            is_international: r.get("is_international"),
            sms_mode: r.get("sms_mode"),
            is_mms_enabled: r.get("is_mms_enabled"),
            call_recording_mode: r.get("call_recording_mode"),
            may_text: r.get("may_text"),
            may_call: r.get("may_call"),
            synced_at: r.get("synced_at"),
        })
        .collect())
}

/// A synced table listed newest first by one timestamp and paged by (timestamp, id); each has an
/// index on (org_id, that timestamp desc, id desc).
pub trait Listed: Sized {
    const TABLE: &'static str;
    /// The sort and date-range expression; the index must be on exactly this expression.
    const SORT: &'static str;
    const COLUMNS: &'static str;
    /// Extra `and …` conditions.
    const WHERE: &'static str = "";

    fn from_row(row: &Row) -> Self;
}

/// One page of `T` in the half-open instant window `[from, to)` (no bound where `None`).
pub async fn list<T: Listed>(
    tx: &Tx,
    org: OrgId,
    window: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    after: Option<TimeKey>,
    limit: PageLimit,
) -> Result<Page<T, TimeKey>, StoreError> {
    let sql = format!(
        "select {sort} as sort_at, id as sort_id, {columns}
         from {table}
         where org_id = $1 {extra}
           and ($2::timestamptz is null or {sort} >= $2) and ($3::timestamptz is null or {sort} < $3)
           and ($4::timestamptz is null or ({sort}, id) < ($4, $5))
         order by {sort} desc, id desc
         limit $6",
        sort = T::SORT,
        columns = T::COLUMNS,
        table = T::TABLE,
        extra = T::WHERE,
    );
    let rows = tx
        .client()
        .query(
            &sql,
            &[
                &org.as_uuid(),
                &window.0,
                &window.1,
                &after.map(|k| k.at),
                &after.map(|k| k.id),
                &(limit.get() + 1),
            ],
        )
        .await?;
    let keyed = rows
        .iter()
        .map(|r| {
            let key = TimeKey {
                at: r.get("sort_at"),
                id: r.get("sort_id"),
            };
            (key, T::from_row(r))
        })
        .collect();
    let page = Page::from_overfetch(keyed, limit.get(), |(key, _): &(TimeKey, T)| *key);
    Ok(Page {
        rows: page.rows.into_iter().map(|(_, row)| row).collect(),
        next: page.next,
    })
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RecordingRow {
    pub id: Uuid,
    pub external_id: String,
    pub call_external_id: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub duration_ms: Option<i64>,
    pub direction: String,
    pub business_number: Option<String>,
    pub caller_number: Option<String>,
    pub called_number: Option<String>,
    pub agent_extension: Option<String>,
    pub url: String,
    pub file_name: Option<String>,
}

impl Listed for RecordingRow {
    const TABLE: &'static str = "mightycall_recordings";
    const SORT: &'static str = "recorded_at";
    const COLUMNS: &'static str =
        "external_id, call_external_id, recorded_at, duration_ms, direction,
        business_number, caller_number, called_number, agent_extension, url, file_name";

    fn from_row(r: &Row) -> Self {
        Self {
            id: r.get("sort_id"),
            external_id: r.get("external_id"),
            call_external_id: r.get("call_external_id"),
            recorded_at: r.get("recorded_at"),
            duration_ms: r.get("duration_ms"),
            direction: r.get("direction"),
            business_number: r.get("business_number"),
            caller_number: r.get("caller_number"),
            called_number: r.get("called_number"),
            agent_extension: r.get("agent_extension"),
            url: r.get("url"),
            file_name: r.get("file_name"),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct VoicemailRow {
    pub id: Uuid,
    pub external_id: String,
    pub received_at: DateTime<Utc>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub assigned_to: Option<String>,
    pub duration_ms: Option<i64>,
    pub status: String,
    pub recording_url: Option<String>,
    pub file_name: Option<String>,
    pub transcript: Option<String>,
}

impl Listed for VoicemailRow {
    const TABLE: &'static str = "mightycall_voicemails";
    const SORT: &'static str = "received_at";
    const COLUMNS: &'static str = "external_id, received_at, from_number, to_number, assigned_to,
        duration_ms, status, recording_url, file_name, transcript";

    fn from_row(r: &Row) -> Self {
        Self {
            id: r.get("sort_id"),
            external_id: r.get("external_id"),
            received_at: r.get("received_at"),
            from_number: r.get("from_number"),
            to_number: r.get("to_number"),
            assigned_to: r.get("assigned_to"),
            duration_ms: r.get("duration_ms"),
            status: r.get("status"),
            recording_url: r.get("recording_url"),
            file_name: r.get("file_name"),
            transcript: r.get("transcript"),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct MessageRow {
    pub id: Uuid,
    pub external_id: String,
    pub sent_at: DateTime<Utc>,
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

    fn from_row(r: &Row) -> Self {
        Self {
            id: r.get("sort_id"),
            external_id: r.get("external_id"),
            sent_at: r.get("sent_at"),
            direction: r.get("direction"),
            client_number: r.get("client_number"),
            business_number: r.get("business_number"),
            agent_extension: r.get("agent_extension"),
            agent_name: r.get("agent_name"),
            body: r.get("body"),
            delivery_status: r.get("delivery_status"),
            attachments: r.get("attachments"),
        }
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
    pub source_created_at: Option<DateTime<Utc>>,
    pub source_updated_at: Option<DateTime<Utc>>,
}

impl Listed for ContactRow {
    const TABLE: &'static str = "mightycall_contacts";
    // MightyCall does not always say when a contact changed; then the time we stored it counts.
    const SORT: &'static str = "coalesce(source_updated_at, created_at)";
    const COLUMNS: &'static str = "external_id, first_name, last_name, phones, emails, tags, source_created_at, source_updated_at";
    const WHERE: &'static str = "and deleted_at is null";

    fn from_row(r: &Row) -> Self {
        Self {
            id: r.get("sort_id"),
            external_id: r.get("external_id"),
            first_name: r.get("first_name"),
            last_name: r.get("last_name"),
            phones: r.get("phones"),
            emails: r.get("emails"),
            tags: r.get("tags"),
            source_created_at: r.get("source_created_at"),
            source_updated_at: r.get("source_updated_at"),
        }
    }
}
