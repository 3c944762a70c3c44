//! Odd values from MightyCall ("poison records"): each leaves the source's rows, nothing twice, a
//! completed window and a job that says what it kept and what it skipped.

use std::collections::BTreeSet;

use domain::{JobStatus, Resource};
use mightycall_fake::{CallOutcome, FakeAccount, FakeConfig, Fault, FaultRule};
use serde_json::json;
use store::sync_jobs::Job;
use uuid::Uuid;

use integration_tests::World;
use integration_tests::world::succeeded;

fn config() -> FakeConfig {
    FakeConfig {
        calls: 2500,
        messages: 2500,
        contacts: 25,
        ..FakeConfig::default()
    }
}

fn source(w: &World) -> FakeAccount {
    w.fake.account(&w.api_key(0)).unwrap()
}

/// Compares sets, so a row stored twice (or one missing) shows up in the counts too.
async fn assert_rows(w: &World, table: &str, expected: impl IntoIterator<Item = String>) {
    let expected: BTreeSet<String> = expected.into_iter().collect();
    let stored = w.ids(table, w.t.org_a).await;
    let distinct: BTreeSet<String> = stored.iter().cloned().collect();
    assert_eq!(stored.len(), distinct.len(), "{table}: a row stored twice");
    let missing: Vec<_> = expected.difference(&distinct).take(5).collect();
    let extra: Vec<_> = distinct.difference(&expected).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{table}: {} stored, {} expected; missing {missing:?}, extra {extra:?}",
        stored.len(),
        expected.len()
    );
}

async fn text(w: &World, sql: &str, id: &str) -> Option<String> {
    w.db.admin()
        .await
        .query_one(sql, &[&w.t.org_a, &id])
        .await
        .unwrap()
        .get(0)
}

/// A job that completed its window but skipped rows, with each reason counted.
fn skipped(job: &Job, reasons: serde_json::Value) {
    assert_eq!(job.status, JobStatus::Partial, "{:?}", job.error_message);
    assert_eq!(job.error_code.as_deref(), Some("records_skipped"));
    let total: i64 = reasons
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(i64::from(job.records_skipped), total);
    let message = job.error_message.as_deref().unwrap_or_default();
    assert!(
        message.starts_with(&format!("{total} records")),
        "{message}"
    );
    assert_eq!(job.progress["skipped"], reasons, "{}", job.progress);
}

async fn watermark(w: &World, resource: Resource) -> Option<chrono::DateTime<chrono::Utc>> {
    w.db.admin()
        .await
        .query_opt(
            "select watermark from sync_state where org_id = $1 and resource = $2",
            &[&w.t.org_a, &resource.as_str()],
        )
        .await
        .unwrap()
        .and_then(|r| r.get(0))
}

#[tokio::test]
async fn a_nul_in_any_string_is_stripped_and_the_record_kept() {
    let w = World::connected(config()).await;
    let account = source(&w);
    // On the second of three pages, like the caller name that failed a whole window.
    let call = account.calls[1500].id.to_string();
    w.fake.patch_record(
        &call,
        json!({"caller": {"name": "Ann\u{0}Lee"}, "businessNumber": "+1\u{0}2025550100"}),
    );
    // Two records of one page whose ids differ only by a NUL are one row, written once.
    let twin = account.calls[10].id.to_string();
    let kept = account.calls[11].id.to_string();
    w.fake
        .patch_record(&twin, json!({"id": format!("{kept}\u{0}")}));
    let message = account.messages[7].journal_id.clone();
    w.fake.patch_record(
        &message,
        json!({"text": "see\u{0}you", "attachments": [{"link": "https://x.example/1", "fileName": "a\u{0}.jpg"}]}),
    );
    let voicemail = account
        .calls
        .iter()
        .find(|c| c.outcome == Some(CallOutcome::VoiceMail))
        .unwrap()
        .voicemail_id
        .to_string();
    w.fake
        .patch_record(&voicemail, json!({"assignedTo": "Ev\u{0}e"}));
    let contact = account
        .contacts
        .iter()
        .find(|c| !c.deleted)
        .unwrap()
        .contact_id
        .clone();
    w.fake.patch_record(
        &contact,
        json!({"firstName": "Zo\u{0}e", "tags": ["v\u{0}ip"]}),
    );
    let number = account.phone_numbers[0].object_guid.to_string();
    w.fake.patch_record(&number, json!({"label": "Ma\u{0}in"}));

    for resource in [
        Resource::Calls,
        Resource::Sms,
        Resource::Voicemails,
        Resource::Contacts,
        Resource::PhoneNumbers,
    ] {
        let job = w.sync_job(w.t.org_a, resource).await;
        succeeded(&job);
        assert_eq!(job.records_skipped, 0, "{resource:?}");
    }

    assert_rows(
        &w,
        "calls",
        account
            .calls
            .iter()
            .map(|c| c.id.to_string())
            .filter(|id| *id != twin),
    )
    .await;
    let caller = "select caller_name from calls where org_id = $1 and external_id = $2";
    assert_eq!(text(&w, caller, &call).await.as_deref(), Some("AnnLee"));
    let business = "select business_number from calls where org_id = $1 and external_id = $2";
    assert_eq!(
        text(&w, business, &call).await.as_deref(),
        Some("+12025550100")
    );
    assert_rows(
        &w,
        "mightycall_sms_messages",
        account.messages.iter().map(|m| m.journal_id.clone()),
    )
    .await;
    let body = "select body from mightycall_sms_messages where org_id = $1 and external_id = $2";
    assert_eq!(text(&w, body, &message).await.as_deref(), Some("seeyou"));
    let file = "select attachments->0->>'file_name' from mightycall_sms_messages
                where org_id = $1 and external_id = $2";
    assert_eq!(text(&w, file, &message).await.as_deref(), Some("a.jpg"));
    let assigned =
        "select assigned_to from mightycall_voicemails where org_id = $1 and external_id = $2";
    assert_eq!(text(&w, assigned, &voicemail).await.as_deref(), Some("Eve"));
    let first = "select first_name from mightycall_contacts where org_id = $1 and external_id = $2";
    assert_eq!(text(&w, first, &contact).await.as_deref(), Some("Zoe"));
    let tag = "select tags[1] from mightycall_contacts where org_id = $1 and external_id = $2";
    assert_eq!(text(&w, tag, &contact).await.as_deref(), Some("vip"));
    let label = "select label from phone_numbers where org_id = $1 and external_id = $2";
    assert_eq!(text(&w, label, &number).await.as_deref(), Some("Main"));

    // Stored as MightyCall will keep sending it: a re-sync finds nothing changed.
    let again = w.sync_job(w.t.org_a, Resource::Calls).await;
    succeeded(&again);
    assert_eq!(again.records_upserted, 0);
}

#[tokio::test]
async fn an_over_long_value_or_an_impossible_duration_skips_only_that_row() {
    let w = World::connected(config()).await;
    let account = source(&w);
    let long_id = account.calls[500].id.to_string();
    w.fake
        .patch_record(&long_id, json!({"id": "7".repeat(101)}));
    // Milliseconds near i64::MAX: the rollup's sum would overflow.
    let endless = account.calls[1500].id.to_string();
    w.fake.patch_record(
        &endless,
        json!({"duration": i64::MAX.to_string(), "callStatus": "Connected"}),
    );
    // Before year 1: no .NET timestamp, and out of PostgreSQL's range.
    let ancient = account.calls[2200].id.to_string();
    w.fake
        .patch_record(&ancient, json!({"dateTimeUtc": "-5000-01-01T00:00:00"}));
    let long_sms = account.messages[3].journal_id.clone();
    w.fake
        .patch_record(&long_sms, json!({"id": "a".repeat(101)}));
    let voicemail = account
        .calls
        .iter()
        .find(|c| c.outcome == Some(CallOutcome::VoiceMail))
        .unwrap()
        .voicemail_id
        .to_string();
    // Seconds: 3,000 years.
    w.fake
        .patch_record(&voicemail, json!({"duration": "94670856000"}));

    let calls = w.sync_job(w.t.org_a, Resource::Calls).await;
    skipped(
        &calls,
        json!({"id_too_long": 1, "impossible_duration": 1, "unreadable": 1}),
    );
    assert_eq!(calls.pages, 3, "every page written");
    assert_eq!(calls.records_upserted, 2497);
    assert!(
        watermark(&w, Resource::Calls).await.is_some(),
        "the window completed"
    );
    assert_rows(
        &w,
        "calls",
        account
            .calls
            .iter()
            .map(|c| c.id.to_string())
            .filter(|id| ![&long_id, &endless, &ancient].contains(&id)),
    )
    .await;

    let sms = w.sync_job(w.t.org_a, Resource::Sms).await;
    skipped(&sms, json!({"id_too_long": 1}));
    assert_rows(
        &w,
        "mightycall_sms_messages",
        account
            .messages
            .iter()
            .map(|m| m.journal_id.clone())
            .filter(|id| *id != long_sms),
    )
    .await;

    let voicemails = w.sync_job(w.t.org_a, Resource::Voicemails).await;
    skipped(&voicemails, json!({"impossible_duration": 1}));
    assert_rows(
        &w,
        "mightycall_voicemails",
        account
            .calls
            .iter()
            .filter(|c| c.outcome == Some(CallOutcome::VoiceMail))
            .map(|c| c.voicemail_id.to_string())
            .filter(|id| *id != voicemail),
    )
    .await;

    let too_long = account.phone_numbers[2].object_guid.to_string();
    w.fake.patch_record(
        &too_long,
        json!({"number": format!("+1{}", "5".repeat(40))}),
    );
    let numbers = w.sync_job(w.t.org_a, Resource::PhoneNumbers).await;
    skipped(&numbers, json!({"number_too_long": 1}));
    assert_rows(
        &w,
        "phone_numbers",
        account
            .phone_numbers
            .iter()
            .map(|n| n.object_guid.to_string())
            .filter(|id| *id != too_long),
    )
    .await;

    // The next run reads the overlap again: the same rows skipped, nothing rewritten or doubled.
    let again = w.sync_job(w.t.org_a, Resource::Calls).await;
    assert_eq!(again.records_upserted, 0);
    assert_eq!(w.ids("calls", w.t.org_a).await.len(), 2497);
}

async fn deleted_numbers(w: &World) -> Vec<String> {
    w.db.admin()
        .await
        .query(
            "select external_id from phone_numbers where org_id = $1 and deleted_at is not null
             order by 1",
            &[&w.t.org_a],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn a_numbers_refresh_that_read_nothing_deletes_nothing() {
    let w = World::connected(config()).await;
    let account = source(&w);
    succeeded(&w.sync_job(w.t.org_a, Resource::PhoneNumbers).await);
    let mut released: Vec<String> = account
        .phone_numbers
        .iter()
        .filter(|n| n.deleted_at.is_some())
        .map(|n| n.object_guid.to_string())
        .collect();
    released.sort();
    assert_eq!(deleted_numbers(&w).await, released);

    // `"phoneNumbers": null`: nothing read, nothing deleted.
    w.fake.push_fault(
        FaultRule::once(Fault::NullField {
            field: "phoneNumbers",
        })
        .on_path("/phonenumbers"),
    );
    let null = w.sync_job(w.t.org_a, Resource::PhoneNumbers).await;
    succeeded(&null);
    assert_eq!(deleted_numbers(&w).await, released);

    // Every active number unreadable: skipped and counted, nothing deleted.
    let active: Vec<String> = account
        .phone_numbers
        .iter()
        .filter(|n| n.deleted_at.is_none())
        .map(|n| n.object_guid.to_string())
        .collect();
    for id in &active {
        w.fake.patch_record(id, json!({"number": null}));
    }
    let unreadable = w.sync_job(w.t.org_a, Resource::PhoneNumbers).await;
    skipped(&unreadable, json!({"unreadable": active.len()}));
    assert_eq!(deleted_numbers(&w).await, released);

    // A refresh that read every number still marks the one that disappeared.
    for id in &active {
        w.fake.patch_record(id, json!({}));
    }
    let gone = &active[1];
    let replacement = Uuid::new_v4().to_string();
    w.fake
        .patch_record(gone, json!({"objectGuid": replacement}));
    succeeded(&w.sync_job(w.t.org_a, Resource::PhoneNumbers).await);
    let mut now_deleted = released.clone();
    now_deleted.push(gone.clone());
    now_deleted.sort();
    assert_eq!(deleted_numbers(&w).await, now_deleted);
}

#[tokio::test]
async fn an_overflowing_journal_duration_skips_that_message_and_keeps_the_later_pages() {
    let w = World::connected(config()).await;
    let account = source(&w);
    let newest = account.messages.iter().max_by_key(|m| m.at).unwrap();
    let bad = newest.journal_id.clone();
    // Days × 24 overflows 64 bits.
    w.fake
        .patch_record(&bad, json!({"duration": "1000000000000000000.00:00:00"}));
    let job = w.sync_job(w.t.org_a, Resource::Sms).await;
    skipped(&job, json!({"unreadable": 1}));
    assert_eq!(job.pages, 3, "1000-row journal pages, all read");
    assert!(watermark(&w, Resource::Sms).await.is_some());
    assert_rows(
        &w,
        "mightycall_sms_messages",
        account
            .messages
            .iter()
            .map(|m| m.journal_id.clone())
            .filter(|id| *id != bad),
    )
    .await;
}
