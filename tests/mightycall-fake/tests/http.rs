//! The fake as a plain HTTP client (curl) sees it: token, paging, envelopes, errors.
// Helpers outside `#[test]` fns are not covered by allow-unwrap-in-tests; a failing unwrap here is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mightycall_fake::{AccountKeys, FakeConfig, FakeHandle, FakeMightyCall};
use serde_json::Value;

async fn start() -> (FakeHandle, AccountKeys, reqwest::Client) {
    let fake = FakeMightyCall::start(FakeConfig {
        calls: 200,
        days: 3,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let keys = fake.accounts()[0].clone();
    (fake, keys, reqwest::Client::new())
}

async fn token(fake: &FakeHandle, keys: &AccountKeys, http: &reqwest::Client) -> String {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", &keys.api_key),
        ("client_secret", &keys.user_key),
    ];
    let response = http
        .post(format!("{}/auth/token", fake.base_url()))
        .header("x-api-key", &keys.api_key)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 86_399);
    assert!(body["refresh_token"].as_str().unwrap().contains('+'));
    body["access_token"].as_str().unwrap().to_owned()
}

async fn get(
    fake: &FakeHandle,
    keys: &AccountKeys,
    http: &reqwest::Client,
    token: &str,
    path: &str,
) -> (u16, Value) {
    let response = http
        .get(format!("{}/api{path}", fake.base_url()))
        .bearer_auth(token)
        .header("x-api-key", &keys.api_key)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn generated_data_is_deterministic_per_seed_and_accounts_differ() {
    let config = FakeConfig {
        seed: 7,
        ..FakeConfig::default()
    };
    let a = FakeMightyCall::start(config.clone()).await.unwrap();
    let b = FakeMightyCall::start(config).await.unwrap();
    assert_eq!(a.accounts(), b.accounts());
    let keys = a.accounts();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0].api_key, keys[1].api_key);
    let (ca, cb) = (
        a.account(&keys[0].api_key).unwrap(),
        b.account(&keys[0].api_key).unwrap(),
    );
    assert_eq!(
        ca.calls.iter().map(|c| c.id).collect::<Vec<_>>(),
        cb.calls.iter().map(|c| c.id).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_token_endpoint_answers_like_mightycall() {
    let (fake, keys, http) = start().await;
    let url = format!("{}/auth/token", fake.base_url());
    let bad = [
        ("grant_type", "client_credentials"),
        ("client_id", keys.api_key.as_str()),
        ("client_secret", "nope"),
    ];
    let response = http
        .post(&url)
        .header("x-api-key", &keys.api_key)
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        serde_json::json!({"error": "invalid_client"})
    );
    // JSON instead of a form, or no x-api-key: rejected too.
    let json = http
        .post(&url)
        .header("x-api-key", &keys.api_key)
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 400);
    let good = [
        ("grant_type", "client_credentials"),
        ("client_id", keys.api_key.as_str()),
        ("client_secret", keys.user_key.as_str()),
    ];
    assert_eq!(
        http.post(&url).form(&good).send().await.unwrap().status(),
        400
    );
    token(&fake, &keys, &http).await;
    assert_eq!(
        fake.requests(&keys.api_key),
        3,
        "every request with the key is counted"
    );
}

#[tokio::test]
async fn data_endpoints_need_a_bearer_for_the_same_api_key() {
    let (fake, keys, http) = start().await;
    let other = fake.accounts()[1].clone();
    let token = token(&fake, &keys, &http).await;
    assert_eq!(get(&fake, &keys, &http, &token, "/profile").await.0, 200);
    assert_eq!(get(&fake, &keys, &http, "forged", "/profile").await.0, 401);
    assert_eq!(
        get(&fake, &other, &http, &token, "/profile").await.0,
        401,
        "token of another account"
    );
    let no_key = http
        .get(format!("{}/api/profile", fake.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
    fake.expire_tokens(&keys.api_key);
    assert_eq!(get(&fake, &keys, &http, &token, "/profile").await.0, 401);
    let ping: Value = http
        .get(format!("{}/api/ping", fake.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ping, serde_json::json!({"data": "3", "isSuccess": true}));
}

#[tokio::test]
async fn calls_default_to_10_rows_of_the_last_24_hours() {
    let (fake, keys, http) = start().await;
    let token = token(&fake, &keys, &http).await;
    let (status, body) = get(&fake, &keys, &http, &token, "/calls").await;
    assert_eq!(status, 200);
    assert_eq!(body["isSuccess"], true);
    assert_eq!(body["data"]["calls"].as_array().unwrap().len(), 10);
    let all = fake.account(&keys.api_key).unwrap().calls;
    let day_ago = chrono::Utc::now() - chrono::TimeDelta::hours(24);
    let last_day = all.iter().filter(|c| c.at >= day_ago).count() as u64;
    assert_eq!(body["data"]["total"].as_u64().unwrap(), last_day);
    assert!(last_day < all.len() as u64);
    let (status, body) = get(
        &fake,
        &keys,
        &http,
        &token,
        "/calls?startUtc=2020-01-01T00:00:00&pageSize=1000",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["total"], 200);
    let first = &body["data"]["calls"][0];
    assert!(
        first["duration"].is_string() && first["dateTimeUtc"].as_str().unwrap().ends_with("+00:00")
    );
    let (status, body) = get(&fake, &keys, &http, &token, "/calls?startUtc=yesterday").await;
    assert_eq!(status, 400);
    assert!(body["modelState"]["startUtc"].is_array());
}

#[tokio::test]
async fn not_found_is_http_400() {
    let (fake, keys, http) = start().await;
    let token = token(&fake, &keys, &http).await;
    let (status, body) = get(
        &fake,
        &keys,
        &http,
        &token,
        "/calls/7e734dc1-544d-4f04-8ccc-8bd5b197a88c",
    )
    .await;
    assert_eq!(
        (status, body),
        (400, serde_json::json!({"message": "Call not found"}))
    );
    let (status, _) = get(
        &fake,
        &keys,
        &http,
        &token,
        "/voicemails/7e734dc1-544d-4f04-8ccc-8bd5b197a88c",
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_journal_limits_page_size_and_rejects_unknown_filters() {
    let (fake, keys, http) = start().await;
    let token = token(&fake, &keys, &http).await;
    let (status, body) = get(
        &fake,
        &keys,
        &http,
        &token,
        "/journal/requests?pageSize=1001",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "FilterParamsMalformed");
    let (status, body) = get(
        &fake,
        &keys,
        &http,
        &token,
        "/journal/requests?someUnknownFilter=1",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["data"]["unsupportedFilters"][0], "someUnknownFilter");
    let (status, body) = get(&fake, &keys, &http, &token, "/journal/requests").await;
    assert_eq!(status, 200);
    assert_eq!(body["currentPage"], 1);
    assert_eq!(
        body["requests"].as_array().unwrap().len(),
        100,
        "default page size 100"
    );
    let (_, body) = get(
        &fake,
        &keys,
        &http,
        &token,
        "/journal/requests?type=Message&pageSize=1000",
    )
    .await;
    let requests = body["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 20);
    assert!(
        requests
            .iter()
            .all(|r| r["type"] == "message" && r["duration"] == "00:00:00")
    );
}

#[tokio::test]
async fn contacts_report_deletions_only_to_updated_since() {
    let (fake, keys, http) = start().await;
    let token = token(&fake, &keys, &http).await;
    let (_, plain) = get(&fake, &keys, &http, &token, "/contacts?pageSize=1000").await;
    assert!(
        plain["data"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("state").is_none())
    );
    let (_, since) = get(
        &fake,
        &keys,
        &http,
        &token,
        "/contacts?updatedSince=2000-01-01T00:00:00Z&pageSize=5",
    )
    .await;
    assert_eq!(since["data"]["records"], 25);
    assert_eq!(since["data"]["pages"], 5);
    let (_, phones) = get(&fake, &keys, &http, &token, "/phonenumbers").await;
    assert_eq!(
        phones["data"]["total"],
        phones["data"]["phoneNumbers"].as_array().unwrap().len()
    );
    let (_, team) = get(&fake, &keys, &http, &token, "/team").await;
    assert!(
        team["users"].is_array() && team.get("data").is_none(),
        "team is not wrapped"
    );
}

#[tokio::test]
async fn a_patched_record_and_a_null_list_are_answered_as_asked() {
    let (fake, keys, http) = start().await;
    let token = token(&fake, &keys, &http).await;
    let call = fake.account(&keys.api_key).unwrap().calls[0].id.to_string();
    fake.patch_record(
        &call,
        serde_json::json!({"caller": {"name": "Ann\u{0}Lee"}, "duration": "9223372036854775807"}),
    );
    let (_, one) = get(&fake, &keys, &http, &token, &format!("/calls/{call}")).await;
    assert_eq!(one["data"]["caller"]["name"], "Ann\u{0}Lee");
    assert!(
        one["data"]["caller"].as_object().unwrap().len() > 1,
        "merged, not replaced"
    );
    assert_eq!(one["data"]["duration"], "9223372036854775807");

    fake.push_fault(
        mightycall_fake::FaultRule::once(mightycall_fake::Fault::NullField {
            field: "phoneNumbers",
        })
        .on_path("/phonenumbers"),
    );
    let (status, numbers) = get(&fake, &keys, &http, &token, "/phonenumbers").await;
    assert_eq!(status, 200);
    assert!(numbers["data"]["phoneNumbers"].is_null());
    assert!(numbers["data"]["deletedPhoneNumbers"].is_array());
    let (_, again) = get(&fake, &keys, &http, &token, "/phonenumbers").await;
    assert!(again["data"]["phoneNumbers"].is_array(), "once only");
}
