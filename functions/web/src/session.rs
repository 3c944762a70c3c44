//! The session cookie: the user's Supabase tokens, the server-side session's id and the CSRF token,
//! sealed (AES-256-GCM, `WEB_SESSION_KEYS`) so it can be neither read nor forged. HttpOnly, Secure,
//! SameSite=Lax, host-only, path `/`. Each cookie's value is sealed to its name, so the value of one
//! (the pending second sign-in step, say) never opens as another (the session).

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
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
/// Between the password (or link) and the authenticator code: a [`Pending`] step.
pub const PENDING: &str = "vs_mfa";
/// How long the code step waits, GoTrue's default for a factor challenge.
pub const PENDING_SECONDS: i64 = 300;

/// What the session cookie holds.
#[derive(Clone, Serialize, Deserialize)]
pub struct Session {
    /// The `web_sessions` row sign-out ends.
    pub id: Uuid,
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
    /// Every state-changing form carries it back.
    pub csrf: String,
    /// Supabase listed a verified factor for the user with these tokens or earlier ones of the
    /// session: from then on only an `aal2` access token is accepted.
    pub second_factor: bool,
}

/// A sign-in waiting for the authenticator code: Supabase's `aal1` tokens, kept only here.
#[derive(Serialize, Deserialize)]
pub struct Pending {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
    /// The verified TOTP factor to challenge.
    pub factor: Uuid,
    /// The code form carries it back.
    pub csrf: String,
    /// Unix seconds after which the step is over.
    pub expires_at: i64,
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

/// Replaces cookie `name` in the request's `Cookie` headers by `value` (one header afterwards), as
/// the browser will send it once told to.
pub fn replace_cookie(headers: &mut HeaderMap, name: &str, value: &str) {
    let mut pairs: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && pair.split_once('=').is_none_or(|(key, _)| key != name))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("{name}={value}"));
    if let Ok(joined) = HeaderValue::from_str(&pairs.join("; ")) {
        headers.insert(COOKIE, joined);
    }
}

/// What a cookie's sealed value is bound to (its associated data).
fn aad(cookie: &str) -> Vec<u8> {
    format!("victorysync web {cookie} v1").into_bytes()
}

/// Seals `value` for the cookie named `cookie`.
pub fn seal<T: Serialize>(keys: &crypto::Keyring, cookie: &str, value: &T) -> Option<String> {
    let json = Zeroizing::new(serde_json::to_vec(value).ok()?);
    let sealed = keys.seal(&json, &aad(cookie)).ok()?;
    Some(URL_SAFE_NO_PAD.encode(sealed))
}

/// Opens the value of the cookie named `cookie`; anything tampered, foreign (another cookie's
/// value included) or malformed is `None`.
pub fn open<T: for<'de> Deserialize<'de>>(
    keys: &crypto::Keyring,
    cookie: &str,
    value: &str,
) -> Option<T> {
    let sealed = URL_SAFE_NO_PAD.decode(value).ok()?;
    let sealed = String::from_utf8(sealed).ok()?;
    let json = keys.open(&sealed, &aad(cookie)).ok()?;
    serde_json::from_slice(&json).ok()
}

/// The sealed value of cookie `name` in the request, opened.
pub fn opened<T: for<'de> Deserialize<'de>>(
    keys: &crypto::Keyring,
    headers: &HeaderMap,
    name: &str,
) -> Option<T> {
    cookie(headers, name).and_then(|value| open(keys, name, value))
}

/// `Set-Cookie` for `value`, or one that deletes the cookie when `None`.
pub fn set_cookie(name: &str, value: Option<&str>) -> String {
    match value {
        Some(value) => format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax"),
        None => format!("{name}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"),
    }
}

/// `Set-Cookie` for a value the browser forgets after `seconds`.
pub fn set_short_cookie(name: &str, value: &str, seconds: i64) -> String {
    format!("{}; Max-Age={seconds}", set_cookie(name, Some(value)))
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
            second_factor: true,
        };
        let sealed = seal(&keys(), SESSION, &session).unwrap();
        assert!(!sealed.contains("access") && !sealed.contains("refresh"));
        let opened: Session = open(&keys(), SESSION, &sealed).unwrap();
        assert_eq!(opened.id, session.id);
        assert_eq!(opened.csrf, session.csrf);
        assert!(opened.second_factor);
        // Sealed for the session cookie, it opens as no other cookie's value.
        assert!(open::<Session>(&keys(), PENDING, &sealed).is_none());
        let mut bytes = sealed.into_bytes();
        let middle = bytes.len() / 2;
        bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(open::<Session>(&keys(), SESSION, &tampered).is_none());
        assert!(open::<Session>(&keys(), SESSION, "not-sealed").is_none());
    }

    #[test]
    fn csrf_tokens_compare_exactly() {
        let token = new_csrf();
        assert!(csrf_matches(&token, &token));
        assert!(!csrf_matches(&token, &new_csrf()));
        assert!(!csrf_matches("", ""));
    }
}
