//! MightyCall records → rows. MightyCall's enums are kept as our lowercase vocabulary (values we do
//! not know become `unknown`), and every duration is stored in milliseconds.

use std::collections::HashMap;
use std::time::Duration;

use mightycall::models::{
    Call, CallDirection, CallStatus, Contact, JournalOrigin, JournalRequest, PhoneNumber, SmsMode,
    Voicemail, VoicemailStatus,
};
use serde_json::{Value, json};
use store::sync_rows::{CallRow, ContactRow, PhoneNumberRow, SmsRow, VoicemailRow};

fn millis(d: Option<Duration>) -> Option<i64> {
    d.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One statement may not touch a row twice: keep the last record per id.
pub(crate) fn dedupe<T>(rows: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<T> = Vec::with_capacity(rows.len());
    for row in rows {
        match position.get(id(&row)) {
            Some(&i) => out[i] = row,
            None => {
                position.insert(id(&row).to_owned(), out.len());
                out.push(row);
            }
        }
    }
    out
}

pub(crate) fn call(c: &Call) -> CallRow {
    let direction = match c.direction {
        Some(CallDirection::Incoming) => "incoming",
        Some(CallDirection::Outgoing) => "outgoing",
        _ => "unknown",
    };
    let status = c.call_status.as_ref().map(|s| match s {
        CallStatus::Connected => "connected",
        CallStatus::Missed => "missed",
        CallStatus::VoiceMail => "voicemail",
        CallStatus::Dropped => "dropped",
        CallStatus::Other(_) => "unknown",
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
    CallRow {
        external_id: c.id.clone(),
        started_at: c.date_time_utc,
        direction,
        status,
        duration_ms: millis(c.duration),
        business_number: c.business_number.clone(),
        caller_number: c.caller.as_ref().and_then(|p| p.phone.clone()),
        caller_name: c.caller.as_ref().and_then(|p| p.name.clone()),
        caller_extension: c.caller.as_ref().and_then(|p| p.extension.clone()),
        called_number: answered.and_then(|p| p.phone.clone()),
        called_name: answered.and_then(|p| p.name.clone()),
        agent_extension,
        recording_url: record.and_then(|r| r.uri.clone()),
        recording_file_name: record.and_then(|r| r.file_name.clone()),
    }
}

pub(crate) fn sms(r: &JournalRequest) -> SmsRow {
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
    SmsRow {
        external_id: r.id.clone(),
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
    }
}

pub(crate) fn voicemail(v: &Voicemail) -> VoicemailRow {
    VoicemailRow {
        external_id: v.id.clone(),
        received_at: v.date_time_utc,
        from_number: v.from.clone(),
        to_number: v.to.clone(),
        assigned_to: v.assigned_to.clone(),
        duration_ms: millis(v.duration),
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
    }
}

pub(crate) fn contact(c: &Contact) -> ContactRow {
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
    ContactRow {
        external_id: c.contact_id.clone(),
        etag: c.etag.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        phones: json!(phones),
        emails: json!(emails),
        tags: json!(c.tags),
        source_created_at: c.created,
        source_updated_at: c.updated,
        deleted: c.is_deleted(),
    }
}

/// Active and deleted numbers; the same number can be in both lists under different `objectGuid`s.
pub(crate) fn phone_number(n: &PhoneNumber, deleted: bool) -> PhoneNumberRow {
    PhoneNumberRow {
        external_id: n
            .object_guid
            .clone()
            .unwrap_or_else(|| format!("number:{}", n.number)),
        number: n.number.clone(),
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
    }
}
