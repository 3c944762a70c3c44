//! Users, sessions, refresh tokens, magic links and factor challenges, behind one lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::FakeAuthConfig;

pub(crate) struct Shared {
    pub config: FakeAuthConfig,
    pub issuer: String,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(config: FakeAuthConfig, issuer: String) -> Self {
        Self {
            config,
            issuer,
            state: Mutex::new(State::default()),
        }
    }

    /// A panicking handler cannot leave the state half-written in a way later tests care about.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// GoTrue's error body: `{"code":<status>,"error_code":"…","msg":"…"}`.
#[derive(Debug)]
pub(crate) struct AuthError {
    pub status: u16,
    pub code: &'static str,
    pub msg: &'static str,
}

impl AuthError {
    pub const fn new(status: u16, code: &'static str, msg: &'static str) -> Self {
        Self { status, code, msg }
    }
}

#[derive(Clone)]
pub(crate) struct User {
    pub id: Uuid,
    pub email: String,
    password: String,
    pub created_at: DateTime<Utc>,
    /// The verified TOTP factor: its id and secret.
    pub factor: Option<(Uuid, [u8; 20])>,
}

/// One sign-in: its assurance level and how it got there.
#[derive(Clone)]
pub(crate) struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub aal2: bool,
    /// Methods in the order they were used (`password`, `otp`, `totp`), with when.
    pub amr: Vec<(&'static str, i64)>,
    /// The one refresh token that may be used next.
    refresh: String,
    revoked: bool,
}

struct Link {
    email: String,
    token_hash: String,
    url: String,
    expires: DateTime<Utc>,
    used: bool,
}

struct Challenge {
    factor: Uuid,
    session: Uuid,
    expires: DateTime<Utc>,
}

/// A session as just issued or refreshed, with its user and the refresh token to hand out.
pub(crate) struct Issued {
    pub session: Session,
    pub user: User,
    pub refresh_token: String,
}

#[derive(Default)]
pub(crate) struct State {
    users: Vec<User>,
    sessions: HashMap<Uuid, Session>,
    /// Every refresh token ever issued → its session; only the session's current one is usable.
    refresh_tokens: HashMap<String, Uuid>,
    links: Vec<Link>,
    challenges: HashMap<Uuid, Challenge>,
}

fn random_token(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

const INVALID_LOGIN: AuthError =
    AuthError::new(400, "invalid_credentials", "Invalid login credentials");
const BAD_REFRESH: AuthError = AuthError::new(
    400,
    "refresh_token_not_found",
    "Invalid Refresh Token: Refresh Token Not Found",
);
const REUSED_REFRESH: AuthError = AuthError::new(
    400,
    "refresh_token_already_used",
    "Invalid Refresh Token: Already Used",
);
const BAD_LINK: AuthError =
    AuthError::new(403, "otp_expired", "Email link is invalid or has expired");
const NO_SESSION: AuthError = AuthError::new(
    403,
    "session_not_found",
    "Session from session_id claim in JWT does not exist",
);

/// The 6-digit code of `secret` in the 30-second step `step` (HMAC-SHA256, truncated as RFC 4226).
fn totp(secret: &[u8; 20], step: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[31] & 0x0f);
    let word = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", word % 1_000_000)
}

fn step_now() -> i64 {
    Utc::now().timestamp() / 30
}

impl State {
    pub fn add_user(&mut self, id: Uuid, email: &str, password: &str, mfa: bool) {
        let factor = mfa.then(|| {
            let mut secret = [0u8; 20];
            rand::rng().fill_bytes(&mut secret);
            (Uuid::new_v4(), secret)
        });
        self.users.retain(|u| !u.email.eq_ignore_ascii_case(email));
        self.users.push(User {
            id,
            email: email.to_ascii_lowercase(),
            password: password.to_owned(),
            created_at: Utc::now(),
            factor,
        });
    }

    fn by_email(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    pub fn user(&self, id: Uuid) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    fn start_session(&mut self, user: User, method: &'static str) -> Issued {
        let session = Session {
            id: Uuid::new_v4(),
            user_id: user.id,
            aal2: false,
            amr: vec![(method, Utc::now().timestamp())],
            refresh: random_token(16),
            revoked: false,
        };
        self.refresh_tokens
            .insert(session.refresh.clone(), session.id);
        self.sessions.insert(session.id, session.clone());
        Issued {
            refresh_token: session.refresh.clone(),
            session,
            user,
        }
    }

    pub fn password_grant(&mut self, email: &str, password: &str) -> Result<Issued, AuthError> {
        let user = self.by_email(email).cloned().ok_or(INVALID_LOGIN)?;
        if !bool::from(user.password.as_bytes().ct_eq(password.as_bytes())) {
            return Err(INVALID_LOGIN);
        }
        Ok(self.start_session(user, "password"))
    }

    /// A new confirmed user (the project's "Confirm email" off) and their first session, as
    /// GoTrue's `/signup` answers then; an address already registered, or a password under six
    /// characters, is refused with GoTrue's codes.
    pub fn sign_up(&mut self, email: &str, password: &str) -> Result<Issued, AuthError> {
        if self.by_email(email).is_some() {
            return Err(AuthError::new(
                422,
                "user_already_exists",
                "User already registered",
            ));
        }
        if password.chars().count() < 6 {
            return Err(AuthError::new(
                422,
                "weak_password",
                "Password should be at least 6 characters.",
            ));
        }
        self.add_user(Uuid::new_v4(), email, password, false);
        let user = self.by_email(email).cloned().ok_or(INVALID_LOGIN)?;
        Ok(self.start_session(user, "password"))
    }

    /// Rotates: the token given is spent and a new one issued. Presenting a spent token again
    /// revokes the whole session (someone else may hold it).
    pub fn refresh(&mut self, token: &str) -> Result<Issued, AuthError> {
        let id = *self.refresh_tokens.get(token).ok_or(BAD_REFRESH)?;
        let session = self.sessions.get_mut(&id).ok_or(BAD_REFRESH)?;
        if session.revoked {
            return Err(BAD_REFRESH);
        }
        if session.refresh != token {
            session.revoked = true;
            return Err(REUSED_REFRESH);
        }
        session.refresh = random_token(16);
        let session = session.clone();
        self.refresh_tokens
            .insert(session.refresh.clone(), session.id);
        let user = self.user(session.user_id).cloned().ok_or(BAD_REFRESH)?;
        Ok(Issued {
            refresh_token: session.refresh.clone(),
            session,
            user,
        })
    }

    /// Mails (captures) a magic link when the email has an account; `false` when it has none.
    pub fn send_link(&mut self, email: &str, site: &str, ttl: chrono::Duration) -> bool {
        let Some(user) = self.by_email(email).cloned() else {
            return false;
        };
        let token_hash = random_token(24);
        self.links.push(Link {
            email: user.email,
            url: format!("{site}/auth/confirm?token_hash={token_hash}&type=magiclink"),
            token_hash,
            expires: Utc::now() + ttl,
            used: false,
        });
        true
    }

    pub fn links_for(&self, email: &str) -> Vec<String> {
        self.links
            .iter()
            .filter(|l| l.email.eq_ignore_ascii_case(email))
            .map(|l| l.url.clone())
            .collect()
    }

    /// Single use, before it expires.
    pub fn verify_link(&mut self, token_hash: &str) -> Result<Issued, AuthError> {
        let now = Utc::now();
        let link = self
            .links
            .iter_mut()
            .find(|l| bool::from(l.token_hash.as_bytes().ct_eq(token_hash.as_bytes())))
            .filter(|l| !l.used && l.expires > now)
            .ok_or(BAD_LINK)?;
        link.used = true;
        let email = link.email.clone();
        let user = self.by_email(&email).cloned().ok_or(BAD_LINK)?;
        Ok(self.start_session(user, "otp"))
    }

    /// The live session `id` of `user`.
    pub fn session(&self, id: Uuid, user: Uuid) -> Result<&Session, AuthError> {
        self.sessions
            .get(&id)
            .filter(|s| s.user_id == user && !s.revoked)
            .ok_or(NO_SESSION)
    }

    /// `local`: this session; `global`: every session of the user; `others`: all but this one.
    pub fn logout(&mut self, id: Uuid, user: Uuid, scope: &str) -> Result<(), AuthError> {
        self.session(id, user)?;
        for s in self.sessions.values_mut().filter(|s| s.user_id == user) {
            let this = s.id == id;
            if match scope {
                "global" => true,
                "others" => !this,
                _ => this,
            } {
                s.revoked = true;
            }
        }
        Ok(())
    }

    pub fn challenge(
        &mut self,
        session: Uuid,
        user: Uuid,
        factor: Uuid,
    ) -> Result<(Uuid, DateTime<Utc>), AuthError> {
        self.session(session, user)?;
        let owner = self.user(user).and_then(|u| u.factor).map(|(id, _)| id);
        if owner != Some(factor) {
            return Err(AuthError::new(
                404,
                "mfa_factor_not_found",
                "Factor not found",
            ));
        }
        let id = Uuid::new_v4();
        let expires = Utc::now() + chrono::Duration::minutes(5);
        self.challenges.insert(
            id,
            Challenge {
                factor,
                session,
                expires,
            },
        );
        Ok((id, expires))
    }

    /// A right code raises the session to `aal2`, issues new tokens for it and ends the user's
    /// other `aal1` sessions, as GoTrue does. A wrong code leaves the challenge open for another
    /// try until it expires; a verified one is spent.
    pub fn verify_factor(
        &mut self,
        session: Uuid,
        user: Uuid,
        factor: Uuid,
        challenge: Uuid,
        code: &str,
    ) -> Result<Issued, AuthError> {
        self.session(session, user)?;
        let known = self
            .challenges
            .get(&challenge)
            .filter(|c| c.factor == factor && c.session == session)
            .ok_or(AuthError::new(
                422,
                "mfa_factor_not_found",
                "MFA factor with the provided challenge ID not found",
            ))?;
        if known.expires <= Utc::now() {
            self.challenges.remove(&challenge);
            return Err(AuthError::new(
                422,
                "mfa_challenge_expired",
                "MFA challenge has expired, verify against another challenge or create a new challenge.",
            ));
        }
        let secret = self
            .user(user)
            .and_then(|u| u.factor)
            .filter(|(id, _)| *id == factor)
            .map(|(_, secret)| secret)
            .ok_or(AuthError::new(
                404,
                "mfa_factor_not_found",
                "Factor not found",
            ))?;
        // GoTrue accepts the code of the step before and after too (skew 1).
        let now = step_now();
        if ![now - 1, now, now + 1]
            .iter()
            .any(|step| bool::from(totp(&secret, *step).as_bytes().ct_eq(code.as_bytes())))
        {
            return Err(AuthError::new(
                422,
                "mfa_verification_failed",
                "Invalid TOTP code entered",
            ));
        }
        self.challenges.remove(&challenge);
        let user = self.user(user).cloned().ok_or(NO_SESSION)?;
        for other in self
            .sessions
            .values_mut()
            .filter(|s| s.user_id == user.id && s.id != session && !s.aal2)
        {
            other.revoked = true;
        }
        let s = self.sessions.get_mut(&session).ok_or(NO_SESSION)?;
        s.aal2 = true;
        s.amr.insert(0, ("totp", Utc::now().timestamp()));
        s.refresh = random_token(16);
        let s = s.clone();
        self.refresh_tokens.insert(s.refresh.clone(), s.id);
        Ok(Issued {
            refresh_token: s.refresh.clone(),
            session: s,
            user,
        })
    }

    pub fn totp_code(&self, email: &str) -> Option<String> {
        let (_, secret) = self.by_email(email)?.factor?;
        Some(totp(&secret, step_now()))
    }

    pub fn live_sessions(&self, email: &str) -> usize {
        let Some(user) = self.by_email(email) else {
            return 0;
        };
        self.sessions
            .values()
            .filter(|s| s.user_id == user.id && !s.revoked)
            .count()
    }
}
