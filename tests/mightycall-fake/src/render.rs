//! MightyCall's JSON shapes, quirks included: each family formats timestamps and durations its own way.

use crate::audio::AudioFiles;
use crate::dataset::{
    CallOutcome, Direction, FakeAccount, FakeCall, FakeContact, FakeMessage, FakePhoneNumber,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// Older endpoints: `2018-06-05T13:38:29.522+00:00`.
fn offset_millis(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string()
}

/// Journal, contacts, deletions: seven fractional digits and `Z` (`2025-12-01T19:58:27.3212038Z`).
fn seven_digits(at: DateTime<Utc>) -> String {
    format!("{}Z", dotnet_utc(at))
}

/// .NET's round-trip form without an offset: `2025-12-01T19:58:27.3212038`.
pub(crate) fn dotnet_utc(at: DateTime<Utc>) -> String {
    format!(
        "{}.{:07}",
        at.format("%Y-%m-%dT%H:%M:%S"),
        at.timestamp_subsec_nanos() / 100
    )
}

fn hms(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn outcome_name(outcome: CallOutcome) -> &'static str {
    match outcome {
        CallOutcome::Connected => "Connected",
        CallOutcome::Missed => "Missed",
        CallOutcome::VoiceMail => "VoiceMail",
        CallOutcome::Dropped => "Dropped",
    }
}

fn label_of<'a>(account: &'a FakeAccount, number: &str) -> Option<&'a str> {
    account
        .phone_numbers
        .iter()
        .find(|p| p.number == number)
        .and_then(|p| p.label.as_deref())
}

pub(crate) fn phone_number(p: &FakePhoneNumber) -> Value {
    let mut v = json!({
        "number": p.number, "isEnabled": true, "isPrimary": p.is_primary, "isTollFree": false,
        "isInternational": false, "smsMode": p.sms_mode, "numberMessagingVerified": p.sms_mode != "Disabled",
        "isMmsEnabled": p.sms_mode == "Enabled", "callRecordingMode": "Both, OutgoingBeepDisabled",
        "description": null, "label": p.label, "mayText": p.sms_mode != "Disabled", "mayCall": true,
        "lastUsed": p.is_primary, "objectGuid": p.object_guid, "doNotOriginate": false,
    });
    if let Some(at) = p.deleted_at {
        v["whenDeleted"] = json!(seven_digits(at));
    }
    v
}

pub(crate) fn call(account: &FakeAccount, c: &FakeCall, files: &AudioFiles) -> Value {
    let agent = &account.team[c.agent % account.team.len()];
    let client = json!({"name": null, "phone": c.client_phone});
    let user = |connected: bool| {
        json!({
            "isConnected": connected, "isFirstConnected": connected, "name": agent.full_name, "extension": agent.extension,
        })
    };
    let connected = c.outcome == Some(CallOutcome::Connected);
    let (caller, called) = match c.direction {
        Direction::Incoming => (client, vec![user(connected)]),
        Direction::Outgoing => {
            let caller = json!({"name": agent.full_name, "extension": agent.extension});
            (
                caller,
                vec![
                    json!({"isConnected": connected, "isFirstConnected": connected, "phone": c.client_phone}),
                ],
            )
        }
    };
    json!({
        "id": c.id, "caller": caller, "called": called, "businessNumber": c.business_number,
        "dateTimeUtc": offset_millis(c.at),
        "duration": c.duration_ms.map(|ms| ms.to_string()),
        "direction": match c.direction { Direction::Incoming => "Incoming", Direction::Outgoing => "Outgoing" },
        "callStatus": c.outcome.map(outcome_name),
        "callRecord": files.call_link(c).map(|uri| json!({
            "fileName": format!("records/{}.wav", c.id),
            "uri": uri,
        })),
        "storageId": null,
    })
}

pub(crate) fn voicemail(account: &FakeAccount, c: &FakeCall, files: &AudioFiles) -> Value {
    let agent = &account.team[c.agent % account.team.len()];
    json!({
        "id": c.voicemail_id, "from": c.client_phone, "to": c.business_number, "assignedTo": agent.full_name,
        // Voicemails use two fractional digits (`2017-01-14T08:40:51.62+00:00`) and seconds as text.
        "dateTimeUtc": format!("{}.{:02}+00:00", c.at.format("%Y-%m-%dT%H:%M:%S"), c.at.timestamp_subsec_millis() / 10),
        "duration": (c.duration_ms.unwrap_or(0) / 1000).to_string(),
        "voicemailStatus": if c.read { "Read" } else { "UnRead" },
        "voicemailRecord": files.voicemail_link(c).map(|uri| json!({
            "fileName": format!("voicemail/{}.wav", c.voicemail_id),
            "uri": uri,
        })),
        "storageId": null,
    })
}

fn journal_agent(account: &FakeAccount, index: usize, role: &str) -> Value {
    let a = &account.team[index % account.team.len()];
    json!({
        "id": a.id, "agentRole": role, "name": a.full_name, "extension": a.extension,
        "role": a.role, "email": a.email, "type": "user",
    })
}

pub(crate) fn journal_call(account: &FakeAccount, c: &FakeCall) -> Value {
    let state = match c.outcome {
        Some(CallOutcome::Connected) | None => "connected",
        Some(CallOutcome::Missed) => "missed",
        Some(CallOutcome::VoiceMail) => "voiceMail",
        Some(CallOutcome::Dropped) => "dropped",
    };
    let duration = hms(c.duration_ms.unwrap_or(0));
    let recording = json!({
        "recordingId": c.journal_id, "duration": duration, "status": "recorded", "flag": "none",
        "link": format!("https://panel.mightycall.example/api/recordings/{}", c.journal_id),
    });
    let mut v = json!({
        "id": c.journal_id, "requestGuid": c.id, "created": seven_digits(c.at), "type": "call", "state": state,
        "origin": match c.direction { Direction::Incoming => "inbound", Direction::Outgoing => "outbound" },
        "client": {"address": c.client_phone, "type": "phoneNumber", "callerKind": "default"},
        "businessNumber": {"number": c.business_number, "label": label_of(account, &c.business_number)},
        "businessNumbersCount": 1,
        "agent": journal_agent(account, c.agent, "callOwner"), "users": [journal_agent(account, c.agent, "callOwner")],
        "duration": duration, "tags": [], "comment": null, "favorite": false, "read": c.read,
        "wfstate": {"state": "open"}, "availability": "available",
    });
    if c.recorded && c.outcome != Some(CallOutcome::VoiceMail) {
        v["recording"] = recording.clone();
    }
    if c.outcome == Some(CallOutcome::VoiceMail) {
        v["voicemail"] = json!({
            "duration": duration, "text": "Hi, please call me back.", "speechRecognitionStatus": "success",
            "recording": recording,
        });
    }
    v
}

pub(crate) fn journal_message(account: &FakeAccount, m: &FakeMessage) -> Value {
    json!({
        "id": m.journal_id, "requestGuid": m.request_guid, "created": seven_digits(m.at),
        "type": "message", "state": "message",
        "origin": match m.direction { Direction::Incoming => "inbound", Direction::Outgoing => "outbound" },
        "client": {"address": m.client_phone, "type": "phoneNumber", "callerKind": "default"},
        "businessNumber": {"number": m.business_number, "label": label_of(account, &m.business_number)},
        "agent": journal_agent(account, 0, "callOwner"), "users": [],
        "duration": "00:00:00", "text": m.text,
        "messageDeliveryStatus": if m.sent { "Sent" } else { "NotSent" },
        "attachments": if m.with_attachment {
            json!([{"link": format!("https://panel.mightycall.example/mms/{}", m.journal_id), "fileName": "photo.jpg",
                    "fileSize": 48_213, "isImage": true, "isSupportedFormat": true, "isStorageExpired": false}])
        } else { json!([]) },
        "tags": [], "read": true, "textModel": {"text": m.text, "availability": "available"},
    })
}

pub(crate) fn contact(c: &FakeContact) -> Value {
    let mut channels = vec![
        json!({"channelId": format!("{}p", &c.contact_id[..8]), "labels": ["Work-phone"], "phone": c.phone}),
    ];
    if let Some(email) = &c.email {
        channels.push(json!({"channelId": format!("{}e", &c.contact_id[..8]), "labels": ["Work-email"], "email": email}));
    }
    let mut v = json!({
        "etag": c.etag, "contactId": c.contact_id, "firstName": c.first_name, "lastName": c.last_name,
        "patronymic": null, "created": seven_digits(c.created), "updated": seven_digits(c.updated),
        "comment": null, "tags": [], "channels": channels, "isAutomatic": false,
    });
    if c.deleted {
        v["state"] = json!("deleted");
    }
    v
}

pub(crate) fn team(account: &FakeAccount) -> Value {
    json!({
        "users": account.team.iter().map(|u| json!({"fullName": u.full_name, "id": u.id, "role": null, "avatarUrl": null})).collect::<Vec<_>>(),
        "groups": [{"name": "Sales", "id": "66632351-c5f8-447b-82ec-315828ddd087"}],
        "vmboxes": [{"name": "General Voicemail Box", "id": "00000000-0000-0000-0000-000000000001"}],
    })
}

pub(crate) fn profile(account: &FakeAccount) -> Value {
    let admin = &account.team[0];
    let (first, last) = admin
        .full_name
        .split_once(' ')
        .unwrap_or((&admin.full_name, ""));
    json!({"data": {"firstName": first, "lastName": last, "email": admin.email, "extension": admin.extension, "role": admin.role}, "isSuccess": true})
}
