//! Batched upserts of synced MightyCall data. Each page is written with one statement over
//! UNNEST-ed column arrays (not a statement per row), and rows whose content did not change are not
//! rewritten (`… DO UPDATE … WHERE (old) IS DISTINCT FROM (new)`), so a re-sync writes nothing.
//! Callers run these as `service_role`, with data fetched with that org's own credentials.

use chrono::{DateTime, Utc};
use domain::OrgId;
use serde_json::Value;

use crate::{ServiceTx, StoreError};

#[derive(Clone, Debug, Default)]
pub struct CallRow {
    pub external_id: String,
    pub started_at: DateTime<Utc>,
    pub direction: &'static str,
    pub status: Option<&'static str>,
    pub duration_ms: Option<i64>,
    pub business_number: Option<String>,
    pub caller_number: Option<String>,
    pub caller_name: Option<String>,
    pub caller_extension: Option<String>,
    pub called_number: Option<String>,
    pub called_name: Option<String>,
    pub agent_extension: Option<String>,
    pub recording_url: Option<String>,
    pub recording_file_name: Option<String>,
}

/// Columns of one batch, in table order, so every upsert below binds the same way (and every
/// value passes through [`Storable`]).
macro_rules! columns {
    ($rows:expr, $($field:ident),+) => {
        ($($rows.iter().map(|r| Storable::storable(&r.$field)).collect::<Vec<_>>(),)+)
    };
}

/// A value as PostgreSQL can hold it. `text` and `jsonb` reject U+0000 (SQLSTATE 22021/22P05),
/// which MightyCall text can carry (an SMS body or a caller name is written by outsiders): NULs
/// are dropped here, for every column of every synced table, and the rest is kept as it is.
trait Storable {
    fn storable(&self) -> Self;
}

impl Storable for String {
    fn storable(&self) -> Self {
        if self.contains('\0') {
            self.replace('\0', "")
        } else {
            self.clone()
        }
    }
}

impl<T: Storable> Storable for Option<T> {
    fn storable(&self) -> Self {
        self.as_ref().map(Storable::storable)
    }
}

impl Storable for Value {
    fn storable(&self) -> Self {
        match self {
            Value::String(s) => Value::String(s.storable()),
            Value::Array(items) => Value::Array(items.iter().map(Storable::storable).collect()),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.storable(), v.storable()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Values without text.
macro_rules! storable_as_is {
    ($($t:ty),+) => {
        $(impl Storable for $t {
            fn storable(&self) -> Self {
                *self
            }
        })+
    };
}

storable_as_is!(bool, i64, &'static str, DateTime<Utc>);

/// Returns how many rows were inserted or changed.
pub async fn upsert_calls(tx: &ServiceTx, org: OrgId, rows: &[CallRow]) -> Result<u64, StoreError> {
    let (
        ids,
        started,
        direction,
        status,
        duration,
        business,
        caller_number,
        caller_name,
        caller_ext,
        called_number,
        called_name,
        agent,
        rec_url,
        rec_file,
    ) = columns!(
        rows,
        external_id,
        started_at,
        direction,
        status,
        duration_ms,
        business_number,
        caller_number,
        caller_name,
        caller_extension,
        called_number,
        called_name,
        agent_extension,
        recording_url,
        recording_file_name
    );
    Ok(tx.client()
        .execute(
            &tx.prepare_cached("insert into calls as t (org_id, external_id, started_at, direction, status, duration_ms, business_number,
               caller_number, caller_name, caller_extension, called_number, called_name, agent_extension,
               recording_url, recording_file_name)
             select $1, * from unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::int8[], $7::text[],
               $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
             on conflict (org_id, external_id) do update set
               started_at = excluded.started_at, direction = excluded.direction, status = excluded.status,
               duration_ms = excluded.duration_ms, business_number = excluded.business_number,
               caller_number = excluded.caller_number, caller_name = excluded.caller_name,
               caller_extension = excluded.caller_extension, called_number = excluded.called_number,
               called_name = excluded.called_name, agent_extension = excluded.agent_extension,
               recording_url = excluded.recording_url, recording_file_name = excluded.recording_file_name,
               synced_at = now()
             where (t.started_at, t.direction, t.status, t.duration_ms, t.business_number, t.caller_number,
                    t.caller_name, t.caller_extension, t.called_number, t.called_name, t.agent_extension,
                    t.recording_url, t.recording_file_name)
               is distinct from
                   (excluded.started_at, excluded.direction, excluded.status, excluded.duration_ms,
                    excluded.business_number, excluded.caller_number, excluded.caller_name, excluded.caller_extension,
                    excluded.called_number, excluded.called_name, excluded.agent_extension, excluded.recording_url,
                    excluded.recording_file_name)").await?,
            &[
                &org.as_uuid(), &ids, &started, &direction, &status, &duration, &business, &caller_number,
                &caller_name, &caller_ext, &called_number, &called_name, &agent, &rec_url, &rec_file,
            ],
        )
        .await?)
}

#[derive(Clone, Debug, Default)]
pub struct SmsRow {
    pub external_id: String,
    pub sent_at: DateTime<Utc>,
    pub direction: &'static str,
    pub client_number: Option<String>,
    pub business_number: Option<String>,
    pub agent_extension: Option<String>,
    pub agent_name: Option<String>,
    pub body: Option<String>,
    pub delivery_status: Option<String>,
    pub attachments: Value,
}

pub async fn upsert_sms(tx: &ServiceTx, org: OrgId, rows: &[SmsRow]) -> Result<u64, StoreError> {
    let (ids, sent, direction, client, business, agent_ext, agent_name, body, status, attachments) = columns!(
        rows,
        external_id,
        sent_at,
        direction,
        client_number,
        business_number,
        agent_extension,
        agent_name,
        body,
        delivery_status,
        attachments
    );
    Ok(tx.client()
        .execute(
            &tx.prepare_cached("insert into mightycall_sms_messages as t (org_id, external_id, sent_at, direction, client_number,
               business_number, agent_extension, agent_name, body, delivery_status, attachments)
             select $1, * from unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
               $8::text[], $9::text[], $10::text[], $11::jsonb[])
             on conflict (org_id, external_id) do update set
               sent_at = excluded.sent_at, direction = excluded.direction, client_number = excluded.client_number,
               business_number = excluded.business_number, agent_extension = excluded.agent_extension,
               agent_name = excluded.agent_name, body = excluded.body, delivery_status = excluded.delivery_status,
               attachments = excluded.attachments, synced_at = now()
             where (t.sent_at, t.direction, t.client_number, t.business_number, t.agent_extension, t.agent_name,
                    t.body, t.delivery_status, t.attachments)
               is distinct from
                   (excluded.sent_at, excluded.direction, excluded.client_number, excluded.business_number,
                    excluded.agent_extension, excluded.agent_name, excluded.body, excluded.delivery_status,
                    excluded.attachments)").await?,
            &[&org.as_uuid(), &ids, &sent, &direction, &client, &business, &agent_ext, &agent_name, &body, &status, &attachments],
        )
        .await?)
}

#[derive(Clone, Debug, Default)]
pub struct VoicemailRow {
    pub external_id: String,
    pub received_at: DateTime<Utc>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub assigned_to: Option<String>,
    pub duration_ms: Option<i64>,
    pub status: &'static str,
    pub recording_url: Option<String>,
    pub file_name: Option<String>,
}

pub async fn upsert_voicemails(
    tx: &ServiceTx,
    org: OrgId,
    rows: &[VoicemailRow],
) -> Result<u64, StoreError> {
    let (ids, received, from, to, assigned, duration, status, url, file) = columns!(
        rows,
        external_id,
        received_at,
        from_number,
        to_number,
        assigned_to,
        duration_ms,
        status,
        recording_url,
        file_name
    );
    Ok(tx.client()
        .execute(
            &tx.prepare_cached("insert into mightycall_voicemails as t (org_id, external_id, received_at, from_number, to_number,
               assigned_to, duration_ms, status, recording_url, file_name)
             select $1, * from unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::int8[],
               $8::text[], $9::text[], $10::text[])
             on conflict (org_id, external_id) do update set
               received_at = excluded.received_at, from_number = excluded.from_number, to_number = excluded.to_number,
               assigned_to = excluded.assigned_to, duration_ms = excluded.duration_ms, status = excluded.status,
               recording_url = excluded.recording_url, file_name = excluded.file_name, synced_at = now()
             where (t.received_at, t.from_number, t.to_number, t.assigned_to, t.duration_ms, t.status,
                    t.recording_url, t.file_name)
               is distinct from
                   (excluded.received_at, excluded.from_number, excluded.to_number, excluded.assigned_to,
                    excluded.duration_ms, excluded.status, excluded.recording_url, excluded.file_name)").await?,
            &[&org.as_uuid(), &ids, &received, &from, &to, &assigned, &duration, &status, &url, &file],
        )
        .await?)
}

#[derive(Clone, Debug, Default)]
pub struct ContactRow {
    pub external_id: String,
    pub etag: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Postgres text[] as a JSON array, so one batch binds a list per row.
    pub phones: Value,
    pub emails: Value,
    pub tags: Value,
    pub source_created_at: Option<DateTime<Utc>>,
    pub source_updated_at: Option<DateTime<Utc>>,
    pub deleted: bool,
}

pub async fn upsert_contacts(
    tx: &ServiceTx,
    org: OrgId,
    rows: &[ContactRow],
) -> Result<u64, StoreError> {
    let (ids, etag, first, last, phones, emails, tags, created, updated, deleted) = columns!(
        rows,
        external_id,
        etag,
        first_name,
        last_name,
        phones,
        emails,
        tags,
        source_created_at,
        source_updated_at,
        deleted
    );
    Ok(tx.client()
        .execute(
            &tx.prepare_cached("insert into mightycall_contacts as t (org_id, external_id, etag, first_name, last_name, phones, emails, tags,
               source_created_at, source_updated_at, deleted_at)
             select $1, u.id, u.etag, u.first_name, u.last_name,
               array(select jsonb_array_elements_text(u.phones)), array(select jsonb_array_elements_text(u.emails)),
               array(select jsonb_array_elements_text(u.tags)), u.created, u.updated,
               case when u.deleted then coalesce(u.updated, now()) end
             from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[],
               $9::timestamptz[], $10::timestamptz[], $11::bool[])
               as u(id, etag, first_name, last_name, phones, emails, tags, created, updated, deleted)
             on conflict (org_id, external_id) do update set
               etag = excluded.etag, first_name = excluded.first_name, last_name = excluded.last_name,
               phones = excluded.phones, emails = excluded.emails, tags = excluded.tags,
               source_created_at = excluded.source_created_at, source_updated_at = excluded.source_updated_at,
               deleted_at = case when excluded.deleted_at is null then null else coalesce(t.deleted_at, excluded.deleted_at) end,
               synced_at = now()
             where (t.etag, t.first_name, t.last_name, t.phones, t.emails, t.tags, t.source_created_at,
                    t.source_updated_at, t.deleted_at is null)
               is distinct from
                   (excluded.etag, excluded.first_name, excluded.last_name, excluded.phones, excluded.emails,
                    excluded.tags, excluded.source_created_at, excluded.source_updated_at, excluded.deleted_at is null)").await?,
            &[&org.as_uuid(), &ids, &etag, &first, &last, &phones, &emails, &tags, &created, &updated, &deleted],
        )
        .await?)
}

#[derive(Clone, Debug, Default)]
pub struct PhoneNumberRow {
    pub external_id: String,
    pub number: String,
    pub label: Option<String>,
    pub description: Option<String>,
    pub is_enabled: bool,
    pub is_primary: bool,
    pub is_toll_free: bool,
    pub is_international: bool,
    pub sms_mode: Option<&'static str>,
    pub is_mms_enabled: bool,
    pub call_recording_mode: Option<String>,
    pub may_text: bool,
    pub may_call: bool,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Upserts the numbers MightyCall listed (active and deleted). Returns rows inserted or changed.
pub async fn upsert_phone_numbers(
    tx: &ServiceTx,
    org: OrgId,
    rows: &[PhoneNumberRow],
) -> Result<u64, StoreError> {
    let (
        ids,
        number,
        label,
        description,
        enabled,
        primary,
        toll_free,
        international,
        sms,
        mms,
        recording,
        text,
        call,
        deleted,
    ) = columns!(
        rows,
        external_id,
        number,
        label,
        description,
        is_enabled,
        is_primary,
        is_toll_free,
        is_international,
        sms_mode,
        is_mms_enabled,
        call_recording_mode,
        may_text,
        may_call,
        deleted_at
    );
    Ok(tx.client()
        .execute(
            &tx.prepare_cached("insert into phone_numbers as t (org_id, external_id, number, label, description, is_enabled, is_primary,
               is_toll_free, is_international, sms_mode, is_mms_enabled, call_recording_mode, may_text, may_call,
               deleted_at)
             select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[],
               $8::bool[], $9::bool[], $10::text[], $11::bool[], $12::text[], $13::bool[], $14::bool[],
               $15::timestamptz[])
             on conflict (org_id, external_id) do update set
               number = excluded.number, label = excluded.label, description = excluded.description,
               is_enabled = excluded.is_enabled, is_primary = excluded.is_primary, is_toll_free = excluded.is_toll_free,
               is_international = excluded.is_international, sms_mode = excluded.sms_mode,
               is_mms_enabled = excluded.is_mms_enabled, call_recording_mode = excluded.call_recording_mode,
               may_text = excluded.may_text, may_call = excluded.may_call,
               -- A deletion keeps the first time it was seen (MightyCall does not always say when).
               deleted_at = case when excluded.deleted_at is null then null
                                 else coalesce(t.deleted_at, excluded.deleted_at) end,
               synced_at = now()
             where (t.number, t.label, t.description, t.is_enabled, t.is_primary, t.is_toll_free, t.is_international,
                    t.sms_mode, t.is_mms_enabled, t.call_recording_mode, t.may_text, t.may_call, t.deleted_at is null)
               is distinct from
                   (excluded.number, excluded.label, excluded.description, excluded.is_enabled, excluded.is_primary,
                    excluded.is_toll_free, excluded.is_international, excluded.sms_mode, excluded.is_mms_enabled,
                    excluded.call_recording_mode, excluded.may_text, excluded.may_call, excluded.deleted_at is null)").await?,
            &[
                &org.as_uuid(), &ids, &number, &label, &description, &enabled, &primary, &toll_free, &international,
                &sms, &mms, &recording, &text, &call, &deleted,
            ],
        )
        .await?)
}

/// After a refresh that read MightyCall's whole list: numbers it no longer lists are marked
/// deleted (kept, not dropped: old calls still refer to them). Returns how many.
pub async fn mark_vanished_phone_numbers(
    tx: &ServiceTx,
    org: OrgId,
    listed: &[PhoneNumberRow],
) -> Result<u64, StoreError> {
    let (ids,) = columns!(listed, external_id);
    Ok(tx
        .client()
        .execute(
            &tx.prepare_cached(
                "update phone_numbers set deleted_at = now()
             where org_id = $1 and deleted_at is null and external_id <> all($2::text[])",
            )
            .await?,
            &[&org.as_uuid(), &ids],
        )
        .await?)
}

/// Recordings are the calls of the window that carry a recording: derived in SQL from synced calls,
/// which costs no MightyCall request. Returns rows inserted or changed.
pub async fn derive_recordings(
    tx: &ServiceTx,
    org: OrgId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(tx.client()
        .execute(
            &tx.prepare_cached("insert into mightycall_recordings as t (org_id, external_id, call_external_id, recorded_at, duration_ms,
               direction, business_number, caller_number, called_number, agent_extension, url, file_name)
             select c.org_id, c.external_id, c.external_id, c.started_at, c.duration_ms, c.direction,
               c.business_number, c.caller_number, c.called_number, c.agent_extension, c.recording_url,
               c.recording_file_name
             from calls c
             where c.org_id = $1 and c.started_at >= $2 and c.started_at < $3 and c.recording_url is not null
             on conflict (org_id, external_id) do update set
               recorded_at = excluded.recorded_at, duration_ms = excluded.duration_ms, direction = excluded.direction,
               business_number = excluded.business_number, caller_number = excluded.caller_number,
               called_number = excluded.called_number, agent_extension = excluded.agent_extension,
               url = excluded.url, file_name = excluded.file_name, synced_at = now()
             where (t.recorded_at, t.duration_ms, t.direction, t.business_number, t.caller_number, t.called_number,
                    t.agent_extension, t.url, t.file_name)
               is distinct from
                   (excluded.recorded_at, excluded.duration_ms, excluded.direction, excluded.business_number,
                    excluded.caller_number, excluded.called_number, excluded.agent_extension, excluded.url,
                    excluded.file_name)").await?,
            &[&org.as_uuid(), &from, &to],
        )
        .await?)
}
