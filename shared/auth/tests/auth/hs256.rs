//! HS256 tokens, the claims checks, header parsing, and what errors may reveal.

use auth::{AuthConfig, AuthError, Authenticator, ConfigError, JwtSecret};
use jsonwebtoken::Algorithm;
use serde_json::json;

use crate::support::*;

async fn verify(token: &str) -> Result<auth::VerifiedUser, AuthError> {
    hs256_only()
        .verify(Some(&bearer(token)), Some(&secret()))
        .await
}

async fn verify_claims(changes: serde_json::Value) -> Result<auth::VerifiedUser, AuthError> {
    verify(&hs256(&claims_with(changes))).await
}

#[tokio::test]
async fn valid_hs256_token_yields_the_user_and_the_exact_payload() {
    let payload = claims();
    let user = verify(&hs256(&payload)).await.unwrap();
    assert_eq!(user.user_id.to_string(), payload["sub"].as_str().unwrap());
    assert_eq!(user.email.as_deref(), Some("agent@example.com"));
    assert_eq!(user.aal.as_deref(), Some("aal1"));
    assert!(!user.is_aal2());
    assert_eq!(user.claims, payload);
}

#[tokio::test]
async fn aal2_is_exposed_for_an_mfa_gate() {
    let user = verify_claims(json!({"aal": "aal2", "email": ""}))
        .await
        .unwrap();
    assert!(user.is_aal2());
    assert_eq!(user.email, None, "an empty email is no email");
}

#[tokio::test]
async fn expiry_is_checked_with_a_small_leeway() {
    let expired = verify_claims(json!({"exp": now() - 120})).await;
    assert_eq!(expired.unwrap_err(), AuthError::Expired);
    verify_claims(json!({"exp": now() - 10}))
        .await
        .expect("within the 30 s leeway");
    assert_eq!(
        verify_claims(json!({"exp": null})).await.unwrap_err(),
        AuthError::Malformed
    );
    assert_eq!(
        verify_claims(json!({"exp": "tomorrow"})).await.unwrap_err(),
        AuthError::Malformed
    );
}

#[tokio::test]
async fn a_token_from_the_future_is_refused() {
    let result = verify_claims(json!({"nbf": now() + 600})).await;
    assert_eq!(result.unwrap_err(), AuthError::NotYetValid);
}

#[tokio::test]
async fn audience_must_be_authenticated() {
    assert_eq!(
        verify_claims(json!({"aud": "other"})).await.unwrap_err(),
        AuthError::WrongAudience
    );
    assert_eq!(
        verify_claims(json!({"aud": null})).await.unwrap_err(),
        AuthError::WrongAudience
    );
    verify_claims(json!({"aud": ["other", "authenticated"]}))
        .await
        .expect("aud array containing it");
}

#[tokio::test]
async fn issuer_is_checked_only_when_configured() {
    let config = AuthConfig {
        issuer: Some("https://project.supabase.co/auth/v1".into()),
        ..AuthConfig::default()
    };
    let strict = Authenticator::new(config, reqwest::Client::new());
    let check = |changes| {
        let token = hs256(&claims_with(changes));
        let strict = &strict;
        async move { strict.verify(Some(&bearer(&token)), Some(&secret())).await }
    };
    check(json!({})).await.expect("configured issuer");
    assert_eq!(
        check(json!({"iss": "https://evil.example/auth/v1"}))
            .await
            .unwrap_err(),
        AuthError::WrongIssuer
    );
    assert_eq!(
        check(json!({"iss": null})).await.unwrap_err(),
        AuthError::WrongIssuer
    );

    verify_claims(json!({"iss": "https://anything.example"}))
        .await
        .expect("no issuer configured");
}

#[tokio::test]
async fn only_the_authenticated_role_is_accepted() {
    for role in [
        json!("service_role"),
        json!("anon"),
        json!("supabase_admin"),
        json!(null),
        json!(["authenticated"]),
    ] {
        let result = verify_claims(json!({"role": role})).await;
        assert_eq!(result.unwrap_err(), AuthError::WrongRole, "role {role}");
    }
}

#[tokio::test]
async fn subject_must_be_a_uuid() {
    for sub in [json!("admin"), json!(""), json!(42), json!(null)] {
        let result = verify_claims(json!({"sub": sub})).await;
        assert_eq!(result.unwrap_err(), AuthError::InvalidSubject, "sub {sub}");
    }
}

#[tokio::test]
async fn alg_none_is_refused() {
    for alg in ["none", "None", "NONE"] {
        let token = raw_token(&json!({"alg": alg, "typ": "JWT"}), &claims(), "");
        assert!(token.starts_with("eyJ") && token.ends_with('.'));
        assert_eq!(
            verify(&token).await.unwrap_err(),
            AuthError::UnsupportedAlgorithm,
            "alg {alg}"
        );
    }
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let token = hs(Algorithm::HS256, OTHER_SECRET, &claims());
    assert_eq!(
        verify(&token).await.unwrap_err(),
        AuthError::InvalidSignature
    );
}

#[tokio::test]
async fn a_tampered_payload_is_refused() {
    let token = hs256(&claims());
    let forged = hs(
        Algorithm::HS256,
        OTHER_SECRET,
        &claims_with(json!({"role": "authenticated"})),
    );
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[1] = forged.split('.').nth(1).unwrap();
    assert_eq!(
        verify(&parts.join(".")).await.unwrap_err(),
        AuthError::InvalidSignature
    );
}

#[tokio::test]
async fn the_secret_passed_per_call_takes_effect_immediately() {
    let auth = hs256_only();
    let header = bearer(&hs256(&claims()));
    auth.verify(Some(&header), Some(&secret())).await.unwrap();
    let rotated = JwtSecret::new(OTHER_SECRET).unwrap();
    assert_eq!(
        auth.verify(Some(&header), Some(&rotated))
            .await
            .unwrap_err(),
        AuthError::InvalidSignature
    );
}

#[tokio::test]
async fn hs256_is_refused_without_a_secret() {
    let result = hs256_only()
        .verify(Some(&bearer(&hs256(&claims()))), None)
        .await;
    assert_eq!(result.unwrap_err(), AuthError::UnsupportedAlgorithm);
}

#[tokio::test]
async fn other_algorithms_are_refused_even_with_the_right_secret() {
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let token = hs(alg, SECRET, &claims());
        assert_eq!(
            verify(&token).await.unwrap_err(),
            AuthError::UnsupportedAlgorithm,
            "{alg:?}"
        );
    }
    for alg in ["ES256", "RS256", "PS256", "EdDSA", "XS999"] {
        let token = raw_token(&json!({"alg": alg, "kid": "k"}), &claims(), "c2ln");
        assert_eq!(
            verify(&token).await.unwrap_err(),
            AuthError::UnsupportedAlgorithm,
            "{alg} without JWKS"
        );
    }
}

#[tokio::test]
async fn critical_header_extensions_are_refused() {
    let header = json!({"alg": "HS256", "typ": "JWT", "crit": ["exp"]});
    let token = raw_token(&header, &claims(), "c2ln");
    assert_eq!(verify(&token).await.unwrap_err(), AuthError::Malformed);
}

#[tokio::test]
async fn authorization_header_parsing() {
    let auth = hs256_only();
    let secret = secret();
    let token = hs256(&claims());
    let check = |header: Option<String>| {
        let (auth, secret) = (&auth, &secret);
        async move {
            auth.verify(header.as_deref(), Some(secret))
                .await
                .map(|_| ())
        }
    };

    assert_eq!(check(None).await, Err(AuthError::Missing));
    assert_eq!(check(Some(String::new())).await, Err(AuthError::Missing));
    assert_eq!(check(Some("   ".into())).await, Err(AuthError::Missing));
    for malformed in [
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Basic dXNlcjpwYXNzd29yZA==".to_owned(),
        format!("Basic {token}"),
        token.clone(),
        format!("Bearer  {token}"),
        format!("Bearer {token} extra"),
        format!("Token {token}"),
        "Bearer aaaa.bbbb.cccc".to_owned(),
        "Bearer abc.def".to_owned(),
        "Bearer a.b.c.d".to_owned(),
        "Bearer eyJ!.eyJ.sig".to_owned(),
        format!("Bearer {}.{}.sig", "eyJ".repeat(6000), "eyJ"),
    ] {
        let shown: String = malformed.chars().take(40).collect();
        assert_eq!(
            check(Some(malformed)).await,
            Err(AuthError::Malformed),
            "header {shown}"
        );
    }
    // The scheme is case-insensitive (RFC 7235); surrounding whitespace is ignored.
    for accepted in [
        format!("bearer {token}"),
        format!("BEARER {token}"),
        format!(" Bearer {token} "),
    ] {
        check(Some(accepted)).await.expect("accepted spelling");
    }
}

#[tokio::test]
async fn short_secrets_are_refused() {
    assert_eq!(
        JwtSecret::new("short").unwrap_err(),
        ConfigError::WeakJwtSecret
    );
    assert_eq!(
        JwtSecret::new(vec![b'x'; 31]).unwrap_err(),
        ConfigError::WeakJwtSecret
    );
    JwtSecret::new(vec![b'x'; 32]).unwrap();
}

#[tokio::test]
async fn errors_and_secrets_never_print_the_token_or_the_secret() {
    let secret = secret();
    let shown = format!("{secret:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("test-only"),
        "{shown}"
    );

    let tokens = [
        hs(Algorithm::HS256, OTHER_SECRET, &claims()),
        hs256(&claims_with(json!({"exp": now() - 3600}))),
        hs256(&claims_with(json!({"role": "service_role"}))),
        hs(Algorithm::HS384, SECRET, &claims()),
        "garbage.garbage.garbage".to_owned(),
    ];
    for token in tokens {
        let error = verify(&token).await.unwrap_err();
        for text in [
            format!("{error}"),
            format!("{error:?}"),
            error.code().to_owned(),
        ] {
            assert!(!text.contains(&token) && !text.contains(SECRET), "{text}");
            for part in token.split('.') {
                assert!(!text.contains(part), "{text} leaks a token part");
            }
        }
        assert_eq!(error.http_status(), 401);
    }
    let config_error = JwtSecret::new("short-secret").unwrap_err();
    assert!(!format!("{config_error} {config_error:?}").contains("short-secret"));
}

#[test]
fn error_codes_and_statuses() {
    assert_eq!(AuthError::Missing.code(), "missing_token");
    assert_eq!(AuthError::Expired.code(), "token_expired");
    assert_eq!(AuthError::WrongRole.code(), "invalid_token");
    assert_eq!(AuthError::JwksUnavailable.code(), "auth_unavailable");
    assert_eq!(AuthError::JwksUnavailable.http_status(), 503);
    assert_eq!(AuthError::UnknownKey.http_status(), 401);
}
