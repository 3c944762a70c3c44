use chrono::{DurationRound, TimeDelta, Utc};
use domain::{JobStatus, Resource};
use mightycall_fake::{CallOutcome, Direction, FakeConfig};

use integration_tests::World;
use integration_tests::world::succeeded;

fn config() -> FakeConfig {
    FakeConfig {
        calls: 150,
        messages: 40,
        contacts: 30,
        ..FakeConfig::default()
    }
}

#[tokio::test]
async fn a_full_sync_of_each_resource_yields_exactly_the_fakes_records() {
    let w = World::connected(config()).await;
    let account = w.fake.account(&w.api_key(0)).unwrap();
    for resource in Resource::ALL {
        let job = w.sync_job(w.t.org_a, resource).await;
        succeeded(&job);
    }

    let mut expected: Vec<String> = account.calls.iter().map(|c| c.id.to_string()).collect();
    expected.sort();
    assert_eq!(w.ids("calls", w.t.org_a).await, expected, "calls");

    let mut recorded: Vec<String> = account
        .calls
        .iter()
        .filter(|c| c.recorded)
        .map(|c| c.id.to_string())
        .collect();
    recorded.sort();
    assert_eq!(
        w.ids("mightycall_recordings", w.t.org_a).await,
        recorded,
        "recordings"
    );

    let mut voicemails: Vec<String> = account
        .calls
        .iter()
        .filter(|c| c.outcome == Some(CallOutcome::VoiceMail))
        .map(|c| c.voicemail_id.to_string())
        .collect();
    voicemails.sort();
    assert_eq!(
        w.ids("mightycall_voicemails", w.t.org_a).await,
        voicemails,
        "voicemails"
    );

    let mut sms: Vec<String> = account
        .messages
        .iter()
        .map(|m| m.journal_id.clone())
        .collect();
    sms.sort();
    assert_eq!(
        w.ids("mightycall_sms_messages", w.t.org_a).await,
        sms,
        "sms"
    );

    // A first contacts sync lists current contacts; deletions only come with updatedSince.
    let mut contacts: Vec<String> = account
        .contacts
        .iter()
        .filter(|c| !c.deleted)
        .map(|c| c.contact_id.clone())
        .collect();
    contacts.sort();
    assert_eq!(
        w.ids("mightycall_contacts", w.t.org_a).await,
        contacts,
        "contacts"
    );

    let mut numbers: Vec<String> = account
        .phone_numbers
        .iter()
        .map(|n| n.object_guid.to_string())
        .collect();
    numbers.sort();
    assert_eq!(
        w.ids("phone_numbers", w.t.org_a).await,
        numbers,
        "phone numbers, active and deleted"
    );

    // Spot checks: normalised units and vocabularies.
    let admin = w.db.admin().await;
    for call in account.calls.iter().take(40) {
        let row = admin
            .query_one(
                "select started_at, direction, status, duration_ms, recording_url from calls where org_id = $1 and external_id = $2",
                &[&w.t.org_a, &call.id.to_string()],
            )
            .await
            .unwrap();
        let started: chrono::DateTime<Utc> = row.get(0);
        assert_eq!(
            started,
            call.at.duration_trunc(TimeDelta::milliseconds(1)).unwrap(),
            "UTC start time"
        );
        let direction = match call.direction {
            Direction::Incoming => "incoming",
            Direction::Outgoing => "outgoing",
        };
        assert_eq!(row.get::<_, String>(1), direction);
        let status = call.outcome.map(|o| match o {
            CallOutcome::Connected => "connected",
            CallOutcome::Missed => "missed",
            CallOutcome::VoiceMail => "voicemail",
            CallOutcome::Dropped => "dropped",
        });
        assert_eq!(row.get::<_, Option<String>>(2).as_deref(), status);
        assert_eq!(
            row.get::<_, Option<i64>>(3),
            call.duration_ms.map(|d| d as i64),
            "milliseconds"
        );
        let url: Option<String> = row.get(4);
        assert_eq!(url.is_some(), call.recorded);
        if let Some(url) = url {
            // The fake serves its recordings itself.
            let origin = format!("http://{}/", w.fake.addr());
            assert!(url.starts_with(&origin) && url.contains(&call.id.to_string()));
        }
    }
    let voicemail_ms: Vec<i64> = admin
        .query(
            "select duration_ms from mightycall_voicemails where org_id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        voicemail_ms.iter().all(|ms| ms % 1000 == 0),
        "voicemail seconds stored as milliseconds"
    );
    let deleted: i64 = admin
        .query_one(
            "select count(*) from phone_numbers where org_id = $1 and deleted_at is not null",
            &[&w.t.org_a],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        deleted as usize,
        account
            .phone_numbers
            .iter()
            .filter(|n| n.deleted_at.is_some())
            .count()
    );
}

#[tokio::test]
async fn a_second_run_fetches_only_the_new_window_and_writes_nothing_unchanged() {
    let w = World::connected(config()).await;
    let api_key = w.api_key(0);
    let first = w.sync_job(w.t.org_a, Resource::Calls).await;
    succeeded(&first);
    assert_eq!(
        first.records_upserted as usize,
        w.fake.account(&api_key).unwrap().calls.len()
    );

    let before = w.fake.requests(&api_key);
    let second = w.sync_job(w.t.org_a, Resource::Calls).await;
    succeeded(&second);
    assert_eq!(second.records_upserted, 0, "nothing unchanged is rewritten");
    assert_eq!(
        w.fake.requests(&api_key) - before,
        second.api_requests as usize,
        "the job counts what it spent"
    );
    assert!(
        second.api_requests <= 1,
        "the cached token is reused and one page covers the overlap: {}",
        second.api_requests
    );

    let new_calls = w.fake.add_calls(
        &api_key,
        &[
            Utc::now() - TimeDelta::minutes(1),
            Utc::now() - TimeDelta::seconds(30),
        ],
    );
    let third = w.sync_job(w.t.org_a, Resource::Calls).await;
    succeeded(&third);
    assert_eq!(third.records_upserted, 2);
    let ids = w.ids("calls", w.t.org_a).await;
    assert!(new_calls.iter().all(|c| ids.contains(&c.id.to_string())));

    let used: i32 =
        w.db.admin()
            .await
            .query_one(
                "select requests from mightycall_request_usage where org_id = $1",
                &[&w.t.org_a],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(
        used,
        first.api_requests + second.api_requests + third.api_requests,
        "the daily budget counts every request"
    );
}

#[tokio::test]
async fn two_orgs_with_different_accounts_never_see_each_others_rows() {
    let w = World::connected(config()).await;
    for org in [w.t.org_a, w.t.org_b] {
        succeeded(&w.sync_job(org, Resource::Calls).await);
        succeeded(&w.sync_job(org, Resource::Sms).await);
    }
    for (org, account) in [(w.t.org_a, 0), (w.t.org_b, 1)] {
        let fake = w.fake.account(&w.api_key(account)).unwrap();
        let mut calls: Vec<String> = fake.calls.iter().map(|c| c.id.to_string()).collect();
        calls.sort();
        assert_eq!(w.ids("calls", org).await, calls);
    }
    let a = w.ids("calls", w.t.org_a).await;
    let b = w.ids("calls", w.t.org_b).await;
    assert!(
        a.iter().all(|id| !b.contains(id)),
        "no call of one account lands in the other org"
    );
}

#[tokio::test]
async fn an_org_without_credentials_fails_clearly() {
    let w = World::connected(config()).await;
    w.db.admin()
        .await
        .execute(
            "delete from org_integrations where org_id = $1",
            &[&w.t.org_b],
        )
        .await
        .unwrap();
    let job = w.sync_job(w.t.org_b, Resource::Calls).await;
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.error_code.as_deref(), Some("no_credentials"));
    assert!(w.ids("calls", w.t.org_b).await.is_empty());
}

#[tokio::test]
async fn one_active_job_per_org_and_resource_is_enforced_by_the_database() {
    let w = World::connected(config()).await;
    let first = w.queue(w.t.org_a, Resource::Calls).await;
    let second = w.queue(w.t.org_a, Resource::Calls).await;
    assert_eq!(
        first.id, second.id,
        "the second trigger gets the active job"
    );
    let other = w.queue(w.t.org_a, Resource::Sms).await;
    assert_ne!(other.id, first.id);
    succeeded(&w.run(first.id).await);
    let next = w.queue(w.t.org_a, Resource::Calls).await;
    assert_ne!(next.id, first.id, "once finished, a new job can start");
}

#[tokio::test]
async fn a_run_pauses_before_its_deadline_and_resumes_where_it_stopped() {
    let w = World::builder()
        .fake(FakeConfig {
            calls: 2500,
            ..config()
        })
        .connected()
        .tune(|s| {
            s.deadline_margin = std::time::Duration::ZERO;
        })
        .build()
        .await;
    let api_key = w.api_key(0);
    let job = w.queue(w.t.org_a, Resource::Calls).await;
    // A deadline already passed: the run stops at the first page boundary, before any request.
    let outcome = w
        .engine
        .run(job.id, std::time::Instant::now())
        .await
        .unwrap();
    assert_eq!(outcome, sync_engine::RunOutcome::Paused);
    let paused = w.job(job.id).await;
    assert_eq!(
        paused.status,
        JobStatus::Queued,
        "paused jobs are queued again"
    );
    assert_eq!(paused.pages, 0);

    let done = w.run(job.id).await;
    succeeded(&done);
    assert_eq!(done.records_upserted, 2500);
    assert_eq!(done.pages, 3, "1000-row pages");
    assert_eq!(
        w.fake.requests(&api_key),
        4,
        "a token and three pages: nothing fetched twice"
    );
    assert_eq!(w.ids("calls", w.t.org_a).await.len(), 2500);
}

/// An integration an org admin switched off fetches nothing, whoever starts the sync, and syncs
/// again once switched back on.
#[tokio::test]
async fn a_disabled_integration_fetches_nothing_until_enabled_again() {
    let w = World::connected(config()).await;
    let admin = w.db.admin().await;
    let org = w.t.org_a;
    let set_enabled = |on: bool| {
        let admin = &admin;
        async move {
            admin
                .execute(
                    "update org_integrations set enabled = $2 where org_id = $1",
                    &[&org, &on],
                )
                .await
                .unwrap();
        }
    };
    set_enabled(false).await;
    let job = w.sync_job(w.t.org_a, Resource::Calls).await;
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.error_code.as_deref(), Some("integration_disabled"));
    assert_eq!(w.fake.requests(&w.api_key(0)), 0, "not even a token");
    assert!(w.ids("calls", w.t.org_a).await.is_empty());

    set_enabled(true).await;
    succeeded(&w.sync_job(w.t.org_a, Resource::Calls).await);
    assert_eq!(w.ids("calls", w.t.org_a).await.len(), 150);
}
