//! Sending an SMS: which of the org's numbers may send, and the sent message, stored at once so the
//! org sees it before MightyCall's journal lists it (`sync_rows::upsert_sms` then adopts it).

use chrono::{DateTime, Utc};
use domain::{E164Number, OrgId, OrgRole};

use crate::access::caller_holds;
use crate::row::{FromRow, get};
use crate::synced::{Listed, MessageRow};
use crate::{StoreError, Tx};

/// What `from` is to the org.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender {
    /// Not one of the org's current numbers (or one RLS does not show the caller).
    Unknown,
    /// The org's, but MightyCall does not send SMS from it (or it is switched off).
    SmsDisabled,
    SmsEnabled,
}

/// Whether `number` is one of `org`'s current numbers and sends SMS, as last synced.
pub async fn sender(tx: &Tx, org: OrgId, number: &E164Number) -> Result<Sender, StoreError> {
    let row = tx
        .client()
        .query_one(
            "select bool_or(is_enabled and sms_mode = 'enabled') as sends
             from phone_numbers where org_id = $1 and number = $2 and deleted_at is null",
            &[&org.as_uuid(), &number.as_str()],
        )
        .await?;
    Ok(match get::<Option<bool>>(&row, "sends")? {
        None => Sender::Unknown,
        Some(false) => Sender::SmsDisabled,
        Some(true) => Sender::SmsEnabled,
    })
}

/// An SMS MightyCall accepted.
#[derive(Clone, Debug)]
pub struct SentMessage<'a> {
    /// The id MightyCall answered the send with (a GUID, unlike the journal's 24-hex ids).
    pub external_id: String,
    pub sent_at: DateTime<Utc>,
    pub from: &'a E164Number,
    pub to: &'a E164Number,
    pub text: &'a str,
}

/// Who may send for an org: its admins and managers (and platform admins).
const SENDERS: [OrgRole; 2] = [OrgRole::OrgAdmin, OrgRole::OrgManager];

/// Stores `message` as `org`'s outbound message and returns it as the org's list shows it.
/// [`StoreError::Denied`] unless the caller may send for `org`: users cannot write the table, so
/// the insert runs as `service_role` once that is checked under the caller's RLS. Storing the
/// same send twice keeps the first.
pub async fn record_sent(
    tx: &Tx,
    org: OrgId,
    message: &SentMessage<'_>,
) -> Result<MessageRow, StoreError> {
    if !caller_holds(tx, org, &SENDERS).await? {
        return Err(StoreError::Denied);
    }
    tx.as_service_role(async {
        tx.client()
            .execute(
                "insert into mightycall_sms_messages
                   (org_id, external_id, sent_at, direction, client_number, business_number, body, delivery_status)
                 values ($1, $2, $3, 'outbound', $4, $5, $6, 'sent')
                 on conflict (org_id, external_id) do nothing",
                &[
                    &org.as_uuid(),
                    &message.external_id,
                    &message.sent_at,
                    &message.to.as_str(),
                    &message.from.as_str(),
                    &message.text,
                ],
            )
            .await?;
        Ok(())
    })
    .await?;
    let row = tx
        .client()
        .query_one(
            &format!(
                "select id as sort_id, {columns} from mightycall_sms_messages
                 where org_id = $1 and external_id = $2",
                columns = MessageRow::COLUMNS
            ),
            &[&org.as_uuid(), &message.external_id],
        )
        .await?;
    MessageRow::from_row(&row)
}

/// The messages with one counterpart, summed up.
#[derive(Clone, Debug)]
pub struct Conversation {
    /// The customer's number (`None`: messages without one).
    pub client_number: Option<String>,
    pub messages: i64,
    pub last_at: DateTime<Utc>,
    pub last_direction: String,
    pub last_body: Option<String>,
}

impl FromRow for Conversation {
    fn from_row(row: &tokio_postgres::Row) -> Result<Self, StoreError> {
        Ok(Self {
            client_number: get(row, "client_number")?,
            messages: get(row, "messages")?,
            last_at: get(row, "last_at")?,
            last_direction: get(row, "last_direction")?,
            last_body: get(row, "last_body")?,
        })
    }
}

/// The org's counterparts, the latest conversation first, at most `limit`.
pub async fn conversations(
    tx: &Tx,
    org: OrgId,
    limit: i64,
) -> Result<Vec<Conversation>, StoreError> {
    let rows = tx
        .client()
        .query(
            "select client_number, count(*) as messages,
                    (array_agg(sent_at order by sent_at desc, id desc))[1] as last_at,
                    (array_agg(direction order by sent_at desc, id desc))[1] as last_direction,
                    (array_agg(body order by sent_at desc, id desc))[1] as last_body
             from mightycall_sms_messages where org_id = $1
             group by client_number
             order by last_at desc, client_number
             limit $2",
            &[&org.as_uuid(), &limit],
        )
        .await?;
    crate::row::all(&rows)
}

/// The latest `limit` messages with `client_number`, newest first.
pub async fn thread(
    tx: &Tx,
    org: OrgId,
    client_number: &str,
    limit: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    let rows = tx
        .client()
        .query(
            &format!(
                "select id as sort_id, {columns} from mightycall_sms_messages
                 where org_id = $1 and client_number = $2
                 order by sent_at desc, id desc limit $3",
                columns = MessageRow::COLUMNS
            ),
            &[&org.as_uuid(), &client_number, &limit],
        )
        .await?;
    crate::row::all(&rows)
}
