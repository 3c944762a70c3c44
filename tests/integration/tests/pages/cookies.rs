//! The session cookie as the test's eye sees it: opened, sealed again, its access token aged.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use integration_tests::site::Jar;
use serde_json::{Value, json};
use test_harness::identity::{self, SESSION_KEYRING};

/// Opens a sealed cookie of the jar as the test's eye on it (the pages seal each cookie to its
/// name under `WEB_SESSION_KEYS`).
pub fn open_cookie(jar: &Jar, name: &str) -> Value {
    let keys = crypto::Keyring::from_json(SESSION_KEYRING).unwrap();
    let sealed = String::from_utf8(URL_SAFE_NO_PAD.decode(&jar.0[name]).unwrap()).unwrap();
    let json = keys
        .open(&sealed, format!("victorysync web {name} v1").as_bytes())
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

/// Seals `value` as cookie `name` into the jar, as the pages would.
pub fn seal_cookie(jar: &mut Jar, name: &str, value: &Value) {
    let keys = crypto::Keyring::from_json(SESSION_KEYRING).unwrap();
    let sealed = keys
        .seal(
            &serde_json::to_vec(value).unwrap(),
            format!("victorysync web {name} v1").as_bytes(),
        )
        .unwrap();
    jar.0
        .insert(name.to_owned(), URL_SAFE_NO_PAD.encode(sealed));
}

/// The claims of an access token (already verified by the pages; here only read).
pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The jar's session with its access token past its time, so the next page refreshes it.
pub fn with_expired_token(jar: &Jar) -> Jar {
    let mut jar = jar.clone();
    let mut session = open_cookie(&jar, "vs_session");
    let mut expired = claims(session["access_token"].as_str().unwrap());
    expired["exp"] = json!(expired["iat"].as_i64().unwrap() - 120);
    session["access_token"] = json!(identity::sign(&expired, identity::JWT_SECRET));
    seal_cookie(&mut jar, "vs_session", &session);
    jar
}
