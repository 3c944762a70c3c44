//! `send_sms` against the fake MightyCall over loopback HTTP: what is sent, what MightyCall's
//! refusals become, and that a send is never repeated once MightyCall may have acted on it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mightycall::{
    ApiKey, BaseUrl, ClientConfig, Credentials, MightyCallClient, MightyCallError, OutgoingSms,
    RetryPolicy, Timeouts, UserKey,
};
use mightycall_fake::{AccountKeys, FakeConfig, FakeHandle, FakeMightyCall, Fault, FaultRule};

const TO: &str = "+442071234567";
const TEXT: &str = "Your order is ready";

fn sms<'a>(from: &'a str, text: &'a str) -> OutgoingSms<'a> {
    OutgoingSms { from, to: TO, text }
}

fn config(fake: &FakeHandle, keys: &AccountKeys) -> ClientConfig {
    let credentials = Credentials {
        api_key: ApiKey::parse(&keys.api_key).unwrap(),
        user_key: UserKey::parse(&keys.user_key).unwrap(),
    };
    let base_url = BaseUrl::deployment_override(&fake.base_url()).unwrap();
    let retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(5),
    };
    ClientConfig {
        retry,
        ..ClientConfig::new(credentials, base_url)
    }
}

fn client(fake: &FakeHandle, keys: &AccountKeys) -> MightyCallClient {
    MightyCallClient::new(config(fake, keys), None).unwrap()
}

/// A fake, the first account's keys and a client that already holds a token.
async fn setup() -> (FakeHandle, AccountKeys, MightyCallClient) {
    let fake = FakeMightyCall::start(FakeConfig::default()).await.unwrap();
    let keys = fake.accounts()[0].clone();
    let client = client(&fake, &keys);
    client.authenticate().await.unwrap();
    (fake, keys, client)
}

fn number(fake: &FakeHandle, keys: &AccountKeys, sms_mode: &str) -> String {
    let account = fake.account(&keys.api_key).unwrap();
    let found = account
        .phone_numbers
        .iter()
        .find(|p| p.deleted_at.is_none() && p.sms_mode == sms_mode);
    found.unwrap().number.clone()
}

fn sends(fake: &FakeHandle, keys: &AccountKeys) -> usize {
    let log = fake.request_log(&keys.api_key);
    log.iter()
        .filter(|r| r.path.ends_with("/messages/send"))
        .count()
}

#[tokio::test]
async fn a_sent_sms_is_in_the_journal_under_the_id_the_send_answered() {
    let (fake, keys, client) = setup().await;
    let from = number(&fake, &keys, "Enabled");
    let before = fake.account(&keys.api_key).unwrap().messages.len();

    let sent = client.send_sms(sms(&from, TEXT)).await.unwrap();

    let id = sent.id.expect("the send's id");
    assert!(sent.send_time.is_some());
    let account = fake.account(&keys.api_key).unwrap();
    assert_eq!(account.messages.len(), before + 1);
    let journal = account.messages.last().unwrap();
    assert_eq!(journal.request_guid, id);
    assert_eq!(
        (
            journal.business_number.as_str(),
            journal.client_phone.as_str()
        ),
        (from.as_str(), TO)
    );
    assert_eq!(journal.text, TEXT);
    assert_eq!(sends(&fake, &keys), 1);
}

#[tokio::test]
async fn refusals_are_bad_requests_and_spend_no_token() {
    let (fake, keys, client) = setup().await;
    let capable = number(&fake, &keys, "Capable");
    let enabled = number(&fake, &keys, "Enabled");
    for (from, to, what) in [
        (capable.as_str(), TO, "a number without SMS"),
        ("+12125550199", TO, "a number of no account"),
        ("+442071234567", TO, "outside the from pattern"),
        (enabled.as_str(), "12345", "not a phone number"),
    ] {
        let sms = OutgoingSms {
            from,
            to,
            text: "hello",
        };
        let err = client.send_sms(sms).await.unwrap_err();
        assert!(
            matches!(err, MightyCallError::BadRequest { .. }),
            "{what}: {err:?}"
        );
    }
    assert_eq!(fake.token_grants(&keys.api_key).len(), 1, "no refresh");
    assert_eq!(sends(&fake, &keys), 4);
    let account = fake.account(&keys.api_key).unwrap();
    assert!(account.messages.iter().all(|m| m.request_guid.is_nil()));
}

#[tokio::test]
async fn a_5xx_or_a_timeout_is_not_sent_again_but_a_429_is() {
    let (fake, keys, client) = setup().await;
    let impatient = MightyCallClient::new(
        ClientConfig {
            timeouts: Timeouts {
                connect: Duration::from_secs(1),
                request: Duration::from_millis(200),
            },
            ..config(&fake, &keys)
        },
        None,
    )
    .unwrap();
    impatient.authenticate().await.unwrap();
    let from = number(&fake, &keys, "Enabled");
    let sms = sms(&from, TEXT);
    fake.push_fault(FaultRule::once(Fault::ServerError { status: 503 }).on_path("/messages/send"));
    let err = client.send_sms(sms).await.unwrap_err();
    assert_eq!(err, MightyCallError::Upstream { status: 503 });
    assert_eq!(sends(&fake, &keys), 1);

    // MightyCall may still act on a request the client gave up waiting for: not sent again.
    fake.push_fault(
        FaultRule::once(Fault::Slow {
            delay: Duration::from_millis(600),
        })
        .on_path("/messages/send"),
    );
    let err = impatient.send_sms(sms).await.unwrap_err();
    assert_eq!(err, MightyCallError::Timeout);
    assert_eq!(sends(&fake, &keys), 2);

    fake.push_fault(
        FaultRule::once(Fault::RateLimited {
            retry_after: Duration::from_secs(0),
        })
        .on_path("/messages/send"),
    );
    client.send_sms(sms).await.unwrap();
    assert_eq!(sends(&fake, &keys), 4, "the 429 was tried again");
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once() {
    let (fake, keys, client) = setup().await;
    let from = number(&fake, &keys, "Enabled");
    fake.expire_tokens(&keys.api_key);
    let sent = client.send_sms(sms(&from, TEXT)).await.unwrap();
    assert!(sent.id.is_some());
    assert_eq!(fake.token_grants(&keys.api_key).len(), 2);
}
