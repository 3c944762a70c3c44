//! ES256/RS256 through a JWKS served over real HTTP: caching, rotation, rate-limited refresh,
//! fail-closed behaviour and key/algorithm binding.

use std::sync::Arc;
use std::time::Duration;

use auth::{AuthConfig, AuthError, Authenticator, ConfigError};
use jsonwebtoken::Algorithm;
use serde_json::json;
use url::Url;

use crate::support::*;

const LONG: Duration = Duration::from_secs(600);

fn all_keys() -> serde_json::Value {
    jwks(vec![
        jwk("ec_a", "ec-a", "ES256"),
        jwk("rsa", "rsa-1", "RS256"),
    ])
}

#[tokio::test]
async fn es256_and_rs256_verify_and_the_jwks_is_cached() {
    let server = JwksServer::start(all_keys()).await;
    let auth = with_jwks(server.url.clone(), LONG, LONG);

    let payload = claims();
    let es = signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &payload);
    let user = auth.verify(Some(&bearer(&es)), None).await.unwrap();
    assert_eq!(user.claims, payload);
    assert_eq!(user.user_id.to_string(), payload["sub"].as_str().unwrap());

    let rs = signed(Algorithm::RS256, RSA_PEM, Some("rsa-1"), &claims());
    auth.verify(Some(&bearer(&rs)), None).await.unwrap();
    auth.verify(Some(&bearer(&es)), None).await.unwrap();
    assert_eq!(server.fetches(), 1, "one fetch serves every later request");

    // The same claims checks apply as for HS256.
    let anon = signed(
        Algorithm::ES256,
        EC_A_PEM,
        Some("ec-a"),
        &claims_with(json!({"role": "anon"})),
    );
    assert_eq!(
        auth.verify(Some(&bearer(&anon)), None).await.unwrap_err(),
        AuthError::WrongRole
    );
    let expired = signed(
        Algorithm::RS256,
        RSA_PEM,
        Some("rsa-1"),
        &claims_with(json!({"exp": now() - 300})),
    );
    assert_eq!(
        auth.verify(Some(&bearer(&expired)), None)
            .await
            .unwrap_err(),
        AuthError::Expired
    );
}

#[tokio::test]
async fn concurrent_cold_requests_share_one_fetch() {
    let server = JwksServer::start(all_keys()).await;
    let auth = Arc::new(with_jwks(server.url.clone(), LONG, LONG));
    let header = bearer(&signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (auth, header) = (Arc::clone(&auth), header.clone());
        tasks.spawn(async move { auth.verify(Some(&header), None).await.map(|_| ()) });
    }
    for result in tasks.join_all().await {
        result.unwrap();
    }
    assert_eq!(server.fetches(), 1);
}

#[tokio::test]
async fn a_tampered_es256_token_is_refused() {
    let server = JwksServer::start(all_keys()).await;
    let auth = with_jwks(server.url.clone(), LONG, LONG);
    let good = signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims());
    let other = signed(Algorithm::ES256, EC_B_PEM, Some("ec-a"), &claims());
    assert_eq!(
        auth.verify(Some(&bearer(&other)), None).await.unwrap_err(),
        AuthError::InvalidSignature
    );
    let mut parts: Vec<&str> = good.split('.').collect();
    parts[2] = other.split('.').nth(2).unwrap();
    assert_eq!(
        auth.verify(Some(&bearer(&parts.join("."))), None)
            .await
            .unwrap_err(),
        AuthError::InvalidSignature
    );
}

#[tokio::test]
async fn key_rotation_is_picked_up_after_one_refresh() {
    let server = JwksServer::start(jwks(vec![jwk("ec_a", "key-1", "ES256")])).await;
    let auth = with_jwks(server.url.clone(), Duration::from_millis(200), LONG);
    let old = signed(Algorithm::ES256, EC_A_PEM, Some("key-1"), &claims());
    let new = signed(Algorithm::ES256, EC_B_PEM, Some("key-2"), &claims());

    auth.verify(Some(&bearer(&old)), None).await.unwrap();
    assert_eq!(server.fetches(), 1);

    server.set_jwks(jwks(vec![jwk("ec_b", "key-2", "ES256")]));
    tokio::time::sleep(Duration::from_millis(250)).await;
    auth.verify(Some(&bearer(&new)), None).await.unwrap();
    assert_eq!(server.fetches(), 2, "exactly one refresh for the new kid");

    // The retired key is gone from the set; asking again within the interval fetches nothing.
    assert_eq!(
        auth.verify(Some(&bearer(&old)), None).await.unwrap_err(),
        AuthError::UnknownKey
    );
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn an_unknown_kid_storm_refreshes_at_most_once_per_interval() {
    let server = JwksServer::start(all_keys()).await;
    let interval = Duration::from_millis(300);
    let auth = Arc::new(with_jwks(server.url.clone(), interval, LONG));
    auth.verify(
        Some(&bearer(&signed(
            Algorithm::ES256,
            EC_A_PEM,
            Some("ec-a"),
            &claims(),
        ))),
        None,
    )
    .await
    .unwrap();
    assert_eq!(server.fetches(), 1);

    let storm = |count: usize| {
        let auth = Arc::clone(&auth);
        async move {
            let mut tasks = tokio::task::JoinSet::new();
            for n in 0..count {
                let auth = Arc::clone(&auth);
                let token = signed(
                    Algorithm::ES256,
                    EC_A_PEM,
                    Some(&format!("forged-{n}")),
                    &claims(),
                );
                tasks.spawn(
                    async move { auth.verify(Some(&bearer(&token)), None).await.map(|_| ()) },
                );
            }
            for result in tasks.join_all().await {
                assert_eq!(result, Err(AuthError::UnknownKey));
            }
        }
    };

    storm(30).await;
    assert_eq!(
        server.fetches(),
        1,
        "the interval since the first fetch has not passed"
    );
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    storm(30).await;
    assert_eq!(server.fetches(), 2, "one refresh for the whole storm");
    storm(30).await;
    assert_eq!(server.fetches(), 2);

    // Known keys keep working throughout, without fetching.
    auth.verify(
        Some(&bearer(&signed(
            Algorithm::RS256,
            RSA_PEM,
            Some("rsa-1"),
            &claims(),
        ))),
        None,
    )
    .await
    .unwrap();
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn the_jwks_is_refetched_after_its_ttl() {
    let server = JwksServer::start(all_keys()).await;
    let auth = with_jwks(
        server.url.clone(),
        Duration::ZERO,
        Duration::from_millis(200),
    );
    let header = bearer(&signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims()));
    auth.verify(Some(&header), None).await.unwrap();
    auth.verify(Some(&header), None).await.unwrap();
    assert_eq!(server.fetches(), 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    auth.verify(Some(&header), None).await.unwrap();
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn an_expired_jwks_is_not_used_when_the_refresh_fails() {
    let server = JwksServer::start(all_keys()).await;
    let auth = with_jwks(
        server.url.clone(),
        Duration::ZERO,
        Duration::from_millis(200),
    );
    let header = bearer(&signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims()));
    auth.verify(Some(&header), None).await.unwrap();
    server.set_failing(true);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(
        auth.verify(Some(&header), None).await.unwrap_err(),
        AuthError::JwksUnavailable
    );
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn jwks_down_with_an_empty_cache_fails_closed() {
    let server = JwksServer::start(all_keys()).await;
    server.set_failing(true);
    let interval = Duration::from_millis(300);
    let auth = with_jwks(server.url.clone(), interval, LONG);
    let header = bearer(&signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims()));

    assert_eq!(
        auth.verify(Some(&header), None).await.unwrap_err(),
        AuthError::JwksUnavailable
    );
    assert_eq!(
        auth.verify(Some(&header), None).await.unwrap_err(),
        AuthError::JwksUnavailable
    );
    assert_eq!(server.fetches(), 1, "a failing JWKS is not hammered");

    // Once the interval has passed, the recovered JWKS is used.
    server.set_failing(false);
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    auth.verify(Some(&header), None).await.unwrap();
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn unreachable_or_invalid_jwks_fails_closed() {
    let header = bearer(&signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims()));

    // A port that was just free: nothing listens there.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let closed = Url::parse(&format!("http://{addr}/jwks.json")).unwrap();
    let auth = with_jwks(closed, LONG, LONG);
    assert_eq!(
        auth.verify(Some(&header), None).await.unwrap_err(),
        AuthError::JwksUnavailable
    );

    for document in [
        json!({"keys": "nope"}),
        json!([1, 2, 3]),
        json!({"other": []}),
    ] {
        let server = JwksServer::start(document).await;
        let auth = with_jwks(server.url.clone(), LONG, LONG);
        assert_eq!(
            auth.verify(Some(&header), None).await.unwrap_err(),
            AuthError::JwksUnavailable
        );
    }
}

#[tokio::test]
async fn a_kid_only_matches_a_key_of_the_tokens_algorithm() {
    let server = JwksServer::start(all_keys()).await;
    let auth = with_jwks(server.url.clone(), LONG, LONG);
    let check = |token: String| {
        let auth = &auth;
        async move { auth.verify(Some(&bearer(&token)), None).await.map(|_| ()) }
    };

    let rs_on_ec_kid = signed(Algorithm::RS256, RSA_PEM, Some("ec-a"), &claims());
    assert_eq!(check(rs_on_ec_kid).await, Err(AuthError::UnknownKey));
    let es_on_rsa_kid = signed(Algorithm::ES256, EC_A_PEM, Some("rsa-1"), &claims());
    assert_eq!(check(es_on_rsa_kid).await, Err(AuthError::UnknownKey));
    let no_kid = signed(Algorithm::ES256, EC_A_PEM, None, &claims());
    assert_eq!(check(no_kid).await, Err(AuthError::UnknownKey));
    // PS256 with the RSA key is a valid signature, but not an accepted algorithm.
    let ps = signed(Algorithm::PS256, RSA_PEM, Some("rsa-1"), &claims());
    assert_eq!(check(ps).await, Err(AuthError::UnsupportedAlgorithm));
    // HS256 is never checked against JWKS material, and needs the configured secret.
    let hs = raw_token(&json!({"alg": "HS256", "kid": "rsa-1"}), &claims(), "c2ln");
    assert_eq!(check(hs).await, Err(AuthError::UnsupportedAlgorithm));
}

#[tokio::test]
async fn unusable_jwks_entries_are_skipped_without_hiding_good_ones() {
    let mut rsa_for_ps = jwk("rsa", "rsa-ps", "PS256");
    rsa_for_ps["alg"] = json!("PS256");
    let mut enc = jwk("ec_b", "ec-enc", "ES256");
    enc["use"] = json!("enc");
    let mut short = jwk("ec_b", "ec-short", "ES256");
    short["x"] = json!("AAAA");
    let document = jwks(vec![
        json!({"kty": "oct", "kid": "oct-1", "k": "c2VjcmV0", "alg": "HS256"}),
        json!({"kty": "OKP", "crv": "Ed25519", "kid": "ed-1", "x": "AAAA"}),
        json!({"kty": 7}),
        json!("not an object"),
        rsa_for_ps,
        enc,
        short,
        jwk("ec_a", "ec-a", "ES256"),
    ]);
    let server = JwksServer::start(document).await;
    let auth = with_jwks(server.url.clone(), LONG, LONG);
    let verify = |token: String| {
        let auth = &auth;
        async move { auth.verify(Some(&bearer(&token)), None).await.map(|_| ()) }
    };

    verify(signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims()))
        .await
        .unwrap();
    let refused = [
        signed(Algorithm::RS256, RSA_PEM, Some("rsa-ps"), &claims()),
        signed(Algorithm::ES256, EC_B_PEM, Some("ec-enc"), &claims()),
        signed(Algorithm::ES256, EC_B_PEM, Some("ec-short"), &claims()),
    ];
    for token in refused {
        assert_eq!(verify(token).await, Err(AuthError::UnknownKey));
    }
}

#[tokio::test]
async fn es256_needs_a_configured_jwks() {
    let token = signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims());
    let result = hs256_only()
        .verify(Some(&bearer(&token)), Some(&secret()))
        .await;
    assert_eq!(result.unwrap_err(), AuthError::UnsupportedAlgorithm);
}

#[tokio::test]
async fn jwks_url_must_be_https_except_on_loopback() {
    let config = |url: &str| AuthConfig {
        jwks_url: Some(Url::parse(url).unwrap()),
        ..AuthConfig::default()
    };
    for ok in [
        "https://project.supabase.co/auth/v1/.well-known/jwks.json",
        "http://127.0.0.1:54321/auth/v1/.well-known/jwks.json",
        "http://localhost:54321/jwks",
        "http://[::1]:8080/jwks",
    ] {
        config(ok).validate().expect(ok);
    }
    for bad in [
        "http://project.supabase.co/jwks",
        "http://10.0.0.1/jwks",
        "ftp://127.0.0.1/jwks",
    ] {
        assert_eq!(
            config(bad).validate().unwrap_err(),
            ConfigError::InsecureJwksUrl,
            "{bad}"
        );
    }

    // Used anyway, an insecure URL is never fetched and ES256 fails closed.
    let auth = Authenticator::new(config("http://192.0.2.1/jwks"), reqwest::Client::new());
    let token = signed(Algorithm::ES256, EC_A_PEM, Some("ec-a"), &claims());
    assert_eq!(
        auth.verify(Some(&bearer(&token)), None).await.unwrap_err(),
        AuthError::JwksUnavailable
    );
}
