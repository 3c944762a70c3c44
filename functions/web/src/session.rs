//! The session cookie: the user's Supabase tokens, the server-side session's id and the CSRF token,
//! sealed (AES-256-GCM, `WEB_SESSION_KEYS`) so it can be neither read nor forged. HttpOnly, Secure,
//! SameSite=Lax, host-only, path `/`.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use uuid::Uuid;
use zeroize::Zeroizing;

/// The session cookie's name.
pub const SESSION: &str = "vs_session";
/// Before sign-in: the CSRF token of the sign-in forms.
pub const PRE_SESSION: &str = "vs_signin";
/// What the sealed value is bound to (its associated data), so no other sealed value passes.
const AAD: &[u8] = b"victorysync web session v1";

/// What the session cookie holds.
#[derive(Clone, Serialize, Deserialize)]
pub struct Session {
    /// The `web_sessions` row sign-out ends.
    pub id: Uuid,
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
    /// Every state-changing form carries it back.
    pub csrf: String,
}

/// A fresh random token for a form.
pub fn new_csrf() -> String {
    let mut raw = [0u8; 24];
    rand::rng().fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

/// Constant-time, and never equal to an empty token.
pub fn csrf_matches(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Seals `value` for a cookie.
pub fn seal<T: Serialize>(keys: &crypto::Keyring, value: &T) -> Option<String> {
    let json = Zeroizing::new(serde_json::to_vec(value).ok()?);
    let sealed = keys.seal(&json, AAD).ok()?;
    Some(URL_SAFE_NO_PAD.encode(sealed))
}

/// Opens a sealed cookie value; anything tampered, foreign or malformed is `None`.
pub fn open<T: for<'de> Deserialize<'de>>(keys: &crypto::Keyring, value: &str) -> Option<T> {
    let sealed = URL_SAFE_NO_PAD.decode(value).ok()?;
    let sealed = String::from_utf8(sealed).ok()?;
    let json = keys.open(&sealed, AAD).ok()?;
    serde_json::from_slice(&json).ok()
}

/// `Set-Cookie` for `value`, or one that deletes the cookie when `None`.
pub fn set_cookie(name: &str, value: Option<&str>) -> String {
    match value {
        Some(value) => format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax"),
        None => format!("{name}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn keys() -> crypto::Keyring {
        crypto::Keyring::from_json(
            r#"{"active":"s1","keys":{"s1":"MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="}}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_sealed_session_opens_and_a_tampered_one_does_not() {
        let session = Session {
            id: Uuid::new_v4(),
            access_token: Zeroizing::new("access".into()),
            refresh_token: Zeroizing::new("refresh".into()),
            csrf: new_csrf(),
        };
        let sealed = seal(&keys(), &session).unwrap();
        assert!(!sealed.contains("access") && !sealed.contains("refresh"));
        let opened: Session = open(&keys(), &sealed).unwrap();
        assert_eq!(opened.id, session.id);
        assert_eq!(opened.csrf, session.csrf);
        let mut bytes = sealed.into_bytes();
        let middle = bytes.len() / 2;
        bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(open::<Session>(&keys(), &tampered).is_none());
        assert!(open::<Session>(&keys(), "not-sealed").is_none());
    }

    #[test]
    fn csrf_tokens_compare_exactly() {
        let token = new_csrf();
        assert!(csrf_matches(&token, &token));
        assert!(!csrf_matches(&token, &new_csrf()));
        assert!(!csrf_matches("", ""));
    }
}
