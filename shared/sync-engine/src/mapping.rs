//! MightyCall records → rows. MightyCall's enums are kept as our lowercase vocabulary (values we do
//! not know become `unknown`), and every duration is stored in milliseconds. A record that cannot
//! be stored truthfully is left out with a [`SkipReason`]; the rest of its page is written.

use std::collections::HashMap;
use std::time::Duration;

use mightycall::models::{
    Call, CallDirection, CallStatus, Contact, JournalOrigin, JournalRequest, PhoneNumber, SmsMode,
    Voicemail, VoicemailStatus,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::sync_rows::{NewCall, NewContact, NewMessage, NewPhoneNumber, NewVoicemail};

/// Why a fetched record was not written; the job counts them by reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SkipReason {
    /// The client could not parse it (or its id is nothing but NULs).
    Unreadable,
    /// Longer than an id column holds: cut short it could name another record.
    IdTooLong,
    /// Longer than a phone number column holds.
    NumberTooLong,
    /// No call or voicemail lasts that long.
    ImpossibleDuration,
}

/// `external_id` and `number` limits of the synced tables (V4).
const MAX_ID_CHARS: usize = 100;
const MAX_NUMBER_CHARS: usize = 32;
/// No call or voicemail lasts a week; the bound also keeps the rollups' sums of `duration_ms`
/// (a bigint) far from overflowing.
const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// `value` as a column of 1 to `max` characters, without the NULs the store would drop anyway: ids
/// are compared here (one statement may not touch a row twice) as they will be stored.
fn bounded(value: &str, max: usize, too_long: SkipReason) -> Result<String, SkipReason> {
    let value = value.replace('\0', "");
    match value.chars().count() {
        0 => Err(SkipReason::Unreadable),
        n if n > max => Err(too_long),
        _ => Ok(value),
    }
}

fn external_id(id: &str) -> Result<String, SkipReason> {
    bounded(id, MAX_ID_CHARS, SkipReason::IdTooLong)
}

fn millis(d: Option<Duration>) -> Result<Option<i64>, SkipReason> {
    d.map(|d| {
        (d <= MAX_DURATION)
            .then(|| i64::try_from(d.as_millis()).ok())
            .flatten()
            .ok_or(SkipReason::ImpossibleDuration)
    })
    .transpose()
}

/// A page's rows, and why the records missing from them were left out.
pub(crate) struct Mapped<R> {
    pub rows: Vec<R>,
    pub skipped: Vec<SkipReason>,
}

/// Maps a page's records. One statement may not touch a row twice: the last record per id wins.
pub(crate) fn rows<T, R>(
    records: impl IntoIterator<Item = T>,
    map: impl Fn(T) -> Result<R, SkipReason>,
    id: impl Fn(&R) -> &str,
) -> Mapped<R> {
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut mapped = Mapped {
        rows: Vec::new(),
        skipped: Vec::new(),
    };
    for record in records {
        let row = match map(record) {
            Ok(row) => row,
            Err(reason) => {
                mapped.skipped.push(reason);
                continue;
            }
        };
        match position.get(id(&row)) {
            Some(&i) => mapped.rows[i] = row,
            None => {
                position.insert(id(&row).to_owned(), mapped.rows.len());
                mapped.rows.push(row);
            }
        }
    }
    mapped
}

pub(crate) fn call(c: &Call) -> Result<NewCall, SkipReason> {
    let direction = match c.direction {
        Some(CallDirection::Incoming) => domain::CallDirection::Incoming,
        Some(CallDirection::Outgoing) => domain::CallDirection::Outgoing,
        _ => domain::CallDirection::Unknown,
    };
    let status = c.call_status.as_ref().map(|s| match s {
        CallStatus::Connected => domain::CallStatus::Connected,
        CallStatus::Missed => domain::CallStatus::Missed,
        CallStatus::VoiceMail => domain::CallStatus::Voicemail,
        CallStatus::Dropped => domain::CallStatus::Dropped,
        CallStatus::Other(_) => domain::CallStatus::Unknown,
    });
    // The agent is whoever answered an incoming call, or whoever placed an outgoing one.
    let answered = c
        .called
        .iter()
        .find(|p| p.is_first_connected)
        .or_else(|| c.called.iter().find(|p| p.is_connected))
        .or_else(|| c.called.first());
    let agent_extension = match c.direction {
        Some(CallDirection::Outgoing) => c.caller.as_ref().and_then(|p| p.extension.clone()),
        _ => answered.and_then(|p| p.extension.clone()),
    };
    let record = c.call_record.as_ref();
    Ok(NewCall {
        external_id: external_id(&c.id)?,
        started_at: c.date_time_utc,
        direction: direction.as_str(),
        status: status.map(domain::CallStatus::as_str),
        duration_ms: millis(c.duration)?,
        business_number: c.business_number.clone(),
        caller_number: c.caller.as_ref().and_then(|p| p.phone.clone()),
        caller_name: c.caller.as_ref().and_then(|p| p.name.clone()),
        caller_extension: c.caller.as_ref().and_then(|p| p.extension.clone()),
        called_number: answered.and_then(|p| p.phone.clone()),
        called_name: answered.and_then(|p| p.name.clone()),
        agent_extension,
        recording_url: record.and_then(|r| r.uri.clone()),
        recording_file_name: record.and_then(|r| r.file_name.clone()),
    })
}

pub(crate) fn sms(r: &JournalRequest) -> Result<NewMessage, SkipReason> {
    let direction = match r.origin {
        Some(JournalOrigin::Inbound) => "inbound",
        Some(JournalOrigin::Outbound) => "outbound",
        Some(JournalOrigin::Internal) => "internal",
        _ => "unknown",
    };
    let attachments: Vec<Value> = r
        .attachments
        .iter()
        .map(|a| json!({ "link": a.link, "file_name": a.file_name, "file_size": a.file_size, "is_image": a.is_image }))
        .collect();
    Ok(NewMessage {
        external_id: external_id(&r.id)?,
        sent_at: r.created,
        direction,
        client_number: r.client.as_ref().and_then(|c| c.address.clone()),
        business_number: r.business_number.as_ref().and_then(|b| b.number.clone()),
        agent_extension: r.agent.as_ref().and_then(|a| a.extension.clone()),
        agent_name: r.agent.as_ref().and_then(|a| a.name.clone()),
        body: r.text.clone(),
        delivery_status: r
            .message_delivery_status
            .as_ref()
            .map(|s| s.as_str().to_lowercase()),
        attachments: Value::Array(attachments),
        request_guid: r
            .request_guid
            .as_deref()
            .and_then(|g| uuid::Uuid::parse_str(g.trim()).ok())
            .filter(|g| !g.is_nil()),
    })
}

pub(crate) fn voicemail(v: &Voicemail) -> Result<NewVoicemail, SkipReason> {
    Ok(NewVoicemail {
        external_id: external_id(&v.id)?,
        received_at: v.date_time_utc,
        from_number: v.from.clone(),
        to_number: v.to.clone(),
        assigned_to: v.assigned_to.clone(),
        duration_ms: millis(v.duration)?,
        status: match v.voicemail_status {
            Some(VoicemailStatus::Read) => "read",
            Some(VoicemailStatus::Unread) => "unread",
            _ => "unknown",
        },
        recording_url: v.voicemail_record.as_ref().and_then(|r| r.uri.clone()),
        file_name: v
            .voicemail_record
            .as_ref()
            .and_then(|r| r.file_name.clone()),
    })
}

pub(crate) fn contact(c: &Contact) -> Result<NewContact, SkipReason> {
    let phones: Vec<&str> = c
        .channels
        .iter()
        .filter_map(|ch| ch.phone.as_deref())
        .collect();
    let emails: Vec<&str> = c
        .channels
        .iter()
        .filter_map(|ch| ch.email.as_deref())
        .collect();
    Ok(NewContact {
        external_id: external_id(&c.contact_id)?,
        etag: c.etag.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        phones: json!(phones),
        emails: json!(emails),
        tags: json!(c.tags),
        source_created_at: c.created,
        source_updated_at: c.updated,
        deleted: c.is_deleted(),
    })
}

/// Active and deleted numbers; the same number can be in both lists under different `objectGuid`s.
pub(crate) fn phone_number(n: &PhoneNumber, deleted: bool) -> Result<NewPhoneNumber, SkipReason> {
    let number = bounded(&n.number, MAX_NUMBER_CHARS, SkipReason::NumberTooLong)?;
    Ok(NewPhoneNumber {
        external_id: match &n.object_guid {
            Some(guid) => external_id(guid)?,
            None => format!("number:{number}"),
        },
        number,
        label: n.label.clone(),
        description: n.description.clone(),
        is_enabled: n.is_enabled,
        is_primary: n.is_primary,
        is_toll_free: n.is_toll_free,
        is_international: n.is_international,
        sms_mode: n.sms_mode.as_ref().map(|m| match m {
            SmsMode::Enabled => "enabled",
            SmsMode::Capable => "capable",
            SmsMode::Disabled => "disabled",
            SmsMode::Other(_) => "unknown",
        }),
        is_mms_enabled: n.is_mms_enabled,
        call_recording_mode: n.call_recording_mode.clone(),
        may_text: n.may_text,
        may_call: n.may_call,
        deleted_at: if deleted {
            Some(n.when_deleted.unwrap_or_else(chrono::Utc::now))
        } else {
            None
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: Value) -> PhoneNumber {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_value_that_does_not_fit_its_column_skips_the_record() {
        let long = number(json!({"number": format!("+1{}", "5".repeat(31))}));
        assert_eq!(
            phone_number(&long, false).err(),
            Some(SkipReason::NumberTooLong)
        );
        let nuls = number(json!({"number": "+12025550100", "objectGuid": "\u{0}\u{0}"}));
        assert_eq!(
            phone_number(&nuls, false).err(),
            Some(SkipReason::Unreadable)
        );
        // 32 characters and a NUL: it fits, and ids compare as stored.
        let fits = number(json!({"number": format!("+1{}\u{0}", "5".repeat(30))}));
        assert_eq!(
            phone_number(&fits, false).unwrap().external_id,
            format!("number:+1{}", "5".repeat(30))
        );
    }

    #[test]
    fn the_last_record_per_id_wins_and_skipped_ones_are_counted() {
        let mapped = rows(
            [("a", 1), ("b", 2), ("\u{0}a", 3), ("\u{0}", 4)],
            |(id, n)| {
                let id = external_id(id)?;
                Ok((id, n))
            },
            |(id, _)| id,
        );
        assert_eq!(mapped.rows, [("a".to_owned(), 3), ("b".to_owned(), 2)]);
        assert_eq!(mapped.skipped, [SkipReason::Unreadable]);
    }
}
