//! Batched upserts of synced MightyCall data. Each page is written with one statement over
//! UNNEST-ed column arrays (not a statement per row), and rows whose content did not change are not
//! rewritten (`… DO UPDATE … WHERE (old) IS DISTINCT FROM (new)`), so a re-sync writes nothing.
//! Each table's statement is generated once from one column list, which also binds the parameters,
//! so the two cannot disagree. Callers run these as `service_role`, with data fetched with that
//! org's own credentials.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use domain::OrgId;
use serde_json::Value;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::{ServiceTx, StoreError};

/// One column of a page, bound as one SQL array.
type Values = Box<dyn ToSql + Send + Sync>;

/// How a stored row takes a column's new value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Merge {
    /// The conflict target (with `org_id`): never updated.
    Key,
    Replace,
    /// A deletion time: cleared when the row is listed again, otherwise the first one seen is kept
    /// (MightyCall does not always say when), so only deleted-or-not counts as a change.
    Deletion,
}

/// A table column, the SQL array type its page is bound as, and the field of `R` that fills it.
struct Column<R> {
    name: &'static str,
    array: &'static str,
    /// The inserted expression over the unnested value `u.<name>`, when it is not `u.<name>`.
    load: Option<&'static str>,
    merge: Merge,
    values: fn(&[R]) -> Values,
}

impl<R> Column<R> {
    const fn new(name: &'static str, array: &'static str, values: fn(&[R]) -> Values) -> Self {
        Self {
            name,
            array,
            load: None,
            merge: Merge::Replace,
            values,
        }
    }

    const fn key(self) -> Self {
        Self {
            merge: Merge::Key,
            ..self
        }
    }

    const fn deletion(self) -> Self {
        Self {
            merge: Merge::Deletion,
            ..self
        }
    }

    const fn loaded_as(self, load: &'static str) -> Self {
        Self {
            load: Some(load),
            ..self
        }
    }
}

/// `column!(Row, field, "type[]")`: the column named like the field; `column!(Row, name <- field, …)`
/// when they differ.
macro_rules! column {
    ($row:ty, $field:ident, $array:literal) => {
        column!($row, $field <- $field, $array)
    };
    ($row:ty, $name:ident <- $field:ident, $array:literal) => {
        Column::<$row>::new(stringify!($name), $array, |rows| {
            values(rows, |r| &r.$field)
        })
    };
}

/// The page's values of one field, as PostgreSQL can hold them.
fn values<R, T>(rows: &[R], field: impl Fn(&R) -> &T) -> Values
where
    T: Storable + ToSql + Send + Sync + 'static,
{
    Box::new(rows.iter().map(|r| field(r).storable()).collect::<Vec<T>>())
}

/// The upsert of one synced table. `$1` is the org, then one array per column in list order.
struct Upsert<R: 'static> {
    table: &'static str,
    columns: &'static [Column<R>],
    /// Generated on first use; the same text every time, so each connection prepares it once.
    sql: LazyLock<String>,
}

impl<R> Upsert<R> {
    fn statement(&self) -> String {
        let names = self.list(|c| Some(c.name.to_owned()));
        let loads = self.list(|c| {
            Some(
                c.load
                    .map_or_else(|| format!("u.{}", c.name), str::to_owned),
            )
        });
        let mut n = 1;
        let arrays = self.list(|c| {
            n += 1;
            Some(format!("${n}::{}", c.array))
        });
        let keys = self.list(|c| (c.merge == Merge::Key).then(|| c.name.to_owned()));
        let updates = self.list(|c| {
            let name = c.name;
            match c.merge {
                Merge::Key => None,
                Merge::Replace => Some(format!("{name} = excluded.{name}")),
                Merge::Deletion => Some(format!(
                    "{name} = case when excluded.{name} is null then null \
                     else coalesce(t.{name}, excluded.{name}) end"
                )),
            }
        });
        let compared = |side: &str| {
            self.list(|c| match c.merge {
                Merge::Key => None,
                Merge::Replace => Some(format!("{side}.{}", c.name)),
                Merge::Deletion => Some(format!("{side}.{} is null", c.name)),
            })
        };
        format!(
            "insert into {table} as t (org_id, {names})
             select $1, {loads} from unnest({arrays}) as u({names})
             on conflict (org_id, {keys}) do update set {updates}, synced_at = now()
             where ({old}) is distinct from ({new})",
            table = self.table,
            old = compared("t"),
            new = compared("excluded"),
        )
    }

    fn list(&self, item: impl FnMut(&Column<R>) -> Option<String>) -> String {
        self.columns
            .iter()
            .filter_map(item)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Writes one page; returns how many rows were inserted or changed.
    async fn run(&self, tx: &ServiceTx, org: OrgId, rows: &[R]) -> Result<u64, StoreError> {
        let statement = tx.prepare_cached(&self.sql).await?;
        let org = org.as_uuid();
        let columns: Vec<Values> = self.columns.iter().map(|c| (c.values)(rows)).collect();
        let params: Vec<&(dyn ToSql + Sync)> = std::iter::once(&org as &(dyn ToSql + Sync))
            .chain(columns.iter().map(|v| v.as_ref() as &(dyn ToSql + Sync)))
            .collect();
        Ok(tx.client().execute(&statement, &params).await?)
    }
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

#[derive(Clone, Debug, Default)]
pub struct NewCall {
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

static CALLS: Upsert<NewCall> = Upsert {
    table: "calls",
    columns: &[
        column!(NewCall, external_id, "text[]").key(),
        column!(NewCall, started_at, "timestamptz[]"),
        column!(NewCall, direction, "text[]"),
        column!(NewCall, status, "text[]"),
        column!(NewCall, duration_ms, "int8[]"),
        column!(NewCall, business_number, "text[]"),
        column!(NewCall, caller_number, "text[]"),
        column!(NewCall, caller_name, "text[]"),
        column!(NewCall, caller_extension, "text[]"),
        column!(NewCall, called_number, "text[]"),
        column!(NewCall, called_name, "text[]"),
        column!(NewCall, agent_extension, "text[]"),
        column!(NewCall, recording_url, "text[]"),
        column!(NewCall, recording_file_name, "text[]"),
    ],
    sql: LazyLock::new(|| CALLS.statement()),
};

pub async fn upsert_calls(tx: &ServiceTx, org: OrgId, rows: &[NewCall]) -> Result<u64, StoreError> {
    CALLS.run(tx, org, rows).await
}

#[derive(Clone, Debug, Default)]
pub struct NewMessage {
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
    /// The journal's `requestGuid` when it is not nil: for a message sent through the API, the id
    /// the send answered, under which [`crate::sms::record_sent`] stored it. Not a column.
    pub request_guid: Option<Uuid>,
}

static MESSAGES: Upsert<NewMessage> = Upsert {
    table: "mightycall_sms_messages",
    columns: &[
        column!(NewMessage, external_id, "text[]").key(),
        column!(NewMessage, sent_at, "timestamptz[]"),
        column!(NewMessage, direction, "text[]"),
        column!(NewMessage, client_number, "text[]"),
        column!(NewMessage, business_number, "text[]"),
        column!(NewMessage, agent_extension, "text[]"),
        column!(NewMessage, agent_name, "text[]"),
        column!(NewMessage, body, "text[]"),
        column!(NewMessage, delivery_status, "text[]"),
        column!(NewMessage, attachments, "jsonb[]"),
    ],
    sql: LazyLock::new(|| MESSAGES.statement()),
};

pub async fn upsert_sms(
    tx: &ServiceTx,
    org: OrgId,
    rows: &[NewMessage],
) -> Result<u64, StoreError> {
    adopt_sent(tx, org, rows).await?;
    MESSAGES.run(tx, org, rows).await
}

/// A message sent through the API is stored at once under the send's id (a GUID); the journal
/// lists it later under its own 24-hex id, with the send's id as `requestGuid`. The stored row
/// takes the journal's id first, so the upsert updates it (same row, same `id`) instead of adding
/// the message twice.
async fn adopt_sent(tx: &ServiceTx, org: OrgId, rows: &[NewMessage]) -> Result<(), StoreError> {
    let (journal_ids, send_ids): (Vec<String>, Vec<String>) = rows
        .iter()
        .filter_map(|r| Some((r.external_id.storable(), r.request_guid?.to_string())))
        .unzip();
    if journal_ids.is_empty() {
        return Ok(());
    }
    tx.client()
        .execute(
            "update mightycall_sms_messages m set external_id = n.journal_id
             from unnest($2::text[], $3::text[]) as n(journal_id, send_id)
             where m.org_id = $1 and m.external_id = n.send_id
               and not exists (select 1 from mightycall_sms_messages x
                               where x.org_id = $1 and x.external_id = n.journal_id)",
            &[&org.as_uuid(), &journal_ids, &send_ids],
        )
        .await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct NewVoicemail {
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

static VOICEMAILS: Upsert<NewVoicemail> = Upsert {
    table: "mightycall_voicemails",
    columns: &[
        column!(NewVoicemail, external_id, "text[]").key(),
        column!(NewVoicemail, received_at, "timestamptz[]"),
        column!(NewVoicemail, from_number, "text[]"),
        column!(NewVoicemail, to_number, "text[]"),
        column!(NewVoicemail, assigned_to, "text[]"),
        column!(NewVoicemail, duration_ms, "int8[]"),
        column!(NewVoicemail, status, "text[]"),
        column!(NewVoicemail, recording_url, "text[]"),
        column!(NewVoicemail, file_name, "text[]"),
    ],
    sql: LazyLock::new(|| VOICEMAILS.statement()),
};

pub async fn upsert_voicemails(
    tx: &ServiceTx,
    org: OrgId,
    rows: &[NewVoicemail],
) -> Result<u64, StoreError> {
    VOICEMAILS.run(tx, org, rows).await
}

#[derive(Clone, Debug, Default)]
pub struct NewContact {
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

/// Lists travel as JSON arrays (one batch binds a list per row) and are stored as `text[]`.
static CONTACTS: Upsert<NewContact> = Upsert {
    table: "mightycall_contacts",
    columns: &[
        column!(NewContact, external_id, "text[]").key(),
        column!(NewContact, etag, "text[]"),
        column!(NewContact, first_name, "text[]"),
        column!(NewContact, last_name, "text[]"),
        column!(NewContact, phones, "jsonb[]")
            .loaded_as("array(select jsonb_array_elements_text(u.phones))"),
        column!(NewContact, emails, "jsonb[]")
            .loaded_as("array(select jsonb_array_elements_text(u.emails))"),
        column!(NewContact, tags, "jsonb[]")
            .loaded_as("array(select jsonb_array_elements_text(u.tags))"),
        column!(NewContact, source_created_at, "timestamptz[]"),
        column!(NewContact, source_updated_at, "timestamptz[]"),
        column!(NewContact, deleted_at <- deleted, "bool[]")
            .loaded_as("case when u.deleted_at then coalesce(u.source_updated_at, now()) end")
            .deletion(),
    ],
    sql: LazyLock::new(|| CONTACTS.statement()),
};

pub async fn upsert_contacts(
    tx: &ServiceTx,
    org: OrgId,
    rows: &[NewContact],
) -> Result<u64, StoreError> {
    CONTACTS.run(tx, org, rows).await
}

#[derive(Clone, Debug, Default)]
pub struct NewPhoneNumber {
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

static PHONE_NUMBERS: Upsert<NewPhoneNumber> = Upsert {
    table: "phone_numbers",
    columns: &[
        column!(NewPhoneNumber, external_id, "text[]").key(),
        column!(NewPhoneNumber, number, "text[]"),
        column!(NewPhoneNumber, label, "text[]"),
        column!(NewPhoneNumber, description, "text[]"),
        column!(NewPhoneNumber, is_enabled, "bool[]"),
        column!(NewPhoneNumber, is_primary, "bool[]"),
        column!(NewPhoneNumber, is_toll_free, "bool[]"),
        column!(NewPhoneNumber, is_international, "bool[]"),
        column!(NewPhoneNumber, sms_mode, "text[]"),
        column!(NewPhoneNumber, is_mms_enabled, "bool[]"),
        column!(NewPhoneNumber, call_recording_mode, "text[]"),
        column!(NewPhoneNumber, may_text, "bool[]"),
        column!(NewPhoneNumber, may_call, "bool[]"),
        column!(NewPhoneNumber, deleted_at, "timestamptz[]").deletion(),
    ],
    sql: LazyLock::new(|| PHONE_NUMBERS.statement()),
};

/// Upserts the numbers MightyCall listed (active and deleted). Returns rows inserted or changed.
pub async fn upsert_phone_numbers(
    tx: &ServiceTx,
    org: OrgId,
    rows: &[NewPhoneNumber],
) -> Result<u64, StoreError> {
    PHONE_NUMBERS.run(tx, org, rows).await
}

/// After a refresh that read MightyCall's whole list: numbers it no longer lists are marked
/// deleted (kept, not dropped: old calls still refer to them). Returns how many.
pub async fn mark_vanished_phone_numbers(
    tx: &ServiceTx,
    org: OrgId,
    listed: &[NewPhoneNumber],
) -> Result<u64, StoreError> {
    let ids: Vec<String> = listed.iter().map(|n| n.external_id.storable()).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `$1` is the org, then one array per column in list order, and nothing else is bound.
    fn binds_in_list_order<R>(upsert: &Upsert<R>) {
        let sql = &*upsert.sql;
        for (i, column) in upsert.columns.iter().enumerate() {
            let param = format!("${}::{}", i + 2, column.array);
            assert!(sql.contains(&param), "{}: {param}", upsert.table);
        }
        let past = format!("${}", upsert.columns.len() + 2);
        assert!(!sql.contains(&past), "{}: {past}", upsert.table);
        let keys = upsert.columns.iter().filter(|c| c.merge == Merge::Key);
        assert_eq!(keys.count(), 1, "{}", upsert.table);
    }

    #[test]
    fn every_statement_binds_its_column_list() {
        binds_in_list_order(&CALLS);
        binds_in_list_order(&MESSAGES);
        binds_in_list_order(&VOICEMAILS);
        binds_in_list_order(&CONTACTS);
        binds_in_list_order(&PHONE_NUMBERS);
    }
}
