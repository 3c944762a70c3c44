//! The client against the fake MightyCall over real loopback HTTP.
// Helpers outside `#[test]` fns are not covered by allow-unwrap-in-tests; a failing unwrap here is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeDelta, Utc};
use futures::TryStreamExt;
use mightycall::models::{Call, JournalType};
use mightycall::{
    ApiKey, BaseUrl, CachedToken, CallsQuery, ClientConfig, ContactsQuery, Credentials,
    JournalQuery, MemoryLedger, MightyCallClient, MightyCallError, Page, PageSize, RequestBudget,
    RequestLedger, RetryPolicy, Timeouts, UserKey, UtcWindow, VoicemailsQuery,
};
use mightycall_fake::{
    AccountKeys, FakeConfig, FakeHandle, FakeMightyCall, Fault, FaultRule, JournalEnvelope,
};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(5),
    }
}

fn anchor() -> DateTime<Utc> {
    Utc::now() - TimeDelta::minutes(10)
}

async fn fake_with(config: FakeConfig) -> FakeHandle {
    FakeMightyCall::start(FakeConfig {
        anchor: anchor(),
        ..config
    })
    .await
    .unwrap()
}

async fn fake() -> FakeHandle {
    fake_with(FakeConfig {
        calls: 45,
        ..FakeConfig::default()
    })
    .await
}

fn config(fake: &FakeHandle, keys: &AccountKeys) -> ClientConfig {
    let credentials = Credentials {
        api_key: ApiKey::parse(&keys.api_key).unwrap(),
        user_key: UserKey::parse(&keys.user_key).unwrap(),
    };
    let base_url = BaseUrl::deployment_override(&fake.base_url()).unwrap();
    ClientConfig {
        retry: fast_retry(),
        ..ClientConfig::new(credentials, base_url)
    }
}

fn client(fake: &FakeHandle, keys: &AccountKeys) -> MightyCallClient {
    MightyCallClient::new(config(fake, keys), None).unwrap()
}

/// The whole generated range, closed a few minutes in the past.
fn all_days() -> UtcWindow {
    UtcWindow::new(
        anchor() - TimeDelta::days(8),
        Utc::now() - TimeDelta::minutes(5),
    )
    .unwrap()
}

fn small(size: u32) -> PageSize {
    PageSize::new(size).unwrap()
}

async fn all_calls(
    client: &MightyCallClient,
    query: CallsQuery,
) -> Result<Vec<Page<Call>>, MightyCallError> {
    client.calls(query).try_collect().await
}

fn calls_requests(fake: &FakeHandle, key: &str) -> Vec<String> {
    fake.request_log(key)
        .into_iter()
        .filter(|r| r.path == "/v4/api/calls")
        .map(|r| r.query.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn calls_are_paged_over_an_explicit_window_never_the_10_row_24_h_defaults() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    let pages = all_calls(
        &client,
        CallsQuery {
            page_size: small(10),
            ..CallsQuery::new(all_days())
        },
    )
    .await
    .unwrap();

    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.id.clone()))
        .collect();
    let expected: HashSet<String> = fake
        .account(&keys.api_key)
        .unwrap()
        .calls
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(ids.len(), 45);
    assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), expected);
    assert_eq!(
        pages.len(),
        5,
        "45 rows in pages of 10 end on the short fifth page"
    );
    assert_eq!(pages[0].total, Some(45));
    assert!(pages.last().unwrap().next.is_none());
    for query in calls_requests(&fake, &keys.api_key) {
        assert!(
            query.contains("startUtc=")
                && query.contains("endUtc=")
                && query.contains("pageSize=10"),
            "{query}"
        );
        // yyyy-MM-ddTHH:mm:ss: no offset, no fraction (':' is percent-encoded in the query).
        assert!(!query.contains('Z') && !query.contains('.'), "{query}");
    }
    // Only the documented paths, one token.
    assert_eq!(fake.token_grants(&keys.api_key), ["client_credentials"]);
    assert_eq!(fake.requests(&keys.api_key), 1 + 5);
}

#[tokio::test]
async fn resuming_from_a_checkpointed_cursor_continues_where_the_last_page_ended() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    let query = CallsQuery {
        page_size: small(20),
        ..CallsQuery::new(all_days())
    };
    let first: Page<Call> = client
        .calls(query.clone())
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let Some(mightycall::PageCursor::Offset { skip }) = first.next else {
        panic!("expected an offset cursor")
    };
    let rest = all_calls(&client, CallsQuery { skip, ..query })
        .await
        .unwrap();
    let count = first.items.len() + rest.iter().map(|p| p.items.len()).sum::<usize>();
    assert_eq!(count, 45);
}

#[tokio::test]
async fn tenants_never_mix() {
    let fake = fake().await;
    let accounts = fake.accounts();
    let (a, b) = (&accounts[0], &accounts[1]);
    let client_a = client(&fake, a);
    let pages = all_calls(&client_a, CallsQuery::new(all_days()))
        .await
        .unwrap();
    let ids_a: HashSet<String> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.id.clone()))
        .collect();
    let ids_b: HashSet<String> = fake
        .account(&b.api_key)
        .unwrap()
        .calls
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    assert!(ids_a.is_disjoint(&ids_b));
    assert_eq!(fake.requests(&b.api_key), 0);

    // A token persisted for account A is never presented with account B's key.
    let token_a = client_a.token_snapshot().unwrap();
    let client_b = MightyCallClient::new(config(&fake, b), Some(token_a)).unwrap();
    assert!(client_b.token_snapshot().is_none());
    client_b.profile().await.unwrap();
    assert_eq!(fake.token_grants(&b.api_key), ["client_credentials"]);
}

#[tokio::test]
async fn a_persisted_token_is_reused_without_spending_a_token_request() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let first = client(&fake, keys);
    first.profile().await.unwrap();
    let stored = serde_json::to_string(&first.token_snapshot().unwrap()).unwrap();

    let restored: CachedToken = serde_json::from_str(&stored).unwrap();
    let second = MightyCallClient::new(config(&fake, keys), Some(restored)).unwrap();
    second.team().await.unwrap();
    assert_eq!(fake.token_grants(&keys.api_key), ["client_credentials"]);
    assert_eq!(fake.requests(&keys.api_key), 3);
}

#[tokio::test]
async fn a_token_is_refreshed_with_its_refresh_token_an_hour_before_expiry() {
    // 50 minutes of lifetime is already inside the one-hour margin.
    let fake = fake_with(FakeConfig {
        token_ttl: Duration::from_secs(3000),
        ..FakeConfig::default()
    })
    .await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    client.profile().await.unwrap();
    client.profile().await.unwrap();
    // The refresh token contains '+', '/' and '=': accepted only if form-encoded correctly.
    assert_eq!(
        fake.token_grants(&keys.api_key),
        ["client_credentials", "refresh_token"]
    );
}

#[tokio::test]
async fn an_expired_token_mid_sync_is_refreshed_once_and_the_sync_completes() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.push_fault(
        FaultRule::once(Fault::ExpireToken)
            .on_path("/calls")
            .after(2),
    );
    let pages = all_calls(
        &client,
        CallsQuery {
            page_size: small(10),
            ..CallsQuery::new(all_days())
        },
    )
    .await
    .unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 45);
    assert_eq!(
        fake.token_grants(&keys.api_key),
        ["client_credentials", "refresh_token"]
    );
}

#[tokio::test]
async fn a_second_401_after_the_refresh_fails_with_unauthorized() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.push_fault(
        FaultRule::once(Fault::ExpireToken)
            .on_path("/profile")
            .always(),
    );
    let err = client.profile().await.unwrap_err();
    assert!(
        matches!(err, MightyCallError::Unauthorized { .. }),
        "{err:?}"
    );
    assert_eq!(
        fake.token_grants(&keys.api_key).len(),
        2,
        "exactly one refresh"
    );
}

#[tokio::test]
async fn bad_credentials_are_invalid_client_and_not_retried() {
    let fake = fake().await;
    let keys = AccountKeys {
        user_key: "wrong".into(),
        ..fake.accounts()[0].clone()
    };
    let err = client(&fake, &keys).profile().await.unwrap_err();
    assert!(
        matches!(&err, MightyCallError::Unauthorized { reason } if reason.contains("invalid_client")),
        "{err:?}"
    );
    assert_eq!(fake.requests(&keys.api_key), 1);
}

#[tokio::test]
async fn rate_limits_and_5xx_bursts_are_retried() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.push_fault(
        FaultRule::once(Fault::RateLimited {
            retry_after: Duration::ZERO,
        })
        .on_path("/team"),
    );
    fake.push_fault(
        FaultRule::once(Fault::ServerError { status: 503 })
            .on_path("/team")
            .times(2),
    );
    let team = client.team().await.unwrap();
    assert_eq!(team.users.len(), 4);
    assert_eq!(
        fake.requests(&keys.api_key),
        1 + 4,
        "token + 429 + 503 + 503 + success"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_is_returned_not_slept() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.push_fault(
        FaultRule::once(Fault::RateLimited {
            retry_after: Duration::from_secs(3600),
        })
        .on_path("/team"),
    );
    let err = client.team().await.unwrap_err();
    let MightyCallError::RateLimited {
        retry_after: Some(after),
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(after, Duration::from_secs(3600));
    assert_eq!(fake.requests(&keys.api_key), 2);
}

#[tokio::test]
async fn retries_give_up_with_the_last_error() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.push_fault(
        FaultRule::once(Fault::ServerError { status: 502 })
            .on_path("/team")
            .always(),
    );
    assert_eq!(
        client.team().await.unwrap_err(),
        MightyCallError::Upstream { status: 502 }
    );
    assert_eq!(fake.requests(&keys.api_key), 1 + 4, "first try + 3 retries");
}

#[tokio::test]
async fn slow_responses_time_out_and_are_retried() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let config = ClientConfig {
        timeouts: Timeouts {
            connect: Duration::from_secs(1),
            request: Duration::from_millis(200),
        },
        ..config(&fake, keys)
    };
    let client = MightyCallClient::new(config, None).unwrap();
    fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_secs(2),
        })
        .on_path("/profile"),
    );
    client.profile().await.unwrap();
    fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_secs(2),
        })
        .on_path("/team")
        .times(4),
    );
    assert_eq!(client.team().await.unwrap_err(), MightyCallError::Timeout);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.push_fault(FaultRule::once(Fault::MalformedJson).on_path("/calls"));
    let err = all_calls(&client, CallsQuery::new(all_days()))
        .await
        .unwrap_err();
    assert!(matches!(err, MightyCallError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn the_budget_counts_every_request_and_stops_before_the_quota() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let ledger: Arc<dyn RequestLedger> = Arc::new(MemoryLedger::default());
    // Another client of the same key already spent one request of the four.
    let other = MightyCallClient::new(
        ClientConfig {
            budget: Some(RequestBudget::new(4, Arc::clone(&ledger))),
            ..config(&fake, keys)
        },
        None,
    )
    .unwrap();
    other.authenticate().await.unwrap();
    let budget = RequestBudget::new(4, ledger);
    let config = ClientConfig {
        budget: Some(budget.clone()),
        ..config(&fake, keys)
    };
    let client = MightyCallClient::new(config, None).unwrap();
    let mut stream = std::pin::pin!(client.calls(CallsQuery {
        page_size: small(5),
        ..CallsQuery::new(all_days())
    }));
    let mut pages = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => pages += 1,
            Ok(None) => panic!("the budget should have stopped the sync"),
            Err(e) => break e,
        }
    };
    assert_eq!(err, MightyCallError::QuotaExhausted { used: 4, limit: 4 });
    assert_eq!(pages, 2, "3 requests left: the token and two pages");
    assert_eq!(fake.requests(&keys.api_key), 4);
    assert_eq!(budget.spent(), 3);
}

#[tokio::test]
async fn an_exhausted_account_quota_is_not_retried() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.set_quota(Some(2));
    client.profile().await.unwrap();
    let err = client.team().await.unwrap_err();
    assert!(
        matches!(err, MightyCallError::RateLimited { retry_after: Some(d) } if d > Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(fake.requests(&keys.api_key), 3);
}

#[tokio::test]
async fn rows_repeated_across_page_boundaries_are_dropped_and_counted() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.set_duplicate_rows(true);
    let pages = all_calls(
        &client,
        CallsQuery {
            page_size: small(10),
            ..CallsQuery::new(all_days())
        },
    )
    .await
    .unwrap();
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.id.as_str()))
        .collect();
    assert_eq!(ids.len(), 45);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 45);
    assert_eq!(pages.iter().map(|p| p.duplicates).sum::<usize>(), 1);
}

#[tokio::test]
async fn calls_arriving_during_paging_do_not_disturb_a_closed_window() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    fake.set_new_calls_per_page(3);
    let pages = all_calls(
        &client,
        CallsQuery {
            page_size: small(10),
            ..CallsQuery::new(all_days())
        },
    )
    .await
    .unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 45);
    assert_eq!(fake.account(&keys.api_key).unwrap().calls.len(), 45 + 15);

    // An open window sees the newcomers shift rows; every row still arrives exactly once.
    let open = UtcWindow::new(
        anchor() - TimeDelta::days(8),
        Utc::now() + TimeDelta::hours(1),
    )
    .unwrap();
    let pages = all_calls(
        &client,
        CallsQuery {
            page_size: small(10),
            ..CallsQuery::new(open)
        },
    )
    .await
    .unwrap();
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.id.as_str()))
        .collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
    assert!(ids.len() >= 60);
    // Calls in progress have no status and no duration yet.
    let fresh = pages
        .iter()
        .flat_map(|p| &p.items)
        .find(|c| c.call_status.is_none())
        .unwrap();
    assert!(fresh.duration.is_none());
}

#[tokio::test]
async fn a_single_call_by_id_and_not_found_as_http_400() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    let known = fake.account(&keys.api_key).unwrap().calls[0].clone();
    let call = client.call(&known.id.to_string()).await.unwrap();
    assert_eq!(call.id, known.id.to_string());
    assert_eq!(call.duration, known.duration_ms.map(Duration::from_millis));
    let err = client
        .call("7e734dc1-544d-4f04-8ccc-8bd5b197a88c")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, MightyCallError::NotFound { message } if message.contains("Call not found")),
        "{err:?}"
    );
    // Not a GUID: refused before any request (no path injection).
    let before = fake.requests(&keys.api_key);
    assert!(matches!(
        client.call("../profile").await,
        Err(MightyCallError::BadRequest { .. })
    ));
    assert_eq!(fake.requests(&keys.api_key), before);
}

#[tokio::test]
async fn journal_sms_with_type_message_across_all_three_envelopes() {
    let fake = fake().await;
    fake.set_journal_envelope(JournalEnvelope::Rotate);
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    let query = JournalQuery {
        page_size: small(4),
        ..JournalQuery::new(all_days(), Some(JournalType::Message))
    };
    let pages: Vec<_> = client.journal(query).try_collect().await.unwrap();
    let messages: Vec<_> = pages.iter().flat_map(|p| &p.items).collect();
    assert_eq!(messages.len(), 20);
    assert!(
        pages.len() >= 5,
        "pages of 4 over 20 rows, ending on a short or empty page"
    );
    assert!(
        messages
            .iter()
            .all(|m| m.r#type == Some(JournalType::Message) && m.text.is_some())
    );
    let queries: Vec<String> = fake
        .request_log(&keys.api_key)
        .into_iter()
        .filter_map(|r| {
            r.path
                .ends_with("/journal/requests")
                .then_some(r.query.unwrap_or_default())
        })
        .collect();
    assert!(
        queries
            .iter()
            .all(|q| q.contains("type=Message") && q.contains("pageSize=4") && q.contains("Z"))
    );
}

#[tokio::test]
async fn journal_calls_carry_hh_mm_ss_durations_matching_the_calls_endpoint() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    let pages: Vec<_> = client
        .journal(JournalQuery::new(all_days(), Some(JournalType::Call)))
        .try_collect()
        .await
        .unwrap();
    let account = fake.account(&keys.api_key).unwrap();
    let requests: Vec<_> = pages.iter().flat_map(|p| &p.items).collect();
    assert_eq!(requests.len(), 45);
    for request in requests {
        let call = account
            .calls
            .iter()
            .find(|c| Some(c.id.to_string()) == request.request_guid)
            .unwrap();
        // hh:mm:ss truncates the milliseconds of /calls.
        assert_eq!(
            request.duration.map(|d| d.as_secs()),
            call.duration_ms.map(|ms| ms / 1000)
        );
    }
}

#[tokio::test]
async fn voicemails_are_paged_with_durations_in_seconds() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    let query = VoicemailsQuery {
        page_size: small(2),
        ..VoicemailsQuery::new(all_days())
    };
    let pages: Vec<_> = client.voicemails(query).try_collect().await.unwrap();
    let account = fake.account(&keys.api_key).unwrap();
    let expected = account
        .calls
        .iter()
        .filter(|c| c.outcome == Some(mightycall_fake::CallOutcome::VoiceMail))
        .count();
    let voicemails: Vec<_> = pages.iter().flat_map(|p| &p.items).collect();
    assert_eq!(voicemails.len(), expected);
    assert!(
        voicemails
            .iter()
            .all(|v| v.duration.is_some_and(|d| d.subsec_nanos() == 0)
                && v.voicemail_status.is_some())
    );
}

#[tokio::test]
async fn contacts_with_updated_since_include_deletions() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    let account = fake.account(&keys.api_key).unwrap();
    let query = ContactsQuery {
        page_size: small(7),
        ..ContactsQuery::new(None)
    };
    let everyone: Vec<_> = client.contacts(query).try_collect().await.unwrap();
    let live = everyone.iter().flat_map(|p| &p.items).count();
    assert_eq!(live, account.contacts.iter().filter(|c| !c.deleted).count());
    assert!(
        everyone
            .iter()
            .flat_map(|p| &p.items)
            .all(|c| !c.is_deleted())
    );

    let since = anchor() - TimeDelta::days(8);
    let changed: Vec<_> = client
        .contacts(ContactsQuery::new(Some(since)))
        .try_collect()
        .await
        .unwrap();
    let changed: Vec<_> = changed.iter().flat_map(|p| &p.items).collect();
    let expected_deleted = account
        .contacts
        .iter()
        .filter(|c| c.deleted && c.updated > since)
        .count();
    assert!(expected_deleted > 0);
    assert_eq!(
        changed.iter().filter(|c| c.is_deleted()).count(),
        expected_deleted
    );
}

#[tokio::test]
async fn phone_numbers_keep_a_number_that_is_both_active_and_deleted() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let numbers = client(&fake, keys).phone_numbers().await.unwrap();
    assert_eq!(
        numbers.total,
        Some(numbers.active.len() as u64),
        "total counts active numbers only"
    );
    let both: Vec<_> = numbers
        .active
        .iter()
        .filter(|a| numbers.deleted.iter().any(|d| d.number == a.number))
        .collect();
    assert_eq!(both.len(), 1);
    let deleted = numbers
        .deleted
        .iter()
        .find(|d| d.number == both[0].number)
        .unwrap();
    assert_ne!(deleted.object_guid, both[0].object_guid);
    assert!(deleted.when_deleted.is_some());
}

#[tokio::test]
async fn team_profile_and_ping() {
    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let client = client(&fake, keys);
    assert_eq!(client.ping().await.unwrap(), "3");
    let profile = client.profile().await.unwrap();
    assert_eq!(profile.role.as_deref(), Some("admin"));
    let team = client.team().await.unwrap();
    assert_eq!(team.vmboxes.len(), 1);
}

#[tokio::test]
async fn secrets_never_appear_in_debug_output_errors_or_logs() {
    // A process-wide subscriber: a thread-local one misses events whose callsites other tests
    // (on other threads, with no subscriber) registered first.
    let capture = test_harness::logs::capture();

    let fake = fake().await;
    let keys = &fake.accounts()[0];
    let config = config(&fake, keys);
    let client = MightyCallClient::new(config.clone(), None).unwrap();
    fake.push_fault(FaultRule::once(Fault::ExpireToken).on_path("/profile"));
    fake.push_fault(FaultRule::once(Fault::ServerError { status: 500 }).on_path("/team"));
    let mut text = format!("{config:?}");
    text.push_str(&format!("{:?}", client.profile().await));
    text.push_str(&format!("{:?}", client.team().await));
    let token = client.token_snapshot().unwrap();
    text.push_str(&format!("{token:?}"));
    let wrong = AccountKeys {
        user_key: "not-the-key".into(),
        ..keys.clone()
    };
    let err = self::client(&fake, &wrong).profile().await.unwrap_err();
    text.push_str(&format!("{err:?} {err}"));
    text.push_str(&capture.text());

    let persisted = serde_json::to_value(&token).unwrap();
    let access = persisted["access_token"].as_str().unwrap();
    let refresh = persisted["refresh_token"].as_str().unwrap();
    assert!(
        text.contains("retrying MightyCall request"),
        "logs were captured"
    );
    for secret in [
        keys.api_key.as_str(),
        keys.user_key.as_str(),
        access,
        refresh,
        "not-the-key",
    ] {
        assert!(!text.contains(secret), "a secret leaked");
    }
}
