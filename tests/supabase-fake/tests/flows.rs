//! The fake over HTTP, its tokens checked by the `auth` crate exactly as the functions check them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use auth::{AuthConfig, Authenticator, JwtSecret};
use reqwest::StatusCode;
use serde_json::{Value, json};
use supabase_fake::{FakeAuthConfig, FakeAuthHandle, FakeSupabaseAuth};

const SECRET: &str = "fake-supabase-test-secret-with-32-plus-bytes";

struct Fake {
    auth: FakeAuthHandle,
    http: reqwest::Client,
}

impl Fake {
    async fn start() -> Self {
        let mut config = FakeAuthConfig::new(SECRET);
        config.site_url = "http://127.0.0.1:9000".to_owned();
        Self {
            auth: FakeSupabaseAuth::start(config).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut request = self
            .http
            .post(format!("{}/auth/v1{path}", self.auth.base_url()))
            .header("apikey", self.auth.anon_key())
            .json(&body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let reply = request.send().await.unwrap();
        let status = reply.status();
        let text = reply.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn sign_in(&self, email: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/token?grant_type=password",
            None,
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// The verified claims of an access token, or why it was refused.
    async fn verify(&self, token: &str) -> Result<auth::VerifiedUser, auth::AuthError> {
        let config = AuthConfig {
            issuer: Some(self.auth.issuer()),
            ..AuthConfig::default()
        };
        Authenticator::with_lazy_client(config)
            .verify(
                Some(&format!("Bearer {token}")),
                Some(&JwtSecret::new(SECRET).unwrap()),
            )
            .await
    }
}

fn access(session: &Value) -> &str {
    session["access_token"].as_str().unwrap()
}

#[tokio::test]
async fn a_password_sign_in_issues_a_token_the_functions_accept() {
    let fake = Fake::start().await;
    let id = fake
        .auth
        .add_user("ada@example.test", "correct horse", false);
    let (status, session) = fake.sign_in("Ada@Example.test", "correct horse").await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["token_type"], "bearer");
    assert_eq!(session["user"]["id"], id.to_string());
    let user = fake.verify(access(&session)).await.unwrap();
    assert_eq!(user.user_id.to_string(), id.to_string());
    assert_eq!(user.aal.as_deref(), Some("aal1"));

    let (status, body) = fake.sign_in("ada@example.test", "wrong").await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "invalid_credentials");
    let (status, _) = fake.sign_in("nobody@example.test", "correct horse").await;
    assert_eq!(status, 400);

    let no_key = fake
        .http
        .post(format!(
            "{}/auth/v1/token?grant_type=password",
            fake.auth.base_url()
        ))
        .json(&json!({ "email": "ada@example.test", "password": "correct horse" }))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
}

#[tokio::test]
async fn a_sign_up_creates_the_user_and_their_first_session_once() {
    let fake = Fake::start().await;
    let body = json!({ "email": "Eve@example.test", "password": "pw-eve-1234" });
    let (status, session) = fake.post("/signup", None, body.clone()).await;
    assert_eq!(status, 200, "{session}");
    let user = fake.verify(access(&session)).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("eve@example.test"));
    assert_eq!(fake.sign_in("eve@example.test", "pw-eve-1234").await.0, 200);

    let (status, again) = fake.post("/signup", None, body).await;
    assert_eq!(status, 422);
    assert_eq!(again["error_code"], "user_already_exists");
    let weak = json!({ "email": "fay@example.test", "password": "12345" });
    let (status, refused) = fake.post("/signup", None, weak).await;
    assert_eq!(
        (status.as_u16(), &refused["error_code"]),
        (422, &json!("weak_password"))
    );
    assert_eq!(fake.sign_in("fay@example.test", "12345").await.0, 400);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session() {
    let fake = Fake::start().await;
    fake.auth.add_user("bo@example.test", "pw-bo-1234", false);
    let (_, first) = fake.sign_in("bo@example.test", "pw-bo-1234").await;
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = fake
        .post(
            "/token?grant_type=refresh_token",
            None,
            json!({ "refresh_token": old }),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    let new = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(fake.verify(access(&second)).await.is_ok());

    // The spent token again: refused, and the session is over for its newest token too.
    let (status, body) = fake
        .post(
            "/token?grant_type=refresh_token",
            None,
            json!({ "refresh_token": old }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "refresh_token_already_used");
    let (status, _) = fake
        .post(
            "/token?grant_type=refresh_token",
            None,
            json!({ "refresh_token": new }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(fake.auth.live_sessions("bo@example.test"), 0);
}

#[tokio::test]
async fn a_magic_link_is_captured_and_works_once() {
    let fake = Fake::start().await;
    let id = fake
        .auth
        .add_user("cy@example.test", "unused-password", false);
    let (status, _) = fake
        .post("/otp", None, json!({ "email": "cy@example.test" }))
        .await;
    assert_eq!(status, 200);
    let (status, body) = fake
        .post(
            "/otp",
            None,
            json!({ "email": "stranger@example.test", "create_user": true }),
        )
        .await;
    assert_eq!(status, 422, "no sign-ups: {body}");
    assert!(fake.auth.magic_links("stranger@example.test").is_empty());

    let links = fake.auth.magic_links("cy@example.test");
    assert_eq!(links.len(), 1);
    assert!(
        links[0].starts_with("http://127.0.0.1:9000/auth/confirm?token_hash="),
        "{}",
        links[0]
    );
    let hash = links[0]
        .split("token_hash=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap();
    let body = json!({ "type": "magiclink", "token_hash": hash });
    let (status, session) = fake.post("/verify", None, body.clone()).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(
        fake.verify(access(&session))
            .await
            .unwrap()
            .user_id
            .to_string(),
        id.to_string()
    );
    let (status, again) = fake.post("/verify", None, body).await;
    assert_eq!(status, 403);
    assert_eq!(again["error_code"], "otp_expired");
}

#[tokio::test]
async fn the_totp_step_raises_a_session_to_aal2() {
    let fake = Fake::start().await;
    fake.auth.add_user("di@example.test", "pw-di-1234", true);
    let (_, session) = fake.sign_in("di@example.test", "pw-di-1234").await;
    let token = access(&session).to_owned();
    assert_eq!(
        fake.verify(&token).await.unwrap().aal.as_deref(),
        Some("aal1")
    );
    let factor = session["user"]["factors"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, challenge) = fake
        .post(
            &format!("/factors/{factor}/challenge"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{challenge}");
    let wrong = fake
        .post(
            &format!("/factors/{factor}/verify"),
            Some(&token),
            json!({ "challenge_id": challenge["id"], "code": "000000x" }),
        )
        .await;
    assert_eq!(wrong.0, 422);
    assert_eq!(wrong.1["error_code"], "mfa_verification_failed");
    let (status, empty) = fake
        .post(
            &format!("/factors/{factor}/verify"),
            Some(&token),
            json!({ "challenge_id": challenge["id"], "code": "" }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(empty["error_code"], "validation_failed");
    // Another aal1 session of the same user, which the step ends.
    let (_, other) = fake.sign_in("di@example.test", "pw-di-1234").await;
    assert_eq!(fake.auth.live_sessions("di@example.test"), 2);

    // A wrong code leaves the challenge open: the right one still passes it.
    let code = fake.auth.totp_code("di@example.test").unwrap();
    let (status, raised) = fake
        .post(
            &format!("/factors/{factor}/verify"),
            Some(&token),
            json!({ "challenge_id": challenge["id"], "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{raised}");
    let user = fake.verify(access(&raised)).await.unwrap();
    assert!(user.is_aal2());
    assert_ne!(raised["refresh_token"], session["refresh_token"]);
    assert_eq!(fake.auth.live_sessions("di@example.test"), 1);
    let (status, _) = fake
        .post(
            "/token?grant_type=refresh_token",
            None,
            json!({ "refresh_token": other["refresh_token"] }),
        )
        .await;
    assert_eq!(status, 400, "the other aal1 session ended");

    // A passed challenge is spent.
    let (status, spent) = fake
        .post(
            &format!("/factors/{factor}/verify"),
            Some(access(&raised)),
            json!({ "challenge_id": challenge["id"], "code": code }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(spent["error_code"], "mfa_factor_not_found");
}

#[tokio::test]
async fn sign_out_ends_the_session_and_its_refresh_token() {
    let fake = Fake::start().await;
    fake.auth.add_user("ed@example.test", "pw-ed-1234", false);
    let (_, one) = fake.sign_in("ed@example.test", "pw-ed-1234").await;
    let (_, two) = fake.sign_in("ed@example.test", "pw-ed-1234").await;
    assert_eq!(fake.auth.live_sessions("ed@example.test"), 2);
    let (status, _) = fake
        .post("/logout?scope=local", Some(access(&one)), json!({}))
        .await;
    assert_eq!(status, 204);
    let (status, _) = fake
        .post(
            "/token?grant_type=refresh_token",
            None,
            json!({ "refresh_token": one["refresh_token"] }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(fake.auth.live_sessions("ed@example.test"), 1);
    let user = fake
        .http
        .get(format!("{}/auth/v1/user", fake.auth.base_url()))
        .header("apikey", fake.auth.anon_key())
        .bearer_auth(access(&two))
        .send()
        .await
        .unwrap();
    assert_eq!(user.status(), 200);
    let ended = fake
        .http
        .get(format!("{}/auth/v1/user", fake.auth.base_url()))
        .header("apikey", fake.auth.anon_key())
        .bearer_auth(access(&one))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 403);
    // Access tokens themselves stay valid until they expire, as Supabase's do.
    assert!(fake.verify(access(&one)).await.is_ok());
}
